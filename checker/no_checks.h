/// \file
/// A checker for the search engines that checks nothing: for a search that only enumerates
/// the reachable states (the patch comparison, the impact analysis).
#pragma once

namespace rseqcheck::checker {

struct NoChecks {
    template <class State>
    int check_state(const State&) {
        return -1;
    }
    template <class State, class Action>
    int check_transition(const State&, const Action&, const State&) {
        return -1;
    }
};

}  // namespace rseqcheck::checker
