/// \file
/// Interrupts and exceptions on a CPU: entry from user mode (rseq_note_user_irq_entry()),
/// the handler's effect, and the return either to user (the exit path runs next) or to
/// kernel mode, where a preemptible kernel may preempt (irqentry_exit_cond_resched()).
/// Kernel: kernel/entry/common.c (irqentry_enter(), irqentry_exit()),
/// include/linux/irq-entry-common.h, include/linux/rseq_entry.h:rseq_note_user_irq_entry().
/// Spec: kernel-model-spec.md 3.2, 3.4 I1, 3.10, 3.16.
#pragma once

#include "model/hrtimer_rearm.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::irq {

/// Whether an interrupt or exception entry from user mode records rseq.event.user_irq:
/// irqentry_enter_from_user_mode() -> rseq_note_user_irq_entry() (2fc0e4b4), on x86 and on
/// arm64 since 411c1cf4. pre_411c1cf4: arm64's own entry code
/// (arch/arm64/kernel/entry-common.c:enter_from_user_mode()) never called it.
inline bool records_user_irq(const Scenario& sc) {
    return !sc.variant.has(VariantSwitch::Pre411c1cf4);
}

/// One interrupt on CPU c, whose handler is `handler(State&)`: entry, handler, exit.
/// From user mode: rseq.event.user_irq := 1 and the task continues at the exit path
/// (irqentry_exit_to_user_mode()). From an IRQ-ON kernel section: user_irq untouched; on
/// PREEMPT_FULL/LAZY/RT a set TIF_NEED_RESCHED preempts the task (irqentry_exit() ->
/// raw_irqentry_exit_cond_resched() -> preempt_schedule_irq()); the lazy bit does not.
/// The whole interrupt runs with interrupts off, so it is one step.
/// Kernel "7.1" (model/hrtimer_rearm.h): irq_enter_rcu() first consumes a pending
/// TIF_HRTIMER_REARM of the interrupted task (C1); an hrtimer interrupt (`hrtimer`: the
/// tick, the slice timer) then sets it again with deferred_rearm; a return to kernel
/// consumes it in irqentry_exit() (C6) or in the preemption's __schedule() (C5), a return
/// to user leaves it to __exit_to_user_mode_prepare(). A task holding hrtimer_bases.lock
/// (GrantRearmLocked) is not preempted: a raw spinlock disables preemption.
template <class Handler, class Emit>
void interrupt(const Scenario& sc, const State& s, CpuId c, Action a, Handler&& handler, Emit& emit,
               bool hrtimer = false) {
    State n = s;
    const TaskId t = static_cast<TaskId>(n.cpu(c).curr);
    if (t == idle_task) {
        handler(n);  // 7.1: the idle task's rearm is set and consumed inside the interrupt
        emit(a, n);
        return;
    }
    Task& task = n.task(t);
    a.task = t;
    const bool rearm = hrtimer::deferred(sc);
    if (rearm)
        hrtimer::rearm_deferred_live(n, c, t);  // irq_enter_rcu() -> hrtimer_rearm_deferred()
    if (task.in_user()) {
        if (records_user_irq(sc))
            task.user_irq = 1;  // rseq_note_user_irq_entry()
        task.from_syscall = 0;
        handler(n);
        if (rearm && hrtimer)
            hrtimer::interrupt_rearm(n, c, t);  // hrtimer_interrupt_rearm()
        task.set_pc(Pc::ExitPrepare);
        emit(a, n);
        return;
    }
    handler(n);
    if (rearm && hrtimer)
        hrtimer::interrupt_rearm(n, c, t);
    // raw_irqentry_exit_cond_resched(): need_resched() is TIF_NEED_RESCHED, not the folded
    // bit, so a remote request whose scheduler IPI has not landed yet preempts here too.
    if (sc.preemptible() && task.tif_set(kabi::TIF_NEED_RESCHED) &&
        task.get_pc() != Pc::GrantRearmLocked) {
        sched::schedule(sc, n, c, t, task.get_pc(), a, emit);  // __schedule() rearms (C5)
        return;
    }
    if (rearm)
        hrtimer::rearm_deferred_live(n, c, t);  // irqentry_exit() -> hrtimer_rearm_deferred()
    emit(a, n);
}

/// Whether CPU c can take an interrupt now: idle, or its task is at an IRQ-ON point.
inline bool irqs_on(const Scenario& sc, const State& s, CpuId c) {
    const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
    if (t == idle_task)
        return true;
    if (t >= sc.task_count())
        return false;
    return irqs_enabled_at(s.task(t).get_pc());
}

inline bool curr_is_slice_user(const Scenario& sc, const State& s, CpuId c) {
    const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
    return t != idle_task && t < sc.task_count() && is_slice_user(sc, t);
}

/// A device interrupt on the waiter's CPU wakes it: try_to_wake_up() -> wakeup_preempt() ->
/// resched_curr(), or no request when wakeup_preempt() declines (sched::wakeup_preempt()).
struct IrqWakeup {
    static constexpr ActionKind kind = ActionKind::IrqWakeup;
    static constexpr std::string_view name = "irq_wakeup";
    static constexpr std::string_view kernel =
        "kernel/entry/common.c:irqentry_enter() + try_to_wake_up() -> resched_curr()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (s.budget.wakeups == 0)
            return;
        for (TaskId w = 0; w < sc.task_count(); ++w) {
            if (s.task(w).get_run() != Run::Sleeping)
                continue;
            const CpuId c = static_cast<CpuId>(s.task(w).cpu);
            if (!irqs_on(sc, s, c))
                continue;
            const sched::WakeupPreempt choice = sched::wakeup_preempt(sc, s, c, w);
            for (const bool preempt : {true, false}) {
                if (preempt ? !choice.may_preempt : !choice.may_decline)
                    continue;
                interrupt(
                    sc, s, c, Action{kind, c, no_task, no_task, Fault::None, !preempt}.set_woken(w),
                    [&](State& n) {
                        n.budget.wakeups = (n.budget.wakeups - 1U) & 0x7U;
                        n.task(w).set_run(Run::Runnable);
                        if (preempt)
                            sched::resched_curr(sc, n, c, w, /*local=*/true);
                    },
                    emit);
            }
        }
    }
};

/// The scheduler tick: upgrades a lazy reschedule request to a full one (PREEMPT_LAZY/RT);
/// otherwise a plain interrupt (it still sets user_irq and runs the exit path). In high-res
/// mode the tick is an hrtimer (tick_sched_timer()): on 7.1 it defers the rearm.
struct IrqTick {
    static constexpr ActionKind kind = ActionKind::IrqTick;
    static constexpr std::string_view name = "irq_tick";
    static constexpr std::string_view kernel =
        "kernel/sched/core.c:sched_tick() (lazy -> full NEED_RESCHED upgrade)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (s.budget.irqs == 0)
            return;
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (!irqs_on(sc, s, c) || s.cpu(c).curr == idle_task || !hrtimer::may_interrupt(s, c))
                continue;
            interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    n.budget.irqs = (n.budget.irqs - 1U) & 0x7U;
                    const TaskId t = static_cast<TaskId>(n.cpu(c).curr);
                    if (n.task(t).tif_set(kabi::TIF_NEED_RESCHED_LAZY))
                        sched::set_need_resched_current(n, c);
                },
                emit, /*hrtimer=*/true);
        }
    }
};

/// The scheduler tick that finds the current slice user's slice used up while another fair
/// task waits on its CPU: sched_tick() -> task_tick_fair() -> entity_tick() -> update_curr()
/// -> update_deadline() -> resched_curr_lazy(). It asks lazily where the preemption model
/// has the lazy bit (LAZY, RT), fully otherwise. It needs no budget: it is enabled only
/// while a fair task waits and no reschedule is pending, and it is weakly fair (a waiter is
/// never passed over for ever: EEVDF gives it the CPU once the current task's deadline has
/// passed). The timing layer bounds how long it may wait (Param::Tick). An RT task that
/// waits gets no such tick: a fair task's tick does not look at the RT class (update_curr()
/// reschedules only among the fair tasks), so it waits for the next reschedule of any kind.
/// The tick on a waiter in favour of the slice user is not modelled: the waiter may block at
/// any step (WaiterSleeps), which is the only thing the slice user waits for.
struct TickPreemptFair {
    static constexpr ActionKind kind = ActionKind::TickPreemptFair;
    static constexpr std::string_view name = "sched_tick_slice_used_up";
    static constexpr std::string_view kernel =
        "kernel/sched/fair.c:task_tick_fair() -> update_curr() -> resched_curr_lazy() "
        "(the current task's slice is used up)";

    /// Whether the tick that ends the current slice user's slice may come on CPU c.
    static bool enabled_on(const Scenario& sc, const State& s, CpuId c) {
        if (!irqs_on(sc, s, c) || !curr_is_slice_user(sc, s, c) || !hrtimer::may_interrupt(s, c))
            return false;
        const TaskId curr = static_cast<TaskId>(s.cpu(c).curr);
        if (sc.tasks[curr].rt ||
            s.task(curr).tif_set(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY))
            return false;
        return fair_task_waits_on(sc, s, c, curr);
    }

    /// Whether a fair task other than `curr` is runnable, not running, on CPU c.
    static bool fair_task_waits_on(const Scenario& sc, const State& s, CpuId c, TaskId curr) {
        for (TaskId t = 0; t < sc.task_count(); ++t) {
            const Task& w = s.task(t);
            if (t != curr && w.get_run() == Run::Runnable && w.cpu == c && !sc.tasks[t].rt)
                return true;
        }
        return false;
    }

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (!enabled_on(sc, s, c))
                continue;
            interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    const bool lazy =
                        sc.preempt == PreemptModel::Lazy || sc.preempt == PreemptModel::Rt;
                    if (lazy) {
                        n.task(static_cast<TaskId>(n.cpu(c).curr))
                            .set_tif(kabi::TIF_NEED_RESCHED_LAZY);
                    } else {
                        sched::set_need_resched_current(n, c);
                    }
                },
                emit, /*hrtimer=*/true);
        }
    }
};

/// An interrupt queues task_work for the current slice user: TIF_NOTIFY_RESUME.
struct IrqTaskWork {
    static constexpr ActionKind kind = ActionKind::IrqTaskWork;
    static constexpr std::string_view name = "irq_task_work";
    static constexpr std::string_view kernel =
        "kernel/task_work.c:task_work_add() -> set_notify_resume()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (s.budget.irqs == 0)
            return;
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (!irqs_on(sc, s, c) || !curr_is_slice_user(sc, s, c))
                continue;
            interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    n.budget.irqs = (n.budget.irqs - 1U) & 0x7U;
                    n.task(static_cast<TaskId>(n.cpu(c).curr)).set_tif(kabi::TIF_NOTIFY_RESUME);
                },
                emit);
        }
    }
};

/// A signal sent to the current slice user: TIF_SIGPENDING.
struct IrqSignal {
    static constexpr ActionKind kind = ActionKind::IrqSignal;
    static constexpr std::string_view name = "irq_signal";
    static constexpr std::string_view kernel =
        "kernel/signal.c:signal_wake_up() -> set_tsk_thread_flag(TIF_SIGPENDING)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (s.budget.signals == 0)
            return;
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (!irqs_on(sc, s, c) || !curr_is_slice_user(sc, s, c))
                continue;
            interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    n.budget.signals = (n.budget.signals - 1U) & 0x3U;
                    n.task(static_cast<TaskId>(n.cpu(c).curr)).set_tif(kabi::TIF_SIGPENDING);
                },
                emit);
        }
    }
};

/// membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED_RSEQ) IPI: ipi_rseq() ->
/// rseq_sched_switch_event(current). Hitting user mode, user_irq is set, so TIF_RSEQ is
/// raised and the exit runs O2 only: the fast path revokes a grant without a reschedule.
struct IpiMembarrier {
    static constexpr ActionKind kind = ActionKind::IpiMembarrier;
    static constexpr std::string_view name = "ipi_membarrier_rseq";
    static constexpr std::string_view kernel =
        "kernel/sched/membarrier.c:ipi_rseq() -> rseq_sched_switch_event() (spec 3.16)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (s.budget.membarriers == 0)
            return;
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (!irqs_on(sc, s, c) || !curr_is_slice_user(sc, s, c))
                continue;
            interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    n.budget.membarriers = (n.budget.membarriers - 1U) & 0x3U;
                    const TaskId curr = static_cast<TaskId>(n.cpu(c).curr);
                    sched::note_cs_abort_due(n, curr);
                    // 7.0.y (b9eac6a9): a V1 task gets rseq_force_update() instead
                    if (sc.rseq_v2(s, curr)) {
                        sched::rseq_sched_switch_event(sc, n, curr);
                    } else {
                        sched::rseq_force_update(n, curr);
                    }
                },
                emit);
        }
    }
};

/// The scheduler IPI after a remote resched_curr(): scheduler_ipi() -> fold_need_resched().
struct IpiResched {
    static constexpr ActionKind kind = ActionKind::IpiResched;
    static constexpr std::string_view name = "ipi_resched";
    static constexpr std::string_view kernel =
        "kernel/sched/core.c:scheduler_ipi() -> fold_need_resched()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (!s.cpu(c).ipi_pending || !irqs_on(sc, s, c))
                continue;
            interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    n.cpu(c).ipi_pending = 0;
                    const TaskId t = static_cast<TaskId>(n.cpu(c).curr);
                    if (t != idle_task && n.task(t).tif_set(kabi::TIF_NEED_RESCHED))
                        n.cpu(c).preempt_need_resched = 1;
                },
                emit);
        }
    }
};

/// An exception from user mode (U7: a page fault on user memory). It takes the interrupt
/// entry path, so user_irq is set; the fault handler may sleep (a schedule point).
struct UserException {
    static constexpr ActionKind kind = ActionKind::UserException;
    static constexpr std::string_view name = "exception_from_user";
    static constexpr std::string_view kernel =
        "arch/x86/mm/fault.c:exc_page_fault() -> irqentry_enter_from_user_mode() (spec 3.2)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (CpuId c = 0; c < sc.cpus; ++c) {
            const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
            if (t == idle_task || !is_slice_user(sc, t))
                continue;
            const Task& task = s.task(t);
            if (!task.in_user() || task.faults_left == 0)
                continue;
            State n = s;
            Task& nt = n.task(t);
            nt.faults_left = (nt.faults_left - 1U) & 0x3U;
            if (records_user_irq(sc))
                nt.user_irq = 1;  // rseq_note_user_irq_entry()
            nt.from_syscall = 0;
            nt.set_pc(Pc::ExitPrepare);
            emit(Action{kind, c, t, no_task, Fault::None}, n);
            // handle_mm_fault() slept on I/O: the task blocks, with user_irq == 1
            Action slept{kind, c, t, no_task, Fault::Resolved};
            sched::schedule(sc, n, c, t, Pc::ExitPrepare, slept, emit, sched::Leave::Blocks);
        }
    }
};

}  // namespace rseqcheck::irq
