/// \file
/// The label of one model step: which transition, on which CPU, for which task, with which
/// nondeterministic choices (argument, fault, the task the scheduler switched to).
#pragma once

#include <cstdint>

#include "model/state.h"

namespace rseqcheck {

enum class ActionKind : std::uint8_t {
    // user mode of a task (model/user.h)
    SliceRequest,
    SliceEnd,
    UserWriteAny,
    SyscallEnter,
    UserException,
    WaiterSleeps,
    // interrupts and IPIs on a CPU (model/irq_entry.h, model/slice_timer.h)
    IrqWakeup,
    IrqTick,
    IrqTaskWork,
    IrqSignal,
    IpiMembarrier,
    IpiResched,
    SliceTimerFires,
    TickPreemptFair,
    // the exit-to-user path (model/exit_to_user_mode.h, slice_grant.h, rseq_slowpath.h)
    ExitPrepare,
    LoopResched,
    GrantUserAccess,
    GrantCommit,
    GrantClearResched,
    GrantClearFolded,
    LoopSignal,
    LoopNotifyResume,
    SlowpathUpdate,
    LoopReread,
    ExitRestart,
    // syscall entry and body (model/syscall.h)
    SyscallEntryWork,
    SyscallSliceRevoke,
    SyscallSliceResched,
    SyscallSliceClear,
    SyscallBody,
    // scheduler and environment (model/sched.h, model/slice_timer.h)
    RemoteWakeup,
    Migrate,
    IdleSchedule,
    SliceDeadlinePasses,
};
inline constexpr std::size_t action_kind_count =
    static_cast<std::size_t>(ActionKind::SliceDeadlinePasses) + 1;

/// How a faultable user access went (spec 3.18).
enum class Fault : std::uint8_t {
    None,          ///< the access succeeded
    Resolved,      ///< page fault resolved; the handler slept (a schedule point) and retried
    Unresolvable,  ///< -EFAULT: the caller's failure path (SIGSEGV, or the slow path)
};

inline constexpr TaskId no_task = 0xFF;

struct Action {
    ActionKind kind{};
    CpuId cpu = 0;          ///< the CPU the step runs on (target CPU for remote events)
    TaskId task = no_task;  ///< the task whose code runs, or that the event targets
    std::uint8_t arg = 0;   ///< per kind: syscall nr, written value, source CPU, ...
    TaskId next = no_task;  ///< the task schedule() switched to, when the step scheduled
    Fault fault = Fault::None;
    /// A wakeup for which wakeup_preempt() declined: no reschedule was asked (EEVDF).
    bool no_preempt = false;
    bool operator==(const Action&) const = default;
};

}  // namespace rseqcheck
