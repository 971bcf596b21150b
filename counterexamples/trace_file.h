/// \file
/// Trace files: load the JSON that render_json() writes (with file:line:col errors), and
/// the `rseqcheck replay FILE [--variant NAME | --fixed]` command as a function the CLI
/// prints and maps to its exit status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "counterexamples/replay.h"
#include "counterexamples/trace.h"

namespace rseqcheck::cex {

/// A trace file's content: what replay needs (the recorded states are not trusted).
struct TraceFile {
    Scenario scenario;  ///< with the recorded variant
    PropertyRef property;
    std::vector<Action> actions;
    std::optional<std::size_t> cycle_start;
    /// The trace's length before minimisation (`summary`), 0 when the file does not say.
    std::size_t original_steps = 0;
    std::size_t original_environment_events = 0;
};

/// Parses a trace file's text. Throws InputError at `file:line:col` for malformed JSON and
/// at `file` with the JSON path (`steps[3].action.kind`) for a missing or bad member.
TraceFile parse_trace_json(std::string_view text, const std::string& file);
/// Reads and parses a file; InputError when it cannot be read.
TraceFile load_trace_file(const std::string& path);

/// Which model to replay on.
struct ReplayTarget {
    enum class Kind { Recorded, Named, Fixed };
    Kind kind = Kind::Recorded;
    std::string variant;  ///< for Named: a catalogue variant name, or names joined with '+'
};

/// What `rseqcheck replay` prints and returns.
struct ReplayReport {
    int exit_code = 0;   ///< 1 still violated, 0 replays without a violation, 2 not enabled
    std::string output;  ///< stdout: the rendered trace (1) or a one-line summary (0)
    std::string error;   ///< stderr for 2: `file: error: step N (...) is not enabled ...`
    ReplayResult result;
};

/// Loads `path` and replays it on the target variant. Throws InputError for an unreadable
/// or malformed file, or an unknown variant name; never for a trace that stopped working.
ReplayReport replay_file(const std::string& path, const ReplayTarget& target = {});
/// The same on text already read (`file` names it in messages).
ReplayReport replay_text(std::string_view text, const std::string& file,
                         const ReplayTarget& target = {});

/// A Variant from "fixed", a catalogue name, or names joined with '+'; InputError otherwise.
Variant parse_variant(std::string_view names, const SourceLocation& where = {});

}  // namespace rseqcheck::cex
