/// \file
/// `rseqcheck check --symmetry`: the search runs on the symmetry-reduced model adapter of
/// checker/reduction/ (any engine: sequential or --threads N), and the report says so.
///
/// Two cases run without reduction, and the report's reduction_note says so:
/// - a leads-to property is selected: it is checked on the state graph, which must be the
///   full one (the reduction preserves safety properties and deadlocks, not leads-to);
/// - the symmetry-reduced search found a violation: its stored states are canonical, so the
///   counterexample is re-derived by an unreduced search, whose BFS trace is the shortest
///   and replays as it is. The verdict is the same either way; the tests
///   in tests/checker/reduction_soundness_test.cpp pin that, and that a reduced path maps
///   back to a concrete one (checker/reduction/concretise.h).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "checker/cli/report.h"
#include "checker/parallel_bfs.h"
#include "checker/reduction/symmetry_reduced.h"
#include "checker/search_types.h"
#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "model/symmetry.h"

namespace rseqcheck::cli {

struct ReductionFlags {
    bool symmetry = false;
    bool any() const { return symmetry; }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        if (symmetry)
            out.emplace_back("symmetry");
        return out;
    }
};

namespace detail {

/// Thrown out of a symmetry-reduced run that found a violation (caught below).
struct NeedsConcreteTrace {};

/// Forwards to an engine; a violation ends the reduced run.
template <class Reduced, class Engine>
class ReducedEngine {
public:
    ReducedEngine(const Reduced& model, Engine& engine) : model_(model), engine_(engine) {}
    template <class Checker>
    checker::SearchResult run(Checker& c) {
        checker::SearchResult r =
            checker::with_reduced_checker(model_, c, [&](auto& wc) { return engine_.run(wc); });
        if (!r.violations.empty())
            throw NeedsConcreteTrace{};
        return r;
    }
    auto path_to(std::uint64_t i) const { return engine_.path_to(i); }
    const State& state_at(std::uint64_t i) const { return engine_.state_at(i); }
    std::uint64_t size() const { return engine_.size(); }
    auto find(const State& s) const { return engine_.find(s); }
    auto find(const State& s, std::uint64_t h) const { return engine_.find(s, h); }
    void prefetch(std::uint64_t h) const { engine_.prefetch(h); }

private:
    const Reduced& model_;
    Engine& engine_;
};

template <class Reduced, class Finish>
CheckReport run_on(const Reduced& reduced, const checker::SearchOptions& options, Finish& finish) {
    if (options.threads > 1) {
        checker::ParallelBfs<Reduced> engine(reduced, options);
        ReducedEngine<Reduced, checker::ParallelBfs<Reduced>> view(reduced, engine);
        return finish(view);
    }
    checker::SequentialBfs<Reduced> engine(reduced, options);
    ReducedEngine<Reduced, checker::SequentialBfs<Reduced>> view(reduced, engine);
    return finish(view);
}

}  // namespace detail

/// Runs `finish(engine)` (commands.cpp's report builder) on the reduced model, or returns
/// `unreduced()` (the same check without reductions) in the two cases above.
template <class Finish, class Unreduced>
CheckReport run_reduced(const RseqModel& model, const ReductionFlags& flags,
                        const checker::SearchOptions& options, bool leads_to_selected,
                        Finish&& finish, Unreduced&& unreduced) {
    CheckReport r;
    if (leads_to_selected) {
        r = unreduced();
        r.reduction_note = "not applied: leads-to properties need the full state graph";
    } else {
        try {
            const checker::SymmetryReduced<RseqModel> sym(model, TaskSymmetry(model.scenario()));
            r = detail::run_on(sym, options, finish);
        } catch (const detail::NeedsConcreteTrace&) {
            r = unreduced();
            r.reduction_note = "a violation was found under symmetry; its trace and these "
                               "figures are of an unreduced search";
        }
    }
    r.reductions = flags.names();
    return r;
}

}  // namespace rseqcheck::cli
