#include "checker/cli/check_command.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "checker/sequential_bfs.h"
#include "model/input_error.h"
#include "model/model.h"
#include "properties/catalog_checker.h"
#include "properties/property.h"

namespace rseqcheck::cli {

namespace {

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

std::string tif_names(unsigned tif) {
    static const char* const names[] = {"NOTIFY_RESUME", "SIGPENDING", "NEED_RESCHED",
                                        "NEED_RESCHED_LAZY", "RSEQ"};
    std::string out;
    for (unsigned b = 0; b < 5; ++b) {
        if ((tif & (1U << b)) != 0)
            out += (out.empty() ? "" : "|") + std::string(names[b]);
    }
    return out.empty() ? "0" : out;
}

/// The fields a kernel developer reads in a slice trace, where they changed.
std::string changed_fields(const Scenario& sc, const State& a, const State& b) {
    std::ostringstream out;
    auto field = [&](const std::string& name, unsigned before, unsigned after) {
        if (before != after)
            out << " " << name << "=" << after;
    };
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& x = a.task(t);
        const Task& y = b.task(t);
        const std::string p = "T" + std::to_string(t) + ".";
        if (x.tif != y.tif)
            out << " " << p << "TIF=" << tif_names(y.tif);
        field(p + "rseq.slice.state.granted", x.slice_granted, y.slice_granted);
        field(p + "slice_ctrl.request", x.usr_slice_request, y.usr_slice_request);
        field(p + "slice_ctrl.granted", x.usr_slice_granted, y.usr_slice_granted);
        field(p + "rseq.event.user_irq", x.user_irq, y.user_irq);
        field(p + "rseq.event.sched_switch", x.sched_switch, y.sched_switch);
        field(p + "rseq.event.ids_changed", x.ids_changed, y.ids_changed);
        field(p + "SYSCALL_RSEQ_SLICE", x.syscall_work_rseq_slice, y.syscall_work_rseq_slice);
        field(p + "slice.expired", x.slice_expired, y.slice_expired);
        field(p + "cpu", x.cpu, y.cpu);
        field(p + "cpu_id", x.usr_cpu_id, y.usr_cpu_id);
    }
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const Cpu& x = a.cpu(c);
        const Cpu& y = b.cpu(c);
        const std::string p = "CPU" + std::to_string(c) + ".";
        field(p + "curr", x.curr, y.curr);
        field(p + "hrtimer.armed", x.slice_timer_armed, y.slice_timer_armed);
        field(p + "PREEMPT_NEED_RESCHED", x.preempt_need_resched, y.preempt_need_resched);
    }
    return out.str();
}

Scenario scenario_for(const std::string& preset, const std::vector<std::string>& variants) {
    std::string name = preset;
    Variant variant;
    for (const std::string& v : variants) {
        const VariantInfo* info = find_variant(v);
        if (info == nullptr) {
            throw InputError({},
                             "unknown variant '" + v + "' (valid: " + join(variant_names()) + ")");
        }
        variant.add(info->id);
        if (name.empty())
            name = std::string(info->preset);
    }
    if (name.empty())
        name = "default";
    Scenario sc = make_preset(name);
    sc.variant = variant;
    validate(sc);
    return sc;
}

std::vector<int> select_properties(const std::vector<std::string>& names) {
    std::vector<int> out;
    for (const std::string& n : names) {
        const int i = properties::property_index(n);
        if (i < 0) {
            throw InputError({}, "unknown property '" + n + "' (did you mean '" +
                                     properties::nearest_property(n) + "'?)");
        }
        out.push_back(i);
    }
    return out;
}

int check(const std::string& preset, const std::vector<std::string>& variants,
          const std::vector<std::string>& property_names, bool all, const std::string& format) {
    if (format != "text" && format != "json")
        throw InputError({}, "unknown format '" + format + "' (valid: text, json)");
    const Scenario sc = scenario_for(preset, variants);
    const std::vector<int> selected = select_properties(property_names);
    RseqModel model(sc);
    properties::CatalogChecker checker(model.scenario(), selected);
    checker::SearchOptions options;
    options.stop_at_first = !all;
    checker::SequentialBfs<RseqModel> search(model, options);
    const checker::SearchResult result = search.run(checker);

    const auto cat = properties::catalog();
    nlohmann::json json;
    json["schema_version"] = 1;
    json["scenario"] = {{"preset", sc.name}, {"bounds", describe_bounds(sc)}};
    json["variant"] = sc.variant.name();
    std::ostringstream text;
    text << "rseqcheck: scenario " << sc.name << " (" << describe_bounds(sc) << ")\n";
    text << "variant: " << sc.variant.name() << "\n";
    for (const int i : checker.selected()) {
        const properties::Property& p = cat[static_cast<std::size_t>(i)];
        if (p.kind == properties::PropertyKind::LeadsTo)
            continue;  // checked on the state graph by the liveness layer, not by this search
        const checker::Violation* v = nullptr;
        for (const checker::Violation& x : result.violations) {
            if (x.property == i)
                v = &x;
        }
        const std::uint64_t premise = checker.premise_count(i);
        std::string status = v != nullptr ? "violated" : (premise == 0 ? "vacuous" : "holds");
        if (v == nullptr && result.verdict == checker::Verdict::Incomplete)
            status = "unknown";
        text << "  " << status << "  " << p.name << " (" << p.spec_id << ")  premise " << premise
             << "\n";
        nlohmann::json pj = {{"name", p.name},
                             {"spec_id", p.spec_id},
                             {"status", status},
                             {"premise_count", premise}};
        if (v != nullptr) {
            auto path = search.path_to(v->kind == checker::ViolationKind::Transition ? v->from_state
                                                                                     : v->state);
            if (v->kind == checker::ViolationKind::Transition) {
                // the violating transition itself: from_state -> state
                const State from = path.back().state;
                const State to = search.state_at(v->state);
                bool appended = false;
                model.for_each_successor(from, [&](const Action& a, const State& t) {
                    if (appended || !(t == to))
                        return;
                    if (checker.check_transition(from, a, t) != i)
                        return;
                    path.push_back({a, t, true});
                    appended = true;
                });
            }
            nlohmann::json steps = nlohmann::json::array();
            text << "\n  trace (" << path.size() - 1 << " steps):\n";
            for (std::size_t k = 1; k < path.size(); ++k) {
                const Action& a = path[k].action;
                std::ostringstream who;
                who << "CPU" << static_cast<unsigned>(a.cpu);
                if (a.task != no_task)
                    who << " T" << static_cast<unsigned>(a.task);
                const std::string fields = changed_fields(sc, path[k - 1].state, path[k].state);
                text << "  " << k << ". " << who.str() << "  " << action_name(a.kind) << "  ["
                     << action_kernel(a.kind) << "]\n       " << fields << "\n";
                steps.push_back({{"step", k},
                                 {"action", action_name(a.kind)},
                                 {"cpu", a.cpu},
                                 {"task", a.task},
                                 {"arg", a.arg},
                                 {"kernel", action_kernel(a.kind)},
                                 {"changed", fields}});
            }
            text << "  Violated " << p.name << " (" << p.spec_id << ") on " << sc.variant.name()
                 << ": " << path.size() - 1 << " steps\n\n";
            pj["trace"] = steps;
        }
        json["properties"].push_back(pj);
    }
    const char* verdict = result.verdict == checker::Verdict::Holds      ? "holds"
                          : result.verdict == checker::Verdict::Violated ? "violated"
                                                                         : "incomplete";
    json["verdict"] = verdict;
    json["states"] = result.stats.states;
    json["transitions"] = result.stats.transitions;
    json["depth"] = result.stats.depth;
    json["timing"] = {{"seconds", result.stats.seconds},
                      {"states_per_second", result.stats.states_per_second},
                      {"bytes_per_state", result.stats.bytes_per_state},
                      {"peak_rss_bytes", result.stats.peak_rss_bytes}};
    char line[256];
    std::snprintf(line, sizeof line,
                  "%llu states, %llu transitions, depth %u, %.2f s, %.0f states/s, %.1f "
                  "bytes/state\n",
                  static_cast<unsigned long long>(result.stats.states),
                  static_cast<unsigned long long>(result.stats.transitions), result.stats.depth,
                  result.stats.seconds, result.stats.states_per_second,
                  result.stats.bytes_per_state);
    text << line << "verdict: " << verdict;
    if (result.verdict == checker::Verdict::Holds)
        text << ": all checked properties hold over the exhaustive search";
    if (!result.incomplete_reason.empty())
        text << " (" << result.incomplete_reason << ")";
    text << "\n";
    if (format == "json")
        std::cout << json.dump(2) << "\n";
    else
        std::cout << text.str();
    if (result.verdict == checker::Verdict::Incomplete)
        return 3;
    return result.verdict == checker::Verdict::Violated ? 1 : 0;
}

int list(const std::string& what, const std::string& format) {
    nlohmann::json json = nlohmann::json::array();
    if (what == "properties") {
        for (const properties::Property& p : properties::catalog()) {
            const char* kind = p.kind == properties::PropertyKind::Invariant    ? "invariant"
                               : p.kind == properties::PropertyKind::Transition ? "transition"
                                                                                : "leads-to";
            json.push_back({{"name", p.name},
                            {"spec_id", p.spec_id},
                            {"kind", kind},
                            {"summary", p.summary},
                            {"promised_by", p.promised_by}});
            if (format == "text")
                std::cout << p.name << " (" << p.spec_id << ", " << kind << "): " << p.summary
                          << "\n";
        }
    } else if (what == "variants") {
        for (const VariantInfo& v : variant_catalog()) {
            json.push_back({{"name", v.name},
                            {"commit", v.commit},
                            {"description", v.description},
                            {"preset", v.preset},
                            {"catches", v.catches}});
            if (format == "text") {
                std::cout << v.name << ": " << v.description;
                if (!v.commit.empty())
                    std::cout << " [undoes " << v.commit << "]";
                std::cout << " (preset " << v.preset << ", catches " << v.catches << ")\n";
            }
        }
    } else if (what == "presets") {
        for (const PresetInfo& p : preset_catalog()) {
            json.push_back({{"name", p.name}, {"description", p.description}});
            if (format == "text")
                std::cout << p.name << ": " << p.description << "\n";
        }
    } else {
        throw InputError({}, "unknown list '" + what + "' (valid: properties, variants, presets)");
    }
    if (format == "json")
        std::cout << json.dump(2) << "\n";
    else if (format != "text")
        throw InputError({}, "unknown format '" + format + "' (valid: text, json)");
    return 0;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"rseqcheck: exhaustive model checking of the Linux rseq time slice extension"};
    app.require_subcommand(0, 1);
    bool version = false;
    app.add_flag("--version", version, "print the version and the kernel version modelled");

    std::string preset;
    std::vector<std::string> variants;
    std::vector<std::string> property_names;
    bool all = false;
    std::string format = "text";
    CLI::App* check_cmd = app.add_subcommand("check", "check the properties on a scenario");
    check_cmd->add_option("--preset", preset,
                          "scenario preset (default: default, or the "
                          "variant's preset)");
    check_cmd->add_option("--variant", variants, "variant to apply (repeatable)");
    check_cmd->add_option("--property", property_names, "property to check (repeatable)");
    check_cmd->add_flag("--all", all, "keep going and report every violated property once");
    check_cmd->add_option("--format", format, "text or json");

    std::string what;
    std::string list_format = "text";
    CLI::App* list_cmd = app.add_subcommand("list", "list properties, variants or presets");
    list_cmd->add_option("what", what, "properties | variants | presets")->required();
    list_cmd->add_option("--format", list_format, "text or json");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        throw InputError({}, e.what());
    }
    if (version) {
        std::cout << "rseqcheck " << RSEQCHECK_VERSION << " (model of Linux "
                  << RSEQCHECK_KERNEL_VERSION << " rseq time slice extension)\n";
        return 0;
    }
    if (check_cmd->parsed())
        return check(preset, variants, property_names, all, format);
    if (list_cmd->parsed())
        return list(what, list_format);
    std::cout << app.help();
    return 2;
}

}  // namespace rseqcheck::cli
