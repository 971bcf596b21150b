// `rseqcheck graph --format dot`: one node per reachable state and one edge per transition
// (the counts pinned for the rt preset), a whole output file, and a clear refusal for big
// scenarios and unknown formats.
#include <algorithm>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"
#include "tests/support/text.h"

namespace rseqcheck::test {
namespace {

TEST(GraphCommand, DotHasOneNodePerStateAndOneEdgePerTransition) {
    const RunResult r = run_rseqcheck("graph --preset rt --format dot");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out.rfind("digraph \"rt fixed\" {", 0), 0U);
    EXPECT_EQ(count_occurrences(r.out, "(depth "), 131U);  // the rt preset's pinned state count
    EXPECT_EQ(count_occurrences(r.out, " -> s"), 172U);    // and its transitions: the
    // reference BFS counts 172 too (pinned_counts_test.cpp), a search independent of the
    // engine that `graph` runs.
    EXPECT_EQ(r.out.substr(r.out.size() - 2), "}\n");
}

TEST(GraphCommand, WritesTheWholeFileOrNothing) {
    TempDir dir;
    const std::string file = (dir.path() / "rt.dot").string();
    ASSERT_EQ(run_rseqcheck("graph --preset rt --output " + file).status, 0);
    EXPECT_EQ(count_occurrences(read_text(file), "(depth "), 131U);
    const std::string big = (dir.path() / "default.dot").string();
    const RunResult r = run_rseqcheck("graph --preset grant --max-states 100 --output " + big);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("more than 100 states"), std::string::npos) << r.err;
    EXPECT_FALSE(std::filesystem::exists(big));
}

TEST(GraphCommand, UnknownFormatIsBadInput) {
    const RunResult r = run_rseqcheck("graph --preset rt --format svg");
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(first_line(r.err), "rseqcheck: error: unknown graph format 'svg' (valid: dot)");
}

}  // namespace
}  // namespace rseqcheck::test
