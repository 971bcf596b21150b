// rseqcheck compare: each exit status and each format, on the candidate patches of
// docs/findings.md. Bad input is in tests/data/bad/compare-*.cmd.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

using nlohmann::json;

TEST(CompareCommand, APatchThatFixesWhatItNamesAndBreaksNothingExitsZero) {
    const RunResult r =
        run_rseqcheck("compare --variant fix_switch_event_while_granted --preset preempt-full");
    EXPECT_EQ(r.status, 0) << r.err;
    // The probe of finding F2 goes from violated to holds, with the fixed model's trace.
    EXPECT_NE(r.out.find("yield-after-switch-returns-zero *  violated (92)          holds (36)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("Violated yield-after-switch-returns-zero (I15) on fixed: 14 steps"),
              std::string::npos);
    EXPECT_NE(r.out.find("Conclusion: fixes yield-after-switch-returns-zero on preempt-full; "
                         "breaks nothing that held (exit 0)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("the patch takes effect, first at step 12: waiter_sleeps -> T0"),
              std::string::npos);
}

TEST(CompareCommand, TheCandidatePatchesOfF5AndF6FixTheirProbes) {
    const RunResult f5 =
        run_rseqcheck("compare --variant fix_yield_recorded_after_seccomp --preset seccomp-skip");
    EXPECT_EQ(f5.status, 0) << f5.err;
    EXPECT_NE(f5.out.find("Conclusion: fixes yield-result-honest-strict on seccomp-skip; breaks "
                          "nothing that held (exit 0)"),
              std::string::npos)
        << f5.out;
    const RunResult f6 = run_rseqcheck("compare --variant fix_slice_work_before_sud --preset sud");
    EXPECT_EQ(f6.status, 0) << f6.err;
    EXPECT_NE(f6.out.find("Conclusion: fixes no-stale-grant-after-switch-strict on sud; breaks "
                          "nothing that held (exit 0)"),
              std::string::npos)
        << f6.out;
}

TEST(CompareCommand, TheReorderAloneBreaksYieldResultHonestWithTwoSyscalls) {
    // fix_slice_work_before_sud records `yielded` for a rseq_slice_yield() that Syscall User
    // Dispatch then diverts: F5's mechanism through the dispatch (docs/findings.md, F6).
    const RunResult r = run_rseqcheck("compare --variant fix_slice_work_before_sud --scenario " +
                                      std::string(RSEQCHECK_SOURCE_DIR) +
                                      "/counterexamples/corpus/findings/F6-sud-two-syscalls.toml");
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.out.find("BREAKS yield-result-honest on"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Violated yield-result-honest (I15) on fix_slice_work_before_sud: 24 "
                         "steps"),
              std::string::npos)
        << r.out;
}

TEST(CompareCommand, APatchThatLeavesWhatItNamesViolatedExitsOneWithTheRemainingTrace) {
    // fix_grant_denies_after_switch closes F4 but not F1: the membarrier IPI after G6's guard
    // still revokes the new grant silently.
    TempDir dir;
    const RunResult r =
        run_rseqcheck("compare --variant fix_grant_denies_after_switch --preset membarrier "
                      "--format json");
    EXPECT_EQ(r.status, 1) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["exit_status"], 1);
    const json& properties = j["inputs"][0]["properties"];
    const auto named = std::find_if(properties.begin(), properties.end(), [](const json& p) {
        return p["name"] == "erased-resched-honoured-strict";
    });
    ASSERT_NE(named, properties.end());
    const json& strict = *named;
    EXPECT_EQ(strict["change"], "still violated");
    EXPECT_EQ(strict["trace"]["side"], "patch");
    const std::string trace = (dir.path() / "remaining.json").string();
    std::ofstream(trace) << strict["trace"]["replay"].dump(2);
    const RunResult replay = run_rseqcheck("replay " + trace);
    EXPECT_EQ(replay.status, 1) << "the remaining trace must replay violated on the patch\n"
                                << replay.out << replay.err;
    EXPECT_NE(replay.out.find("ipi_membarrier_rseq"), std::string::npos) << replay.out;
}

TEST(CompareCommand, APatchThatBreaksAPropertyThatHeldExitsOne) {
    // Against the other patch, fix_grant_denies_after_switch loses the F1 fix on membarrier.
    const RunResult r = run_rseqcheck("compare --variant fix_grant_denies_after_switch --against "
                                      "fix_revoke_reraises_resched --preset membarrier");
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_NE(r.out.find("BREAKS erased-resched-honoured-strict on membarrier"), std::string::npos)
        << r.out;
}

TEST(CompareCommand, APatchThatTakesNoEffectSaysSo) {
    const RunResult r =
        run_rseqcheck("compare --variant fix_grant_denies_after_switch --preset tiny");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("the patch changes nothing reachable here: the same state graph (824 "
                         "states compared step by step)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("takes no effect on tiny"), std::string::npos);
}

TEST(CompareCommand, AnIncompleteSearchExitsThree) {
    const RunResult r = run_rseqcheck(
        "compare --variant fix_revoke_reraises_resched --preset default --memory-limit 40M");
    EXPECT_EQ(r.status, 3) << r.err << r.out;
    EXPECT_NE(r.out.find("some search was incomplete"), std::string::npos) << r.out;
}

TEST(CompareCommand, MarkdownIsATableForAPatchThread) {
    const RunResult r = run_rseqcheck(
        "compare --variant fix_revoke_reraises_resched --preset membarrier --format markdown");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("| input | states | transitions | takes effect | changed verdicts |"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("`erased-resched-honoured-strict`: violated → holds (fixed)"),
              std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find("<details>"), std::string::npos);
}

TEST(CompareCommand, OutputFileGetsTheWholeReportAndStdoutNothing) {
    TempDir dir;
    const std::string out = (dir.path() / "compare.json").string();
    const RunResult r = run_rseqcheck("compare --variant fix_revoke_reraises_resched --preset "
                                      "tiny --preset membarrier --format json --output " +
                                      out);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.out.empty());
    std::ifstream in(out);
    const json j = json::parse(in);
    EXPECT_EQ(j["format"], "rseqcheck-compare");
    ASSERT_EQ(j["inputs"].size(), 2U);
    EXPECT_EQ(j["inputs"][0]["takes_effect"], false);
    EXPECT_EQ(j["inputs"][1]["takes_effect"], true);
    EXPECT_EQ(j["inputs"][1]["states"]["against"], 433);
}

TEST(CompareCommand, AScenarioFileOfAFindingIsComparedLikeAPreset) {
    const RunResult r =
        run_rseqcheck("compare --variant fix_grant_denies_after_switch --scenario " +
                      std::string(RSEQCHECK_SOURCE_DIR) +
                      "/counterexamples/corpus/findings/F4-preempt-none.toml");
    EXPECT_EQ(r.status, 0) << r.err << r.out;
    EXPECT_NE(r.out.find("fixes erased-resched-honoured-strict on"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace rseqcheck::test
