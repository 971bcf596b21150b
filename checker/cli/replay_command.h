/// \file
/// `rseqcheck replay FILE [--variant NAME | --fixed] [--format text|json|timeline|dot|html]`:
/// re-run a trace file (counterexamples/trace_file.h) against the current model and print
/// it in one of counterexamples/render.h's formats.
#pragma once

#include <string>

namespace rseqcheck::cli {

struct ReplayArgs {
    std::string file;
    std::string variant;  ///< a catalogue name or names joined with '+'; "" = the recorded one
    bool fixed = false;   ///< replay on the fixed 7.0 model
    std::string format = "text";  ///< text | json | timeline | dot | html
};

/// Prints the outcome and returns the exit status: 1 the trace still reaches its violation,
/// 0 it replays without one, 2 a step is not enabled. Malformed files, unknown variants and
/// bad options throw InputError (exit 2).
int replay(const ReplayArgs& args);

}  // namespace rseqcheck::cli
