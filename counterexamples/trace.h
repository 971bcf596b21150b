/// \file
/// A counterexample: the scenario and variant it runs on, the property it violates, and the
/// steps (action, state after) from the scenario's initial state. A liveness failure is a
/// lasso: the steps from `cycle_start` on repeat forever.
/// Spec: kernel-model-spec.md 4 (the invariants a trace violates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "checker/search_types.h"
#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"
#include "properties/property.h"

namespace rseqcheck::cex {

/// What the trace violates: a catalogue property (by index) or deadlock freedom (-1).
struct PropertyRef {
    int index = -1;  ///< catalogue index; -1 for a deadlock
    checker::ViolationKind kind = checker::ViolationKind::Invariant;
    std::string name;     ///< "no-stale-grant-after-switch", or "deadlock-free"
    std::string spec_id;  ///< "I1", or "-"
    std::string summary;  ///< the catalogue's one-line claim
    /// The state fields its claim and premise read (Property::reads): marked at the
    /// violating step. Empty for deadlock-free.
    std::span<const std::string_view> reads;
    /// The scenario facts it depends on (Property::facts): shown in the trace's header.
    properties::ScenarioFacts facts = 0;

    /// The catalogue entry of `index` (kind, name, id, claim); -1 gives deadlock-free.
    static PropertyRef of(int index);
    /// The catalogue entry of that name, or deadlock-free; throws InputError when unknown.
    static PropertyRef named(std::string_view name);
};

struct TraceStep {
    Action action;
    State state;  ///< the state after the action
};

struct Trace {
    Scenario scenario;  ///< preset or file scenario; scenario.variant is the trace's variant
    PropertyRef property;
    State initial{};
    std::vector<TraceStep> steps;
    /// Liveness lasso: steps[*cycle_start..] lead from state `cycle_start` back to itself.
    std::optional<std::size_t> cycle_start;
    /// Length of the trace before minimisation (0 when it was not minimised).
    std::size_t original_steps = 0;
    std::size_t original_environment_events = 0;
    /// `check --timed`: the instant of each step in ns (properties/timing schedule_path()),
    /// or empty; `timing_note` says which parameters, or why no timing exists.
    std::vector<std::int64_t> times_ns;
    std::string timing_note;
    /// False for a trace that `rseqcheck replay` ran to its end without the violation (on
    /// another variant, or on the fixed model): renderers then say that the property holds.
    bool violated = true;

    /// The state before step k (0-based): the initial state for k == 0.
    const State& before(std::size_t k) const { return k == 0 ? initial : steps[k - 1].state; }
    std::vector<Action> actions() const;
};

/// An environment event: an interrupt, IPI, wakeup, migration, signal, timer expiry, user
/// write, or any step whose user access faulted. Minimisation removes these.
bool is_environment(const Action& a);
std::size_t environment_events(std::span<const TraceStep> steps);
/// Changes of actor between consecutive steps: a different CPU, or a different task.
std::size_t context_switches(std::span<const TraceStep> steps);

/// The fault outcome as trace files spell it: "none", "resolved", "unresolvable" (the JSON
/// writer and the trace-file reader both use it).
std::string_view to_string(Fault f);
/// The action's parameter (model/action.h action_param()) as a trace field. Text traces
/// print ` name=text`; the JSON trace (version 3) writes `"name": value` in `form`.
struct ParamField {
    enum class Form : std::uint8_t { String, Number, Boolean };
    ActionParam param = ActionParam::None;  ///< None: nothing to print
    std::string text;                       ///< "revoke", "NEED_RESCHED|RSEQ", "getpid", "2"
    unsigned number = 0;                    ///< the value of a Number or Boolean field
    Form form = Form::Number;

    std::string_view name() const { return to_string(param); }
};
/// The field of `a`: none for a kind without a parameter and for the main path
/// (Branch::None), which traces leave implicit.
ParamField param_field(const Action& a);

/// "CPU0 T1", "CPU1 -" for a step without a task.
std::string actor(const Action& a);
/// The action with its parameters: `irq_wakeup cpu=0 woken=1`, plus the kind's parameter
/// (param_field()), next and fault when they are set.
std::string describe(const Action& a);
/// The action as a trace step names it: `schedule -> T1`, `exit_to_user (fault, -EFAULT)`.
std::string action_label(const Action& a);

/// The trace from an engine path (element 0 is the initial state, as path_to() returns).
template <class Step>
Trace trace_from_path(const Scenario& sc, PropertyRef property, const std::vector<Step>& path) {
    Trace t;
    t.scenario = sc;
    t.property = std::move(property);
    t.initial = path.front().state;
    for (std::size_t k = 1; k < path.size(); ++k)
        t.steps.push_back(TraceStep{path[k].action, path[k].state});
    return t;
}

}  // namespace rseqcheck::cex
