/// \file
/// The scheduler as rseq sees it: resched requests (local, remote + IPI), schedule() and
/// context_switch() with rseq_sched_switch_event(), migration, the idle task picking work.
/// Kernel: kernel/sched/core.c (resched_curr(), __schedule(), context_switch(),
/// set_need_resched_current(), __set_task_cpu()), include/linux/rseq.h.
/// Spec: kernel-model-spec.md 3.10.
#pragma once

#include "model/hrtimer_rearm.h"
#include "model/transition.h"

namespace rseqcheck::sched {

/// include/linux/rseq.h:rseq_sched_switch_event(), called for `next` in context_switch()
/// and by the membarrier IPI: raise TIF_RSEQ when the task came from an interrupt or its
/// IDs changed (7.0 with GENERIC_IRQ_ENTRY, 39a16756). fix_switch_event_while_granted
/// (candidate patch for F2) also records the event for a task that holds a grant, so S4 of a
/// syscall preempted before it sees that the task was scheduled out.
inline void rseq_sched_switch_event(const Scenario& sc, State& s, TaskId t) {
    Task& task = s.task(t);
    // 7.0.y (b9eac6a9): a legacy (V1) registration gets the historical behaviour: every
    // switch-in records ids_changed and sched_switch, so its IDs are rewritten on the way out.
    if (!sc.rseq_v2(s, t)) {
        if (task.has_rseq) {
            task.ids_changed = 1;
            task.sched_switch = 1;
            task.set_tif(kabi::TIF_RSEQ);  // rseq_raise_notify_resume()
        }
        return;
    }
    const bool granted_switch =
        sc.variant.has(VariantSwitch::FixSwitchEventWhileGranted) && task.slice_granted;
    if (task.has_rseq && (task.user_irq || task.ids_changed || granted_switch)) {
        task.sched_switch = 1;
        task.set_tif(kabi::TIF_RSEQ);
    }
}

/// Ghost of I8 (spec 4): task t's interrupted user context is inside an rseq critical
/// section, it entered the kernel by an interrupt or exception (not a syscall: a syscall
/// inside a section is an ABI violation the kernel ignores), and it was just switched in,
/// hit by a membarrier RSEQ IPI or had a signal delivered: the section must be aborted
/// before the task resumes it. Only for a registered task: once unregistered (sys_rseq()
/// unregistration, exec) the kernel no longer knows of any section. Bookkeeping only; no
/// kernel field.
inline void note_cs_abort_due(State& s, TaskId t) {
    const Task& task = s.task(t);
    if (task.has_rseq && task.usr_in_cs && !task.from_syscall)
        s.task_ext(t).ghost_cs_abort_due = 1;
}

/// include/linux/rseq.h:rseq_force_update(): for a registered task, ids_changed and
/// sched_switch set, TIF_RSEQ raised, so the IDs (and a critical section) are handled on the way
/// out. 7.0.y (b9eac6a9) calls it for V1 tasks from signal delivery and the membarrier RSEQ IPI.
inline void rseq_force_update(State& s, TaskId t) {
    Task& task = s.task(t);
    if (!task.has_rseq)
        return;
    task.ids_changed = 1;
    task.sched_switch = 1;
    task.set_tif(kabi::TIF_RSEQ);
}

/// kernel/sched/core.c:set_need_resched_current() (c04507ac): TIF and folded bit, IRQs off.
inline void set_need_resched_current(State& s, CpuId c) {
    const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
    if (t == idle_task)
        return;
    s.task(t).set_tif(kabi::TIF_NEED_RESCHED);
    s.cpu(c).preempt_need_resched = 1;
}

/// kernel/sched/core.c:wakeup_preempt(): whether waking `woken` on `c` may, and whether it
/// must, ask the current task to reschedule. A higher class always preempts (an RT waiter
/// of a fair task); a lower or equal RT class never does; between two fair tasks EEVDF
/// decides by eligibility and deadline (kernel/sched/fair.c:check_preempt_wakeup_fair()),
/// which the model does not track: both outcomes are explored. The idle task always asks.
struct WakeupPreempt {
    bool may_preempt = true;
    bool may_decline = false;
};
inline WakeupPreempt wakeup_preempt(const Scenario& sc, const State& s, CpuId c, TaskId woken) {
    const TaskId curr = static_cast<TaskId>(s.cpu(c).curr);
    if (curr == idle_task)
        return {};
    const bool woken_rt = sc.tasks[woken].rt;
    const bool curr_rt = sc.tasks[curr].rt;
    if (curr_rt)
        return {.may_preempt = false, .may_decline = true};
    if (woken_rt)
        return {};
    return {.may_preempt = true, .may_decline = true};
}

/// kernel/sched/core.c:resched_curr() / resched_curr_lazy() -> __resched_curr() for a wakeup
/// on `c` that preempts. A fair wakeup under PREEMPT_LAZY or PREEMPT_RT asks lazily; an RT
/// wakeup or any wakeup on the other models asks for a full reschedule. A request already
/// pending (TIF_NEED_RESCHED, or the lazy bit for a lazy request) returns early: no second
/// IPI. Locally the folded bit follows a full request; remotely the scheduler IPI carries
/// it (fold_need_resched()).
inline void resched_curr(const Scenario& sc, State& s, CpuId c, TaskId woken, bool local) {
    const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
    if (t == idle_task)
        return;  // the idle task picks the woken task up (IdleSchedule)
    const bool lazy_model = sc.preempt == PreemptModel::Lazy || sc.preempt == PreemptModel::Rt;
    const bool lazy = lazy_model && !sc.tasks[woken].rt;
    const std::uint8_t tif = lazy ? kabi::TIF_NEED_RESCHED_LAZY : kabi::TIF_NEED_RESCHED;
    Task& curr = s.task(t);
    if (curr.tif_set(tif | kabi::TIF_NEED_RESCHED))
        return;
    curr.set_tif(tif);
    if (lazy)
        return;
    if (local) {
        s.cpu(c).preempt_need_resched = 1;
    } else {
        s.cpu(c).ipi_pending = 1;
    }
}

/// kernel/sched/core.c:context_switch(): `next` becomes current on `c`; after
/// mm_cid_switch_to(), rseq_sched_switch_event(next). The folded preempt bit is made to
/// follow the new task's TIF_NEED_RESCHED (it was cleared for prev by __schedule()).
inline void context_switch(const Scenario& sc, State& s, CpuId c, TaskId next) {
    Cpu& cpu = s.cpu(c);
    cpu.curr = next & 0x3U;
    Task& n = s.task(next);
    n.set_run(Run::Running);
    n.cpu = c & 0x3U;
    cpu.preempt_need_resched = n.tif_set(kabi::TIF_NEED_RESCHED) ? 1 : 0;
    rseq_sched_switch_event(sc, s, next);
    if (!n.in_user())
        note_cs_abort_due(s, next);
    if (n.slice_granted || n.usr_slice_granted)
        n.ghost_switched_since_grant = 1;
}

/// How the task calling schedule() leaves the CPU.
enum class Leave : std::uint8_t {
    Runnable,  ///< preempted: a runnable task that was waiting is picked over prev
    Yields,    ///< a yield: the scheduler may also pick prev again
    Blocks,    ///< blocks until an event the scenario does not bound (a page is read in)
    Sleeps,    ///< blocks until a wakeup of the scenario's budget
    Exits,     ///< do_exit()
};

/// Whether `t` may be picked over the others of `class_rt` (true: the RT class).
inline bool in_class(const Scenario& sc, TaskId t, bool class_rt) {
    return sc.tasks[t].rt == class_rt;
}

/// kernel/sched/core.c:schedule() -> __schedule(): clear prev's reschedule request and the
/// folded bit, pick the next task of this CPU's runqueue, switch. pick_next_task() takes the
/// highest class first: an RT task over a fair one. Within a class:
///   - a preempted prev (Leave::Runnable) gives way to a task that was waiting (the waiter's
///     claim: its wakeup is what asked for the reschedule; see docs/model.md);
///   - a yielding prev may be picked again (EEVDF picks by eligibility, which the model does
///     not track), and then __schedule() does no context_switch();
///   - a blocking prev always leaves: to another task, else to the idle task. A task that
///     blocks on a page (Leave::Blocks) is runnable again at once, since the wakeup of its
///     I/O is not an event the scenario bounds: the idle task, or the next schedule(),
///     picks it, and the load balancer may move it meanwhile (the wakeup's select_task_rq()).
/// `prev` resumes at `cont` when it next runs. Emits one successor per choice of next task.
template <class Emit>
void schedule(const Scenario& sc, State s, CpuId c, TaskId prev, Pc cont, Action a, Emit& emit,
              Leave leave = Leave::Runnable) {
    Task& p = s.task(prev);
    p.clear_tif(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY);
    s.cpu(c).preempt_need_resched = 0;
    hrtimer::schedule_rearm(sc, s, c, prev);  // 7.1: hrtick_schedule_enter()/_exit() (C5)
    s.cpu(c).ghost_resched_erased = 0;        // I12: a schedule() of the task ran
    s.cpu(c).ghost_erased_unrevoked = 0;
    s.cpu(c).ghost_yield_unscheduled = 0;
    p.set_pc(cont);
    const bool prev_stays = leave == Leave::Runnable || leave == Leave::Yields;
    bool any_rt = prev_stays && sc.tasks[prev].rt;
    bool any_other = false;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& cand = s.task(t);
        if (t == prev || cand.get_run() != Run::Runnable || cand.cpu != c)
            continue;
        any_rt = any_rt || sc.tasks[t].rt;
        any_other = true;
    }
    bool other_in_class = false;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& cand = s.task(t);
        if (t == prev || cand.get_run() != Run::Runnable || cand.cpu != c ||
            !in_class(sc, t, any_rt))
            continue;
        State next = s;
        Task& np = next.task(prev);
        np.set_run(leave == Leave::Sleeps  ? Run::Sleeping
                   : leave == Leave::Exits ? Run::Exited
                                           : Run::Runnable);
        context_switch(sc, next, c, t);
        a.next = t;
        emit(a, next);
        other_in_class = true;
    }
    const bool prev_in_class = prev_stays && in_class(sc, prev, any_rt);
    if (prev_in_class && (leave == Leave::Yields || !other_in_class)) {
        a.next = prev;  // prev == next: __schedule() does not call context_switch()
        emit(a, s);
        return;
    }
    if (any_other)
        return;
    p.set_run(leave == Leave::Sleeps  ? Run::Sleeping
              : leave == Leave::Exits ? Run::Exited
                                      : Run::Runnable);
    s.cpu(c).curr = idle_task;
    a.next = idle_task;
    emit(a, s);
}

/// Idle task on CPU c picks a runnable task (schedule_idle()).
struct IdleSchedule {
    static constexpr ActionKind kind = ActionKind::IdleSchedule;
    static constexpr std::string_view name = "schedule_idle";
    static constexpr std::string_view kernel = "kernel/sched/core.c:schedule_idle()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (CpuId c = 0; c < sc.cpus; ++c) {
            if (s.cpu(c).curr != idle_task)
                continue;
            bool any_rt = false;
            for (TaskId t = 0; t < sc.task_count(); ++t) {
                const Task& task = s.task(t);
                any_rt =
                    any_rt || (task.get_run() == Run::Runnable && task.cpu == c && sc.tasks[t].rt);
            }
            for (TaskId t = 0; t < sc.task_count(); ++t) {
                const Task& task = s.task(t);
                if (task.get_run() != Run::Runnable || task.cpu != c || !in_class(sc, t, any_rt))
                    continue;
                State n = s;
                n.cpu(c).ipi_pending = 0;
                context_switch(sc, n, c, t);
                emit(Action{kind, c, t, t, Fault::None}, n);
            }
        }
    }
};

/// A remote CPU wakes the waiter on `c`: resched_curr() sets the bit, the IPI follows, or
/// wakeup_preempt() declines and the waiter waits (for the tick, TickPreemptFair).
struct RemoteWakeup {
    static constexpr ActionKind kind = ActionKind::RemoteWakeup;
    static constexpr std::string_view name = "remote_wakeup";
    static constexpr std::string_view kernel =
        "kernel/sched/core.c:try_to_wake_up() -> resched_curr() (spec 3.10)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (sc.cpus < 2 || s.budget.wakeups == 0)
            return;
        for (TaskId w = 0; w < sc.task_count(); ++w) {
            if (s.task(w).get_run() != Run::Sleeping)
                continue;
            const CpuId c = static_cast<CpuId>(s.task(w).cpu);
            const CpuId from = c == 0 ? 1 : 0;  // any other CPU: they are alike here
            const WakeupPreempt choice = wakeup_preempt(sc, s, c, w);
            for (const bool preempt : {true, false}) {
                if (preempt ? !choice.may_preempt : !choice.may_decline)
                    continue;
                State n = s;
                n.budget.wakeups = (n.budget.wakeups - 1U) & 0x7U;
                n.task(w).set_run(Run::Runnable);
                if (preempt)
                    resched_curr(sc, n, c, w, /*local=*/false);
                emit(Action{kind, c, w, no_task, Fault::None, !preempt}.set_from_cpu(from), n);
            }
        }
    }
};

/// The load balancer moves a runnable (not running) task: __set_task_cpu() ->
/// rseq_sched_set_ids_changed().
struct Migrate {
    static constexpr ActionKind kind = ActionKind::Migrate;
    static constexpr std::string_view name = "migrate_task";
    static constexpr std::string_view kernel =
        "kernel/sched/core.c:__set_task_cpu() -> rseq_sched_set_ids_changed()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (s.budget.migrations == 0)
            return;
        for (TaskId t = 0; t < sc.task_count(); ++t) {
            const Task& task = s.task(t);
            if (task.get_run() != Run::Runnable)
                continue;
            for (CpuId c = 0; c < sc.cpus; ++c) {
                if (c == task.cpu)
                    continue;
                State n = s;
                n.budget.migrations = (n.budget.migrations - 1U) & 0x3U;
                n.task(t).cpu = c & 0x3U;
                n.task(t).ids_changed = 1;
                emit(Action{kind, c, t, no_task, Fault::None}.set_from_cpu(
                         static_cast<CpuId>(task.cpu)),
                     n);
            }
        }
    }
};

}  // namespace rseqcheck::sched
