#include "checker/cli/check_search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

#include "checker/cli/commands.h"
#include "checker/cli/lasso.h"
#include "checker/cli/reduction_run.h"
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
#include "properties/catalog_checker.h"
#include "properties/fairness.h"
#include "properties/timing/path_encoding.h"
#include "util/output_file.h"
#include "util/text.h"

namespace rseqcheck::cli {

namespace fs = std::filesystem;

bool is_tty(FILE* f) {
    return isatty(fileno(f)) == 1;
}

bool colour_allowed() {
    const char* no_colour = std::getenv("NO_COLOR");
    return is_tty(stdout) && (no_colour == nullptr || *no_colour == '\0');
}

namespace {

const VariantInfo& variant_named(const std::string& name, const SourceLocation& where) {
    const VariantInfo* info = find_variant(name);
    if (info == nullptr) {
        throw InputError(where,
                         "unknown variant '" + name + "' (valid: " + join(variant_names()) + ")");
    }
    return *info;
}

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

int property_named(const std::string& name, const SourceLocation& where) {
    const int i = properties::property_index(name);
    if (i < 0) {
        throw InputError(where, properties::unknown_property_message(name));
    }
    return i;
}

}  // namespace

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

namespace {

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
        const std::string line = fmt::format(
            "rseqcheck: {} states, {} transitions, {:.0f} states/s, {} MiB", states_.load(),
            transitions_.load(), static_cast<double>(states_.load()) / secs,
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

}  // namespace

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

namespace {

/// The violation's shortest trace, minimised by replay (counterexamples/minimise.h), as
/// report steps and in the four renderings of counterexamples/render.h (text, JSON, HTML, DOT).
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

/// A minimised (and, with --timed, timed) trace into the report: its steps and its four
/// renderings. Safety violations and leads-to lassos both come through here.
void fill_trace(PropertyReport& pr, const cex::Trace& t) {
    for (std::size_t k = 0; k < t.steps.size(); ++k) {
        const Action& a = t.steps[k].action;
        pr.trace.push_back(TraceStep{
            k + 1, std::string(action_name(a.kind)), a.cpu,
            a.task == no_task ? -1 : static_cast<int>(a.task), a.arg,
            std::string(action_kernel(a.kind)),
            cex::changed_fields(t.scenario, t.before(k), t.steps[k].state, a.task, a.cpu)});
    }
    pr.loop_start = t.cycle_start;
    pr.kernel_trace_text = cex::render_text(t);
    pr.replay_json = cex::render_json(t);
    pr.trace_html = cex::render_html(t);
    pr.trace_dot = cex::render_dot(t);
}

template <class Search>
void attach_trace(PropertyReport& pr, const RseqModel& model, properties::CatalogChecker& checker,
                  const Search& search, const checker::Violation& v, const timing::Params* timed) {
    cex::Trace t = cex::minimise(model, cex::trace_of(model, checker, search, v));
    time_trace(t, timed);
    fill_trace(pr, t);
}

}  // namespace

CheckReport search(const CheckArgs& args, const CheckPlan& plan) {
    RseqModel model(plan.scenario);
    properties::CatalogChecker checker(model.scenario(), plan.selected);
    ProgressChecker progress(checker, args.progress || is_tty(stderr));
    checker::SearchOptions options;
    options.threads = args.threads;
    options.stop_at_first = !args.all;
    options.check_deadlock = plan.selected.empty() || plan.check_deadlock;
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
            fill_trace(pr, t);
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

}  // namespace rseqcheck::cli
