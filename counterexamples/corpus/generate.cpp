// rseqcheck-corpus: writes counterexamples/corpus/<sha-or-slug>-<property>.{json,txt}, the
// minimised trace of every variant in variant_catalog() on the preset the catalogue names.
// Usage: rseqcheck-corpus OUTDIR   (prints a table of lengths before/after minimisation)
//        rseqcheck-corpus --render TRACE.json OUTSTEM   (OUTSTEM.{dot,svg,html}; svg needs dot)
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

#include "counterexamples/minimise.h"
#include "counterexamples/render.h"
#include "counterexamples/shortest_path.h"
#include "counterexamples/trace_file.h"
#include "model/variant.h"

namespace {

/// "pre_7ee58f98" -> "7ee58f98"; "mut_grant_ignores_deny" -> "mut-grant-ignores-deny".
std::string file_stem(std::string_view variant) {
    std::string out(variant.substr(0, 4) == "pre_" ? variant.substr(4) : variant);
    for (char& c : out) {
        if (c == '_')
            c = '-';
    }
    return out;
}

void write(const std::string& path, const std::string& text) {
    std::ofstream out(path + ".partial", std::ios::binary);
    out << text;
    out.close();
    if (!out || std::rename((path + ".partial").c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot write " + path);
}

}  // namespace

static int run(int argc, char** argv) {
    if (argc == 4 && std::string(argv[1]) == "--render") {
        try {
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
        } catch (const rseqcheck::InputError& e) {
            std::cerr << e.where().file << ": error: " << e.what() << "\n";
            return 2;
        }
    }
    if (argc != 2) {
        std::cerr << "usage: rseqcheck-corpus OUTDIR | --render TRACE.json OUTSTEM\n";
        return 2;
    }
    const std::string dir = argv[1];
    int status = 0;
    std::cout << "| variant | preset | property | steps before | after | env events before | "
                 "after | minimise ms |\n|---|---|---|---|---|---|---|---|\n";
    for (const rseqcheck::VariantInfo& info : rseqcheck::variant_catalog()) {
        rseqcheck::Scenario sc = rseqcheck::make_preset(info.preset);
        sc.variant.add(info.id);
        const auto found = rseqcheck::cex::find_trace(sc, info.catches);
        if (!found) {
            // find_trace() covers invariants and transition properties; a variant caught only
            // by a leads-to property gets its lasso from `rseqcheck check --trace-out`.
            std::cerr << "rseqcheck-corpus: " << info.name << " violates no safety property on "
                      << info.preset << "; its lasso comes from 'rseqcheck check --variant "
                      << info.name << " --trace-out DIR' (DIR/<property>.replay.json)\n";
            continue;
        }
        const rseqcheck::RseqModel model(sc);
        const auto start = std::chrono::steady_clock::now();
        const rseqcheck::cex::Trace t = rseqcheck::cex::minimise(model, *found);
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        const std::string base = dir + "/" + file_stem(info.name) + "-" + t.property.name;
        write(base + ".json", rseqcheck::cex::render_json(t));
        write(base + ".txt", rseqcheck::cex::render_text(t));
        std::cout << "| " << info.name << " | " << info.preset << " | " << t.property.name << " ("
                  << t.property.spec_id << ") | " << t.original_steps << " | " << t.steps.size()
                  << " | " << t.original_environment_events << " | "
                  << rseqcheck::cex::environment_events(t.steps) << " | " << ms << " |\n";
    }
    return status;
}

int main(int argc, char** argv) {
    try {
        return run(argc, argv);
    } catch (const std::exception& e) {
        std::cerr << "rseqcheck-corpus: internal error: " << e.what() << "\n";
        return 3;
    }
}
