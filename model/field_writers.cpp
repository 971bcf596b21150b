#include "model/field_writers.h"

#include <array>
#include <cctype>

#include "model/transitions.h"

namespace rseqcheck {

namespace {

using K = ActionKind;

// Read from the transitions: exit_to_user_mode.h, rseq_fastpath.h, slice_grant.h,
// slice_timer.h, syscall.h, irq_entry.h, sched.h.
constexpr std::array writers{
    // O2: R1a is rseq_exit_user_update() (the slice_ctrl store and the IDs) with
    // rseq_slice_clear_grant() (the kernel's grant); R2 arms the timer (A2) or, past the
    // deadline, asks for a reschedule (A1); fix_revoke_reraises_resched re-raises one too.
    FieldWriter{K::ExitRestart, "slice_ctrl.request", "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "slice_ctrl.granted", "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "slice_ctrl.reserved", "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "kernel's last slice_ctrl.request write",
                "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "kernel's last slice_ctrl.granted write",
                "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "rseq->cpu_id_start", "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "rseq->cpu_id", "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "rseq.ids.cpu_id", "rseq_exit_user_update()"},
    FieldWriter{K::ExitRestart, "rseq.slice.state.granted", "rseq_slice_clear_grant()"},
    FieldWriter{K::ExitRestart, "switched since grant", "rseq_slice_clear_grant()"},
    FieldWriter{K::ExitRestart, "erased, grant not revoked", "rseq_slice_clear_grant()"},
    FieldWriter{K::ExitRestart, "SYSCALL_WORK_SYSCALL_RSEQ_SLICE",
                "rseq_arm_slice_extension_timer()"},
    FieldWriter{K::ExitRestart, "hrtimer armed", "rseq_arm_slice_extension_timer()"},
    FieldWriter{K::ExitRestart, "slice_timer.cookie", "rseq_arm_slice_extension_timer()"},
    FieldWriter{K::ExitRestart, "hrtimer expires", "rseq_arm_slice_extension_timer()"},
    FieldWriter{K::ExitRestart, "TIF_NEED_RESCHED", "set_need_resched_current()"},
    FieldWriter{K::ExitRestart, "rseq_cs (ip in critical section)", "rseq_update_user_cs()"},
    FieldWriter{K::ExitRestart, "rseq->rseq_cs", "rseq_update_user_cs()"},
    FieldWriter{K::ExitRestart, "rseq.event.fatal", "rseq_update_user_cs()"},
    FieldWriter{K::ExitRestart, "cs abort due (task mask)", "rseq_update_user_cs()"},
    FieldWriter{K::ExitRestart, "PREEMPT_NEED_RESCHED", "set_need_resched_current()"},
    // P4: rseq_update_usr() writes the IDs and slice_ctrl; a failed access is SIGSEGV.
    FieldWriter{K::SlowpathUpdate, "slice_ctrl.request", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "slice_ctrl.granted", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "slice_ctrl.reserved", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "kernel's last slice_ctrl.request write", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "kernel's last slice_ctrl.granted write", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "rseq->cpu_id_start", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "rseq->cpu_id", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "rseq.ids.cpu_id", "rseq_update_usr()"},
    FieldWriter{K::SlowpathUpdate, "rseq.slice.state.granted", "rseq_slice_clear_grant()"},
    FieldWriter{K::SlowpathUpdate, "switched since grant", "rseq_slice_clear_grant()"},
    FieldWriter{K::SlowpathUpdate, "erased, grant not revoked", "rseq_slice_clear_grant()"},
    FieldWriter{K::SlowpathUpdate, "SIGSEGV pending", "force_sigsegv()"},
    FieldWriter{K::SlowpathUpdate, "rseq_cs (ip in critical section)", "rseq_update_user_cs()"},
    FieldWriter{K::SlowpathUpdate, "rseq->rseq_cs", "rseq_update_user_cs()"},
    FieldWriter{K::SlowpathUpdate, "cs abort due (task mask)", "rseq_update_user_cs()"},
    FieldWriter{K::SlowpathUpdate, "TIF_NEED_RESCHED", "set_need_resched_current()"},
    FieldWriter{K::SlowpathUpdate, "PREEMPT_NEED_RESCHED", "set_need_resched_current()"},
    // P1-P3 run in rseq_slowpath_update_usr(); resume_user_mode_work() clears the TIF bit.
    FieldWriter{K::LoopNotifyResume, "rseq.event.sched_switch", "rseq_slowpath_update_usr()"},
    FieldWriter{K::LoopNotifyResume, "rseq.event.ids_changed", "rseq_slowpath_update_usr()"},
    FieldWriter{K::LoopNotifyResume, "rseq.event.slowpath", "rseq_slowpath_update_usr()"},
    FieldWriter{K::LoopNotifyResume, "rseq.event.fatal", "rseq_slowpath_update_usr()"},
    FieldWriter{K::LoopNotifyResume, "slow path sampled cpu", "rseq_slowpath_update_usr()"},
    FieldWriter{K::LoopSignal, "SIGSEGV pending", "force_sigsegv()"},
    FieldWriter{K::LoopSignal, "rseq_cs (ip in critical section)", "rseq_update_user_cs()"},
    FieldWriter{K::LoopSignal, "rseq->rseq_cs", "rseq_update_user_cs()"},
    FieldWriter{K::LoopSignal, "cs abort due (task mask)", "rseq_signal_deliver()"},
    FieldWriter{K::LoopSignal, "rseq.event.ids_changed", "rseq_force_update()"},
    FieldWriter{K::LoopSignal, "rseq.event.sched_switch", "rseq_force_update()"},
    FieldWriter{K::LoopSignal, "TIF_RSEQ", "rseq_force_update()"},
    // G6 with interrupts off.
    FieldWriter{K::GrantClearResched, "TIF_NEED_RESCHED", "clear_tsk_need_resched()"},
    FieldWriter{K::GrantClearResched, "TIF_NEED_RESCHED_LAZY", "clear_tsk_need_resched()"},
    FieldWriter{K::GrantClearResched, "PREEMPT_NEED_RESCHED", "clear_preempt_need_resched()"},
    FieldWriter{K::GrantClearFolded, "PREEMPT_NEED_RESCHED", "clear_preempt_need_resched()"},
    // Interrupts and remote events: the request, the wakeup, the flag.
    FieldWriter{K::IrqWakeup, "state", "try_to_wake_up()"},
    FieldWriter{K::IrqWakeup, "TIF_NEED_RESCHED", "resched_curr()"},
    FieldWriter{K::IrqWakeup, "TIF_NEED_RESCHED_LAZY", "resched_curr()"},
    FieldWriter{K::IrqWakeup, "PREEMPT_NEED_RESCHED", "resched_curr()"},
    FieldWriter{K::RemoteWakeup, "TIF_NEED_RESCHED", "resched_curr()"},
    FieldWriter{K::RemoteWakeup, "TIF_NEED_RESCHED_LAZY", "resched_curr()"},
    FieldWriter{K::RemoteWakeup, "scheduler IPI pending", "resched_curr()"},
    FieldWriter{K::TickPreemptFair, "TIF_NEED_RESCHED_LAZY", "resched_curr_lazy()"},
    FieldWriter{K::IrqTaskWork, "TIF_NOTIFY_RESUME", "set_notify_resume()"},
    FieldWriter{K::IrqSignal, "TIF_SIGPENDING", "set_tsk_thread_flag()"},
    FieldWriter{K::IpiMembarrier, "rseq.event.sched_switch", "rseq_sched_switch_event()"},
    FieldWriter{K::IpiMembarrier, "TIF_RSEQ", "rseq_sched_switch_event()"},
    FieldWriter{K::IpiMembarrier, "cs abort due (task mask)", "ipi_rseq()"},
    FieldWriter{K::IpiMembarrier, "rseq.event.ids_changed", "rseq_force_update()"},
    FieldWriter{K::IpiResched, "PREEMPT_NEED_RESCHED", "fold_need_resched()"},
    FieldWriter{K::Migrate, "rseq.event.ids_changed", "rseq_sched_set_ids_changed()"},
    // Kernel 7.1 (model/hrtimer_rearm.h): the hrtimer interrupts defer the rearm; the exit
    // prepare and the grant wrapper consume it.
    FieldWriter{K::IrqTick, "TIF_HRTIMER_REARM", "hrtimer_interrupt_rearm()"},
    FieldWriter{K::IrqTick, "hrtimer_cpu_base.deferred_rearm", "hrtimer_interrupt_rearm()"},
    FieldWriter{K::TickPreemptFair, "TIF_HRTIMER_REARM", "hrtimer_interrupt_rearm()"},
    FieldWriter{K::TickPreemptFair, "hrtimer_cpu_base.deferred_rearm", "hrtimer_interrupt_rearm()"},
    FieldWriter{K::SliceTimerFires, "TIF_HRTIMER_REARM", "hrtimer_interrupt_rearm()"},
    FieldWriter{K::SliceTimerFires, "hrtimer_cpu_base.deferred_rearm", "hrtimer_interrupt_rearm()"},
    FieldWriter{K::ExitPrepare, "TIF_HRTIMER_REARM", "hrtimer_rearm_deferred_user_irq()"},
    FieldWriter{K::ExitPrepare, "hrtimer_cpu_base.deferred_rearm", "__hrtimer_rearm_deferred()"},
    FieldWriter{K::GrantRearm, "TIF_HRTIMER_REARM", "hrtimer_rearm_deferred_tif()"},
    FieldWriter{K::GrantRearm, "hrtimer_cpu_base.deferred_rearm", "__hrtimer_rearm_deferred()"},
    FieldWriter{K::GrantRearm, "hrtimer_bases.lock held by task", "__hrtimer_rearm_deferred()"},
    // S4: the timer cancel and the reschedule request; the syscall's result and return.
    FieldWriter{K::SyscallSliceRevoke, "hrtimer armed", "rseq_cancel_slice_extension_timer()"},
    FieldWriter{K::SyscallSliceRevoke, "TIF_NEED_RESCHED", "set_need_resched_current()"},
    FieldWriter{K::SyscallSliceRevoke, "PREEMPT_NEED_RESCHED", "set_need_resched_current()"},
    FieldWriter{K::SyscallBody, "pc", "syscall_exit_to_user_mode()"},
};

/// What schedule() writes (model/sched.h): prev's request and state, the CPU's current task
/// and folded bit, the ghosts a schedule() ends; the next task's switch-in.
std::string schedule_writer(std::string_view field, FieldOwner owner) {
    if (owner == FieldOwner::Other)
        return "";
    if (field == "cs abort due (task mask)")
        return "context_switch()";  // the switch-in notes the section's abort as due (I8)
    if (owner == FieldOwner::Next) {
        if (field == "rseq.event.sched_switch" || field == "TIF_RSEQ")
            return "rseq_sched_switch_event()";
        return "context_switch()";
    }
    constexpr std::array<std::string_view, 10> scheduled{
        "TIF_HRTIMER_REARM",  // 7.1: hrtick_schedule_enter()/_exit() inside __schedule()
        "hrtimer_cpu_base.deferred_rearm",
        "state",
        "curr",
        "PREEMPT_NEED_RESCHED",
        "TIF_NEED_RESCHED",
        "TIF_NEED_RESCHED_LAZY",
        "reschedule erased by grant",
        "erased, grant not revoked",
        "yield not yet scheduled",
    };
    for (std::string_view f : scheduled) {
        if (f == field)
            return "__schedule()";
    }
    return "";
}

}  // namespace

std::span<const FieldWriter> field_writers() {
    return writers;
}

std::string first_function(std::string_view citation) {
    if (citation.starts_with("user space:"))
        return "user space";
    const std::size_t call = citation.find("()");
    if (call == std::string_view::npos)
        return std::string(citation);
    std::size_t start = call;
    while (start > 0 && (std::isalnum(static_cast<unsigned char>(citation[start - 1])) != 0 ||
                         citation[start - 1] == '_'))
        --start;
    return std::string(citation.substr(start, call + 2 - start));
}

std::string field_writer(const Action& a, std::string_view field, FieldOwner owner) {
    // schedule_idle() is the whole step; elsewhere a step that names its next task ran
    // schedule() last, so what schedule() writes is schedule()'s.
    if (a.next != no_task && a.kind != ActionKind::IdleSchedule) {
        std::string by = schedule_writer(field, owner);
        if (!by.empty())
            return by;
    }
    for (const FieldWriter& w : writers) {
        if (w.kind == a.kind && w.field == field)
            return std::string(w.function);
    }
    return first_function(action_kernel(a.kind));
}

}  // namespace rseqcheck
