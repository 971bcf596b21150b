/// \file
/// Walks of kernel interleavings that the fidelity fixes (issue 21) made reachable, shared by
/// the model's walk-through tests and the trace tests that write and replay them.
#pragma once

#include <cstdint>

#include <gtest/gtest.h>

#include "model/kabi.h"
#include "model/scenario.h"
#include "tests/model/walk.h"

namespace rseqcheck::test {

/// T0 requests, a wakeup of T1 that preempts lands in user mode, and the exit path grants
/// up to and including G6's guard; T0 then sits at LoopEnd with interrupts on.
inline void grant_up_to_the_guard(Walk& w) {
    constexpr TaskId t0 = 0;
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("irq_wakeup", by(t0).preempting()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault()));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension_commit"));
    ASSERT_TRUE(w.step("grant_clear_resched"));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::LoopEnd);
    ASSERT_TRUE(w.task(t0).slice_granted);
}

/// The same, on to T0's return to user mode with the grant live and the timer armed.
inline void grant_to_user(Walk& w) {
    grant_up_to_the_guard(w);
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    ASSERT_EQ(w.task(0).get_pc(), Pc::User);
}

/// F2 (docs/findings.md): on PREEMPT_FULL the expiry preempts T0 between the entry of
/// rseq_slice_yield() and S4; T0 comes back on the same CPU with sched_switch clear (user_irq
/// is 0 in a syscall), so S4 takes the "not yet rescheduled" branch and the syscall returns 1.
/// Scenario: the preempt-full preset.
inline void f2_yield_returns_one_after_a_preemption(Walk& w) {
    constexpr TaskId t0 = 0;
    constexpr Syscall yield = Syscall::RseqSliceYield;
    grant_to_user(w);
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(yield)));
    ASSERT_TRUE(w.step("slice_deadline_passes"));
    ASSERT_TRUE(w.step("rseq_slice_expired", on(0).to(1)));
    ASSERT_TRUE(w.step("waiter_sleeps", to(t0)));
    ASSERT_FALSE(w.task(t0).sched_switch);
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("rseq_syscall_revoke_slice"));
    ASSERT_TRUE(w.step("rseq_syscall_relinquish_cpu", to(t0)));
    ASSERT_TRUE(w.step("rseq_syscall_clear_slice", no_fault()));
    ASSERT_TRUE(w.step("syscall_body", with(yield)));
    ASSERT_TRUE(w.task(t0).yield_ret);
}

/// F3 (docs/findings.md): G3 revokes a live grant, its put_user() fails (G7): SIGSEGV is
/// forced, and rseq_slice_clear_grant() is never reached: the kernel grant stays set.
/// Scenario: the grant preset with one fault.
inline void f3_failed_revoke_leaves_the_grant(Walk& w) {
    constexpr TaskId t0 = 0;
    grant_to_user(w);
    ASSERT_TRUE(w.step("sched_tick_slice_used_up"));  // the waiter still waits
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", faulting(Fault::Unresolvable)));
    ASSERT_TRUE(w.task(t0).sigsegv);
    ASSERT_TRUE(w.task(t0).slice_granted) << "the kernel grant was cleared";
}

/// Spec 7.4's scenario for the stale-timer walk: one CPU (PREEMPT_NONE), a slice user and a
/// waiter, one wakeup, one membarrier IPI, two slice_ctrl requests.
inline Scenario stale_timer_scenario() {
    Scenario sc = make_preset("tiny");
    sc.name = "stale-timer";
    sc.description = "spec 7.4: a stale slice timer fires between a fresh grant and its guard";
    sc.bounds = Bounds{.wakeups = 1, .membarriers = 1, .user_writes = 2, .syscalls = 0};
    return sc;
}

/// Spec 7.4, made reachable by D2: T0 is granted, the timer is armed, a membarrier IPI
/// revokes the grant silently (F1) and leaves the timer queued. T0 asks again, the tick that
/// ends its slice lands (the waiter still waits), and the exit path grants afresh. Between
/// G6's granted store and its scoped_guard(irq) the stale timer fires: cookie == current and
/// the new grant is live, so rseq_slice_expired() asks for a reschedule (premature expiry).
/// Ends just after the expiry (on PREEMPT_NONE T0 is still at GrantClearResched).
inline void stale_timer_fires_on_a_fresh_grant(Walk& w) {
    constexpr TaskId t0 = 0;
    grant_to_user(w);
    ASSERT_TRUE(w.cpu(0).slice_timer_armed);
    const unsigned old_generation = w.cpu(0).slice_timer_expires;
    ASSERT_TRUE(w.step("ipi_membarrier_rseq"));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    ASSERT_FALSE(w.task(t0).slice_granted) << "F1: the fast path revoked the grant";
    ASSERT_TRUE(w.cpu(0).slice_timer_armed) << "and left the timer queued";
    ASSERT_TRUE(w.step("user_clear_slice_request"));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("sched_tick_slice_used_up"));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault()));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension_commit"));
    ASSERT_NE(w.task(t0).slice_expires, old_generation);
    ASSERT_TRUE(w.step("rseq_slice_expired", on(0))) << "the stale timer cannot land here";
}

}  // namespace rseqcheck::test
