/// \file
/// Syscall entry with the slice extension's entry work (S1-S6), the syscall body
/// (rseq_slice_yield(), sched_yield(), getpid()) and the syscall exit work.
/// Kernel: kernel/rseq.c (rseq_syscall_enter_work(), sys_rseq_slice_yield(),
/// rseq_cancel_slice_extension_timer()), include/linux/entry-common.h
/// (syscall_enter_from_user_mode_work(), syscall_exit_to_user_mode()).
/// Spec: kernel-model-spec.md 3.3 (syscall return), 3.9, 7.10.
#pragma once

#include "model/fault.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::syscall {

/// S1-S3, IRQ-ON: with SYSCALL_RSEQ_SLICE set, note the grant and clear the work bit; in
/// debug mode validate the user word (mismatch: SIGSEGV, spec 7.2); no live grant: done (the
/// bit was stale). pre_dd0a0460 has no entry work at all.
struct SyscallEntryWork {
    static constexpr ActionKind kind = ActionKind::SyscallEntryWork;
    static constexpr std::string_view name = "rseq_syscall_enter_work";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:rseq_syscall_enter_work() S1-S3 (spec 3.9)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallEntryWork, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            if (!task.syscall_work_rseq_slice || sc.variant.has(VariantSwitch::PreDd0a0460)) {
                State n = s;
                n.task(t).set_pc(Pc::SyscallBody);
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
        const Pc next = granted ? Pc::SyscallSliceRevoke : Pc::SyscallBody;  // S3
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
                }
                task.set_pc(Pc::SyscallBody);
                emit(a, n);
            });
        });
    }
};

/// The syscall body, then syscall_exit_to_user_mode_work() and local_irq_disable():
/// rseq_slice_yield() returns `yielded` and clears it; sched_yield() schedules; getpid()
/// stands for any other syscall.
struct SyscallBody {
    static constexpr ActionKind kind = ActionKind::SyscallBody;
    static constexpr std::string_view name = "syscall_body";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:sys_rseq_slice_yield(), kernel/sched/syscalls.c:do_sched_yield(), "
        "include/linux/entry-common.h:syscall_exit_to_user_mode()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallBody, [&](TaskId t, CpuId c) {
            const Syscall nr = s.task_ext(t).get_syscall();
            // bodies of their own: model/prctl.h, model/fork_exec.h
            if (nr == Syscall::Prctl || nr == Syscall::Clone || nr == Syscall::Execve)
                return;
            State n = s;
            Task& task = n.task(t);
            Action a{kind, c, t, no_task, Fault::None};
            a.set_syscall(nr);
            if (nr == Syscall::RseqSliceYield) {
                task.yield_ret = task.slice_yielded;
                if (!sc.variant.has(VariantSwitch::MutYieldKeepsYielded))
                    task.slice_yielded = 0;
            }
            if (nr == Syscall::SchedYield) {
                sched::schedule(sc, n, c, t, Pc::ExitPrepare, a, emit, sched::Leave::Yields);
                return;
            }
            task.set_pc(Pc::ExitPrepare);
            emit(a, n);
        });
    }
};

}  // namespace rseqcheck::syscall
