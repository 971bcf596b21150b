/// \file
/// The timing queries' search: the model's reachable state graph (checker/sequential_bfs.h)
/// explored once more from every start event, with a zone (dbm.h) of clock valuations per
/// symbolic state, constrained by the rules of timed_rules.h. The supremum of the objective
/// clock over every reachable symbolic state is the query's bound, exact for the model's
/// paths under those rules; a zone where the objective has no upper bound means no finite
/// bound exists within the scenario. Zones start unconstrained at the start event (nothing
/// is assumed of the history), which keeps the bound sound; path_encoding.h then times the
/// witness along its whole path from the initial state.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"
#include "properties/timing/timing_params.h"

namespace rseqcheck::timing {

enum class Query : std::uint8_t {
    WaiterDelay,     ///< a waiter's wakeup (NEED_RESCHED set) to the schedule() that can pick it
    ExtensionBound,  ///< user-mode time with a live grant after its deadline (spec I11)
};

/// One step of a path: the action and the state it leads to.
struct PathStep {
    Action action{};
    State state{};
};

struct ZoneSearchResult {
    bool complete = true;
    std::string incomplete_reason;
    bool bounded = true;
    std::int64_t sup_ns = 0;  ///< the bound (when bounded)
    /// The witness: initial state, then every step up to the end step (waiter-delay) or the
    /// objective state (extension-bound). `start_step` indexes the start event in `steps`.
    State initial{};
    std::vector<PathStep> steps;
    std::size_t start_step = 0;
    TaskId subject = no_task;  ///< the waiter, or the granted task
    std::uint64_t model_states = 0;
    std::uint64_t starts = 0;           ///< start events explored
    std::uint64_t symbolic_states = 0;  ///< (state, zone) pairs stored
    double seconds = 0;
};

struct ZoneSearchLimits {
    std::uint64_t max_symbolic_states = 40'000'000;
};

ZoneSearchResult zone_search(const Scenario& sc, const Params& p, Query q,
                             ZoneSearchLimits limits = {});

/// The query's name on the command line.
const char* query_name(Query q);

}  // namespace rseqcheck::timing
