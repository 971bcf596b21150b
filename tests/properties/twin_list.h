/// \file
/// The failing twins the tests pin: each safety property, the variant that breaks it (on the
/// variant's preset) and the length of the shortest trace; and each leads-to property with
/// the variant that breaks it. Shared by the twin tests and the docs/properties.md check.
#pragma once

#include <array>
#include <cstddef>

namespace rseqcheck {

struct Twin {
    const char* property;
    const char* variant;
    std::size_t trace_length;  ///< shortest trace (safety), 0 for leads-to
};

// Issue 21 shortened three: a yield may pick the yielding task again (D4), so the two
// syscall twins need no waiter to run and block (17 -> 16, 16 -> 15); a fair wakeup that does
// not preempt enters and leaves the kernel with no work (D4), so the events twin is an
// interrupt and its return to user (9 -> 2).
inline constexpr std::array safety_twins{
    Twin{"no-stale-grant-after-switch", "pre_7ee58f98", 11},
    Twin{"views-agree-in-user-mode", "mut_syscall_skips_user_clear", 16},
    Twin{"timer-armed-on-grant", "pre_0ac3b5c3", 9},
    Twin{"grant-only-on-irq-return", "mut_grant_ignores_user_irq", 9},
    Twin{"grant-only-on-irq-return", "mut_rt_full_grantable", 6},
    Twin{"revoke-on-pending-work", "mut_grant_ignores_deny", 6},
    Twin{"slice-reset-on-id-update", "pre_7ee58f98", 11},
    Twin{"ids-correct-in-user-mode", "mut_fastpath_fault_returns", 8},
    Twin{"no-rseq-work-in-user-mode", "mut_fastpath_fault_returns", 7},
    Twin{"expired-grant-has-timer", "pre_0ac3b5c3", 10},
    Twin{"timer-hygiene", "mut_timer_ignores_cookie", 13},
    Twin{"syscall-revokes-grant", "pre_dd0a0460", 12},
    Twin{"yield-result-honest", "mut_yield_keeps_yielded", 15},
    Twin{"grant-clears-resched", "mut_no_irq_guard_clear", 9},
    Twin{"need-resched-folded", "mut_no_irq_guard_clear", 7},
    Twin{"events-clear-in-user-mode", "mut_irq_exit_keeps_events", 2},
};

// Probes outside the default set that the fixed model breaks (findings, docs/findings.md).
// Their failing twin is the fixed model itself, on the preset of the candidate patch named
// here, and that patch (a fix_ variant) makes them hold there: finding_probes_test.cpp.
// `trace_length` is the fixed model's shortest trace (safety), 0 for leads-to.
inline constexpr std::array finding_probes{
    Twin{"erased-resched-honoured-strict", "fix_revoke_reraises_resched", 0},
    Twin{"yield-after-switch-returns-zero", "fix_switch_event_while_granted", 14},
};

inline constexpr std::array liveness_twins{
    Twin{"grant-ends", "pre_0ac3b5c3", 0},
    Twin{"erased-resched-honoured", "pre_0ac3b5c3", 0},
    Twin{"yield-schedules", "mut_yield_no_resched", 0},
};

}  // namespace rseqcheck
