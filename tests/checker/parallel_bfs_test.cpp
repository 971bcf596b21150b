// The parallel engine numbers, counts and reports exactly as the sequential one: on a grid
// whose counts are known by hand, on every small preset and on every variant, with a
// planted violation at a known depth, and under a memory limit. CI runs these under TSan
// (their names contain "Parallel").
#include <array>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <tuple>
#include <unistd.h>
#include <vector>

#include <gtest/gtest.h>

#include "checker/parallel_bfs.h"
#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/variant.h"
#include "properties/catalog_checker.h"
#include "tests/support/same_numbering.h"

namespace rseqcheck::checker {
namespace {

/// k x k grid: from (x, y) step to (x+1, y) or (x, y+1). k^2 states, 2k(k-1) transitions,
/// depth 2(k-1). The invariant "x + y != planted" fails first at depth `planted`.
struct Grid {
    struct State {
        std::uint16_t x;
        std::uint16_t y;
    };
    struct Action {
        std::uint8_t dir;
    };
    std::uint16_t k;
    State initial_state() const { return {0, 0}; }
    bool is_valid_end(const State&) const { return true; }
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        if (s.x + 1 < k)
            f(Action{0}, State{static_cast<std::uint16_t>(s.x + 1), s.y});
        if (s.y + 1 < k)
            f(Action{1}, State{s.x, static_cast<std::uint16_t>(s.y + 1)});
    }
};

struct PlantedChecker {
    int planted = -1;
    int check_state(const Grid::State& s) const { return s.x + s.y == planted ? 0 : -1; }
    int check_transition(const Grid::State&, const Grid::Action&, const Grid::State&) { return -1; }
};

TEST(ParallelBfs, GridCountsAreKnownByHandForEveryThreadCount) {
    const Grid grid{40};
    for (const unsigned threads : {1U, 2U, 3U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        ParallelBfs<Grid> engine(grid, o);
        PlantedChecker none;
        const SearchResult r = engine.run(none);
        EXPECT_EQ(r.stats.states, 40U * 40U) << threads;
        EXPECT_EQ(r.stats.transitions, 2U * 40U * 39U) << threads;
        EXPECT_EQ(r.stats.depth, 78U) << threads;
        EXPECT_EQ(r.verdict, Verdict::Holds);
    }
}

// Below SearchOptions::parallel_min_items a phase runs its parts on the calling thread, one
// after another: the counts and the reported violation are the same as on threads.
TEST(ParallelBfs, SmallPhasesOnTheCallingThreadGiveTheSameResults) {
    const Grid grid{40};
    std::vector<std::tuple<std::uint64_t, std::uint64_t, std::uint32_t, std::uint64_t>> seen;
    for (const std::uint64_t min_items : {std::uint64_t{0}, std::uint64_t{1} << 40U}) {
        SearchOptions o;
        o.threads = 3;
        o.parallel_min_items = min_items;
        ParallelBfs<Grid> engine(grid, o);
        PlantedChecker c{50};
        const SearchResult r = engine.run(c);
        ASSERT_EQ(r.violations.size(), 1U);
        seen.emplace_back(r.stats.states, r.stats.transitions, r.violations[0].depth,
                          r.violations[0].state);
    }
    EXPECT_EQ(seen[0], seen[1]);
    EXPECT_EQ(std::get<2>(seen[0]), 50U);
}

TEST(ParallelBfs, APlantedViolationIsFoundAtItsDepthByEveryMode) {
    const Grid grid{30};
    for (const unsigned threads : {1U, 2U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        ParallelBfs<Grid> engine(grid, o);
        PlantedChecker c{17};
        const SearchResult r = engine.run(c);
        ASSERT_EQ(r.violations.size(), 1U);
        EXPECT_EQ(r.violations[0].depth, 17U);
        EXPECT_EQ(engine.path_to(r.violations[0].state).size(), 18U);
    }
    SequentialBfs<Grid> seq(grid, SearchOptions{});
    PlantedChecker c{17};
    EXPECT_EQ(seq.run(c).violations.at(0).depth, 17U);
}

// The depth bound the parallel engine's error replay runs SequentialBfs with: states at depth
// d or deeper are stored and checked but not expanded. On the k x k grid (k = 10) the states
// of depth j number j + 1 for j < k, so a bound of 4 stores 1 + 2 + 3 + 4 + 5 = 15 states,
// expands the 10 of depths 0-3 (2 transitions each: none reaches an edge), and checks the
// invariants of depth 4, where the planted violation is found.
TEST(SequentialBfs, TheDepthBoundStoresTheLevelAtTheBoundAndExpandsNoneOfIt) {
    const Grid grid{10};
    SearchOptions o;
    o.expand_below_depth = 4;
    o.stop_at_first = false;
    SequentialBfs<Grid> seq(grid, o);
    PlantedChecker at_bound{4};
    const SearchResult r = seq.run(at_bound);
    EXPECT_EQ(r.verdict, Verdict::Incomplete);
    EXPECT_EQ(r.stats.states, 15U);
    EXPECT_EQ(r.stats.transitions, 20U);
    EXPECT_EQ(r.stats.depth, 4U);
    ASSERT_EQ(r.violations.size(), 1U);
    EXPECT_EQ(r.violations[0].depth, 4U);
    // Past the bound nothing is checked: a violation planted at depth 5 is not met.
    PlantedChecker past_bound{5};
    SequentialBfs<Grid> again(grid, o);
    EXPECT_TRUE(again.run(past_bound).violations.empty());
}

// Neither engine stores a depth per state: it is found from where each level starts. On the
// grid a state's depth is its distance x + y from the corner.
TEST(ParallelBfs, EveryStateDepthIsItsDistanceInEveryEngine) {
    const Grid grid{25};
    PlantedChecker none;
    SequentialBfs<Grid> seq(grid, SearchOptions{});
    ASSERT_EQ(seq.run(none).stats.states, 25U * 25U);
    for (std::uint64_t i = 0; i < seq.size(); ++i) {
        const Grid::State& s = seq.state_at(i);
        ASSERT_EQ(seq.depth_of(i), static_cast<std::uint32_t>(s.x + s.y)) << i;
    }
    for (const unsigned threads : {1U, 2U, 3U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        ParallelBfs<Grid> par(grid, o);
        ASSERT_EQ(par.run(none).stats.states, 25U * 25U);
        for (std::uint64_t i = 0; i < par.size(); ++i) {
            const Grid::State& s = par.state_at(i);
            ASSERT_EQ(par.depth_of(i), static_cast<std::uint32_t>(s.x + s.y)) << threads;
            ASSERT_EQ(par.path_to(i).size(), par.depth_of(i) + 1U) << threads;
        }
    }
}

/// Every state of a level leads to the same few states of the next: W states per level, each
/// with successors (level + 1, (7i + k) mod W) for k < 4. Threads expanding different chunks
/// of a level meet the same new states at the same time, so the smallest discovery key must
/// win by the compare-and-swap on the keys, not by who inserts first.
struct Funnel {
    struct State {
        std::uint16_t level;
        std::uint16_t i;
    };
    struct Action {
        std::uint8_t k;
    };
    std::uint16_t width;
    std::uint16_t levels;
    State initial_state() const { return {0, 0}; }
    bool is_valid_end(const State&) const { return true; }
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        if (s.level + 1 >= levels)
            return;
        for (std::uint8_t k = 0; k < 4; ++k) {
            const auto next = static_cast<std::uint16_t>((7U * s.i + k) % width);
            f(Action{k}, State{static_cast<std::uint16_t>(s.level + 1), next});
        }
    }
};

struct NoChecker {
    int check_state(const Funnel::State&) { return -1; }
    int check_transition(const Funnel::State&, const Funnel::Action&, const Funnel::State&) {
        return -1;
    }
};

/// The funnel, failing (as a model with a bug would) when it expands a state of level 6 whose
/// i is 17 mod 400: level 6 has 2280 states (see below), so several workers fail, in
/// different chunks.
struct FailingFunnel : Funnel {
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        if (s.level == 6 && s.i % 400 == 17)
            throw std::runtime_error("cannot expand (6, " + std::to_string(s.i) + ")");
        Funnel::for_each_successor(s, f);
    }
};

/// What a search with this checker throws (a std::runtime_error's message), or "no error".
template <class Checker = NoChecker>
std::string failure_of(auto&& engine, Checker checker = {}) {
    try {
        engine.run(checker);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "no error";
}

// What the model throws reaches the caller, and on any number of threads it is the error of
// the state the sequential search expands first, though other workers fail too.
TEST(ParallelBfs, AModelErrorIsTheOneTheSequentialSearchMeetsFirst) {
    const FailingFunnel funnel{Funnel{3000, 24}};
    const std::string expected = failure_of(SequentialBfs<FailingFunnel>(funnel, SearchOptions{}));
    ASSERT_NE(expected, "no error");
    for (const unsigned threads : {1U, 2U, 3U, 4U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        EXPECT_EQ(failure_of(ParallelBfs<FailingFunnel>(funnel, o)), expected) << threads;
    }
}

/// The funnel with errors from everywhere in one level, as a buggy model and buggy properties
/// would throw them: the model cannot expand (6, model_at); a transition property cannot
/// evaluate a step into (7, transition_at); an invariant cannot evaluate (7, state_at).
/// `never` (no state has that i) turns one off.
struct MixedFailures {
    static constexpr std::uint16_t never = 0xFFFF;
    std::uint16_t model_at;
    std::uint16_t transition_at;
    std::uint16_t state_at;
};

struct FunnelFailingAt : Funnel {
    MixedFailures fail;
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        if (s.level == 6 && s.i == fail.model_at)
            throw std::runtime_error("model cannot expand (6, " + std::to_string(s.i) + ")");
        Funnel::for_each_successor(s, f);
    }
};

struct CheckerFailingAt {
    MixedFailures fail;
    int check_state(const Funnel::State& s) const {
        if (s.level == 7 && s.i == fail.state_at)
            throw std::runtime_error("invariant cannot check (7, " + std::to_string(s.i) + ")");
        return -1;
    }
    int check_transition(const Funnel::State& from, const Funnel::Action&,
                         const Funnel::State& to) const {
        if (to.level == 7 && to.i == fail.transition_at) {
            throw std::runtime_error("transition property cannot check (6, " +
                                     std::to_string(from.i) + ") -> (7, " + std::to_string(to.i) +
                                     ")");
        }
        return -1;
    }
};

// When the model and the properties both throw in one level, the error that reaches the
// caller is the one the sequential search meets first, on any number of threads. Level 6 has
// 2280 states, numbered (in the sequential order) so that (6, 58), (6, 1356) and (6, 2824)
// come at 1%, 50% and 80% of it, and (6, 2490), (6, 2491) at places 634 and 635. (7, 742),
// (7, 2432) and (7, 877) are first met from places 37, 634 and 1471; (7, 1722) from place 351.
// So the errors fall in worker 0's leading chunks (numbered as they are expanded), in the
// other workers' chunks (numbered after the level), and one state apart in one chunk (the
// pipeline generates state i + 1 before it checks the invariants of state i's successors).
TEST(ParallelBfs, MixedModelAndPropertyErrorsReachTheCallerInTheSequentialOrder) {
    constexpr std::uint16_t never = MixedFailures::never;
    int sequential_errors = 0;
    for (const std::uint16_t model_at :
         std::array<std::uint16_t, 6>{58, 1356, 2824, 2490, 2491, never}) {
        for (const std::uint16_t state_at : std::array<std::uint16_t, 4>{742, 2432, 877, never}) {
            for (const std::uint16_t transition_at : std::array<std::uint16_t, 2>{1722, never}) {
                const MixedFailures fail{model_at, transition_at, state_at};
                const FunnelFailingAt funnel{Funnel{3000, 24}, fail};
                const std::string expected =
                    failure_of(SequentialBfs<FunnelFailingAt>(funnel, SearchOptions{}),
                               CheckerFailingAt{fail});
                sequential_errors += expected != "no error" ? 1 : 0;
                for (const unsigned threads : {1U, 2U, 3U, 4U}) {
                    SearchOptions o;
                    o.threads = threads;
                    o.parallel_min_items = 0;
                    EXPECT_EQ(
                        failure_of(ParallelBfs<FunnelFailingAt>(funnel, o), CheckerFailingAt{fail}),
                        expected)
                        << "threads " << threads << ", model at " << model_at << ", transition at "
                        << transition_at << ", state at " << state_at;
                }
            }
        }
    }
    // Every case but the one with no failure at all throws.
    EXPECT_EQ(sequential_errors, 6 * 4 * 2 - 1);
}

// The parallel engine gives every state the sequential search's index and parent. The funnel
// makes chunks race for the same new states; its levels outgrow the first table (4 Ki slots)
// several times, so the search also stops mid-level for the table to double and resumes.
TEST(ParallelBfs, EveryStateHasTheSequentialIndexAndParentUnderRacesAndGrowth) {
    const Funnel funnel{3000, 24};
    NoChecker none;
    SequentialBfs<Funnel> seq(funnel, SearchOptions{});
    const SearchResult expected = seq.run(none);
    ASSERT_GT(expected.stats.states, 40000U);
    for (const unsigned threads : {2U, 3U, 4U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        ParallelBfs<Funnel> par(funnel, o);
        const SearchResult r = par.run(none);
        ASSERT_EQ(r.stats.states, expected.stats.states) << threads;
        ASSERT_EQ(r.stats.transitions, expected.stats.transitions) << threads;
        ASSERT_EQ(r.stats.depth, expected.stats.depth) << threads;
        ASSERT_NO_FATAL_FAILURE(rseqcheck::testing::expect_same_numbering(
            seq, par, threads,
            [](const Funnel::State& a, const Funnel::State& b) {
                return a.level == b.level && a.i == b.i;
            },
            [](const auto& a, const auto& b) {
                return a.state.i == b.state.i && a.action.k == b.action.k;
            }));
    }
}

TEST(ParallelBfs, MemoryLimitEndsIncomplete) {
    const Grid grid{200};
    SearchOptions o;
    o.threads = 2;
    o.parallel_min_items = 0;
    o.memory_limit_bytes = std::size_t{64} * 1024;
    ParallelBfs<Grid> engine(grid, o);
    PlantedChecker none;
    const SearchResult r = engine.run(none);
    EXPECT_EQ(r.verdict, Verdict::Incomplete);
    EXPECT_LT(r.stats.states, 200U * 200U);
    EXPECT_NE(r.incomplete_reason.find("memory limit"), std::string::npos);
}

/// Counts, violations (property, depth, state, parent) and every selected property's
/// premise count: all that `check` reports outside `timing`.
using Outcome = std::tuple<std::uint64_t, std::uint64_t, std::uint32_t,
                           std::set<std::tuple<int, std::uint32_t, std::uint64_t, std::uint64_t>>,
                           std::vector<std::uint64_t>>;

template <class Engine>
Outcome explore(const Scenario& sc, unsigned threads, bool stop_at_first = false) {
    const RseqModel model(sc);
    properties::CatalogChecker checker(model.scenario(), {});
    SearchOptions o;
    o.threads = threads;
    o.parallel_min_items = 0;
    o.stop_at_first = stop_at_first;
    Engine engine(model, o);
    const SearchResult r = engine.run(checker);
    std::set<std::tuple<int, std::uint32_t, std::uint64_t, std::uint64_t>> violated;
    for (const Violation& v : r.violations)
        violated.emplace(v.property, v.depth, v.state, v.from_state);
    std::vector<std::uint64_t> premises;
    for (const int p : checker.selected())
        premises.push_back(checker.premise_count(p));
    return {r.stats.states, r.stats.transitions, r.stats.depth, violated, premises};
}

TEST(ParallelBfs, EveryPresetAndVariantMatchesTheSequentialSearchExactly) {
    std::vector<Scenario> scenarios;
    for (const char* p : {"tiny", "grant", "grant-syscall", "grant-race", "preempt-full",
                          "remote-wakeup", "rt", "fault-migrate", "membarrier"})
        scenarios.push_back(make_preset(p));
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        scenarios.push_back(sc);
    }
    for (const Scenario& sc : scenarios) {
        const Outcome seq = explore<SequentialBfs<RseqModel>>(sc, 1);
        const Outcome par = explore<ParallelBfs<RseqModel>>(sc, 2);
        EXPECT_EQ(seq, par) << sc.name << " " << sc.variant.name();
    }
}

// Stopping at the first violation (check without --all), both engines finish the level in
// which they found it and report that parent's violations only: the same counts, premise
// counts and violations, on every variant (each violates something).
TEST(ParallelBfs, StoppingAtTheFirstViolationGivesTheSameCountsAsTheSequentialSearch) {
    std::size_t violated = 0;
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        const Outcome seq = explore<SequentialBfs<RseqModel>>(sc, 1, true);
        for (const unsigned threads : {1U, 2U, 3U}) {
            const Outcome par = explore<ParallelBfs<RseqModel>>(sc, threads, true);
            EXPECT_EQ(seq, par) << v.name << " on " << threads << " threads";
        }
        violated += std::get<3>(seq).empty() ? 0U : 1U;
    }
    EXPECT_GT(violated, 0U);
}

/// States of 4 KiB in a binary tree of `n` states, each state's first successor repeated as
/// its third (one state met twice in one successor list): a store that runs out of its
/// reservation long before the search ends.
struct WideTree {
    struct State {
        std::uint32_t id;
        std::array<std::uint32_t, 1023> pad;
    };
    struct Action {
        std::uint8_t k;
    };
    std::uint32_t n;
    State initial_state() const { return State{0, {}}; }
    bool is_valid_end(const State&) const { return true; }
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        State t = s;
        for (const std::uint32_t k : {1U, 2U, 1U}) {
            const std::uint64_t child = 2ULL * s.id + k;
            if (child < n) {
                t.id = static_cast<std::uint32_t>(child);
                f(Action{static_cast<std::uint8_t>(k)}, t);
            }
        }
    }
};

struct NoProperties {
    int check_state(const WideTree::State&) const { return -1; }
    int check_transition(const WideTree::State&, const WideTree::Action&,
                         const WideTree::State&) const {
        return -1;
    }
};

/// What a search that outgrows its store ends with: "incomplete: " and the reason (without
/// the bytes in use, which vary), "bad_alloc", or what else happened.
template <class Engine>
std::string end_of(Engine&& engine) {
    NoProperties none;
    try {
        const SearchResult r = engine.run(none);
        if (r.verdict != Verdict::Incomplete)
            return "complete";
        const std::string reason =
            r.incomplete_reason.substr(0, r.incomplete_reason.find(" with "));
        return "incomplete: " + reason;
    } catch (const std::bad_alloc&) {
        return "bad_alloc";
    } catch (const std::exception& e) {
        return std::string("exception: ") + e.what();
    }
}

// With the address space capped (ulimit -v), the store's reservation is smaller than the
// search: every engine and thread count must end incomplete, out of memory, with the levels
// it explored to report (they used to throw std::bad_alloc, which the command line turned
// into an internal error without a report). Worker 0 writes the level's leading states
// straight into the store, so it checks the reservation itself: it used to report "2^31
// states" there, or throw an internal error when the state it had just met again was one
// whose key it had lowered. With a --memory-limit below the cap, the limit stops every
// search first. Runs in a child process, so the cap does not reach the other tests; skipped
// under the sanitizers, whose shadow memory needs the address space.
TEST(ParallelBfs, PastTheStoresReservationEveryThreadCountEndsIncomplete) {
#ifdef RSEQCHECK_SANITIZED
    GTEST_SKIP() << "the sanitizers need more address space than the cap leaves";
#else
    std::array<int, 2> pipe_fds{};
    ASSERT_EQ(pipe(pipe_fds.data()), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(pipe_fds[0]);
        const rlimit cap{std::size_t{1300} << 20U, std::size_t{1300} << 20U};
        // Uncapped, the tree's 16 GB of states would be searched for real: stop instead.
        if (setrlimit(RLIMIT_AS, &cap) != 0) {
            const std::string failed = "setrlimit failed";
            (void)!write(pipe_fds[1], failed.data(), failed.size());
            _exit(0);
        }
        const WideTree tree{4'000'000};
        std::string ends;
        for (const std::size_t limit : {std::size_t{0}, std::size_t{100} << 20U}) {
            SearchOptions one;
            one.memory_limit_bytes = limit;
            ends += "sequential " + end_of(SequentialBfs<WideTree>(tree, one));
            for (const unsigned threads : {1U, 2U, 3U}) {
                for (const std::uint64_t min_items : {std::uint64_t{0}, ~std::uint64_t{0}}) {
                    SearchOptions o;
                    o.threads = threads;
                    o.parallel_min_items = min_items;
                    o.memory_limit_bytes = limit;
                    ends += "\n" + std::to_string(threads) + (min_items == 0 ? "T " : "T serial ") +
                            end_of(ParallelBfs<WideTree>(tree, o));
                }
            }
            ends += "\n";
        }
        (void)!write(pipe_fds[1], ends.data(), ends.size());
        _exit(0);
    }
    close(pipe_fds[1]);
    std::string ends;
    std::array<char, 512> buffer{};
    for (ssize_t got = 0; (got = read(pipe_fds[0], buffer.data(), buffer.size())) > 0;)
        ends.append(buffer.data(), static_cast<std::size_t>(got));
    close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << ends;
    std::string want;
    for (const std::string& reason :
         {std::string("out of memory: the system refused the search more"),
          "memory limit of " + std::to_string(std::size_t{100} << 20U) + " bytes reached"}) {
        for (const char* engine :
             {"sequential", "1T", "1T serial", "2T", "2T serial", "3T", "3T serial"}) {
            want += std::string(engine == std::string("sequential") ? "" : "\n") + engine +
                    " incomplete: " + reason;
        }
        want += "\n";
    }
    EXPECT_EQ(ends, want);
#endif
}

}  // namespace
}  // namespace rseqcheck::checker
