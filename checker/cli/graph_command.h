/// \file
/// `rseqcheck graph [--preset NAME | --scenario FILE] [--variant NAME]... --format dot
/// [--max-states N] [--output FILE]`: the reachable state graph of a small scenario in
/// Graphviz DOT, one node per state (its BFS index and depth) and one edge per transition
/// (the action and its CPU and task).
#pragma once

#include <cstdint>
#include <string>

#include "model/scenario.h"

namespace rseqcheck::cli {

struct GraphArgs {
    std::string format = "dot";
    std::uint64_t max_states = 5000;
    std::string output;
};

/// Writes the DOT document (to stdout or whole to `output`) and returns 0. A scenario with
/// more than `max_states` states is bad input (exit 2): DOT is for small scenarios.
int graph(const Scenario& sc, const GraphArgs& args);

}  // namespace rseqcheck::cli
