/// \file
/// clone()/fork() and execve() as rseq sees them (model-part2.md 4.1, 4.2, D9): the child of
/// a fork inherits the parent's rseq state and memory, a CLONE_VM child starts unregistered,
/// a successful exec resets the task's rseq state and a failed one forces an ID update.
/// Kernel: kernel/fork.c:copy_process() -> include/linux/rseq.h:rseq_fork(),
/// kernel/sched/core.c:wake_up_new_task(), fs/exec.c:bprm_execve() ->
/// include/linux/rseq.h:rseq_execve(), rseq_force_update().
/// Spec: kernel-model-spec.md 3.15.
#pragma once

#include "model/rseq_reset.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::fork_exec {

/// The lowest ForkChild slot that holds no live task (never created, or its task exited),
/// or no_task.
inline TaskId free_fork_slot(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (sc.tasks[t].role == TaskRole::ForkChild && s.task(t).get_run() == Run::Exited)
            return t;
    }
    return no_task;
}

/// The user memory of an image with no registered rseq area: what a fresh thread's TLS
/// (CLONE_VM) or a new program (exec) holds where the model keeps struct rseq.
inline void fresh_user_area(State& s, TaskId t) {
    Task& task = s.task(t);
    task.usr_cpu_id_start = kabi::RSEQ_CPU_ID_UNINITIALIZED;
    task.usr_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
    task.usr_slice_request = 0;
    task.usr_slice_granted = 0;
    task.usr_slice_reserved = 0;
    task.usr_flags_enabled = 0;
    task.usr_in_cs = 0;
    task.kwrite_request = 0;
    task.kwrite_granted = 0;
    task.set_proto(UserProto::Idle);
    task.ghost_switched_since_grant = 0;
    s.task_ext(t).set_rseq_cs(RseqCs::Null);
    s.task_ext(t).ghost_cs_abort_due = 0;
}

/// The body of clone() in a slice user, then its syscall exit (as SyscallBody). The child is
/// the lowest free ForkChild slot (none: the clone fails, branch no_slot). A parent with a
/// signal pending (TIF_SIGPENDING: a signal sent, a SIGSEGV forced by a failed rseq write, a
/// SIGSYS) creates no child: copy_process() delivers such signals before the fork and
/// returns -ERESTARTNOINTR (branch signal_pending_erestartnointr; the signal is taken on the
/// way out, the restart after it is a later syscall of the bounds). Otherwise two branches:
///  - clone_vm (CLONE_VM, a thread): rseq_fork() resets the child's rseq (unregistered);
///    its own TLS area is not registered;
///  - fork: the child gets a copy of the parent's task->rseq (registration, enabled,
///    granted 0 since S6, yielded, the deadline, the ID cache, the events) and of its memory
///    (slice_ctrl as the parent left it, flags, IDs, rseq_cs), D9.
/// Both: the copied task has no TIF bit the model tracks and SYSCALL_RSEQ_SLICE clear (S1
/// cleared it); wake_up_new_task() -> __set_task_cpu() sets ids_changed, so the child's first
/// switch-in raises TIF_RSEQ; it is runnable on the parent's CPU (the load balancer may
/// move it) and starts at the syscall exit (ret_from_fork). Its budgets are what the parent
/// has left. wake_up_new_task() -> wakeup_preempt() may ask the parent to reschedule, as a
/// wakeup does (both outcomes for two fair tasks). Not inherited: the per-CPU slice timer
/// (its cookie names the parent).
/// mut_fork_copies_grant: the child gets the grant the parent held at syscall entry.
struct SysClone {
    static constexpr ActionKind kind = ActionKind::SysClone;
    static constexpr std::string_view name = "sys_clone";
    static constexpr std::string_view kernel =
        "kernel/fork.c:copy_process() -> include/linux/rseq.h:rseq_fork(), "
        "kernel/sched/core.c:wake_up_new_task()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallBody, [&](TaskId t, CpuId c) {
            if (s.task_ext(t).get_syscall() != Syscall::Clone)
                return;
            if (s.task(t).tif_set(kabi::TIF_SIGPENDING)) {  // copy_process(): task_sigpending()
                State n = s;
                n.task(t).set_pc(Pc::ExitPrepare);
                emit(
                    Action{kind, c, t, no_task, Fault::None}.set_branch(Branch::CloneSignalPending),
                    n);
                return;
            }
            const TaskId child = free_fork_slot(sc, s);
            if (child == no_task) {
                State n = s;
                n.task(t).set_pc(Pc::ExitPrepare);
                emit(Action{kind, c, t, no_task, Fault::None}.set_branch(Branch::CloneNoSlot), n);
                return;
            }
            for (const Branch b : {Branch::CloneVm, Branch::Fork}) {
                State n = s;
                n.task(t).set_pc(Pc::ExitPrepare);
                create_child(sc, n, t, child, b == Branch::CloneVm);
                const sched::WakeupPreempt choice = sched::wakeup_preempt(sc, n, c, child);
                for (const bool preempt : {true, false}) {
                    if (preempt ? !choice.may_preempt : !choice.may_decline)
                        continue;
                    State m = n;
                    if (preempt)
                        sched::resched_curr(sc, m, c, child, /*local=*/true);
                    emit(Action{kind, c, t, no_task, Fault::None, !preempt}.set_branch(b), m);
                }
            }
        });
    }

    /// copy_process() with rseq_fork(), then wake_up_new_task()'s placement.
    static void create_child(const Scenario& sc, State& n, TaskId parent, TaskId child,
                             bool clone_vm) {
        const Task& p = n.task(parent);
        Task& ct = n.task(child);
        ct = p;  // dup_task_struct(): the task, with task->rseq (rseq_fork() without CLONE_VM)
        n.task_ext(child) = n.task_ext(parent);
        ct.set_run(Run::Runnable);
        ct.set_pc(Pc::ExitPrepare);  // ret_from_fork -> syscall_exit_to_user_mode()
        ct.from_syscall = 1;
        ct.tif = 0;
        ct.ti_work = 0;
        ct.syscall_work_rseq_slice = 0;
        ct.user_irq = 0;
        ct.sigsegv = 0;  // a pending force_sig() is the parent's, not the child's
        ct.sampled_cpu = 0;
        ct.yield_ret = 0;
        ct.ghost_switched_since_grant = 0;
        ct.ghost_grant_at_syscall_entry = 0;
        n.task_ext(child).ghost_dispatched_since_grant = 0;
        n.task_ext(child).ghost_cs_abort_due = 0;
        if (sc.variant.has(VariantSwitch::MutForkCopiesGrant) && p.ghost_grant_at_syscall_entry) {
            // the copy made from the state before S4-S6 revoked the parent's grant
            ct.slice_granted = 1;
            ct.usr_slice_granted = 1;
            ct.kwrite_granted = 1;
        }
        if (clone_vm) {
            rseq::reset_task_rseq(n, child);  // rseq_fork(): CLONE_VM -> rseq_reset()
            fresh_user_area(n, child);
        }
        ct.ids_changed =
            1;  // wake_up_new_task() -> __set_task_cpu() -> rseq_sched_set_ids_changed()
    }
};

/// The body of execve(), then its syscall exit. exec_ok: bprm_execve() succeeded: the new
/// image has no rseq area (its memory as fresh_user_area() says) and rseq_execve() ->
/// rseq_reset() clears the task's rseq state; the model does the whole clear in this one
/// step (the torn, interruptible form of the unguarded memset is pre_e9766e6f's, modelled
/// for unregistration only: model-part2.md D10). exec_fail: a failure before the point of no
/// return: rseq_force_update(), which for a registered task sets ids_changed, sched_switch
/// and TIF_RSEQ, so its IDs are rewritten on the way out (39a16756). A failure past the point
/// of no return (a fatal SIGSEGV) is not modelled.
/// mut_exec_skips_reset: success without rseq_execve().
struct SysExecve {
    static constexpr ActionKind kind = ActionKind::SysExecve;
    static constexpr std::string_view name = "sys_execve";
    static constexpr std::string_view kernel =
        "fs/exec.c:bprm_execve() -> include/linux/rseq.h:rseq_execve() / rseq_force_update()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallBody, [&](TaskId t, CpuId c) {
            if (s.task_ext(t).get_syscall() != Syscall::Execve)
                return;
            {
                State n = s;
                if (!sc.variant.has(VariantSwitch::MutExecSkipsReset))
                    rseq::reset_task_rseq(n, t);  // rseq_execve(), has_rseq_v2 included
                fresh_user_area(n, t);
                n.task(t).set_pc(Pc::ExitPrepare);
                emit(Action{kind, c, t, no_task, Fault::None}.set_branch(Branch::ExecOk), n);
            }
            State n = s;
            if (n.task(t).has_rseq)  // rseq_force_update() tests has_rseq itself
                sched::rseq_force_update(n, t);
            n.task(t).set_pc(Pc::ExitPrepare);
            emit(Action{kind, c, t, no_task, Fault::None}.set_branch(Branch::ExecFail), n);
        });
    }
};

}  // namespace rseqcheck::fork_exec
