// build_state_graph() on several threads: the graph, its labels and its terminal states are
// those of the plain definition (every state's successors looked up one by one), for either
// engine's store and for any number of threads. The suite is named Parallel* so that the
// TSan job runs it.
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "checker/parallel_bfs.h"
#include "checker/sequential_bfs.h"
#include "checker/state_graph.h"

namespace rseqcheck::checker {
namespace {

/// States 0..n-1 reached from 0. A state has 0 to 3 successors (every seventh has none,
/// so the graph has terminal states in every part), spread over the whole range so that
/// look-ups cross the threads' parts.
struct SpreadModel {
    struct State {
        std::uint32_t v;
        std::uint32_t pad;  ///< makes the state 8 bytes, as a packed model state would be
    };
    struct Action {
        std::uint8_t label;
    };
    std::uint32_t n = 60'000;

    State initial_state() const { return {0, 0}; }
    bool is_valid_end(const State&) const { return true; }
    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        if (s.v % 7 == 6)
            return;
        const std::uint32_t fan = 1 + s.v % 3;
        for (std::uint32_t k = 0; k < fan; ++k) {
            const std::uint32_t to = (s.v * 2654435761U + k * 40503U + 1U) % n;
            f(Action{static_cast<std::uint8_t>((s.v + k) % 4)}, State{to, 0});
        }
    }
};

struct NoChecks {
    int check_state(const SpreadModel::State&) { return -1; }
    int check_transition(const SpreadModel::State&, const SpreadModel::Action&,
                         const SpreadModel::State&) {
        return -1;
    }
};

/// An edge's label from its action and the state it leaves (the rseq model's fairness
/// classes read the source state: properties/fairness.h), so that a graph built with the
/// wrong state behind a label differs from the plain one.
std::uint8_t label_of(const SpreadModel::Action& a, const SpreadModel::State& source) {
    return static_cast<std::uint8_t>(a.label + 4 * (source.v % 5));
}

/// The graph's out-edges of each state against the model's successors looked up one by
/// one with find(), in generation order.
template <class Search>
void expect_graph_is_the_plain_one(const SpreadModel& model, const Search& search,
                                   std::uint64_t transitions, const StateGraph& g) {
    ASSERT_EQ(g.vertex_count(), search.size());
    ASSERT_EQ(boost::num_edges(g.graph), transitions);
    ASSERT_EQ(g.labels.size(), transitions);
    ASSERT_EQ(g.terminal.size(), search.size());
    std::uint64_t terminals = 0;
    for (std::uint32_t v = 0; v < g.vertex_count(); ++v) {
        std::vector<std::uint32_t> want_targets;
        std::vector<std::uint8_t> want_labels;
        const SpreadModel::State source = search.state_at(v);
        model.for_each_successor(source, [&](const auto& a, const auto& t) {
            want_targets.push_back(static_cast<std::uint32_t>(*search.find(t)));
            want_labels.push_back(label_of(a, source));
        });
        std::vector<std::uint32_t> got_targets;
        std::vector<std::uint8_t> got_labels;
        g.for_each_out_edge(v, [&](std::uint32_t e, std::uint32_t to) {
            got_targets.push_back(to);
            got_labels.push_back(g.labels[e]);
        });
        ASSERT_EQ(got_targets, want_targets) << "state " << v;
        ASSERT_EQ(got_labels, want_labels) << "state " << v;
        ASSERT_EQ(g.terminal[v], want_targets.empty() ? 1 : 0) << "state " << v;
        terminals += g.terminal[v];
    }
    EXPECT_GT(terminals, 0U);
}

TEST(ParallelStateGraph, EveryThreadCountGivesThePlainGraphOverTheSequentialStore) {
    const SpreadModel model;
    SequentialBfs<SpreadModel> search(model);
    NoChecks none;
    const SearchResult r = search.run(none);
    // Enough states that 4 threads each get a part (a part is at least 4096 states).
    ASSERT_GT(search.size(), 4U * 4096U);
    for (const unsigned threads : {1U, 2U, 3U, 4U}) {
        SCOPED_TRACE(threads);
        const StateGraph g = build_state_graph(model, search, label_of, threads);
        expect_graph_is_the_plain_one(model, search, r.stats.transitions, g);
    }
}

TEST(ParallelStateGraph, TheParallelEnginesStoreGivesThePlainGraph) {
    const SpreadModel model;
    SearchOptions options;
    options.threads = 2;
    ParallelBfs<SpreadModel> search(model, options);
    NoChecks none;
    const SearchResult r = search.run(none);
    const StateGraph g = build_state_graph(model, search, label_of, 2);
    expect_graph_is_the_plain_one(model, search, r.stats.transitions, g);
}

/// A successor missing from the store (here: a store of another model) is an internal
/// error, whichever thread meets it.
TEST(ParallelStateGraph, AMissingSuccessorThrowsFromAnyPart) {
    const SpreadModel model;
    SequentialBfs<SpreadModel> search(model);
    NoChecks none;
    search.run(none);
    SpreadModel wider = model;
    wider.n = model.n + 1;  // some successors now lead to state n, never stored
    EXPECT_THROW(build_state_graph(wider, search, label_of, 3), InternalError);
    EXPECT_THROW(build_state_graph(wider, search, label_of, 1), InternalError);
}

}  // namespace
}  // namespace rseqcheck::checker
