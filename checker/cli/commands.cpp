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
#include "checker/cli/errors.h"
#include "checker/cli/graph_command.h"
#include "checker/cli/lasso.h"
#include "checker/cli/output_file.h"
#include "checker/cli/reduction_run.h"
#include "checker/cli/replay_command.h"
#include "checker/cli/report.h"
#include "checker/liveness.h"
#include "checker/memory_budget.h"
#include "checker/parallel_bfs.h"
#include "checker/parallel_tasks.h"
#include "checker/sequential_bfs.h"
#include "checker/state_graph.h"
#include "checker/tree_store.h"
#include "counterexamples/minimise.h"
#include "counterexamples/render.h"
#include "counterexamples/shortest_path.h"
#include "model/input_error.h"
#include "model/model.h"
#include "model/scenario_file.h"
#include "properties/catalog_checker.h"
#include "properties/fairness.h"
#include "properties/property.h"
#include "properties/timing/path_encoding.h"
#include "properties/timing/timing_params.h"

namespace rseqcheck::cli {

namespace {

namespace fs = std::filesystem;

struct CheckArgs {
    std::string preset;
    std::string scenario_file;
    std::vector<std::string> variants;
    std::vector<std::string> properties;
    unsigned threads = 1;
    bool por = false;
    bool symmetry = false;
    bool all = false;
    bool strict = false;
    std::string memory_limit;
    std::string store = "auto";  ///< --store: plain | compressed | auto
    std::string format = "text";
    std::string output;
    std::string trace_out;
    bool progress = false;
    bool timed = false;               ///< --timed: timestamps on every trace (Z3)
    std::vector<std::string> params;  ///< --param NAME=VALUE for --timed
};

/// Everything `check` needs, validated, before any output is opened.
struct CheckPlan {
    Scenario scenario;
    std::string source = "preset";
    std::vector<int> selected;    ///< catalogue indices; empty = all
    std::vector<ValueAt> timing;  ///< the file's [timing] table (rseqcheck bound reads it)
    timing::Params params;        ///< that table, then --param: for --timed
    Format format = Format::Text;
    std::size_t memory_limit = 0;
    bool compressed = false;  ///< the tree store (checker/tree_store.h), not the plain one
};

/// `--store auto`: the plain store is the faster; the compressed one takes 40% less memory
/// a state (docs/performance.md). No estimate of the state count exists before a search, so
/// the scenario's shape stands in for one: three CPUs with three tasks is the shape whose
/// hundreds of millions of states do not fit this project's 23 GB machine in the plain store.
bool compressed_store(const std::string& store, const Scenario& sc) {
    if (store == "plain")
        return false;
    if (store == "compressed")
        return true;
    if (store != "auto")
        throw InputError({}, "--store '" + store + "' is not one of plain, compressed, auto");
    return sc.cpus >= 3 && sc.task_count() >= 3;
}

std::string join(const std::vector<std::string>& names) {
    std::string out;
    for (const std::string& n : names)
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

bool is_tty(FILE* f) {
    return isatty(fileno(f)) == 1;
}

bool colour_allowed() {
    const char* no_colour = std::getenv("NO_COLOR");
    return is_tty(stdout) && (no_colour == nullptr || *no_colour == '\0');
}

const VariantInfo& variant_named(const std::string& name, const SourceLocation& where) {
    const VariantInfo* info = find_variant(name);
    if (info == nullptr) {
        throw InputError(where,
                         "unknown variant '" + name + "' (valid: " + join(variant_names()) + ")");
    }
    return *info;
}

int property_named(const std::string& name, const SourceLocation& where) {
    const int i = properties::property_index(name);
    if (i < 0) {
        throw InputError(where, properties::unknown_property_message(name));
    }
    return i;
}

CheckPlan plan_check(const CheckArgs& args) {
    CheckPlan plan;
    plan.format = parse_format(args.format);
    if (!args.memory_limit.empty())
        plan.memory_limit = parse_memory_size(args.memory_limit);
    if (args.threads < 1 || args.threads > 1024) {
        throw InputError({}, "--threads " + std::to_string(args.threads) + " is outside 1..1024");
    }
    // Variants named on the command line, checked before anything is loaded.
    std::vector<const VariantInfo*> variants;
    for (const std::string& v : args.variants)
        variants.push_back(&variant_named(v, {}));
    std::vector<NamedAt> file_properties;
    if (!args.scenario_file.empty()) {
        ScenarioFile file = load_scenario_file(args.scenario_file);
        plan.scenario = file.scenario;
        plan.source = args.scenario_file;
        file_properties = file.properties;
        plan.timing = file.timing;
        // names and ranges are checked by every command, so that `check` rejects a typo too
        for (const ValueAt& v : plan.timing)
            plan.params.set_named(v.name, v.value, v.where);
    } else {
        std::string preset = args.preset;
        if (preset.empty())
            preset = variants.empty() ? "default" : std::string(variants.front()->preset);
        // Variants whose own presets differ: which one to run on is the user's choice, not
        // the order of the options.
        for (const VariantInfo* v : variants) {
            if (args.preset.empty() && v->preset != preset) {
                throw InputError({}, "variants " + std::string(variants.front()->name) +
                                         " (preset " + preset + ") and " + std::string(v->name) +
                                         " (preset " + std::string(v->preset) +
                                         ") run on different presets: name one with --preset");
            }
        }
        plan.scenario = make_preset(preset);
    }
    for (const VariantInfo* v : variants)
        plan.scenario.variant.add(v->id);
    validate(plan.scenario);
    for (const std::string& p : args.params)
        plan.params.set_from_text(p, "");
    if (!args.params.empty() && !args.timed)
        throw InputError({}, "--param sets a timing parameter for --timed; give --timed too");
    // A property named twice is checked and reported once.
    auto select = [&plan](int p) {
        if (std::find(plan.selected.begin(), plan.selected.end(), p) == plan.selected.end())
            plan.selected.push_back(p);
    };
    if (!args.properties.empty()) {
        for (const std::string& name : args.properties)
            select(property_named(name, {}));
    } else {
        for (const NamedAt& named : file_properties)
            select(property_named(named.name, named.where));
    }
    if (!args.output.empty())
        check_output_path(args.output);
    if (!args.trace_out.empty()) {
        std::error_code ec;
        if (fs::exists(args.trace_out, ec) && !fs::is_directory(args.trace_out, ec))
            throw InputError({}, "--trace-out '" + args.trace_out + "' is not a directory");
        // "traces/" names the directory traces: its parent is traces' parent, where
        // parent_path() of "traces/" itself would be "traces".
        fs::path dir(args.trace_out);
        if (!dir.has_filename())
            dir = dir.parent_path();
        const fs::path parent = dir.parent_path();
        if (!parent.empty() && !fs::is_directory(parent, ec)) {
            throw InputError({}, "--trace-out '" + args.trace_out + "': " +
                                     (fs::exists(parent, ec)
                                          ? "'" + parent.string() + "' is not a directory"
                                          : "directory '" + parent.string() + "' does not exist"));
        }
    }
    plan.compressed = compressed_store(args.store, plan.scenario);
    return plan;
}

/// Forwards to the catalogue checker and prints a progress line on stderr about once a
/// second: states (one check_state per new state), transitions, states/s, peak memory.
class ProgressChecker {
public:
    ProgressChecker(properties::CatalogChecker& inner, bool enabled)
        : inner_(inner), enabled_(enabled), start_(std::chrono::steady_clock::now()),
          last_(start_) {}

    int check_state(const State& s) {
        // Counted per thread, published every 4096 states: no shared counter per state.
        thread_local std::uint64_t local = 0;
        if ((++local & 0xFFFU) == 0) {
            states_.fetch_add(0x1000U, std::memory_order_relaxed);
            if (enabled_)
                maybe_print();
        }
        return inner_.check_state(s);
    }
    int check_transition(const State& s, const Action& a, const State& t) {
        const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(a.kind);
        if ((fired_.load(std::memory_order_relaxed) & bit) == 0)
            fired_.fetch_or(bit, std::memory_order_relaxed);
        thread_local std::uint64_t local = 0;
        if ((++local & 0xFFFU) == 0)
            transitions_.fetch_add(0x1000U, std::memory_order_relaxed);
        return inner_.check_transition(s, a, t);
    }
    const std::vector<int>& last_violations() const { return inner_.last_violations(); }
    /// The transitions (model/transitions.h names) that never fired in the search.
    std::vector<std::string> never_fired() const {
        std::vector<std::string> out;
        for (std::size_t k = 0; k < action_kind_count; ++k) {
            if ((fired_.load() & (std::uint64_t{1} << k)) == 0)
                out.emplace_back(action_name(static_cast<ActionKind>(k)));
        }
        return out;
    }
    void finish() const {
        if (printed_)
            std::cerr << "\n";
    }

private:
    void maybe_print() {
        if (printing_.test_and_set(std::memory_order_acquire))
            return;  // another search thread is printing
        print_line();
        printing_.clear(std::memory_order_release);
    }

    void print_line() {
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::seconds(1))
            return;
        last_ = now;
        const double secs = std::chrono::duration<double>(now - start_).count();
        char line[160];
        std::snprintf(line, sizeof line,
                      "rseqcheck: %llu states, %llu transitions, %.0f states/s, %zu MiB",
                      static_cast<unsigned long long>(states_.load()),
                      static_cast<unsigned long long>(transitions_.load()),
                      static_cast<double>(states_.load()) / secs,
                      checker::peak_rss_bytes() / (std::size_t{1024} * 1024U));
        std::cerr << (is_tty(stderr) ? "\r" : "") << line << (is_tty(stderr) ? "" : "\n");
        std::cerr.flush();
        printed_ = is_tty(stderr);
    }

    properties::CatalogChecker& inner_;
    bool enabled_;
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_;
    std::atomic<std::uint64_t> fired_{0};  ///< one bit per ActionKind that fired
    std::atomic<std::uint64_t> states_{0};
    std::atomic<std::uint64_t> transitions_{0};
    std::atomic_flag printing_;
    bool printed_ = false;
};

std::string_view kind_name(properties::PropertyKind k) {
    switch (k) {
    case properties::PropertyKind::Invariant:
        return "invariant";
    case properties::PropertyKind::Transition:
        return "transition";
    case properties::PropertyKind::LeadsTo:
        return "leads-to";
    }
    return "?";
}

/// The violation's shortest trace, minimised by replay (counterexamples/minimise.h), as
/// report steps and in the three renderings of counterexamples/render.h.
/// --timed: a timing of the trace under the timing layer's rules (docs/timing.md), asked of
/// Z3: kernel segments as slow as allowed, other waits as short; or a note that no timing
/// satisfies the rules.
void time_trace(cex::Trace& t, const timing::Params* params) {
    if (params == nullptr)
        return;
    std::vector<timing::PathStep> steps;
    for (const cex::TraceStep& s : t.steps)
        steps.push_back(timing::PathStep{s.action, s.state});
    const auto times = timing::schedule_path(t.scenario, *params, t.initial, steps);
    if (times) {
        t.times_ns = *times;
        t.timing_note = "kernel segments at their bounds, other waits shortest "
                        "(docs/timing.md), " +
                        timing::describe(*params);
    } else {
        t.timing_note = "no timing satisfies docs/timing.md's rules with " +
                        timing::describe(*params) +
                        ": some step needs a kernel segment longer than its bound";
    }
}

template <class Search>
void attach_trace(PropertyReport& pr, const RseqModel& model, properties::CatalogChecker& checker,
                  const Search& search, const checker::Violation& v, const timing::Params* timed) {
    cex::Trace t = cex::minimise(model, cex::trace_of(model, checker, search, v));
    time_trace(t, timed);
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
        const Action& a = t.steps[k].action;
        pr.trace.push_back(TraceStep{
            k + 1, std::string(action_name(a.kind)), a.cpu,
            a.task == no_task ? -1 : static_cast<int>(a.task), a.arg,
            std::string(action_kernel(a.kind)),
            cex::changed_fields(model.scenario(), t.before(k), t.steps[k].state, a.task, a.cpu)});
    }
    pr.kernel_trace_text = cex::render_text(t);
    pr.replay_json = cex::render_json(t);
    pr.trace_html = cex::render_html(t);
}

CheckReport search(const CheckArgs& args, const CheckPlan& plan) {
    RseqModel model(plan.scenario);
    properties::CatalogChecker checker(model.scenario(), plan.selected);
    ProgressChecker progress(checker, args.progress || is_tty(stderr));
    checker::SearchOptions options;
    options.threads = args.threads;
    options.stop_at_first = !args.all;
    options.check_deadlock = plan.selected.empty();
    // The program's own memory comes out of the limit first (checker/memory_budget.h).
    options.memory_limit_bytes = plan.memory_limit;
    options.memory_kept_bytes = plan.memory_limit != 0 ? checker::program_allowance_bytes : 0;
    const timing::Params* timed = args.timed ? &plan.params : nullptr;
    // The rest of the run is the same for either engine (identical numbering and counts).
    auto finish = [&](auto& engine) -> CheckReport {
        const checker::SearchResult result = engine.run(progress);
        progress.finish();

        CheckReport r;
        const Scenario& sc = model.scenario();
        r.scenario = sc.name;
        r.source = plan.source;
        r.bounds = describe_bounds(sc);
        r.variant = sc.variant.name();
        r.strict = args.strict;
        r.states = result.stats.states;
        r.transitions = result.stats.transitions;
        r.depth = result.stats.depth;
        r.seconds = result.stats.seconds;
        r.states_per_second = result.stats.states_per_second;
        r.bytes_per_state = result.stats.bytes_per_state;
        r.peak_rss_bytes = result.stats.peak_rss_bytes;
        r.store_bytes = result.stats.store_bytes;
        r.threads = args.threads > 1 ? args.threads : 1;
        const bool incomplete = result.verdict == checker::Verdict::Incomplete;
        const auto cat = properties::catalog();
        // Leads-to runs on the state graph of a complete search (checker/liveness.h).
        const bool graph_complete = !incomplete && (args.all || result.violations.empty());
        // The leads-to checks are independent: with several threads they run side by side
        // on the one graph (each needs memory of the order of the graph's while it runs).
        const std::vector<int> leads_to = checker.selected_leads_to();
        std::vector<checker::LeadsToResult> leads_to_result(leads_to.size());
        // Under --memory-limit the graph and the checks must fit beside the search's store,
        // which they read, and the program's allowance. Nothing stops them midway, so the
        // fit is decided before, from
        // estimates that count on the large side (checker/state_graph.h, checker/liveness.h);
        // when a single check does not fit, the leads-to properties stay unknown.
        std::string leads_to_skipped;
        std::uint64_t leads_to_at_once = r.threads;
        if (graph_complete && !leads_to.empty() && plan.memory_limit != 0) {
            const std::uint64_t store = result.stats.store_bytes;
            const std::uint64_t budget = checker::search_budget_bytes(plan.memory_limit);
            const std::uint64_t room = budget > store ? budget - store : 0;
            leads_to_at_once =
                checker::leads_to_checks_within(room, r.states, r.transitions, r.threads);
            if (leads_to_at_once == 0) {
                const std::uint64_t need =
                    checker::leads_to_stage_min_bytes(r.states, r.transitions);
                leads_to_skipped =
                    "memory limit of " + std::to_string(plan.memory_limit) +
                    " bytes: the state graph and one leads-to check need an estimated " +
                    std::to_string(need) + " bytes beyond the search's store of " +
                    std::to_string(store) + " bytes and the program's " +
                    std::to_string(checker::program_allowance_bytes) + " bytes";
            }
        }
        if (graph_complete && !leads_to.empty() && leads_to_skipped.empty()) {
            const checker::StateGraph graph = checker::build_state_graph(
                model, engine, [](const Action& a) { return properties::fairness_class(a); },
                r.threads);
            checker::run_tasks(
                leads_to.size(), static_cast<unsigned>(leads_to_at_once), [&](std::size_t k) {
                    const properties::Property& p = cat[static_cast<std::size_t>(leads_to[k])];
                    leads_to_result[k] = checker::check_leads_to(
                        graph, [&](std::uint32_t v) { return p.from(sc, engine.state_at(v)); },
                        [&](std::uint32_t v) { return p.to(sc, engine.state_at(v)); });
                });
        }
        bool liveness_violated = false;
        // A leads-to property left unknown still reports where its P held among the states
        // the search reached, as an invariant's premise counts the states it checked: the
        // check that would have counted it over the graph's vertices (the same states) did
        // not run.
        auto premise_over_reached = [&](int index) {
            const properties::Property& p = cat[static_cast<std::size_t>(index)];
            std::uint64_t count = 0;
            for (std::uint64_t v = 0; v < engine.size(); ++v)
                count += p.from(sc, engine.state_at(v)) ? 1U : 0U;
            return count;
        };
        auto check_liveness = [&](PropertyReport& pr, int index) {
            if (!graph_complete || !leads_to_skipped.empty()) {
                pr.status = PropertyStatus::Unknown;
                pr.note = !leads_to_skipped.empty() ? leads_to_skipped
                          : incomplete ? "search incomplete: " + result.incomplete_reason
                                       : "search stopped at the first violation (use --all)";
                pr.premise_count = premise_over_reached(index);
                return;
            }
            const auto at = std::find(leads_to.begin(), leads_to.end(), index);
            RSEQCHECK_CHECK(at != leads_to.end(), "a leads-to property was not checked");
            const checker::LeadsToResult& lr =
                leads_to_result[static_cast<std::size_t>(at - leads_to.begin())];
            pr.premise_count = lr.premise_count;
            if (lr.holds) {
                pr.status = lr.premise_count == 0 ? PropertyStatus::Vacuous : PropertyStatus::Holds;
                return;
            }
            liveness_violated = true;
            pr.status = PropertyStatus::Violated;
            cex::Trace t = cex::minimise(model, lasso_trace(model, engine, index, lr));
            time_trace(t, timed);
            pr.note = lr.terminal ? "the run stops in a state without successors"
                                  : "a weakly fair cycle repeats forever";
            for (std::size_t k = 0; k < t.steps.size(); ++k) {
                const Action& a = t.steps[k].action;
                pr.trace.push_back(TraceStep{
                    k + 1, std::string(action_name(a.kind)), a.cpu,
                    a.task == no_task ? -1 : static_cast<int>(a.task), a.arg,
                    std::string(action_kernel(a.kind)),
                    cex::changed_fields(sc, t.before(k), t.steps[k].state, a.task, a.cpu)});
            }
            pr.loop_start = t.cycle_start;
            pr.kernel_trace_text = cex::render_text(t);
            pr.replay_json = cex::render_json(t);
            pr.trace_html = cex::render_html(t);
        };
        for (const int i : checker.selected()) {
            const properties::Property& p = cat[static_cast<std::size_t>(i)];
            PropertyReport pr;
            pr.name = p.name;
            pr.spec_id = p.spec_id;
            pr.summary = p.summary;
            pr.kind = kind_name(p.kind);
            if (p.kind == properties::PropertyKind::LeadsTo) {
                check_liveness(pr, i);
                r.properties.push_back(pr);
                continue;
            }
            pr.premise_count = checker.premise_count(i);
            const checker::Violation* violation = nullptr;
            for (const checker::Violation& v : result.violations) {
                if (v.property == i && violation == nullptr)
                    violation = &v;
            }
            if (violation != nullptr) {
                pr.status = PropertyStatus::Violated;
                attach_trace(pr, model, checker, engine, *violation, timed);
            } else if (incomplete) {
                pr.status = PropertyStatus::Unknown;
                pr.note = "search incomplete: " + result.incomplete_reason;
            } else if (args.all || result.violations.empty()) {
                pr.status = pr.premise_count == 0 ? PropertyStatus::Vacuous : PropertyStatus::Holds;
            } else {
                pr.status = PropertyStatus::Unknown;
                pr.note = "search stopped at the first violation (use --all)";
            }
            r.properties.push_back(pr);
        }
        if (options.check_deadlock) {
            PropertyReport pr;
            pr.name = "deadlock-free";
            pr.spec_id = "-";
            pr.summary = "every state without successors has no task inside the kernel";
            pr.kind = "deadlock";
            pr.premise_count = result.stats.states;
            pr.status = incomplete ? PropertyStatus::Unknown : PropertyStatus::Holds;
            if (incomplete)
                pr.note = "search incomplete: " + result.incomplete_reason;
            for (const checker::Violation& v : result.violations) {
                if (v.kind == checker::ViolationKind::Deadlock &&
                    pr.status != PropertyStatus::Violated) {
                    pr.status = PropertyStatus::Violated;
                    attach_trace(pr, model, checker, engine, v, timed);
                }
            }
            if (pr.status == PropertyStatus::Holds && !args.all && !result.violations.empty()) {
                pr.status = PropertyStatus::Unknown;
                pr.note = "search stopped at the first violation (use --all)";
            }
            r.properties.push_back(pr);
        }
        bool any_vacuous = false;
        for (const PropertyReport& p : r.properties)
            any_vacuous = any_vacuous || p.status == PropertyStatus::Vacuous;
        if (!result.violations.empty() || liveness_violated) {
            r.verdict = Verdict::Violated;
        } else if (incomplete || !leads_to_skipped.empty()) {
            r.verdict = Verdict::Incomplete;
        } else if (args.strict && any_vacuous) {
            r.verdict = Verdict::Vacuous;
        } else {
            r.verdict = Verdict::Holds;
        }
        r.incomplete_reason = incomplete ? result.incomplete_reason : leads_to_skipped;
        r.never_fired = progress.never_fired();
        r.exhaustive = graph_complete;
        return r;
    };
    if (args.por || args.symmetry) {  // checker/cli/reduction_run.h
        CheckArgs plain = args;
        plain.por = plain.symmetry = false;
        return run_reduced(model, ReductionFlags{args.por, args.symmetry}, options,
                           !checker.selected_leads_to().empty(), finish,
                           [&] { return search(plain, plan); });
    }
    using Compressed = checker::TreeStore<State>;
    if (args.threads > 1 && plan.compressed) {
        checker::ParallelBfs<RseqModel, Compressed> engine(model, options);
        return finish(engine);
    }
    if (args.threads > 1) {
        checker::ParallelBfs<RseqModel> engine(model, options);
        return finish(engine);
    }
    if (plan.compressed) {
        checker::SequentialBfs<RseqModel, Compressed> engine(model, options);
        return finish(engine);
    }
    checker::SequentialBfs<RseqModel> engine(model, options);
    return finish(engine);
}

int check(const CheckArgs& args) {
    const CheckPlan plan = plan_check(args);
    const CheckReport report = search(args, plan);
    const bool to_stdout = args.output.empty();
    const std::string document = render(report, plan.format, to_stdout && colour_allowed());
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
                            {"promised_by", p.promised_by}});
            text << p.name << " (" << p.spec_id << ", " << kind_name(p.kind) << "): " << p.summary
                 << "\n";
        }
    } else if (what == "variants") {
        for (const VariantInfo& v : variant_catalog()) {
            json.push_back({{"name", v.name},
                            {"commit", v.commit},
                            {"description", v.description},
                            {"preset", v.preset},
                            {"catches", v.catches}});
            text << v.name << ": " << v.description;
            if (!v.commit.empty())
                text << " [undoes " << v.commit << "]";
            text << " (preset " << v.preset << ", catches " << v.catches << ")\n";
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
                                {"bounds", describe_bounds(make_preset(p.name))}});
                text << p.name << ": " << p.description << "\n";
            }
        }
    } else {
        throw InputError({}, "unknown list '" + what + "' (valid: properties, variants, presets)");
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
                 "2 bad input, 3 incomplete run or internal error."};
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
    check_cmd->add_flag("--por", args.por, "partial-order reduction");
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
        ".replay.json and .html");
    check_cmd->add_flag("--progress", args.progress,
                        "progress line on stderr (default: only when stderr is a terminal)");

    std::string what;
    std::string list_format = "text";
    std::string list_name;
    CLI::App* list_cmd = app.add_subcommand("list", "list properties, variants or presets");
    list_cmd->add_option("what", what, "properties | variants | presets")->required();
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
    replay_cmd->add_option("--format", replay_args.format, "text | json");
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
            command != "graph") {
            throw InputError({}, "unknown command '" + command +
                                     "' (valid: check, list, replay, bound, graph)");
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
    if (bound_cmd->parsed()) {
        const CheckPlan plan = plan_check(bound_scenario);
        return bound(plan.scenario, plan.timing, bound_args);
    }
    throw InputError({}, "a command is required: check, list, replay, bound or graph (see "
                         "rseqcheck --help)");
}

}  // namespace rseqcheck::cli
