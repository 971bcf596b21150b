/// \file
/// Read/write footprints of the transitions, for partial-order reduction (LTSmin's
/// dependency matrix, per step instance). A footprint names fields of State per owner: each
/// task, each CPU, and the global budget. It is declared here, next to the model, by
/// reading the transitions' code: footprint(sc, s, a) is what step `a` (as emitted from
/// `s`) reads and writes. tests/checker/reduction_footprint_test.cpp checks every
/// declaration on random reachable states: the fields a step changed are declared written,
/// and perturbing undeclared fields changes neither that the step is enabled nor its effect.
///
/// interference() is the other side: what steps of other actors may read or write of one
/// task and its CPU while that task stays where it is (checker/reduction/ample_set.h).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string_view>

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck {

/// Fields of Task, one bit each in a task mask (model/state.h order).
enum class TaskField : std::uint8_t {
    Pc,
    Run,
    Cpu,
    FromSyscall,
    Tif,
    TiWork,
    SyscallWorkRseqSlice,
    UserIrq,
    SchedSwitch,
    IdsChanged,
    Slowpath,
    Fatal,
    HasRseq,
    IdsCpuId,
    SliceEnabled,
    SliceGranted,
    SliceYielded,
    SliceExpires,
    SliceExpired,
    UsrCpuIdStart,
    UsrCpuId,
    UsrSliceRequest,
    UsrSliceGranted,
    UsrSliceReserved,
    UsrFlagsEnabled,
    KwriteRequest,
    KwriteGranted,
    SyscallNr,
    YieldRet,
    Sigsegv,
    Proto,
    SampledCpu,
    GhostSwitchedSinceGrant,
    GhostGrantAtSyscallEntry,
    FaultsLeft,
    UserWritesLeft,
    SyscallsLeft,
    UsrInCs,
};
inline constexpr std::size_t task_field_count = 38;

/// Fields of Cpu (the reserved bits are never written).
enum class CpuField : std::uint8_t {
    Curr,
    PreemptNeedResched,
    IpiPending,
    SliceTimerArmed,
    SliceTimerCookie,
    SliceTimerExpires,
    GhostReschedErased,
    GhostErasedUnrevoked,
    GhostYieldUnscheduled,
};
inline constexpr std::size_t cpu_field_count = 9;

/// Fields of Budget.
enum class GlobalField : std::uint8_t { Wakeups, Irqs, Migrations, Signals, Membarriers };
inline constexpr std::size_t global_field_count = 5;

using FieldMask = std::uint64_t;
constexpr FieldMask bit(TaskField f) {
    return FieldMask{1} << static_cast<unsigned>(f);
}
constexpr FieldMask bit(CpuField f) {
    return FieldMask{1} << static_cast<unsigned>(f);
}
constexpr FieldMask bit(GlobalField f) {
    return FieldMask{1} << static_cast<unsigned>(f);
}
inline constexpr FieldMask all_task_fields = (FieldMask{1} << task_field_count) - 1;
inline constexpr FieldMask all_cpu_fields = (FieldMask{1} << cpu_field_count) - 1;
inline constexpr FieldMask all_global_fields = (FieldMask{1} << global_field_count) - 1;

/// One field of State with its getter and setter (the value is masked to the field width).
struct FieldAccess {
    std::string_view name;
    unsigned width = 1;  ///< bits
    unsigned (*get)(const State& s, std::size_t owner) = nullptr;
    void (*set)(State& s, std::size_t owner, unsigned value) = nullptr;
};
std::span<const FieldAccess> task_field_access();    ///< indexed by TaskField
std::span<const FieldAccess> cpu_field_access();     ///< indexed by CpuField
std::span<const FieldAccess> global_field_access();  ///< indexed by GlobalField

/// Fields read and written, per owner.
struct FieldSet {
    std::array<FieldMask, max_tasks> task{};
    std::array<FieldMask, max_cpus> cpu{};
    FieldMask global = 0;

    FieldSet& operator|=(const FieldSet& o);
    bool intersects(const FieldSet& o) const;
    bool empty() const;
};

struct Footprint {
    FieldSet reads;
    FieldSet writes;
};

/// The declared footprint of step `a` emitted from `s`.
Footprint footprint(const Scenario& sc, const State& s, const Action& a);

/// The kinds that run task code in the kernel on the task's own CPU (exit path, grant,
/// syscall entry and body), as opposed to user mode, interrupts and the environment.
bool is_kernel_task_step(ActionKind k);

/// Whether no interrupt, exception or IPI can ever hit CPU c again while its current task
/// stays at its pc: interrupts are off there, or every interrupt source of c is spent
/// (budgets only decrease; the timer of c is armed only by its current task).
bool no_interrupt_on(const Scenario& sc, const State& s, CpuId c);

/// What steps of other actors (other tasks' code, other CPUs' interrupts, the environment)
/// may read and write of task t and of its CPU c, in s and in every state reached from s
/// while t stays current on c at its pc and no interrupt hits c. Only the task t and cpu c
/// entries are filled.
Footprint interference(const Scenario& sc, const State& s, TaskId t, CpuId c);

}  // namespace rseqcheck
