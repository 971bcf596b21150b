/// \file
/// Scenario files: TOML documents that set everything a preset sets (docs/scenarios.md),
/// parsed with toml++ into a validated Scenario, and presets printed back as files.
/// Spec: kernel-model-spec.md 2.4, Appendix B.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/input_error.h"
#include "model/scenario.h"

namespace rseqcheck {

/// A property name as written in a file; the CLI checks it against the catalogue, which the
/// model cannot see (STYLE.md rule 2).
struct NamedAt {
    std::string name;
    SourceLocation where;
};

/// A timing parameter as written in the file's `[timing]` table: the timing layer
/// (properties/timing) checks the name and the range, which the model cannot see.
struct ValueAt {
    std::string name;
    std::int64_t value = 0;
    SourceLocation where;
};

/// A parsed scenario file.
struct ScenarioFile {
    Scenario scenario;                ///< validated (validate() has passed)
    std::vector<NamedAt> properties;  ///< `properties = [...]`, unchecked names
    std::vector<ValueAt> timing;      ///< `[timing]` NAME = nanoseconds, unchecked names
};

/// Parses `text` as a scenario file named `source` in errors. Throws InputError at the
/// offending key or value for syntax errors, unknown keys (with the nearest valid one), wrong
/// types, out-of-range values, unknown variants and contradictions found by validate().
/// Never reads a file and never returns a scenario that validate() rejects.
ScenarioFile parse_scenario(std::string_view text, const std::string& source);

/// Reads and parses the file at `path`; an unreadable file is an InputError too.
ScenarioFile load_scenario_file(const std::string& path);

/// `sc` as a scenario file that parse_scenario() turns back into `sc`.
std::string scenario_to_toml(const Scenario& sc);

/// The line `line` (1-based) of `text`, without its newline; "" when out of range.
std::string source_line(std::string_view text, int line);

}  // namespace rseqcheck
