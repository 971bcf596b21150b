/// \file
/// The scheduler as rseq sees it: resched requests (local, remote + IPI), schedule() and
/// context_switch() with rseq_sched_switch_event(), migration, the idle task picking work.
/// Kernel: kernel/sched/core.c (resched_curr(), __schedule(), context_switch(),
/// set_need_resched_current(), __set_task_cpu()), include/linux/rseq.h.
/// Spec: kernel-model-spec.md 3.10.
#pragma once

#include "model/transition.h"

namespace rseqcheck::sched {

/// include/linux/rseq.h:rseq_sched_switch_event(), called for `next` in context_switch()
/// and by the membarrier IPI: raise TIF_RSEQ when the task came from an interrupt or its
/// IDs changed (7.0 with GENERIC_IRQ_ENTRY, 39a16756).
inline void rseq_sched_switch_event(State& s, TaskId t) {
    Task& task = s.task(t);
    if (task.has_rseq && (task.user_irq || task.ids_changed)) {
        task.sched_switch = 1;
        task.set_tif(kabi::TIF_RSEQ);
    }
}

/// kernel/sched/core.c:set_need_resched_current() (c04507ac): TIF and folded bit, IRQs off.
inline void set_need_resched_current(State& s, CpuId c) {
    const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
    if (t == idle_task)
        return;
    s.task(t).set_tif(kabi::TIF_NEED_RESCHED);
    s.cpu(c).preempt_need_resched = 1;
}

/// kernel/sched/core.c:resched_curr() / resched_curr_lazy() for a wakeup of `woken` on `c`.
/// A fair wakeup under PREEMPT_LAZY or PREEMPT_RT asks lazily; an RT wakeup or any wakeup on
/// the other models asks for a full reschedule. Locally the folded bit follows a full
/// request; remotely the scheduler IPI carries it (fold_need_resched()).
inline void resched_curr(const Scenario& sc, State& s, CpuId c, TaskId woken, bool local) {
    const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
    if (t == idle_task)
        return;  // the idle task picks the woken task up (IdleSchedule)
    const bool lazy_model = sc.preempt == PreemptModel::Lazy || sc.preempt == PreemptModel::Rt;
    const bool lazy = lazy_model && !sc.tasks[woken].rt;
    if (lazy) {
        s.task(t).set_tif(kabi::TIF_NEED_RESCHED_LAZY);
        return;
    }
    s.task(t).set_tif(kabi::TIF_NEED_RESCHED);
    if (local) {
        s.cpu(c).preempt_need_resched = 1;
    } else {
        s.cpu(c).ipi_pending = 1;
    }
}

/// kernel/sched/core.c:context_switch(): `next` becomes current on `c`; after
/// mm_cid_switch_to(), rseq_sched_switch_event(next). The folded preempt bit is made to
/// follow the new task's TIF_NEED_RESCHED (it was cleared for prev by __schedule()).
inline void context_switch(State& s, CpuId c, TaskId next) {
    Cpu& cpu = s.cpu(c);
    cpu.curr = next & 0x3U;
    Task& n = s.task(next);
    n.set_run(Run::Running);
    n.cpu = c & 0x3U;
    cpu.preempt_need_resched = n.tif_set(kabi::TIF_NEED_RESCHED) ? 1 : 0;
    rseq_sched_switch_event(s, next);
    if (n.slice_granted || n.usr_slice_granted)
        n.ghost_switched_since_grant = 1;
}

/// How the task calling schedule() leaves the CPU.
enum class Leave : std::uint8_t { Runnable, Sleeps, Exits };

/// kernel/sched/core.c:schedule() -> __schedule(): clear prev's reschedule request and the
/// folded bit, pick the next task of this CPU's runqueue, switch. A runnable task that was
/// waiting is always preferred to prev (the waiter's claim; see docs/model.md); with no
/// other runnable task prev keeps the CPU and no context switch happens. `prev` resumes at
/// `cont` when it next runs. Emits one successor per choice of next task.
template <class Emit>
void schedule(const Scenario& sc, State s, CpuId c, TaskId prev, Pc cont, Action a, Emit& emit,
              Leave leave = Leave::Runnable) {
    Task& p = s.task(prev);
    p.clear_tif(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY);
    s.cpu(c).preempt_need_resched = 0;
    s.cpu(c).ghost_resched_erased = 0;  // I12: a schedule() of the task ran
    s.cpu(c).ghost_erased_unrevoked = 0;
    s.cpu(c).ghost_yield_unscheduled = 0;
    p.set_pc(cont);
    bool switched = false;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& cand = s.task(t);
        if (t == prev || cand.get_run() != Run::Runnable || cand.cpu != c)
            continue;
        State next = s;
        Task& np = next.task(prev);
        np.set_run(leave == Leave::Runnable
                       ? Run::Runnable
                       : (leave == Leave::Sleeps ? Run::Sleeping : Run::Exited));
        context_switch(next, c, t);
        a.next = t;
        emit(a, next);
        switched = true;
    }
    if (switched)
        return;
    if (leave == Leave::Runnable) {
        a.next = prev;  // prev == next: __schedule() does not call context_switch()
        emit(a, s);
        return;
    }
    p.set_run(leave == Leave::Sleeps ? Run::Sleeping : Run::Exited);
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
            for (TaskId t = 0; t < sc.task_count(); ++t) {
                const Task& task = s.task(t);
                if (task.get_run() != Run::Runnable || task.cpu != c)
                    continue;
                State n = s;
                n.cpu(c).ipi_pending = 0;
                context_switch(n, c, t);
                emit(Action{kind, c, t, 0, t, Fault::None}, n);
            }
        }
    }
};

/// A remote CPU wakes the waiter on `c`: resched_curr() sets the bit, the IPI follows.
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
            State n = s;
            n.budget.wakeups = (n.budget.wakeups - 1U) & 0x7U;
            n.task(w).set_run(Run::Runnable);
            resched_curr(sc, n, c, w, /*local=*/false);
            emit(Action{kind, c, w, from, no_task, Fault::None}, n);
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
                emit(Action{kind, c, t, static_cast<std::uint8_t>(task.cpu), no_task, Fault::None},
                     n);
            }
        }
    }
};

}  // namespace rseqcheck::sched
