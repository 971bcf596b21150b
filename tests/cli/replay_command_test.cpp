// `rseqcheck replay`: every violated property of every variant, written by
// `check --trace-out` as a replayable trace, still reaches its violation on its own variant
// (exit 1) and does not on the fixed model (exit 0, or 2 when a step is not enabled there).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

TEST(ReplayCommand, EveryVariantsTraceOutReplaysToItsViolationAndNotOnTheFixedModel) {
    const RunResult list = run_rseqcheck("list variants --format json");
    ASSERT_EQ(list.status, 0) << list.err;
    int replayed = 0;
    for (const json& v : json::parse(list.out)) {
        const std::string name = v["name"];
        if (v["kind"] == "patch")
            continue;  // a patch is compared, not caught (compare_command_test.cpp)
        TempDir dir;
        const RunResult check =
            run_rseqcheck("check --variant " + name + " --all --trace-out " + dir.str());
        ASSERT_EQ(check.status, 1) << name << ": " << check.err;
        int files = 0;
        for (const fs::directory_entry& e : fs::directory_iterator(dir.path())) {
            const std::string path = e.path().string();
            if (path.size() < 12 || path.substr(path.size() - 12) != ".replay.json")
                continue;
            ++files;
            const RunResult again = run_rseqcheck("replay " + path);
            EXPECT_EQ(again.status, 1) << name << " " << path << "\n" << again.err;
            EXPECT_NE(again.out.find("\nViolated "), std::string::npos) << again.out;
            EXPECT_NE(again.out.find(" on " + name + ":"), std::string::npos) << again.out;
            const RunResult fixed = run_rseqcheck("replay --fixed " + path);
            EXPECT_TRUE(fixed.status == 0 || fixed.status == 2)
                << name << " " << path << " still violates on the fixed model:\n"
                << fixed.out;
            const RunResult as_json = run_rseqcheck("replay --format json " + path);
            EXPECT_EQ(as_json.status, 1);
            EXPECT_EQ(json::parse(as_json.out)["format"], "rseqcheck-trace");
        }
        EXPECT_GT(files, 0) << name << ": --trace-out wrote no replayable trace";
        replayed += files;
    }
    EXPECT_GE(replayed, 12);
}

TEST(ReplayCommand, TraceOutWritesTextHtmlDotAndReplayableJsonWholeFiles) {
    TempDir dir;
    const RunResult r = run_rseqcheck("check --variant pre_7ee58f98 --trace-out " + dir.str());
    ASSERT_EQ(r.status, 1) << r.err;
    const fs::path stem = dir.path() / "no-stale-grant-after-switch";
    const std::string text = read_text(stem.string() + ".trace.txt");
    EXPECT_NE(text.find("Violated no-stale-grant-after-switch (I1) on pre_7ee58f98:"),
              std::string::npos)
        << text;
    EXPECT_NE(read_text(stem.string() + ".html").find("<html"), std::string::npos);
    EXPECT_EQ(json::parse(read_text(stem.string() + ".replay.json"))["variant"], "pre_7ee58f98");
    EXPECT_EQ(read_text(stem.string() + ".dot").rfind("digraph trace {", 0), 0U);
    for (const fs::directory_entry& e : fs::directory_iterator(dir.path()))
        EXPECT_EQ(e.path().string().find(".partial"), std::string::npos) << e.path();
}

TEST(ReplayCommand, NamedVariantOverridesTheRecordedOne) {
    const std::string corpus = std::string(RSEQCHECK_SOURCE_DIR) +
                               "/counterexamples/corpus/7ee58f98-no-stale-grant-after-switch.json";
    EXPECT_EQ(run_rseqcheck("replay " + corpus).status, 1);
    EXPECT_NE(run_rseqcheck("replay --variant fixed " + corpus).status, 1);
    EXPECT_EQ(run_rseqcheck("replay --variant pre_7ee58f98 " + corpus).status, 1);
}

const std::string fastpath_fault = "counterexamples/corpus/"
                                   "mut-fastpath-fault-returns-ids-correct-in-user-mode.json";

/// `--format timeline` on every trace under counterexamples/corpus/ (the findings and the
/// fidelity traces included): the exit status of a text replay, no line over 72 columns,
/// and the violating step marked when there is one.
TEST(ReplayCommand, FormatTimelineRendersEveryCorpusTraceInSeventyTwoColumns) {
    int rendered = 0;
    const fs::path corpus = fs::path(RSEQCHECK_SOURCE_DIR) / "counterexamples" / "corpus";
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(corpus)) {
        if (e.path().extension() != ".json")
            continue;
        const RunResult text = run_rseqcheck("replay " + e.path().string());
        const RunResult r = run_rseqcheck("replay --format timeline " + e.path().string());
        EXPECT_EQ(r.status, text.status) << e.path() << r.err;
        EXPECT_TRUE(r.status == 0 || r.status == 1) << e.path() << r.err;
        std::istringstream lines(r.out);
        for (std::string line; std::getline(lines, line);)
            EXPECT_LE(line.size(), 72U) << e.path() << ": " << line;
        EXPECT_EQ(r.out.find("\n>") != std::string::npos, r.status == 1) << e.path() << r.out;
        EXPECT_EQ(r.out.find("violated here") != std::string::npos, r.status == 1) << e.path();
        ++rendered;
    }
    EXPECT_GE(rendered, 19);
}

/// The DOT is graphviz input: `dot -Tsvg` accepts it when graphviz is installed.
TEST(ReplayCommand, FormatDotIsGraphvizInputWithALanePerCpu) {
    const RunResult r = run_rseqcheck("replay --format dot " + fastpath_fault);
    ASSERT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.out.rfind("digraph trace {", 0), 0U) << r.out;
    EXPECT_NE(r.out.find("subgraph cluster_cpu1"), std::string::npos);
    EXPECT_NE(r.out.find("color=red"), std::string::npos);
    if (std::system("command -v dot >/dev/null 2>&1") != 0)
        GTEST_SKIP() << "graphviz dot is not installed: the DOT was not parsed";
    TempDir dir;
    const fs::path dot = dir.path() / "trace.dot";
    std::ofstream(dot) << r.out;
    const std::string cmd = "dot -Tsvg '" + dot.string() + "' -o '" +
                            (dir.path() / "trace.svg").string() + "' 2>/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << r.out;
    EXPECT_NE(read_text(dir.path() / "trace.svg").find("<svg"), std::string::npos);
}

TEST(ReplayCommand, FormatHtmlIsThePageWithEveryStep) {
    const RunResult r = run_rseqcheck("replay --format html " + fastpath_fault);
    ASSERT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.out.find("<html"), std::string::npos);
    // One row per step, data-step counting from 0.
    for (int k = 0; k < 8; ++k)
        EXPECT_NE(r.out.find("data-step=\"" + std::to_string(k) + "\""), std::string::npos) << k;
    EXPECT_EQ(r.out.find("data-step=\"8\""), std::string::npos);
    EXPECT_NE(r.out.find("rseq_exit_to_user_mode_restart (fault, -EFAULT)"), std::string::npos);
}

/// On the fixed model the trace replays without its violation: the pictures still show the
/// steps, and say that the property holds.
TEST(ReplayCommand, PicturesOfAReplayThatHoldsSayItHolds) {
    const std::string corpus = "counterexamples/corpus/7ee58f98-no-stale-grant-after-switch.json";
    const RunResult timeline = run_rseqcheck("replay --fixed --format timeline " + corpus);
    ASSERT_EQ(timeline.status, 0) << timeline.err;
    EXPECT_NE(timeline.out.find("no-stale-grant-after-switch (I1) holds"), std::string::npos)
        << timeline.out;
    EXPECT_EQ(timeline.out.find("violated"), std::string::npos) << timeline.out;
    const RunResult dot = run_rseqcheck("replay --fixed --format dot " + corpus);
    EXPECT_EQ(dot.status, 0);
    EXPECT_NE(dot.out.find("label=\"Holds no-stale-grant-after-switch (I1) on fixed:"),
              std::string::npos)
        << dot.out;
}

}  // namespace
}  // namespace rseqcheck::test
