/// \file
/// The per-CPU slice enforcement hrtimer: arming on the way out (A1/A2), expiry in hard-irq
/// context, and the abstract clock event "the grant's deadline has passed".
/// Kernel: include/linux/rseq_entry.h:rseq_arm_slice_extension_timer(),
/// kernel/rseq.c (__rseq_arm_slice_extension_timer(), rseq_slice_expired()).
/// Spec: kernel-model-spec.md 3.7, 3.8, 7.4.
#pragma once

#include "model/irq_entry.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::slice_timer {

/// rseq_arm_slice_extension_timer() for the current task t on c, IRQ-OFF. Returns true when
/// the deadline has already passed (A1: set_need_resched_current(), go around the loop).
/// A2: cookie := t, hrtimer_start() at the grant's absolute deadline (replacing any pending
/// expiry of this CPU's timer), and SYSCALL_RSEQ_SLICE so the next syscall revokes.
/// pre_0ac3b5c3 has no timer: nothing is armed and the deadline is never enforced; the
/// syscall work bit is still set, as the grant's syscall revocation predates the timer.
inline bool arm_slice_extension_timer(const Scenario& sc, State& s, TaskId t, CpuId c) {
    Task& task = s.task(t);
    if (!sc.slice_key || !task.slice_granted)
        return false;
    const bool syscall_work = !sc.variant.has(VariantSwitch::PreDd0a0460);
    if (sc.variant.has(VariantSwitch::Pre0ac3b5c3)) {
        if (syscall_work)
            task.syscall_work_rseq_slice = 1;
        return false;
    }
    if (task.slice_expired) {  // A1: expires < ktime_get_mono_fast_ns()
        sched::set_need_resched_current(s, c);
        return true;
    }
    Cpu& cpu = s.cpu(c);  // A2
    cpu.slice_timer_cookie = t & 0x3U;
    cpu.slice_timer_armed = 1;
    cpu.slice_timer_expires = task.slice_expires;
    if (syscall_work)
        task.syscall_work_rseq_slice = 1;
    return false;
}

/// Whether the armed timer of CPU c may fire now. A timer armed for the live grant of its
/// cookie task fires only once that grant's deadline has passed. A stale timer (its grant
/// revoked or replaced) may fire at any moment: its old deadline is unrelated to now
/// (spec 7.4, "premature expiry allowed").
inline bool timer_may_fire(const State& s, CpuId c) {
    const Cpu& cpu = s.cpu(c);
    if (!cpu.slice_timer_armed)
        return false;
    const Task& owner = s.task(static_cast<TaskId>(cpu.slice_timer_cookie));
    const bool live = owner.slice_granted && owner.slice_expires == cpu.slice_timer_expires;
    return !live || owner.slice_expired;
}

/// The hrtimer interrupt runs rseq_slice_expired(): if the cookie task is current and still
/// granted, set_need_resched_current(). Always HRTIMER_NORESTART.
struct SliceTimerFires {
    static constexpr ActionKind kind = ActionKind::SliceTimerFires;
    static constexpr std::string_view name = "rseq_slice_expired";
    static constexpr std::string_view kernel = "kernel/rseq.c:rseq_slice_expired() (spec 3.8)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (CpuId c = 0; c < sc.cpus; ++c) {
            // 7.1: a timer started while a rearm is pending is queued but not programmed
            // (hrtimer_reprogram() skips the device while deferred_rearm is set).
            if (!timer_may_fire(s, c) || !irq::irqs_on(sc, s, c) || s.cpu(c).deferred_rearm ||
                !hrtimer::may_interrupt(s, c))
                continue;
            irq::interrupt(
                sc, s, c, Action{kind, c, no_task, no_task, Fault::None},
                [&](State& n) {
                    Cpu& cpu = n.cpu(c);
                    cpu.slice_timer_armed = 0;
                    const TaskId curr = static_cast<TaskId>(cpu.curr);
                    const bool ours = cpu.slice_timer_cookie == curr && curr != idle_task &&
                                      n.task(curr).slice_granted;
                    if (curr != idle_task &&
                        (ours || sc.variant.has(VariantSwitch::MutTimerIgnoresCookie)))
                        sched::set_need_resched_current(n, c);
                },
                emit, /*hrtimer=*/true);
        }
    }
};

/// Time passes the live grant's deadline (slice.expires): the abstract clock event that
/// enables A1 and the timer for that grant.
struct SliceDeadlinePasses {
    static constexpr ActionKind kind = ActionKind::SliceDeadlinePasses;
    static constexpr std::string_view name = "slice_deadline_passes";
    static constexpr std::string_view kernel =
        "ktime_get_mono_fast_ns() passes rseq.slice.expires (abstract time, spec 5)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (TaskId t = 0; t < sc.task_count(); ++t) {
            const Task& task = s.task(t);
            if (!task.slice_granted || task.slice_expired)
                continue;
            State n = s;
            n.task(t).slice_expired = 1;
            emit(Action{kind, static_cast<CpuId>(task.cpu), t, no_task, Fault::None}, n);
        }
    }
};

}  // namespace rseqcheck::slice_timer
