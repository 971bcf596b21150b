/// \file
/// Kernel "7.1" only: the deferred hrtimer rearm (15dd3a94, 0e98eb14, 7e641e52, b0a44fa5).
/// An hrtimer interrupt no longer programs the clockevent: it leaves
/// hrtimer_cpu_base::deferred_rearm set and TIF_HRTIMER_REARM on the current task, and the
/// way out of the interrupt (or the next __schedule()) does the rearm. The helpers below are
/// the set and consume points; the grant wrapper's rearm is two transitions at the end.
/// Kernel: include/linux/hrtimer_rearm.h, kernel/time/hrtimer.c (hrtimer_interrupt(),
/// __hrtimer_rearm_deferred()), kernel/softirq.c:irq_enter_rcu(),
/// kernel/entry/common.c:irqentry_exit(), kernel/sched/core.c:__schedule().
/// Brief: /work/notes/hrtimer-rearm-brief.md (sections 1.1-1.4, C1-C6).
#pragma once

#include "model/kabi.h"
#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck::hrtimer {

/// Whether the scenario's kernel defers the rearm (CONFIG_HRTIMER_REARM_DEFERRED, default y
/// on every config that builds the slice extension with SCHED_HRTICK). Off on 7.0 and 7.0.y:
/// then no step below touches TIF_HRTIMER_REARM, deferred_rearm or the lock.
inline bool deferred(const Scenario& sc) {
    return sc.kernel == Kernel::Linux71;
}

/// Whether an hrtimer interrupt can come on CPU c now. Not while this CPU's task context
/// holds hrtimer_bases.lock (pre_ada54c2b only): hrtimer_interrupt() would spin on it for
/// ever, a hard lockup. I20b (hrtimer-lock-irqs-off) reports the state that allows it; the
/// model does not explore past it.
inline bool may_interrupt(const State& s, CpuId c) {
    return s.cpu(c).hrtimer_lock == 0;
}

/// kernel/time/hrtimer.c:__hrtimer_rearm_deferred() with interrupts off: if deferred_rearm
/// is set, program the clockevent and clear it (the lock is taken and dropped inside).
inline void rearm_deferred(State& s, CpuId c) {
    s.cpu(c).deferred_rearm = 0;
}

/// include/linux/hrtimer_rearm.h:hrtimer_rearm_deferred(), on the live thread flags of the
/// current task t: test-and-clear TIF_HRTIMER_REARM, then __hrtimer_rearm_deferred().
/// Called from kernel/softirq.c:irq_enter_rcu() (C1) and kernel/entry/common.c:irqentry_exit()
/// on a return to kernel (C6).
inline void rearm_deferred_live(State& s, CpuId c, TaskId t) {
    Task& task = s.task(t);
    if (!task.tif_set(kabi::TIF_HRTIMER_REARM))
        return;
    task.clear_tif(kabi::TIF_HRTIMER_REARM);
    rearm_deferred(s, c);
}

/// kernel/time/hrtimer.c:hrtimer_interrupt() -> hrtimer_interrupt_rearm(): on every hrtimer
/// interrupt (not only one that sets NEED_RESCHED: spec 6.4 says otherwise), the clockevent
/// is left unprogrammed and the current task t gets TIF_HRTIMER_REARM.
inline void interrupt_rearm(State& s, CpuId c, TaskId t) {
    s.cpu(c).deferred_rearm = 1;
    s.task(t).set_tif(kabi::TIF_HRTIMER_REARM);
}

/// kernel/sched/core.c:__schedule() -> hrtick_schedule_enter() (test-and-clear prev's
/// TIF_HRTIMER_REARM) and hrtick_schedule_exit() (__hrtimer_rearm_deferred() before the rq
/// unlock), both with interrupts off: schedule() is one step, so the pair is one effect (C5).
inline void schedule_rearm(const Scenario& sc, State& s, CpuId c, TaskId prev) {
    if (!deferred(sc))
        return;
    s.task(prev).clear_tif(kabi::TIF_HRTIMER_REARM);
    rearm_deferred(s, c);
}

/// include/linux/irq-entry-common.h:__exit_to_user_mode_prepare() with
/// include/linux/hrtimer_rearm.h:hrtimer_rearm_deferred_user_irq() (C3), interrupts off. An
/// interrupt or exception return uses EXIT_TO_USER_MODE_WORK_IRQ, a syscall return
/// EXIT_TO_USER_MODE_WORK (no TIF_HRTIMER_REARM). When the snapshot's reschedule-or-rearm
/// part is exactly TIF_HRTIMER_REARM, the live bit is cleared and the rearm done here; with
/// a reschedule bit it stays pending for the loop (the grant wrapper or schedule()). As read
/// in 15dd3a94 the snapshot keeps the bit (its removal uses the bit number, fixed by
/// 28fa9af3); it decides nothing: TIF_HRTIMER_REARM is in no loop or deny mask.
inline void rearm_deferred_user_irq(const Scenario& sc, State& s, CpuId c, TaskId t,
                                    std::uint8_t ti_work) {
    if (!deferred(sc))
        return;
    const std::uint8_t mask =
        s.task(t).from_syscall ? kabi::EXIT_TO_USER_MODE_WORK : kabi::EXIT_TO_USER_MODE_WORK_IRQ;
    if ((ti_work & mask & kabi::TIF_HRTIMER_REARM) == 0)
        return;
    if ((ti_work & kabi::TIF_REARM_MASK) != kabi::TIF_HRTIMER_REARM)
        return;
    s.task(t).clear_tif(kabi::TIF_HRTIMER_REARM);
    rearm_deferred(s, c);
}

}  // namespace rseqcheck::hrtimer
