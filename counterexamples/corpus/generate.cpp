// rseqcheck-corpus: writes counterexamples/corpus/<sha-or-slug>-<property>.{json,txt}, the
// minimised trace of every variant in variant_catalog() on the preset the catalogue names.
// Usage: rseqcheck-corpus OUTDIR   (prints a table of lengths before/after minimisation)
//        rseqcheck-corpus --render TRACE.json OUTSTEM   (OUTSTEM.{dot,svg,html}; svg needs dot)
#include <iostream>
#include <optional>
#include <string>

#include "counterexamples/corpus.h"
#include "counterexamples/render.h"
#include "counterexamples/trace.h"
#include "counterexamples/trace_file.h"
#include "model/input_error.h"
#include "model/variant.h"
#include "util/output_file.h"

namespace {

/// Whole or not at all, as every output of rseqcheck (util/output_file.h): a fresh
/// temporary file beside `path`, renamed over it.
void write(const std::string& path, const std::string& text) {
    rseqcheck::write_file_atomically(path, text);
}

}  // namespace

static int run(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--render") {
        const rseqcheck::cex::ReplayReport r = rseqcheck::cex::replay_file(argv[2]);
        const rseqcheck::cex::Trace& t = r.result.trace;
        write(std::string(argv[3]) + ".dot", rseqcheck::cex::render_dot(t));
        write(std::string(argv[3]) + ".html", rseqcheck::cex::render_html(t));
        if (const auto svg = rseqcheck::cex::render_svg(t)) {
            write(std::string(argv[3]) + ".svg", *svg);
        } else {
            std::cerr << "rseqcheck-corpus: note: graphviz 'dot' is not installed; no SVG "
                         "(apt-get install graphviz)\n";
        }
        return 0;
    }
    if (argc != 2) {
        std::cerr << "usage: rseqcheck-corpus OUTDIR | --render TRACE.json OUTSTEM\n";
        return 2;
    }
    const std::string dir = argv[1];
    int status = 0;
    std::cout << "| variant | preset | property | steps before | after | env events before | "
                 "after | minimise ms |\n|---|---|---|---|---|---|---|---|\n";
    for (const rseqcheck::VariantInfo* bug : rseqcheck::bug_variants()) {
        const rseqcheck::VariantInfo& info = *bug;
        const std::optional<rseqcheck::cex::CorpusEntry> entry = rseqcheck::cex::corpus_entry(info);
        if (!entry) {
            // find_trace() covers invariants and transition properties; a variant caught only
            // by a leads-to property gets its lasso from `rseqcheck check --trace-out`.
            std::cerr << "rseqcheck-corpus: " << info.name << " violates no safety property on "
                      << info.preset << "; its lasso comes from 'rseqcheck check --variant "
                      << info.name << " --trace-out DIR' (DIR/<property>.replay.json)\n";
            continue;
        }
        const rseqcheck::cex::Trace& t = entry->trace;
        const std::string base = dir + "/" + entry->stem;
        write(base + ".json", rseqcheck::cex::render_json(t));
        write(base + ".txt", rseqcheck::cex::render_text(t));
        std::cout << "| " << info.name << " | " << info.preset << " | " << t.property.name << " ("
                  << t.property.spec_id << ") | " << t.original_steps << " | " << t.steps.size()
                  << " | " << t.original_environment_events << " | "
                  << rseqcheck::cex::environment_events(t.steps) << " | " << entry->minimise_ms
                  << " |\n";
    }
    return status;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const rseqcheck::InputError& e) {
        // A malformed trace file (at file:line:col) or an output that cannot be written
        // (OUTDIR missing, a full disk): bad input.
        const rseqcheck::SourceLocation& at = e.where();
        if (at.file.empty()) {
            std::cerr << "rseqcheck-corpus";
        } else {
            std::cerr << at.file;
            if (at.line > 0)
                std::cerr << ":" << at.line << ":" << at.column;
        }
        std::cerr << ": error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "rseqcheck-corpus: internal error: " << e.what() << "\n";
        return 3;
    }
}
