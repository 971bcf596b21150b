/// \file
/// A leads-to counterexample of checker/liveness.h as a counterexamples Trace: the shortest
/// path to the P-and-not-Q state, the stem inside not-Q, and the cycle closed by a last step
/// back to its entry (Trace::cycle_start marks where the repeating part begins).
#pragma once

#include <cstdint>

#include "checker/liveness.h"
#include "counterexamples/trace.h"
#include "model/model.h"

namespace rseqcheck::cli {

/// The first action of `model` that leads from state u to state w.
inline Action action_between(const RseqModel& model, const State& u, const State& w) {
    std::optional<Action> found;
    model.for_each_successor(u, [&](const Action& a, const State& t) {
        if (!found && t == w)
            found = a;
    });
    RSEQCHECK_CHECK(found.has_value(), "lasso: consecutive states are not connected");
    return *found;
}

template <class Search>
cex::Trace lasso_trace(const RseqModel& model, const Search& search, int property,
                       const checker::LeadsToResult& lr) {
    cex::Trace t = cex::trace_from_path(model.scenario(), cex::PropertyRef::of(property),
                                        search.path_to(lr.stem.front()));
    auto append = [&](std::uint32_t from, std::uint32_t to) {
        const State& u = search.state_at(from);
        const State& w = search.state_at(to);
        t.steps.push_back(cex::TraceStep{action_between(model, u, w), w});
    };
    for (std::size_t k = 1; k < lr.stem.size(); ++k)
        append(lr.stem[k - 1], lr.stem[k]);
    if (lr.cycle.empty())
        return t;
    t.cycle_start = t.steps.size();
    for (std::size_t k = 1; k < lr.cycle.size(); ++k)
        append(lr.cycle[k - 1], lr.cycle[k]);
    append(lr.cycle.back(), lr.cycle.front());
    return t;
}

}  // namespace rseqcheck::cli
