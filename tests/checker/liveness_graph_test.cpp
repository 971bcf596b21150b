// check_leads_to() on hand-made graphs whose answer is known: fair and unfair cycles,
// runs that stop, self-loops, and the shape of the lasso.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <set>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "checker/liveness.h"
#include "checker/sequential_bfs.h"
#include "checker/state_graph.h"

namespace rseqcheck::checker {
namespace {

struct Edge {
    std::uint32_t from;
    std::uint32_t to;
    std::uint8_t label;  ///< 0 unfair, else a weak-fairness class
};

/// A graph as a model: state = vertex number, action = the edge's label.
struct GraphModel {
    struct State {
        std::uint32_t v;
        bool operator==(const State&) const = default;
    };
    struct Action {
        std::uint8_t label;
    };
    std::vector<Edge> edges;

    State initial_state() const { return {0}; }
    bool is_valid_end(const State&) const { return true; }
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        for (const Edge& e : edges) {
            if (e.from == s.v)
                f(Action{e.label}, State{e.to});
        }
    }
};

struct NoChecks {
    int check_state(const GraphModel::State&) { return -1; }
    int check_transition(const GraphModel::State&, const GraphModel::Action&,
                         const GraphModel::State&) {
        return -1;
    }
};

struct GraphRun {
    LeadsToResult result;
    std::vector<std::uint32_t> vertex;  ///< state index -> vertex number
};

GraphRun leads_to(std::vector<Edge> edges, std::set<std::uint32_t> p, std::set<std::uint32_t> q) {
    const GraphModel model{std::move(edges)};
    SequentialBfs<GraphModel> search(model);
    NoChecks none;
    search.run(none);
    const StateGraph g = build_state_graph(
        model, search, [](const GraphModel::Action& a, const auto&) { return a.label; });
    GraphRun r;
    for (std::uint64_t i = 0; i < search.size(); ++i)
        r.vertex.push_back(search.state_at(i).v);
    r.result = check_leads_to(
        g, [&](std::uint32_t i) { return p.count(r.vertex[i]) != 0; },
        [&](std::uint32_t i) { return q.count(r.vertex[i]) != 0; });
    return r;
}

std::vector<std::uint32_t> vertices(const GraphRun& r, const std::vector<std::uint32_t>& idx) {
    std::vector<std::uint32_t> out;
    out.reserve(idx.size());
    for (const std::uint32_t i : idx)
        out.push_back(r.vertex[i]);
    return out;
}

TEST(LeadsTo, AFairCycleAvoidingQIsALasso) {
    const GraphRun r = leads_to({{0, 1, 1}, {1, 2, 1}, {2, 1, 1}}, {0}, {});
    ASSERT_FALSE(r.result.holds);
    EXPECT_FALSE(r.result.terminal);
    EXPECT_EQ(r.result.premise_count, 1U);
    EXPECT_EQ(vertices(r, r.result.stem), (std::vector<std::uint32_t>{0, 1}));
    EXPECT_EQ(vertices(r, r.result.cycle), (std::vector<std::uint32_t>{1, 2}));
}

TEST(LeadsTo, WeakFairnessExcludesACycleThatIgnoresAnAlwaysEnabledFairStep) {
    // The exit to Q (class 2) is enabled in both cycle states and never taken by the cycle.
    const GraphRun r = leads_to({{0, 1, 1}, {1, 2, 1}, {2, 1, 1}, {1, 3, 2}, {2, 3, 2}}, {0}, {3});
    EXPECT_TRUE(r.result.holds);
    EXPECT_EQ(r.result.unfair_cycles_ignored, 1U);
}

TEST(LeadsTo, AnUnfairExitDoesNotSaveTheCycle) {
    const GraphRun r = leads_to({{0, 1, 1}, {1, 2, 1}, {2, 1, 1}, {1, 3, 0}, {2, 3, 0}}, {0}, {3});
    EXPECT_FALSE(r.result.holds);
}

TEST(LeadsTo, AFairStepDisabledSomewhereOnTheCycleNeedNotBeTaken) {
    // Class 2 leaves to Q from state 1 only: the cycle 1-2 is weakly fair without it.
    const GraphRun r = leads_to({{0, 1, 1}, {1, 2, 1}, {2, 1, 1}, {1, 3, 2}}, {0}, {3});
    ASSERT_FALSE(r.result.holds);
    const auto cycle = vertices(r, r.result.cycle);
    EXPECT_NE(std::find(cycle.begin(), cycle.end(), 2U), cycle.end())
        << "the lasso must visit the state where class 2 is disabled";
}

TEST(LeadsTo, ARunThatStopsBeforeQIsAViolation) {
    const GraphRun r = leads_to({{0, 1, 0}}, {0}, {});
    ASSERT_FALSE(r.result.holds);
    EXPECT_TRUE(r.result.terminal);
    EXPECT_EQ(vertices(r, r.result.stem), (std::vector<std::uint32_t>{0, 1}));
    EXPECT_TRUE(r.result.cycle.empty());
}

TEST(LeadsTo, HoldsWhenEveryPathMeetsQ) {
    const GraphRun r = leads_to({{0, 1, 1}, {1, 2, 1}, {0, 2, 0}, {2, 2, 1}}, {0, 1}, {2});
    EXPECT_TRUE(r.result.holds);
    EXPECT_EQ(r.result.premise_count, 2U);
}

TEST(LeadsTo, ASelfLoopIsACycle) {
    const GraphRun r = leads_to({{0, 0, 1}}, {0}, {});
    ASSERT_FALSE(r.result.holds);
    EXPECT_EQ(vertices(r, r.result.cycle), (std::vector<std::uint32_t>{0}));
}

TEST(LeadsTo, PremiseInsideQIsNoObligation) {
    const GraphRun r = leads_to({{0, 1, 1}, {1, 1, 1}}, {0}, {0});
    EXPECT_TRUE(r.result.holds);
}

// The --memory-limit gate for the leads-to stage: the graph's build peak and the finished
// graph plus k checks must each fit in the room, and no more checks than asked run at once.
TEST(LeadsToMemory, ChecksAtOnceFollowTheRoomLeftBesideTheGraph) {
    constexpr std::uint64_t n = 1000;
    constexpr std::uint64_t m = 3000;
    constexpr std::uint64_t graph = state_graph_bytes(n, m);
    constexpr std::uint64_t one = leads_to_scratch_bytes(n, m);
    static_assert(graph == 5 * n + 5 * m && one == 30 * n + 4 * m);
    static_assert(state_graph_build_bytes(n, m) == 9 * n + 10 * m);
    EXPECT_EQ(leads_to_checks_within(graph + one - 1, n, m, 4), 0U);
    EXPECT_EQ(leads_to_checks_within(graph + one, n, m, 4), 1U);
    EXPECT_EQ(leads_to_checks_within(graph + 2 * one - 1, n, m, 4), 1U);
    EXPECT_EQ(leads_to_checks_within(graph + 2 * one, n, m, 4), 2U);
    EXPECT_EQ(leads_to_checks_within(graph + 2 * one, n, m, 1), 1U);
    EXPECT_EQ(leads_to_checks_within(std::uint64_t{1} << 40U, n, m, 3), 3U);
    // A graph with many edges per state: building it needs more than the graph and a check.
    constexpr std::uint64_t dense = 100 * n;
    const std::uint64_t build = state_graph_build_bytes(n, dense);
    ASSERT_GT(build, state_graph_bytes(n, dense) + leads_to_scratch_bytes(n, dense));
    EXPECT_EQ(leads_to_checks_within(build - 1, n, dense, 4), 0U);
    EXPECT_GE(leads_to_checks_within(build, n, dense, 4), 1U);
}

}  // namespace
}  // namespace rseqcheck::checker
