/// \file
/// Runs the leads-to properties of the catalogue on a scenario the way `rseqcheck check`
/// does: a complete sequential search, the state graph, then checker/liveness.h per property.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "checker/liveness.h"
#include "checker/sequential_bfs.h"
#include "checker/state_graph.h"
#include "model/model.h"
#include "properties/fairness.h"
#include "properties/property.h"

namespace rseqcheck::testing {

struct NoChecks {
    int check_state(const State&) { return -1; }
    int check_transition(const State&, const Action&, const State&) { return -1; }
};

struct LivenessOutcome {
    std::string property;
    checker::LeadsToResult result;
    /// A counterexample's shape, checked against the property's own predicates: the stem
    /// starts where P holds and Q not, and no state of the stem or the loop has Q.
    bool stem_starts_in_premise = false;
    bool counterexample_avoids_goal = false;
};

/// Which used-up-slice ticks a check leaves out: those on a task that owes the property's
/// premise (properties/fairness.h, what `rseqcheck check` does), or every one (the rule
/// before 2026-12, kept to show what it got wrong).
enum class TickRule { LeaveOutOnTheObligedTask, LeaveOutEveryTick };

/// Every leads-to property of the catalogue (including non-default probes) on `sc`.
inline std::vector<LivenessOutcome>
check_all_leads_to(const Scenario& sc, TickRule rule = TickRule::LeaveOutOnTheObligedTask) {
    const RseqModel model(sc);
    checker::SequentialBfs<RseqModel> search(model);
    NoChecks none;
    search.run(none);
    const checker::StateGraph g =
        checker::build_state_graph(model, search, [](const Action& a, const State& source) {
            return properties::edge_label(source, a);
        });
    std::vector<LivenessOutcome> out;
    for (const properties::Property& p : properties::catalog()) {
        if (p.kind != properties::PropertyKind::LeadsTo)
            continue;
        const auto has_p = [&](std::uint32_t v) {
            return p.from(sc, search.state_at(v));
        };
        const auto has_q = [&](std::uint32_t v) {
            return p.to(sc, search.state_at(v));
        };
        checker::EdgeClasses classes = properties::leads_to_classes(p.backstop_obligation);
        if (rule == TickRule::LeaveOutEveryTick) {
            // The tick labels are those that even a check owing nothing reads as another class.
            const checker::EdgeClasses owing_nothing = properties::leads_to_classes(0);
            for (std::size_t l = 0; l < classes.of.size(); ++l) {
                if (owing_nothing.of[l] != l)
                    classes.of[l] = checker::omitted_edge;
            }
        }
        LivenessOutcome o{std::string(p.name), checker::check_leads_to(g, has_p, has_q, classes)};
        if (!o.result.stem.empty()) {
            const std::uint32_t first = o.result.stem.front();
            o.stem_starts_in_premise = has_p(first) && !has_q(first);
            o.counterexample_avoids_goal =
                std::none_of(o.result.stem.begin(), o.result.stem.end(), has_q) &&
                std::none_of(o.result.cycle.begin(), o.result.cycle.end(), has_q);
        }
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace rseqcheck::testing
