// Text rendering of a trace: the kernel commit-message view of a race.
#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <set>

#include "counterexamples/render.h"
#include "model/field_writers.h"
#include "model/state_fields.h"
#include "model/transitions.h"
#include "model/variant.h"

namespace rseqcheck::cex {

namespace {

std::size_t owners(const Scenario& sc, FieldScope scope) {
    switch (scope) {
    case FieldScope::Task:
        return sc.tasks.size();
    case FieldScope::Cpu:
        return sc.cpus;
    case FieldScope::Global:
        return 1;
    }
    return 0;
}

/// The step's changes, one line per writing function (`fn(): a=1 b=2`) after `indent - 2`
/// spaces and a mark: `!` for the fields the violated property reads (first), ` ` else.
std::string change_lines(const std::vector<FieldChange>& changes, std::size_t indent) {
    std::string out;
    for (const bool read : {true, false}) {
        std::vector<std::pair<std::string, std::string>> groups;  // function, fields
        for (const FieldChange& c : changes) {
            if (c.read != read)
                continue;
            auto g = std::find_if(groups.begin(), groups.end(),
                                  [&](const auto& e) { return e.first == c.by; });
            if (g == groups.end()) {
                groups.emplace_back(c.by, "");
                g = groups.end() - 1;
            }
            g->second += fmt::format(" {}={}", c.name, c.value);
        }
        for (const auto& [by, fields] : groups)
            out += fmt::format("{:>{}}{} {}:{}\n", "", indent - 2, read ? "!" : " ", by, fields);
    }
    return out;
}

std::string variant_line(const Variant& v) {
    std::string out;
    for (const std::string& line : variant_descriptions(v))
        out += (out.empty() ? "" : "\n           ") + line;
    return out;
}

}  // namespace

std::vector<FieldChange> field_changes(const Scenario& sc, const State& before, const State& after,
                                       TaskId self, CpuId cpu) {
    std::vector<FieldChange> out;
    for (const StateField& f : state_fields()) {
        if (f.kind == FieldKind::Budget)
            continue;
        for (std::size_t o = 0; o < owners(sc, f.scope); ++o) {
            const unsigned was = f.get(before, o);
            const unsigned now = f.get(after, o);
            if (was == now)
                continue;
            std::string prefix;
            if (f.scope == FieldScope::Task && o != self)
                prefix = fmt::format("T{}.", o);
            if (f.scope == FieldScope::Cpu && o != cpu)
                prefix = fmt::format("CPU{}.", o);
            out.push_back(FieldChange{f.name, prefix + std::string(f.name), format_field(f, now),
                                      f.kind, f.scope, o, "", false});
        }
    }
    return out;
}

std::vector<FieldChange> step_changes(const Trace& trace, std::size_t k,
                                      std::optional<TaskId> self) {
    const TraceStep& s = trace.steps[k];
    const Action& a = s.action;
    std::vector<FieldChange> all =
        field_changes(trace.scenario, trace.before(k), s.state, self.value_or(a.task), a.cpu);
    const bool violating = trace.violated && k + 1 == trace.steps.size();
    for (FieldChange& c : all) {
        FieldOwner owner = FieldOwner::Other;
        if (c.scope == FieldScope::Global || (c.scope == FieldScope::Cpu && c.owner == a.cpu) ||
            (c.scope == FieldScope::Task && c.owner == a.task)) {
            owner = FieldOwner::Actor;
        } else if (c.scope == FieldScope::Task && c.owner == a.next) {
            owner = FieldOwner::Next;
        }
        c.by = field_writer(a, c.field, owner);
        c.read = violating && std::find(trace.property.reads.begin(), trace.property.reads.end(),
                                        c.field) != trace.property.reads.end();
    }
    std::stable_partition(all.begin(), all.end(), [](const FieldChange& c) { return c.read; });
    return all;
}

std::vector<std::string> trace_facts(const Trace& trace) {
    return properties::describe_facts(trace.scenario, trace.property.facts);
}

std::string changed_fields(const Scenario& sc, const State& before, const State& after, TaskId self,
                           CpuId cpu) {
    std::string out;
    for (const FieldChange& c : field_changes(sc, before, after, self, cpu))
        out += fmt::format(" {}={}", c.name, c.value);
    return out;
}

std::vector<std::string> variant_descriptions(const Variant& v) {
    if (v.fixed())
        return {"fixed (the Linux 7.0 model with every fix)"};
    std::vector<std::string> out;
    for (const VariantInfo& info : variant_catalog()) {
        if (!v.has(info.id))
            continue;
        out.push_back(fmt::format("{}: {}{}", info.name,
                                  info.commit.empty() ? "" : std::string(info.commit) + ", ",
                                  info.description));
    }
    return out;
}

std::string verdict_line(const Trace& trace) {
    std::string line = fmt::format("{} {} ({}) on {}: {} steps, {} environment events",
                                   trace.violated ? "Violated" : "Holds", trace.property.name,
                                   trace.property.spec_id, trace.scenario.variant.name(),
                                   trace.steps.size(), environment_events(trace.steps));
    if (trace.cycle_start)
        line += fmt::format(", cycle from step {}", *trace.cycle_start + 1);
    return line;
}

std::string render_text(const Trace& trace) {
    const Scenario& sc = trace.scenario;
    std::string out;
    out += fmt::format("Property   {} ({}): {}\n", trace.property.name, trace.property.spec_id,
                       trace.property.summary);
    out += fmt::format("Variant    {}\n", variant_line(sc.variant));
    out += fmt::format("Scenario   {}{}\n", sc.name,
                       sc.description.empty() ? "" : ": " + sc.description);
    if (const std::vector<std::string> facts = trace_facts(trace); !facts.empty())
        out += fmt::format("Facts      {}\n", fmt::join(facts, "; "));
    if (!trace.property.reads.empty())
        out += fmt::format("Reads      {}\n", fmt::join(trace.property.reads, ", "));
    out += fmt::format("Bounds     {}\n", describe_bounds(sc));
    if (trace.original_steps != 0) {
        out += fmt::format("Minimised  {} -> {} steps, {} -> {} environment events\n",
                           trace.original_steps, trace.steps.size(),
                           trace.original_environment_events, environment_events(trace.steps));
    }
    if (!trace.timing_note.empty())
        out += fmt::format("Timed      {}\n", trace.timing_note);
    const bool timed = trace.times_ns.size() == trace.steps.size() && !trace.steps.empty();
    out += "\n";
    if (timed) {
        out += fmt::format("{:>4}  {:>9}  {:<8}  {:<34}  {}\n", "step", "time ns", "actor",
                           "action", "kernel");
    } else {
        out += fmt::format("{:>4}  {:<8}  {:<34}  {}\n", "step", "actor", "action", "kernel");
    }
    for (std::size_t k = 0; k < trace.steps.size(); ++k) {
        const TraceStep& s = trace.steps[k];
        const bool last = k + 1 == trace.steps.size();
        const std::string name = action_label(s.action);
        const char* mark = last ? ">" : (is_environment(s.action) ? "*" : " ");
        if (trace.cycle_start && k == *trace.cycle_start)
            out += "      -- cycle: the steps below repeat forever --\n";
        if (timed) {
            out +=
                fmt::format("{}{:>3}  {:>9}  {:<8}  {:<34}  {}\n", mark, k + 1, trace.times_ns[k],
                            actor(s.action), name, action_kernel(s.action.kind));
        } else {
            out += fmt::format("{}{:>3}  {:<8}  {:<34}  {}\n", mark, k + 1, actor(s.action), name,
                               action_kernel(s.action.kind));
        }
        out += change_lines(step_changes(trace, k), timed ? 28 : 17);
    }
    out += "      (* environment event, > the violating step; the fields a step changed follow\n"
           "       the kernel function that wrote them, ! marks those the property reads)\n";

    std::set<CpuId> cpus;
    for (const TraceStep& s : trace.steps)
        cpus.insert(s.action.cpu);
    if (cpus.size() > 1) {
        constexpr std::size_t width = 38;
        std::string header = "      ";
        for (CpuId c = 0; c < sc.cpus; ++c)
            header += fmt::format("{:<{}}", fmt::format("CPU{}", c), width);
        header.erase(header.find_last_not_of(' ') + 1);
        out += "\nTimeline\n" + header + "\n";
        for (std::size_t k = 0; k < trace.steps.size(); ++k) {
            const Action& a = trace.steps[k].action;
            std::string cell = (a.task == no_task ? std::string() : fmt::format("T{} ", a.task)) +
                               std::string(action_name(a.kind));
            if (cell.size() >= width)
                cell.resize(width - 1);
            out += fmt::format("{:>4}  {:<{}}{}\n", k + 1, "", a.cpu * width, cell);
        }
    }
    out += "\n" + verdict_line(trace) + "\n";
    return out;
}

}  // namespace rseqcheck::cex
