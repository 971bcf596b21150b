#include "checker/cli/bound_command.h"

#include <fmt/format.h>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "counterexamples/render.h"
#include "counterexamples/trace.h"
#include "model/input_error.h"
#include "properties/timing/bound_query.h"
#include "util/output_file.h"

namespace rseqcheck::cli {

namespace {

using nlohmann::ordered_json;
using timing::BoundResult;
using timing::Query;

/// The witness as a trace the replay command reads: no property is violated on it, so it
/// names deadlock-free (replay answers "holds", exit 0); each step carries its time.
ordered_json witness_document(const Scenario& sc, const BoundResult& r) {
    cex::Trace trace;
    trace.scenario = sc;
    trace.property = cex::PropertyRef::of(-1);
    trace.initial = r.search.initial;
    for (const timing::PathStep& s : r.search.steps)
        trace.steps.push_back(cex::TraceStep{s.action, s.state});
    ordered_json doc = ordered_json::parse(cex::render_json(trace));
    const std::vector<std::int64_t>& times = r.witness_timing.times_ns;
    for (std::size_t k = 0; k < doc["steps"].size() && k < times.size(); ++k)
        doc["steps"][k]["time_ns"] = times[k];
    doc["summary"]["verdict"] = std::string("timed witness of ") + timing::query_name(r.query);
    doc["timing"] = {{"query", timing::query_name(r.query)},
                     {"start_step", r.search.start_step + 1},
                     {"subject_task", r.search.subject},
                     {"params", timing::describe(r.params)}};
    return doc;
}

std::string verdict_line(const Scenario& sc, const BoundResult& r) {
    const std::string q = timing::query_name(r.query);
    if (!r.search.complete)
        return "Incomplete " + q + " on " + sc.variant.name() + ": " + r.search.incomplete_reason;
    if (!r.search.bounded) {
        return "Unbounded " + q + " on " + sc.variant.name() +
               ": no finite bound within the scenario";
    }
    if (r.search.steps.empty())
        return "Vacuous " + q + " on " + sc.variant.name() + ": the scenario has no start event";
    return "Bounded " + q + " <= " + std::to_string(r.search.sup_ns) + " ns on " +
           sc.variant.name();
}

std::string render_text(const Scenario& sc, const BoundResult& r) {
    std::ostringstream out;
    const std::string q = timing::query_name(r.query);
    out << "rseqcheck bound " << q << ": scenario " << sc.name << ", variant " << sc.variant.name()
        << "\n";
    out << "parameters (ns): " << timing::describe(r.params) << "\n";
    out << "searched " << r.search.model_states << " model states, " << r.search.starts
        << " start events, " << r.search.symbolic_states << " symbolic states in "
        << r.search.seconds << " s; Z3 " << r.z3_seconds << " s\n";
    if (r.search.complete && r.search.bounded && !r.search.steps.empty()) {
        out << "bound: " << r.search.sup_ns << " ns (the supremum over every path of the "
            << "zone search)\n";
        out << "formula: " << r.formula.text() << "\n";
        if (r.query == Query::WaiterDelay) {
            out << "spec 5.2 cases A/B, d_ipi + d_pre + E + eps_hw + eps_off + d_exit: "
                << r.spec_formula_ns << " ns ("
                << (r.spec_formula_ns == r.search.sup_ns ? "equal" : "differs: see docs/timing.md")
                << ")\n";
        }
        out << "witness: Z3 maximum on its path " << r.witness_timing.max_ns << " ns; "
            << "\"" << q << " > " << r.witness_timing.max_ns << "\" is "
            << (r.witness_timing.proven ? "unsatisfiable" : "NOT shown unsatisfiable")
            << " on it\n";
    } else if (!r.search.bounded) {
        out << "no finite bound: the witness below is timed so that the delay exceeds "
            << r.exceed_ns << " ns (--exceed NS times it past any other number)\n";
    }
    if (!r.search.steps.empty()) {
        out << fmt::format("\n  {:>4}  {:>11}  {:<8}  {}\n", "step", "time ns", "actor", "action");
        for (std::size_t k = 0; k < r.search.steps.size(); ++k) {
            const timing::PathStep& s = r.search.steps[k];
            const State& before = k == 0 ? r.search.initial : r.search.steps[k - 1].state;
            const std::string t = k < r.witness_timing.times_ns.size()
                                      ? std::to_string(r.witness_timing.times_ns[k])
                                      : "-";
            out << fmt::format(
                "{} {:>4}  {:>11}  {:<8}  {}{}\n", k == r.search.start_step ? ">" : " ", k + 1, t,
                cex::actor(s.action), cex::describe(s.action),
                cex::changed_fields(sc, before, s.state, s.action.task, s.action.cpu));
        }
        const std::vector<std::int64_t>& times = r.witness_timing.times_ns;
        if (times.size() > r.search.steps.size() &&
            !(r.query == Query::WaiterDelay && r.search.bounded)) {
            out << "  then the last state lasts until " << times.back() << " ns"
                << (r.search.bounded ? "" : ": nothing forces the next event") << "\n";
        }
        out << "  (> marks the start event)\n";
    }
    out << verdict_line(sc, r) << "\n";
    return out.str();
}

ordered_json render_json(const Scenario& sc, const BoundResult& r) {
    ordered_json j{
        {"format", "rseqcheck-bound"},
        {"version", 1},
        {"query", timing::query_name(r.query)},
        {"scenario", sc.name},
        {"variant", sc.variant.name()},
        {"complete", r.search.complete},
        {"bounded", r.search.complete && r.search.bounded},
        {"bound_ns", r.search.complete && r.search.bounded && !r.search.steps.empty()
                         ? ordered_json(r.search.sup_ns)
                         : ordered_json(nullptr)},
        {"formula", r.search.bounded && !r.search.steps.empty() ? ordered_json(r.formula.text())
                                                                : ordered_json(nullptr)},
    };
    ordered_json params = ordered_json::object();
    for (std::size_t i = 0; i < timing::param_count; ++i) {
        const auto p = static_cast<timing::Param>(i);
        params[std::string(timing::info(p).name)] = r.params.get(p);
    }
    j["params"] = params;
    if (r.query == Query::WaiterDelay) {
        j["spec_formula"] = {{"text", "d_ipi + d_pre + E + eps_hw + eps_off + d_exit"},
                             {"ns", r.spec_formula_ns}};
    }
    j["proof"] = {{"zone_search_complete", r.search.complete},
                  {"z3_witness_max_ns", r.witness_timing.bounded
                                            ? ordered_json(r.witness_timing.max_ns)
                                            : ordered_json(nullptr)},
                  {"z3_exceeding_unsat", r.witness_timing.proven},
                  {"z3_witness_end_ns", r.witness_timing.times_ns.empty()
                                            ? ordered_json(nullptr)
                                            : ordered_json(r.witness_timing.times_ns.back())}};
    if (!r.search.bounded)
        j["exceeds_ns"] = r.exceed_ns;
    j["stats"] = {{"model_states", r.search.model_states},
                  {"start_events", r.search.starts},
                  {"symbolic_states", r.search.symbolic_states},
                  {"search_seconds", r.search.seconds},
                  {"z3_seconds", r.z3_seconds}};
    j["verdict"] = verdict_line(sc, r);
    j["witness"] = r.search.steps.empty() ? ordered_json(nullptr) : witness_document(sc, r);
    if (!r.search.complete)
        j["incomplete_reason"] = r.search.incomplete_reason;
    return j;
}

}  // namespace

int bound(const Scenario& sc, const std::vector<ValueAt>& file_timing, const BoundArgs& args) {
    const std::optional<Query> q = timing::parse_query(args.query);
    if (!q) {
        throw InputError({}, "unknown bound query '" + args.query +
                                 "' (valid: " + timing::query_names() + ")");
    }
    timing::Params params;
    for (const ValueAt& v : file_timing)
        params.set_named(v.name, v.value, v.where);
    for (const std::string& p : args.params)
        params.set_from_text(p, "");
    if (args.exceed_ns < 0)
        throw InputError({}, "--exceed " + std::to_string(args.exceed_ns) + " is negative");
    if (args.format != "text" && args.format != "json")
        throw InputError({}, "unknown format '" + args.format + "' for bound (valid: text, json)");
    if (!args.output.empty())
        check_output_path(args.output);
    if (!args.trace_out.empty())
        check_output_path(args.trace_out);
    BoundResult r;
    try {
        r = timing::run_bound(sc, params, *q, args.exceed_ns);
    } catch (const timing::TimingError& e) {
        std::cerr << "rseqcheck: error: bound " << args.query << " on scenario " << sc.name << " ("
                  << sc.variant.name() << "): " << e.what() << "\n";
        return 3;
    }
    const std::string report =
        args.format == "json" ? render_json(sc, r).dump(2) + "\n" : render_text(sc, r);
    if (!args.trace_out.empty() && !r.search.steps.empty())
        write_file_atomically(args.trace_out, witness_document(sc, r).dump(2) + "\n");
    if (args.output.empty()) {
        std::cout << report;
    } else {
        write_file_atomically(args.output, report);
    }
    if (!r.search.complete)
        return 3;
    return r.search.bounded ? 0 : 1;
}

}  // namespace rseqcheck::cli
