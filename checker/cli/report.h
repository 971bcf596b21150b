/// \file
/// What `rseqcheck check` found, as plain data, and its five renderings: terminal text,
/// JSON (docs/json-schema.md), JUnit XML, SARIF 2.1.0 and KTAP. Renderers are pure: they
/// return the whole document and never write it themselves.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checker/distributed/figures.h"
#include "counterexamples/trace.h"

namespace rseqcheck::cli {

/// One step of a counterexample: the action and what it changed.
struct TraceStep {
    std::size_t step = 0;  ///< 1-based
    std::string action;    ///< action_name()
    unsigned cpu = 0;
    int task = -1;          ///< -1: the action has no task
    cex::ParamField param;  ///< the kind's parameter (branch, woken, ...), if it has one
    std::string kernel;     ///< action_kernel(): `path:function()` and spec step
    std::string changed;    ///< the fields it changed, " name=value" each
};

enum class PropertyStatus { Holds, Violated, Vacuous, Unknown, Skipped };
std::string_view to_string(PropertyStatus s);

struct PropertyReport {
    std::string name;
    std::string spec_id;
    std::string summary;
    std::string kind;  ///< invariant | transition | leads-to | deadlock
    PropertyStatus status = PropertyStatus::Holds;
    std::uint64_t premise_count = 0;
    std::vector<TraceStep> trace;  ///< set when violated: the minimised trace
    std::string note;              ///< why skipped or unknown
    /// The same trace rendered by counterexamples/render.h: the kernel-style text (CPU
    /// columns, verdict line), the replayable rseqcheck-trace JSON, the HTML page and the DOT.
    std::optional<std::size_t> loop_start;  ///< leads-to: the step where the cycle begins
    std::string kernel_trace_text;
    std::string replay_json;
    std::string trace_html;
    std::string trace_dot;  ///< render_dot(): one lane per CPU (graphviz)
};

enum class Verdict { Holds, Violated, Vacuous, Incomplete };
std::string_view to_string(Verdict v);

struct CheckReport {
    std::string scenario;  ///< scenario name
    std::string source;    ///< "preset" or the scenario file's path
    std::string bounds;    ///< describe_bounds()
    std::string variant;   ///< Variant::name()
    std::string kernel;    ///< the scenario's kernel, KernelInfo::name ("7.0")
    /// KernelInfo::follows: the tree and the commits the model follows for that kernel.
    std::vector<std::string> kernel_follows;
    std::vector<PropertyReport> properties;
    Verdict verdict = Verdict::Holds;
    std::string incomplete_reason;
    /// Per-action coverage: transitions that never fired in this scenario (all of the
    /// search if it completed; of the part searched otherwise).
    std::vector<std::string> never_fired;
    /// The search covered the scenario: complete, and not stopped at a first violation.
    bool exhaustive = true;
    bool strict = false;
    // Deterministic figures.
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;
    std::uint32_t depth = 0;
    // Timing figures (the JSON `timing` object: differ between runs).
    double seconds = 0;
    double states_per_second = 0;
    double bytes_per_state = 0;
    std::size_t peak_rss_bytes = 0;
    std::size_t store_bytes = 0;  ///< the search's store (what --memory-limit counts)
    unsigned threads = 1;
    /// Reductions asked for (--symmetry): "symmetry"; empty when none.
    std::vector<std::string> reductions;
    /// Set when the figures above are not of the reduced search, and why (the reduced
    /// search found a violation, or a leads-to property needs the full state graph).
    std::string reduction_note;
    /// `check --distributed`: per rank and per level figures (the JSON `distributed` object).
    std::optional<checker::DistributedFigures> distributed;
};

/// 0 all hold, 1 violated (or vacuous under --strict), 3 incomplete.
int exit_status(const CheckReport& r);

enum class Format { Text, Json, Junit, Sarif, Ktap };
/// Parses a --format value; throws InputError listing the valid ones.
Format parse_format(std::string_view name);

std::string render_text(const CheckReport& r, bool colour);
std::string render_json(const CheckReport& r);
std::string render_junit(const CheckReport& r);
std::string render_sarif(const CheckReport& r);
std::string render_ktap(const CheckReport& r);
std::string render(const CheckReport& r, Format f, bool colour);

/// One violated property's trace on its own, as written by --trace-out.
std::string render_trace_text(const CheckReport& r, const PropertyReport& p);
std::string render_trace_json(const CheckReport& r, const PropertyReport& p);

/// JSON schema version of render_json(); bumped on any incompatible change.
inline constexpr int json_schema_version = 1;

}  // namespace rseqcheck::cli
