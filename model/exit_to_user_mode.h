/// \file
/// The exit to user mode: __exit_to_user_mode_prepare(), the inner loop's work items, the
/// outer loop's rseq restart hook (O2) and the final rseq exit hooks.
/// Kernel: kernel/entry/common.c (exit_to_user_mode_loop(), __exit_to_user_mode_loop()),
/// include/linux/irq-entry-common.h (__exit_to_user_mode_prepare(),
/// irqentry_exit_to_user_mode()), include/linux/rseq_entry.h
/// (rseq_exit_to_user_mode_restart(), rseq_irqentry_exit_to_user_mode(),
/// rseq_syscall_exit_to_user_mode()). Spec: kernel-model-spec.md 3.3, 3.4, 3.6.
#pragma once

#include "model/fault.h"
#include "model/hrtimer_rearm.h"
#include "model/rseq_fastpath.h"
#include "model/sched.h"
#include "model/slice_timer.h"
#include "model/transition.h"

namespace rseqcheck::exit_path {

/// rseq_irqentry_exit_to_user_mode() (events := 0) or rseq_syscall_exit_to_user_mode()
/// (no store outside LOCKDEP), then exit_to_user_mode(): the task is in user mode.
/// A syscall's result becomes visible to user space here.
inline void return_to_user(const Scenario& sc, State& s, TaskId t) {
    Task& task = s.task(t);
    if (!task.from_syscall && !sc.variant.has(VariantSwitch::MutIrqExitKeepsEvents))
        task.clear_events();
    task.from_syscall = 0;
    s.task_ext(t).set_syscall(Syscall::None);
    task.ti_work = 0;
    task.set_pc(Pc::User);
}

/// 3.3 1b: read the thread flags IRQ-OFF. No work: straight back to user, the loop (and
/// with it the timer arm) skipped. LOOP bits: enable interrupts and run the inner loop.
/// Only TIF_RSEQ: the loop is entered but its inner part skipped; O2 runs next.
struct ExitPrepare {
    static constexpr ActionKind kind = ActionKind::ExitPrepare;
    static constexpr std::string_view name = "exit_to_user_mode_prepare";
    static constexpr std::string_view kernel =
        "include/linux/irq-entry-common.h:__exit_to_user_mode_prepare() (spec 3.3 1b)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::ExitPrepare, [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            const std::uint8_t ti_work = task.tif & kabi::TIF_MODELLED;
            task.ti_work = ti_work & task_field_max::tif;
            hrtimer::rearm_deferred_user_irq(sc, n, c, t, ti_work);  // 7.1 only (C3)
            if ((ti_work & kabi::EXIT_TO_USER_MODE_WORK) == 0) {
                return_to_user(sc, n, t);
            } else if ((ti_work & kabi::EXIT_TO_USER_MODE_WORK_LOOP) != 0) {
                task.set_pc(Pc::LoopResched);  // local_irq_enable_exit_to_user()
            } else {
                task.set_pc(Pc::ExitRestart);
            }
            emit(Action{kind, c, t, no_task, Fault::None}.set_ti_work(ti_work), n);
        });
    }
};

/// I8 and the outer loop's re-read: the thread flags read again with interrupts off. From
/// LoopEnd (the loop body ran with interrupts on) the step is local_irq_disable_exit_to_user()
/// and the read; from LoopReread (after O2 asked to go around) interrupts were never enabled.
/// Nothing of this task changes between the disable and the read, so both are one step.
struct LoopReread {
    static constexpr ActionKind kind = ActionKind::LoopReread;
    static constexpr std::string_view name = "exit_loop_reread_flags";
    static constexpr std::string_view kernel =
        "kernel/entry/common.c:__exit_to_user_mode_loop() local_irq_disable_exit_to_user() + "
        "read_thread_flags(), exit_to_user_mode_loop() outer re-read (spec 3.4 I8, O2)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        const auto reread = [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            const std::uint8_t ti_work = task.tif & kabi::TIF_MODELLED;
            task.ti_work = ti_work & task_field_max::tif;
            task.set_pc((ti_work & kabi::EXIT_TO_USER_MODE_WORK_LOOP) != 0 ? Pc::LoopResched
                                                                           : Pc::ExitRestart);
            emit(Action{kind, c, t, no_task, Fault::None}.set_ti_work(ti_work), n);
        };
        for_each_current_at(sc, s, Pc::LoopEnd, reread);
        for_each_current_at(sc, s, Pc::LoopReread, reread);
    }
};

/// I2 up to the grant's first user access: no reschedule bit in the snapshot skips it;
/// otherwise rseq_grant_slice_extension() G0/G1 decide between schedule() and the grant.
/// G1: the task's `enabled` counts only on an interrupt return (user_irq); a live grant
/// always goes on to G2, where it is revoked.
struct LoopResched {
    static constexpr ActionKind kind = ActionKind::LoopResched;
    static constexpr std::string_view name = "exit_loop_need_resched";
    static constexpr std::string_view kernel =
        "kernel/entry/common.c:__exit_to_user_mode_loop() + "
        "include/linux/rseq_entry.h:rseq_grant_slice_extension() G0-G1 (spec 3.4 I2, 3.5)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::LoopResched, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterResched);
            Action a{kind, c, t, no_task, Fault::None};
            if ((task.ti_work & (kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY)) == 0) {
                State n = s;
                n.task(t).set_pc(after);
                emit(a, n);
                return;
            }
            const bool user_irq =
                task.user_irq || sc.variant.has(VariantSwitch::MutGrantIgnoresUserIrq);
            const bool enabled = task.slice_enabled && user_irq;
            if (!sc.slice_key || (!enabled && !task.slice_granted)) {
                a.set_branch(Branch::Schedule);  // rseq_grant_slice_extension() returned false
                sched::schedule(sc, s, c, t, after, a, emit);
                return;
            }
            State n = s;
            n.task(t).set_pc(Pc::GrantUserAccess);
            emit(a, n);
        });
    }
};

/// I5: arch_do_signal_or_restart(). A pending fatal SIGSEGV kills the task (do_exit());
/// otherwise the signal is delivered: rseq_signal_deliver() touches only a critical
/// section, never the slice state (spec 3.13, 7.6). Writing the signal frame to the user
/// stack (and rseq_handle_cs()) runs with page faults enabled: a fault may sleep in
/// handle_mm_fault() (the task blocks, then the delivery completes), or fail, and a failed
/// frame is force_sigsegv() (arch/x86/kernel/signal.c:handle_signal() -> signal_setup_done()).
struct LoopSignal {
    static constexpr ActionKind kind = ActionKind::LoopSignal;
    static constexpr std::string_view name = "arch_do_signal_or_restart";
    static constexpr std::string_view kernel =
        "kernel/entry/common.c:arch_do_signal_or_restart() -> handle_signal(), "
        "rseq_signal_deliver() (spec 3.13, 3.18)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::LoopSignal, [&](TaskId t, CpuId c) {
            if (s.task(t).sigsegv) {
                State n = s;
                n.task(t).clear_tif(kabi::TIF_SIGPENDING);
                Action a{kind, c, t, no_task, Fault::None};
                a.set_branch(Branch::Exit);
                sched::schedule(sc, n, c, t, Pc::Dead, a, emit, sched::Leave::Exits);
                return;
            }
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(s.task(t).ti_work), LoopStage::AfterSignal);
            fault::for_each_outcome(s.task(t), /*can_sleep=*/true, [&](Fault f) {
                State n = s;
                Task& task = n.task(t);
                task.clear_tif(kabi::TIF_SIGPENDING);
                // rseq_signal_deliver(): with GENERIC_IRQ_ENTRY only after an interrupt from
                // user mode (has_rseq && user_irq) does __rseq_signal_deliver() abort the
                // interrupted section (rseq_update_user_cs()); I8 asks for the abort.
                // 7.0.y (b9eac6a9): a V1 task is handled whenever it is registered, and
                // __rseq_signal_deliver() then forces the ID update (rseq_force_update()).
                sched::note_cs_abort_due(n, t);
                const bool v2 = sc.rseq_v2(s, t);
                // rseq_handle_cs(): a null rseq_cs is success; else rseq_update_user_cs(),
                // whose failure is force_sigsegv()
                if (task.has_rseq && (task.user_irq || !v2) &&
                    n.task_ext(t).get_rseq_cs() != RseqCs::Null &&
                    !sc.variant.has(VariantSwitch::MutSignalSkipsRseq))
                    rseq::update_user_cs(sc, n, t, rseq::CsCtx::Signal);
                if (task.has_rseq && !v2)
                    sched::rseq_force_update(n, t);
                const Action a{kind, c, t, no_task, f};
                if (f == Fault::Resolved) {  // the frame's page faulted in after a sleep
                    fault::consume(task);
                    sched::schedule(sc, n, c, t, after, a, emit, sched::Leave::Blocks);
                    return;
                }
                if (f == Fault::Unresolvable) {  // signal_setup_done() -> force_sigsegv()
                    fault::consume(task);
                    fault::force_sigsegv(task);
                }
                task.set_pc(after);
                emit(a, n);
            });
        });
    }
};

/// I6: resume_user_mode_work() clears TIF_NOTIFY_RESUME and calls rseq_handle_slowpath():
/// only with event.slowpath set. P2, IRQ-OFF: keep sched_switch as the event, clear every
/// event but user_irq, sample task_cpu(). P4 (the user access) is its own step.
struct LoopNotifyResume {
    static constexpr ActionKind kind = ActionKind::LoopNotifyResume;
    static constexpr std::string_view name = "resume_user_mode_work";
    static constexpr std::string_view kernel =
        "include/linux/resume_user_mode.h:resume_user_mode_work() -> "
        "kernel/rseq.c:rseq_slowpath_update_usr() P1-P3 (spec 3.11)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::LoopNotifyResume, [&](TaskId t, CpuId c) {
            if (s.task(t).tif_set(kabi::TIF_NOTIFY_RESUME) && s.task(t).faults_left != 0) {
                // task_work_run() before the rseq part may sleep (a fault, a lock): the task
                // blocks and comes back here with TIF_NOTIFY_RESUME already clear.
                State n = s;
                Task& task = n.task(t);
                task.clear_tif(kabi::TIF_NOTIFY_RESUME);
                fault::consume(task);
                const Action a{kind, c, t, no_task, Fault::Resolved};
                sched::schedule(sc, n, c, t, Pc::LoopNotifyResume, a, emit, sched::Leave::Blocks);
            }
            State n = s;
            Task& task = n.task(t);
            task.clear_tif(kabi::TIF_NOTIFY_RESUME);
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterNotifyResume);
            if (!task.slowpath) {
                task.set_pc(after);
                emit(Action{kind, c, t, no_task, Fault::None}, n);
                return;
            }
            const bool event = task.sched_switch;
            task.sched_switch = 0;
            task.ids_changed = 0;
            task.slowpath = 0;
            task.fatal = 0;
            task.sampled_cpu = task.cpu;
            task.set_pc(event ? Pc::SlowpathUpdate : after);
            emit(Action{kind, c, t, no_task, Fault::None}.set_branch(Branch::Slowpath), n);
        });
    }
};

/// O2: rseq_exit_to_user_mode_restart(), IRQ-OFF. R1: with TIF_RSEQ in the snapshot and a
/// context switch recorded, the fast path updates user memory with page faults disabled; a
/// fault sends the task to the slow path (R1b) and around the loop. R2: arm the slice timer
/// (A1 may find the deadline passed and go around). Then the rseq exit hook and the return.
struct ExitRestart {
    static constexpr ActionKind kind = ActionKind::ExitRestart;
    static constexpr std::string_view name = "rseq_exit_to_user_mode_restart";
    static constexpr std::string_view kernel =
        "include/linux/rseq_entry.h:rseq_exit_to_user_mode_restart() -> "
        "rseq_exit_user_update() -> rseq_set_ids_get_csaddr(), rseq_slice_clear_grant(); "
        "rseq_arm_slice_extension_timer() -> kernel/rseq.c:__rseq_arm_slice_extension_timer() "
        "(spec 3.6, 3.7)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::ExitRestart, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            const bool fastpath = (task.ti_work & kabi::TIF_RSEQ) != 0 && task.sched_switch;
            if (!fastpath) {
                finish(sc, s, t, c, Fault::None, emit);
                return;
            }
            fault::for_each_rseq_outcome(task, /*can_sleep=*/false,
                                         [&](Fault f) { finish(sc, s, t, c, f, emit); });
        });
    }

private:
    template <class Emit>
    static void finish(const Scenario& sc, const State& s, TaskId t, CpuId c, Fault f, Emit& emit) {
        State n = s;
        Task& task = n.task(t);
        Action a{kind, c, t, no_task, f};
        if ((task.ti_work & kabi::TIF_RSEQ) != 0) {
            if (task.sched_switch && f != Fault::None) {  // R1b
                // The budget is not consumed: the same page is not present for P4, which
                // takes the fault again with page faults enabled (and pays for it there).
                task.slowpath = 1;
                if (sc.variant.has(VariantSwitch::MutFastpathFaultReturns)) {
                    return_to_user(sc, n, t);  // the failure is dropped on the floor
                    emit(a, n);
                    return;
                }
                task.set_tif(kabi::TIF_NOTIFY_RESUME);
                task.set_pc(Pc::LoopReread);
                emit(a, n);
                return;
            }
            bool reraised = false;
            if (task.sched_switch) {
                // R1b for a failure that is not the access's fault outcome: the slow path
                // (P2 clears event.fatal, P4 runs the update again with faults enabled)
                const auto to_slowpath = [&] {
                    task.slowpath = 1;
                    task.set_tif(kabi::TIF_NOTIFY_RESUME);
                    task.set_pc(Pc::LoopReread);
                    emit(a, n);
                };
                // F2: rseq_set_ids_get_csaddr() validates the user IDs first (debug key;
                // 82f57244: every V2 task); a mismatch sets event.fatal and writes nothing
                if (task.ids_changed && rseq::ids_checked(sc, s, t) && !rseq::ids_match(task)) {
                    task.fatal = 1;
                    to_slowpath();
                    return;
                }
                const bool was_granted = task.slice_granted;
                // rseq_exit_user_update(): with unchanged IDs (F1) a set rseq_cs always goes
                // to rseq_update_user_cs(); with changed IDs (F2) rseq_update_usr() looks at
                // the section only after an interrupt from user mode (or with the debug key).
                const bool cs_checked = !task.ids_changed || task.user_irq || sc.debug_key;
                // F1 with the debug key evaluates even a null rseq_cs: the debug evaluator
                // reads the descriptor at user address 0, which faults with page faults
                // disabled (model-part2.md 6.1.4); no fault budget is spent (the address is
                // never mapped, and P4 tests for null first)
                const bool debug_null_read = !task.ids_changed && sc.debug_key &&
                                             n.task_ext(t).get_rseq_cs() == RseqCs::Null;
                rseq::exit_user_update(sc, task, sc.rseq_v2(s, t));  // R1a fast path
                if (was_granted && !task.slice_granted)
                    n.cpu(c).ghost_erased_unrevoked = 0;  // spec 7.7: a silent revoke
                if (!task.slice_granted)                  // I1's ghost goes with the grant
                    n.task_ext(t).ghost_dispatched_since_grant = 0;
                if (cs_checked && n.task_ext(t).get_rseq_cs() != RseqCs::Null &&
                    rseq::update_user_cs(sc, n, t, rseq::CsCtx::FastPath) ==
                        rseq::CsResult::Fatal) {
                    // an invalid section: rseq_exit_user_update() returns false, R1b as for
                    // a fault (event.fatal set; P2 clears it and P4 finds the section again)
                    to_slowpath();
                    return;
                }
                if (debug_null_read) {
                    to_slowpath();
                    return;
                }
                reraised = rseq::reraise_after_revoke(sc, n, c, t, was_granted, /*fastpath=*/true);
            }
            task.clear_events();
            task.clear_tif(kabi::TIF_RSEQ);  // R1c
            // fix_revoke_reraises_resched, fix_fastpath_revoke_reraises: the loop runs again
            if (reraised) {
                a.set_branch(Branch::Reraise);
                task.set_pc(Pc::LoopReread);
                emit(a, n);
                return;
            }
        }
        if (slice_timer::arm_slice_extension_timer(sc, n, t, c)) {  // R2, A1
            a.set_branch(Branch::DeadlinePassed);
            task.set_pc(Pc::LoopReread);
            emit(a, n);
            return;
        }
        return_to_user(sc, n, t);
        emit(a, n);
    }
};

/// P4: rseq_update_usr() with page faults enabled: write the IDs sampled in P2, clear
/// slice_ctrl and the grant. A fault may sleep and retry; an unresolvable one is SIGSEGV.
struct SlowpathUpdate {
    static constexpr ActionKind kind = ActionKind::SlowpathUpdate;
    static constexpr std::string_view name = "rseq_slowpath_update_usr";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:rseq_slowpath_update_usr() -> rseq_update_usr() -> "
        "rseq_set_ids_get_csaddr(), rseq_slice_clear_grant() P4 (spec 3.11)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SlowpathUpdate, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            const Pc after =
                next_loop_pc(static_cast<std::uint8_t>(task.ti_work), LoopStage::AfterNotifyResume);
            fault::for_each_rseq_outcome(task, /*can_sleep=*/true, [&](Fault f) {
                State n = s;
                Task& nt = n.task(t);
                Action a{kind, c, t, no_task, f};
                if (f == Fault::Resolved) {  // handle_mm_fault() slept: the task blocked
                    fault::consume(nt);
                    sched::schedule(sc, n, c, t, Pc::SlowpathUpdate, a, emit, sched::Leave::Blocks);
                    return;
                }
                if (f == Fault::Unresolvable) {
                    fault::consume(nt);
                    fault::force_sigsegv(nt);
                } else if (rseq::ids_checked(sc, s, t) && !rseq::ids_match(nt)) {
                    // rseq_set_ids_get_csaddr()'s ID check (debug key; 82f57244: V2) failed:
                    // nothing written, rseq_slowpath_update_usr() clears event.error and
                    // forces SIGSEGV
                    fault::force_sigsegv(nt);
                } else {
                    rseq::write_ids(nt, static_cast<CpuId>(nt.sampled_cpu));
                    // rseq_update_usr() -> rseq_update_user_cs(), with GENERIC_IRQ_ENTRY only
                    // after an interrupt from user mode (P2 keeps user_irq) or with debug on;
                    // an invalid section is SIGSEGV (rseq_slowpath_update_usr())
                    if ((nt.user_irq || sc.debug_key) &&
                        n.task_ext(t).get_rseq_cs() != RseqCs::Null)
                        rseq::update_user_cs(sc, n, t, rseq::CsCtx::SlowPath);
                    const bool was_granted = nt.slice_granted;
                    rseq::reset_slice(sc, nt, sc.rseq_v2(s, t));
                    if (was_granted && !nt.slice_granted)
                        n.cpu(c).ghost_erased_unrevoked = 0;  // spec 7.7: a silent revoke
                    if (!nt.slice_granted)                    // I1's ghost goes with the grant
                        n.task_ext(t).ghost_dispatched_since_grant = 0;
                    // fix_revoke_reraises_resched (not fix_fastpath_revoke_reraises): the
                    // loop's re-read sees the request
                    rseq::reraise_after_revoke(sc, n, c, t, was_granted, /*fastpath=*/false);
                }
                nt.set_pc(after);
                emit(a, n);
            });
        });
    }
};

}  // namespace rseqcheck::exit_path
