/// \file
/// Symmetry reduction as a model adapter: the successors of the wrapped model, each
/// replaced by the canonical state of its orbit under the scenario's task symmetry
/// (model/symmetry.h). Any engine explores one state per orbit. Invariants, transition
/// properties and deadlock freedom are preserved because the permutations preserve the
/// scenario's configuration and every property quantifies over all tasks alike.
/// Stored states are canonical, not concrete: concretise() (checker/reduction/concretise.h)
/// maps a path back to one that replays on the wrapped model.
#pragma once

#include <utility>

#include "checker/model_concept.h"
#include "model/symmetry.h"

namespace rseqcheck::checker {

template <ExplorableModel M>
class SymmetryReduced {
public:
    using State = typename M::State;
    using Action = typename M::Action;

    SymmetryReduced(const M& base, TaskSymmetry symmetry)
        : base_(base), symmetry_(std::move(symmetry)) {}

    const M& base() const { return base_; }
    const TaskSymmetry& symmetry() const { return symmetry_; }

    State initial_state() const { return symmetry_.canonical(base_.initial_state()); }
    bool is_valid_end(const State& s) const { return base_.is_valid_end(s); }
    /// The canonical form of a state (for concretise()).
    State canonical(const State& s) const { return symmetry_.canonical(s); }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        base_.for_each_successor(
            s, [&](const Action& a, const State& n) { f(a, symmetry_.canonical(n)); });
    }

private:
    const M& base_;
    TaskSymmetry symmetry_;
};

}  // namespace rseqcheck::checker
