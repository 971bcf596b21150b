// Kernel "7.1": the deferred hrtimer rearm (TIF_HRTIMER_REARM, model/hrtimer_rearm.h), walked
// step by step on the hrtimer-rearm preset, and checked over whole small state spaces: the
// 7.0 presets never see it, 7.1 always consumes it before user mode, and pre_ada54c2b takes
// hrtimer_bases.lock with interrupts on. Brief: /work/notes/hrtimer-rearm-brief.md.
#include <vector>

#include <gtest/gtest.h>

#include "model/input_error.h"
#include "model/kabi.h"
#include "model/scenario.h"
#include "model/transition.h"
#include "model/variant.h"
#include "tests/checker/reduction_support.h"
#include "tests/model/walk.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck::test {
namespace {

constexpr TaskId slice_task = 0;

bool rearm_pending(const Walk& w) {
    return w.task(slice_task).tif_set(kabi::TIF_HRTIMER_REARM);
}

// Spec 6.4 says TIF_HRTIMER_REARM is set "when a timer interrupt sets NEED_RESCHED". The
// source sets it on every hrtimer interrupt (kernel/time/hrtimer.c:hrtimer_interrupt() ->
// hrtimer_interrupt_rearm()), NEED_RESCHED or not: a plain tick sets it too, and
// __exit_to_user_mode_prepare() then rearms at once (no reschedule bit in the snapshot).
TEST(Kernel71, EveryHrtimerInterruptDefersTheRearmNotOnlyOneThatReschedules) {
    Walk w(make_preset("hrtimer-rearm"));
    ASSERT_TRUE(w.step("irq_tick"));
    EXPECT_FALSE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED));
    EXPECT_TRUE(rearm_pending(w)) << "set without NEED_RESCHED";
    EXPECT_TRUE(w.cpu(0).deferred_rearm);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    EXPECT_TRUE(w.last_action().ti_work() & kabi::TIF_HRTIMER_REARM);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(rearm_pending(w)) << "hrtimer_rearm_deferred_user_irq() rearmed";
    EXPECT_FALSE(w.cpu(0).deferred_rearm);
}

TEST(Kernel71, SevenZeroNeverSetsIt) {
    Walk w(make_preset("remote-wakeup"));
    ASSERT_TRUE(w.step("irq_tick"));
    EXPECT_FALSE(rearm_pending(w));
    EXPECT_FALSE(w.cpu(0).deferred_rearm);
}

/// Up to G6 of a grant whose loop snapshot holds NEED_RESCHED | HRTIMER_REARM: T0 requests,
/// the waiter wakes without preempting, the slice-used-up tick (an hrtimer interrupt) asks
/// for a reschedule and defers the rearm; the exit loop grants.
void grant_with_rearm_pending(Walk& w) {
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("irq_wakeup", declined()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_EQ(w.task(slice_task).get_pc(), Pc::User);
    ASSERT_TRUE(w.step("sched_tick_slice_used_up"));
    EXPECT_TRUE(rearm_pending(w));
    EXPECT_TRUE(w.cpu(0).deferred_rearm);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::LoopResched);
    EXPECT_TRUE(rearm_pending(w)) << "a reschedule bit in the snapshot: no early rearm";
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault()));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension_commit"));
    ASSERT_TRUE(w.step("grant_clear_resched"));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::GrantRearm);
    EXPECT_TRUE(irqs_enabled_at(Pc::GrantRearm)) << "G6's guard has ended";
    EXPECT_TRUE(rearm_pending(w));
}

TEST(Kernel71, TheGrantConsumesAPendingRearmWithInterruptsOff) {
    Walk w(make_preset("hrtimer-rearm"));
    grant_with_rearm_pending(w);
    ASSERT_TRUE(w.step("hrtimer_rearm_deferred_tif"));
    EXPECT_FALSE(rearm_pending(w));
    EXPECT_FALSE(w.cpu(0).deferred_rearm);
    EXPECT_FALSE(w.cpu(0).hrtimer_lock) << "ada54c2b: the rearm is one IRQ-off step";
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::LoopEnd);
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(w.task(slice_task).slice_granted);
    EXPECT_TRUE(w.cpu(0).slice_timer_armed) << "A2 with the clockevent programmed";
    EXPECT_FALSE(w.cpu(0).deferred_rearm);
}

TEST(Kernel71, BeforeAda54c2bTheGrantTakesTheBaseLockWithInterruptsOn) {
    Scenario sc = make_preset("hrtimer-rearm");
    sc.variant.add(VariantSwitch::PreAda54c2b);
    Walk w(sc);
    grant_with_rearm_pending(w);
    ASSERT_TRUE(w.step("hrtimer_rearm_deferred_tif"));
    EXPECT_FALSE(rearm_pending(w));
    EXPECT_TRUE(w.cpu(0).hrtimer_lock);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::GrantRearmLocked);
    EXPECT_TRUE(irqs_enabled_at(Pc::GrantRearmLocked)) << "raw_spin_lock(), not _irqsave";
    EXPECT_FALSE(w.can("irq_tick")) << "the hrtimer interrupt would spin: the lockup";
    ASSERT_TRUE(w.step("hrtimer_rearm_unlock"));
    EXPECT_FALSE(w.cpu(0).hrtimer_lock);
    EXPECT_FALSE(w.cpu(0).deferred_rearm);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::LoopEnd);
}

// Brief section 3, "stale snapshot": an interrupt between G6 and the wrapper consumes the
// rearm in irq_enter_rcu(); the wrapper then finds deferred_rearm clear and takes no lock,
// even before ada54c2b.
TEST(Kernel71, AnInterruptBeforeTheWrapperLeavesItNothingToDo) {
    Scenario sc = make_preset("hrtimer-rearm");
    sc.variant.add(VariantSwitch::PreAda54c2b);
    Walk w(sc);
    grant_with_rearm_pending(w);
    ASSERT_TRUE(w.step("irq_tick"));
    EXPECT_FALSE(rearm_pending(w)) << "irq_enter_rcu() and irqentry_exit() rearmed";
    EXPECT_FALSE(w.cpu(0).deferred_rearm);
    ASSERT_TRUE(w.step("hrtimer_rearm_deferred_tif"));
    EXPECT_FALSE(w.cpu(0).hrtimer_lock);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::LoopEnd);
}

TEST(Kernel71, WithoutTheWrappersRearmTheGrantReturnsToUserWithItPending) {
    Scenario sc = make_preset("hrtimer-rearm");
    sc.variant.add(VariantSwitch::MutGrantSkipsRearm);
    Walk w(sc);
    grant_with_rearm_pending(w);
    ASSERT_TRUE(w.step("hrtimer_rearm_deferred_tif"));
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(rearm_pending(w));
    EXPECT_TRUE(w.cpu(0).deferred_rearm) << "the clockevent stays unprogrammed";
}

// Over the whole 7.1 preset: the rearm is consumed before every return to user, the lock is
// never held, and TIF_HRTIMER_REARM of the current task mirrors deferred_rearm (brief I20c).
// On the 7.0 presets none of the three is ever set.
TEST(Kernel71, ConsumedBeforeUserModeAndMirroredOnTheFixedModel) {
    std::size_t pending = 0;
    for (const State& s : testing::reachable_states(make_preset("hrtimer-rearm"))) {
        const Cpu& cpu = s.cpu(0);
        EXPECT_FALSE(cpu.hrtimer_lock);
        pending += cpu.deferred_rearm;
        if (cpu.curr != idle_task) {
            const Task& t = s.task(cpu.curr);
            EXPECT_EQ(t.tif_set(kabi::TIF_HRTIMER_REARM), cpu.deferred_rearm != 0);
            if (t.in_user()) {
                EXPECT_FALSE(cpu.deferred_rearm);
            }
        }
    }
    EXPECT_GT(pending, 0U);
    for (const char* preset : {"grant", "remote-wakeup", "preempt-full"}) {
        for (const State& s : testing::reachable_states(make_preset(preset))) {
            for (const Cpu& cpu : s.cpus)
                EXPECT_FALSE(cpu.deferred_rearm || cpu.hrtimer_lock) << preset;
            for (const Task& t : s.tasks)
                EXPECT_FALSE(t.tif_set(kabi::TIF_HRTIMER_REARM)) << preset;
        }
    }
}

TEST(Kernel71, TheVariantsNeedKernel71) {
    Scenario sc = make_preset("grant");
    sc.variant.add(VariantSwitch::PreAda54c2b);
    EXPECT_THROW(validate(sc), InputError);
    Scenario ok = make_preset("hrtimer-rearm");
    ok.variant.add(VariantSwitch::MutGrantSkipsRearm);
    EXPECT_NO_THROW(validate(ok));
}

}  // namespace
}  // namespace rseqcheck::test
