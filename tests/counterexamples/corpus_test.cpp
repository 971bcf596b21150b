#include <filesystem>
#include <set>

#include <gtest/gtest.h>

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
    for (const VariantInfo& info : variant_catalog())
        EXPECT_TRUE(variants.count(std::string(info.name)) == 1) << info.name;
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

}  // namespace
}  // namespace rseqcheck::cex
