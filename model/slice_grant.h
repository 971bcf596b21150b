/// \file
/// The slice extension grant on the exit path: rseq_grant_slice_extension() G2-G7, split
/// where interrupts can land: the user access (G2-G5, faultable), the IRQ-ON stores of G6,
/// and the IRQ-OFF clear of the reschedule request.
/// Kernel: include/linux/rseq_entry.h:rseq_grant_slice_extension(), rseq_slice_clear_grant().
/// Spec: kernel-model-spec.md 3.5, 7.1, 7.9, 7.12.
#pragma once

#include "model/exit_to_user_mode.h"
#include "model/fault.h"
#include "model/hrtimer_rearm.h"
#include "model/input_error.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::grant {

/// TIF_SLICE_EXT_DENY for the scenario's preemption model (spec 2.2).
inline std::uint8_t deny_mask(const Scenario& sc) {
    const bool rt =
        sc.preempt == PreemptModel::Rt && !sc.variant.has(VariantSwitch::MutRtFullGrantable);
    return rt ? kabi::TIF_SLICE_EXT_DENY_RT : kabi::TIF_SLICE_EXT_DENY;
}

/// Where a grant goes after G6's guard: on 7.1 with TIF_HRTIMER_REARM in the loop's snapshot,
/// to the wrapper's rearm (GrantRearm, include/linux/rseq_entry.h:rseq_grant_slice_extension()
/// -> hrtimer_rearm_deferred_tif()); without it that call does nothing, and the loop goes on.
inline Pc after_grant(const Scenario& sc, const Task& task) {
    if (hrtimer::deferred(sc) && (task.ti_work & kabi::TIF_HRTIMER_REARM) != 0)
        return Pc::GrantRearm;
    return next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterResched);
}

/// G2-G5 in one user-access region. G3: other work pending or a grant already live: write
/// slice_ctrl := 0, clear the grant, return false (schedule()). G4: no request: false. G5:
/// write back request := 0, granted := 1 (reserved bytes as read); the user now sees the
/// grant. A fault may sleep and retry; an unresolvable one is G7: SIGSEGV, schedule().
struct GrantUserAccess {
    static constexpr ActionKind kind = ActionKind::GrantUserAccess;
    static constexpr std::string_view name = "rseq_grant_slice_extension";
    static constexpr std::string_view kernel =
        "include/linux/rseq_entry.h:rseq_grant_slice_extension() G2-G5, G7 (spec 3.5)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::GrantUserAccess, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterResched);
            fault::for_each_outcome(task, /*can_sleep=*/true, [&](Fault f) {
                State n = s;
                Task& nt = n.task(t);
                Action a{kind, c, t, no_task, f};
                if (f == Fault::Resolved) {  // handle_mm_fault() slept: the task blocked
                    fault::consume(nt);
                    sched::schedule(sc, n, c, t, Pc::GrantUserAccess, a, emit,
                                    sched::Leave::Blocks);
                    return;
                }
                if (f == Fault::Unresolvable) {  // G7
                    fault::consume(nt);
                    fault::force_sigsegv(nt);
                    a.set_branch(Branch::Sigsegv);
                    sched::schedule(sc, n, c, t, after, a, emit);
                    return;
                }
                bool work_pending = (nt.ti_work & deny_mask(sc)) != 0;
                if (sc.variant.has(VariantSwitch::MutGrantIgnoresDeny))
                    work_pending = false;
                if (work_pending || nt.slice_granted) {  // G3: revoke
                    nt.usr_slice_request = 0;
                    nt.usr_slice_granted = 0;
                    nt.usr_slice_reserved = 0;
                    nt.kwrite_request = 0;
                    nt.kwrite_granted = 0;
                    nt.slice_granted = 0;  // rseq_slice_clear_grant()
                    nt.ghost_switched_since_grant = 0;
                    n.task_ext(t).ghost_dispatched_since_grant = 0;
                    a.set_branch(Branch::Revoke);
                    sched::schedule(sc, n, c, t, after, a, emit);
                    return;
                }
                if (!nt.usr_slice_request) {  // G4
                    a.set_branch(Branch::NoRequest);
                    sched::schedule(sc, n, c, t, after, a, emit);
                    return;
                }
                nt.usr_slice_request = 0;  // G5
                nt.usr_slice_granted = 1;
                nt.kwrite_request = 0;
                nt.kwrite_granted = 1;
                nt.ghost_switched_since_grant = 0;
                n.task_ext(t).ghost_dispatched_since_grant = 0;
                nt.set_pc(Pc::GrantCommit);
                emit(a, n);
            });
        });
    }
};

/// G6, IRQ-ON part: s_granted++, granted := 1, expires := now + rseq_slice_ext_nsecs
/// (a fresh abstract deadline). A preemption before it is the 7.9 case: O2 later clears both
/// views. Interrupts stay on after it until the scoped_guard(irq) of GrantClearResched, so
/// an interrupt there sees the new grant (a stale slice timer, spec 7.4; a wakeup; a
/// membarrier IPI).
struct GrantCommit {
    static constexpr ActionKind kind = ActionKind::GrantCommit;
    static constexpr std::string_view name = "rseq_grant_slice_extension_commit";
    static constexpr std::string_view kernel =
        "include/linux/rseq_entry.h:rseq_grant_slice_extension() G6 (spec 3.5)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::GrantCommit, [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            task.slice_granted = 1;
            task.slice_expires = (task.slice_expires + 1U) & 0x3U;
            task.slice_expired = 0;
            // The abstract deadline is a 2-bit generation: a new grant must not alias a
            // timer still queued for an older grant of this task (docs/model.md, item 5).
            for (CpuId other = 0; other < sc.cpus; ++other) {
                const Cpu& cpu = n.cpu(other);
                RSEQCHECK_CHECK(!(cpu.slice_timer_armed && cpu.slice_timer_cookie == t &&
                                  cpu.slice_timer_expires == task.slice_expires),
                                "slice deadline generation wrapped onto a queued timer; the "
                                "scenario allows too many grants for the 2-bit generation");
            }
            if (sc.variant.has(VariantSwitch::MutGrantForcesRseqUpdate)) {
                task.sched_switch = 1;  // as rseq_force_update() without ids_changed
                task.set_tif(kabi::TIF_RSEQ);
            }
            task.set_pc(Pc::GrantClearResched);
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// G6, IRQ-OFF part: clear_tsk_need_resched() (both bits) and clear_preempt_need_resched()
/// under one interrupt guard, then the grant returns true and schedule() is skipped. A
/// NEED_RESCHED raised since the loop's snapshot is erased here on purpose; the timer is
/// the safety net (spec 7.1). The task waits for this step with interrupts on (the guard
/// is the step), and after it the loop body goes on with interrupts on (LoopEnd or the next
/// work item). mut_no_irq_guard_clear does the two clears with interrupts on.
///
///     CPU0 (mut_no_irq_guard_clear)      interrupt on CPU0
///     clear_tsk_need_resched()
///                                         wakeup: TIF_NEED_RESCHED + folded bit
///     clear_preempt_need_resched()
///     -> TIF_NEED_RESCHED set, folded bit clear: preemption misses the request
struct GrantClearResched {
    static constexpr ActionKind kind = ActionKind::GrantClearResched;
    static constexpr std::string_view name = "grant_clear_resched";
    static constexpr std::string_view kernel =
        "include/linux/rseq_entry.h:rseq_grant_slice_extension() G6 irq-off "
        "(clear_tsk_need_resched(), clear_preempt_need_resched())";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::GrantClearResched, [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterResched);
            // fix_grant_denies_after_switch (candidate patch for F4): under the guard, a
            // switch or membarrier event since the loop's snapshot (TIF_RSEQ or
            // rseq.event.sched_switch) denies: rseq_slice_clear_grant(), the request is kept,
            // and the grant returns false, so the exit loop calls schedule(). The user word
            // still says granted until the fast path after the switch clears it.
            if (sc.variant.has(VariantSwitch::FixGrantDeniesAfterSwitch) &&
                (task.tif_set(kabi::TIF_RSEQ) || task.sched_switch)) {
                task.slice_granted = 0;
                Action a{kind, c, t, no_task, Fault::None};
                a.set_branch(Branch::Deny);
                sched::schedule(sc, n, c, t, after, a, emit);
                return;
            }
            if (task.tif_set(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY) ||
                n.cpu(c).preempt_need_resched) {
                n.cpu(c).ghost_resched_erased = 1;
                n.cpu(c).ghost_erased_unrevoked = 1;
            }
            task.clear_tif(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY);
            if (sc.variant.has(VariantSwitch::MutNoIrqGuardClear)) {
                task.set_pc(Pc::GrantClearFolded);
            } else {
                n.cpu(c).preempt_need_resched = 0;
                task.set_pc(after_grant(sc, task));
            }
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// mut_no_irq_guard_clear only: the folded-bit clear, after an interrupts-on gap.
struct GrantClearFolded {
    static constexpr ActionKind kind = ActionKind::GrantClearFolded;
    static constexpr std::string_view name = "grant_clear_preempt_need_resched";
    static constexpr std::string_view kernel =
        "include/linux/rseq_entry.h:rseq_grant_slice_extension() G6 "
        "(clear_preempt_need_resched(), mutated)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::GrantClearFolded, [&](TaskId t, CpuId c) {
            State n = s;
            n.cpu(c).preempt_need_resched = 0;
            Task& task = n.task(t);
            task.set_pc(after_grant(sc, task));
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// Kernel "7.1": the grant wrapper's rearm after G6 returned true (C4). The task waits for
/// it with interrupts on: G6's guard has ended. hrtimer_rearm_deferred_tif() tests the
/// loop's snapshot, clears the live TIF_HRTIMER_REARM and calls __hrtimer_rearm_deferred(),
/// which returns at once when deferred_rearm is clear (an interrupt since the snapshot
/// consumed the rearm in irq_enter_rcu(), or a preemption in __schedule()). Otherwise:
///   - with ada54c2b (the default 7.1): the rearm runs with interrupts off, one step;
///   - pre_ada54c2b: it takes hrtimer_bases.lock with a plain raw_spin_lock, interrupts on
///     (GrantRearmLocked); an hrtimer interrupt on this CPU then spins on the lock its own
///     CPU holds: a hard lockup (I20b).
/// mut_grant_skips_rearm: no call at all; the rearm stays pending into user mode (I20a).
///
///     CPU0 (pre_ada54c2b)                       hrtimer interrupt on CPU0
///     G6 guard ends; raw_spin_lock(base lock)
///                                               hrtimer_interrupt(): raw_spin_lock_irqsave()
///                                               spins for ever on CPU0's own lock
struct GrantRearm {
    static constexpr ActionKind kind = ActionKind::GrantRearm;
    static constexpr std::string_view name = "hrtimer_rearm_deferred_tif";
    static constexpr std::string_view kernel =
        "include/linux/rseq_entry.h:rseq_grant_slice_extension() -> "
        "include/linux/hrtimer_rearm.h:hrtimer_rearm_deferred_tif() -> "
        "kernel/time/hrtimer.c:__hrtimer_rearm_deferred() (7.1, C4)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::GrantRearm, [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterResched);
            const Action a{kind, c, t, no_task, Fault::None};
            task.set_pc(after);
            if (sc.variant.has(VariantSwitch::MutGrantSkipsRearm)) {
                emit(a, n);
                return;
            }
            task.clear_tif(kabi::TIF_HRTIMER_REARM);  // the snapshot had it (after_grant())
            if (n.cpu(c).deferred_rearm != 0 && sc.variant.has(VariantSwitch::PreAda54c2b)) {
                n.cpu(c).hrtimer_lock = 1;  // raw_spin_lock(): preemption off, interrupts on
                task.set_pc(Pc::GrantRearmLocked);
                emit(a, n);
                return;
            }
            hrtimer::rearm_deferred(n, c);
            emit(a, n);
        });
    }
};

/// pre_ada54c2b only: the rest of __hrtimer_rearm_deferred() under the lock taken with
/// interrupts on: hrtimer_rearm() programs the clockevent and clears deferred_rearm, then
/// the unlock; the loop goes on.
struct GrantRearmUnlock {
    static constexpr ActionKind kind = ActionKind::GrantRearmUnlock;
    static constexpr std::string_view name = "hrtimer_rearm_unlock";
    static constexpr std::string_view kernel =
        "kernel/time/hrtimer.c:__hrtimer_rearm_deferred() (hrtimer_rearm(), then "
        "raw_spin_unlock(); pre_ada54c2b)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::GrantRearmLocked, [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            hrtimer::rearm_deferred(n, c);
            n.cpu(c).hrtimer_lock = 0;
            task.set_pc(
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterResched));
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

}  // namespace rseqcheck::grant
