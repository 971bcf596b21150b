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
        return false;
    // EEVDF's tick on a used-up slice: fair, except on the task that owes what a check asks
    // for (leads_to_classes() leaves it out there)
    case ActionKind::TickPreemptFair:
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

namespace {

/// The weak-fairness class of a fair action kind run for `task` (1..tick_label_first - 1).
std::uint8_t kind_class(ActionKind k, TaskId task) {
    const unsigned t = task == no_task ? max_tasks : task;
    return static_cast<std::uint8_t>(1U + static_cast<unsigned>(k) * (max_tasks + 1) + t);
}

constexpr unsigned tick_label_first = 1 + action_kind_count * (max_tasks + 1);
constexpr unsigned obligation_sets = 1U << obligation_bits;

static_assert(tick_label_first + max_tasks * obligation_sets < checker::omitted_edge,
              "fairness classes and tick labels fit a byte below omitted_edge");

}  // namespace

std::uint8_t obligations_of(const State& s, TaskId t, CpuId c) {
    const Cpu& cpu = s.cpu(c);
    unsigned owed = 0;
    if (s.task(t).slice_granted && s.task(t).get_pc() != Pc::Dead)
        owed |= owes_grant_end;
    if (cpu.ghost_erased_unrevoked)
        owed |= owes_unrevoked_resched;
    if (cpu.ghost_resched_erased)
        owed |= owes_erased_resched;
    if (cpu.ghost_yield_unscheduled)
        owed |= owes_yield_schedule;
    return static_cast<std::uint8_t>(owed);
}

std::uint8_t edge_label(const State& source, const Action& a) {
    if (!is_fair(a.kind))
        return 0;
    if (a.kind == ActionKind::TickPreemptFair && a.task != no_task) {
        return static_cast<std::uint8_t>(tick_label_first + a.task * obligation_sets +
                                         obligations_of(source, a.task, a.cpu));
    }
    return kind_class(a.kind, a.task);
}

checker::EdgeClasses leads_to_classes(std::uint8_t obligation) {
    checker::EdgeClasses c = checker::EdgeClasses::identity();
    for (TaskId t = 0; t < max_tasks; ++t) {
        for (unsigned owed = 0; owed < obligation_sets; ++owed) {
            c.of[tick_label_first + t * obligation_sets + owed] =
                (owed & obligation) != 0 ? checker::omitted_edge
                                         : kind_class(ActionKind::TickPreemptFair, t);
        }
    }
    return c;
}

bool is_backstop(const State& source, const Action& a, std::uint8_t obligation) {
    return a.kind == ActionKind::TickPreemptFair && a.task != no_task &&
           (obligations_of(source, a.task, a.cpu) & obligation) != 0;
}

}  // namespace rseqcheck::properties
