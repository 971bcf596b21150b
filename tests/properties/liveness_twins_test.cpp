// Every leads-to property has a failing twin with a lasso (or a run that stops), and holds
// on the fixed model of the same preset; the known finding F1 (docs/findings.md) is pinned.
#include <cstdint>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "model/scenario.h"
#include "model/variant.h"
#include "tests/support/liveness.h"

namespace rseqcheck {
namespace {

Scenario on(const char* preset, const char* variant = nullptr) {
    Scenario sc = make_preset(preset);
    if (variant != nullptr)
        sc.variant.add(find_variant(variant)->id);
    return sc;
}

const checker::LeadsToResult& outcome(const std::vector<testing::LivenessOutcome>& all,
                                      const std::string& name) {
    for (const testing::LivenessOutcome& o : all) {
        if (o.property == name)
            return o.result;
    }
    ADD_FAILURE() << "no leads-to property " << name;
    static const checker::LeadsToResult none;
    return none;
}

TEST(LivenessTwin, GrantEndsFailsWithoutTheEnforcementTimer) {
    const auto broken = testing::check_all_leads_to(on("grant", "pre_0ac3b5c3"));
    const auto& r = outcome(broken, "grant-ends");
    EXPECT_FALSE(r.holds);
    EXPECT_FALSE(r.stem.empty());
    const auto fixed_outcomes = testing::check_all_leads_to(on("grant"));  // kept alive
    const auto& fixed = outcome(fixed_outcomes, "grant-ends");
    EXPECT_TRUE(fixed.holds);
    EXPECT_GT(fixed.premise_count, 0U) << "a vacuous hold: no grant on the fixed model";
}

TEST(LivenessTwin, ErasedRescheduleIsHonouredOnlyWithTheTimer) {
    EXPECT_FALSE(
        outcome(testing::check_all_leads_to(on("grant", "pre_0ac3b5c3")), "erased-resched-honoured")
            .holds);
    const auto fixed_outcomes = testing::check_all_leads_to(on("grant"));
    const auto& fixed = outcome(fixed_outcomes, "erased-resched-honoured");
    EXPECT_TRUE(fixed.holds);
    EXPECT_GT(fixed.premise_count, 0U) << "a vacuous hold: no erased reschedule";
}

TEST(LivenessTwin, YieldSchedulesFailsWhenS4RequestsNoReschedule) {
    const auto broken = testing::check_all_leads_to(on("grant", "mut_yield_no_resched"));
    const auto& r = outcome(broken, "yield-schedules");
    EXPECT_FALSE(r.holds);
    const auto fixed_outcomes = testing::check_all_leads_to(on("grant"));
    const auto& fixed = outcome(fixed_outcomes, "yield-schedules");
    EXPECT_TRUE(fixed.holds);
    EXPECT_GT(fixed.premise_count, 0U) << "a vacuous hold: no yield";
}

TEST(LivenessTwin, FindingF1MembarrierRevokeDropsTheErasedReschedule) {
    // Spec 7.7: a membarrier RSEQ IPI revokes the grant silently; the reschedule the grant
    // erased is then lost until some other event. The amended I12 holds, the strict one not.
    const auto all = testing::check_all_leads_to(on("membarrier"));
    EXPECT_TRUE(outcome(all, "erased-resched-honoured").holds);
    const auto& strict = outcome(all, "erased-resched-honoured-strict");
    EXPECT_FALSE(strict.holds);
    EXPECT_TRUE(strict.terminal) << "the run stops with the waiter never scheduled";
}

// Holds on each small preset (vacuously on some: rt never grants), and each is exercised
// (its premise reached) on at least one of them.
TEST(LivenessTwin, EveryDefaultLeadsToPropertyHoldsOnTheSmallFixedPresetsAndIsExercised) {
    std::map<std::string, std::uint64_t> premise;
    for (const char* preset : {"tiny", "grant", "grant-syscall", "grant-race", "preempt-full",
                               "remote-wakeup", "rt", "fault-migrate", "membarrier"}) {
        for (const testing::LivenessOutcome& o : testing::check_all_leads_to(on(preset))) {
            if (properties::find_property(o.property)->in_default_set) {
                EXPECT_TRUE(o.result.holds) << o.property << " on " << preset;
                premise[o.property] += o.result.premise_count;
            }
        }
    }
    for (const properties::Property& p : properties::catalog()) {
        if (p.kind == properties::PropertyKind::LeadsTo && p.in_default_set) {
            EXPECT_GT(premise[std::string(p.name)], 0U) << p.name << " is never exercised";
        }
    }
}

}  // namespace
}  // namespace rseqcheck
