/// \file
/// Symmetry reduction as a model adapter: the successors of the wrapped model, each
/// replaced by the canonical state of its orbit under the scenario's task symmetry
/// (model/symmetry.h). Any engine explores one state per orbit. Invariants, transition
/// properties and deadlock freedom are preserved because the permutations preserve the
/// scenario's configuration and every property quantifies over all tasks alike.
/// Stored states are canonical, not concrete: concretise() (checker/reduction/concretise.h)
/// maps a path back to one that replays on the wrapped model. Transition properties need
/// the real successor: run the engine with SymmetricTransitions (with_reduced_checker()).
#pragma once

#include <utility>

#include "checker/model_concept.h"
#include "model/input_error.h"
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
        base_.for_each_successor(s, [&](const Action& a, const State& n) {
            last_real_successor = n;
            f(a, symmetry_.canonical(n));
        });
    }

    /// The wrapped model's own successor behind the canonical state this thread last passed
    /// to a for_each_successor() callback (for SymmetricTransitions below).
    static const State& last_successor() { return last_real_successor; }

private:
    const M& base_;
    TaskSymmetry symmetry_;
    static inline thread_local State last_real_successor{};
};

/// A property checker for a search of SymmetryReduced<M>. Invariants are evaluated on the
/// canonical states (they are symmetric); a transition property must see the step's real
/// successor, not its permuted canonical form, so check_transition(s, a, t) is passed the
/// successor behind t. Both engines call check_transition() inside the successor callback,
/// on the thread that generated the step; the canonical form is compared to be sure.
template <class Reduced, class C>
class SymmetricTransitions {
public:
    using State = typename Reduced::State;
    using Action = typename Reduced::Action;

    SymmetricTransitions(const Reduced& model, C& inner) : model_(model), inner_(inner) {}

    int check_state(const State& s) { return inner_.check_state(s); }
    int check_transition(const State& s, const Action& a, const State& t) {
        const State& real = Reduced::last_successor();
        RSEQCHECK_CHECK(model_.canonical(real) == t,
                        "a transition was checked outside its successor callback");
        return inner_.check_transition(s, a, real);
    }
    template <class D = C>
    auto last_violations() const -> decltype(std::declval<const D&>().last_violations()) {
        return inner_.last_violations();
    }

private:
    const Reduced& model_;
    C& inner_;
};

/// The checker an engine over `model` must run: `c` itself, or wrapped as above when the
/// model is symmetry-reduced. Calls f(checker&).
template <class Model, class C, class F>
decltype(auto) with_reduced_checker(const Model& model, C& c, F&& f) {
    if constexpr (requires { Model::last_successor(); }) {
        SymmetricTransitions<Model, C> wrapped(model, c);
        return f(wrapped);
    } else {
        return f(c);
    }
}

}  // namespace rseqcheck::checker
