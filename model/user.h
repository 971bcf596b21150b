/// \file
/// User mode: the slice user's documented protocol (Documentation/userspace-api/rseq.rst:
/// set request, critical work, clear request, yield if granted), its syscalls, the
/// adversarial user writing any value, and the waiter going to sleep.
/// Spec: kernel-model-spec.md 3.1 (U1-U8).
#pragma once

#include "model/fork_exec.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::user {

/// Calls f(TaskId, CpuId) for each slice user running in user mode.
template <class F>
void for_each_slice_user_in_user_mode(const Scenario& sc, const State& s, F&& f) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
        if (t == idle_task || t >= sc.task_count() || !is_slice_user(sc, t))
            continue;
        if (s.task(t).in_user())
            f(t, c);
    }
}

/// U1: slice_ctrl.request := 1 before the critical work (a byte store).
struct SliceRequest {
    static constexpr ActionKind kind = ActionKind::SliceRequest;
    static constexpr std::string_view name = "user_set_slice_request";
    static constexpr std::string_view kernel =
        "user space: rseq->slice_ctrl.request = 1 (Documentation/userspace-api/rseq.rst)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (sc.adversarial)
            return;  // the adversarial user writes through UserWriteAny instead
        for_each_slice_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            if (task.get_proto() != UserProto::Idle || task.user_writes_left == 0 ||
                !task.slice_enabled)
                return;
            State n = s;
            Task& nt = n.task(t);
            nt.user_writes_left = (nt.user_writes_left - 1U) & 0x7U;
            nt.usr_slice_request = 1;
            nt.set_proto(UserProto::Critical);
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// U2 + U3: the critical work is done: clear the request, then read granted. Granted set:
/// the protocol says call rseq_slice_yield(); both clear: nothing to do (spec 3.1).
struct SliceEnd {
    static constexpr ActionKind kind = ActionKind::SliceEnd;
    static constexpr std::string_view name = "user_clear_slice_request";
    static constexpr std::string_view kernel =
        "user space: rseq->slice_ctrl.request = 0; read slice_ctrl.granted (rseq.rst)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_slice_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            if (s.task(t).get_proto() != UserProto::Critical)
                return;
            State n = s;
            Task& nt = n.task(t);
            nt.usr_slice_request = 0;
            nt.set_proto(nt.usr_slice_granted ? UserProto::MustYield : UserProto::Idle);
            emit(Action{kind, c, t, no_task, Fault::None}.set_granted(nt.usr_slice_granted != 0),
                 n);
        });
    }
};

/// U8, adversarial user only: any value of slice_ctrl (request, granted, reserved bytes).
struct UserWriteAny {
    static constexpr ActionKind kind = ActionKind::UserWriteAny;
    static constexpr std::string_view name = "user_write_slice_ctrl";
    static constexpr std::string_view kernel = "user space: rseq->slice_ctrl.all = <any>";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (!sc.adversarial)
            return;
        for_each_slice_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            if (task.user_writes_left == 0)
                return;
            for (std::uint8_t v = 0; v < 8; ++v) {
                State n = s;
                Task& nt = n.task(t);
                nt.user_writes_left = (nt.user_writes_left - 1U) & 0x7U;
                nt.usr_slice_request = v & 1U;
                nt.usr_slice_granted = (v >> 1U) & 1U;
                nt.usr_slice_reserved = (v >> 2U) & 1U;
                emit(Action{kind, c, t, no_task, Fault::None}.set_slice_ctrl(v), n);
            }
        });
    }
};

/// Calls f(TaskId, CpuId) for each task that enters rseq critical sections (`cs_user`)
/// running in user mode.
template <class F>
void for_each_cs_user_in_user_mode(const Scenario& sc, const State& s, F&& f) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
        if (t == idle_task || t >= sc.task_count() || !sc.tasks[t].cs_user)
            continue;
        if (s.task(t).in_user() && s.task(t).has_rseq)
            f(t, c);
    }
}

/// U4: user space enters an rseq critical section: it stores the descriptor's address to
/// rseq->rseq_cs ([1] of the algorithm in kernel/rseq.c's header comment) and runs on to
/// start_ip, so that the IP is inside the section. A valid descriptor; with
/// `adversarial_fields` any non-null one (RseqCs). Spends a user write.
struct UserEnterRseqCs {
    static constexpr ActionKind kind = ActionKind::UserEnterRseqCs;
    static constexpr std::string_view name = "user_enter_rseq_cs";
    static constexpr std::string_view kernel =
        "user space: rseq->rseq_cs = &descriptor, then start_ip (kernel/rseq.c header comment)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_cs_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            if (task.usr_in_cs || task.user_writes_left == 0)
                return;
            for (const RseqCs cs :
                 {RseqCs::Valid, RseqCs::BadAbort, RseqCs::KernelAddr, RseqCs::DebugOnlyBad}) {
                if (cs != RseqCs::Valid && !sc.adversarial_fields)
                    break;
                State n = s;
                Task& nt = n.task(t);
                nt.user_writes_left = (nt.user_writes_left - 1U) & 0x7U;
                nt.usr_in_cs = 1;
                n.task_ext(t).set_rseq_cs(cs);
                emit(Action{kind, c, t, no_task, Fault::None}.set_rseq_cs(cs), n);
            }
        });
    }
};

/// U5: the section's last instruction (the commit) runs: the IP is at post_commit_ip,
/// outside the section. rseq_cs keeps pointing at the descriptor: user code does not clear
/// it, the kernel clears it lazily (rseq_update_user_cs()'s "clear").
struct UserCommitRseqCs {
    static constexpr ActionKind kind = ActionKind::UserCommitRseqCs;
    static constexpr std::string_view name = "user_commit_rseq_cs";
    static constexpr std::string_view kernel =
        "user space: the commit instruction before post_commit_ip (kernel/rseq.c header comment)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_cs_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            if (!s.task(t).usr_in_cs)
                return;
            State n = s;
            n.task(t).usr_in_cs = 0;
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// U8 (model-part2.md 4.3), adversarial user with `write_rseq_fields` only: overwrite
/// rseq->cpu_id_start with any other value (3 is RSEQ_CPU_ID_UNINITIALIZED) or rseq->rseq_cs
/// with any other descriptor; the IP stays where it is, so a null rseq_cs leaves no section
/// around it. Spends a user write. (The `flags` word is not written here.)
struct UserWriteRseqFields {
    static constexpr ActionKind kind = ActionKind::UserWriteRseqFields;
    static constexpr std::string_view name = "user_write_rseq_fields";
    static constexpr std::string_view kernel =
        "user space: rseq->cpu_id_start = <any>, rseq->rseq_cs = <any> (include/uapi/linux/rseq.h)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        if (!sc.write_rseq_fields)
            return;
        for_each_cs_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            if (task.user_writes_left == 0)
                return;
            const auto spend = [](Task& nt) {
                nt.user_writes_left = (nt.user_writes_left - 1U) & 0x7U;
            };
            for (unsigned v = 0; v <= task_field_max::usr_cpu_id_start; ++v) {
                if (v == task.usr_cpu_id_start)
                    continue;
                State n = s;
                spend(n.task(t));
                n.task(t).usr_cpu_id_start = v & task_field_max::usr_cpu_id_start;
                emit(Action{kind, c, t, no_task, Fault::None}.set_rseq_field(
                         rseq_field_cpu_id_start(v)),
                     n);
            }
            for (const RseqCs cs : {RseqCs::Null, RseqCs::Valid, RseqCs::BadAbort,
                                    RseqCs::KernelAddr, RseqCs::DebugOnlyBad}) {
                if (cs == s.task_ext(t).get_rseq_cs())
                    continue;
                State n = s;
                spend(n.task(t));
                n.task_ext(t).set_rseq_cs(cs);
                if (cs == RseqCs::Null)
                    n.task(t).usr_in_cs = 0;
                emit(
                    Action{kind, c, t, no_task, Fault::None}.set_rseq_field(rseq_field_rseq_cs(cs)),
                    n);
            }
        });
    }
};

/// U6: syscall entry. enter_from_user_mode() takes no rseq action and user_irq stays clear;
/// with interrupts enabled the entry work runs next.
struct SyscallEnter {
    static constexpr ActionKind kind = ActionKind::SyscallEnter;
    static constexpr std::string_view name = "syscall_enter_from_user_mode";
    static constexpr std::string_view kernel =
        "include/linux/entry-common.h:syscall_enter_from_user_mode() (spec 3.9)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_slice_user_in_user_mode(sc, s, [&](TaskId t, CpuId c) {
            const Task& task = s.task(t);
            if (task.syscalls_left == 0)
                return;
            for (std::size_t i = 1; i < syscall_count; ++i) {
                // The protocol calls rseq_slice_yield() after seeing granted; other calls
                // may come at any time. sched_yield() is the abort path of the selftest.
                const auto nr = static_cast<Syscall>(i);
                if (!sc.syscall_kinds.has(nr))
                    continue;
                // clone() only while a fork-child slot is free (model/fork_exec.h)
                if (nr == Syscall::Clone && fork_exec::free_fork_slot(sc, s) == no_task)
                    continue;
                State n = s;
                Task& nt = n.task(t);
                nt.syscalls_left = (nt.syscalls_left - 1U) & 0x7U;
                n.task_ext(t).set_syscall(nr);
                nt.from_syscall = 1;
                nt.ghost_grant_at_syscall_entry = nt.slice_granted;
                if (nt.get_proto() == UserProto::MustYield && nr == Syscall::RseqSliceYield)
                    nt.set_proto(UserProto::Idle);
                nt.set_pc(Pc::SyscallEntryWork);
                n.cpu(c).ghost_resched_erased = 0;  // I12: the task entered a syscall
                n.cpu(c).ghost_erased_unrevoked = 0;
                emit(Action{kind, c, t, no_task, Fault::None}.set_syscall(nr), n);
            }
        });
    }
};

/// The waiter blocks again (a sleeping syscall): it leaves the CPU to the next task.
struct WaiterSleeps {
    static constexpr ActionKind kind = ActionKind::WaiterSleeps;
    static constexpr std::string_view name = "waiter_sleeps";
    static constexpr std::string_view kernel = "kernel/sched/core.c:schedule() (task blocks)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for (CpuId c = 0; c < sc.cpus; ++c) {
            const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
            if (t == idle_task || t >= sc.task_count() || is_slice_user(sc, t))
                continue;
            if (!s.task(t).in_user())
                continue;
            sched::schedule(sc, s, c, t, Pc::User, Action{kind, c, t, no_task, Fault::None}, emit,
                            sched::Leave::Sleeps);
        }
    }
};

}  // namespace rseqcheck::user
