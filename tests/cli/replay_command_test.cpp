// `rseqcheck replay`: every violated property of every variant, written by
// `check --trace-out` as a replayable trace, still reaches its violation on its own variant
// (exit 1) and does not on the fixed model (exit 0, or 2 when a step is not enabled there).
#include <filesystem>
#include <nlohmann/json.hpp>
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

TEST(ReplayCommand, TraceOutWritesTextHtmlAndReplayableJsonWholeFiles) {
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

}  // namespace
}  // namespace rseqcheck::test
