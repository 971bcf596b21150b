#include "counterexamples/replay.h"

#include <optional>
#include <vector>

#include "model/transitions.h"
#include "properties/fairness.h"
#include "properties/property.h"

namespace rseqcheck::cex {

ViolationTest::ViolationTest(const RseqModel& model, const PropertyRef& property)
    : model_(model), property_(property),
      checker_(model.scenario(),
               property.index >= 0 ? std::vector<int>{property.index} : std::vector<int>{}) {}

bool ViolationTest::deadlocked(const State& t) const {
    bool any = false;
    model_.for_each_successor(t, [&](const Action&, const State&) { any = true; });
    return !any && !model_.is_valid_end(t);
}

bool ViolationTest::violated(const State& s, const Action& a, const State& t) {
    switch (property_.kind) {
    case checker::ViolationKind::Invariant:
        return checker_.check_state(t) == property_.index;
    case checker::ViolationKind::Transition:
        return checker_.check_transition(s, a, t) == property_.index;
    case checker::ViolationKind::Deadlock:
        return deadlocked(t);
    }
    return false;
}

bool ViolationTest::violated_initially(const State& s) {
    if (property_.kind == checker::ViolationKind::Invariant)
        return checker_.check_state(s) == property_.index;
    if (property_.kind == checker::ViolationKind::Deadlock)
        return deadlocked(s);
    return false;
}

std::string describe_enabled(const RseqModel& model, const State& s) {
    std::string out;
    model.for_each_successor(
        s, [&](const Action& a, const State&) { out += (out.empty() ? "" : "; ") + describe(a); });
    return out.empty() ? "nothing" : out;
}

ReplayResult replay(const RseqModel& model, const PropertyRef& property,
                    std::span<const Action> actions) {
    ReplayResult r;
    r.trace.scenario = model.scenario();
    r.trace.property = property;
    r.trace.initial = model.initial_state();
    ViolationTest test(model, property);
    if (test.violated_initially(r.trace.initial)) {
        r.outcome = ReplayOutcome::Violated;
        return r;
    }
    State s = r.trace.initial;
    for (std::size_t k = 0; k < actions.size(); ++k) {
        const Action& want = actions[k];
        bool found = false;
        State next{};
        model.for_each_successor(s, [&](const Action& a, const State& t) {
            if (!found && a == want) {
                found = true;
                next = t;
            }
        });
        if (!found) {
            r.outcome = ReplayOutcome::NotEnabled;
            r.step = k + 1;
            std::string same_kind;
            model.for_each_successor(s, [&](const Action& a, const State&) {
                if (a.kind == want.kind)
                    same_kind += (same_kind.empty() ? "" : "; ") + describe(a);
            });
            r.reason = "step " + std::to_string(k + 1) + " (" + describe(want) +
                       ") is not enabled; " +
                       (same_kind.empty()
                            ? std::string(action_name(want.kind)) + " is not enabled at all here"
                            : "enabled with other parameters: " + same_kind);
            return r;
        }
        r.trace.steps.push_back(TraceStep{want, next});
        if (test.violated(s, want, next)) {
            r.outcome = ReplayOutcome::Violated;
            r.step = k + 1;
            return r;
        }
        s = next;
    }
    r.outcome = ReplayOutcome::NoViolation;
    r.step = actions.size();
    return r;
}

ReplayResult replay_lasso(const RseqModel& model, const PropertyRef& property,
                          std::span<const Action> actions, std::optional<std::size_t> cycle_start) {
    ReplayResult r;
    r.trace.scenario = model.scenario();
    r.trace.initial = model.initial_state();
    r.trace.property = property;
    r.trace.cycle_start = cycle_start;
    const properties::Property& p = properties::catalog()[static_cast<std::size_t>(property.index)];
    const Scenario& sc = model.scenario();
    State s = r.trace.initial;
    for (std::size_t k = 0; k < actions.size(); ++k) {
        std::optional<State> next;
        model.for_each_successor(s, [&](const Action& a, const State& t) {
            if (!next && a == actions[k])
                next = t;
        });
        if (!next) {
            r.outcome = ReplayOutcome::NotEnabled;
            r.step = k + 1;
            r.reason = "step " + std::to_string(k + 1) + " (" + describe(actions[k]) +
                       ") is not enabled; enabled: " + describe_enabled(model, s);
            return r;
        }
        r.trace.steps.push_back(TraceStep{actions[k], *next});
        s = *next;
    }
    r.step = actions.size();
    r.outcome = ReplayOutcome::NoViolation;
    const std::size_t n = r.trace.steps.size();
    // The last state where P held with Q false from there to the end.
    std::optional<std::size_t> premise;
    for (std::size_t k = n + 1; k-- > 0;) {
        const State& at = r.trace.before(k);
        if (p.to(sc, at))
            break;
        if (p.from(sc, at))
            premise = k;
    }
    if (!premise || (cycle_start && *premise > *cycle_start))
        return r;
    if (!cycle_start) {
        // The run stops: nothing but the backstop tick on an obliged task, which leads-to
        // leaves out, can follow.
        bool any = false;
        model.for_each_successor(s, [&](const Action& a, const State&) {
            any = any || !properties::is_backstop(s, a, p.backstop_obligation);
        });
        if (!any)
            r.outcome = ReplayOutcome::Violated;
        return r;
    }
    if (*cycle_start >= n || !(r.trace.before(*cycle_start) == s))
        return r;
    const checker::EdgeClasses classes = properties::leads_to_classes(p.backstop_obligation);
    std::vector<bool> taken(256, false);
    for (std::size_t k = *cycle_start; k < n; ++k) {
        const State& from = r.trace.before(k);
        if (properties::is_backstop(from, r.trace.steps[k].action, p.backstop_obligation))
            return r;  // the leads-to graph has no such edge
        taken[classes.of[properties::edge_label(from, r.trace.steps[k].action)]] = true;
    }
    std::vector<int> enabled_everywhere(256, 1);
    for (std::size_t k = *cycle_start; k < n; ++k) {
        std::vector<bool> here(256, false);
        const State& from = r.trace.before(k);
        model.for_each_successor(from, [&](const Action& a, const State&) {
            here[classes.of[properties::edge_label(from, a)]] = true;
        });
        for (std::size_t c = 1; c < checker::omitted_edge; ++c)
            enabled_everywhere[c] &= here[c] ? 1 : 0;
    }
    for (std::size_t c = 1; c < checker::omitted_edge; ++c) {
        if (enabled_everywhere[c] != 0 && !taken[c])
            return r;  // an unfair cycle: a fair step stays enabled and never runs
    }
    r.outcome = ReplayOutcome::Violated;
    return r;
}

}  // namespace rseqcheck::cex
