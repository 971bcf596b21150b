// --memory-limit holds for what the search allocates, within a level as well as between
// levels: the budget refuses a growth before it is made (checker/memory_budget.h), the
// store's arrays charge their pages (checker/reserved_array.h), and both engines stop there
// with an incomplete verdict and a store they can still report from.
#include <array>
#include <cstdint>
#include <new>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/memory_budget.h"
#include "checker/parallel_bfs.h"
#include "checker/reserved_array.h"
#include "checker/sequential_bfs.h"

namespace rseqcheck::checker {
namespace {

TEST(MemoryBudget, RefusesAChargePastTheLimitAndCountsNothing) {
    MemoryBudget budget(100);
    budget.charge(60);
    EXPECT_THROW(budget.charge(41), MemoryLimitReached);
    EXPECT_EQ(budget.used(), 60U);
    budget.charge(40);
    EXPECT_EQ(budget.used(), 100U);
    budget.release(50);
    EXPECT_EQ(budget.used(), 50U);
    EXPECT_EQ(budget.peak(), 100U);
    EXPECT_EQ(budget.room(), 50U);
}

TEST(MemoryBudget, WithoutALimitEveryChargeIsGrantedAndCounted) {
    MemoryBudget budget;
    budget.charge(std::size_t{1} << 50U);
    EXPECT_EQ(budget.used(), std::size_t{1} << 50U);
}

TEST(MemoryBudget, AnOverdraftIsGrantedOnlyWhileAllowed) {
    MemoryBudget budget(10);
    budget.allow_overdraft(true);
    budget.charge(20);
    budget.allow_overdraft(false);
    EXPECT_THROW(budget.charge(1), MemoryLimitReached);
    EXPECT_EQ(budget.used(), 20U);
}

TEST(MemoryBudget, TheReasonSaysWhoRefused) {
    MemoryBudget budget(1000);
    EXPECT_EQ(out_of_memory_reason(MemoryLimitReached(), budget),
              "memory limit of 1000 bytes reached");
    EXPECT_EQ(out_of_memory_reason(std::bad_alloc(), budget),
              "out of memory: the system refused the search more with 0 bytes in use");
}

TEST(MemoryBudget, AVectorsGrowthIsChargedBeforeItIsMade) {
    MemoryBudget budget(64);
    std::vector<std::uint64_t> v;
    reserve_charged(v, 4, budget);
    EXPECT_EQ(budget.used(), 32U);
    reserve_charged(v, 3, budget);  // within the capacity: nothing more
    EXPECT_EQ(budget.used(), 32U);
    reserve_charged(v, 8, budget);
    EXPECT_EQ(budget.used(), 64U);
    EXPECT_THROW(reserve_charged(v, 9, budget), MemoryLimitReached);
    EXPECT_EQ(v.capacity(), 8U);
}

TEST(ReservedArray, UnderABudgetChargesWholePagesAsItGrowsIntoThem) {
    MemoryBudget budget(std::size_t{3} * 4096);
    ReservedArray<std::uint32_t> a;
    a.set_budget(&budget);
    a.push_back(7);
    EXPECT_EQ(budget.used(), 4096U);
    a.resize(1024);  // still the first page
    EXPECT_EQ(budget.used(), 4096U);
    a.resize(std::size_t{3} * 1024);
    EXPECT_EQ(budget.used(), 3 * 4096U);
    EXPECT_EQ(a.charged(), 3 * 1024U);
    // A fourth page is refused and the array is as it was.
    EXPECT_THROW(a.push_back(8), MemoryLimitReached);
    EXPECT_EQ(a.size(), 3 * 1024U);
    EXPECT_EQ(a[0], 7U);
    a.clear();
    EXPECT_EQ(budget.used(), 0U);
}

TEST(ReservedArray, UnderABudgetReservesNoMoreAddressSpaceThanTheLimit) {
    MemoryBudget budget(std::size_t{4} << 20U);
    ReservedArray<std::uint64_t> a;
    a.set_budget(&budget);
    a.reserve(0);
    // The limit and a page more, rounded up to a whole huge page.
    EXPECT_EQ(a.limit(), (std::size_t{6} << 20U) / sizeof(std::uint64_t));
    ReservedArray<std::uint64_t> quarter;
    quarter.set_budget(&budget, 1, 4);
    quarter.reserve(0);
    EXPECT_EQ(quarter.limit(), (std::size_t{2} << 20U) / sizeof(std::uint64_t));
}

/// A binary tree of 4 KiB states, n of them: its last level is about half the store, so a
/// limit checked only between levels is passed by far.
struct FatTree {
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
        for (const std::uint32_t k : {1U, 2U}) {
            const std::uint64_t child = 2ULL * s.id + k;
            if (child < n) {
                t.id = static_cast<std::uint32_t>(child);
                f(Action{static_cast<std::uint8_t>(k)}, t);
            }
        }
    }
};

/// Invariant 0 fails on state `planted` (none if -1).
struct Planted {
    std::int64_t planted = -1;
    int check_state(const FatTree::State& s) const { return s.id == planted ? 0 : -1; }
    int check_transition(const FatTree::State&, const FatTree::Action&,
                         const FatTree::State&) const {
        return -1;
    }
};

constexpr std::size_t fat_limit = std::size_t{24} << 20U;  // 6 K of the tree's 16 K states

template <class Engine>
void expect_stopped_within_the_limit(Engine& engine, const SearchResult& r, const char* name) {
    EXPECT_EQ(r.verdict, Verdict::Incomplete) << name;
    EXPECT_EQ(r.incomplete_reason,
              "memory limit of " + std::to_string(fat_limit) + " bytes reached")
        << name;
    EXPECT_LE(r.stats.store_bytes, fat_limit) << name;
    EXPECT_LE(r.stats.charged_peak_bytes, fat_limit) << name;
    EXPECT_GT(r.stats.states, 1000U) << name;
    // What was explored is whole: every state has its path from the initial state.
    EXPECT_EQ(engine.size(), r.stats.states) << name;
    const std::uint64_t last = r.stats.states - 1;
    EXPECT_EQ(engine.path_to(last).size(), engine.depth_of(last) + 1U) << name;
    EXPECT_EQ(engine.depth_of(last), r.stats.depth) << name;
}

TEST(MemoryLimit, TheSequentialSearchStopsWithinALevelBeforeCrossingIt) {
    const FatTree tree{1U << 14U};
    SearchOptions o;
    o.memory_limit_bytes = fat_limit;
    SequentialBfs<FatTree> engine(tree, o);
    Planted none;
    const SearchResult r = engine.run(none);
    expect_stopped_within_the_limit(engine, r, "sequential");
    // Within a level: the last one is neither the first state of a level nor complete.
    EXPECT_LT(r.stats.states, (std::uint64_t{1} << (r.stats.depth + 1U)) - 1U);
    EXPECT_GT(r.stats.states, std::uint64_t{1} << r.stats.depth);
}

TEST(MemoryLimit, TheParallelSearchStopsWithinALevelBeforeCrossingIt) {
    const FatTree tree{1U << 14U};
    for (const unsigned threads : {1U, 2U, 3U}) {
        SearchOptions o;
        o.threads = threads;
        o.parallel_min_items = 0;
        o.memory_limit_bytes = fat_limit;
        ParallelBfs<FatTree> engine(tree, o);
        Planted none;
        const SearchResult r = engine.run(none);
        const std::string name = std::to_string(threads) + " threads";
        expect_stopped_within_the_limit(engine, r, name.c_str());
        // The level it stopped in is left out: the levels reported are whole.
        EXPECT_EQ(r.stats.states, (std::uint64_t{1} << (r.stats.depth + 1U)) - 1U) << name;
    }
}

// A violation found before the stop keeps its trace; the verdict stays incomplete (the
// command line then reports the violation, exit 1).
TEST(MemoryLimit, AViolationFoundBeforeTheStopIsReportedWithItsState) {
    const FatTree tree{1U << 14U};
    SearchOptions o;
    o.memory_limit_bytes = fat_limit;
    o.stop_at_first = false;
    SequentialBfs<FatTree> engine(tree, o);
    Planted planted{1000};
    const SearchResult r = engine.run(planted);
    EXPECT_EQ(r.verdict, Verdict::Incomplete);
    ASSERT_EQ(r.violations.size(), 1U);
    EXPECT_EQ(r.violations[0].state, 1000U);
    EXPECT_EQ(engine.path_to(1000).size(), 10U);  // 1000 is at depth 9
}

// Under no limit the budget only counts: the same counts as ever, and its peak is the store.
TEST(MemoryLimit, WithoutALimitTheSearchIsCompleteAndItsStoreIsCounted) {
    const FatTree tree{1U << 10U};
    SequentialBfs<FatTree> engine(tree, SearchOptions{});
    Planted none;
    const SearchResult r = engine.run(none);
    EXPECT_EQ(r.verdict, Verdict::Holds);
    EXPECT_EQ(r.stats.states, 1024U);
    EXPECT_EQ(r.stats.charged_peak_bytes, r.stats.store_bytes);
}

}  // namespace
}  // namespace rseqcheck::checker
