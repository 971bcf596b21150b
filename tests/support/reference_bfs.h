/// \file
/// A deliberately plain breadth-first search over the kernel model: the test oracle that
/// the engine (checker/) is cross-checked against, and the driver of the property tests.
/// Slow and simple on purpose: std::unordered_map, one thread.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/model.h"
#include "properties/catalog_checker.h"

namespace rseqcheck::testing {

struct StateHash {
    std::size_t operator()(const State& s) const {
        return std::hash<std::string_view>{}(
            std::string_view(reinterpret_cast<const char*>(&s), sizeof s));
    }
};

struct Found {
    int property = -1;
    std::vector<Action> trace;  ///< actions from the initial state to the violation
};

struct Explored {
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;
    std::uint32_t depth = 0;
    std::vector<Found> violations;  ///< first violation of each property, shortest trace
    /// Per catalogue index: how often the property's premise held (properties/catalog_checker.h),
    /// 0 for a property not selected or a leads-to one.
    std::vector<std::uint64_t> premise;
};

/// Every state reachable in `sc`, in breadth-first order (a plain BFS, no properties: for
/// tests that check a predicate over the whole preset).
inline std::vector<State> reachable_states(const Scenario& sc) {
    const RseqModel model(sc);
    std::unordered_set<State, StateHash> seen{model.initial_state()};
    std::vector<State> order{model.initial_state()};
    for (std::size_t i = 0; i < order.size(); ++i) {
        const State s = order[i];
        model.for_each_successor(s, [&](const Action&, const State& n) {
            if (seen.insert(n).second)
                order.push_back(n);
        });
    }
    return order;
}

/// Explores the whole reachable graph of `sc`, checking the selected properties.
inline Explored reference_bfs(const Scenario& sc, std::vector<int> selected = {}) {
    RseqModel model(sc);
    properties::CatalogChecker checker(model.scenario(), std::move(selected));
    struct Node {
        std::uint64_t parent;
        Action action;
        std::uint32_t depth;
    };
    std::unordered_map<State, std::uint64_t, StateHash> index;
    std::vector<State> states;
    std::vector<Node> nodes;
    Explored out;
    std::vector<bool> reported(properties::catalog().size(), false);
    auto trace_to = [&](std::uint64_t i) {
        std::vector<Action> rev;
        while (i != 0) {
            rev.push_back(nodes[i].action);
            i = nodes[i].parent;
        }
        return std::vector<Action>(rev.rbegin(), rev.rend());
    };
    auto report = [&](int p, std::vector<Action> trace) {
        if (p < 0 || reported[static_cast<std::size_t>(p)])
            return;
        reported[static_cast<std::size_t>(p)] = true;
        out.violations.push_back(Found{p, std::move(trace)});
    };
    const State init = model.initial_state();
    index.emplace(init, 0);
    states.push_back(init);
    nodes.push_back(Node{0, Action{}, 0});
    report(checker.check_state(init), {});
    for (std::uint64_t i = 0; i < states.size(); ++i) {
        const State s = states[i];
        model.for_each_successor(s, [&](const Action& a, const State& t) {
            ++out.transitions;
            const int tp = checker.check_transition(s, a, t);
            if (tp >= 0 && !reported[static_cast<std::size_t>(tp)]) {
                auto trace = trace_to(i);
                trace.push_back(a);
                report(tp, std::move(trace));
            }
            if (index.emplace(t, states.size()).second) {
                states.push_back(t);
                nodes.push_back(Node{i, a, nodes[i].depth + 1});
                out.depth = std::max(out.depth, nodes[i].depth + 1);
                report(checker.check_state(t), trace_to(states.size() - 1));
            }
        });
    }
    out.states = states.size();
    for (std::size_t p = 0; p < properties::catalog().size(); ++p)
        out.premise.push_back(checker.premise_count(static_cast<int>(p)));
    return out;
}

inline std::optional<Found> violation_of(const Explored& e, std::string_view property) {
    const int want = properties::property_index(property);
    for (const Found& f : e.violations) {
        if (f.property == want)
            return f;
    }
    return std::nullopt;
}

}  // namespace rseqcheck::testing
