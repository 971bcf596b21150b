/// \file
/// The failing twins the tests pin: each safety property, the variant that breaks it (on the
/// variant's preset), the length of the shortest trace and its last action; and each leads-to
/// property with the variant that breaks it. Shared by the twin tests and the
/// docs/properties.md check.
///
/// Where the numbers come from: the trace lengths are change detectors, copied from the
/// reference BFS (tests/support/reference_bfs.h), which the engine's own search agrees with
/// (scripts/property-matrix prints the same lengths). Two have an independent witness: 11
/// (I1, I6 on pre_7ee58f98) is the hand walk of walkthrough_test.cpp, which takes exactly 11
/// steps to the stale grant, and 9 (I3 on pre_0ac3b5c3) is grant_on_irq_return's 9 hand
/// steps there. The last actions are what the variant breaks: the step whose effect the
/// mutated kernel code performs (a grant commit for I4, the exit to user for a user-mode
/// invariant, the timer callback for I13, the syscall body for I14/I15).
#pragma once

#include <array>
#include <cstddef>

namespace rseqcheck {

struct Twin {
    const char* property;
    const char* variant;
    std::size_t trace_length;  ///< shortest trace (safety), 0 for leads-to
    /// The action of the trace's last step, the step that exposes the bug (safety twins):
    /// model/transitions.h action_name(), as a trace prints it.
    const char* last_action = "";
    /// A scenario file (TOML) for the "holds on the fixed model" half, when the fixed model
    /// never reaches the property's premise on the variant's preset; nullptr: that preset.
    const char* fixed_scenario = nullptr;
};

/// PREEMPT_RT as the `rt` preset, but with a fair waiter. On `rt` the one waiter is RT: its
/// wakeup sets the full TIF_NEED_RESCHED, which RT does not grant, so the fixed model never
/// grants and I4 would hold vacuously there (premise 0). A fair waiter's wakeup sets
/// TIF_NEED_RESCHED_LAZY, which RT grants: the fixed model grants and I4 is exercised.
inline constexpr const char* rt_with_fair_waiter = R"(preset = "rt"
[[tasks]]
role = "slice_user"
slice_enabled = true
rt = false
cpu = 0
[[tasks]]
role = "waiter"
slice_enabled = false
rt = false
cpu = 0
)";

/// prctl-v1 (kernel 7.0.y) with a V2 task: the fixed model enables (prctl SET) and grants,
/// so slice-enabled-needs-key and v1-never-granted are exercised there, not vacuous.
inline constexpr const char* prctl_v2_on_70y = R"(preset = "prctl-v1"
[[tasks]]
role = "slice_user"
slice_enabled = false
abi = "v2"
[[tasks]]
role = "waiter"
)";

// Issue 21 shortened three: a yield may pick the yielding task again (D4), so the two
// syscall twins need no waiter to run and block (17 -> 16, 16 -> 15); a fair wakeup that does
// not preempt enters and leaves the kernel with no work (D4), so the events twin is an
// interrupt and its return to user (9 -> 2).
inline constexpr std::array safety_twins{
    Twin{"no-stale-grant-after-switch", "pre_7ee58f98", 11, "rseq_exit_to_user_mode_restart"},
    Twin{"views-agree-in-user-mode", "mut_syscall_skips_user_clear", 16,
         "exit_to_user_mode_prepare"},
    Twin{"timer-armed-on-grant", "pre_0ac3b5c3", 9, "rseq_exit_to_user_mode_restart"},
    Twin{"grant-has-syscall-work", "pre_dd0a0460", 9, "rseq_exit_to_user_mode_restart"},
    Twin{"grant-only-on-irq-return", "mut_grant_ignores_user_irq", 9,
         "rseq_grant_slice_extension_commit"},
    Twin{"grant-only-on-irq-return", "mut_rt_full_grantable", 6,
         "rseq_grant_slice_extension_commit", rt_with_fair_waiter},
    Twin{"revoke-on-pending-work", "mut_grant_ignores_deny", 6, "rseq_grant_slice_extension"},
    Twin{"slice-reset-on-id-update", "pre_7ee58f98", 11, "rseq_exit_to_user_mode_restart"},
    Twin{"ids-correct-in-user-mode", "mut_fastpath_fault_returns", 8,
         "rseq_exit_to_user_mode_restart"},
    Twin{"cs-aborted-when-due", "pre_411c1cf4", 2, "exit_to_user_mode_prepare"},
    Twin{"no-rseq-work-in-user-mode", "mut_fastpath_fault_returns", 7,
         "rseq_exit_to_user_mode_restart"},
    Twin{"expired-grant-has-timer", "pre_0ac3b5c3", 10, "slice_deadline_passes"},
    Twin{"timer-hygiene", "mut_timer_ignores_cookie", 13, "rseq_slice_expired"},
    Twin{"syscall-revokes-grant", "pre_dd0a0460", 12, "syscall_body"},
    Twin{"yield-result-honest", "mut_yield_keeps_yielded", 15, "syscall_body"},
    Twin{"grant-clears-resched", "mut_no_irq_guard_clear", 9, "grant_clear_preempt_need_resched"},
    Twin{"need-resched-folded", "mut_no_irq_guard_clear", 7, "grant_clear_resched"},
    Twin{"events-clear-in-user-mode", "mut_irq_exit_keeps_events", 2, "exit_to_user_mode_prepare"},
    Twin{"hrtimer-lock-irqs-off", "pre_ada54c2b", 10, "hrtimer_rearm_deferred_tif"},
    Twin{"hrtimer-rearmed-in-user", "mut_grant_skips_rearm", 12, "rseq_exit_to_user_mode_restart"},
    // model-part2 areas 1 and 4, 82f57244
    Twin{"cs-aborted-when-due", "mut_signal_skips_rseq", 7, "rseq_exit_to_user_mode_restart"},
    Twin{"cs-unchanged-unless-due", "mut_grant_forces_rseq_update", 10,
         "rseq_exit_to_user_mode_restart"},
    Twin{"cs-abort-needs-signature", "mut_cs_skips_signature", 5, "arch_do_signal_or_restart"},
    Twin{"cs-invalid-kills", "mut_cs_skips_signature", 5, "arch_do_signal_or_restart"},
    Twin{"ro-ids-enforced", "pre_82f57244", 9, "rseq_exit_to_user_mode_restart"},
    Twin{"ro-ids-enforced", "mut_debug_skips_id_check", 9, "rseq_exit_to_user_mode_restart"},
    // sys_rseq() life cycle (model-part2 area 2a), kernel 7.0.y presets
    Twin{"reset-leaves-no-event", "pre_e9766e6f", 9, "rseq_reset_rest"},
    Twin{"unregister-writes-zero-cpu-id-start", "pre_2cb68e45", 4, "rseq_unregister_reset_ids"},
    Twin{"slice-available-needs-key", "pre_010b7723", 3, "sys_rseq"},
    // model-part2 areas 2b (prctl) and 2c (fork/exec)
    Twin{"slice-enabled-flag-mirrors", "mut_prctl_skips_flags_write", 3, "sys_prctl_rseq_slice"},
    Twin{"slice-enabled-needs-key", "mut_v1_slice_allowed", 3, "sys_prctl_rseq_slice",
         prctl_v2_on_70y},
    Twin{"v1-never-granted", "mut_v1_slice_allowed", 10, "rseq_grant_slice_extension_commit",
         prctl_v2_on_70y},
    Twin{"exec-resets", "mut_exec_skips_reset", 3, "sys_execve"},
    Twin{"fork-child-starts-clean", "mut_fork_copies_grant", 15, "sys_clone"},
};

// Probes outside the default set that the fixed model breaks (findings, docs/findings.md).
// Their failing twin is the fixed model itself, on the preset of the candidate patch named
// here, and that patch (a fix_ variant) makes them hold there: finding_probes_test.cpp.
// `trace_length` is the fixed model's shortest trace (safety), 0 for leads-to.
inline constexpr std::array finding_probes{
    Twin{"erased-resched-honoured-strict", "fix_revoke_reraises_resched", 0},
    Twin{"yield-after-switch-returns-zero", "fix_switch_event_while_granted", 14,
         "rseq_syscall_revoke_slice"},
    // model-part2 area 3: the strict forms of I15 and I1 (findings F5, F6); the default set
    // holds the forms that except exactly the finding's case
    Twin{"yield-result-honest-strict", "fix_yield_recorded_after_seccomp", 21, "syscall_body"},
    Twin{"no-stale-grant-after-switch-strict", "fix_slice_work_before_sud", 18,
         "rseq_exit_to_user_mode_restart"},
};

inline constexpr std::array liveness_twins{
    Twin{"grant-ends", "pre_0ac3b5c3", 0},
    Twin{"erased-resched-honoured", "pre_0ac3b5c3", 0},
    Twin{"yield-schedules", "mut_yield_no_resched", 0},
};

}  // namespace rseqcheck
