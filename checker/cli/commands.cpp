#include "checker/cli/commands.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "checker/cli/bound_command.h"
#include "checker/cli/check_search.h"
#include "checker/cli/compare_command.h"
#include "checker/cli/distributed_session.h"
#include "checker/cli/graph_command.h"
#include "checker/cli/impact_command.h"
#include "checker/cli/lasso.h"
#include "checker/cli/reduction_run.h"
#include "checker/cli/replay_command.h"
#include "checker/cli/report.h"
#include "checker/liveness.h"
#include "checker/memory_budget.h"
#include "checker/parallel_bfs.h"
#include "checker/parallel_tasks.h"
#include "checker/sequential_bfs.h"
#include "checker/state_graph.h"
#include "counterexamples/minimise.h"
#include "counterexamples/render.h"
#include "counterexamples/shortest_path.h"
#include "model/input_error.h"
#include "model/kernel_citation.h"
#include "model/model.h"
#include "model/scenario_file.h"
#include "model/transitions.h"
#include "properties/catalog_checker.h"
#include "properties/fairness.h"
#include "properties/property.h"
#include "properties/timing/path_encoding.h"
#include "properties/timing/timing_params.h"
#include "util/output_file.h"

namespace rseqcheck::cli {

namespace {

namespace fs = std::filesystem;

int check(const CheckArgs& args) {
    // --distributed: MPI from here to the end of the check (checker/cli/distributed_session.h).
    const DistributedSession session(args.distributed);
    const CheckPlan plan = session.plan(args);
    const CheckReport report = session.search([&] { return search(args, plan); });
    if (!session.prints())
        return exit_status(report);  // rank 0's, which it sent to every rank
    const bool to_stdout = args.output.empty();
    // Open MPI hands its ranks a terminal even when mpirun's own output is a file: no colour.
    const std::string document =
        render(report, plan.format, to_stdout && colour_allowed() && !args.distributed);
    if (!args.trace_out.empty()) {
        fs::create_directories(args.trace_out);
        for (const PropertyReport& p : report.properties) {
            if (p.status != PropertyStatus::Violated)
                continue;
            const std::string base = (fs::path(args.trace_out) / p.name).string();
            write_file_atomically(base + ".trace.json", render_trace_json(report, p));
            write_file_atomically(base + ".trace.txt", p.kernel_trace_text);
            write_file_atomically(base + ".replay.json", p.replay_json);
            write_file_atomically(base + ".html", p.trace_html);
            write_file_atomically(base + ".dot", p.trace_dot);
        }
    }
    if (to_stdout) {
        std::cout << document;
    } else {
        write_file_atomically(args.output, document);
    }
    std::cout.flush();
    return exit_status(report);
}

int list(const std::string& what, const std::string& format, const std::string& name) {
    using Json = nlohmann::ordered_json;
    if (format != "text" && format != "json" && format != "toml")
        throw InputError({}, "unknown format '" + format + "' (valid: text, json, toml)");
    if (format == "toml" && what != "presets")
        throw InputError({}, "--format toml applies to 'list presets' only");
    if (!name.empty() && what != "presets")
        throw InputError({}, "a NAME applies to 'list presets' only");
    if (format == "toml" && name.empty())
        throw InputError({}, "'list presets --format toml' needs a preset NAME");
    std::ostringstream text;
    Json json = Json::array();
    if (what == "properties") {
        for (const properties::Property& p : properties::catalog()) {
            json.push_back({{"name", p.name},
                            {"spec_id", p.spec_id},
                            {"kind", kind_name(p.kind)},
                            {"summary", p.summary},
                            {"promised_by", p.promised_by},
                            {"applies_when", p.applies_when}});
            text << p.name << " (" << p.spec_id << ", " << kind_name(p.kind) << "): " << p.summary;
            if (!p.applies_when.empty())
                text << " [applies only with " << p.applies_when << "]";
            text << "\n";
        }
    } else if (what == "variants") {
        for (const VariantInfo& v : variant_catalog()) {
            const bool patch = v.kind == VariantKind::Patch;
            json.push_back({{"name", v.name},
                            {"kind", patch ? "patch" : "bug"},
                            {"commit", v.commit},
                            {"description", v.description},
                            {"preset", v.preset},
                            {"catches", v.catches},
                            {"finding", v.finding},
                            {"targets", patch_targets(v)}});
            text << v.name << ": " << v.description;
            if (!v.commit.empty())
                text << " [undoes " << v.commit << "]";
            if (patch) {
                text << " (patch for " << v.finding << ", preset " << v.preset << ", makes "
                     << v.targets << " hold; rseqcheck compare --variant " << v.name << ")\n";
            } else {
                text << " (preset " << v.preset << ", catches " << v.catches << ")\n";
            }
        }
    } else if (what == "presets") {
        if (!name.empty()) {
            const Scenario sc = make_preset(name);
            if (format == "toml") {
                std::cout << scenario_to_toml(sc);
                return 0;
            }
            json = Json{{"name", sc.name},
                        {"description", sc.description},
                        {"bounds", describe_bounds(sc)}};
            text << sc.name << ": " << sc.description << "\n  " << describe_bounds(sc) << "\n";
        } else {
            for (const PresetInfo& p : preset_catalog()) {
                json.push_back({{"name", p.name},
                                {"description", p.description},
                                {"bounds", describe_bounds(make_preset(p.name))},
                                {"nightly_size", p.nightly_size}});
                text << p.name << ": " << p.description << "\n";
            }
        }
    } else if (what == "kernels") {
        for (const KernelInfo& k : kernel_catalog()) {
            Json follows = Json::array();
            for (const std::string_view f : k.follows)
                follows.push_back(f);
            json.push_back({{"name", k.name},
                            {"follows", follows},
                            {"description", k.description},
                            {"modelled", k.modelled}});
            text << k.name << ": " << k.description
                 << (k.modelled ? "" : " (listed, not modelled yet)") << "\n";
            for (const std::string_view f : k.follows)
                text << "  follows " << f << "\n";
        }
    } else if (what == "transitions") {
        for (const auto& info : AllTransitions::infos) {
            Json functions = Json::array();
            for (const CitedFunction& f : cited_functions(info.kernel))
                functions.push_back({{"file", f.file}, {"function", f.function}});
            json.push_back(
                {{"name", info.name}, {"kernel", info.kernel}, {"functions", functions}});
            text << info.name << ": " << info.kernel << "\n";
        }
    } else {
        throw InputError({}, "unknown list '" + what +
                                 "' (valid: properties, variants, presets, kernels, transitions)");
    }
    std::cout << (format == "json" ? json.dump(2) + "\n" : text.str());
    return 0;
}

std::string lower_first(std::string s) {
    if (!s.empty())
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

}  // namespace

std::size_t parse_memory_size(std::string_view text) {
    std::size_t value = 0;
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    const auto [stop, ec] = std::from_chars(begin, end, value);
    const std::string shown(text);
    if (ec != std::errc{} || stop == begin) {
        throw InputError({}, "--memory-limit: expected a size such as 512M or 2G, found '" + shown +
                                 "'");
    }
    std::size_t shift = 0;
    const std::string_view suffix(stop, static_cast<std::size_t>(end - stop));
    // Powers of 1024 only; the letter alone in either case, or with "iB".
    const std::string_view letters = "KMGT";
    const std::size_t at =
        suffix.empty()
            ? std::string_view::npos
            : letters.find(static_cast<char>(std::toupper(static_cast<unsigned char>(suffix[0]))));
    if (at != std::string_view::npos && (suffix.size() == 1 || suffix.substr(1) == "iB")) {
        shift = 10 * (at + 1);
    } else if (at != std::string_view::npos && suffix.substr(1) == "B") {
        throw InputError({}, "--memory-limit '" + shown + "': '" + std::string(suffix) +
                                 "' could mean a power of 1000 or of 1024; write " +
                                 std::string(1, letters[at]) + " or " + letters[at] +
                                 "iB (1024-based)");
    } else if (!suffix.empty()) {
        throw InputError({}, "--memory-limit: unknown suffix '" + std::string(suffix) + "' in '" +
                                 shown + "' (valid: K, M, G, T, or KiB, MiB, GiB, TiB)");
    }
    if (value == 0)
        throw InputError({}, "--memory-limit must be more than 0");
    if (value > (std::numeric_limits<std::size_t>::max() >> shift))
        throw InputError({}, "--memory-limit '" + shown + "' is too large");
    return value << shift;
}

/// An option given an empty value (`--scenario ''`, often an unset shell variable) would
/// read as not given at all, and the run would go on with the default: refuse it instead.
void reject_empty_values(const CLI::App& command) {
    for (const CLI::Option* opt : command.get_options()) {
        if (opt->get_type_size() == 0)
            continue;  // a flag
        for (const std::string& value : opt->results()) {
            if (value.empty()) {
                throw InputError({}, command.get_name() + " " + opt->get_name() +
                                         ": the value is empty");
            }
        }
    }
}

int run(int argc, char** argv) {
    CLI::App app{"rseqcheck: exhaustive model checking of the Linux " +
                 std::string(RSEQCHECK_KERNEL_VERSION) +
                 " rseq time slice extension.\n"
                 "Exit status: 0 every checked property holds, 1 a property is violated, "
                 "2 bad input, 3 incomplete run, 4 internal error."};
    app.name("rseqcheck");
    bool version = false;
    app.add_flag("--version", version, "print the version and the kernel version modelled");

    CheckArgs args;
    CLI::App* check_cmd = app.add_subcommand("check", "check the properties on a scenario");
    auto* preset_opt = check_cmd->add_option(
        "--preset", args.preset, "scenario preset (default: 'default', or the variant's preset)");
    auto* scenario_opt =
        check_cmd->add_option("--scenario", args.scenario_file, "scenario file (TOML)");
    preset_opt->excludes(scenario_opt);
    check_cmd->add_option("--variant", args.variants, "variant switch to apply (repeatable)");
    check_cmd->add_option("--property", args.properties,
                          "property to check (repeatable; default: all)");
    check_cmd->add_option("--threads", args.threads, "worker threads (default 1)");
    // Removed; still parsed so that an old command line gets the reason, not "unknown".
    check_cmd->add_flag("--por", args.por)->group("");
    check_cmd->add_flag("--symmetry", args.symmetry, "symmetry reduction");
    check_cmd->add_flag("--all", args.all, "keep going and report every violated property");
    check_cmd->add_flag("--timed", args.timed,
                        "print each trace with the earliest timestamps Z3 finds (docs/timing.md)");
    check_cmd->add_option("--param", args.params,
                          "timing parameter NAME=VALUE in ns for --timed (repeatable)");
    check_cmd->add_flag("--strict", args.strict,
                        "a vacuous property (premise never held) fails the run (exit 1)");
    check_cmd->add_option("--memory-limit", args.memory_limit,
                          "stop with an incomplete verdict (exit 3) before the process passes "
                          "this size, e.g. 4G: 32M for the program, the rest for the search "
                          "(store, table, buffers), then the state graph and leads-to checks "
                          "(estimated before they start)");
    check_cmd->add_option("--store", args.store,
                          "plain | compressed | auto (default): the compressed store keeps a "
                          "state in about 40% less memory, and takes longer; auto picks it for "
                          "three CPUs with three tasks (docs/performance.md)");
    check_cmd->add_option("--format", args.format, "text | json | junit | sarif | ktap");
    check_cmd->add_option("--output", args.output,
                          "write the report to FILE (whole or not at all) instead of stdout");
    check_cmd->add_option(
        "--trace-out", args.trace_out,
        "write each violated property's trace to DIR: <property>.trace.txt, .trace.json, "
        ".replay.json, .html and .dot");
    check_cmd->add_flag("--distributed", args.distributed,
                        "search over the MPI ranks of mpirun/srun, each holding a part of the "
                        "states (docs/distributed.md)");
    check_cmd->add_flag("--progress", args.progress,
                        "progress line on stderr (default: only when stderr is a terminal)");

    std::string what;
    std::string list_format = "text";
    std::string list_name;
    CLI::App* list_cmd =
        app.add_subcommand("list", "list properties, variants, presets, kernels or transitions");
    list_cmd->add_option("what", what, "properties | variants | presets | kernels | transitions")
        ->required();
    list_cmd->add_option("name", list_name, "a preset to show (list presets NAME)");
    list_cmd->add_option("--format", list_format, "text | json | toml (presets NAME only)");

    ReplayArgs replay_args;
    CLI::App* replay_cmd = app.add_subcommand(
        "replay", "re-run a trace file against the model (exit 1: still violated, 0: no "
                  "violation, 2: a step is not enabled or the file is malformed)");
    replay_cmd->add_option("file", replay_args.file, "trace file (JSON, rseqcheck-trace)")
        ->required();
    auto* replay_variant = replay_cmd->add_option(
        "--variant", replay_args.variant, "replay on this variant instead of the recorded one");
    replay_cmd->add_flag("--fixed", replay_args.fixed, "replay on the fixed 7.0 model")
        ->excludes(replay_variant);
    replay_cmd->add_option("--format", replay_args.format,
                           "text | json | timeline (72 columns) | dot | html");
    CheckArgs graph_scenario;
    GraphArgs graph_args;
    CLI::App* graph_cmd =
        app.add_subcommand("graph", "the reachable state graph of a small scenario (DOT)");
    auto* graph_preset =
        graph_cmd->add_option("--preset", graph_scenario.preset, "scenario preset");
    graph_cmd->add_option("--scenario", graph_scenario.scenario_file, "scenario file (TOML)")
        ->excludes(graph_preset);
    graph_cmd->add_option("--variant", graph_scenario.variants, "variant switch (repeatable)");
    graph_cmd->add_option("--format", graph_args.format, "dot");
    graph_cmd->add_option("--max-states", graph_args.max_states,
                          "refuse scenarios with more states (default 5000)");
    graph_cmd->add_option("--output", graph_args.output, "write to FILE instead of stdout");
    CompareArgs compare_args;
    CLI::App* compare_cmd = app.add_subcommand(
        "compare", "check a patch (a fix_ variant) against the fixed model, side by side (exit "
                   "1: it breaks a property or leaves one it names violated)");
    compare_cmd->add_option("--variant", compare_args.variants,
                            "the patch: a fix_ variant (repeatable: applied together)");
    compare_cmd->add_option("--against", compare_args.against,
                            "the model to compare with: fixed (default) or a variant");
    compare_cmd->add_option("--preset", compare_args.presets,
                            "preset (repeatable; default: every preset but deep and nightly)");
    compare_cmd->add_option("--scenario", compare_args.scenario_files,
                            "scenario file (TOML, repeatable)");
    compare_cmd->add_option("--threads", compare_args.threads, "worker threads (default 1)");
    compare_cmd->add_option("--format", compare_args.format, "text | json | markdown");
    compare_cmd->add_option("--memory-limit", compare_args.memory_limit,
                            "as check's, for each search");
    compare_cmd->add_option("--output", compare_args.output,
                            "write the report to FILE (whole or not at all) instead of stdout");
    ImpactArgs impact_args;
    CLI::App* impact_cmd = app.add_subcommand(
        "impact", "which transitions, properties, variants and presets a kernel patch touches");
    impact_cmd->add_option("patch", impact_args.patch, "unified diff (git diff, git format-patch)")
        ->required();
    impact_cmd->add_option("--format", impact_args.format, "text | json");
    CheckArgs bound_scenario;
    BoundArgs bound_args;
    CLI::App* bound_cmd =
        app.add_subcommand("bound", "prove a timing bound with the Z3 layer (properties/timing)");
    bound_cmd->add_option("query", bound_args.query, "waiter-delay | extension-bound")->required();
    auto* bound_preset =
        bound_cmd->add_option("--preset", bound_scenario.preset, "scenario preset (default)");
    bound_cmd->add_option("--scenario", bound_scenario.scenario_file, "scenario file (TOML)")
        ->excludes(bound_preset);
    bound_cmd->add_option("--variant", bound_scenario.variants, "variant switch (repeatable)");
    bound_cmd->add_option("--param", bound_args.params,
                          "timing parameter NAME=VALUE in ns (repeatable; docs/timing.md)");
    bound_cmd->add_option("--format", bound_args.format, "text | json");
    bound_cmd->add_option("--output", bound_args.output, "write the report to FILE");
    bound_cmd->add_option("--trace-out", bound_args.trace_out,
                          "write the timed witness to FILE (rseqcheck replay reads it)");
    bound_cmd->add_option("--exceed", bound_args.exceed_ns,
                          "when no bound exists, time the witness past NS (default 1e9)");

    if (argc > 1 && argv[1][0] != '-') {
        const std::string command = argv[1];
        if (command != "check" && command != "list" && command != "replay" && command != "bound" &&
            command != "graph" && command != "compare" && command != "impact") {
            throw InputError({}, "unknown command '" + command +
                                     "' (valid: check, list, replay, bound, graph, compare, "
                                     "impact)");
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        throw InputError({}, lower_first(e.what()) + " (see rseqcheck --help)");
    }
    for (const CLI::App* command : app.get_subcommands())
        reject_empty_values(*command);
    if (version) {
        std::cout << "rseqcheck " << RSEQCHECK_VERSION << " (model of Linux "
                  << RSEQCHECK_KERNEL_VERSION << " rseq time slice extension)\n";
        return 0;
    }
    if (check_cmd->parsed())
        return check(args);
    if (list_cmd->parsed())
        return list(what, list_format, list_name);
    if (replay_cmd->parsed())
        return replay(replay_args);
    if (graph_cmd->parsed())
        return graph(plan_check(graph_scenario).scenario, graph_args);
    if (compare_cmd->parsed())
        return compare(compare_args);
    if (impact_cmd->parsed())
        return impact(impact_args);
    if (bound_cmd->parsed()) {
        const CheckPlan plan = plan_check(bound_scenario);
        return bound(plan.scenario, plan.timing, bound_args);
    }
    throw InputError({}, "a command is required: check, list, replay, bound, graph, compare or "
                         "impact (see rseqcheck --help)");
}

}  // namespace rseqcheck::cli
