#include "model/variant.h"

#include <array>
#include <string>
#include <vector>

namespace rseqcheck {

namespace {

constexpr VariantInfo bug(VariantSwitch id, std::string_view name, std::string_view commit,
                          std::string_view description, std::string_view preset,
                          std::string_view catches) {
    return VariantInfo{id, name, commit, description, preset, catches, VariantKind::Bug, "", ""};
}

constexpr VariantInfo patch(VariantSwitch id, std::string_view name, std::string_view description,
                            std::string_view preset, std::string_view finding,
                            std::string_view targets) {
    return VariantInfo{id, name, "", description, preset, "", VariantKind::Patch, finding, targets};
}

constexpr std::array<VariantInfo, variant_switch_count> catalog{
    bug(VariantSwitch::Pre0ac3b5c3, "pre_0ac3b5c3",
        "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
        "no per-CPU hrtimer: a granted task may run in user mode past its deadline", "grant",
        "I3, I11"),
    bug(VariantSwitch::Pre7ee58f98, "pre_7ee58f98",
        "7ee58f98 (\"rseq: Reset slice extension when scheduled\")",
        "the exit fast path and slow path leave slice_ctrl and the grant alone after a "
        "reschedule",
        "preempt-full", "I1, I6"),
    bug(VariantSwitch::PreDd0a0460, "pre_dd0a0460",
        "dd0a0460 (\"rseq: Implement syscall entry work for time slice extensions\")",
        "no syscall entry work: a syscall inside a grant neither revokes nor relinquishes",
        "grant-syscall", "I14"),
    bug(VariantSwitch::MutGrantIgnoresUserIrq, "mut_grant_ignores_user_irq", "",
        "G1 drops the user_irq test: a grant on a syscall return", "grant-syscall", "I4"),
    bug(VariantSwitch::MutGrantIgnoresDeny, "mut_grant_ignores_deny", "",
        "G3 ignores TIF_SLICE_EXT_DENY work: a grant with other exit work pending", "remote-wakeup",
        "I5"),
    bug(VariantSwitch::MutNoIrqGuardClear, "mut_no_irq_guard_clear", "",
        "G6 clears TIF_NEED_RESCHED and the folded preempt bit with interrupts enabled",
        "grant-race", "I16"),
    bug(VariantSwitch::MutRtFullGrantable, "mut_rt_full_grantable", "",
        "PREEMPT_RT treats a full NEED_RESCHED as grantable (TIF_SLICE_EXT_SCHED without RT)", "rt",
        "I4"),
    bug(VariantSwitch::MutSyscallSkipsUserClear, "mut_syscall_skips_user_clear", "",
        "S6 clears rseq.slice.state.granted but skips put_user(0, slice_ctrl)", "grant-syscall",
        "I2"),
    bug(VariantSwitch::MutFastpathFaultReturns, "mut_fastpath_fault_returns", "",
        "a fault in the exit fast path returns to user instead of raising the slow path",
        "fault-migrate", "I7, I9"),
    bug(VariantSwitch::MutTimerIgnoresCookie, "mut_timer_ignores_cookie", "",
        "rseq_slice_expired() sets NEED_RESCHED on the current task whatever the cookie",
        "membarrier", "I13"),
    bug(VariantSwitch::MutYieldKeepsYielded, "mut_yield_keeps_yielded", "",
        "sys_rseq_slice_yield() returns `yielded` without clearing it", "grant-syscall", "I15"),
    bug(VariantSwitch::MutIrqExitKeepsEvents, "mut_irq_exit_keeps_events", "",
        "rseq_irqentry_exit_to_user_mode() does not clear rseq.event (user_irq survives)", "tiny",
        "I17"),
    bug(VariantSwitch::MutYieldNoResched, "mut_yield_no_resched", "",
        "rseq_syscall_enter_work() S4 records the yield but does not request the reschedule",
        "grant", "I14 (yield-schedules)"),
    bug(VariantSwitch::Pre411c1cf4, "pre_411c1cf4",
        "411c1cf4 (\"arm64/entry: Fix arm64-specific rseq brokenness\")",
        "arm64's own interrupt and exception entry never calls rseq_note_user_irq_entry(): a "
        "preempted critical section is not aborted",
        "arm64-cs", "I8"),
    // Candidate patches for the findings (docs/findings.md), as a maintainer would write
    // them: each a small change to one kernel function. `catches` is empty: a patch is not
    // caught, it is compared (rseqcheck compare).
    patch(VariantSwitch::FixGrantDeniesAfterSwitch, "fix_grant_denies_after_switch",
          "rseq_grant_slice_extension(): inside G6's irq guard, deny when TIF_RSEQ or "
          "rseq.event.sched_switch is set (revoke the grant, keep NEED_RESCHED, return false)",
          "membarrier", "F4", "erased-resched-honoured-strict"),
    patch(VariantSwitch::FixRevokeReraisesResched, "fix_revoke_reraises_resched",
          "rseq_exit_user_update()/rseq_update_usr(): revoking a live grant on the exit path calls "
          "set_need_resched_current() and loops, so the request G6 erased is honoured",
          "membarrier", "F1, F4", "erased-resched-honoured-strict"),
    patch(VariantSwitch::FixSwitchEventWhileGranted, "fix_switch_event_while_granted",
          "rseq_sched_switch_event(): a task switched in while rseq.slice.state.granted records "
          "sched_switch, so rseq_slice_yield() returns 0 after a preemption",
          "preempt-full", "F2", "yield-after-switch-returns-zero"),
    patch(VariantSwitch::FixFastpathRevokeReraises, "fix_fastpath_revoke_reraises",
          "rseq_exit_user_update() only (the exit fast path): revoking a live grant calls "
          "set_need_resched_current() and loops; rseq_update_usr() (slow path, P4) unchanged",
          "membarrier", "F1", "erased-resched-honoured-strict"),
    // Kernel "7.1" only (the deferred hrtimer rearm); a scenario naming them needs
    // kernel = "7.1".
    bug(VariantSwitch::PreAda54c2b, "pre_ada54c2b",
        "ada54c2b (\"rseq: Prevent hard lockup on granted time slice extension\")",
        "the grant wrapper's hrtimer_rearm_deferred_tif() runs after G6's irq guard: "
        "__hrtimer_rearm_deferred() takes hrtimer_bases.lock with interrupts on",
        "hrtimer-rearm", "I20"),
    bug(VariantSwitch::MutGrantSkipsRearm, "mut_grant_skips_rearm", "",
        "rseq_grant_slice_extension() grants without hrtimer_rearm_deferred_tif(): schedule() "
        "is skipped and the deferred rearm with it",
        "hrtimer-rearm", "I20"),
    // model-part2 areas 1 and 4: rseq critical sections and debug mode.
    bug(VariantSwitch::MutGrantForcesRseqUpdate, "mut_grant_forces_rseq_update", "",
        "rseq_grant_slice_extension() G6 also raises TIF_RSEQ and rseq.event.sched_switch: the "
        "exit fast path then aborts a critical section the grant meant to let finish",
        "cs", "I8 (cs-unchanged-unless-due)"),
    bug(VariantSwitch::MutCsSkipsSignature, "mut_cs_skips_signature", "",
        "production rseq_update_user_cs() skips the abort_ip range and signature checks: a "
        "section with a bad abort_ip is aborted to it instead of killing the task",
        "cs-invalid", "I10 (cs-abort-needs-signature, cs-invalid-kills)"),
    bug(VariantSwitch::MutSignalSkipsRseq, "mut_signal_skips_rseq", "",
        "signal delivery never calls rseq_signal_deliver(): the frame saves the IP inside an "
        "interrupted critical section",
        "cs-signal", "I8"),
    // Kernels "7.0.y" and "7.1" only (82f57244 is a 7.1-rc fix backported to 7.0.y); a
    // scenario naming it needs one of them.
    bug(VariantSwitch::Pre82f57244, "pre_82f57244",
        "82f57244 (\"rseq: Implement read only ABI enforcement for optimized RSEQ V2 mode\")",
        "rseq_set_ids_get_csaddr() validates the user ID fields only with the debug key: a V2 "
        "task's modified cpu_id_start is overwritten silently at the next ID update",
        "ro-ids", "I10 (ro-ids-enforced)"),
    bug(VariantSwitch::MutDebugSkipsIdCheck, "mut_debug_skips_id_check", "",
        "with rseq_debug_enabled, rseq_set_ids_get_csaddr() skips rseq_debug_validate_ids(): "
        "user-modified ID fields are overwritten silently",
        "debug-ids", "I10 (ro-ids-enforced)"),
    // Kernels "7.0.y" and "7.1" only: v7.1-rc fixes to the sys_rseq() life cycle, backported
    // to 7.0.y; c17ee635 ("7.0") has the bugs (model-part2.md decision 2).
    bug(VariantSwitch::Pre2cb68e45, "pre_2cb68e45",
        "2cb68e45 (\"rseq: Set rseq::cpu_id_start to 0 on unregistration\")",
        "rseq_reset_ids() goes through rseq_set_ids_get_csaddr(): unregistration leaves "
        "cpu_id_start at RSEQ_CPU_ID_UNINITIALIZED instead of 0",
        "unregister", "2cb68e45"),
    bug(VariantSwitch::PreE9766e6f, "pre_e9766e6f",
        "e9766e6f (\"rseq: Protect rseq_reset() against interrupts\")",
        "rseq_reset()'s memset runs with interrupts on: a preemption with migration after the "
        "event bytes are cleared sets sched_switch again while has_rseq is still 1",
        "unregister-race", "I19"),
    bug(VariantSwitch::Pre010b7723, "pre_010b7723",
        "010b7723 (\"rseq: Don't advertise time slice extensions if disabled\")",
        "sys_rseq() sets RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE in rseq->flags with "
        "rseq_slice_extension_key off",
        "register-key-off", "I18"),
    // model-part2 areas 2b (prctl) and 2c (fork/exec)
    bug(VariantSwitch::MutPrctlSkipsFlagsWrite, "mut_prctl_skips_flags_write", "",
        "rseq_slice_extension_prctl() SET changes rseq.slice.state.enabled but skips the "
        "put_user() of rseq->flags",
        "prctl", "I18"),
    bug(VariantSwitch::MutV1SliceAllowed, "mut_v1_slice_allowed", "",
        "sys_rseq() and rseq_slice_extension_prctl() SET (7.0.y/7.1, b9eac6a9) skip the "
        "rseq_v2() test: a V1 registration is offered and enables slice extensions",
        "prctl-v1", "I18, v1-never-granted"),
    bug(VariantSwitch::MutForkCopiesGrant, "mut_fork_copies_grant", "",
        "rseq_fork() copies the grant state the parent held at syscall entry, before the "
        "syscall entry work revoked it: the child starts granted",
        "fork-exec", "fork-child-starts-clean"),
    bug(VariantSwitch::MutExecSkipsReset, "mut_exec_skips_reset", "",
        "bprm_execve() succeeds without rseq_execve(): the new image keeps the old image's "
        "registration and slice state",
        "fork-exec", "exec-resets"),
    // Candidate patches for F5 and F6 (model-part2 area 3), like the ones above.
    patch(VariantSwitch::FixYieldRecordedAfterSeccomp, "fix_yield_recorded_after_seccomp",
          "syscall_trace_enter(): when ptrace or seccomp skips the syscall (return -1) or changes "
          "its number away from __NR_rseq_slice_yield, clear the rseq.slice.yielded that "
          "rseq_syscall_enter_work() recorded, so only a rseq_slice_yield() that runs returns it",
          "seccomp-skip", "F5", "yield-result-honest-strict"),
    patch(VariantSwitch::FixSliceWorkBeforeSud, "fix_slice_work_before_sud",
          "syscall_trace_enter(): run rseq_syscall_enter_work() before syscall_user_dispatch(), "
          "so a dispatched syscall revokes a live grant like any other syscall",
          "sud", "F6", "no-stale-grant-after-switch-strict"),
};

}  // namespace

std::span<const VariantInfo> variant_catalog() {
    return catalog;
}

namespace {

std::vector<const VariantInfo*> of_kind(VariantKind kind) {
    std::vector<const VariantInfo*> out;
    for (const VariantInfo& info : catalog) {
        if (info.kind == kind)
            out.push_back(&info);
    }
    return out;
}

// The name says the kind (pre_/mut_ for bugs, fix_ for patches), and a patch names what it
// fixes; the catalogue above must agree, checked once at compile time.
constexpr bool kinds_agree_with_names() {
    for (const VariantInfo& info : catalog) {
        const bool patch = info.name.starts_with("fix_");
        if (patch != (info.kind == VariantKind::Patch))
            return false;
        if (patch && (info.finding.empty() || info.targets.empty() || !info.catches.empty()))
            return false;
        if (!patch && (!info.finding.empty() || !info.targets.empty()))
            return false;
        if (static_cast<std::size_t>(info.id) != static_cast<std::size_t>(&info - catalog.data()))
            return false;
    }
    return true;
}
static_assert(kinds_agree_with_names(),
              "a fix_ variant is a Patch with a finding and targets, every other one a Bug, "
              "and the catalogue lists the switches in enum order");

}  // namespace

std::vector<const VariantInfo*> bug_variants() {
    return of_kind(VariantKind::Bug);
}

std::vector<const VariantInfo*> patch_variants() {
    return of_kind(VariantKind::Patch);
}

std::vector<std::string> patch_targets(const VariantInfo& info) {
    std::vector<std::string> out;
    std::string_view rest = info.targets;
    while (!rest.empty()) {
        const std::size_t comma = rest.find(',');
        std::string_view name = rest.substr(0, comma);
        while (name.starts_with(' '))
            name.remove_prefix(1);
        if (!name.empty())
            out.emplace_back(name);
        rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    }
    return out;
}

std::string Variant::name() const {
    if (fixed())
        return "fixed";
    std::string out;
    for (const VariantInfo& info : catalog) {
        if (!has(info.id))
            continue;
        if (!out.empty())
            out += '+';
        out += info.name;
    }
    return out;
}

const VariantInfo* find_variant(std::string_view name) {
    for (const VariantInfo& info : catalog) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

std::vector<std::string> variant_names() {
    std::vector<std::string> names;
    names.reserve(catalog.size());
    for (const VariantInfo& info : catalog)
        names.emplace_back(info.name);
    return names;
}

}  // namespace rseqcheck
