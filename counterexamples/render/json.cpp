// The JSON form of a trace (format "rseqcheck-trace", version 3), read back by trace_file.cpp.
#include <nlohmann/json.hpp>

#include "counterexamples/render.h"
#include "model/state_fields.h"
#include "model/transitions.h"

namespace rseqcheck::cex {

namespace {

using nlohmann::ordered_json;

std::string_view kind_name(checker::ViolationKind k) {
    switch (k) {
    case checker::ViolationKind::Invariant:
        return "invariant";
    case checker::ViolationKind::Transition:
        return "transition";
    case checker::ViolationKind::Deadlock:
        return "deadlock";
    }
    return "?";
}

ordered_json value_json(const StateField& f, unsigned v) {
    if (f.format != nullptr)
        return f.format(v);
    return v;
}

ordered_json state_json(const Scenario& sc, const State& s) {
    ordered_json tasks = ordered_json::array();
    ordered_json cpus = ordered_json::array();
    ordered_json global = ordered_json::object();
    for (std::size_t t = 0; t < sc.tasks.size(); ++t)
        tasks.push_back(ordered_json::object());
    for (std::size_t c = 0; c < sc.cpus; ++c)
        cpus.push_back(ordered_json::object());
    for (const StateField& f : state_fields()) {
        const std::string name(f.name);
        switch (f.scope) {
        case FieldScope::Task:
            for (std::size_t t = 0; t < sc.tasks.size(); ++t)
                tasks[t][name] = value_json(f, f.get(s, t));
            break;
        case FieldScope::Cpu:
            for (std::size_t c = 0; c < sc.cpus; ++c)
                cpus[c][name] = value_json(f, f.get(s, c));
            break;
        case FieldScope::Global:
            global[name] = value_json(f, f.get(s, 0));
            break;
        }
    }
    return ordered_json{{"tasks", tasks}, {"cpus", cpus}, {"global", global}};
}

ordered_json scenario_json(const Scenario& sc) {
    ordered_json tasks = ordered_json::array();
    for (const TaskConfig& t : sc.tasks) {
        tasks.push_back({{"role", std::string(to_string(t.role))},
                         {"slice_enabled", t.slice_enabled},
                         {"rt", t.rt},
                         {"cpu", t.cpu},
                         {"in_critical_section", t.in_critical_section},
                         {"abi", std::string(to_string(t.abi))}});
        if (t.cs_user)  // written only when set (model-part2 area 1), as the reader expects
            tasks.back()["cs_user"] = true;
        if (t.sud)  // sud, ptrace, seccomp (model-part2 area 3): likewise only when set
            tasks.back()["sud"] = true;
        if (t.ptrace)
            tasks.back()["ptrace"] = true;
        if (t.seccomp != SeccompMode::None)
            tasks.back()["seccomp"] = std::string(to_string(t.seccomp));
        if (!t.registered)  // model-part2 area 2a: written only when the task starts unregistered
            tasks.back()["registered"] = false;
    }
    const Bounds& b = sc.bounds;
    ordered_json out{{"preset", sc.name},
                     {"description", sc.description},
                     {"cpus", sc.cpus},
                     {"preempt", std::string(to_string(sc.preempt))},
                     {"kernel", std::string(to_string(sc.kernel))},
                     {"arch", std::string(to_string(sc.arch))},
                     {"slice_key", sc.slice_key},
                     {"debug_key", sc.debug_key},
                     {"adversarial", sc.adversarial},
                     {"tasks", tasks},
                     {"bounds",
                      {{"wakeups", b.wakeups},
                       {"irqs", b.irqs},
                       {"faults", b.faults},
                       {"migrations", b.migrations},
                       {"signals", b.signals},
                       {"membarriers", b.membarriers},
                       {"user_writes", b.user_writes},
                       {"syscalls", b.syscalls}}},
                     {"bounds_text", describe_bounds(sc)}};
    if (sc.adversarial_fields)
        out["adversarial_fields"] = true;
    if (sc.write_rseq_fields)
        out["write_rseq_fields"] = true;
    if (!sc.slice_config)  // model-part2 area 2b: written only when off
        out["slice_config"] = false;
    if (!(sc.syscall_kinds == default_syscall_kinds)) {  // model-part2 area 2: only when set
        ordered_json kinds = ordered_json::array();
        for (std::size_t i = 1; i < syscall_count; ++i) {
            if (sc.syscall_kinds.has(static_cast<Syscall>(i)))
                kinds.push_back(std::string(to_string(static_cast<Syscall>(i))));
        }
        out["syscall_kinds"] = kinds;
    }
    return out;
}

/// A parameter in the form it has in a version 3 trace.
ordered_json param_json(const ParamField& f) {
    switch (f.form) {
    case ParamField::Form::String:
        return f.text;
    case ParamField::Form::Number:
        return f.number;
    case ParamField::Form::Boolean:
        return f.number != 0;
    }
    return nullptr;
}

}  // namespace

std::string render_json(const Trace& trace) {
    const Scenario& sc = trace.scenario;
    ordered_json steps = ordered_json::array();
    for (std::size_t k = 0; k < trace.steps.size(); ++k) {
        const TraceStep& s = trace.steps[k];
        const Action& a = s.action;
        ordered_json action{
            {"kind", std::string(action_name(a.kind))},
            {"cpu", a.cpu},
            {"task", a.task == no_task ? ordered_json(nullptr) : ordered_json(a.task)}};
        if (const ParamField f = param_field(a); f.param != ActionParam::None)
            action[std::string(f.name())] = param_json(f);
        action["next"] = a.next == no_task     ? ordered_json(nullptr)
                         : a.next == idle_task ? ordered_json("idle")
                                               : ordered_json(a.next);
        action["fault"] = std::string(to_string(a.fault));
        if (a.no_preempt)
            action["no_preempt"] = true;
        std::string changed = changed_fields(sc, trace.before(k), s.state, a.task, a.cpu);
        if (!changed.empty())
            changed.erase(0, 1);
        ordered_json changes = ordered_json::array();
        for (const FieldChange& c : step_changes(trace, k)) {
            ordered_json change{{"name", c.name}, {"value", c.value}, {"by", c.by}};
            if (c.read)
                change["read_by_property"] = true;
            changes.push_back(change);
        }
        steps.push_back({{"step", k + 1},
                         {"action", action},
                         {"kernel", std::string(action_kernel(a.kind))},
                         {"environment", is_environment(a)},
                         {"changed", changed},
                         {"changes", changes},
                         {"state", state_json(sc, s.state)}});
        if (trace.times_ns.size() == trace.steps.size())
            steps.back()["time_ns"] = trace.times_ns[k];
    }
    ordered_json doc{
        {"format", "rseqcheck-trace"},
        {"version", 3},
        {"property",
         {{"name", trace.property.name},
          {"spec_id", trace.property.spec_id},
          {"kind", std::string(kind_name(trace.property.kind))},
          {"summary", trace.property.summary},
          {"reads",
           std::vector<std::string>(trace.property.reads.begin(), trace.property.reads.end())},
          {"facts", trace_facts(trace)}}},
        {"variant", sc.variant.name()},
        {"scenario", scenario_json(sc)},
        {"summary",
         {{"steps", trace.steps.size()},
          {"environment_events", environment_events(trace.steps)},
          {"context_switches", context_switches(trace.steps)},
          {"original_steps", trace.original_steps},
          {"original_environment_events", trace.original_environment_events},
          {"verdict", verdict_line(trace)}}},
        {"cycle_start",
         trace.cycle_start ? ordered_json(*trace.cycle_start) : ordered_json(nullptr)},
        {"initial_state", state_json(sc, trace.initial)},
        {"steps", steps},
    };
    if (!trace.timing_note.empty())
        doc["timing_note"] = trace.timing_note;
    return doc.dump(2) + "\n";
}

}  // namespace rseqcheck::cex
