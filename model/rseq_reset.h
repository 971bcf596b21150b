/// \file
/// include/linux/rseq.h:rseq_reset(): the task's whole rseq state cleared, as unregistration
/// (kernel/rseq.c:sys_rseq() with RSEQ_FLAG_UNREGISTER) and a successful exec
/// (include/linux/rseq.h:rseq_execve()) do it (model-part2.md 4.1, step 3 of
/// unregistration). Shared by the sys_rseq and execve bodies.
#pragma once

#include "model/kabi.h"
#include "model/state.h"

namespace rseqcheck::rseq {

/// The fields the kernel's clear of task->rseq touches: the registration (has_rseq), every
/// event bit, the slice state (enabled, granted, yielded, the deadline) and the ID cache,
/// which ends at RSEQ_CPU_ID_UNINITIALIZED. Not touched, as in the source: TIF_RSEQ, the
/// SYSCALL_WORK_SYSCALL_RSEQ_SLICE bit, the per-CPU slice timer and its cookie, and
/// everything in user memory (struct rseq keeps what it held).
/// `part` selects the torn halves of pre_e9766e6f's unguarded clear: the first stops before
/// has_rseq in struct rseq_event (the event bytes sched_switch, ids_changed, user_irq), the
/// second does the rest (model-part2.md D10); Whole does both at once.
enum class ResetPart : unsigned char { Whole, EventsOnly, Rest };

inline void reset_task_rseq(Task& task, ResetPart part = ResetPart::Whole) {
    if (part != ResetPart::Rest) {
        task.sched_switch = 0;
        task.ids_changed = 0;
        task.user_irq = 0;
    }
    if (part == ResetPart::EventsOnly)
        return;
    task.has_rseq = 0;
    task.slowpath = 0;
    task.fatal = 0;
    task.ids_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
    task.slice_enabled = 0;
    task.slice_granted = 0;
    task.slice_yielded = 0;
    task.slice_expires = 0;
    task.slice_expired = 0;
}

/// The same for task `t` of `s`, with the registration's ABI version (TaskExt::has_rseq_v2,
/// the version has_rseq holds on 7.0.y and 7.1), which the second part clears with has_rseq.
inline void reset_task_rseq(State& s, TaskId t, ResetPart part = ResetPart::Whole) {
    reset_task_rseq(s.task(t), part);
    if (part != ResetPart::EventsOnly) {
        s.task_ext(t).has_rseq_v2 = 0;
        s.task_ext(t).ghost_yield_skipped = 0;  // with `yielded`
    }
}

}  // namespace rseqcheck::rseq
