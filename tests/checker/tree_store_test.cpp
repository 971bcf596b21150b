// The compressed (tree) store gives back every state bit for bit, interns each part once
// under races, and both engines search with it exactly as with the plain store: the same
// numbering, counts, violations and shortest paths on every preset and variant, at 1 and 2
// threads, and a clean incomplete verdict under a memory limit. Names contain "Parallel"
// where threads race (CI runs those under TSan).
#include <array>
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "checker/intern_table.h"
#include "checker/parallel_bfs.h"
#include "checker/sequential_bfs.h"
#include "checker/tree_store.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/variant.h"
#include "properties/catalog_checker.h"
#include "tests/support/same_numbering.h"

namespace rseqcheck::checker {
namespace {

/// Four counters of 8 bytes, each 0..k-1; a step adds one to one counter. k^4 states, the
/// shape of the rseq state (four words, each step changing one).
struct Counters {
    struct State {
        std::array<std::uint64_t, 4> c;
    };
    struct Action {
        std::uint8_t which;
    };
    std::uint64_t k;
    State initial_state() const { return {}; }
    bool is_valid_end(const State&) const { return true; }
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        for (std::uint8_t i = 0; i < 4; ++i) {
            if (s.c[i] + 1 < k) {
                State t = s;
                ++t.c[i];
                f(Action{i}, t);
            }
        }
    }
};

struct NoChecker {
    template <class S>
    int check_state(const S&) const {
        return -1;
    }
    template <class S, class A>
    int check_transition(const S&, const A&, const S&) const {
        return -1;
    }
};

TEST(InternTable, IdsAreDenseInFirstInternOrderAndFoundAgain) {
    InternTable t;
    EXPECT_EQ(t.find(7), InternTable::absent);
    for (std::uint64_t v = 0; v < 10000; ++v)
        EXPECT_EQ(t.intern(v * 977), v);
    for (std::uint64_t v = 0; v < 10000; ++v) {
        EXPECT_EQ(t.intern(v * 977), v);
        EXPECT_EQ(t.find(v * 977), v);
        EXPECT_EQ(t.value(static_cast<std::uint32_t>(v)), v * 977);
    }
    EXPECT_EQ(t.find(1), InternTable::absent);
    t.free_retired();
    EXPECT_EQ(t.size(), 10000U);
}

TEST(InternTable, ParallelInternsGiveEachValueOneId) {
    InternTable t;
    std::array<std::vector<std::uint32_t>, 2> got;
    std::vector<std::thread> threads;
    for (unsigned w = 0; w < 2; ++w) {
        threads.emplace_back([&, w] {
            for (std::uint64_t v = 0; v < 50000; ++v)
                got[w].push_back(t.intern((v * 0x9E3779B97F4A7C15ULL)));
        });
    }
    for (std::thread& th : threads)
        th.join();
    EXPECT_EQ(t.size(), 50000U);
    EXPECT_EQ(got[0], got[1]);
    for (std::uint64_t v = 0; v < 50000; ++v)
        EXPECT_EQ(t.value(got[0][v]), v * 0x9E3779B97F4A7C15ULL);
}

template <std::size_t N>
struct Bytes {
    std::array<unsigned char, N> b;
};

template <std::size_t N>
void round_trip() {
    TreeStore<Bytes<N>> store;
    std::mt19937_64 rng(N);
    std::vector<Bytes<N>> kept;
    for (int i = 0; i < 3000; ++i) {
        Bytes<N> s{};
        for (unsigned char& c : s.b)
            c = static_cast<unsigned char>(rng() % 3);  // few values: parts repeat
        kept.push_back(s);
        store.push_back(s);
    }
    for (std::size_t i = 0; i < kept.size(); ++i) {
        const Bytes<N> s = store[i];
        ASSERT_EQ(std::memcmp(&s, &kept[i], N), 0) << N << " bytes, state " << i;
        ASSERT_TRUE(store.holds(i, store.key(kept[i]), kept[i]));
        const auto parts = store.parts_of(i);
        ASSERT_EQ(store.key(kept[i], parts), store.key(kept[i]));
    }
}

TEST(TreeStore, EveryStateSizeComesBackBitForBit) {
    round_trip<4>();
    round_trip<8>();
    round_trip<12>();
    round_trip<24>();
    round_trip<32>();
    round_trip<40>();
}

TEST(TreeStore, AStateWithAPartNeverStoredHasNoKey) {
    TreeStore<Counters::State> store;
    store.push_back(Counters::State{{1, 2, 3, 4}});
    EXPECT_NE(store.key(Counters::State{{1, 2, 3, 4}}), TreeStore<Counters::State>::missing);
    EXPECT_EQ(store.key(Counters::State{{1, 2, 3, 5}}), TreeStore<Counters::State>::missing);
    EXPECT_FALSE(
        store.holds(0, store.key(Counters::State{{1, 2, 3, 5}}), Counters::State{{1, 2, 3, 5}}));
    EXPECT_EQ(store.parts(), 6U);  // four words, two pairs
}

// Five words, as the rseq state: below the root, an odd word goes right, (w0 (w1 w2)) (w3 w4),
// so states that differ only in word 0 (task 0's record, the one that changes in most steps)
// add two parts each (the word, and its node over the constant w1 and w2), not three as
// ((w0 w1) w2) would (the word, and two nodes of the same number of parts).
TEST(TreeStore, AStepOfTaskZeroAddsOneLeafAndOneNode) {
    struct Five {
        std::array<std::uint64_t, 5> w;
    };
    TreeStore<Five> store;
    constexpr std::uint64_t n = 1000;
    for (std::uint64_t v = 0; v < n; ++v)
        store.push_back(Five{{v, 7, 9, 11, 13}});
    // n leaves w0 and n nodes (w0 (w1 w2)); w1, w2, (w1 w2), w3, w4, (w3 w4) once each.
    EXPECT_EQ(store.parts(), 2 * n + 6);
    for (std::uint64_t v = 0; v < n; ++v) {
        const Five back = store[v];
        EXPECT_EQ(back.w, (std::array<std::uint64_t, 5>{v, 7, 9, 11, 13}));
    }
}

TEST(TreeStore, ParallelSearchNumbersAsThePlainSequentialOneUnderRacesAndGrowth) {
    const Counters model{14};
    NoChecker none;
    SequentialBfs<Counters> plain(model);
    const SearchResult expected = plain.run(none);
    ASSERT_EQ(expected.stats.states, 14U * 14U * 14U * 14U);
    for (const unsigned threads : {1U, 2U, 3U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        ParallelBfs<Counters, TreeStore<Counters::State>> par(model, o);
        SequentialBfs<Counters, TreeStore<Counters::State>> seq(model, o);
        const SearchResult r = par.run(none);
        const SearchResult q = seq.run(none);
        ASSERT_EQ(r.stats.states, expected.stats.states) << threads;
        ASSERT_EQ(r.stats.transitions, expected.stats.transitions) << threads;
        ASSERT_EQ(q.stats.states, expected.stats.states);
        ASSERT_LT(r.stats.store_bytes, expected.stats.store_bytes) << threads;
        for (std::uint64_t i = 0; i < plain.size(); ++i)
            ASSERT_EQ(plain.state_at(i).c, seq.state_at(i).c) << " state " << i;
        ASSERT_NO_FATAL_FAILURE(rseqcheck::testing::expect_same_numbering(
            plain, par, threads,
            [](const Counters::State& a, const Counters::State& b) { return a.c == b.c; },
            [](const auto& a, const auto& b) {
                return a.state.c == b.state.c && a.action.which == b.action.which;
            }));
    }
}

TEST(TreeStore, ParallelAndSequentialMemoryLimitsEndIncomplete) {
    const Counters model{40};
    NoChecker none;
    for (const unsigned threads : {1U, 2U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        o.memory_limit_bytes = std::size_t{4} << 20U;
        ParallelBfs<Counters, TreeStore<Counters::State>> par(model, o);
        SequentialBfs<Counters, TreeStore<Counters::State>> seq(model, o);
        const SearchResult r = par.run(none);
        const SearchResult q = seq.run(none);
        EXPECT_EQ(r.verdict, Verdict::Incomplete) << threads;
        EXPECT_EQ(q.verdict, Verdict::Incomplete);
        EXPECT_LT(r.stats.states, 40U * 40U * 40U * 40U);
        EXPECT_NE(r.incomplete_reason.find("memory limit"), std::string::npos);
        for (std::uint64_t i = 0; i < par.size(); ++i)
            ASSERT_EQ(par.find(par.state_at(i)).value_or(i), i);
    }
}

/// Counts, violations (property, depth, state, parent), premise counts, and the path to
/// each violation: what `check` reports outside `timing`.
using Outcome = std::tuple<std::uint64_t, std::uint64_t, std::uint32_t,
                           std::set<std::tuple<int, std::uint32_t, std::uint64_t, std::uint64_t>>,
                           std::vector<std::uint64_t>, std::vector<std::vector<State>>>;

template <class Engine>
Outcome explore(const Scenario& sc, unsigned threads, bool stop_at_first,
                std::size_t tag_home_limit = SearchOptions{}.tag_home_limit) {
    const RseqModel model(sc);
    properties::CatalogChecker checker(model.scenario(), {});
    SearchOptions o;
    o.threads = threads;
    o.parallel_min_items = 0;
    o.stop_at_first = stop_at_first;
    o.tag_home_limit = tag_home_limit;
    // Past the default limit, from a table of 16 slots: every small search doubles it.
    if (tag_home_limit < SearchOptions{}.tag_home_limit)
        o.initial_slots = 16;
    Engine engine(model, o);
    const SearchResult r = engine.run(checker);
    std::set<std::tuple<int, std::uint32_t, std::uint64_t, std::uint64_t>> violated;
    std::vector<std::vector<State>> paths;
    for (const Violation& v : r.violations) {
        violated.emplace(v.property, v.depth, v.state, v.from_state);
        std::vector<State> path;
        for (const auto& step : engine.path_to(v.state))
            path.push_back(step.state);
        paths.push_back(path);
    }
    std::vector<std::uint64_t> premises;
    for (const int p : checker.selected())
        premises.push_back(checker.premise_count(p));
    return {r.stats.states, r.stats.transitions, r.stats.depth, violated, premises, paths};
}

std::vector<Scenario> every_small_scenario() {
    std::vector<Scenario> scenarios;
    for (const char* p : {"tiny", "grant", "grant-syscall", "grant-race", "preempt-full",
                          "remote-wakeup", "rt", "fault-migrate", "membarrier"})
        scenarios.push_back(make_preset(p));
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        scenarios.push_back(sc);
    }
    return scenarios;
}

TEST(TreeStore, ParallelEveryPresetAndVariantMatchesThePlainStoreExactly) {
    const std::vector<Scenario> scenarios = every_small_scenario();
    using Tree = TreeStore<State>;
    for (const bool stop_at_first : {false, true}) {
        for (const Scenario& sc : scenarios) {
            const Outcome plain = explore<SequentialBfs<RseqModel>>(sc, 1, stop_at_first);
            EXPECT_EQ(plain, (explore<SequentialBfs<RseqModel, Tree>>(sc, 1, stop_at_first)))
                << sc.name << " " << sc.variant.name();
            EXPECT_EQ(plain, (explore<ParallelBfs<RseqModel, Tree>>(sc, 2, stop_at_first)))
                << sc.name << " " << sc.variant.name();
        }
    }
}

// Past 2^27 slots (about 100 M states) a table's doublings place each slot from its state's
// hash, read again from the store or (parallel engine, mid-level) from its finder's buffer,
// not from its tag (checker/slot_table.h). A table of 16 slots with a tag-home limit of 16 sends
// every doubling of these small searches down that path: the numbering, counts, violations and
// paths must be those of the default.
TEST(TableGrowth, EveryPresetAndVariantSearchesTheSameWhenDoublingsHashTheStatesAgain) {
    using Tree = TreeStore<State>;
    for (const Scenario& sc : every_small_scenario()) {
        const Outcome plain = explore<SequentialBfs<RseqModel>>(sc, 1, false);
        EXPECT_EQ(plain, (explore<SequentialBfs<RseqModel>>(sc, 1, false, 16)))
            << sc.name << " " << sc.variant.name();
        EXPECT_EQ(plain, (explore<SequentialBfs<RseqModel, Tree>>(sc, 1, false, 16)))
            << sc.name << " " << sc.variant.name();
        EXPECT_EQ(plain, (explore<ParallelBfs<RseqModel>>(sc, 2, false, 16)))
            << sc.name << " " << sc.variant.name();
        EXPECT_EQ(plain, (explore<ParallelBfs<RseqModel, Tree>>(sc, 3, false, 16)))
            << sc.name << " " << sc.variant.name();
    }
}

// The same on one larger search under TSan (the parallel doubling reads the workers' entries).
TEST(TableGrowth, ParallelHashedDoublingsNumberAsTheSequentialSearch) {
    const Scenario sc = make_preset("preempt-full");
    const Outcome plain = explore<SequentialBfs<RseqModel>>(sc, 1, false);
    EXPECT_EQ(plain, (explore<ParallelBfs<RseqModel>>(sc, 2, false, 16)));
}

}  // namespace
}  // namespace rseqcheck::checker
