#include "properties/fairness.h"

namespace rseqcheck::properties {

bool is_fair(ActionKind k) {
    switch (k) {
    // user space may stop at any time
    case ActionKind::SliceRequest:
    case ActionKind::SliceEnd:
    case ActionKind::UserWriteAny:
    case ActionKind::SyscallEnter:
    case ActionKind::UserException:
    case ActionKind::WaiterSleeps:
    case ActionKind::UserEnterRseqCs:
    case ActionKind::UserWriteRseqFields:
    case ActionKind::UserCommitRseqCs:
    // the environment, bounded by the scenario
    case ActionKind::IrqWakeup:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::RemoteWakeup:
    case ActionKind::Migrate:
    case ActionKind::TickPreemptFair:  // the backstop: not in the leads-to graph at all
        return false;
    // kernel code once entered, the scheduler, and the clock: each runs when it can
    case ActionKind::IpiResched:
    case ActionKind::SliceTimerFires:
    case ActionKind::ExitPrepare:
    case ActionKind::LoopResched:
    case ActionKind::GrantUserAccess:
    case ActionKind::GrantCommit:
    case ActionKind::GrantClearResched:
    case ActionKind::GrantClearFolded:
    case ActionKind::GrantRearm:
    case ActionKind::GrantRearmUnlock:
    case ActionKind::LoopSignal:
    case ActionKind::LoopNotifyResume:
    case ActionKind::SlowpathUpdate:
    case ActionKind::LoopReread:
    case ActionKind::ExitRestart:
    case ActionKind::SyscallEntryWork:
    case ActionKind::SyscallSliceRevoke:
    case ActionKind::SyscallSliceResched:
    case ActionKind::SyscallSliceClear:
    case ActionKind::SyscallBody:
    case ActionKind::SyscallTraceEnter:
    case ActionKind::SysPrctlRseqSlice:
    case ActionKind::SysClone:
    case ActionKind::SysExecve:
    case ActionKind::IdleSchedule:
    case ActionKind::SliceDeadlinePasses:
    case ActionKind::SysRseq:
    case ActionKind::RseqUnregisterResetIds:
    case ActionKind::RseqReset:
    case ActionKind::RseqResetRest:
        return true;
    }
    return true;  // not reached: every kind is listed (-Wswitch names a missing one)
}

bool is_backstop(ActionKind k) {
    return k == ActionKind::TickPreemptFair;
}

std::uint8_t fairness_class(const Action& a) {
    if (is_backstop(a.kind))
        return backstop_class;
    if (!is_fair(a.kind))
        return 0;
    const unsigned task = a.task == no_task ? max_tasks : a.task;
    return static_cast<std::uint8_t>(1U + static_cast<unsigned>(a.kind) * (max_tasks + 1) + task);
}

static_assert(1 + action_kind_count * (max_tasks + 1) < backstop_class,
              "fairness classes fit a byte below the backstop class");

}  // namespace rseqcheck::properties
