/// \file
/// The timing layer's parameters: the slice extension length E (the debugfs tunable
/// rseq/slice_ext_nsec), the hrtimer's lateness, the mono-fast clock's skew, the IPI
/// latency, and the longest time each kernel code segment of the model can take. All in
/// integer nanoseconds. Defaults and where they come from: docs/timing.md.
/// Spec: kernel-model-spec.md 5.1 (constants), 5.2 (the waiter's view).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/input_error.h"
#include "model/state.h"

namespace rseqcheck::timing {

/// One named parameter. Segment parameters bound the time the model's current task may
/// stay at a kernel program point before its next step (model/state.h Pc).
enum class Param : std::uint8_t {
    SliceExtNsecs,  ///< E: rseq_slice_ext_nsecs, [5000, 50000], kernel/rseq.c
    EpsHw,          ///< hrtimer lateness: clockevent granularity, hrtimer_interrupt() order
    EpsOff,         ///< the longest IRQ-off section on the CPU (delays the timer interrupt)
    Sigma,          ///< lag of ktime_get_mono_fast_ns() behind CLOCK_MONOTONIC
    Ipi,            ///< d_ipi: resched_curr() on a remote CPU to the IPI's entry here
    IrqEntry,       ///< kernel entry (interrupt or syscall return) to the exit loop's read
    ExitLoop,       ///< one step of exit_to_user_mode_loop() (reschedule test, re-read)
    LoopWork,       ///< signal delivery or resume_user_mode_work() in the exit loop
    RseqUpdate,     ///< rseq_update_usr(): the user-memory writes of the slow path
    Grant,          ///< one step of rseq_grant_slice_extension() (user access, commit)
    TimerArm,       ///< rseq_exit_to_user_mode_restart(): the hrtimer arm (A1/A2)
    SyscallEntry,   ///< syscall entry work: rseq_syscall_enter_work() (S1-S6)
    SyscallBody,    ///< the syscall itself up to its exit work
    IdleWake,       ///< the idle task noticing a runnable task
    Tick,           ///< a waiting fair task to the tick that finds the slice used up
};
inline constexpr std::size_t param_count = static_cast<std::size_t>(Param::Tick) + 1;

struct ParamInfo {
    std::string_view name;     ///< --param NAME, [timing] key
    std::string_view summary;  ///< one line, for --help, docs and the report
    std::int64_t def;          ///< default (ns)
    std::int64_t min;
    std::int64_t max;
};

const ParamInfo& info(Param p);

/// A full valuation. Value semantics, cheap to copy.
class Params {
public:
    Params();
    std::int64_t get(Param p) const { return v_[static_cast<std::size_t>(p)]; }
    void set(Param p, std::int64_t ns) { v_[static_cast<std::size_t>(p)] = ns; }
    /// Sets NAME=VALUE (a --param argument); throws InputError on an unknown name, a
    /// malformed number or a value out of its documented range.
    void set_from_text(std::string_view assignment, std::string_view where);
    /// Sets one parameter by name (a scenario file's [timing] key); throws InputError at
    /// `where` on an unknown name or a value out of range.
    void set_named(std::string_view name, std::int64_t ns, const SourceLocation& where);

    std::int64_t slice_ext_nsecs() const { return get(Param::SliceExtNsecs); }

private:
    std::array<std::int64_t, param_count> v_{};
};

/// The parameter bounding how long the CPU's current task may stay at kernel point `pc`.
Param segment_of(Pc pc);

/// "E=5000 eps_hw=1000 ..." for reports.
std::string describe(const Params& p);

}  // namespace rseqcheck::timing
