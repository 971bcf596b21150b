/// \file
/// Minimisation by replay and search: drop environment events from a trace while the same
/// property still fails, re-deriving the kernel's own steps after each removal, then prefer
/// among the shortest orderings the one with the fewest context switches.
#pragma once

#include <cstddef>

#include "counterexamples/trace.h"
#include "model/model.h"

namespace rseqcheck::cex {

struct MinimiseOptions {
    /// Give up a candidate search after this many (state, events used, actor) nodes; the
    /// trace found so far is kept. Large enough for every preset but `deep`.
    std::size_t node_limit = 4'000'000;
};

/// A trace with a 1-minimal set of the input's environment events (removing any one more
/// makes the property hold) and, for that set, the fewest steps and then the fewest
/// context switches. The result replays to the same violation; its original_steps and
/// original_environment_events record the input. A leads-to counterexample (a lasso, or a
/// run that stops) loses single stem steps, environment events first, while it still
/// replays as a fair violation (replay_lasso()); its cycle is kept.
Trace minimise(const RseqModel& model, const Trace& trace, const MinimiseOptions& options = {});

}  // namespace rseqcheck::cex
