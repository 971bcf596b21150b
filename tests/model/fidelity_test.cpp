// Walk-throughs of the kernel behaviours that the fidelity review of Linux c17ee635
// (../shared/reviews/fidelity-review.md, discrepancies D1-D15) found the model missing or
// over-approximating. Each one fails on the model before the fix it names: the step it
// takes was not enabled there, or the state after it said something the kernel does not do.
#include <gtest/gtest.h>

#include "model/kabi.h"
#include "model/scenario.h"
#include "tests/model/fidelity_walks.h"
#include "tests/model/walk.h"

namespace rseqcheck::test {
namespace {

constexpr TaskId slice_task = 0;
constexpr TaskId waiter_task = 1;
constexpr Syscall getpid = Syscall::Getpid;
constexpr Syscall sched_yield = Syscall::SchedYield;

/// One CPU, a slice user and a waiter, with the bounds given.
Scenario one_cpu(PreemptModel preempt, Bounds bounds) {
    Scenario sc = make_preset("tiny");
    sc.name = "fidelity";
    sc.preempt = preempt;
    sc.bounds = bounds;
    return sc;
}

// D1: kernel/entry/common.c:raw_irqentry_exit_cond_resched() preempts on need_resched(),
// the TIF bit. A remote resched_curr() sets TIF_NEED_RESCHED at once and folds it only when
// its IPI lands; any other interrupt in between, returning to an interrupts-on kernel
// section on PREEMPT_FULL, already preempts.
TEST(Fidelity, D1AnInterruptPreemptsOnTifNeedReschedBeforeTheRemoteIpiLands) {
    Walk w(make_preset("default"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(getpid)));
    ASSERT_TRUE(w.step("remote_wakeup", preempting()));
    ASSERT_TRUE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED));
    ASSERT_TRUE(w.cpu(0).ipi_pending);
    ASSERT_FALSE(w.cpu(0).preempt_need_resched) << "the IPI has not folded it yet";
    ASSERT_TRUE(w.step("irq_tick", on(0).to(waiter_task)))
        << "the tick's return to kernel mode must preempt T0";
    EXPECT_EQ(w.cpu(0).curr, waiter_task);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::SyscallEntryWork) << "T0 resumes where it was";
}

// D2, spec 7.4: interrupts are on from G6's granted store to its scoped_guard(irq). A slice
// timer still queued for an older grant of T0 fires there and asks for a reschedule (the
// walk: tests/model/fidelity_walks.h). On PREEMPT_NONE the guard then erases that request,
// and A2 re-arms the timer for the new deadline.
TEST(Fidelity, D2AStaleSliceTimerFiresBetweenTheNewGrantAndItsGuard) {
    Walk w(stale_timer_scenario());
    stale_timer_fires_on_a_fresh_grant(w);
    ASSERT_TRUE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED)) << "premature expiry";
    ASSERT_TRUE(w.step("grant_clear_resched"));
    EXPECT_FALSE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED)) << "G6 erased it";
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    EXPECT_TRUE(w.cpu(0).slice_timer_armed) << "A2 armed the timer for the new grant";
    EXPECT_EQ(w.cpu(0).slice_timer_expires, w.task(slice_task).slice_expires);
}

// The same on PREEMPT_FULL: the premature expiry preempts T0 at once, the new grant is live
// while T0 is switched out, and the switch back raises TIF_RSEQ: the fast path revokes it.
TEST(Fidelity, D2OnPreemptFullTheStaleTimerPreemptsTheFreshGrant) {
    Scenario sc = stale_timer_scenario();
    sc.preempt = PreemptModel::Full;
    Walk w(sc);
    stale_timer_fires_on_a_fresh_grant(w);
    EXPECT_EQ(w.cpu(0).curr, waiter_task) << "preempt_schedule_irq() on the expiry's return";
    EXPECT_TRUE(w.task(slice_task).slice_granted);
}

// D2: after the guard the loop body still runs with interrupts on until
// local_irq_disable_exit_to_user(). A reschedule request that lands there is seen by the
// re-read; the next pass revokes the live grant (G3) and schedules.
TEST(Fidelity, D2ARequestAfterTheGuardIsRevokedByTheNextLoopPass) {
    Walk w(one_cpu(PreemptModel::None, Bounds{.wakeups = 1, .user_writes = 1}));
    grant_up_to_the_guard(w);
    ASSERT_TRUE(w.step("sched_tick_slice_used_up")) << "no interrupt may land at LoopEnd";
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_EQ(w.task(slice_task).get_pc(), Pc::LoopResched);
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault().to(waiter_task)));
    EXPECT_EQ(w.last_action().branch(), Branch::Revoke) << "G3 revoke";
    EXPECT_FALSE(w.task(slice_task).slice_granted);
    EXPECT_FALSE(w.task(slice_task).usr_slice_granted);
    EXPECT_EQ(w.cpu(0).curr, waiter_task);
}

// D2 with the membarrier IPI after the guard: rseq_sched_switch_event() sees user_irq of
// this exit and raises TIF_RSEQ; the re-read sends the task through the fast path, which
// clears the grant without a reschedule (F1 inside the exit; possible on PREEMPT_FULL).
TEST(Fidelity, D2AMembarrierIpiAfterTheGuardRevokesTheNewGrantSilently) {
    Walk w(one_cpu(PreemptModel::Full, Bounds{.wakeups = 1, .membarriers = 1, .user_writes = 1}));
    grant_up_to_the_guard(w);
    ASSERT_TRUE(w.step("ipi_membarrier_rseq"));
    ASSERT_TRUE(w.task(slice_task).tif_set(kabi::TIF_RSEQ));
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(slice_task).slice_granted);
    EXPECT_FALSE(w.cpu(0).slice_timer_armed) << "no timer for a grant already gone";
    EXPECT_EQ(w.task(waiter_task).get_run(), Run::Runnable);
    EXPECT_FALSE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED)) << "nothing re-raised it";
}

// D3: a fault that sleeps blocks the task in handle_mm_fault(). With nothing else runnable
// the CPU goes idle, and the task comes back through context_switch(), whose
// rseq_sched_switch_event() raises TIF_RSEQ (user_irq is set). Meanwhile the wakeup may
// move it to another CPU.
TEST(Fidelity, D3AFaultThatSleepsSwitchesToIdleAndRaisesTifRseqOnReturn) {
    Walk w(make_preset("fault-migrate"));
    ASSERT_TRUE(w.step("exception_from_user", faulting(Fault::Resolved).to(idle_task)));
    EXPECT_EQ(w.cpu(0).curr, idle_task);
    EXPECT_EQ(w.task(slice_task).get_run(), Run::Runnable);
    ASSERT_TRUE(w.step("schedule_idle", by(slice_task)));
    EXPECT_TRUE(w.task(slice_task).sched_switch);
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_RSEQ));
}

TEST(Fidelity, D3ATaskBlockedOnAFaultMayWakeUpOnAnotherCpu) {
    Walk w(make_preset("fault-migrate"));
    ASSERT_TRUE(w.step("exception_from_user", faulting(Fault::Resolved).to(idle_task)));
    ASSERT_TRUE(w.step("migrate_task", by(slice_task).on(1)));
    ASSERT_TRUE(w.step("schedule_idle", by(slice_task).on(1)));
    EXPECT_TRUE(w.task(slice_task).ids_changed);
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_RSEQ));
}

// D4: kernel/sched/fair.c:check_preempt_wakeup_fair() may decline between two fair tasks:
// the woken task waits with no reschedule asked.
TEST(Fidelity, D4AFairWakeupMayNotPreempt) {
    Walk w(make_preset("default"));
    ASSERT_TRUE(w.step("remote_wakeup", declined()));
    EXPECT_EQ(w.task(waiter_task).get_run(), Run::Runnable);
    EXPECT_FALSE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY));
    EXPECT_FALSE(w.cpu(0).ipi_pending);
}

// D4: an RT wakeup of a fair task's CPU always preempts (the class is higher).
TEST(Fidelity, D4AnRtWakeupAlwaysPreempts) {
    Walk w(make_preset("rt"));
    EXPECT_FALSE(w.step("irq_wakeup", declined())) << "an RT wakeup was declined";
    ASSERT_TRUE(w.step("irq_wakeup", preempting()));
}

// D4: a yield may get the CPU back at once: __schedule() picks prev again and does no
// context_switch() (EEVDF: the waiter need not be eligible).
TEST(Fidelity, D4SchedYieldMayPickTheYieldingTaskAgain) {
    Walk w(make_preset("grant"));
    ASSERT_TRUE(w.step("irq_wakeup", declined()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_EQ(w.task(slice_task).get_pc(), Pc::User);
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(sched_yield)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("syscall_body", to(slice_task)));
    EXPECT_EQ(w.cpu(0).curr, slice_task);
    EXPECT_EQ(w.task(waiter_task).get_run(), Run::Runnable);
}

/// T0 in S4's scope end with TIF_NEED_RESCHED set by a remote CPU whose IPI has not landed.
State remote_request_pending_at_s4_end(const RseqModel& model) {
    State s = model.initial_state();
    Task& t0 = s.task(slice_task);
    t0.set_pc(Pc::SyscallSliceResched);
    t0.from_syscall = 1;
    s.task_ext(slice_task).set_syscall(Syscall::Getpid);
    t0.set_tif(kabi::TIF_NEED_RESCHED);
    s.task(waiter_task).set_run(Run::Runnable);
    s.cpu(0).ipi_pending = 1;
    return s;
}

// D6: the end of S4's preempt-off scope and S5's cond_resched() test the folded bit
// (preempt_count_dec_and_test(), should_resched()), not TIF: with the remote IPI still
// pending nothing schedules there; the IPI does, when it lands.
TEST(Fidelity, D6TheEndOfS4DoesNotScheduleOnAnUnfoldedRemoteRequest) {
    Walk w(make_preset("default"));
    w.set_state(remote_request_pending_at_s4_end(w.model()));
    ASSERT_TRUE(w.step("rseq_syscall_relinquish_cpu"));
    EXPECT_EQ(w.last_action().next, no_task) << "scheduled on an unfolded request";
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::SyscallSliceClear);
    ASSERT_TRUE(w.step("ipi_resched", to(waiter_task)));
}

// D8: the tick that finds the slice user's slice used up while a fair task waits asks for
// a reschedule: fully on PREEMPT_FULL (TIF and the folded bit), lazily on PREEMPT_LAZY.
TEST(Fidelity, D8TheTickEndsTheSliceOfATaskAFairWaiterWaitsFor) {
    Walk w(make_preset("grant"));
    EXPECT_FALSE(w.can("sched_tick_slice_used_up")) << "nobody waits";
    ASSERT_TRUE(w.step("irq_wakeup", declined()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("sched_tick_slice_used_up"));
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED));
    EXPECT_TRUE(w.task(slice_task).user_irq);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::ExitPrepare);
    EXPECT_FALSE(w.can("sched_tick_slice_used_up")) << "a reschedule is already pending";

    Scenario lazy = make_preset("grant");
    lazy.preempt = PreemptModel::Lazy;
    Walk l(lazy);
    ASSERT_TRUE(l.step("irq_wakeup", declined()));
    ASSERT_TRUE(l.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(l.step("sched_tick_slice_used_up"));
    EXPECT_TRUE(l.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED_LAZY));
    EXPECT_FALSE(l.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED));
}

// D11: a fault in the IRQ-off fast path only fails the access; the same page is still not
// present when the slow path's rseq_update_usr() touches it with page faults enabled, and
// faults (and may sleep) there: the budget counts the page once.
TEST(Fidelity, D11TheSlowPathFaultsAgainAfterTheFastPathFault) {
    Walk w(make_preset("fault-migrate"));
    ASSERT_TRUE(w.step("remote_wakeup", preempting()));
    ASSERT_TRUE(w.step("ipi_resched"));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault().to(waiter_task)));
    ASSERT_TRUE(w.step("migrate_task", by(slice_task).on(1)));
    ASSERT_TRUE(w.step("schedule_idle", by(slice_task).on(1)));
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", faulting(Fault::Unresolvable)));
    EXPECT_TRUE(w.task(slice_task).slowpath);
    EXPECT_EQ(w.task(slice_task).faults_left, 1U) << "the fast path's fault spent the budget";
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("resume_user_mode_work", no_fault()));
    ASSERT_TRUE(w.step("rseq_slowpath_update_usr", faulting(Fault::Resolved)));
}

// D12: in debug mode S2's get_user() of slice_ctrl runs with page faults enabled; a failed
// read is force_sig(SIGSEGV) (kernel/rseq.c:rseq_slice_validate_ctrl()).
TEST(Fidelity, D12TheDebugReadOfSliceCtrlAtSyscallEntryMayFault) {
    Scenario sc = one_cpu(PreemptModel::None, Bounds{.wakeups = 1, .faults = 1, .user_writes = 1});
    sc.debug_key = true;
    Walk w(sc);
    grant_up_to_the_guard(w);
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(getpid)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work", faulting(Fault::Unresolvable)));
    EXPECT_TRUE(w.task(slice_task).sigsegv);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::SyscallSliceRevoke) << "S3 goes on: granted";
}

// D14: __resched_curr() returns early when TIF_NEED_RESCHED is already set: no second IPI.
TEST(Fidelity, D14NoSecondIpiWhileTheRequestIsPending) {
    Scenario sc = make_preset("default");
    sc.tasks.push_back(TaskConfig{.role = TaskRole::Waiter, .slice_enabled = false});
    Walk w(sc);
    State s = w.state();
    s.task(slice_task).set_pc(Pc::SyscallBody);
    s.task(slice_task).from_syscall = 1;
    s.task(slice_task).set_tif(kabi::TIF_NEED_RESCHED);
    s.cpu(0).preempt_need_resched = 1;  // the first request's IPI has landed
    w.set_state(s);
    ASSERT_TRUE(w.step("remote_wakeup", preempting()));
    EXPECT_FALSE(w.cpu(0).ipi_pending) << "a second scheduler IPI was sent";
}

// D15: writing the signal frame (and rseq_handle_cs()) may fault: sleep and block, or fail
// into force_sigsegv(); task_work in resume_user_mode_work() may sleep too.
TEST(Fidelity, D15SignalDeliveryMaySleepOrFail) {
    Bounds b{.wakeups = 0, .faults = 1, .signals = 1, .user_writes = 0, .syscalls = 0};
    Walk slept(one_cpu(PreemptModel::None, b));
    ASSERT_TRUE(slept.step("irq_signal"));
    ASSERT_TRUE(slept.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(slept.step("exit_loop_need_resched"));
    ASSERT_TRUE(slept.step("arch_do_signal_or_restart", faulting(Fault::Resolved).to(idle_task)));
    ASSERT_TRUE(slept.step("schedule_idle"));
    EXPECT_TRUE(slept.task(slice_task).tif_set(kabi::TIF_RSEQ));

    Walk failed(one_cpu(PreemptModel::None, b));
    ASSERT_TRUE(failed.step("irq_signal"));
    ASSERT_TRUE(failed.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(failed.step("exit_loop_need_resched"));
    ASSERT_TRUE(failed.step("arch_do_signal_or_restart", faulting(Fault::Unresolvable)));
    EXPECT_TRUE(failed.task(slice_task).sigsegv);
    EXPECT_TRUE(failed.task(slice_task).tif_set(kabi::TIF_SIGPENDING));
}

TEST(Fidelity, D15TaskWorkMaySleep) {
    Walk w(one_cpu(PreemptModel::None, Bounds{.wakeups = 0, .irqs = 1, .faults = 1}));
    ASSERT_TRUE(w.step("irq_task_work"));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("resume_user_mode_work", faulting(Fault::Resolved).to(idle_task)));
    ASSERT_TRUE(w.step("schedule_idle"));
    EXPECT_TRUE(w.task(slice_task).sched_switch);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::LoopNotifyResume);
}

}  // namespace
}  // namespace rseqcheck::test
