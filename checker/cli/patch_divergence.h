/// \file
/// Where a patch first changes what the model can do: the patched model's reachable states
/// in breadth-first order, each expanded under both models; the first state whose steps
/// differ is the patch's first effect, at the shortest depth. When no state differs, the
/// two reachable state graphs are the same graph (same initial state, same successors of
/// every reachable state): the patch takes no effect in that scenario, which equal state
/// counts alone would not prove.
#pragma once

#include <cstdint>
#include <string>

#include "model/scenario.h"

namespace rseqcheck::cli {

struct Divergence {
    bool complete = true;  ///< false: the search stopped (an error or limit) before the end
    bool found = false;
    std::uint64_t states_compared = 0;
    std::size_t depth = 0;  ///< steps from the initial state to the state that differs
    /// The first step one model has and the other lacks, as action_label() names it, and
    /// which model has it ("patch" or "against").
    std::string step;
    std::string only_in;
    /// The path to that state and the differing step, rendered as the text trace renderer's
    /// step lines ("1. CPU0 T0 ...").
    std::string path_text;
};

/// Expands every state the `patched` scenario reaches under both scenarios' models (they
/// differ only in their variant), under a memory limit as check's (0: none); a search that
/// stops at the limit leaves the answer incomplete. Throws InputError on invalid scenarios.
Divergence first_divergence(const Scenario& against, const Scenario& patched,
                            std::size_t memory_limit);

}  // namespace rseqcheck::cli
