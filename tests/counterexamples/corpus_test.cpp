#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "counterexamples/corpus.h"
#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"
#include "model/variant.h"

namespace rseqcheck::cex {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_files() {
    std::vector<fs::path> out;
    for (const auto& e :
         fs::directory_iterator(fs::path(RSEQCHECK_SOURCE_DIR) / "counterexamples" / "corpus")) {
        if (e.path().extension() == ".json")
            out.push_back(e.path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

TEST(Corpus, EveryVariantHasATrace) {
    std::set<std::string> variants;
    for (const fs::path& p : corpus_files())
        variants.insert(load_trace_file(p.string()).scenario.variant.name());
    // A bug has a stored trace; a patch (fix_) is not a bug: it has none (rseqcheck compare).
    for (const VariantInfo* info : bug_variants())
        EXPECT_TRUE(variants.count(std::string(info->name)) == 1) << info->name;
}

TEST(Corpus, EachTraceShowsItsBugOnItsVariantAndNotOnTheFixedModel) {
    const auto files = corpus_files();
    ASSERT_FALSE(files.empty());
    for (const fs::path& p : files) {
        const ReplayReport own = replay_file(p.string());
        EXPECT_EQ(own.exit_code, 1) << p << ": " << own.error << own.output;
        const TraceFile tf = load_trace_file(p.string());
        EXPECT_EQ(own.result.step, tf.actions.size()) << p << ": violated before the last step";
        const ReplayReport fixed = replay_file(p.string(), {ReplayTarget::Kind::Fixed, ""});
        EXPECT_NE(fixed.exit_code, 1) << p << " still violates on the fixed model:\n"
                                      << fixed.output;
    }
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The first line where `got` and `want` differ, 1-based, for a short failure message.
std::size_t first_different_line(const std::string& got, const std::string& want) {
    std::size_t line = 1;
    for (std::size_t i = 0; i < got.size() && i < want.size() && got[i] == want[i]; ++i) {
        if (got[i] == '\n')
            ++line;
    }
    return line;
}

/// A committed trace that the model or the renderer has since outgrown (a state field added,
/// a step renamed) would show a reader something rseqcheck no longer prints.
TEST(Corpus, CommittedSafetyTracesAreWhatTheGeneratorWritesToday) {
    const fs::path dir = fs::path(RSEQCHECK_SOURCE_DIR) / "counterexamples" / "corpus";
    std::size_t compared = 0;
    for (const VariantInfo* info : bug_variants()) {
        const std::optional<CorpusEntry> entry = corpus_entry(*info);
        if (!entry)
            continue;  // no safety trace here: its files come from check --trace-out
        const std::pair<std::string, std::string> files[] = {{".json", render_json(entry->trace)},
                                                             {".txt", render_text(entry->trace)}};
        for (const auto& [extension, written] : files) {
            const fs::path p = dir / (entry->stem + extension);
            ASSERT_TRUE(fs::exists(p)) << p << " is missing";
            const std::string committed = read_text(p);
            EXPECT_TRUE(committed == written)
                << p << " differs from what rseqcheck-corpus writes today, from line "
                << first_different_line(committed, written)
                << "; regenerate: build/counterexamples/rseqcheck-corpus counterexamples/corpus";
            ++compared;
        }
    }
    EXPECT_GE(compared, 2 * (bug_variants().size() - 1));
}

}  // namespace
}  // namespace rseqcheck::cex
