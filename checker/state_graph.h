/// \file
/// The reachable state graph of a finished search, as a Boost.Graph compressed sparse row
/// graph (vertices are the search's state indices, so BFS order and shortest paths carry
/// over), with one small label per edge chosen by the caller (e.g. a fairness class).
/// Used by the liveness check (checker/liveness.h) and the DOT export.
#pragma once

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "checker/model_concept.h"
#include "model/input_error.h"

namespace rseqcheck::checker {

using CsrGraph =
    boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                       boost::no_property, std::uint32_t, std::uint32_t>;

struct StateGraph {
    CsrGraph graph;
    std::vector<std::uint8_t> labels;    ///< per edge, in CSR edge order
    std::vector<std::uint8_t> terminal;  ///< 1 when the state has no successor at all

    std::uint32_t vertex_count() const {
        return static_cast<std::uint32_t>(boost::num_vertices(graph));
    }
    /// Calls f(edge index, target) for each out-edge of v, in generation order.
    template <class F>
    void for_each_out_edge(std::uint32_t v, F&& f) const {
        const auto [first, last] = boost::out_edges(v, graph);
        for (auto it = first; it != last; ++it) {
            f(static_cast<std::uint32_t>(boost::get(boost::edge_index, graph, *it)),
              static_cast<std::uint32_t>(boost::target(*it, graph)));
        }
    }
};

/// Builds the graph of a complete search: for every state, its successors looked up in the
/// search's store. `label(const Action&)` gives each edge's label. Throws InternalError if a
/// successor is missing from the store (the search was not complete).
template <ExplorableModel M, class Search, class Label>
StateGraph build_state_graph(const M& model, const Search& search, Label&& label) {
    const std::uint64_t n = search.size();
    RSEQCHECK_CHECK(n < 0xFFFFFFFFULL, "too many states for a 32-bit state graph");
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    StateGraph g;
    g.terminal.assign(n, 0);
    for (std::uint64_t i = 0; i < n; ++i) {
        bool any = false;
        model.for_each_successor(search.state_at(i), [&](const auto& a, const auto& t) {
            const auto j = search.find(t);
            RSEQCHECK_CHECK(j.has_value(), "a successor is missing from a complete search");
            edges.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(*j));
            g.labels.push_back(label(a));
            any = true;
        });
        g.terminal[i] = any ? 0 : 1;
    }
    g.graph = CsrGraph(boost::edges_are_sorted, edges.begin(), edges.end(),
                       static_cast<std::uint32_t>(n));
    return g;
}

}  // namespace rseqcheck::checker
