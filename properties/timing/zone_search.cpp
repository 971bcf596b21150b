#include "properties/timing/zone_search.h"

#include <chrono>
#include <cstring>
#include <deque>
#include <limits>
#include <unordered_map>

#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "properties/timing/dbm.h"
#include "properties/timing/timed_rules.h"

namespace rseqcheck::timing {

namespace {

/// The explicit search needs no property: it only collects the reachable states.
struct NoProperties {
    int check_state(const State&) { return -1; }
    int check_transition(const State&, const Action&, const State&) { return -1; }
};

constexpr std::uint32_t no_parent = std::numeric_limits<std::uint32_t>::max();

struct Node {
    State state;
    Dbm zone;
    Action action;  ///< the step into this node
    std::uint32_t parent = no_parent;
    TaskId subject = no_task;
};

struct Key {
    State state;
    TaskId subject;
    bool operator==(const Key& o) const { return subject == o.subject && state == o.state; }
};

struct KeyHash {
    std::size_t operator()(const Key& k) const {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ k.subject;
        const auto* bytes = reinterpret_cast<const unsigned char*>(&k.state);
        for (std::size_t i = 0; i < sizeof(State); i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, bytes + i, 8);
            h = (h ^ w) * 0xFF51AFD7ED558CCDULL;
            h ^= h >> 29U;
        }
        return static_cast<std::size_t>(h);
    }
};

/// The task a start step is about, or no_task when the step starts nothing.
TaskId start_subject(Query q, const Scenario& sc, const State& s, const Action& a, const State& n) {
    if (q == Query::WaiterDelay) {
        if (a.kind == ActionKind::IrqWakeup)
            return a.woken();  // try_to_wake_up() in the interrupt: a.task is the interrupted one
        if (a.kind == ActionKind::RemoteWakeup)
            return a.task;
        return no_task;
    }
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& before = s.task(t);
        const Task& after = n.task(t);
        if (after.slice_granted &&
            (!before.slice_granted || before.slice_expires != after.slice_expires))
            return t;
    }
    return no_task;
}

CpuId observed_cpu(const State& s, TaskId subject) {
    return static_cast<CpuId>(s.task(subject).cpu);
}

class Search {
public:
    Search(const Scenario& sc, const Params& p, Query q, ZoneSearchLimits limits)
        : model_(sc), rules_(model_.scenario(), p), p_(p), q_(q), limits_(limits) {}

    ZoneSearchResult run() {
        const auto t0 = std::chrono::steady_clock::now();
        checker::SearchOptions o;
        o.stop_at_first = false;
        o.check_deadlock = false;
        checker::SequentialBfs<RseqModel> bfs(model_, o);
        NoProperties none;
        result_.model_states = bfs.run(none).stats.states;
        for (std::uint64_t i = 0; i < bfs.size() && !done(); ++i) {
            const State s = bfs.state_at(i);
            model_.for_each_successor(s, [&](const Action& a, const State& n) {
                const TaskId subject = start_subject(q_, model_.scenario(), s, a, n);
                if (subject != no_task && !done()) {
                    ++result_.starts;
                    start(i, s, a, n, subject);
                }
            });
            drain();
        }
        if (best_ != no_parent || best_end_.has_end)
            witness(bfs);
        result_.symbolic_states = nodes_.size();
        result_.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        return std::move(result_);
    }

private:
    struct End {
        bool has_end = false;
        std::uint32_t from = no_parent;
        Action action{};
        State state{};
    };

    bool done() const { return !result_.bounded || !result_.complete; }

    Clock objective() const { return q_ == Query::WaiterDelay ? Clock::T : Clock::G; }

    /// Invariant, delay, invariant: the zone of every instant the model may stay in n.
    bool settle(Dbm& z, const State& n, CpuId c) const {
        bounds_.clear();
        rules_.invariant(n, c, bounds_);
        for (const ClockBound& b : bounds_)
            apply(z, b);
        if (z.empty())
            return false;
        z.delay();
        for (const ClockBound& b : bounds_)
            apply(z, b);
        return !z.empty();
    }

    /// The step s -a-> n from zone z observed on c: guards, resets; false if disabled.
    bool fire(Dbm& z, const State& s, const Action& a, const State& n, CpuId c,
              CpuId c_next) const {
        const StepEffect e = rules_.step(s, a, n, c, c_next);
        for (const ClockBound& b : e.guards)
            apply(z, b);
        if (z.empty())
            return false;
        for (const Clock r : e.releases)
            z.release(r);
        for (const Clock r : e.resets)
            z.reset(r);
        return true;
    }

    void start(std::uint64_t from_index, const State& s, const Action& a, const State& n,
               TaskId subject) {
        const CpuId c = observed_cpu(s, subject);
        Dbm z = Dbm::unconstrained();
        bounds_.clear();
        rules_.invariant(s, c, bounds_);
        for (const ClockBound& b : bounds_)
            apply(z, b);
        if (z.empty() || !fire(z, s, a, n, c, observed_cpu(n, subject)))
            return;
        z.reset(Clock::T);
        if (q_ == Query::WaiterDelay && a.next != no_task) {
            // the wakeup's own interrupt preempted into schedule(): no delay at all
            record_end(no_parent, a, n, z, from_index, subject);
            return;
        }
        const std::uint32_t id = add(n, z, a, no_parent, subject);
        if (id != no_parent)
            root_pre_[id] = from_index;
    }

    std::uint32_t add(const State& n, Dbm z, const Action& a, std::uint32_t parent,
                      TaskId subject) {
        if (!settle(z, n, observed_cpu(n, subject)))
            return no_parent;
        std::vector<std::uint32_t>& same = seen_[Key{n, subject}];
        for (const std::uint32_t other : same) {
            if (nodes_[other].zone.includes(z))
                return no_parent;
        }
        if (nodes_.size() >= limits_.max_symbolic_states) {
            result_.complete = false;
            result_.incomplete_reason = "the zone search reached its limit of " +
                                        std::to_string(limits_.max_symbolic_states) +
                                        " symbolic states";
            return no_parent;
        }
        const auto id = static_cast<std::uint32_t>(nodes_.size());
        nodes_.push_back(Node{n, z, a, parent, subject});
        same.push_back(id);
        queue_.push_back(id);
        return id;
    }

    void record_end(std::uint32_t from, const Action& a, const State& n, const Dbm& z,
                    std::uint64_t root_pre, TaskId subject) {
        const std::int64_t v = z.upper(Clock::T);
        if (v >= dbm_inf) {
            unbounded(from);
            return;
        }
        if (!best_end_.has_end || v > result_.sup_ns) {
            result_.sup_ns = v;
            best_end_ = End{true, from, a, n};
            end_root_pre_ = root_pre;
            result_.subject = subject;
        }
    }

    void unbounded(std::uint32_t node) {
        result_.bounded = false;
        best_ = node;
        best_end_.has_end = false;
    }

    bool objective_location(const State& s, TaskId t) const {
        const CpuId c = observed_cpu(s, t);
        const Task& task = s.task(t);
        return s.cpu(c).curr == t && task.in_user() && task.slice_granted && task.slice_expired;
    }

    void drain() {
        while (!queue_.empty() && !done()) {
            const std::uint32_t id = queue_.front();
            queue_.pop_front();
            const Node node = nodes_[id];
            const CpuId c = observed_cpu(node.state, node.subject);
            if (q_ == Query::WaiterDelay && node.zone.upper(Clock::T) >= dbm_inf) {
                unbounded(id);
                return;
            }
            if (q_ == Query::ExtensionBound && objective_location(node.state, node.subject)) {
                const std::int64_t g = node.zone.upper(Clock::G);
                if (g >= dbm_inf) {
                    unbounded(id);
                    return;
                }
                if (best_ == no_parent || g - p_.slice_ext_nsecs() > result_.sup_ns) {
                    result_.sup_ns = g - p_.slice_ext_nsecs();
                    best_ = id;
                    result_.subject = node.subject;
                }
            }
            model_.for_each_successor(node.state, [&](const Action& a, const State& n) {
                if (done())
                    return;
                Dbm z = node.zone;
                const CpuId c_next = observed_cpu(n, node.subject);
                if (!fire(z, node.state, a, n, c, c_next))
                    return;
                if (q_ == Query::WaiterDelay) {
                    if (a.next != no_task && TimedRules::runs_on(a, c)) {
                        record_end(id, a, n, z, 0, node.subject);
                        return;
                    }
                } else {
                    const Task& before = node.state.task(node.subject);
                    const Task& after = n.task(node.subject);
                    if (!after.slice_granted || after.slice_expires != before.slice_expires)
                        return;  // the grant ended: nothing more to measure on this path
                }
                add(n, z, a, id, node.subject);
            });
        }
    }

    /// The path from the initial state to the best node or end.
    void witness(const checker::SequentialBfs<RseqModel>& bfs) {
        std::vector<PathStep> tail;
        std::uint32_t node = best_;
        if (best_end_.has_end) {
            tail.push_back(PathStep{best_end_.action, best_end_.state});
            node = best_end_.from;
        }
        std::uint64_t pre = end_root_pre_;
        while (node != no_parent) {
            tail.push_back(PathStep{nodes_[node].action, nodes_[node].state});
            if (nodes_[node].parent == no_parent)
                pre = root_pre_.at(node);
            node = nodes_[node].parent;
        }
        const auto prefix = bfs.path_to(pre);
        result_.initial = prefix.front().state;
        for (std::size_t i = 1; i < prefix.size(); ++i)
            result_.steps.push_back(PathStep{prefix[i].action, prefix[i].state});
        result_.start_step = result_.steps.size();
        for (auto it = tail.rbegin(); it != tail.rend(); ++it)
            result_.steps.push_back(*it);
        if (result_.subject == no_task && best_ != no_parent)
            result_.subject = nodes_[best_].subject;
    }

    RseqModel model_;
    TimedRules rules_;
    const Params& p_;
    Query q_;
    ZoneSearchLimits limits_;
    ZoneSearchResult result_;
    std::vector<Node> nodes_;
    std::unordered_map<Key, std::vector<std::uint32_t>, KeyHash> seen_;
    std::unordered_map<std::uint32_t, std::uint64_t> root_pre_;
    std::deque<std::uint32_t> queue_;
    mutable std::vector<ClockBound> bounds_;
    std::uint32_t best_ = no_parent;
    End best_end_;
    std::uint64_t end_root_pre_ = 0;
};

}  // namespace

const char* query_name(Query q) {
    return q == Query::WaiterDelay ? "waiter-delay" : "extension-bound";
}

ZoneSearchResult zone_search(const Scenario& sc, const Params& p, Query q,
                             ZoneSearchLimits limits) {
    Search search(sc, p, q, limits);
    return search.run();
}

}  // namespace rseqcheck::timing
