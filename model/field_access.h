/// \file
/// Every raw field of the packed State (model/state.h), by index, with its width, a getter
/// and a setter that masks the value to the width. The perturbation tests use it to flip
/// one bit of one field (tests/properties/property_reads_test.cpp: a property reads only
/// the fields it declares; tests/counterexamples/trace_cause_test.cpp). Named for the trace
/// reader in model/state_fields.h; this table is the storage view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "model/state.h"

namespace rseqcheck {

/// Fields of Task, in model/state.h order.
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
enum class GlobalField : std::uint8_t {
    Wakeups,
    Irqs,
    Migrations,
    Signals,
    Membarriers,
    GhostCsAbortDue,
};
inline constexpr std::size_t global_field_count = 6;

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

}  // namespace rseqcheck
