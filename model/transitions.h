/// \file
/// The one list of transitions the checker expands, in a fixed order (it fixes the order of
/// successors, and so which of several shortest traces BFS reports).
#pragma once

#include <array>
#include <string_view>

#include "model/exit_to_user_mode.h"
#include "model/fork_exec.h"
#include "model/irq_entry.h"
#include "model/prctl.h"
#include "model/registration.h"
#include "model/sched.h"
#include "model/slice_grant.h"
#include "model/slice_timer.h"
#include "model/syscall.h"
#include "model/user.h"

namespace rseqcheck {

template <Transition... Ts>
struct Transitions {
    template <class Emit>
    static void for_each_successor(const Scenario& sc, const State& s, Emit& emit) {
        (Ts::expand(sc, s, emit), ...);
    }

    /// name and kernel citation of every transition, indexed by ActionKind.
    struct Info {
        ActionKind kind{};
        std::string_view name;
        std::string_view kernel;
    };
    static constexpr std::array<Info, sizeof...(Ts)> infos{{{Ts::kind, Ts::name, Ts::kernel}...}};
};

using AllTransitions = Transitions<
    // the task's own code, in kernel order
    exit_path::ExitPrepare, exit_path::LoopResched, grant::GrantUserAccess, grant::GrantCommit,
    grant::GrantClearResched, grant::GrantClearFolded, exit_path::LoopSignal,
    exit_path::LoopNotifyResume, exit_path::SlowpathUpdate, exit_path::LoopReread,
    exit_path::ExitRestart, syscall::SyscallEntryWork, syscall::SyscallSliceRevoke,
    syscall::SyscallSliceResched, syscall::SyscallSliceClear, syscall::SyscallBody,
    // user mode
    user::SliceRequest, user::SliceEnd, user::UserWriteAny, user::SyscallEnter, user::WaiterSleeps,
    irq::UserException, user::UserEnterRseqCs, user::UserCommitRseqCs,
    // interrupts on a CPU
    irq::IrqWakeup, irq::IrqTick, irq::IrqTaskWork, irq::IrqSignal, irq::IpiMembarrier,
    irq::IpiResched, slice_timer::SliceTimerFires, irq::TickPreemptFair,
    // environment
    sched::RemoteWakeup, sched::Migrate, sched::IdleSchedule, slice_timer::SliceDeadlinePasses,
    // kernel "7.1": the grant wrapper's deferred hrtimer rearm
    grant::GrantRearm, grant::GrantRearmUnlock,
    // syscall_trace_enter() after the slice work: ptrace, seccomp (model-part2.md 5.2)
    syscall::SyscallTraceEnter,
    // model-part2 area 4: the adversarial user's writes of rseq_cs and the IDs
    user::UserWriteRseqFields,
    // sys_rseq(): registration life cycle (model-part2.md area 2a)
    registration::SysRseq, registration::RseqUnregisterResetIds, registration::RseqReset,
    registration::RseqResetRest,
    // model-part2 areas 2b/2c: the prctl, clone and execve bodies
    prctl::SysPrctlRseqSlice, fork_exec::SysClone, fork_exec::SysExecve>;

static_assert(AllTransitions::infos.size() == action_kind_count);

/// The transition's snake_case name, e.g. "grant_clear_resched".
std::string_view action_name(ActionKind k);
/// Its kernel citation, `path:function()` plus the spec step.
std::string_view action_kernel(ActionKind k);
/// Parses a name back; nullopt when unknown.
bool parse_action_kind(std::string_view name, ActionKind& out);

}  // namespace rseqcheck
