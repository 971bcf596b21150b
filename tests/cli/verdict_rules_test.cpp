// The verdict rules of `check` (checker/cli/verdict_rules.h), one rule a test: a property the
// search found no violation of is vacuous exactly when its premise never held; it is unknown
// when the search stopped early, with a note that says why; and the run's verdict takes the
// strongest of violated, incomplete, vacuous (under --strict), holds, in that order.
#include <gtest/gtest.h>

#include "checker/cli/verdict_rules.h"

namespace rseqcheck::cli {
namespace {

PropertyReport with_status(PropertyStatus s) {
    PropertyReport p;
    p.status = s;
    return p;
}

TEST(VerdictRules, AnUnviolatedPropertyIsVacuousOnlyWhenItsPremiseNeverHeld) {
    EXPECT_EQ(unviolated_status(0), PropertyStatus::Vacuous);
    EXPECT_EQ(unviolated_status(1), PropertyStatus::Holds);
    EXPECT_EQ(unviolated_status(7214976), PropertyStatus::Holds);
}

TEST(VerdictRules, AnIncompleteOrStoppedSearchLeavesPropertiesUndecidedAndSaysWhy) {
    EXPECT_FALSE(undecided(Coverage{}).has_value());
    const auto stopped = undecided(Coverage{false, "", true});
    ASSERT_TRUE(stopped.has_value());
    EXPECT_EQ(stopped->note, "search stopped at the first violation (use --all)");
    // A limit is named before the early stop: it is why the rest was not searched.
    const auto limit = undecided(Coverage{true, "memory limit of 1024 bytes reached", true});
    ASSERT_TRUE(limit.has_value());
    EXPECT_EQ(limit->note, "search incomplete: memory limit of 1024 bytes reached");
}

TEST(VerdictRules, TheRunVerdictTakesViolatedThenIncompleteThenStrictVacuousThenHolds) {
    const std::vector<PropertyReport> holds = {with_status(PropertyStatus::Holds)};
    const std::vector<PropertyReport> vacuous = {with_status(PropertyStatus::Holds),
                                                 with_status(PropertyStatus::Vacuous)};
    const std::vector<PropertyReport> violated = {with_status(PropertyStatus::Vacuous),
                                                  with_status(PropertyStatus::Violated),
                                                  with_status(PropertyStatus::Unknown)};
    EXPECT_EQ(run_verdict(holds, false, false, false), Verdict::Holds);
    EXPECT_EQ(run_verdict(holds, false, false, true), Verdict::Holds);
    EXPECT_EQ(run_verdict(vacuous, false, false, false), Verdict::Holds);
    EXPECT_EQ(run_verdict(vacuous, false, false, true), Verdict::Vacuous);
    EXPECT_EQ(run_verdict(vacuous, true, false, true), Verdict::Incomplete);
    EXPECT_EQ(run_verdict(holds, false, true, false), Verdict::Incomplete);
    EXPECT_EQ(run_verdict(violated, true, true, true), Verdict::Violated);
    EXPECT_EQ(run_verdict(violated, false, false, false), Verdict::Violated);
    // A property that does not apply to the scenario is reported skipped and never counts
    // as vacuous under --strict.
    const std::vector<PropertyReport> skipped = {with_status(PropertyStatus::Holds),
                                                 with_status(PropertyStatus::Skipped)};
    EXPECT_EQ(run_verdict(skipped, false, false, true), Verdict::Holds);
}

}  // namespace
}  // namespace rseqcheck::cli
