#include "counterexamples/minimise.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <optional>
#include <queue>
#include <tuple>
#include <unordered_map>

#include "counterexamples/replay.h"
#include "properties/property.h"

namespace rseqcheck::cex {

namespace {

/// A search node: the model state, which of the trace's environment events are used up, and
/// who acted last (for counting context switches).
struct Key {
    State state;
    std::uint64_t used = 0;
    std::uint8_t last_actor = 0xFF;
    bool operator==(const Key& o) const {
        return state == o.state && used == o.used && last_actor == o.last_actor;
    }
};

struct KeyHash {
    std::size_t operator()(const Key& k) const {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ k.used ^ (std::uint64_t{k.last_actor} << 56U);
        unsigned char bytes[sizeof(State)];
        std::memcpy(bytes, &k.state, sizeof(State));
        for (std::size_t i = 0; i < sizeof(State); i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, bytes + i, 8);
            h ^= w;
            h *= 0xFF51AFD7ED558CCDULL;
            h ^= h >> 32U;
        }
        return static_cast<std::size_t>(h);
    }
};

std::uint8_t actor_id(const Action& a) {
    return static_cast<std::uint8_t>((a.cpu & 0x3U) * 4U + (a.task == no_task ? 3U : a.task));
}

/// Environment events are matched by everything but the scheduler's choice of next task.
bool same_event(const Action& a, const Action& b) {
    return a.kind == b.kind && a.cpu == b.cpu && a.task == b.task && a.same_param(b) &&
           a.fault == b.fault;
}

struct Node {
    Key key;
    std::uint32_t parent = 0;
    Action action{};
    std::uint32_t length = 0;
    std::uint32_t switches = 0;
    bool goal = false;
};

/// The best path (fewest steps, then fewest context switches) from the initial state to a
/// violation that uses only environment events from `events` whose bit is in `allowed`,
/// each at most once; nullopt when there is none or the search outgrew the node limit.
std::optional<std::vector<TraceStep>> search(const RseqModel& model, const PropertyRef& property,
                                             const std::vector<Action>& events,
                                             std::uint64_t allowed,
                                             const MinimiseOptions& options) {
    ViolationTest test(model, property);
    std::vector<Node> nodes;
    std::unordered_map<Key, std::pair<std::uint32_t, std::uint32_t>, KeyHash> best;
    using Entry =
        std::tuple<std::uint32_t, std::uint32_t, std::uint32_t>;  // length, switches, node
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> open;
    nodes.push_back(Node{Key{model.initial_state(), 0, 0xFF}, 0, Action{}, 0, 0, false});
    best.emplace(nodes[0].key, std::pair{0U, 0U});
    open.emplace(0U, 0U, 0U);
    while (!open.empty()) {
        // Named copies, not a structured binding: clang 14 cannot capture bindings in lambdas.
        const std::uint32_t length = std::get<0>(open.top());
        const std::uint32_t switches = std::get<1>(open.top());
        const std::uint32_t index = std::get<2>(open.top());
        open.pop();
        if (nodes[index].goal) {
            std::vector<TraceStep> path;
            for (std::uint32_t i = index; i != 0; i = nodes[i].parent)
                path.push_back(TraceStep{nodes[i].action, nodes[i].key.state});
            std::reverse(path.begin(), path.end());
            return path;
        }
        const Key key = nodes[index].key;
        if (const auto it = best.find(key);
            it != best.end() && it->second < std::pair{length, switches})
            continue;  // a better way here was found after this entry was queued
        if (nodes.size() > options.node_limit)
            return std::nullopt;
        model.for_each_successor(key.state, [&](const Action& a, const State& t) {
            std::uint64_t used = key.used;
            if (is_environment(a)) {
                bool matched = false;
                for (std::size_t i = 0; i < events.size() && !matched; ++i) {
                    const std::uint64_t bit = std::uint64_t{1} << i;
                    if ((allowed & bit) != 0 && (used & bit) == 0 && same_event(a, events[i])) {
                        used |= bit;
                        matched = true;
                    }
                }
                if (!matched)
                    return;
            }
            const std::uint8_t who = actor_id(a);
            const std::uint32_t sw =
                switches + ((key.last_actor != 0xFF && key.last_actor != who) ? 1U : 0U);
            Node n{Key{t, used, who}, index, a, length + 1, sw, false};
            if (test.violated(key.state, a, t)) {
                n.goal = true;
                nodes.push_back(n);
                open.emplace(n.length, n.switches, static_cast<std::uint32_t>(nodes.size() - 1));
                return;
            }
            const auto cost = std::pair{n.length, n.switches};
            auto [it, fresh] = best.emplace(n.key, cost);
            if (!fresh && !(cost < it->second))
                return;
            it->second = cost;
            nodes.push_back(n);
            open.emplace(n.length, n.switches, static_cast<std::uint32_t>(nodes.size() - 1));
        });
    }
    return std::nullopt;
}

/// Which of `events` a path uses, as a bit mask (each event at most once, first match).
std::uint64_t events_used(const std::vector<TraceStep>& path, const std::vector<Action>& events) {
    std::uint64_t used = 0;
    for (const TraceStep& s : path) {
        if (!is_environment(s.action))
            continue;
        for (std::size_t i = 0; i < events.size(); ++i) {
            const std::uint64_t bit = std::uint64_t{1} << i;
            if ((used & bit) == 0 && same_event(s.action, events[i])) {
                used |= bit;
                break;
            }
        }
    }
    return used;
}

/// A lasso (leads-to counterexample): drop single steps of the stem (environment events
/// first, latest first) while the shortened lasso still replays as a fair violation
/// (replay_lasso()), to a fixed point. The cycle is kept as found.
Trace minimise_lasso(const RseqModel& model, Trace out) {
    std::vector<Action> actions = out.actions();
    // Without a cycle the run stops in a state without successors: every step is stem.
    const bool has_cycle = out.cycle_start.has_value();
    std::size_t cycle = out.cycle_start.value_or(actions.size());
    auto as_cycle = [&](std::size_t c) {
        return has_cycle ? std::optional<std::size_t>(c) : std::nullopt;
    };
    auto still_violated = [&](const std::vector<Action>& candidate, std::size_t c) {
        return replay_lasso(model, out.property, candidate, as_cycle(c)).outcome ==
               ReplayOutcome::Violated;
    };
    for (const bool environment_pass : {true, false}) {
        for (bool changed = true; changed;) {
            changed = false;
            for (std::size_t k = cycle; k-- > 0;) {
                if (is_environment(actions[k]) != environment_pass)
                    continue;
                std::vector<Action> candidate = actions;
                candidate.erase(candidate.begin() + static_cast<std::ptrdiff_t>(k));
                if (still_violated(candidate, cycle - 1)) {
                    actions = std::move(candidate);
                    --cycle;
                    changed = true;
                }
            }
        }
    }
    const ReplayResult r = replay_lasso(model, out.property, actions, as_cycle(cycle));
    RSEQCHECK_CHECK(r.outcome == ReplayOutcome::Violated, "lasso minimisation lost the violation");
    Trace min = r.trace;
    min.original_steps = out.original_steps;
    min.original_environment_events = out.original_environment_events;
    return min;
}

}  // namespace

Trace minimise(const RseqModel& model, const Trace& trace, const MinimiseOptions& options) {
    Trace out = trace;
    out.original_steps = trace.original_steps != 0 ? trace.original_steps : trace.steps.size();
    out.original_environment_events = trace.original_steps != 0 ? trace.original_environment_events
                                                                : environment_events(trace.steps);
    if (trace.steps.empty())
        return out;
    const bool leads_to =
        trace.property.index >= 0 &&
        properties::catalog()[static_cast<std::size_t>(trace.property.index)].kind ==
            properties::PropertyKind::LeadsTo;
    if (leads_to)
        return minimise_lasso(model, out);
    std::vector<Action> events;
    for (const TraceStep& s : trace.steps) {
        if (is_environment(s.action))
            events.push_back(s.action);
    }
    if (events.size() > 64)
        return out;
    std::uint64_t allowed =
        events.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << events.size()) - 1;
    auto found = search(model, trace.property, events, allowed, options);
    if (!found)
        return out;
    std::vector<TraceStep> path = std::move(*found);
    allowed = events_used(path, events);
    // Greedy, to a fixed point: drop one used event at a time, latest first.
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = events.size(); i-- > 0;) {
            const std::uint64_t bit = std::uint64_t{1} << i;
            if ((allowed & bit) == 0)
                continue;
            if (auto shorter = search(model, trace.property, events, allowed & ~bit, options)) {
                path = std::move(*shorter);
                allowed = events_used(path, events);
                changed = true;
            }
        }
    }
    out.initial = model.initial_state();
    out.steps = std::move(path);
    return out;
}

}  // namespace rseqcheck::cex
