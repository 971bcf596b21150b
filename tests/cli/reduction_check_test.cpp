// rseqcheck check --symmetry end to end: the reductions run, the report names them,
// violations come with replayable traces, and the cases that fall back to an unreduced
// search say so (checker/cli/reduction_run.h).
#include <nlohmann/json.hpp>
#include <string>

#include <gtest/gtest.h>

#include "tests/cli/cli_process.h"

namespace rseqcheck::test {
namespace {

using json = nlohmann::json;

json run_json(const std::string& args, int expected_status) {
    const RunResult r = run_rseqcheck("check --format json " + args);
    EXPECT_EQ(r.status, expected_status) << args << "\n" << r.err;
    return json::parse(r.out);
}

const json* property(const json& report, const std::string& name) {
    for (const json& p : report["properties"]) {
        if (p["name"] == name)
            return &p;
    }
    return nullptr;
}

TEST(ReductionCheck, SymmetryReducesTheTwoWaitersAndSaysSo) {
    const std::string args = "--preset grant-race --property grant-clears-resched";
    const json full = run_json(args, 0);
    const json sym = run_json(args + " --symmetry", 0);
    EXPECT_EQ(full["reductions"], json::array());
    EXPECT_EQ(sym["reductions"], json::array({"symmetry"}));
    EXPECT_FALSE(sym.contains("reduction_note"));
    EXPECT_EQ(sym["verdict"], "holds");
    EXPECT_LT(sym["states"].get<unsigned>(), full["states"].get<unsigned>());
}

// The symmetry-reduced search counts the same on two threads as on one.
TEST(ReductionCheck, SymmetryWithTwoThreadsCountsAsOne) {
    const std::string args = "--preset preempt-full --property need-resched-folded --symmetry";
    const json one = run_json(args, 0);
    const json two = run_json(args + " --threads 2", 0);
    EXPECT_EQ(one["reductions"], json::array({"symmetry"}));
    EXPECT_LT(one["states"].get<unsigned>(),
              run_json("--preset preempt-full --property need-resched-folded", 0)["states"]
                  .get<unsigned>());
    EXPECT_EQ(one["states"], two["states"]);
    EXPECT_EQ(one["transitions"], two["transitions"]);
}

// Partial-order reduction was removed (docs/reductions.md): an old command line gets the
// reason and exit 2, not a run without it.
TEST(ReductionCheck, PorIsRefusedWithTheReason) {
    const RunResult r = run_rseqcheck("check --preset tiny --por");
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_NE(r.err.find("--por: partial-order reduction was removed"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("docs/reductions.md"), std::string::npos) << r.err;
}

TEST(ReductionCheck, SymmetryViolationIsReDerivedWithoutReduction) {
    const std::string args = "--variant mut_no_irq_guard_clear --property grant-clears-resched";
    const json plain = run_json(args, 1);
    const json sym = run_json(args + " --symmetry", 1);
    EXPECT_EQ(sym["reductions"], json::array({"symmetry"}));
    ASSERT_TRUE(sym.contains("reduction_note"));
    EXPECT_NE(sym["reduction_note"].get<std::string>().find("unreduced"), std::string::npos);
    // The same shortest trace as without reduction.
    EXPECT_EQ((*property(sym, "grant-clears-resched"))["trace"],
              (*property(plain, "grant-clears-resched"))["trace"]);
}

TEST(ReductionCheck, LeadsToPropertiesRunUnreducedAndTheReportSaysSo) {
    const json r = run_json("--preset tiny --symmetry", 0);
    EXPECT_EQ(r["reductions"], json::array({"symmetry"}));
    ASSERT_TRUE(r.contains("reduction_note"));
    EXPECT_NE(r["reduction_note"].get<std::string>().find("leads-to"), std::string::npos);
    EXPECT_EQ(r["states"], run_json("--preset tiny", 0)["states"]);
}

TEST(ReductionCheck, TextReportNamesTheReductions) {
    const RunResult r =
        run_rseqcheck("check --preset grant-race --symmetry --property need-resched-folded");
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("reductions: symmetry\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace rseqcheck::test
