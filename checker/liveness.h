/// \file
/// Leads-to ("P ~> Q") on the state graph of a complete search, under weak fairness of the
/// edge classes the caller marks fair (label != 0), with a lasso counterexample.
///
/// P ~> Q fails iff some reachable state s has P and not Q, and from s a path that never
/// meets Q reaches either
///  - a state without successors (the run stops with Q never holding), or
///  - a fair cycle: a strongly connected component C of the not-Q subgraph (more than one
///    state, or a self-loop) such that every fair class enabled in every state of C is also
///    taken by some edge inside C. A cycle through all of C is then weakly fair: each fair
///    class is either taken or disabled somewhere on it; and if C fails the test, so does
///    every cycle inside C, because a class enabled in all of C is enabled all along it.
/// Components come from boost::strong_components on the filtered graph.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/strong_components.hpp>

#include "checker/state_graph.h"

namespace rseqcheck::checker {

struct LeadsToResult {
    bool holds = true;
    std::uint64_t premise_count = 0;          ///< states where P holds
    std::uint64_t unfair_cycles_ignored = 0;  ///< non-trivial not-Q components fairness excludes
    /// Counterexample (when !holds): state indices. `stem` runs from the P-and-not-Q state to
    /// the loop entry (both included); `cycle` starts at the loop entry and its last state has
    /// an edge back to the entry. Empty `cycle` and `terminal`: the stem ends in a state
    /// without successors.
    std::vector<std::uint32_t> stem;
    std::vector<std::uint32_t> cycle;
    bool terminal = false;
};

namespace detail {

/// Shortest path inside `allowed` from `from` to the first state where `goal(v)`; the path
/// includes both ends. Empty when none.
template <class Allowed, class Goal>
std::vector<std::uint32_t> shortest_path_within(const StateGraph& g, std::uint32_t from,
                                                Allowed&& allowed, Goal&& goal) {
    std::vector<std::uint32_t> parent(g.vertex_count(), 0xFFFFFFFFU);
    std::deque<std::uint32_t> queue{from};
    parent[from] = from;
    while (!queue.empty()) {
        const std::uint32_t v = queue.front();
        queue.pop_front();
        if (goal(v)) {
            std::vector<std::uint32_t> path{v};
            for (std::uint32_t u = v; u != from; u = parent[u])
                path.push_back(parent[u]);
            std::reverse(path.begin(), path.end());
            return path;
        }
        g.for_each_out_edge(v, [&](std::uint32_t, std::uint32_t w) {
            if (parent[w] == 0xFFFFFFFFU && allowed(w)) {
                parent[w] = v;
                queue.push_back(w);
            }
        });
    }
    return {};
}

}  // namespace detail

/// The bytes one check_leads_to() allocates at most on a graph of n states and m edges,
/// leaving out two terms that depend on the graph's shape: Boost's depth-first stack and
/// 1.3 KiB per non-trivial component of the not-Q subgraph. Counted: the per-state flags
/// and component numbers (6 n), and at the later of its two peaks the per-component tables
/// sized as if every state were its own component (10 n), the reversed not-Q graph as if
/// every edge were in it (4 n + 4 m), its fill cursors, work list and marks (9 n). Real
/// checks take less (on `deep`, about 0.2 GB of the 0.53 GB this gives); `check
/// --memory-limit` uses it to decide how many checks run at once, and whether any can.
constexpr std::uint64_t leads_to_scratch_bytes(std::uint64_t n, std::uint64_t m) {
    return 6 * n + 10 * n + 4 * n + 4 * m + 9 * n;
}

/// The least room the leads-to stage needs: building the graph, or the graph and one check,
/// whichever is larger.
constexpr std::uint64_t leads_to_stage_min_bytes(std::uint64_t n, std::uint64_t m) {
    return std::max(state_graph_build_bytes(n, m),
                    state_graph_bytes(n, m) + leads_to_scratch_bytes(n, m));
}

/// How many leads-to checks can run at once on a graph of n states and m edges within
/// `room` bytes (the memory limit less what the search holds), at most `wanted`; 0 when
/// the graph and one check do not fit.
constexpr std::uint64_t leads_to_checks_within(std::uint64_t room, std::uint64_t n, std::uint64_t m,
                                               std::uint64_t wanted) {
    if (room < leads_to_stage_min_bytes(n, m))
        return 0;
    return std::min(wanted, (room - state_graph_bytes(n, m)) / leads_to_scratch_bytes(n, m));
}

/// Checks P ~> Q. `from(v)` and `to(v)` evaluate P and Q on state index v.
template <class From, class To>
LeadsToResult check_leads_to(const StateGraph& g, From&& from, To&& to) {
    const std::uint32_t n = g.vertex_count();
    LeadsToResult r;
    std::vector<std::uint8_t> not_q(n);
    std::vector<std::uint8_t> premise(n);
    for (std::uint32_t v = 0; v < n; ++v) {
        not_q[v] = to(v) ? 0 : 1;
        premise[v] = from(v) ? 1 : 0;
        r.premise_count += premise[v];
    }

    // Components of the not-Q subgraph.
    struct InNotQ {
        const std::vector<std::uint8_t>* keep = nullptr;
        bool operator()(std::uint32_t v) const { return (*keep)[v] != 0; }
    };
    struct EdgeInNotQ {
        const std::vector<std::uint8_t>* keep = nullptr;
        const CsrGraph* graph = nullptr;
        bool operator()(const CsrGraph::edge_descriptor& e) const {
            return (*keep)[boost::source(e, *graph)] != 0 && (*keep)[boost::target(e, *graph)] != 0;
        }
    };
    const boost::filtered_graph<CsrGraph, EdgeInNotQ, InNotQ> sub(
        g.graph, EdgeInNotQ{&not_q, &g.graph}, InNotQ{&not_q});
    std::vector<std::uint32_t> comp(n, 0xFFFFFFFFU);
    const auto comps = boost::strong_components(
        sub,
        boost::make_iterator_property_map(comp.begin(), boost::get(boost::vertex_index, g.graph)));

    // Per component: size, self-loops or internal edges, enabled-everywhere and taken classes.
    std::vector<std::uint32_t> size(comps, 0);
    std::vector<std::uint8_t> internal_edge(comps, 0);
    std::vector<std::array<std::uint32_t, 256>> enabled_count;
    std::vector<std::array<std::uint8_t, 256>> taken;
    std::vector<std::uint32_t> slot(comps, 0xFFFFFFFFU);  // only non-trivial components
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] != 0)
            ++size[comp[v]];
    }
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] == 0)
            continue;
        g.for_each_out_edge(v, [&](std::uint32_t, std::uint32_t w) {
            if (not_q[w] != 0 && comp[w] == comp[v])
                internal_edge[comp[v]] = 1;
        });
    }
    for (std::uint32_t c = 0; c < comps; ++c) {
        if (internal_edge[c] != 0) {
            slot[c] = static_cast<std::uint32_t>(enabled_count.size());
            enabled_count.push_back({});
            taken.push_back({});
        }
    }
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] == 0 || slot[comp[v]] == 0xFFFFFFFFU)
            continue;
        const std::uint32_t k = slot[comp[v]];
        std::array<std::uint8_t, 256> enabled{};
        g.for_each_out_edge(v, [&](std::uint32_t e, std::uint32_t w) {
            enabled[g.labels[e]] = 1;
            if (not_q[w] != 0 && comp[w] == comp[v])
                taken[k][g.labels[e]] = 1;
        });
        for (std::size_t cls = 1; cls < 256; ++cls)
            enabled_count[k][cls] += enabled[cls];
    }
    std::vector<std::uint8_t> fair(comps, 0);
    for (std::uint32_t c = 0; c < comps; ++c) {
        if (slot[c] == 0xFFFFFFFFU)
            continue;
        bool ok = true;
        for (std::size_t cls = 1; cls < 256 && ok; ++cls)
            ok = enabled_count[slot[c]][cls] != size[c] || taken[slot[c]][cls] != 0;
        fair[c] = ok ? 1 : 0;
        r.unfair_cycles_ignored += ok ? 0 : 1;
    }

    // Backward reachability inside not-Q from the targets: terminal states and fair cycles.
    auto is_target = [&](std::uint32_t v) {
        return not_q[v] != 0 && (g.terminal[v] != 0 || fair[comp[v]] != 0);
    };
    std::vector<std::uint32_t> rev_start(n + 1, 0);
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] == 0)
            continue;
        g.for_each_out_edge(v, [&](std::uint32_t, std::uint32_t w) {
            if (not_q[w] != 0)
                ++rev_start[w + 1];
        });
    }
    for (std::uint32_t v = 0; v < n; ++v)
        rev_start[v + 1] += rev_start[v];
    std::vector<std::uint32_t> rev(rev_start[n]);
    std::vector<std::uint32_t> fill(rev_start.begin(), rev_start.end() - 1);
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] == 0)
            continue;
        g.for_each_out_edge(v, [&](std::uint32_t, std::uint32_t w) {
            if (not_q[w] != 0)
                rev[fill[w]++] = v;
        });
    }
    std::vector<std::uint8_t> bad(n, 0);
    std::vector<std::uint32_t> work;
    for (std::uint32_t v = 0; v < n; ++v) {
        if (is_target(v)) {
            bad[v] = 1;
            work.push_back(v);
        }
    }
    while (!work.empty()) {
        const std::uint32_t v = work.back();
        work.pop_back();
        for (std::uint32_t i = rev_start[v]; i < rev_start[v + 1]; ++i) {
            if (bad[rev[i]] == 0) {
                bad[rev[i]] = 1;
                work.push_back(rev[i]);
            }
        }
    }
    std::optional<std::uint32_t> start;
    for (std::uint32_t v = 0; v < n && !start; ++v) {
        if (premise[v] != 0 && not_q[v] != 0 && bad[v] != 0)
            start = v;
    }
    if (!start)
        return r;

    // The lasso: stem to the nearest target, then a fair cycle through it.
    r.holds = false;
    auto in_not_q = [&](std::uint32_t v) {
        return not_q[v] != 0;
    };
    r.stem = detail::shortest_path_within(g, *start, in_not_q, is_target);
    RSEQCHECK_CHECK(!r.stem.empty(), "liveness: no path to the target found backwards");
    const std::uint32_t entry = r.stem.back();
    if (g.terminal[entry] != 0 && fair[comp[entry]] == 0) {
        r.terminal = true;
        return r;
    }
    const std::uint32_t c = comp[entry];
    auto in_c = [&](std::uint32_t v) {
        return not_q[v] != 0 && comp[v] == c;
    };
    // Waypoints: for each fair class enabled everywhere in C, one edge of it inside C; for
    // each fair class enabled somewhere but not everywhere, one state of C where it is not.
    struct Waypoint {
        std::uint32_t state;
        bool must_move;  ///< reached by at least one edge, even if already there
    };
    std::vector<Waypoint> waypoints;
    std::array<std::uint8_t, 256> covered{};
    for (std::uint32_t v = 0; v < n; ++v) {
        if (!in_c(v))
            continue;
        std::array<std::uint8_t, 256> enabled{};
        g.for_each_out_edge(v, [&](std::uint32_t e, std::uint32_t w) {
            const std::uint8_t cls = g.labels[e];
            enabled[cls] = 1;
            if (cls != 0 && covered[cls] == 0 && in_c(w) &&
                enabled_count[slot[c]][cls] == size[c]) {
                covered[cls] = 1;
                waypoints.push_back({v, false});
                waypoints.push_back({w, true});
            }
        });
        for (std::size_t cls = 1; cls < 256; ++cls) {
            if (enabled[cls] == 0 && covered[cls] == 0 && enabled_count[slot[c]][cls] != 0) {
                covered[cls] = 1;
                waypoints.push_back({v, false});
            }
        }
    }
    r.cycle.push_back(entry);
    std::uint32_t at = entry;
    waypoints.push_back({entry, true});
    for (std::size_t i = 0; i < waypoints.size(); ++i) {
        const std::uint32_t goal = waypoints[i].state;
        const bool closing = i + 1 == waypoints.size();
        if (goal == at && (!waypoints[i].must_move || (closing && r.cycle.size() > 1)))
            continue;  // already there (the loop is closed when the cycle has an edge)
        // To close the loop (or to reach `at` again) the path needs at least one edge.
        std::vector<std::uint32_t> leg;
        if (goal == at) {
            std::uint32_t best = 0xFFFFFFFFU;
            std::vector<std::uint32_t> best_leg;
            g.for_each_out_edge(at, [&](std::uint32_t, std::uint32_t w) {
                if (!in_c(w))
                    return;
                auto p = detail::shortest_path_within(g, w, in_c,
                                                      [&](std::uint32_t u) { return u == goal; });
                if (!p.empty() && p.size() < best) {
                    best = static_cast<std::uint32_t>(p.size());
                    best_leg = std::move(p);
                }
            });
            leg.push_back(at);
            leg.insert(leg.end(), best_leg.begin(), best_leg.end());
        } else {
            leg = detail::shortest_path_within(g, at, in_c,
                                               [&](std::uint32_t u) { return u == goal; });
        }
        RSEQCHECK_CHECK(leg.size() >= 2, "liveness: a component is not strongly connected");
        r.cycle.insert(r.cycle.end(), leg.begin() + 1, leg.end());
        at = goal;
    }
    r.cycle.pop_back();  // the last state is the entry again: the loop closes on it
    return r;
}

}  // namespace rseqcheck::checker
