/// \file
/// The rseq user-memory update shared by the exit fast path (F1/F2, IRQ-OFF, page faults
/// disabled) and the slow path (P4, faults enabled): write the IDs when they changed, clear
/// slice_ctrl and the kernel grant. Kernel: include/linux/rseq_entry.h
/// (rseq_exit_user_update(), rseq_set_ids_get_csaddr(), rseq_slice_clear_grant()),
/// kernel/rseq.c:rseq_update_usr(). Spec: kernel-model-spec.md 3.6 F1/F2, 3.11 P4.
#pragma once

#include "model/fault.h"
#include "model/transition.h"

namespace rseqcheck::rseq {

/// rseq_slice_clear_grant() plus the whole-word slice_ctrl := 0 store that 7ee58f98 put in
/// the same user-access region as the ID/CS update. pre_7ee58f98 does neither.
/// 7.0.y (b9eac6a9): rseq_slice_clear_user() stores only for a V2 registration (`v2`): a
/// legacy area's bytes past mm_cid are left alone (TCMalloc keeps data there).
inline void reset_slice(const Scenario& sc, Task& task, bool v2) {
    if (!sc.slice_key || sc.variant.has(VariantSwitch::Pre7ee58f98))
        return;
    if (v2) {
        task.usr_slice_request = 0;
        task.usr_slice_granted = 0;
        task.usr_slice_reserved = 0;
        task.kwrite_request = 0;
        task.kwrite_granted = 0;
    }
    task.slice_granted = 0;
    task.ghost_switched_since_grant = 0;
}

/// fix_revoke_reraises_resched (candidate patch for F1 and F4): when the reset above revoked
/// a live grant (`was_granted` before it, none after), the revoke calls
/// set_need_resched_current(), so that a reschedule the grant's G6 erased is asked for again;
/// the caller loops (the exit loop re-reads the work and schedules). Returns whether it did.
/// fix_fastpath_revoke_reraises is the narrower patch: only rseq_exit_user_update() (the fast
/// path, `fastpath`) re-raises; rseq_update_usr() (P4) is left as in 7.0.
inline bool reraise_after_revoke(const Scenario& sc, State& s, CpuId c, TaskId t, bool was_granted,
                                 bool fastpath) {
    const bool patched = sc.variant.has(VariantSwitch::FixRevokeReraisesResched) ||
                         (fastpath && sc.variant.has(VariantSwitch::FixFastpathRevokeReraises));
    if (!patched || !was_granted || s.task(t).slice_granted)
        return false;
    s.task(t).set_tif(kabi::TIF_NEED_RESCHED);
    s.cpu(c).preempt_need_resched = 1;
    return true;
}

/// Where rseq_update_user_cs() is reached from; the caller's failure path differs.
enum class CsCtx : std::uint8_t {
    /// F1/F2 of rseq_exit_user_update() (IRQ-OFF): a failure returns false, and
    /// rseq_exit_to_user_mode_restart() sends the task to the slow path (R1b); the caller
    /// does that.
    FastPath,
    /// P4, kernel/rseq.c:rseq_slowpath_update_usr(): a failure clears the error bits
    /// (`event.error = 0`, here `fatal`) and force_sig(SIGSEGV).
    SlowPath,
    /// kernel/rseq.c:__rseq_signal_deliver() -> rseq_handle_cs(): the same, with
    /// force_sigsegv(sig).
    Signal,
    /// kernel/rseq.c:__rseq_debug_syscall_return() (debug key, registered task, at every
    /// syscall exit): a failure is force_sig(SIGSEGV); `event.fatal` is left as the debug
    /// evaluator set it (the function does not clear the error bits).
    DebugSyscallReturn,
};

/// What rseq_update_user_cs() returned: true (the section was cleared or aborted), false
/// with `event.fatal` set (an invalid section). An unresolved fault (false without fatal)
/// is the caller's access outcome, not decided here.
enum class CsResult : std::uint8_t { Ok, Fatal };

/// include/linux/rseq_entry.h:rseq_update_user_cs() (spec 3.12), with the debug key
/// rseq_debug_update_user_cs(), on task t's non-null rseq_cs:
/// - rseq_cs at or above TASK_SIZE (KernelAddr): fatal, whatever the IP;
/// - the user IP outside the section: rseq_cs := 0 ("clear");
/// - inside: production checks only abort_ip (in user space, preceded by the signature:
///   BadAbort dies); the debug evaluator also dies on DebugOnlyBad and, with
///   GENERIC_IRQ_ENTRY (which the model assumes on arm64 too, as for F2/P4 and signal
///   delivery), when the entry was not an interrupt from user mode (!user_irq); otherwise rseq_cs
///   := 0 and the IP := abort_ip ("fixup": usr_in_cs := 0, which also settles the I8 ghost).
/// Fatal sets `event.fatal`; for the slow path and signal delivery it then takes their
/// failure path (fatal cleared, SIGSEGV forced).
inline CsResult update_user_cs(const Scenario& sc, State& s, TaskId t, CsCtx ctx) {
    Task& task = s.task(t);
    TaskExt& ext = s.task_ext(t);
    const RseqCs cs = ext.get_rseq_cs();
    bool die = cs == RseqCs::KernelAddr;
    if (!die && task.usr_in_cs) {
        // mut_cs_skips_signature: production takes any abort_ip (debug still checks)
        die = cs == RseqCs::BadAbort &&
              (sc.debug_key || !sc.variant.has(VariantSwitch::MutCsSkipsSignature));
        if (sc.debug_key)
            die = die || cs == RseqCs::DebugOnlyBad || !task.user_irq;
    }
    if (die) {
        if (ctx == CsCtx::DebugSyscallReturn) {
            // __rseq_debug_syscall_return(): a kernel address fails before the evaluator
            // (no fatal); the evaluator's die sets event.fatal, which nobody clears here
            if (cs != RseqCs::KernelAddr)
                task.fatal = 1;
            fault::force_sigsegv(task);
            return CsResult::Fatal;
        }
        task.fatal = 1;
        if (ctx != CsCtx::FastPath) {
            task.fatal = 0;  // event.error = 0
            fault::force_sigsegv(task);
        }
        return CsResult::Fatal;
    }
    ext.set_rseq_cs(RseqCs::Null);  // clear, or fixup with the IP set to abort_ip
    if (task.usr_in_cs) {
        task.usr_in_cs = 0;
        ext.ghost_cs_abort_due = 0;
    }
    return CsResult::Ok;
}

/// Whether rseq_set_ids_get_csaddr() checks the user ID fields against the cache before it
/// writes them (model-part2.md 4.5, 6.1.2): at c17ee635 only with the debug key
/// (rseq_debug_validate_ids()); with 82f57244 (kernels "7.0.y", "7.1") also for every V2
/// registration, the read-only ABI enforcement. pre_82f57244 and mut_debug_skips_id_check
/// take one half each away.
inline bool ids_checked(const Scenario& sc, const State& s, TaskId t) {
    const bool debug = sc.debug_key && !sc.variant.has(VariantSwitch::MutDebugSkipsIdCheck);
    const bool read_only = sc.kernel != Kernel::Linux70 && sc.rseq_v2(s, t) &&
                           !sc.variant.has(VariantSwitch::Pre82f57244);
    return debug || read_only;
}

/// The check itself: user cpu_id_start equals the cached CPU id and cpu_id equals
/// cpu_id_start. node_id and mm_cid are not modelled: a modified one is the same event as
/// a modified cpu_id_start.
inline bool ids_match(const Task& task) {
    return task.usr_cpu_id_start == task.ids_cpu_id && task.usr_cpu_id == task.usr_cpu_id_start;
}

/// rseq_set_ids_get_csaddr(): cpu_id_start, cpu_id := cpu; cache rseq.ids.
inline void write_ids(Task& task, CpuId cpu) {
    task.usr_cpu_id_start = cpu & 0x3U;
    task.usr_cpu_id = cpu & 0x3U;
    task.ids_cpu_id = cpu & 0x3U;
}

/// F1/F2 of rseq_exit_user_update(): IDs only when ids_changed (F2), slice reset always.
inline void exit_user_update(const Scenario& sc, Task& task, bool v2) {
    if (task.ids_changed)
        write_ids(task, static_cast<CpuId>(task.cpu));
    reset_slice(sc, task, v2);
}

}  // namespace rseqcheck::rseq
