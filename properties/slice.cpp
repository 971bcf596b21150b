#include "properties/slice.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "model/hrtimer_rearm.h"
#include "model/kabi.h"
#include "model/transition.h"

namespace rseqcheck::properties {

namespace {

/// A registered slice user that runs in user mode.
bool slice_user_in_user(const Scenario& sc, const State& s, TaskId t) {
    const Task& task = s.task(t);
    return is_slice_user(sc, t) && task.has_rseq && task.in_user() && task.running();
}

template <class F>
bool all_slice_users_in_user(const Scenario& sc, const State& s, F&& claim) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (slice_user_in_user(sc, s, t) && !claim(s.task(t), t))
            return false;
    }
    return true;
}

template <class F>
bool any_slice_user_in_user(const Scenario& sc, const State& s, F&& what) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (slice_user_in_user(sc, s, t) && what(s.task(t)))
            return true;
    }
    return false;
}

/// TIF_SLICE_EXT_SCHED / _DENY as the fixed 7.0 kernel defines them for this model.
std::uint8_t correct_sched_mask(const Scenario& sc) {
    return sc.preempt == PreemptModel::Rt ? kabi::TIF_SLICE_EXT_SCHED_RT
                                          : kabi::TIF_SLICE_EXT_SCHED;
}
std::uint8_t correct_deny_mask(const Scenario& sc) {
    return sc.preempt == PreemptModel::Rt ? kabi::TIF_SLICE_EXT_DENY_RT : kabi::TIF_SLICE_EXT_DENY;
}

bool timer_live_for(const State& s, TaskId t) {
    const Task& task = s.task(t);
    const Cpu& cpu = s.cpu(static_cast<CpuId>(task.cpu));
    return cpu.slice_timer_armed && cpu.slice_timer_cookie == t &&
           cpu.slice_timer_expires == task.slice_expires;
}

bool some_slice_user_in_user_mode(const Scenario& sc, const State& s) {
    return any_slice_user_in_user(sc, s, [](const Task&) { return true; });
}

bool some_grant_in_user_mode(const Scenario& sc, const State& s) {
    return any_slice_user_in_user(sc, s, [](const Task& t) { return t.slice_granted != 0; });
}

bool some_expired_grant_in_user_mode(const Scenario& sc, const State& s) {
    return any_slice_user_in_user(
        sc, s, [](const Task& t) { return t.slice_granted != 0 && t.slice_expired != 0; });
}

// I1 as worded: a grant that survives to user mode was not followed by a context switch into
// the task (7ee58f98: the switch-in raises TIF_RSEQ and O2 clears both views). The probe of
// finding F6 (a grant that survived a syscall diverted by Syscall User Dispatch).
bool no_stale_grant_after_switch_strict(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [](const Task& t, TaskId) {
        return !t.slice_granted || !t.ghost_switched_since_grant;
    });
}

// I1 with the exception the spec lists as its "known exception candidate" (finding F6): a
// grant that survived a syscall which syscall_user_dispatch() diverted before
// rseq_syscall_enter_work() could revoke it.
bool no_stale_grant_after_switch(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [&](const Task& t, TaskId id) {
        return !t.slice_granted || !t.ghost_switched_since_grant ||
               s.task_ext(id).ghost_dispatched_since_grant;
    });
}

// I8: a critical section interrupted from user mode is aborted before the task resumes it,
// when the task was switched in, hit by a membarrier RSEQ IPI or had a signal delivered since
// (2fc0e4b4 records the interrupt that makes the switch-in raise TIF_RSEQ; 411c1cf4 for
// arm64). The ghost mask marks the tasks whose section is due for an abort.
bool cs_aborted_when_due(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& task = s.task(t);
        if (task.in_user() && task.running() && task.usr_in_cs &&
            s.task_ext(t).ghost_cs_abort_due != 0)
            return false;
    }
    return true;
}

bool some_cs_abort_due(const Scenario&, const State& s) {
    for (TaskId t = 0; t < max_tasks; ++t) {
        if (s.task_ext(t).ghost_cs_abort_due != 0)
            return true;
    }
    return false;
}

// model-part2 area 1 (3.4) and area 4 / 82f57244 (4.4, 6.3): transition properties of the
// section evaluation and the ID check.

/// The user's own steps that move rseq_cs or the IP (enter, commit, U8 writes): not kernel
/// decisions, so the section properties below do not constrain them.
bool user_cs_step(ActionKind k) {
    return k == ActionKind::UserEnterRseqCs || k == ActionKind::UserCommitRseqCs ||
           k == ActionKind::UserWriteRseqFields;
}

/// Calls f(task) for each task a kernel step takes out of a critical section (usr_in_cs
/// 1 -> 0), until f returns false; returns whether it always returned true.
template <class F>
bool each_cs_left_by_kernel(const Scenario& sc, const State& s, const Action& a, const State& t,
                            F&& f) {
    if (user_cs_step(a.kind))
        return true;
    for (TaskId x = 0; x < sc.task_count(); ++x) {
        if (s.task(x).usr_in_cs && !t.task(x).usr_in_cs && !f(x))
            return false;
    }
    return true;
}

// I8, second half: a section interrupted from user mode is left alone unless an abort is
// due (a switch-in, a membarrier RSEQ IPI): a grant without a switch keeps it. Signal
// delivery sets and settles the ghost in one step. A syscall made inside a section is an
// ABI violation whose fate the ghost does not describe: not constrained.
bool kernel_leaves_cs_after_irq(const Scenario& sc, const State& s, const Action& a,
                                const State& t) {
    return !each_cs_left_by_kernel(sc, s, a, t, [&](TaskId x) { return s.task(x).from_syscall; });
}

bool cs_unchanged_unless_due(const Scenario& sc, const State& s, const Action& a, const State& t) {
    return each_cs_left_by_kernel(sc, s, a, t, [&](TaskId x) {
        return s.task(x).from_syscall || s.task_ext(x).ghost_cs_abort_due != 0 ||
               a.kind == ActionKind::LoopSignal;
    });
}

// I10 / spec 3.12: a kernel step aborts a section (IP to abort_ip, rseq_cs := 0) only for a
// descriptor whose abort_ip passed the checks: Valid, or DebugOnlyBad in production.
bool kernel_aborts_cs(const Scenario& sc, const State& s, const Action& a, const State& t) {
    return !each_cs_left_by_kernel(
        sc, s, a, t, [&](TaskId x) { return t.task_ext(x).get_rseq_cs() != RseqCs::Null; });
}

bool cs_abort_needs_signature(const Scenario& sc, const State& s, const Action& a, const State& t) {
    return each_cs_left_by_kernel(sc, s, a, t, [&](TaskId x) {
        if (t.task_ext(x).get_rseq_cs() != RseqCs::Null)
            return true;
        const RseqCs cs = s.task_ext(x).get_rseq_cs();
        return cs == RseqCs::Valid || (cs == RseqCs::DebugOnlyBad && !sc.debug_key);
    });
}

/// Whether evaluating task x's section in state s must kill it (spec 3.12, D5): rseq_cs at
/// or above TASK_SIZE whatever the IP; with the IP inside a bad abort_ip or signature; with
/// the debug key also DebugOnlyBad or an entry that was not an interrupt from user mode.
bool cs_invalid_for_evaluation(const Scenario& sc, const State& s, TaskId x) {
    const RseqCs cs = s.task_ext(x).get_rseq_cs();
    if (cs == RseqCs::KernelAddr)
        return true;
    if (cs == RseqCs::Null || !s.task(x).usr_in_cs)
        return false;
    return cs == RseqCs::BadAbort ||
           (sc.debug_key && (cs == RseqCs::DebugOnlyBad || !s.task(x).user_irq));
}

/// The steps that evaluate a section: the exit fast path, the slow path's P4, signal
/// delivery and the debug syscall return (syscall_body).
bool evaluates_cs(ActionKind k) {
    return k == ActionKind::ExitRestart || k == ActionKind::SlowpathUpdate ||
           k == ActionKind::LoopSignal || k == ActionKind::SyscallBody;
}

// A step that evaluated an invalid section, seen by its outcome: rseq_cs changed, or
// event.fatal or SIGSEGV newly set.
bool invalid_cs_evaluated(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!evaluates_cs(a.kind) || a.task == no_task || !cs_invalid_for_evaluation(sc, s, a.task))
        return false;
    const Task& before = s.task(a.task);
    const Task& after = t.task(a.task);
    return t.task_ext(a.task).usr_rseq_cs != s.task_ext(a.task).usr_rseq_cs ||
           (after.fatal && !before.fatal) || (after.sigsegv && !before.sigsegv);
}

bool cs_invalid_kills(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!invalid_cs_evaluated(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    return t.task_ext(a.task).usr_rseq_cs == s.task_ext(a.task).usr_rseq_cs &&
           (after.fatal || after.sigsegv);
}

/// Whether the kernel promises to check task x's user IDs before writing them: with the
/// debug key on every kernel (rseq_debug_validate_ids()), and for a V2 registration on the
/// kernels that carry 82f57244 (read-only ABI enforcement).
bool ids_read_only(const Scenario& sc, const State& s, TaskId x) {
    return sc.debug_key || (sc.kernel != Kernel::Linux70 && sc.rseq_v2(s, x));
}

bool user_ids_modified(const Task& task) {
    return task.usr_cpu_id_start != task.ids_cpu_id || task.usr_cpu_id != task.usr_cpu_id_start;
}

// I10 (82f57244, D12): an ID write (F2 of the fast path, P4 of the slow path) that starts
// from user IDs differing from the cache.
bool id_write_over_modified_ids(const Scenario& sc, const State& s, const Action& a, const State&) {
    if (a.task == no_task || a.fault != Fault::None || !ids_read_only(sc, s, a.task))
        return false;
    const Task& task = s.task(a.task);
    if (!user_ids_modified(task))
        return false;
    if (a.kind == ActionKind::SlowpathUpdate)
        return true;
    return a.kind == ActionKind::ExitRestart && (task.ti_work & kabi::TIF_RSEQ) != 0 &&
           task.sched_switch && task.ids_changed;
}

bool ro_ids_enforced(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!id_write_over_modified_ids(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    return after.fatal || after.sigsegv;
}

// I20a (kernel 7.1): a task runs in user mode only with its CPU's clockevent programmed: no
// TIF_HRTIMER_REARM left on it and no deferred_rearm on its CPU. Every hrtimer interrupt
// defers the rearm; the way back to user must do it (15dd3a94, 0e98eb14; the grant skips
// schedule(), so its wrapper must rearm).
bool hrtimer_rearmed_in_user(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& task = s.task(t);
        if (!task.in_user() || !task.running())
            continue;
        if (task.tif_set(kabi::TIF_HRTIMER_REARM) || s.cpu(s.cpu_of(t)).deferred_rearm != 0)
            return false;
    }
    return true;
}

// Applicability (Property::applies): what a scenario needs to exercise a property at all.
bool on_kernel_71(const Scenario& sc) {
    return hrtimer::deferred(sc);
}

bool some_task_may_be_in_a_section(const Scenario& sc) {
    return std::any_of(sc.tasks.begin(), sc.tasks.end(),
                       [](const TaskConfig& t) { return t.cs_user || t.in_critical_section; });
}

/// An invalid descriptor can be stored only by the adversarial user (adversarial_fields).
bool invalid_sections_possible(const Scenario& sc) {
    return sc.adversarial_fields && some_task_may_be_in_a_section(sc);
}

/// ro-ids-enforced: some user writes the ID fields (write_rseq_fields) and the kernel
/// promises to check them for some task: with the debug key, or on a kernel with 82f57244
/// for a V2 registration (not on 7.0 without the debug key: c17ee635 has no such check).
bool read_only_ids_checkable(const Scenario& sc) {
    if (!sc.write_rseq_fields)
        return false;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        // the ABI the task registers with (TaskConfig::abi) decides whether it is V2
        const bool v2 = sc.kernel == Kernel::Linux70 || sc.tasks[t].abi == RseqAbi::V2;
        if (sc.tasks[t].cs_user && (sc.debug_key || (sc.kernel != Kernel::Linux70 && v2)))
            return true;
    }
    return false;
}

bool some_task_in_user_on_71(const Scenario& sc, const State& s) {
    if (!hrtimer::deferred(sc))
        return false;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).in_user() && s.task(t).running())
            return true;
    }
    return false;
}

// I20b (kernel 7.1): hrtimer_bases.lock is never held by task context with interrupts on.
// hrtimer_interrupt() takes it from hard-irq context, so an hrtimer interrupt on the CPU
// that holds it would spin for ever: a hard lockup (ada54c2b).
bool hrtimer_lock_irqs_off(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        if (s.cpu(c).hrtimer_lock == 0)
            continue;
        const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
        if (t == idle_task || irqs_enabled_at(s.task(t).get_pc()))
            return false;
    }
    return true;
}

// The premise: a grant is about to do the deferred rearm (the wrapper with deferred_rearm
// set), or the lock is held.
bool some_grant_rearm_pending(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        if (s.cpu(c).hrtimer_lock != 0)
            return true;
        const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
        if (t != idle_task && t < sc.task_count() && s.cpu(c).deferred_rearm != 0 &&
            s.task(t).get_pc() == Pc::GrantRearm)
            return true;
    }
    return false;
}

// I2: the kernel's last slice_ctrl write agrees with its grant flag in user mode.
bool views_agree_in_user_mode(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [](const Task& t, TaskId) {
        if (t.kwrite_granted != t.slice_granted)
            return false;
        return !t.slice_granted || !t.kwrite_request;
    });
}

// I3: a live grant in user mode has its CPU's hrtimer armed for it at its deadline, and
// SYSCALL_RSEQ_SLICE set so that a syscall revokes it (0ac3b5c3).
bool timer_armed_on_grant(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [&](const Task& t, TaskId id) {
        if (!t.slice_granted)
            return true;
        return timer_live_for(s, id) && t.syscall_work_rseq_slice;
    });
}

// I3, second half: a live grant in user mode has SYSCALL_RSEQ_SLICE set, so that the task's
// next syscall revokes it (dd0a0460; spec 3.7 A2, 3.9).
bool grant_has_syscall_work(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(
        sc, s, [](const Task& t, TaskId) { return !t.slice_granted || t.syscall_work_rseq_slice; });
}

// I7: the IDs in user memory and the kernel's cache are the task's CPU on every return.
// With write_rseq_fields the user may have overwritten cpu_id_start since the kernel's last
// write (model-part2 D12: a modification is punished only at the next ID update, and is
// visible to the task meanwhile); the kernel writes cpu_id and cpu_id_start together, so
// cpu_id stands for both there.
bool ids_correct_in_user_mode(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [&](const Task& t, TaskId) {
        return t.usr_cpu_id == t.cpu && t.ids_cpu_id == t.cpu &&
               (t.usr_cpu_id_start == t.cpu || sc.write_rseq_fields);
    });
}

// I9: no rseq work is left behind in user mode: a fast-path failure reached the slow path.
bool no_rseq_work_in_user_mode(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [](const Task& t, TaskId) {
        return !t.tif_set(kabi::TIF_RSEQ) && !t.slowpath && !t.sched_switch;
    });
}

// I11: past its deadline a grant runs in user mode only while the enforcement timer for it is
// still pending (it fires within epsilon; spec 5).
bool expired_grant_has_timer(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [&](const Task& t, TaskId id) {
        return !t.slice_granted || !t.slice_expired || timer_live_for(s, id);
    });
}

// I16 (state form): on x86 the folded PREEMPT_NEED_RESCHED bit follows the current task's
// TIF_NEED_RESCHED, except while the scheduler IPI that will fold it is in flight.
bool need_resched_folded(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const Cpu& cpu = s.cpu(c);
        if (cpu.curr == idle_task)
            continue;
        const bool tif = s.task(static_cast<TaskId>(cpu.curr)).tif_set(kabi::TIF_NEED_RESCHED);
        if (tif && !cpu.preempt_need_resched && !cpu.ipi_pending)
            return false;
        if (!tif && cpu.preempt_need_resched)
            return false;
    }
    return true;
}

bool some_task_needs_resched(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const Cpu& cpu = s.cpu(c);
        if (cpu.curr != idle_task &&
            s.task(static_cast<TaskId>(cpu.curr)).tif_set(kabi::TIF_NEED_RESCHED))
            return true;
    }
    return false;
}

// I17: rseq.event is clear whenever the task runs in user mode.
bool events_clear_in_user_mode(const Scenario& sc, const State& s) {
    return all_slice_users_in_user(sc, s, [](const Task& t, TaskId) {
        return !t.user_irq && !t.sched_switch && !t.ids_changed;
    });
}

// I4: granted goes 0 -> 1 only in G6, on an interrupt return, with the key on, the task
// enabled, a grantable reschedule and no other work in the loop's snapshot (dfb630f5).
bool grant_sets(const Scenario& sc, const State& s, const Action&, const State& t) {
    for (TaskId i = 0; i < sc.task_count(); ++i) {
        if (!s.task(i).slice_granted && t.task(i).slice_granted)
            return true;
    }
    return false;
}

bool grant_only_on_irq_return(const Scenario& sc, const State& s, const Action& a, const State& t) {
    for (TaskId i = 0; i < sc.task_count(); ++i) {
        const Task& before = s.task(i);
        if (before.slice_granted || !t.task(i).slice_granted)
            continue;
        if (a.kind != ActionKind::GrantCommit || a.task != i)
            return false;
        const std::uint8_t snapshot = static_cast<std::uint8_t>(before.ti_work);
        if (!sc.slice_key || !before.slice_enabled || !before.user_irq || before.from_syscall)
            return false;
        if ((snapshot & correct_sched_mask(sc)) == 0 || (snapshot & correct_deny_mask(sc)) != 0)
            return false;
    }
    return true;
}

// I5: with other work pending or a grant already live, the grant decision revokes and the
// caller schedules: no grant with pending work, no second extension.
bool grant_decision_with_resched(const Scenario& sc, const State& s, const Action& a,
                                 const State&) {
    if (a.kind != ActionKind::GrantUserAccess || a.fault != Fault::None)
        return false;
    const Task& task = s.task(a.task);
    return (task.ti_work & correct_deny_mask(sc)) != 0 || task.slice_granted;
}

bool revoke_on_pending_work(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (a.kind == ActionKind::GrantCommit && s.task(a.task).slice_granted)
        return false;  // a live grant extended
    if (!grant_decision_with_resched(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    return after.get_pc() != Pc::GrantCommit && !after.slice_granted && !after.kwrite_granted;
}

// I6: every successful ID/CS update (fast path F1/F2 or slow path P4) clears slice_ctrl and
// the grant in the same step (7ee58f98).
bool id_update_ran(const Scenario& sc, const State& s, const Action& a, const State&) {
    if (!sc.slice_key || a.fault != Fault::None)
        return false;
    if (a.kind != ActionKind::ExitRestart && a.kind != ActionKind::SlowpathUpdate)
        return false;  // environment actions carry no task
    const Task& task = s.task(a.task);
    // an ID write whose read-only check fails (82f57244, debug key) writes nothing
    const bool id_check_fails = ids_read_only(sc, s, a.task) && user_ids_modified(task);
    if (a.kind == ActionKind::ExitRestart) {
        return (task.ti_work & kabi::TIF_RSEQ) != 0 && task.sched_switch &&
               !(task.ids_changed && id_check_fails);
    }
    return a.kind == ActionKind::SlowpathUpdate && !id_check_fails;
}

bool slice_reset_on_id_update(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!id_update_ran(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    if (!sc.rseq_v2(s, a.task)) {
        // 7.0.y, a legacy (V1) registration: the grant is cleared, the user word never
        // written (b9eac6a9; spec I6 [V1]).
        const Task& before = s.task(a.task);
        return !after.slice_granted && after.usr_slice_request == before.usr_slice_request &&
               after.usr_slice_granted == before.usr_slice_granted &&
               after.usr_slice_reserved == before.usr_slice_reserved;
    }
    return !after.slice_granted && !after.usr_slice_request && !after.usr_slice_granted &&
           !after.kwrite_granted;
}

// I13: only A2 of the current, granted cookie task arms; only S4 of the cookie task or the
// expiry disarms; the expiry requests a reschedule only for a current, granted cookie task.
bool timer_changes(const Scenario& sc, const State& s, const Action&, const State& t) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const Cpu& b = s.cpu(c);
        const Cpu& n = t.cpu(c);
        if (b.slice_timer_armed != n.slice_timer_armed ||
            b.slice_timer_cookie != n.slice_timer_cookie ||
            b.slice_timer_expires != n.slice_timer_expires)
            return true;
    }
    return false;
}

bool timer_hygiene(const Scenario& sc, const State& s, const Action& a, const State& t) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const Cpu& b = s.cpu(c);
        const Cpu& n = t.cpu(c);
        const bool rearmed =
            n.slice_timer_armed &&
            (!b.slice_timer_armed || b.slice_timer_cookie != n.slice_timer_cookie ||
             b.slice_timer_expires != n.slice_timer_expires);
        if (rearmed) {
            const TaskId owner = static_cast<TaskId>(n.slice_timer_cookie);
            if (a.kind != ActionKind::ExitRestart || a.task != owner || a.cpu != c ||
                !t.task(owner).slice_granted)
                return false;
        }
        const bool disarmed = b.slice_timer_armed && !n.slice_timer_armed;
        if (disarmed && a.kind != ActionKind::SliceTimerFires &&
            !(a.kind == ActionKind::SyscallSliceRevoke && a.task == b.slice_timer_cookie))
            return false;
        if (a.kind == ActionKind::SliceTimerFires && a.cpu == c && a.next == no_task &&
            b.curr != idle_task) {
            const TaskId curr = static_cast<TaskId>(b.curr);
            const bool ours = b.slice_timer_cookie == curr && s.task(curr).slice_granted;
            const bool raised = !s.task(curr).tif_set(kabi::TIF_NEED_RESCHED) &&
                                t.task(curr).tif_set(kabi::TIF_NEED_RESCHED);
            if (raised && !ours)
                return false;
        }
    }
    return true;
}

// I14: a syscall entered with a live grant runs its body only after the grant is revoked in
// both views (dd0a0460).
bool syscall_body_after_grant(const Scenario&, const State& s, const Action& a, const State&) {
    return a.kind == ActionKind::SyscallBody && s.task(a.task).ghost_grant_at_syscall_entry;
}

bool syscall_revokes_grant(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!syscall_body_after_grant(sc, s, a, t))
        return true;
    const Task& task = s.task(a.task);
    // A failed put_user() in S6 leaves the user word and sends SIGSEGV instead (spec 3.18).
    return !task.slice_granted && (!task.usr_slice_granted || task.sigsegv);
}

// I15: rseq_slice_yield() returns 1 only if a grant was live at its entry, and `yielded` is
// clear after it returns.
bool yield_returns(const Scenario&, const State& s, const Action& a, const State&) {
    return a.kind == ActionKind::SyscallBody &&
           s.task_ext(a.task).get_syscall() == Syscall::RseqSliceYield;
}

// As worded: the probe of finding F5.
bool yield_result_honest_strict(const Scenario& sc, const State& s, const Action& a,
                                const State& t) {
    if (!yield_returns(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    if (after.slice_yielded)
        return false;
    return !after.yield_ret || s.task(a.task).ghost_grant_at_syscall_entry;
}

// With the exception of finding F5: a 1 from the `yielded` that S4 recorded for an earlier
// rseq_slice_yield() whose body ptrace or seccomp skipped (or whose number ptrace changed)
// in syscall_trace_enter().
bool yield_result_honest(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (yield_result_honest_strict(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    return !after.slice_yielded && s.task_ext(a.task).ghost_yield_skipped;
}

// I15 as sys_rseq_slice_yield()'s comment states it (finding F2): the result is 0 when the
// grant was revoked by "being scheduled out earlier due to a subsequent interrupt". S4 is
// where the result is decided (it sets `yielded`, which the syscall returns), so the claim
// is checked there: S4 takes the yield branch only for a task not switched in again since
// its grant.
bool yield_branch_taken(const Scenario&, const State& s, const Action& a, const State& t) {
    return a.kind == ActionKind::SyscallSliceRevoke &&
           s.task_ext(a.task).get_syscall() == Syscall::RseqSliceYield &&
           !s.task(a.task).slice_yielded && t.task(a.task).slice_yielded;
}

bool yield_after_switch_returns_zero(const Scenario& sc, const State& s, const Action& a,
                                     const State& t) {
    return !yield_branch_taken(sc, s, a, t) || !s.task(a.task).ghost_switched_since_grant;
}

// I16 (transition form): when the grant completes, both reschedule bits and the folded
// preempt bit are clear.
bool grant_completes(const Scenario&, const State& s, const Action& a, const State& t) {
    if (a.kind != ActionKind::GrantClearResched && a.kind != ActionKind::GrantClearFolded)
        return false;
    return t.task(a.task).get_pc() != Pc::GrantClearFolded && s.task(a.task).slice_granted;
}

bool grant_clears_resched(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!grant_completes(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    return !after.tif_set(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY) &&
           !t.cpu(a.cpu).preempt_need_resched;
}

// What each entry reads (state_fields() names), from its predicates above. A premise "a
// slice user in user mode" reads pc, state and has_rseq, and the task's role (a scenario
// fact). tests/properties/property_reads_test.cpp checks each list by perturbation.
// ---- model-part2 areas 2b (prctl) and 2c (fork/exec) ----

// Applicability of the prctl, fork and exec properties: a scenario exercises them only when
// its slice user may issue the syscall (syscall_kinds), or on the kernels they are about.
bool offers_prctl(const Scenario& sc) {
    return sc.syscall_kinds.has(Syscall::Prctl);
}

bool offers_prctl_or_rseq(const Scenario& sc) {
    return sc.syscall_kinds.has(Syscall::Prctl) || sc.syscall_kinds.has(Syscall::Rseq);
}

bool after_kernel_70(const Scenario& sc) {
    return sc.kernel != Kernel::Linux70;
}

bool offers_execve(const Scenario& sc) {
    return sc.syscall_kinds.has(Syscall::Execve);
}

bool offers_clone(const Scenario& sc) {
    return sc.syscall_kinds.has(Syscall::Clone);
}

// I18, first half: a prctl SET that changed the setting left rseq->flags' ENABLED bit equal
// to rseq.slice.state.enabled (kernel/rseq.c:rseq_slice_extension_prctl() writes the flags
// before it commits `enabled`). Registration's write of the flags is the sys_rseq body's.
bool prctl_set_done(const Scenario&, const State&, const Action& a, const State&) {
    return a.kind == ActionKind::SysPrctlRseqSlice && a.branch() == Branch::PrctlSet;
}

bool slice_enabled_flag_mirrors(const Scenario& sc, const State& s, const Action& a,
                                const State& t) {
    if (!prctl_set_done(sc, s, a, t))
        return true;
    const Task& task = t.task(a.task);
    return task.usr_flags_enabled == task.slice_enabled;
}

// I18: a task has slice extensions enabled only where the kernel offers them: the static
// key on (and CONFIG_RSEQ_SLICE_EXTENSION), and on 7.0.y/7.1 only for a V2 registration
// (b9eac6a9: rseq_slice_extension_prctl() and sys_rseq() test rseq_v2()).
bool slice_allowed_for(const Scenario& sc, const State& s, TaskId t) {
    return sc.slice_config && sc.slice_key && sc.rseq_v2(s, t);
}

bool some_slice_enabled(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).slice_enabled)
            return true;
    }
    return false;
}

bool slice_enabled_needs_key(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).slice_enabled && !slice_allowed_for(sc, s, t))
            return false;
    }
    return true;
}

// 7.0.y/7.1 (b9eac6a9): a V1 (legacy) registration is never granted a slice extension.
bool some_grant_after_70(const Scenario& sc, const State& s) {
    if (sc.kernel == Kernel::Linux70)
        return false;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).slice_granted)
            return true;
    }
    return false;
}

bool v1_never_granted(const Scenario& sc, const State& s) {
    if (sc.kernel == Kernel::Linux70)
        return true;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).slice_granted && !sc.rseq_v2(s, t))
            return false;
    }
    return true;
}

// Spec 3.15: a successful exec leaves the task unregistered with no slice state
// (fs/exec.c:bprm_execve() -> rseq_execve() -> rseq_reset()).
bool exec_succeeded(const Scenario&, const State&, const Action& a, const State&) {
    return a.kind == ActionKind::SysExecve && a.branch() == Branch::ExecOk;
}

bool exec_resets(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!exec_succeeded(sc, s, a, t))
        return true;
    const Task& task = t.task(a.task);
    return !task.has_rseq && !task.slice_enabled && !task.slice_granted && !task.slice_yielded;
}

// Spec 3.15, D9: the child of clone()/fork() starts with no grant in either view, no
// SYSCALL_RSEQ_SLICE work and no slice timer of its own (rseq_fork() copies a parent that is
// past S6 of its clone() syscall).
bool child_created(const Scenario&, const State&, const Action& a, const State&) {
    return a.kind == ActionKind::SysClone &&
           (a.branch() == Branch::Fork || a.branch() == Branch::CloneVm);
}

bool fork_child_starts_clean(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!child_created(sc, s, a, t))
        return true;
    for (TaskId c = 0; c < sc.task_count(); ++c) {
        if (sc.tasks[c].role != TaskRole::ForkChild || s.task(c).get_run() != Run::Exited ||
            t.task(c).get_run() == Run::Exited)
            continue;  // not the slot this clone() filled
        const Task& child = t.task(c);
        if (child.slice_granted || child.usr_slice_granted || child.syscall_work_rseq_slice)
            return false;
        for (CpuId cpu = 0; cpu < sc.cpus; ++cpu) {
            if (t.cpu(cpu).slice_timer_armed && t.cpu(cpu).slice_timer_cookie == c)
                return false;
        }
    }
    return true;
}

using Reads = std::string_view;
constexpr std::array<Reads, 5> i1_strict_reads{"pc", "state", "rseq.event.has_rseq",
                                               "rseq.slice.state.granted", "switched since grant"};
constexpr std::array<Reads, 6> i1_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "rseq.slice.state.granted",
                                        "switched since grant",
                                        "dispatched since grant"};
constexpr std::array<Reads, 6> i2_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "rseq.slice.state.granted",
                                        "kernel's last slice_ctrl.granted write",
                                        "kernel's last slice_ctrl.request write"};
constexpr std::array<Reads, 10> i3_reads{"pc",
                                         "state",
                                         "rseq.event.has_rseq",
                                         "rseq.slice.state.granted",
                                         "task_cpu",
                                         "rseq.slice.expires",
                                         "hrtimer armed",
                                         "slice_timer.cookie",
                                         "hrtimer expires",
                                         "SYSCALL_WORK_SYSCALL_RSEQ_SLICE"};
constexpr std::array<Reads, 5> grant_work_reads{"pc", "state", "rseq.event.has_rseq",
                                                "rseq.slice.state.granted",
                                                "SYSCALL_WORK_SYSCALL_RSEQ_SLICE"};
constexpr std::array<Reads, 5> i4_reads{"rseq.slice.state.granted", "ti_work",
                                        "rseq.slice.state.enabled", "rseq.event.user_irq",
                                        "in_syscall"};
constexpr std::array<Reads, 4> i5_reads{"ti_work", "rseq.slice.state.granted", "pc",
                                        "kernel's last slice_ctrl.granted write"};
constexpr std::array<Reads, 12> i6_reads{"rseq.event.has_rseq == 2",
                                         "slice_ctrl.reserved",
                                         "ti_work",
                                         "rseq.event.sched_switch",
                                         "rseq.slice.state.granted",
                                         "slice_ctrl.request",
                                         "slice_ctrl.granted",
                                         "kernel's last slice_ctrl.granted write",
                                         "rseq.event.ids_changed",
                                         "rseq->cpu_id_start",
                                         "rseq->cpu_id",
                                         "rseq.ids.cpu_id"};
constexpr std::array<Reads, 7> i7_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "rseq->cpu_id",
                                        "rseq->cpu_id_start",
                                        "rseq.ids.cpu_id",
                                        "task_cpu"};
constexpr std::array<Reads, 4> i8_reads{"pc", "state", "rseq_cs (ip in critical section)",
                                        "cs abort due (task mask)"};
constexpr std::array<Reads, 6> i9_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "TIF_RSEQ",
                                        "rseq.event.slowpath",
                                        "rseq.event.sched_switch"};
constexpr std::array<Reads, 10> i11_reads{"pc",
                                          "state",
                                          "rseq.event.has_rseq",
                                          "rseq.slice.state.granted",
                                          "rseq.slice.expires passed",
                                          "task_cpu",
                                          "rseq.slice.expires",
                                          "hrtimer armed",
                                          "slice_timer.cookie",
                                          "hrtimer expires"};
constexpr std::array<Reads, 6> i13_reads{
    "hrtimer armed", "slice_timer.cookie",       "hrtimer expires",
    "curr",          "rseq.slice.state.granted", "TIF_NEED_RESCHED"};
constexpr std::array<Reads, 4> i14_reads{"granted at syscall entry", "rseq.slice.state.granted",
                                         "slice_ctrl.granted", "SIGSEGV pending"};
constexpr std::array<Reads, 4> i15_strict_reads{
    "syscall", "rseq.slice.yielded", "rseq_slice_yield() returned", "granted at syscall entry"};
constexpr std::array<Reads, 5> i15_reads{"syscall", "rseq.slice.yielded",
                                         "rseq_slice_yield() returned", "granted at syscall entry",
                                         "yielded left by a skipped yield"};
constexpr std::array<Reads, 5> i16_reads{"pc", "rseq.slice.state.granted", "TIF_NEED_RESCHED",
                                         "TIF_NEED_RESCHED_LAZY", "PREEMPT_NEED_RESCHED"};
constexpr std::array<Reads, 4> folded_reads{"curr", "TIF_NEED_RESCHED", "PREEMPT_NEED_RESCHED",
                                            "scheduler IPI pending"};
constexpr std::array<Reads, 6> i17_reads{"pc",
                                         "state",
                                         "rseq.event.has_rseq",
                                         "rseq.event.user_irq",
                                         "rseq.event.sched_switch",
                                         "rseq.event.ids_changed"};
constexpr std::array<Reads, 3> yield_after_switch_reads{"syscall", "rseq.slice.yielded",
                                                        "switched since grant"};

constexpr std::array<Reads, 5> i20a_reads{"pc", "state", "task_cpu", "TIF_HRTIMER_REARM",
                                          "hrtimer_cpu_base.deferred_rearm"};
constexpr std::array<Reads, 4> i20b_reads{"curr", "pc", "hrtimer_bases.lock held by task",
                                          "hrtimer_cpu_base.deferred_rearm"};

constexpr std::array<Reads, 3> cs_unchanged_reads{"rseq_cs (ip in critical section)",
                                                  "cs abort due (task mask)", "in_syscall"};
constexpr std::array<Reads, 2> cs_signature_reads{"rseq_cs (ip in critical section)",
                                                  "rseq->rseq_cs"};
constexpr std::array<Reads, 5> cs_invalid_reads{"rseq->rseq_cs", "rseq_cs (ip in critical section)",
                                                "rseq.event.user_irq", "rseq.event.fatal",
                                                "SIGSEGV pending"};
constexpr std::array<Reads, 10> ro_ids_reads{"rseq.event.has_rseq == 2",
                                             "rseq->cpu_id_start",
                                             "rseq->cpu_id",
                                             "rseq.ids.cpu_id",
                                             "ti_work",
                                             "rseq.event.sched_switch",
                                             "rseq.event.ids_changed",
                                             "rseq.event.fatal",
                                             "SIGSEGV pending",
                                             "TIF_RSEQ"};
constexpr std::array<Reads, 2> i18_mirror_reads{"rseq->flags SLICE_EXT_ENABLED",
                                                "rseq.slice.state.enabled"};
constexpr std::array<Reads, 2> i18_key_reads{"rseq.slice.state.enabled",
                                             "rseq.event.has_rseq == 2"};
constexpr std::array<Reads, 2> v1_reads{"rseq.slice.state.granted", "rseq.event.has_rseq == 2"};
constexpr std::array<Reads, 4> exec_reads{"rseq.event.has_rseq", "rseq.slice.state.enabled",
                                          "rseq.slice.state.granted", "rseq.slice.yielded"};
constexpr std::array<Reads, 6> fork_reads{"state",
                                          "rseq.slice.state.granted",
                                          "slice_ctrl.granted",
                                          "SYSCALL_WORK_SYSCALL_RSEQ_SLICE",
                                          "hrtimer armed",
                                          "slice_timer.cookie"};

constexpr ScenarioFacts role = static_cast<ScenarioFacts>(ScenarioFact::Role);

// The safety properties, in `rseqcheck list properties` order (a finding() is listed after
// the leads-to properties: properties/property.h catalog()).
const std::array entries{
    reading(invariant("no-stale-grant-after-switch", "I1",
                      "a grant live in user mode was not followed by a context switch into the "
                      "task, unless the grant survived a syscall that Syscall User Dispatch "
                      "diverted (known finding F6: docs/findings.md)",
                      "7ee58f98 (\"rseq: Reset slice extension when scheduled\"), rseq.rst",
                      no_stale_grant_after_switch, some_grant_in_user_mode),
            i1_reads, role),
    reading(invariant("views-agree-in-user-mode", "I2",
                      "the kernel's last slice_ctrl write agrees with rseq.slice.state.granted",
                      "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\")",
                      views_agree_in_user_mode, some_slice_user_in_user_mode),
            i2_reads, role),
    reading(invariant(
                "timer-armed-on-grant", "I3",
                "a live grant in user mode has its CPU's slice hrtimer armed for its deadline and "
                "SYSCALL_RSEQ_SLICE set",
                "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
                timer_armed_on_grant, some_grant_in_user_mode),
            i3_reads, role),
    reading(invariant("grant-has-syscall-work", "I3",
                      "a live grant in user mode has SYSCALL_RSEQ_SLICE set, so the next "
                      "syscall revokes it",
                      "dd0a0460 (\"rseq: Implement syscall entry work for time slice "
                      "extensions\")",
                      grant_has_syscall_work, some_grant_in_user_mode),
            grant_work_reads, role),
    reading(transition("grant-only-on-irq-return", "I4",
                       "granted goes 0->1 only in G6 of an interrupt return, with a grantable "
                       "reschedule and no other work pending",
                       "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\"), 3c78aaec",
                       grant_only_on_irq_return, grant_sets),
            i4_reads, ScenarioFact::SliceKey | ScenarioFact::SliceEnabled | ScenarioFact::Preempt),
    reading(transition("revoke-on-pending-work", "I5",
                       "with other work pending or a grant live, the grant decision revokes and "
                       "schedules; no grant is ever extended",
                       "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\")",
                       revoke_on_pending_work, grant_decision_with_resched),
            i5_reads, static_cast<ScenarioFacts>(ScenarioFact::Preempt)),
    reading(transition("slice-reset-on-id-update", "I6",
                       "every rseq ID/CS update on exit (fast path F1/F2, slow path P4) clears "
                       "slice_ctrl and the grant",
                       "7ee58f98 (\"rseq: Reset slice extension when scheduled\")",
                       slice_reset_on_id_update, id_update_ran),
            i6_reads, static_cast<ScenarioFacts>(ScenarioFact::SliceKey)),
    reading(invariant("ids-correct-in-user-mode", "I7",
                      "cpu_id_start, cpu_id and rseq.ids.cpu_id equal task_cpu() in user mode",
                      "05b44aef (\"rseq: Implement fast path for exit to user\")",
                      ids_correct_in_user_mode, some_slice_user_in_user_mode),
            i7_reads, role),
    applying(reading(invariant(
                         "cs-aborted-when-due", "I8",
                         "a critical section interrupted from user mode is aborted before the task "
                         "resumes it, if the task was switched in, hit by a membarrier RSEQ IPI or "
                         "sent a signal meanwhile",
                         "2fc0e4b4 (\"rseq: Record interrupt from user space\"), 411c1cf4 "
                         "(\"arm64/entry: Fix arm64-specific rseq brokenness\")",
                         cs_aborted_when_due, some_cs_abort_due),
                     i8_reads),
             some_task_may_be_in_a_section, "a task in or entering an rseq critical section"),
    reading(invariant("no-rseq-work-in-user-mode", "I9",
                      "TIF_RSEQ, event.slowpath and event.sched_switch are clear in user mode: a "
                      "fast-path fault always reached the slow path",
                      "05b44aef (\"rseq: Implement fast path for exit to user\")",
                      no_rseq_work_in_user_mode, some_slice_user_in_user_mode),
            i9_reads, role),
    reading(
        invariant("expired-grant-has-timer", "I11",
                  "past its deadline a grant runs in user mode only while its hrtimer is pending",
                  "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
                  expired_grant_has_timer, some_expired_grant_in_user_mode),
        i11_reads, role),
    reading(transition("timer-hygiene", "I13",
                       "only the granted current task arms its CPU's timer; only its expiry or its "
                       "own syscall disarms it; a stale expiry requests no reschedule",
                       "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
                       timer_hygiene, timer_changes),
            i13_reads),
    reading(
        transition("syscall-revokes-grant", "I14",
                   "a syscall entered with a live grant runs its body only after both views are "
                   "revoked",
                   "dd0a0460 (\"rseq: Implement syscall entry work for time slice extensions\")",
                   syscall_revokes_grant, syscall_body_after_grant),
        i14_reads),
    reading(transition("yield-result-honest", "I15",
                       "rseq_slice_yield() returns 1 only if a grant was live at entry or yielded "
                       "was left by an earlier rseq_slice_yield() that ptrace or seccomp skipped "
                       "(known finding F5: docs/findings.md), and clears yielded",
                       "99d25920 (\"rseq: Implement sys_rseq_slice_yield()\")", yield_result_honest,
                       yield_returns),
            i15_reads),
    reading(
        transition("grant-clears-resched", "I16",
                   "when a grant completes, TIF_NEED_RESCHED(_LAZY) and the folded preempt bit are "
                   "clear",
                   "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\")",
                   grant_clears_resched, grant_completes),
        i16_reads),
    reading(invariant("need-resched-folded", "I16",
                      "the folded PREEMPT_NEED_RESCHED bit follows the current task's "
                      "TIF_NEED_RESCHED (or the IPI that folds it is pending)",
                      "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\"), c04507ac",
                      need_resched_folded, some_task_needs_resched),
            folded_reads),
    reading(invariant("events-clear-in-user-mode", "I17",
                      "rseq.event (user_irq, sched_switch, ids_changed) is clear in user mode",
                      "7a5201ea (\"rseq: Split up rseq_exit_to_user_mode()\")",
                      events_clear_in_user_mode, some_slice_user_in_user_mode),
            i17_reads, role),
    applying(reading(invariant(
                         "hrtimer-rearmed-in-user", "I20",
                         "kernel 7.1: a task runs in user mode with no deferred hrtimer rearm "
                         "pending: TIF_HRTIMER_REARM clear and its CPU's deferred_rearm clear",
                         "15dd3a94 (\"hrtimer: Push reprogramming timers into the interrupt return "
                         "path\"), 0e98eb14 (\"entry: Prepare for deferred hrtimer rearming\")",
                         hrtimer_rearmed_in_user, some_task_in_user_on_71),
                     i20a_reads),
             on_kernel_71, "kernel 7.1"),
    applying(
        reading(invariant("hrtimer-lock-irqs-off", "I20",
                          "kernel 7.1: hrtimer_bases.lock is never held by task context with "
                          "interrupts on (an hrtimer interrupt on that CPU would spin on it: hard "
                          "lockup)",
                          "ada54c2b (\"rseq: Prevent hard lockup on granted time slice "
                          "extension\")",
                          hrtimer_lock_irqs_off, some_grant_rearm_pending),
                i20b_reads),
        on_kernel_71, "kernel 7.1"),
    reading(
        finding(transition("yield-after-switch-returns-zero", "I15",
                           "as sys_rseq_slice_yield()'s comment states it: after the task was "
                           "scheduled out since its grant, rseq_slice_yield() returns 0 (S4 takes "
                           "the yield branch only for a task not switched in again; known finding "
                           "F2: docs/findings.md)",
                           "99d25920 (comment of sys_rseq_slice_yield())",
                           yield_after_switch_returns_zero, yield_branch_taken)),
        yield_after_switch_reads),
    reading(finding(transition("yield-result-honest-strict", "I15",
                               "I15 as worded: rseq_slice_yield() returns 1 only if a grant was "
                               "live at entry, and clears yielded (known finding F5: a yield "
                               "skipped by ptrace or seccomp leaves yielded set; "
                               "docs/findings.md)",
                               "99d25920 (\"rseq: Implement sys_rseq_slice_yield()\")",
                               yield_result_honest_strict, yield_returns)),
            i15_strict_reads),
    reading(finding(invariant("no-stale-grant-after-switch-strict", "I1",
                              "I1 as worded: a grant live in user mode was not followed by a "
                              "context switch into the task (known finding F6: a syscall "
                              "diverted by Syscall User Dispatch keeps the grant; "
                              "docs/findings.md)",
                              "7ee58f98 (\"rseq: Reset slice extension when scheduled\"), "
                              "rseq.rst",
                              no_stale_grant_after_switch_strict, some_grant_in_user_mode)),
            i1_strict_reads, role),
    // model-part2 areas 1 and 4, 82f57244
    applying(reading(transition(
                         "cs-unchanged-unless-due", "I8",
                         "a critical section interrupted from user mode is left alone by the "
                         "kernel unless an abort is due (switch-in, membarrier RSEQ IPI, signal): "
                         "a slice extension grant without a switch does not abort it",
                         "2fc0e4b4 (\"rseq: Record interrupt from user space\"), dfb630f5",
                         cs_unchanged_unless_due, kernel_leaves_cs_after_irq),
                     cs_unchanged_reads),
             some_task_may_be_in_a_section, "a task in or entering an rseq critical section"),
    applying(reading(transition(
                         "cs-abort-needs-signature", "I10",
                         "the kernel aborts a critical section to its abort_ip only when abort_ip "
                         "lies in user space behind the registered signature (debug: and the "
                         "descriptor passes the full validation)",
                         "include/linux/rseq_entry.h:rseq_update_user_cs() (the ROP protection)",
                         cs_abort_needs_signature, kernel_aborts_cs),
                     cs_signature_reads, static_cast<ScenarioFacts>(ScenarioFact::DebugKey)),
             some_task_may_be_in_a_section, "a task in or entering an rseq critical section"),
    applying(
        reading(transition("cs-invalid-kills", "I10",
                           "evaluating an invalid section (rseq_cs beyond TASK_SIZE; with the IP "
                           "inside a bad abort_ip or signature; debug: a descriptor only the debug "
                           "evaluator rejects, or no interrupt from user mode) sets event.fatal or "
                           "SIGSEGV and never clears rseq_cs",
                           "include/linux/rseq_entry.h:rseq_update_user_cs(), "
                           "rseq_debug_update_user_cs()",
                           cs_invalid_kills, invalid_cs_evaluated),
                cs_invalid_reads, static_cast<ScenarioFacts>(ScenarioFact::DebugKey)),
        invalid_sections_possible,
        "adversarial_fields = true (a user that stores invalid descriptors)"),
    applying(reading(transition(
                         "ro-ids-enforced", "I10",
                         "an ID write (fast path F2, slow path P4) that finds user-modified ID "
                         "fields fails with event.fatal or ends in SIGSEGV: with the debug key, "
                         "and on 7.0.y/7.1 for every RSEQ V2 task",
                         "82f57244 (\"rseq: Implement read only ABI enforcement for optimized RSEQ "
                         "V2 mode\"), rseq_debug_validate_ids()",
                         ro_ids_enforced, id_write_over_modified_ids),
                     ro_ids_reads, static_cast<ScenarioFacts>(ScenarioFact::DebugKey)),
             read_only_ids_checkable,
             "write_rseq_fields = true, and the debug key or kernel 7.0.y/7.1 with an RSEQ V2 "
             "task (82f57244)"),
    // model-part2 areas 2b (prctl) and 2c (fork/exec)
    applying(
        reading(transition("slice-enabled-flag-mirrors", "I18",
                           "a prctl(PR_RSEQ_SLICE_EXTENSION_SET) that changes the setting leaves "
                           "rseq->flags' SLICE_EXT_ENABLED bit equal to rseq.slice.state.enabled",
                           "28621ec2 (\"rseq: Add prctl() to enable time slice extensions\")",
                           slice_enabled_flag_mirrors, prctl_set_done),
                i18_mirror_reads),
        offers_prctl, "a slice user that may call prctl()"),
    applying(
        reading(
            invariant("slice-enabled-needs-key", "I18",
                      "rseq.slice.state.enabled is set only with CONFIG_RSEQ_SLICE_EXTENSION and "
                      "rseq_slice_extension_key on (7.0.y/7.1: and an RSEQ ABI V2 registration)",
                      "28621ec2 (\"rseq: Add prctl() to enable time slice extensions\"), b9eac6a9",
                      slice_enabled_needs_key, some_slice_enabled),
            i18_key_reads, ScenarioFact::SliceKey | ScenarioFact::SliceEnabled),
        offers_prctl_or_rseq, "a slice user that may call prctl() or rseq()"),
    applying(
        reading(invariant("v1-never-granted", "I18",
                          "kernels 7.0.y/7.1: a task registered with RSEQ ABI V1 (legacy) is never "
                          "granted a slice extension",
                          "b9eac6a9 (7.0.y backport: RSEQ ABI V1/V2)", v1_never_granted,
                          some_grant_after_70),
                v1_reads, role),
        after_kernel_70, "kernel 7.0.y or 7.1"),
    applying(reading(transition("exec-resets", "3.15",
                                "a successful execve() leaves the task unregistered, with slice "
                                "extensions disabled and no grant or yield state",
                                "include/linux/rseq.h:rseq_execve() (rseq_reset())", exec_resets,
                                exec_succeeded),
                     exec_reads),
             offers_execve, "a slice user that may call execve()"),
    applying(reading(transition(
                         "fork-child-starts-clean", "3.15",
                         "the child of clone()/fork() starts with no grant (kernel or user view), "
                         "no SYSCALL_RSEQ_SLICE work and no slice hrtimer of its own",
                         "include/linux/rseq.h:rseq_fork(), kernel-model-spec.md 3.15",
                         fork_child_starts_clean, child_created),
                     fork_reads, role),
             offers_clone, "a slice user that may call clone()"),
};

}  // namespace

std::span<const Property> slice_properties() {
    return entries;
}

}  // namespace rseqcheck::properties
