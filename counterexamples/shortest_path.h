/// \file
/// The shortest trace of a violation from the engine's BFS parents, and a one-call search
/// that finds the first violation of a scenario as a minimised trace (corpus, tests, CLI).
#pragma once

#include <algorithm>
#include <optional>
#include <string_view>
#include <vector>

#include "checker/sequential_bfs.h"
#include "counterexamples/trace.h"
#include "model/model.h"
#include "properties/catalog_checker.h"

namespace rseqcheck::cex {

/// The trace of violation `v` of a finished search: path_to() its state, or for a transition
/// property path_to() its pre-state plus the violating step. Throws InternalError if the
/// engine's path does not contain the step.
template <class Search>
Trace trace_of(const RseqModel& model, properties::CatalogChecker& checker, const Search& search,
               const checker::Violation& v) {
    const bool transition = v.kind == checker::ViolationKind::Transition;
    Trace t = trace_from_path(model.scenario(), PropertyRef::of(v.property),
                              search.path_to(transition ? v.from_state : v.state));
    if (transition) {
        const State from = t.steps.empty() ? t.initial : t.steps.back().state;
        const State to = search.state_at(v.state);
        bool appended = false;
        model.for_each_successor(from, [&](const Action& a, const State& n) {
            // one step may break several transition properties (--all reports each)
            if (!appended && n == to && checker.check_transition(from, a, n) >= 0 &&
                std::ranges::find(checker.last_violations(), v.property) !=
                    checker.last_violations().end()) {
                t.steps.push_back(TraceStep{a, n});
                appended = true;
            }
        });
        RSEQCHECK_CHECK(appended, "the violating transition is not a successor of its pre-state");
    }
    return t;
}

/// Searches `sc` for every property and returns the shortest trace of the first violation
/// whose spec id is listed in `prefer_spec_ids` (e.g. a variant's "I1, I6"), else of the
/// first violation found; nullopt when every property holds.
std::optional<Trace> find_trace(const Scenario& sc, std::string_view prefer_spec_ids = {});

}  // namespace rseqcheck::cex
