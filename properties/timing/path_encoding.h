/// \file
/// One path of the model, timed by Z3: a timestamp per step, constrained by the same rules
/// as the zone search (timed_rules.h) along the whole path from the initial state, and the
/// query's objective maximised with z3::optimize. It gives the witness its nanosecond
/// timestamps, checks that "objective > bound" is unsatisfiable on it, and reads the bound
/// as a formula in the parameters (its change per nanosecond of each one).
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "properties/timing/timing_params.h"
#include "properties/timing/zone_search.h"

namespace rseqcheck::timing {

struct TimedPath {
    bool feasible = false;  ///< some timing satisfies every rule
    bool bounded = true;    ///< the objective has a finite maximum on this path
    std::int64_t max_ns = 0;
    /// times_ns[i] is the instant of steps[i]; the last entry (one past the steps) is the
    /// end of the final dwell. Relative to the initial state at 0.
    std::vector<std::int64_t> times_ns;
    /// Z3 found "objective > max_ns" unsatisfiable on this path.
    bool proven = false;
};

struct PathSpec {
    Query query = Query::WaiterDelay;
    State initial{};
    const std::vector<PathStep>* steps = nullptr;
    std::size_t start_step = 0;
    TaskId subject = no_task;
    /// waiter-delay: the last step is the schedule() that ends the wait (otherwise the
    /// objective is measured at the end of the final dwell).
    bool ends_with_step = true;
};

/// Maximises the objective on the path. With `exceed`, an unbounded objective is given a
/// timing where it exceeds that many nanoseconds (the witness of "no finite bound").
TimedPath time_path(const Scenario& sc, const Params& p, const PathSpec& spec,
                    std::optional<std::int64_t> exceed = std::nullopt);

/// The path's maximum as a formula: coefficient per parameter plus a constant, from the
/// maximum's change when each parameter grows by 1 ns (the path's critical chain).
struct Formula {
    std::vector<std::pair<Param, std::int64_t>> terms;  ///< non-zero coefficients
    std::int64_t constant = 0;
    std::string text() const;
};
Formula formula_of(const Scenario& sc, const Params& p, const PathSpec& spec, std::int64_t max_ns);

/// A timing of a path that satisfies the rules of timed_rules.h on every CPU at once
/// (`rseqcheck check --timed`): kernel code as slow as its segment bounds allow, every other
/// wait as short as possible. times_ns[i] is the instant of steps[i], relative to the
/// initial state at 0. Nothing when no timing satisfies them: the path needs some kernel
/// segment to take longer than its bound (or the deadline to pass inside the kernel sooner
/// than E allows).
std::optional<std::vector<std::int64_t>> schedule_path(const Scenario& sc, const Params& p,
                                                       const State& initial,
                                                       const std::vector<PathStep>& steps);

/// A Z3 failure (exception, `unknown`, timeout) at this layer's boundary, with the query.
class TimingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace rseqcheck::timing
