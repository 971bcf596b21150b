/// \file
/// The kernel model as the engine sees it (checker/model_concept.h): the scenario's initial
/// state and the successor function over AllTransitions, with an always-on consistency check
/// that no successor is a state the kernel cannot reach.
#pragma once

#include <string>

#include "model/input_error.h"
#include "model/scenario.h"
#include "model/transitions.h"

namespace rseqcheck {

/// Why a state is impossible for the kernel, or "" when it is consistent.
std::string impossible_state_reason(const Scenario& sc, const State& s);

class RseqModel {
public:
    using State = rseqcheck::State;
    using Action = rseqcheck::Action;

    /// Validates the scenario (throws InputError).
    explicit RseqModel(Scenario sc);

    const Scenario& scenario() const { return sc_; }
    State initial_state() const;

    /// A state where no task is inside the kernel: nothing is left to do but wait for events
    /// the scenario's bounds no longer allow. Anything else without successors is a deadlock.
    bool is_valid_end(const State& s) const;

    /// Calls f(const Action&, const State&) once per enabled step of s, in a fixed order.
    /// Throws InternalError (RSEQCHECK_CHECK) if a step produces an impossible state.
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        auto checked = [&](const Action& a, const State& next) {
            RSEQCHECK_CHECK(consistent(next), "the model reached a state the kernel cannot");
            f(a, next);
        };
        AllTransitions::for_each_successor(sc_, s, checked);
    }

    /// The structural checks of impossible_state_reason(), cheap enough for every state.
    bool consistent(const State& s) const;

private:
    Scenario sc_;
};

}  // namespace rseqcheck
