/// \file
/// Maps a path of a reduced search back to a path of the unreduced model: from the
/// model's own initial state, each step is replaced by a successor of the current
/// concrete state whose canonical form is the reduced path's next state (for symmetry,
/// the step with its task ids mapped back through the permutation; for partial-order
/// reduction, the step itself). The result replays on the unreduced model.
#pragma once

#include <optional>
#include <vector>

#include "checker/model_concept.h"

namespace rseqcheck::checker {

template <class Action, class State>
struct ConcreteStep {
    Action action{};
    State state{};
};

/// `reduced` is an engine's path_to() (element 0 the initial state; members .action,
/// .state); `Reduced` has canonical(State) and base(). Returns the concrete path with
/// element 0 the base model's initial state (its action unset), or nullopt when a step
/// cannot be matched (a bug in the reduction: callers report an internal error).
template <class Reduced, class PathStep>
auto concretise(const Reduced& reduced, const std::vector<PathStep>& path)
    -> std::optional<std::vector<ConcreteStep<typename Reduced::Action, typename Reduced::State>>> {
    using Step = ConcreteStep<typename Reduced::Action, typename Reduced::State>;
    const auto& base = reduced.base();
    std::vector<Step> out;
    out.push_back(Step{{}, base.initial_state()});
    if (path.empty() || reduced.canonical(out.front().state) != path.front().state)
        return std::nullopt;
    for (std::size_t k = 1; k < path.size(); ++k) {
        bool found = false;
        Step next{};
        base.for_each_successor(out.back().state, [&](const auto& a, const auto& n) {
            if (!found && reduced.canonical(n) == path[k].state) {
                next = Step{a, n};
                found = true;
            }
        });
        if (!found)
            return std::nullopt;
        out.push_back(next);
    }
    return out;
}

}  // namespace rseqcheck::checker
