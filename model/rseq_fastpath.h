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
        die = cs == RseqCs::BadAbort;
        if (sc.debug_key)
            die = die || cs == RseqCs::DebugOnlyBad || !task.user_irq;
    }
    if (die) {
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
