/// \file
/// `rseqcheck bound QUERY [--preset NAME | --scenario FILE] [--variant NAME]...
/// [--param NAME=VALUE]... [--format text|json] [--output FILE] [--trace-out FILE]`:
/// a timing bound from the Z3 layer (properties/timing). Exit 0 when a finite bound is
/// proven, 1 when none exists within the scenario (the witness shows the delay exceeding
/// any given number), 2 on bad input, 3 when the search or Z3 could not finish.
#pragma once

#include <string>
#include <vector>

#include "model/scenario.h"

namespace rseqcheck::cli {

struct BoundArgs {
    std::string query;
    std::vector<std::string> params;  ///< NAME=VALUE
    std::string format = "text";
    std::string output;     ///< the report, whole or not at all
    std::string trace_out;  ///< the timed witness as a replayable trace file
};

/// Validates the query, the parameters and the output paths (InputError), then runs it.
int bound(const Scenario& sc, const BoundArgs& args);

}  // namespace rseqcheck::cli
