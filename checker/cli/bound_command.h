/// \file
/// `rseqcheck bound QUERY [--preset NAME | --scenario FILE] [--variant NAME]...
/// [--param NAME=VALUE]... [--format text|json] [--output FILE] [--trace-out FILE]`:
/// (a scenario file may set the parameters in a [timing] table; --param overrides it)
/// a timing bound from the Z3 layer (properties/timing). Exit 0 when a finite bound is
/// proven, 1 when none exists within the scenario (the witness shows the delay exceeding
/// any given number), 2 on bad input, 3 when the search or Z3 could not finish.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/scenario.h"
#include "model/scenario_file.h"

namespace rseqcheck::cli {

struct BoundArgs {
    std::string query;
    std::vector<std::string> params;  ///< NAME=VALUE
    std::string format = "text";
    std::string output;     ///< the report, whole or not at all
    std::string trace_out;  ///< the timed witness as a replayable trace file
    /// When no finite bound exists, the witness is timed so that the delay exceeds this.
    std::int64_t exceed_ns = 1'000'000'000;
};

/// Validates the query, the parameters (the scenario file's [timing] table, then --param,
/// which wins) and the output paths (InputError), then runs it.
int bound(const Scenario& sc, const std::vector<ValueAt>& file_timing, const BoundArgs& args);

}  // namespace rseqcheck::cli
