// The timing queries on the model: the bound is the model's (it changes with a variant and
// with the parameters), the witness attains it under Z3, the formula read from the witness
// predicts the zone search's bound when a parameter moves, and the spec's hand formula
// agrees where its case applies.
#include <gtest/gtest.h>

#include "model/input_error.h"
#include "model/scenario.h"
#include "model/variant.h"
#include "properties/timing/bound_query.h"
#include "properties/timing/path_encoding.h"
#include "properties/timing/timed_rules.h"

namespace rseqcheck::timing {
namespace {

Scenario preset(const char* name, const char* variant = nullptr) {
    Scenario sc = make_preset(name);
    if (variant != nullptr)
        sc.variant.add(find_variant(variant)->id);
    return sc;
}

/// The preset with its waiter an RT task on a non-RT kernel: its wakeup always asks for a
/// full reschedule (a higher class), which a grant may defer: the spec 5.2 case A/B setting.
/// A fair waiter's wakeup may not preempt at all (EEVDF), and then it waits for the tick
/// (FairWaiterWaitsForTheTickWhenItsWakeupDoesNotPreempt).
Scenario rt_waiter(const char* name, const char* variant = nullptr) {
    Scenario sc = preset(name, variant);
    sc.tasks.at(1).rt = true;
    return sc;
}

TEST(WaiterDelay, GrantPresetBoundIsAttainedAndProvenOnItsWitness) {
    const BoundResult r = run_bound(rt_waiter("grant"), Params{}, Query::WaiterDelay);
    ASSERT_TRUE(r.search.complete);
    ASSERT_TRUE(r.search.bounded);
    EXPECT_EQ(r.search.sup_ns, 14300);
    EXPECT_TRUE(r.witness_timing.feasible);
    EXPECT_EQ(r.witness_timing.max_ns, r.search.sup_ns);
    EXPECT_TRUE(r.witness_timing.proven);
    // the witness starts with the waiter's wakeup and ends with the schedule() on its CPU
    const Action& start = r.search.steps.at(r.search.start_step).action;
    EXPECT_TRUE(start.kind == ActionKind::IrqWakeup || start.kind == ActionKind::RemoteWakeup);
    EXPECT_NE(r.search.steps.back().action.next, no_task);
    // times are ordered and the delay is the difference of the two instants
    const std::vector<std::int64_t>& t = r.witness_timing.times_ns;
    ASSERT_GT(t.size(), r.search.steps.size() - 1);
    for (std::size_t i = 1; i < r.search.steps.size(); ++i)
        EXPECT_LE(t[i - 1], t[i]);
    EXPECT_EQ(t[r.search.steps.size() - 1] - t[r.search.start_step], 14300);
}

TEST(WaiterDelay, TheFormulaPredictsTheSearchWhenAParameterMoves) {
    const Scenario sc = preset("grant");
    const Params base;
    const BoundResult r = run_bound(sc, base, Query::WaiterDelay);
    ASSERT_TRUE(r.search.bounded);
    std::int64_t sum = r.formula.constant;
    for (const auto& [param, coef] : r.formula.terms)
        sum += coef * base.get(param);
    EXPECT_EQ(sum, r.search.sup_ns);
    EXPECT_EQ(r.formula.constant, 0);
    for (const auto& [param, coef] : r.formula.terms) {
        Params moved = base;
        moved.set(param, base.get(param) + 1000);
        const ZoneSearchResult again = zone_search(sc, moved, Query::WaiterDelay);
        EXPECT_EQ(again.sup_ns, r.search.sup_ns + coef * 1000) << info(param).name;
    }
}

TEST(WaiterDelay, TheSpecsCaseABFormulaAgreesOnOneCpu) {
    const Scenario sc = rt_waiter("grant");
    const BoundResult r = run_bound(sc, Params{}, Query::WaiterDelay);
    EXPECT_EQ(r.spec_formula_ns, spec_case_ab_ns(sc, Params{}));
    EXPECT_EQ(r.search.sup_ns, r.spec_formula_ns);
}

// D8: a fair waiter whose wakeup does not preempt waits for the tick that ends the slice
// user's slice (at most tick, late by an IRQ-off section); that tick's reschedule may then be
// deferred by a grant, as in case A/B.
TEST(WaiterDelay, FairWaiterWaitsForTheTickWhenItsWakeupDoesNotPreempt) {
    const Params p;
    const BoundResult fair = run_bound(preset("grant"), p, Query::WaiterDelay);
    ASSERT_TRUE(fair.search.bounded);
    EXPECT_EQ(fair.search.sup_ns,
              spec_case_ab_ns(preset("grant"), p) + p.get(Param::Tick) + p.get(Param::EpsOff));
    EXPECT_NE(fair.formula.text().find("tick"), std::string::npos) << fair.formula.text();
    EXPECT_TRUE(fair.search.steps.at(fair.search.start_step).action.no_preempt);
}

TEST(WaiterDelay, WithoutTheTimerNoBoundExists) {
    // An RT waiter: no fair tick ends the grant either.
    const BoundResult r =
        run_bound(rt_waiter("grant", "pre_0ac3b5c3"), Params{}, Query::WaiterDelay, 1'000'000);
    ASSERT_TRUE(r.search.complete);
    EXPECT_FALSE(r.search.bounded);
    EXPECT_TRUE(r.witness_timing.feasible);
    EXPECT_FALSE(r.witness_timing.bounded);
    // the final dwell is timed past the requested number
    ASSERT_FALSE(r.witness_timing.times_ns.empty());
    EXPECT_GT(r.witness_timing.times_ns.back() - r.witness_timing.times_ns[r.search.start_step],
              1'000'000);
}

TEST(WaiterDelay, RtWaitersAreNeverDelayedByAGrant) {
    // PREEMPT_RT: an RT wakeup sets a full NEED_RESCHED, which is not grantable
    const BoundResult r = run_bound(preset("rt"), Params{}, Query::WaiterDelay);
    ASSERT_TRUE(r.search.bounded);
    EXPECT_EQ(r.formula.text(), "irq_entry + exit_loop + grant");
}

TEST(ExtensionBound, IsTheTimerLatencyAndUnboundedWithoutTheTimer) {
    const BoundResult r = run_bound(preset("grant-syscall"), Params{}, Query::ExtensionBound);
    ASSERT_TRUE(r.search.bounded);
    EXPECT_EQ(r.search.sup_ns, 6000);
    EXPECT_EQ(r.formula.text(), "eps_hw + eps_off");
    const BoundResult none =
        run_bound(rt_waiter("grant-syscall", "pre_0ac3b5c3"), Params{}, Query::ExtensionBound);
    EXPECT_FALSE(none.search.bounded) << "an RT waiter gets no fair tick";
    // A fair waiter does: the tick that ends the slice revokes the grant at the next entry.
    const BoundResult tick =
        run_bound(preset("grant-syscall", "pre_0ac3b5c3"), Params{}, Query::ExtensionBound);
    EXPECT_TRUE(tick.search.bounded);
}

TEST(ScheduleTrace, KernelSegmentsTakeTheirBoundsAndTheDeadlineIsEAfterG6) {
    const Scenario sc = rt_waiter("grant");
    const BoundResult r = run_bound(sc, Params{}, Query::WaiterDelay);
    const auto times = schedule_path(sc, Params{}, r.search.initial, r.search.steps);
    ASSERT_TRUE(times.has_value());
    ASSERT_EQ(times->size(), r.search.steps.size());
    std::size_t commit = 0;
    std::size_t deadline = 0;
    for (std::size_t i = 0; i < r.search.steps.size(); ++i) {
        if (i > 0) {
            EXPECT_LE((*times)[i - 1], (*times)[i]);
        }
        const ActionKind k = r.search.steps[i].action.kind;
        if (k == ActionKind::GrantCommit)
            commit = i;
        if (k == ActionKind::SliceDeadlinePasses)
            deadline = i;
    }
    ASSERT_GT(deadline, commit);
    EXPECT_EQ((*times)[deadline] - (*times)[commit], 5000);
    // the exit path after the wakeup: entry, the reschedule test, the grant's user access,
    // each at its bound (irq_entry 1000, exit_loop 200, grant 300)
    const std::size_t wake = r.search.start_step;
    EXPECT_EQ((*times)[wake + 1] - (*times)[wake], 1000);
    EXPECT_EQ((*times)[wake + 2] - (*times)[wake + 1], 200);
    EXPECT_EQ((*times)[wake + 3] - (*times)[wake + 2], 300);
}

TEST(TimingParams, NamesRangesAndNumbersAreChecked) {
    Params p;
    p.set_from_text("E=50000", "");
    EXPECT_EQ(p.slice_ext_nsecs(), 50000);
    EXPECT_THROW(p.set_from_text("E=4999", ""), InputError);
    EXPECT_THROW(p.set_from_text("E=50001", ""), InputError);
    EXPECT_THROW(p.set_from_text("eps=1", ""), InputError);
    EXPECT_THROW(p.set_from_text("d_ipi=-1", ""), InputError);
    EXPECT_THROW(p.set_from_text("d_ipi=1e3", ""), InputError);
    EXPECT_EQ(segment_of(Pc::ExitPrepare), Param::IrqEntry);
    EXPECT_EQ(segment_of(Pc::GrantCommit), Param::Grant);
}

}  // namespace
}  // namespace rseqcheck::timing
