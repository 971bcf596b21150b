#include "checker/cli/check_search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <limits>
#include <string>
#include <unistd.h>
#include <vector>

#include "checker/cli/commands.h"
#include "checker/cli/distributed_session.h"
#include "checker/cli/lasso.h"
#include "checker/cli/reduction_run.h"
#include "checker/cli/verdict_rules.h"
#ifdef RSEQCHECK_HAVE_MPI
#include "checker/distributed/distributed_bfs.h"
#endif
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
    const SourceLocation selected_at = args.properties.empty() && !file_properties.empty()
                                           ? file_properties.front().where
                                           : SourceLocation{};
    // A selection of properties none of which the scenario can exercise checks nothing.
    if (!plan.selected.empty() &&
        std::none_of(plan.selected.begin(), plan.selected.end(), [&plan](int p) {
            return properties::applies_to(properties::catalog()[static_cast<std::size_t>(p)],
                                          plan.scenario);
        })) {
        const properties::Property& p =
            properties::catalog()[static_cast<std::size_t>(plan.selected.front())];
        throw InputError(selected_at, "property " + std::string(p.name) +
                                          " does not apply to this scenario (it needs " +
                                          std::string(p.applies_when) +
                                          "), and no other selected "
                                          "property does: nothing would be checked");
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
    if (args.por) {
        throw InputError({}, "--por: partial-order reduction was removed; it saved under 1% of "
                             "the states on every preset (docs/reductions.md). Drop --por");
    }
    if (args.distributed) {
        if (args.symmetry)
            throw InputError({}, "--distributed searches the full state space: drop --symmetry");
        if (args.store == "compressed") {
            throw InputError({}, "--distributed keeps its states in the plain store: drop "
                                 "--store compressed");
        }
        plan.compressed = false;
    }
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
    /// The counts the distributed search sums over its ranks: every catalogue property's
    /// premise count, then 1 for each transition that fired.
    std::vector<std::uint64_t> counters() const {
        std::vector<std::uint64_t> out;
        for (std::size_t i = 0; i < properties::catalog().size(); ++i)
            out.push_back(inner_.premise_count(static_cast<int>(i)));
        for (std::size_t k = 0; k < action_kind_count; ++k)
            out.push_back((fired_.load() >> k) & 1U);
        return out;
    }
    /// Adds other ranks' counters() (summed) to this one's.
    void add_counters(const std::vector<std::uint64_t>& more) {
        const std::size_t n = properties::catalog().size();
        for (std::size_t i = 0; i < n && i < more.size(); ++i)
            inner_.add_premise_count(static_cast<int>(i), more[i]);
        for (std::size_t k = 0; k < action_kind_count && n + k < more.size(); ++k) {
            if (more[n + k] != 0)
                fired_.fetch_or(std::uint64_t{1} << k, std::memory_order_relaxed);
        }
    }
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
            a.task == no_task ? -1 : static_cast<int>(a.task), cex::param_field(a),
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

/// The run's figures: scenario, counts, speed and memory.
void fill_figures(CheckReport& r, const CheckArgs& args, const CheckPlan& plan, const Scenario& sc,
                  const checker::SearchResult& result) {
    r.scenario = sc.name;
    r.source = plan.source;
    r.bounds = describe_bounds(sc);
    r.variant = sc.variant.name();
    const KernelInfo& kernel = kernel_info(sc.kernel);
    r.kernel = std::string(kernel.name);
    r.kernel_follows.assign(kernel.follows.begin(), kernel.follows.end());
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
}

/// Why the leads-to checks of a complete search cannot run, or "" if they can; and how many
/// run at once (`at_once`). Under --memory-limit the graph and the checks must fit beside the
/// search's store, which they read, and the program's allowance. Nothing stops them midway,
/// so the fit is decided before, from estimates that count on the large side
/// (checker/state_graph.h, checker/liveness.h). The graph numbers in 32 bits.
std::string leads_to_unchecked_reason(const CheckPlan& plan, const CheckReport& r,
                                      std::uint64_t store, std::uint64_t& at_once) {
    at_once = r.threads;
    if (plan.memory_limit != 0) {
        const std::uint64_t budget = checker::search_budget_bytes(plan.memory_limit);
        const std::uint64_t room = budget > store ? budget - store : 0;
        at_once = checker::leads_to_checks_within(room, r.states, r.transitions, r.threads);
        if (at_once == 0) {
            const std::uint64_t need = checker::leads_to_stage_min_bytes(r.states, r.transitions);
            return "memory limit of " + std::to_string(plan.memory_limit) +
                   " bytes: the state graph and one leads-to check need an estimated " +
                   std::to_string(need) + " bytes beyond the search's store of " +
                   std::to_string(store) + " bytes and the program's " +
                   std::to_string(checker::program_allowance_bytes) + " bytes";
        }
    }
    if (r.states >= checker::state_graph_max || r.transitions >= checker::state_graph_max) {
        return "the state graph the leads-to checks run on numbers states and transitions in "
               "32 bits, and this search has " +
               std::to_string(r.states) + " states and " + std::to_string(r.transitions) +
               " transitions";
    }
    return "";
}

/// Builds the state graph of a complete search and checks the leads-to properties `leads_to`
/// on it, `at_once` side by side (each needs memory of the order of the graph's).
template <class Engine>
std::vector<checker::LeadsToResult> check_leads_to_all(const RseqModel& model, const Engine& engine,
                                                       const std::vector<int>& leads_to,
                                                       std::uint64_t at_once, unsigned threads) {
    std::vector<checker::LeadsToResult> results(leads_to.size());
    const Scenario& sc = model.scenario();
    const auto cat = properties::catalog();
    const checker::StateGraph graph = checker::build_state_graph(
        model, engine,
        [](const Action& a, const State& source) { return properties::edge_label(source, a); },
        threads);
    checker::run_tasks(leads_to.size(), static_cast<unsigned>(at_once), [&](std::size_t k) {
        const properties::Property& p = cat[static_cast<std::size_t>(leads_to[k])];
        results[k] = checker::check_leads_to(
            graph, [&](std::uint32_t v) { return p.from(sc, engine.state_at(v)); },
            [&](std::uint32_t v) { return p.to(sc, engine.state_at(v)); },
            properties::leads_to_classes(p.backstop_obligation));
    });
    return results;
}

/// Where leads-to property `index`'s P held among the states the search reached, for a
/// property left unknown: as an invariant's premise counts the states it checked (the check
/// that would have counted it over the graph's vertices, the same states, did not run).
template <class Engine>
std::uint64_t premise_over_reached(const Scenario& sc, const Engine& engine, int index) {
    if constexpr (requires { engine.reached_count(index); }) {
        if (const auto counted = engine.reached_count(index))
            return *counted;  // counted on every rank (checker/distributed)
    }
    const properties::Property& p = properties::catalog()[static_cast<std::size_t>(index)];
    std::uint64_t count = 0;
    for (std::uint64_t v = 0; v < engine.size(); ++v)
        count += p.from(sc, engine.state_at(v)) ? 1U : 0U;
    return count;
}

/// A property's name, spec id, summary and kind in the report.
PropertyReport property_header(const properties::Property& p) {
    PropertyReport pr;
    pr.name = p.name;
    pr.spec_id = p.spec_id;
    pr.summary = p.summary;
    pr.kind = kind_name(p.kind);
    return pr;
}

/// `check --distributed` (checker/distributed/distributed_bfs.h): every rank searches its
/// part; rank 0 builds the report with `finish` and tells the others its exit status.
template <class Progress, class Finish>
CheckReport
distributed_search([[maybe_unused]] const CheckArgs& args, [[maybe_unused]] const CheckPlan& plan,
                   [[maybe_unused]] const RseqModel& model,
                   [[maybe_unused]] properties::CatalogChecker& checker,
                   [[maybe_unused]] const checker::SearchOptions& options,
                   [[maybe_unused]] Progress& progress, [[maybe_unused]] Finish& finish) {
#ifdef RSEQCHECK_HAVE_MPI
    using Engine = checker::DistributedBfs<RseqModel>;
    checker::DistributedOptions<State> dist;
    dist.search = options;
    const std::vector<int> leads_to = checker.selected_leads_to();
    const Scenario& sc = model.scenario();
    for (const int i : leads_to) {
        const properties::Property& p = properties::catalog()[static_cast<std::size_t>(i)];
        dist.reached_counts.emplace_back(i, [&p, &sc](const State& s) { return p.from(sc, s); });
    }
    // The leads-to checks run on rank 0, on every state gathered there, when they fit its
    // memory limit (the same estimates as finish's); there is no distributed leads-to check.
    dist.gather_refusal = [&](const checker::SearchResult& r) -> std::string {
        const bool complete =
            r.verdict != checker::Verdict::Incomplete && (args.all || r.violations.empty());
        if (!complete || leads_to.empty())
            return "the state graph is not needed";
        const std::uint64_t n = r.stats.states;
        const std::uint64_t m = r.stats.transitions;
        if (n > std::numeric_limits<std::uint32_t>::max())
            return "the state graph of " + std::to_string(n) + " states is too large for rank 0";
        if (plan.memory_limit == 0)
            return {};
        const std::uint64_t need =
            Engine::gathered_bytes(n) + checker::leads_to_stage_min_bytes(n, m);
        if (need <= checker::search_budget_bytes(plan.memory_limit))
            return {};
        return "memory limit of " + std::to_string(plan.memory_limit) +
               " bytes per rank: the leads-to checks need every state and the state graph on "
               "rank 0, an estimated " +
               std::to_string(need) + " bytes";
    };
    Engine engine(model, MPI_COMM_WORLD, dist);
    int status = 0;
    if (engine.rank() != 0) {
        engine.run(progress);
        MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
        CheckReport r;
        r.verdict = status == 0   ? Verdict::Holds
                    : status == 1 ? Verdict::Violated
                                  : Verdict::Incomplete;
        return r;
    }
    CheckReport r = finish(engine);
    r.distributed = engine.figures();
    r.distributed->gathered = engine.leads_to_unavailable().empty();
    status = exit_status(r);
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return r;
#else
    throw InputError({}, distributed_unavailable_message());
#endif
}

}  // namespace

CheckReport search(const CheckArgs& args, const CheckPlan& plan) {
    RseqModel model(plan.scenario);
    properties::CatalogChecker checker(model.scenario(), plan.selected);
    // Under --distributed only rank 0 prints (checker/cli/distributed_session.h), and only when
    // asked: mpirun gives every rank a terminal, whatever its own stderr is.
    ProgressChecker progress(checker, (args.progress || (is_tty(stderr) && !args.distributed)) &&
                                          distributed_rank() == 0);
    checker::SearchOptions options;
    options.threads = args.threads;
    options.stop_at_first = !args.all;
    options.check_deadlock = plan.selected.empty() || plan.check_deadlock;
    // The program's own memory comes out of the limit first (checker/memory_budget.h).
    options.memory_limit_bytes = plan.memory_limit;
    options.memory_kept_bytes = plan.memory_limit != 0 ? checker::program_allowance_bytes : 0;
    const timing::Params* timed = args.timed ? &plan.params : nullptr;
    // The rest of the run is the same for either engine (identical numbering and counts):
    // the figures, the leads-to stage, each property's status by the rules of
    // checker/cli/verdict_rules.h, and the verdict.
    auto finish = [&](auto& engine) -> CheckReport {
        const checker::SearchResult result = engine.run(progress);
        progress.finish();
        CheckReport r;
        const Scenario& sc = model.scenario();
        fill_figures(r, args, plan, sc, result);
        const auto cat = properties::catalog();
        const Coverage coverage{result.verdict == checker::Verdict::Incomplete,
                                result.incomplete_reason, !args.all && !result.violations.empty()};
        // Leads-to runs on the state graph of a complete search (checker/liveness.h).
        const bool graph_complete = !undecided(coverage);
        const std::vector<int> leads_to = checker.selected_leads_to();
        std::string leads_to_unchecked;
        std::vector<checker::LeadsToResult> leads_to_result;
        if (graph_complete && !leads_to.empty()) {
            std::uint64_t at_once = 0;
            // The distributed search has the graph on rank 0 only when it gathered the states.
            if constexpr (requires { engine.leads_to_unavailable(); })
                leads_to_unchecked = engine.leads_to_unavailable();
            if (leads_to_unchecked.empty()) {
                leads_to_unchecked =
                    leads_to_unchecked_reason(plan, r, result.stats.store_bytes, at_once);
            }
            if (leads_to_unchecked.empty())
                leads_to_result = check_leads_to_all(model, engine, leads_to, at_once, r.threads);
        }
        auto report_leads_to = [&](PropertyReport& pr, int index) {
            const std::optional<Undecided> open =
                !leads_to_unchecked.empty() ? Undecided{leads_to_unchecked} : undecided(coverage);
            if (open) {
                pr.status = PropertyStatus::Unknown;
                pr.note = open->note;
                pr.premise_count = premise_over_reached(sc, engine, index);
                return;
            }
            const auto at = std::find(leads_to.begin(), leads_to.end(), index);
            RSEQCHECK_CHECK(at != leads_to.end(), "a leads-to property was not checked");
            const checker::LeadsToResult& lr =
                leads_to_result[static_cast<std::size_t>(at - leads_to.begin())];
            pr.premise_count = lr.premise_count;
            if (lr.holds) {
                pr.status = unviolated_status(lr.premise_count);
                return;
            }
            pr.status = PropertyStatus::Violated;
            cex::Trace t = cex::minimise(model, lasso_trace(model, engine, index, lr));
            time_trace(t, timed);
            pr.note = lr.terminal ? "the run stops in a state without successors"
                                  : "a weakly fair cycle repeats forever";
            fill_trace(pr, t);
        };
        // An invariant or transition property, from the search's first violation of it.
        auto report_safety = [&](PropertyReport& pr, int index) {
            pr.premise_count = checker.premise_count(index);
            for (const checker::Violation& v : result.violations) {
                if (v.property == index) {
                    pr.status = PropertyStatus::Violated;
                    attach_trace(pr, model, checker, engine, v, timed);
                    return;
                }
            }
            if (const std::optional<Undecided> open = undecided(coverage)) {
                pr.status = PropertyStatus::Unknown;
                pr.note = open->note;
                return;
            }
            pr.status = unviolated_status(pr.premise_count);
        };
        for (const int i : checker.requested()) {
            const properties::Property& p = cat[static_cast<std::size_t>(i)];
            PropertyReport pr = property_header(p);
            if (!properties::applies_to(p, model.scenario())) {
                pr.status = PropertyStatus::Skipped;
                pr.note = "does not apply: needs " + std::string(p.applies_when);
            } else if (p.kind == properties::PropertyKind::LeadsTo) {
                report_leads_to(pr, i);
            } else {
                report_safety(pr, i);
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
            pr.status = PropertyStatus::Holds;
            for (const checker::Violation& v : result.violations) {
                if (v.kind == checker::ViolationKind::Deadlock &&
                    pr.status != PropertyStatus::Violated) {
                    pr.status = PropertyStatus::Violated;
                    attach_trace(pr, model, checker, engine, v, timed);
                }
            }
            const std::optional<Undecided> open = undecided(coverage);
            // A deadlock found before the search stopped incomplete keeps the note too.
            if (open && (coverage.incomplete || pr.status != PropertyStatus::Violated))
                pr.note = open->note;
            if (open && pr.status != PropertyStatus::Violated)
                pr.status = PropertyStatus::Unknown;
            r.properties.push_back(pr);
        }
        r.verdict = run_verdict(r.properties, coverage.incomplete, !leads_to_unchecked.empty(),
                                args.strict);
        r.incomplete_reason = coverage.incomplete ? result.incomplete_reason : leads_to_unchecked;
        r.never_fired = progress.never_fired();
        r.exhaustive = graph_complete;
        return r;
    };
    if (args.symmetry) {  // checker/cli/reduction_run.h
        CheckArgs plain = args;
        plain.symmetry = false;
        return run_reduced(model, ReductionFlags{args.symmetry}, options,
                           !checker.selected_leads_to().empty(), finish,
                           [&] { return search(plain, plan); });
    }
    if (args.distributed)
        return distributed_search(args, plan, model, checker, options, progress, finish);
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
