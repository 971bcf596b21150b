/// \file
/// The shape of a transition (STYLE.md 3): a type with a `name`, a `kernel` citation, its
/// ActionKind, and `expand()`, which tests the guard and emits one successor per
/// nondeterministic choice. Helpers shared by all kernel areas live here.
#pragma once

#include <concepts>
#include <string_view>

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck {

/// Receives one successor: `emit(const Action&, const State&)`.
template <class E>
concept Emitter = requires(E& e, const Action& a, const State& s) {
    e(a, s);
};

/// A step type. `expand` emits nothing when its guard does not hold.
template <class T>
concept Transition = requires(const Scenario& sc, const State& s) {
    { T::name } -> std::convertible_to<std::string_view>;
    { T::kernel } -> std::convertible_to<std::string_view>;
    { T::kind } -> std::convertible_to<ActionKind>;
};

/// Whether local interrupts are enabled while a task sits at `pc` (spec 3.3-3.9 IRQ-ON/OFF).
constexpr bool irqs_enabled_at(Pc pc) {
    switch (pc) {
    case Pc::User:
    case Pc::LoopResched:
    case Pc::GrantUserAccess:
    case Pc::GrantCommit:
    case Pc::GrantClearResched:  // rseq_entry.h: the granted store to the scoped_guard(irq)
    case Pc::GrantClearFolded:
    case Pc::GrantRearm:        // 7.1: the wrapper after G6's guard ended
    case Pc::GrantRearmLocked:  // pre_ada54c2b: a raw spinlock taken with interrupts on
    case Pc::LoopSignal:
    case Pc::LoopNotifyResume:
    case Pc::SlowpathUpdate:
    case Pc::LoopEnd:  // common.c: loop body done, local_irq_disable_exit_to_user() next
    case Pc::SyscallEntryWork:
    case Pc::SyscallSliceResched:
    case Pc::SyscallSliceClear:
    case Pc::SyscallBody:
    case Pc::SyscallTraceEnter:  // entry-common.h: syscall_trace_enter() runs IRQ-ON
    case Pc::RseqUnregister:     // rseq_reset_ids(): a user write with page faults enabled
    case Pc::RseqResetTorn:      // 7.0, pre_e9766e6f: rseq_reset()'s memset, unguarded
        return true;
    case Pc::ExitPrepare:
    case Pc::LoopReread:
    case Pc::ExitRestart:
    case Pc::SyscallSliceRevoke:
    case Pc::RseqReset:  // e9766e6f: guard(irqsave) around the memset
    case Pc::Dead:
        return false;
    }
    return false;
}

/// Calls f(TaskId, CpuId) for each task that is current on a CPU and sits at `pc`.
template <class F>
void for_each_current_at(const Scenario& sc, const State& s, Pc pc, F&& f) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
        if (t == idle_task || t >= sc.task_count())
            continue;
        if (s.task(t).get_pc() == pc)
            f(t, c);
    }
}

/// The work items of the inner exit loop after I2 (spec 3.4 I5, I6, then I8), in order.
enum class LoopStage : std::uint8_t { AfterResched, AfterSignal, AfterNotifyResume };

/// The next pc in __exit_to_user_mode_loop() for the snapshot `ti_work`, after `stage`.
/// Items whose bit is not in the snapshot are skipped, as the kernel's tests skip them.
/// After the last item the task still runs with interrupts on (LoopEnd) until
/// local_irq_disable_exit_to_user() and the re-read (kernel/entry/common.c).
constexpr Pc next_loop_pc(std::uint8_t ti_work, LoopStage stage) {
    if (stage == LoopStage::AfterResched && (ti_work & kabi::TIF_SIGPENDING) != 0)
        return Pc::LoopSignal;
    if (stage != LoopStage::AfterNotifyResume && (ti_work & kabi::TIF_NOTIFY_RESUME) != 0)
        return Pc::LoopNotifyResume;
    return Pc::LoopEnd;
}

/// Whether the scenario treats `t` as a slice user: a SliceUser, or a ForkChild slot (which
/// is Dead until sys_clone creates it, model/fork_exec.h).
inline bool is_slice_user(const Scenario& sc, TaskId t) {
    return sc.tasks[t].role == TaskRole::SliceUser || sc.tasks[t].role == TaskRole::ForkChild;
}

}  // namespace rseqcheck
