/// \file
/// The reachable state graph of a finished search, as a Boost.Graph compressed sparse row
/// graph (vertices are the search's state indices, so BFS order and shortest paths carry
/// over), with one small label per edge chosen by the caller (e.g. a fairness class).
/// Used by the liveness check (checker/liveness.h) and the DOT export.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include "checker/model_concept.h"
#include "checker/parallel_tasks.h"
#include "checker/reserved_array.h"
#include "checker/successor_pipeline.h"
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

/// The label by which the caller leaves an edge out of the graph, and the class by which a
/// leads-to check leaves it out of its view of the graph (checker/liveness.h EdgeClasses;
/// properties/fairness.h: the scheduler's backstop tick on the task that owes a property's
/// premise).
inline constexpr std::uint8_t omitted_edge = 0xFF;

namespace detail {

/// One thread's share of the graph: the out-edges of a range of states, in order.
struct GraphPart {
    ReservedArray<std::uint32_t> targets;
    ReservedArray<std::uint8_t> labels;
};

/// The CSR edge list in order, (source, target), read once by Boost's sorted-edges
/// constructor: sources come from each state's out-degree, targets from the parts in turn.
/// Avoids a list of pairs as long as the transitions.
class SortedEdgeCursor {
public:
    using value_type = std::pair<std::uint32_t, std::uint32_t>;
    using iterator_category = std::input_iterator_tag;
    using difference_type = std::ptrdiff_t;
    using pointer = const value_type*;
    using reference = const value_type&;

    SortedEdgeCursor() = default;  // the end
    SortedEdgeCursor(std::span<const std::uint32_t> degree, std::span<const GraphPart> parts)
        : degree_(degree), parts_(parts), done_(false) {
        settle();
    }
    reference operator*() const { return edge_; }
    pointer operator->() const { return &edge_; }
    SortedEdgeCursor& operator++() {
        ++in_part_;
        --left_in_source_;
        settle();
        return *this;
    }
    bool operator==(const SortedEdgeCursor& o) const { return done_ == o.done_; }

private:
    /// Moves to the next edge: past states without successors and past finished parts.
    void settle() {
        while (left_in_source_ == 0) {
            if (next_source_ == degree_.size()) {
                done_ = true;
                return;
            }
            edge_.first = static_cast<std::uint32_t>(next_source_);
            left_in_source_ = degree_[next_source_++];
        }
        while (in_part_ == parts_[part_].targets.size()) {
            ++part_;
            in_part_ = 0;
        }
        edge_.second = parts_[part_].targets[in_part_];
    }

    std::span<const std::uint32_t> degree_;
    std::span<const GraphPart> parts_;
    std::size_t next_source_ = 0;
    std::uint32_t left_in_source_ = 0;
    std::size_t part_ = 0;
    std::size_t in_part_ = 0;
    value_type edge_{};
    bool done_ = true;
};

/// The out-edges of states [begin, end) into `part`, and each state's out-degree. A
/// software pipeline one state deep, the searches' own (checker/successor_pipeline.h): state
/// i+1's successors are generated, hashed and their first slots prefetched before state i's
/// are looked up.
template <class M, class Search, class Label>
void build_graph_part(const M& model, const Search& search, Label& label, std::uint64_t begin,
                      std::uint64_t end, std::span<std::uint32_t> degree, GraphPart& part) {
    using Expanded = Expansion<typename M::State, std::uint8_t>;
    LookAhead<Expanded> pipeline;
    auto fill = [&](std::uint64_t i, Expanded& e) {
        const auto source = search.state_at(i);
        generate_successors(
            model, source, e.successors, [&](std::uint64_t h) { search.prefetch(h); },
            [&](const auto& a, const auto&, std::uint64_t) -> std::optional<std::uint8_t> {
                const auto l = static_cast<std::uint8_t>(label(a, source));
                if (l == omitted_edge)
                    return std::nullopt;
                return l;
            });
    };
    for (std::uint64_t i = begin; i < end; ++i) {
        const Expanded& current = pipeline.at(i, fill);
        if (i + 1 < end)
            pipeline.ahead(i + 1, fill);
        for (const auto& s : current.successors) {
            const auto j = search.find(s.state, s.hash);
            RSEQCHECK_CHECK(j.has_value(), "a successor is missing from a complete search");
            part.targets.push_back(static_cast<std::uint32_t>(*j));
            part.labels.push_back(s.extra);
        }
        degree[i] = static_cast<std::uint32_t>(current.successors.size());
        pipeline.advance();
    }
}

}  // namespace detail

/// The bytes of the finished graph: CSR row starts (4 n) and targets (4 m), one label per
/// edge (m) and one terminal flag per state (n).
constexpr std::uint64_t state_graph_bytes(std::uint64_t n, std::uint64_t m) {
    return 5 * n + 5 * m;
}
/// The bytes build_state_graph() holds at its peak for n states and m transitions: the
/// out-degrees (4 n), the threads' edge buffers (5 m), and the finished graph being filled
/// from them. `check --memory-limit` uses it before building the graph.
constexpr std::uint64_t state_graph_build_bytes(std::uint64_t n, std::uint64_t m) {
    return 4 * n + 5 * m + state_graph_bytes(n, m);
}

/// The graph numbers states and transitions in 32 bits: a search with this many of either
/// has no graph (`check` then leaves its leads-to properties unknown).
constexpr std::uint64_t state_graph_max = 0xFFFFFFFFULL;

/// Builds the graph of a complete search: for every state, its successors looked up in the
/// search's store, on `threads` threads (each takes a contiguous range of states; the
/// result is the same for any number). `label(const Action&, const State& source)` gives
/// each edge's label from its action and the state it leaves, and must be safe to call from
/// several threads. Throws InternalError if a successor is
/// missing from the store (the search was not complete).
template <ExplorableModel M, class Search, class Label>
StateGraph build_state_graph(const M& model, const Search& search, Label&& label,
                             unsigned threads = 1) {
    const std::uint64_t n = search.size();
    RSEQCHECK_CHECK(n < state_graph_max, "too many states for a 32-bit state graph");
    // Below this many states per thread, starting a thread costs more than it saves.
    constexpr std::uint64_t min_states_per_thread = 4096;
    const auto parts_wanted = static_cast<unsigned>(
        std::clamp<std::uint64_t>(n / min_states_per_thread, 1, std::max(1U, threads)));
    std::vector<std::uint32_t> degree(n);
    std::vector<detail::GraphPart> parts(parts_wanted);
    run_tasks(parts_wanted, parts_wanted, [&](std::size_t k) {
        detail::build_graph_part(model, search, label, n * k / parts_wanted,
                                 n * (k + 1) / parts_wanted, std::span(degree), parts[k]);
    });
    std::uint64_t edges = 0;
    for (const detail::GraphPart& p : parts)
        edges += p.targets.size();
    RSEQCHECK_CHECK(edges < state_graph_max, "too many transitions for a 32-bit state graph");
    StateGraph g;
    g.terminal.resize(n);
    for (std::uint64_t i = 0; i < n; ++i)
        g.terminal[i] = degree[i] == 0 ? 1 : 0;
    g.labels.reserve(edges);
    for (const detail::GraphPart& p : parts)
        g.labels.insert(g.labels.end(), p.labels.data(), p.labels.data() + p.labels.size());
    g.graph = CsrGraph(boost::edges_are_sorted,
                       detail::SortedEdgeCursor(std::span<const std::uint32_t>(degree),
                                                std::span<const detail::GraphPart>(parts)),
                       detail::SortedEdgeCursor(), static_cast<std::uint32_t>(n),
                       static_cast<std::uint32_t>(edges));
    return g;
}

}  // namespace rseqcheck::checker
