/// \file
/// Walks of kernel interleavings that the fidelity fixes (issue 21) made reachable, shared by
/// the model's walk-through tests and the trace tests that write and replay them.
#pragma once

#include <gtest/gtest.h>

#include "model/kabi.h"
#include "model/scenario.h"
#include "tests/model/walk.h"

namespace rseqcheck::test {

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
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("irq_wakeup", by(t0).preempting()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault()));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension_commit"));
    ASSERT_TRUE(w.step("grant_clear_resched"));
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
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
