/// \file
/// The shortest path both search engines give back for a reached state, rebuilt from their
/// parent links: each engine stores a state and its parent's index per reached state, and
/// finds the action of each step again by generating the parent's successors.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "checker/model_concept.h"

namespace rseqcheck::checker {

/// One step of a path: the action taken (none for the initial state) and the state after it.
template <ExplorableModel M>
struct ShortestPathStep {
    typename M::Action action{};
    typename M::State state{};
    bool has_action = false;
};

/// The path from the initial state (element 0) to `target`: the chain of parents
/// parent_of(i) back to index 0, each step labelled with the first of the model's actions
/// that leads from the state before it to its state.
template <ExplorableModel M, class States, class ParentOf>
std::vector<ShortestPathStep<M>> shortest_path(const M& model, const States& states,
                                               ParentOf&& parent_of, std::uint64_t target) {
    using Step = ShortestPathStep<M>;
    using State = typename M::State;
    using Action = typename M::Action;
    std::vector<std::uint64_t> chain;
    for (std::uint64_t i = target; i != 0; i = parent_of(i))
        chain.push_back(i);
    std::vector<Step> path;
    path.push_back(Step{Action{}, states[0], false});
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        const State& from = path.back().state;
        const State& to = states[*it];
        Step step{Action{}, to, false};
        model.for_each_successor(from, [&](const Action& a, const State& t) {
            if (!step.has_action && std::memcmp(&t, &to, sizeof(State)) == 0) {
                step.action = a;
                step.has_action = true;
            }
        });
        path.push_back(step);
    }
    return path;
}

}  // namespace rseqcheck::checker
