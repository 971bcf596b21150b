/// \file
/// One `rseqcheck check` run without its output: the command line's arguments, validated into
/// a plan (scenario, selected properties, format, memory limit), and the search that turns a
/// plan into a CheckReport. `check` prints the report; `compare` runs two and sets them side
/// by side (checker/cli/compare_command.h).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "checker/cli/report.h"
#include "model/scenario.h"
#include "model/scenario_file.h"
#include "properties/property.h"
#include "properties/timing/timing_params.h"

namespace rseqcheck::cli {

struct CheckArgs {
    std::string preset;
    std::string scenario_file;
    std::vector<std::string> variants;
    std::vector<std::string> properties;
    unsigned threads = 1;
    bool por = false;  ///< removed (docs/reductions.md): refused with a message
    bool symmetry = false;
    bool all = false;
    bool strict = false;
    std::string memory_limit;
    std::string store = "auto";  ///< --store: plain | compressed | auto
    std::string format = "text";
    std::string output;
    std::string trace_out;
    bool progress = false;
    bool timed = false;               ///< --timed: timestamps on every trace (Z3)
    std::vector<std::string> params;  ///< --param NAME=VALUE for --timed
    bool distributed = false;         ///< --distributed: over the MPI ranks (mpirun)
};

/// Everything `check` needs, validated, before any output is opened.
struct CheckPlan {
    Scenario scenario;
    std::string source = "preset";
    std::vector<int> selected;    ///< catalogue indices; empty = all
    std::vector<ValueAt> timing;  ///< the file's [timing] table (rseqcheck bound reads it)
    timing::Params params;        ///< that table, then --param: for --timed
    Format format = Format::Text;
    std::size_t memory_limit = 0;
    bool compressed = false;  ///< the tree store (checker/tree_store.h), not the plain one
    /// Also check deadlock-freedom when properties are selected (always when none are).
    bool check_deadlock = false;
};

/// Validates the arguments into a plan; throws InputError (exit 2) naming what is wrong,
/// before any output is opened.
CheckPlan plan_check(const CheckArgs& args);
/// Runs the search of a plan and returns its report (every property's verdict and trace).
CheckReport search(const CheckArgs& args, const CheckPlan& plan);

/// "invariant", "transition" or "leads-to".
std::string_view kind_name(properties::PropertyKind k);
/// Whether `f` is a terminal.
bool is_tty(FILE* f);
/// Colour on stdout: a terminal and NO_COLOR unset.
bool colour_allowed();

}  // namespace rseqcheck::cli
