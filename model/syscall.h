/// \file
/// Syscall entry with the slice extension's entry work (S1-S6), the syscall body
/// (rseq_slice_yield(), sched_yield(), getpid()) and the syscall exit work.
/// Kernel: kernel/rseq.c (rseq_syscall_enter_work(), sys_rseq_slice_yield(),
/// rseq_cancel_slice_extension_timer()), include/linux/entry-common.h
/// (syscall_enter_from_user_mode_work(), syscall_exit_to_user_mode()).
/// Spec: kernel-model-spec.md 3.3 (syscall return), 3.9, 7.10.
#pragma once

#include <array>
#include <cstddef>

#include "model/fault.h"
#include "model/rseq_fastpath.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::syscall {

/// Where a syscall goes after the slice work and Syscall User Dispatch: the ptrace and
/// seccomp part of syscall_trace_enter() when the task has either (model-part2.md 5.2),
/// else the body. Without them no step is added, so every scenario without
/// `ptrace`/`seccomp` keeps its state space.
inline Pc after_dispatch(const Scenario& sc, TaskId t) {
    return sc.tasks[t].traced() ? Pc::SyscallTraceEnter : Pc::SyscallBody;
}

/// fix_slice_work_before_sud (candidate patch for F6): syscall_trace_enter() calls
/// rseq_syscall_enter_work() before syscall_user_dispatch(). In the model a `sud` task then
/// comes back to SyscallEntryWork after the slice work (its work bit now clear), where the
/// dispatch decision is taken.
inline bool sud_after_slice_work(const Scenario& sc, TaskId t) {
    return sc.tasks[t].sud && sc.variant.has(VariantSwitch::FixSliceWorkBeforeSud);
}

/// Where a syscall goes after the slice work: after_dispatch(), or, with
/// fix_slice_work_before_sud, back to Syscall User Dispatch.
inline Pc after_slice_work(const Scenario& sc, TaskId t) {
    return sud_after_slice_work(sc, t) ? Pc::SyscallEntryWork : after_dispatch(sc, t);
}

/// S1-S3, IRQ-ON: with SYSCALL_RSEQ_SLICE set, note the grant and clear the work bit; in
/// debug mode validate the user word (mismatch: SIGSEGV, spec 7.2); no live grant: done (the
/// bit was stale). pre_dd0a0460 has no entry work at all.
/// With `sud`, Syscall User Dispatch runs first in syscall_trace_enter() (entry-common.h:
/// "This must comes first"), and its decision is a choice: not dispatched (the IP is in the
/// allowed region, or the selector says ALLOW: S1-S3 as above), dispatched (selector BLOCK or
/// none: trigger_sigsys() forces a catchable SIGSYS), or fatal (the selector read faults, or
/// its value is neither ALLOW nor BLOCK: force_exit_sig()). A dispatched syscall returns -1 at
/// once: S1-S6, ptrace, seccomp and the body are skipped, the grant, the work bit and the timer
/// stay (spec 7.5, model-part2.md 5.1). Not modelled: the selector's __get_user() may sleep
/// on a page fault, a context switch with the grant live before S1 (and so before S4 looks
/// at sched_switch). On PREEMPT_FULL an interrupt that preempts at this step reaches the
/// same kind of state (EntryNeighbours.SudSelectorReadSleepKeepsTheGrant); on PREEMPT_NONE
/// and VOLUNTARY the model has no switch point here (docs/model-map.md, known gaps).
struct SyscallEntryWork {
    static constexpr ActionKind kind = ActionKind::SyscallEntryWork;
    static constexpr std::string_view name = "rseq_syscall_enter_work";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:rseq_syscall_enter_work() S1-S3 (spec 3.9); with sud, first "
        "kernel/entry/syscall_user_dispatch.c:syscall_user_dispatch()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallEntryWork, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            const bool no_slice_work =
                !task.syscall_work_rseq_slice || sc.variant.has(VariantSwitch::PreDd0a0460);
            // fix_slice_work_before_sud: the dispatch comes once the slice work is done
            if (sc.tasks[t].sud && (no_slice_work || !sud_after_slice_work(sc, t)))
                dispatch(s, t, c, emit);
            if (no_slice_work) {
                State n = s;
                n.task(t).set_pc(after_dispatch(sc, t));
                emit(Action{kind, c, t, no_task, Fault::None}, n);
                return;
            }
            if (!sc.debug_key) {
                enter_work(sc, s, t, c, Fault::None, emit);
                return;
            }
            // S2's get_user() runs with page faults enabled (kernel/rseq.c:
            // rseq_slice_validate_ctrl()): it may sleep, or fail into force_sig(SIGSEGV).
            fault::for_each_outcome(task, /*can_sleep=*/true,
                                    [&](Fault f) { enter_work(sc, s, t, c, f, emit); });
        });
    }

private:
    /// kernel/entry/syscall_user_dispatch.c:syscall_user_dispatch() returning true: the
    /// dispatched and the fatal outcome. Both skip everything up to the syscall exit work
    /// (syscall_nr := None, so the body does nothing and the exit work still runs, as
    /// rseq_debug_syscall_return() does for a dispatched syscall).
    template <class Emit>
    static void dispatch(const State& s, TaskId t, CpuId c, Emit& emit) {
        for (const Branch b : {Branch::Dispatched, Branch::DispatchFatal}) {
            State n = s;
            Task& task = n.task(t);
            if (b == Branch::Dispatched) {
                task.set_tif(kabi::TIF_SIGPENDING);  // trigger_sigsys() -> force_sig_info()
                // I1's exception (finding F6): the grant outlives this syscall
                if (task.slice_granted)
                    n.task_ext(t).ghost_dispatched_since_grant = 1;
            } else {
                fault::force_sigsegv(task);  // force_exit_sig(SIGSEGV or SIGSYS): fatal
            }
            n.task_ext(t).set_syscall(Syscall::None);  // return -1L: syscall_rollback()
            // I14's premise (spec I14: "no Syscall User Dispatch redirection"): the ghost
            // records a grant at the entry of a syscall whose slice work runs.
            task.ghost_grant_at_syscall_entry = 0;
            task.set_pc(Pc::SyscallBody);
            emit(Action{kind, c, t, no_task, Fault::None}.set_branch(b), n);
        }
    }

    /// S1-S3 with S2's user read going as `f`. A sleep in the read changes nothing that the
    /// comparison reads (only the task itself writes its rseq area and its grant), so the
    /// comparison is made at once and the task then blocks until the page is in.
    template <class Emit>
    static void enter_work(const Scenario& sc, const State& s, TaskId t, CpuId c, Fault f,
                           Emit& emit) {
        State n = s;
        Task& task = n.task(t);
        Action a{kind, c, t, no_task, f};
        const bool granted = task.slice_granted;  // S1
        task.syscall_work_rseq_slice = 0;
        if (f != Fault::None)
            fault::consume(task);
        const bool mismatch = task.usr_slice_request || task.usr_slice_reserved ||
                              task.usr_slice_granted != task.slice_granted;
        if (sc.debug_key && (f == Fault::Unresolvable || mismatch)) {
            fault::force_sigsegv(task);  // S2: rseq_slice_validate_ctrl()
            a.set_branch(Branch::Sigsegv);
        }
        if (granted)
            a.set_branch(Branch::Revoke);
        const Pc next = granted ? Pc::SyscallSliceRevoke : after_slice_work(sc, t);  // S3
        if (f == Fault::Resolved) {
            sched::schedule(sc, n, c, t, next, a, emit, sched::Leave::Blocks);
            return;
        }
        task.set_pc(next);
        emit(a, n);
    }
};

/// S4, preemption off: cancel this CPU's slice timer if it is ours; if the task was not
/// rescheduled since the grant (no sched_switch event), request a reschedule and record
/// whether this is rseq_slice_yield() (yielded) or another syscall (an abort).
struct SyscallSliceRevoke {
    static constexpr ActionKind kind = ActionKind::SyscallSliceRevoke;
    static constexpr std::string_view name = "rseq_syscall_revoke_slice";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:rseq_syscall_enter_work() S4 (rseq_cancel_slice_extension_timer())";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallSliceRevoke, [&](TaskId t, CpuId c) {
            State n = s;
            Task& task = n.task(t);
            Cpu& cpu = n.cpu(c);
            if (!sc.variant.has(VariantSwitch::Pre0ac3b5c3) && cpu.slice_timer_cookie == t)
                cpu.slice_timer_armed = 0;  // hrtimer_try_to_cancel()
            if (!task.sched_switch) {
                const bool yield = n.task_ext(t).get_syscall() == Syscall::RseqSliceYield;
                if (!(yield && sc.variant.has(VariantSwitch::MutYieldNoResched)))
                    sched::set_need_resched_current(n, c);
                if (yield) {
                    task.slice_yielded = 1;
                    n.task_ext(t).ghost_yield_skipped = 0;  // recorded for this syscall
                    n.cpu(c).ghost_yield_unscheduled = 1;
                }
            }
            task.set_pc(Pc::SyscallSliceResched);
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// End of S4's preempt-off scope (PREEMPT_FULL/LAZY/RT reschedule here) and S5
/// cond_resched() (NONE/VOLUNTARY). Both test the folded PREEMPT_NEED_RESCHED bit, not the
/// TIF bit (preempt_enable() -> preempt_count_dec_and_test(), cond_resched() ->
/// should_resched(0) on x86): a remote request whose IPI is still pending does not
/// schedule here; its IPI does, when it lands. The scheduler may pick the task again
/// (EEVDF: the waiter may not be eligible), so this is a yield.
struct SyscallSliceResched {
    static constexpr ActionKind kind = ActionKind::SyscallSliceResched;
    static constexpr std::string_view name = "rseq_syscall_relinquish_cpu";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:rseq_syscall_enter_work() S4 scope end / S5 cond_resched()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallSliceResched, [&](TaskId t, CpuId c) {
            Action a{kind, c, t, no_task, Fault::None};
            if (s.cpu(c).preempt_need_resched) {
                a.set_branch(Branch::Schedule);
                sched::schedule(sc, s, c, t, Pc::SyscallSliceClear, a, emit, sched::Leave::Yields);
                return;
            }
            State n = s;
            n.task(t).set_pc(Pc::SyscallSliceClear);
            emit(a, n);
        });
    }
};

/// S6: granted := 0, then put_user(0, &rseq->slice_ctrl.all) (faultable; failure: SIGSEGV).
struct SyscallSliceClear {
    static constexpr ActionKind kind = ActionKind::SyscallSliceClear;
    static constexpr std::string_view name = "rseq_syscall_clear_slice";
    static constexpr std::string_view kernel = "kernel/rseq.c:rseq_syscall_enter_work() S6";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallSliceClear, [&](TaskId t, CpuId c) {
            fault::for_each_outcome(s.task(t), /*can_sleep=*/true, [&](Fault f) {
                State n = s;
                Task& task = n.task(t);
                task.slice_granted = 0;
                Action a{kind, c, t, no_task, f};
                if (f == Fault::Resolved) {  // handle_mm_fault() slept: the task blocked
                    fault::consume(task);
                    sched::schedule(sc, n, c, t, Pc::SyscallSliceClear, a, emit,
                                    sched::Leave::Blocks);
                    return;
                }
                if (f == Fault::Unresolvable) {
                    fault::consume(task);
                    fault::force_sigsegv(task);
                } else if (!sc.variant.has(VariantSwitch::MutSyscallSkipsUserClear)) {
                    task.usr_slice_request = 0;
                    task.usr_slice_granted = 0;
                    task.usr_slice_reserved = 0;
                    task.kwrite_request = 0;
                    task.kwrite_granted = 0;
                    task.ghost_switched_since_grant = 0;
                    n.task_ext(t).ghost_dispatched_since_grant = 0;
                }
                task.set_pc(after_slice_work(sc, t));
                emit(a, n);
            });
        });
    }
};

/// The syscall body, then syscall_exit_to_user_mode_work() and local_irq_disable():
/// rseq_slice_yield() returns `yielded` and clears it; sched_yield() schedules; getpid()
/// stands for any other syscall. With the debug key, syscall_exit_to_user_mode_work() first
/// runs rseq_debug_syscall_return() for a registered task (model-part2.md 6.1.5): its
/// get_user() of rseq_cs may fault (sleep, or fail into SIGSEGV); a non-null rseq_cs goes
/// to the debug evaluator, which kills a task whose IP is inside a section (no user_irq in
/// a syscall) and clears one it is outside of.
struct SyscallBody {
    static constexpr ActionKind kind = ActionKind::SyscallBody;
    static constexpr std::string_view name = "syscall_body";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:sys_rseq_slice_yield(), kernel/sched/syscalls.c:do_sched_yield(), "
        "include/linux/entry-common.h:syscall_exit_to_user_mode() -> "
        "syscall_exit_to_user_mode_work() -> kernel/rseq.c:__rseq_debug_syscall_return()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallBody, [&](TaskId t, CpuId c) {
            const Syscall nr = s.task_ext(t).get_syscall();
            // bodies of their own: model/registration.h, model/prctl.h, model/fork_exec.h
            if (nr == Syscall::Rseq || nr == Syscall::Prctl || nr == Syscall::Clone ||
                nr == Syscall::Execve)
                return;
            if (!debug_return(sc, s, t)) {
                body(sc, s, t, c, Fault::None, emit);
                return;
            }
            fault::for_each_outcome(s.task(t), /*can_sleep=*/true,
                                    [&](Fault f) { body(sc, s, t, c, f, emit); });
        });
    }

private:
    /// rseq_debug_syscall_return() does anything: the debug key, and has_rseq.
    static bool debug_return(const Scenario& sc, const State& s, TaskId t) {
        return sc.debug_key && s.task(t).has_rseq;
    }

    /// The body, then the debug syscall return with its get_user() going as `f`. A sleep in
    /// that read changes nothing the evaluation reads (rseq_cs, the user IP and user_irq are
    /// the task's own), so it is made at once and the task then blocks; a sleep after
    /// sched_yield() is the one schedule() of the step.
    template <class Emit>
    static void body(const Scenario& sc, const State& s, TaskId t, CpuId c, Fault f, Emit& emit) {
        State n = s;
        Task& task = n.task(t);
        Action a{kind, c, t, no_task, f};
        const Syscall nr = n.task_ext(t).get_syscall();
        a.set_syscall(nr);
        if (nr == Syscall::RseqSliceYield) {
            task.yield_ret = task.slice_yielded;
            if (!sc.variant.has(VariantSwitch::MutYieldKeepsYielded)) {
                task.slice_yielded = 0;
                n.task_ext(t).ghost_yield_skipped = 0;
            }
        }
        if (debug_return(sc, s, t)) {
            if (f != Fault::None)
                fault::consume(task);
            if (f == Fault::Unresolvable) {
                fault::force_sigsegv(task);  // get_user() failed: force_sig(SIGSEGV)
            } else if (n.task_ext(t).get_rseq_cs() != RseqCs::Null) {
                rseq::update_user_cs(sc, n, t, rseq::CsCtx::DebugSyscallReturn);
            }
        }
        if (f == Fault::Resolved) {
            sched::schedule(sc, n, c, t, Pc::ExitPrepare, a, emit, sched::Leave::Blocks);
            return;
        }
        if (nr == Syscall::SchedYield) {
            sched::schedule(sc, n, c, t, Pc::ExitPrepare, a, emit, sched::Leave::Yields);
            return;
        }
        task.set_pc(Pc::ExitPrepare);
        emit(a, n);
    }
};

/// syscall_trace_enter() after the slice work, IRQ-ON (include/linux/entry-common.h), for a
/// task with `ptrace` or `seccomp` (model-part2.md 5.2). First ptrace: with PTRACE_SYSCALL,
/// ptrace_report_syscall_entry() stops the task for its tracer (a sleep of unbounded length,
/// as a resolved page fault: sched::Leave::Blocks); the tracer then lets the syscall run,
/// skips it (a non-zero return, or SYSEMU: -1), rewrites its number (here to getpid() or
/// rseq_slice_yield()), or kills the task (SIGKILL: the stop returns with a fatal signal
/// pending, -1). A tracer that is not tracing syscalls at this point lets it pass without a
/// stop. Then seccomp, __secure_computing(), on the (possibly rewritten) number: allow; skip
/// (ERRNO, TRAP: -1); USER_NOTIF (sleep until the supervisor continues the syscall or fails
/// it); kill. The number that the slice work saw is the one read before either could change
/// it, so a skipped or rewritten rseq_slice_yield() keeps the `yielded` that S4 set (D7,
/// finding F5).
/// One step: the two sleeps of a ptrace stop followed by a USER_NOTIF wait are taken as one
/// block (nothing of rseq runs between them: the grant was revoked by S6 before). A seccomp
/// kill is do_exit() inside __secure_computing(); the model marks the fatal signal
/// (`sigsegv`) and the task dies at its exit loop's signal step, before any return to user
/// (a syscall return cannot be granted: G1).
struct SyscallTraceEnter {
    static constexpr ActionKind kind = ActionKind::SyscallTraceEnter;
    static constexpr std::string_view name = "syscall_trace_enter";
    static constexpr std::string_view kernel =
        "include/linux/entry-common.h:syscall_trace_enter() -> ptrace_report_syscall_entry(), "
        "kernel/seccomp.c:__secure_computing()";

    /// What the task's tracer and filter did with one syscall.
    struct Outcome {
        bool sleep = false;          ///< a ptrace stop or a USER_NOTIF wait
        Syscall nr = Syscall::None;  ///< the number the body runs (None: skipped)
        bool kill = false;           ///< a fatal signal (SIGKILL, SECCOMP_RET_KILL_*)
        bool operator==(const Outcome&) const = default;
    };

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallTraceEnter, [&](TaskId t, CpuId c) {
            const Syscall nr = s.task_ext(t).get_syscall();
            std::array<Outcome, 16> outcomes{};
            std::size_t count = 0;
            for_each_outcome(sc.tasks[t], nr, [&](const Outcome& o) {
                for (std::size_t i = 0; i < count; ++i) {
                    if (outcomes[i] == o)
                        return;
                }
                outcomes[count++] = o;
            });
            for (std::size_t i = 0; i < count; ++i) {
                const Outcome& o = outcomes[i];
                State n = s;
                Task& task = n.task(t);
                n.task_ext(t).set_syscall(o.nr);
                // fix_yield_recorded_after_seccomp (candidate patch for F5): the skip returns
                // and the re-read number of syscall_trace_enter() drop the `yielded` that S4
                // recorded unless the syscall runs as rseq_slice_yield()
                if (sc.variant.has(VariantSwitch::FixYieldRecordedAfterSeccomp) &&
                    o.nr != Syscall::RseqSliceYield)
                    task.slice_yielded = 0;
                // I15's exception (finding F5): the `yielded` that S4 recorded for this
                // rseq_slice_yield() outlives it, since its body does not run
                if (task.slice_yielded && nr == Syscall::RseqSliceYield &&
                    o.nr != Syscall::RseqSliceYield && !o.kill)
                    n.task_ext(t).ghost_yield_skipped = 1;
                if (o.kill)
                    fault::force_sigsegv(task);  // the model's fatal signal pending
                Action a{kind, c, t, no_task, Fault::None};
                a.set_branch(branch_of(o, nr));
                if (o.sleep) {  // ptrace_stop() / seccomp_do_user_notification(): blocks
                    sched::schedule(sc, n, c, t, Pc::SyscallBody, a, emit, sched::Leave::Blocks);
                    continue;
                }
                task.set_pc(Pc::SyscallBody);
                emit(a, n);
            }
        });
    }

private:
    static Branch branch_of(const Outcome& o, Syscall entered) {
        if (o.kill)
            return o.sleep ? Branch::SleepKill : Branch::Kill;
        if (o.nr == Syscall::None)
            return o.sleep ? Branch::SleepSkip : Branch::Skip;
        if (!o.sleep)
            return Branch::None;
        return o.nr == entered ? Branch::SleepRun : Branch::SleepRewrite;
    }

    /// Calls f(Outcome) for each thing ptrace, then seccomp, may do with syscall `nr`.
    template <class F>
    static void for_each_outcome(const TaskConfig& cfg, Syscall nr, F&& f) {
        const auto seccomp = [&](Outcome o) {
            f(o);  // no filter, or the filter allows
            switch (cfg.seccomp) {
            case SeccompMode::None:
                return;
            case SeccompMode::Skip:
                f(Outcome{o.sleep, Syscall::None, false});
                return;
            case SeccompMode::Notify:
                f(Outcome{true, o.nr, false});
                f(Outcome{true, Syscall::None, false});
                return;
            case SeccompMode::Kill:
                f(Outcome{o.sleep, Syscall::None, true});
                return;
            }
        };
        seccomp(Outcome{false, nr, false});  // no syscall-entry stop
        if (!cfg.ptrace)
            return;
        seccomp(Outcome{true, nr, false});       // the tracer continues it
        f(Outcome{true, Syscall::None, false});  // the tracer skips it: -1
        f(Outcome{true, Syscall::None, true});   // the tracer kills the task
        for (const Syscall to : {Syscall::RseqSliceYield, Syscall::Getpid}) {
            if (to != nr)
                seccomp(Outcome{true, to, false});  // the tracer rewrote orig_ax
        }
    }
};

}  // namespace rseqcheck::syscall
