/// \file
/// Renderers of a trace: text for terminals and commit messages, JSON that `rseqcheck replay`
/// loads back, DOT/SVG with one lane per CPU, and a self-contained HTML page.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "counterexamples/trace.h"
#include "model/state_fields.h"

namespace rseqcheck::cex {

/// Header, one block per step (actor, transition, kernel function, changed fields in the
/// kernel's names), a CPU0/CPU1 timeline when more than one CPU acts, and the verdict line.
std::string render_text(const Trace& trace);

/// The greppable last line: `Violated <property> (<spec id>) on <variant>: N steps, M
/// environment events`; `Holds <property> ...` for a trace replayed without its violation.
std::string verdict_line(const Trace& trace);

/// One field a step changed: its name (prefixed `T1.` / `CPU1.` when it belongs to a task
/// other than the step's or a CPU other than the step's), its value as text, and its kind.
struct FieldChange {
    std::string_view field;  ///< the state_fields() name, unprefixed: "pc", "TIF_RSEQ"
    std::string name;
    std::string value;
    FieldKind kind = FieldKind::Kernel;
    FieldScope scope = FieldScope::Task;
    std::size_t owner = 0;  ///< the task or CPU the field belongs to
    /// The kernel function that wrote it (model/field_writers.h); set by step_changes().
    std::string by;
    /// The violated property reads this field (Property::reads); set by step_changes() at
    /// the violating step only.
    bool read = false;
};

/// The fields that differ between `before` and `after`, budget counters left out, in
/// state_fields() order; changed_fields() is these joined.
std::vector<FieldChange> field_changes(const Scenario& sc, const State& before, const State& after,
                                       TaskId self = no_task, CpuId cpu = 0xFF);

/// The changes of step k (0-based) of the trace, each with the function that wrote it; at
/// the violating step of a violated trace the fields the property reads come first, marked
/// `read`, the others after (each group in state_fields() order). Fields of a task other
/// than `self` (default: the action's task) are prefixed as in field_changes().
std::vector<FieldChange> step_changes(const Trace& trace, std::size_t k,
                                      std::optional<TaskId> self = std::nullopt);

/// The scenario facts the trace's property depends on (describe_facts()), or none.
std::vector<std::string> trace_facts(const Trace& trace);

/// " name=value" for each field that differs between `before` and `after`, budget counters
/// left out; fields of a task other than `self` (or of a CPU other than `cpu`) are prefixed
/// `T1.` / `CPU1.`.
std::string changed_fields(const Scenario& sc, const State& before, const State& after,
                           TaskId self = no_task, CpuId cpu = 0xFF);

/// One line per variant switch: `name: commit, description` ("fixed (...)" for none).
std::vector<std::string> variant_descriptions(const Variant& v);

/// The trace as JSON (format "rseqcheck-trace", version 3): scenario, variant, property,
/// every action with its named parameter ("branch": "revoke"), the changed fields and the
/// full state after each step.
std::string render_json(const Trace& trace);

/// Graphviz DOT: one lane (cluster) per CPU, steps in order, the violating step in red.
std::string render_dot(const Trace& trace);
/// Whether graphviz `dot` is on PATH.
bool dot_available();
/// SVG through `dot -Tsvg`, run without a shell on files in a fresh mkdtemp() directory;
/// nullopt when dot is not installed or fails.
std::optional<std::string> render_svg(const Trace& trace);

/// Plain text for a kernel mailing list, no line over 72 columns: a header (property and
/// whether it is violated, scenario, preemption model, variant, step count), then one row
/// per step in a column per CPU that acts (`CPU0 | CPU1`): the task, the kernel function or
/// user action the step models, and the fields it changed in the kernel's names. Long cells
/// wrap inside their column; `>` marks the violating step, `*` environment events.
std::string render_timeline(const Trace& trace);

/// One HTML page with inline CSS and script, no network: the timeline in CPU columns (in
/// the page itself, readable without the script), the changed fields per step, each step's
/// instant when the trace is timed, a lasso's cycle, the violated property highlighted, and
/// the full state of a step on click (the script).
std::string render_html(const Trace& trace);

}  // namespace rseqcheck::cex
