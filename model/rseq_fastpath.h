/// \file
/// The rseq user-memory update shared by the exit fast path (F1/F2, IRQ-OFF, page faults
/// disabled) and the slow path (P4, faults enabled): write the IDs when they changed, clear
/// slice_ctrl and the kernel grant. Kernel: include/linux/rseq_entry.h
/// (rseq_exit_user_update(), rseq_set_ids_get_csaddr(), rseq_slice_clear_grant()),
/// kernel/rseq.c:rseq_update_usr(). Spec: kernel-model-spec.md 3.6 F1/F2, 3.11 P4.
#pragma once

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

/// include/linux/rseq_entry.h:rseq_update_user_cs() (spec 3.12), reached from the fast
/// path F1 (rseq_exit_user_update()), the slow path P4 (rseq_update_usr()) and signal
/// delivery (__rseq_signal_deliver()): the interrupted user IP lies inside the section
/// rseq_cs describes, so the kernel sets it to abort_ip and clears rseq_cs. The model's
/// section has a valid descriptor (no SIGSEGV path here); an IP outside it is left alone.
inline void abort_cs(State& s, TaskId t) {
    if (!s.task(t).usr_in_cs)
        return;
    s.task(t).usr_in_cs = 0;
    s.task_ext(t).ghost_cs_abort_due = 0;
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
