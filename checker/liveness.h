/// \file
/// Leads-to ("P ~> Q") on the state graph of a complete search, under weak fairness of the
/// edge classes the caller marks fair (class != 0), with a lasso counterexample. Each check
/// reads the graph's edge labels through its own EdgeClasses: a label's fairness class, or
/// omitted_edge for an edge this check leaves out of the graph (one graph serves properties
/// that leave out different edges).
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

/// How one leads-to check reads the graph's edge labels: the fairness class of each label (0
/// unfair, 1..254 a weakly fair class), or omitted_edge for an edge the check leaves out.
struct EdgeClasses {
    std::array<std::uint8_t, 256> of{};

    /// Each label is its own class (a graph whose labels are already fairness classes).
    static EdgeClasses identity() {
        EdgeClasses c;
        for (std::size_t l = 0; l < c.of.size(); ++l)
            c.of[l] = static_cast<std::uint8_t>(l);
        return c;
    }
};

/// The graph as one leads-to check sees it: the edges its EdgeClasses keep, each with its
/// class, and as terminal the states none of whose edges it keeps.
class ClassedGraph {
public:
    ClassedGraph(const StateGraph& g, const EdgeClasses& classes) : g_(g), classes_(classes) {
        terminal_.resize(g.vertex_count());
        for (std::uint32_t v = 0; v < g.vertex_count(); ++v) {
            bool any = false;
            for_each_out_edge(v, [&](std::uint8_t, std::uint32_t) { any = true; });
            terminal_[v] = any ? 0 : 1;
        }
    }
    std::uint32_t vertex_count() const { return g_.vertex_count(); }
    bool terminal(std::uint32_t v) const { return terminal_[v] != 0; }
    bool kept(std::uint32_t edge) const { return classes_.of[g_.labels[edge]] != omitted_edge; }
    const CsrGraph& graph() const { return g_.graph; }
    /// Calls f(class, target) for each kept out-edge of v, in generation order.
    template <class F>
    void for_each_out_edge(std::uint32_t v, F&& f) const {
        g_.for_each_out_edge(v, [&](std::uint32_t e, std::uint32_t w) {
            const std::uint8_t cls = classes_.of[g_.labels[e]];
            if (cls != omitted_edge)
                f(cls, w);
        });
    }

private:
    const StateGraph& g_;
    const EdgeClasses& classes_;
    std::vector<std::uint8_t> terminal_;
};

namespace detail {

/// Shortest path inside `allowed` from `from` to the first state where `goal(v)`; the path
/// includes both ends. Empty when none.
template <class Allowed, class Goal>
std::vector<std::uint32_t> shortest_path_within(const ClassedGraph& g, std::uint32_t from,
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
        g.for_each_out_edge(v, [&](std::uint8_t, std::uint32_t w) {
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
/// (its own terminal states included) and component numbers (7 n), and at the later of its two
/// peaks the per-component tables sized as if every state were its own component (10 n), the
/// reversed not-Q graph as if every edge were in it (4 n + 4 m), its fill cursors, work list and
/// marks (9 n). Real checks take less (on `deep`, about 0.2 GB of the 0.53 GB this gives); `check
/// --memory-limit` uses it to decide how many checks run at once, and whether any can.
constexpr std::uint64_t leads_to_scratch_bytes(std::uint64_t n, std::uint64_t m) {
    return 7 * n + 10 * n + 4 * n + 4 * m + 9 * n;
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

namespace detail {

constexpr std::uint32_t none = 0xFFFFFFFFU;

/// The strongly connected components of the not-Q subgraph, and what the fairness test
/// needs of each non-trivial one (more than one state, or a self-loop): how many of its
/// states enable each fair class, and which classes an edge inside it takes.
struct NotQComponents {
    std::vector<std::uint32_t> comp;  ///< component of each not-Q state
    std::vector<std::uint32_t> size;  ///< states per component
    /// Per component, its row in the two tables below; `none` for a trivial one.
    std::vector<std::uint32_t> slot;
    std::vector<std::array<std::uint32_t, 256>> enabled_count;
    std::vector<std::array<std::uint8_t, 256>> taken;
    std::vector<std::uint8_t> fair;  ///< a weakly fair cycle runs through all of it

    bool in(const std::vector<std::uint8_t>& not_q, std::uint32_t v, std::uint32_t c) const {
        return not_q[v] != 0 && comp[v] == c;
    }
    /// Fair class `cls` is enabled in every state of component c.
    bool enabled_everywhere(std::uint32_t c, std::size_t cls) const {
        return enabled_count[slot[c]][cls] == size[c];
    }
};

/// Numbers the components of the not-Q subgraph (boost::strong_components).
inline void number_components(const ClassedGraph& g, const std::vector<std::uint8_t>& not_q,
                              NotQComponents& nc) {
    struct InNotQ {
        const std::vector<std::uint8_t>* keep = nullptr;
        bool operator()(std::uint32_t v) const { return (*keep)[v] != 0; }
    };
    struct EdgeInNotQ {
        const std::vector<std::uint8_t>* keep = nullptr;
        const ClassedGraph* graph = nullptr;
        bool operator()(const CsrGraph::edge_descriptor& e) const {
            const CsrGraph& csr = graph->graph();
            return (*keep)[boost::source(e, csr)] != 0 && (*keep)[boost::target(e, csr)] != 0 &&
                   graph->kept(static_cast<std::uint32_t>(boost::get(boost::edge_index, csr, e)));
        }
    };
    const boost::filtered_graph<CsrGraph, EdgeInNotQ, InNotQ> sub(g.graph(), EdgeInNotQ{&not_q, &g},
                                                                  InNotQ{&not_q});
    nc.comp.assign(g.vertex_count(), none);
    const auto comps = boost::strong_components(
        sub, boost::make_iterator_property_map(nc.comp.begin(),
                                               boost::get(boost::vertex_index, g.graph())));
    nc.size.assign(comps, 0);
    nc.slot.assign(comps, none);
    nc.fair.assign(comps, 0);
}

/// Gives each non-trivial component its row and fills the rows: sizes, the classes each
/// state enables, the classes taken inside.
inline void tabulate_components(const ClassedGraph& g, const std::vector<std::uint8_t>& not_q,
                                NotQComponents& nc) {
    const std::uint32_t n = g.vertex_count();
    std::vector<std::uint8_t> internal_edge(nc.size.size(), 0);
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] == 0)
            continue;
        ++nc.size[nc.comp[v]];
        g.for_each_out_edge(v, [&](std::uint8_t, std::uint32_t w) {
            if (nc.in(not_q, w, nc.comp[v]))
                internal_edge[nc.comp[v]] = 1;
        });
    }
    for (std::uint32_t c = 0; c < nc.size.size(); ++c) {
        if (internal_edge[c] != 0) {
            nc.slot[c] = static_cast<std::uint32_t>(nc.enabled_count.size());
            nc.enabled_count.push_back({});
            nc.taken.push_back({});
        }
    }
    for (std::uint32_t v = 0; v < n; ++v) {
        if (not_q[v] == 0 || nc.slot[nc.comp[v]] == none)
            continue;
        const std::uint32_t k = nc.slot[nc.comp[v]];
        std::array<std::uint8_t, 256> enabled{};
        g.for_each_out_edge(v, [&](std::uint8_t cls, std::uint32_t w) {
            enabled[cls] = 1;
            if (nc.in(not_q, w, nc.comp[v]))
                nc.taken[k][cls] = 1;
        });
        for (std::size_t cls = 1; cls < 256; ++cls)
            nc.enabled_count[k][cls] += enabled[cls];
    }
}

/// Marks the fair components: every fair class enabled in all of it is taken inside it.
/// Returns how many non-trivial components fairness excludes.
inline std::uint64_t mark_fair_components(NotQComponents& nc) {
    std::uint64_t unfair = 0;
    for (std::uint32_t c = 0; c < nc.size.size(); ++c) {
        if (nc.slot[c] == none)
            continue;
        bool ok = true;
        for (std::size_t cls = 1; cls < 256 && ok; ++cls)
            ok = !nc.enabled_everywhere(c, cls) || nc.taken[nc.slot[c]][cls] != 0;
        nc.fair[c] = ok ? 1 : 0;
        unfair += ok ? 0 : 1;
    }
    return unfair;
}

/// The not-Q states from which a not-Q path reaches a target (is_target): backward
/// reachability over the reversed not-Q edges.
template <class IsTarget>
std::vector<std::uint8_t> reaching_targets(const ClassedGraph& g,
                                           const std::vector<std::uint8_t>& not_q,
                                           IsTarget&& is_target) {
    const std::uint32_t n = g.vertex_count();
    auto for_each_not_q_edge = [&](auto&& f) {
        for (std::uint32_t v = 0; v < n; ++v) {
            if (not_q[v] == 0)
                continue;
            g.for_each_out_edge(v, [&](std::uint8_t, std::uint32_t w) {
                if (not_q[w] != 0)
                    f(v, w);
            });
        }
    };
    std::vector<std::uint32_t> rev_start(n + 1, 0);
    for_each_not_q_edge([&](std::uint32_t, std::uint32_t w) { ++rev_start[w + 1]; });
    for (std::uint32_t v = 0; v < n; ++v)
        rev_start[v + 1] += rev_start[v];
    std::vector<std::uint32_t> rev(rev_start[n]);
    std::vector<std::uint32_t> fill(rev_start.begin(), rev_start.end() - 1);
    for_each_not_q_edge([&](std::uint32_t v, std::uint32_t w) { rev[fill[w]++] = v; });
    std::vector<std::uint8_t> reaches(n, 0);
    std::vector<std::uint32_t> work;
    for (std::uint32_t v = 0; v < n; ++v) {
        if (is_target(v)) {
            reaches[v] = 1;
            work.push_back(v);
        }
    }
    while (!work.empty()) {
        const std::uint32_t v = work.back();
        work.pop_back();
        for (std::uint32_t i = rev_start[v]; i < rev_start[v + 1]; ++i) {
            if (reaches[rev[i]] == 0) {
                reaches[rev[i]] = 1;
                work.push_back(rev[i]);
            }
        }
    }
    return reaches;
}

/// A state the fair cycle must pass: `must_move` if it must be reached by at least one
/// edge, even when the cycle is already there.
struct Waypoint {
    std::uint32_t state;
    bool must_move;
};

/// The waypoints of a weakly fair cycle through component c: for each fair class enabled
/// everywhere in c, one edge of it inside c; for each fair class enabled somewhere but not
/// everywhere, one state of c where it is not.
inline std::vector<Waypoint> fair_waypoints(const ClassedGraph& g,
                                            const std::vector<std::uint8_t>& not_q,
                                            const NotQComponents& nc, std::uint32_t c) {
    std::vector<Waypoint> waypoints;
    std::array<std::uint8_t, 256> covered{};
    for (std::uint32_t v = 0; v < g.vertex_count(); ++v) {
        if (!nc.in(not_q, v, c))
            continue;
        std::array<std::uint8_t, 256> enabled{};
        g.for_each_out_edge(v, [&](std::uint8_t cls, std::uint32_t w) {
            enabled[cls] = 1;
            if (cls != 0 && covered[cls] == 0 && nc.in(not_q, w, c) &&
                nc.enabled_everywhere(c, cls)) {
                covered[cls] = 1;
                waypoints.push_back({v, false});
                waypoints.push_back({w, true});
            }
        });
        for (std::size_t cls = 1; cls < 256; ++cls) {
            if (enabled[cls] == 0 && covered[cls] == 0 && nc.enabled_count[nc.slot[c]][cls] != 0) {
                covered[cls] = 1;
                waypoints.push_back({v, false});
            }
        }
    }
    return waypoints;
}

/// The cycle from `entry` through every waypoint back to `entry`, by shortest legs inside
/// component c; its last state has an edge back to the entry.
inline std::vector<std::uint32_t> stitch_cycle(const ClassedGraph& g,
                                               const std::vector<std::uint8_t>& not_q,
                                               const NotQComponents& nc, std::uint32_t c,
                                               std::uint32_t entry,
                                               std::vector<Waypoint> waypoints) {
    auto in_c = [&](std::uint32_t v) {
        return nc.in(not_q, v, c);
    };
    std::vector<std::uint32_t> cycle{entry};
    std::uint32_t at = entry;
    waypoints.push_back({entry, true});
    for (std::size_t i = 0; i < waypoints.size(); ++i) {
        const std::uint32_t goal = waypoints[i].state;
        const bool closing = i + 1 == waypoints.size();
        if (goal == at && (!waypoints[i].must_move || (closing && cycle.size() > 1)))
            continue;  // already there (the loop is closed when the cycle has an edge)
        auto is_goal = [&](std::uint32_t u) {
            return u == goal;
        };
        // To close the loop (or to reach `at` again) the path needs at least one edge.
        std::vector<std::uint32_t> leg;
        if (goal == at) {
            std::vector<std::uint32_t> best_leg;
            g.for_each_out_edge(at, [&](std::uint8_t, std::uint32_t w) {
                if (!in_c(w))
                    return;
                auto p = shortest_path_within(g, w, in_c, is_goal);
                if (!p.empty() && (best_leg.empty() || p.size() < best_leg.size()))
                    best_leg = std::move(p);
            });
            leg.push_back(at);
            leg.insert(leg.end(), best_leg.begin(), best_leg.end());
        } else {
            leg = shortest_path_within(g, at, in_c, is_goal);
        }
        RSEQCHECK_CHECK(leg.size() >= 2, "liveness: a component is not strongly connected");
        cycle.insert(cycle.end(), leg.begin() + 1, leg.end());
        at = goal;
    }
    cycle.pop_back();  // the last state is the entry again: the loop closes on it
    return cycle;
}

}  // namespace detail

/// Checks P ~> Q. `from(v)` and `to(v)` evaluate P and Q on state index v; `classes` gives
/// each edge label's fairness class for this check, or leaves the edge out.
template <class From, class To>
LeadsToResult check_leads_to(const StateGraph& graph, From&& from, To&& to,
                             const EdgeClasses& classes = EdgeClasses::identity()) {
    using detail::none;
    const ClassedGraph g(graph, classes);
    const std::uint32_t n = g.vertex_count();
    LeadsToResult r;
    std::vector<std::uint8_t> not_q(n);
    std::vector<std::uint8_t> premise(n);
    for (std::uint32_t v = 0; v < n; ++v) {
        not_q[v] = to(v) ? 0 : 1;
        premise[v] = from(v) ? 1 : 0;
        r.premise_count += premise[v];
    }
    detail::NotQComponents nc;
    detail::number_components(g, not_q, nc);
    detail::tabulate_components(g, not_q, nc);
    r.unfair_cycles_ignored = detail::mark_fair_components(nc);

    // The targets: not-Q states without successors, and states of fair components.
    auto is_target = [&](std::uint32_t v) {
        return not_q[v] != 0 && (g.terminal(v) || nc.fair[nc.comp[v]] != 0);
    };
    const std::vector<std::uint8_t> bad = detail::reaching_targets(g, not_q, is_target);
    std::uint32_t start = none;
    for (std::uint32_t v = 0; v < n && start == none; ++v) {
        if (premise[v] != 0 && not_q[v] != 0 && bad[v] != 0)
            start = v;
    }
    if (start == none)
        return r;

    // The lasso: stem to the nearest target, then a fair cycle through it.
    r.holds = false;
    r.stem = detail::shortest_path_within(
        g, start, [&](std::uint32_t v) { return not_q[v] != 0; }, is_target);
    RSEQCHECK_CHECK(!r.stem.empty(), "liveness: no path to the target found backwards");
    const std::uint32_t entry = r.stem.back();
    if (g.terminal(entry) && nc.fair[nc.comp[entry]] == 0) {
        r.terminal = true;
        return r;
    }
    const std::uint32_t c = nc.comp[entry];
    r.cycle = detail::stitch_cycle(g, not_q, nc, c, entry, detail::fair_waypoints(g, not_q, nc, c));
    return r;
}

}  // namespace rseqcheck::checker
