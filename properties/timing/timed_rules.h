/// \file
/// How time constrains the model's steps on one observed CPU, shared by the zone search
/// (zone_search.h) and the Z3 encoding of a path (path_encoding.h) so that both read the
/// same rules:
///   - location invariants: how long the model may stay in a state before a step must
///     happen (the CPU's kernel code segment, a pending IPI, a due slice timer, a live
///     grant's deadline passing);
///   - step guards: when a step may happen (the deadline passes no earlier than E - sigma
///     after the grant's clock read; the exit path's A1 sees it passed only strictly after);
///   - clock resets: which events start a clock.
/// Steps on other CPUs take no time from the observed CPU's point of view; user mode has
/// no bound of its own: only the invariants above force an event.
/// Kernel: include/linux/rseq_entry.h (rseq_grant_slice_extension(),
/// rseq_arm_slice_extension_timer()), kernel/rseq.c (rseq_slice_expired()),
/// kernel/sched/core.c (resched_curr()). Spec: kernel-model-spec.md 3.7, 3.8, 5.1, 5.2.
#pragma once

#include <cstdint>
#include <vector>

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"
#include "properties/timing/dbm.h"
#include "properties/timing/timing_params.h"

namespace rseqcheck::timing {

/// clock <= value (upper) or clock >= value (lower). `param` names the parameter the value
/// comes from, for the formula of a bound (Param count = a combination, see `why`).
struct ClockBound {
    Clock clock;
    bool upper;
    std::int64_t value;
    const char* why;  ///< which kernel fact, for the timed trace and the formula
};

/// What one step does to the clocks: guards checked at its instant, then resets.
struct StepEffect {
    std::vector<ClockBound> guards;
    std::vector<Clock> resets;
    std::vector<Clock> releases;  ///< the observed CPU changed: history unknown
};

class TimedRules {
public:
    TimedRules(const Scenario& sc, const Params& p) : sc_(sc), p_(p) {}

    /// Upper bounds that hold while the model stays in s, observing CPU c.
    void invariant(const State& s, CpuId c, std::vector<ClockBound>& out) const;
    /// The effect of step s -a-> n observed on CPU c (the CPU before the step) when the
    /// CPU observed after it is c_next.
    StepEffect step(const State& s, const Action& a, const State& n, CpuId c, CpuId c_next) const;

    /// Whether CPU c's slice timer is armed for its owner's live grant whose deadline has
    /// passed: it fires within eps_hw + eps_off of the deadline (eps_off covers IRQ-off
    /// sections, the model's own included).
    static bool timer_due(const State& s, CpuId c);
    /// Whether a fair task waits on CPU c behind the current fair task with no reschedule
    /// pending: model/irq_entry.h TickPreemptFair's condition, interrupts aside, for a slice
    /// user; a waiter in user mode, which gets no tick in the model, blocks instead. Either
    /// comes within Param::Tick (+ eps_off) of this becoming true.
    bool slice_tick_due(const State& s, CpuId c) const;
    /// Whether step a runs code of CPU c (its current task or an interrupt there).
    static bool runs_on(const Action& a, CpuId c);

    const Params& params() const { return p_; }

private:
    const Scenario& sc_;
    const Params& p_;
};

/// Applies a bound to a zone.
inline void apply(Dbm& z, const ClockBound& b) {
    if (b.upper) {
        z.at_most(b.clock, b.value);
    } else {
        z.at_least(b.clock, b.value);
    }
}

}  // namespace rseqcheck::timing
