#include "counterexamples/replay.h"

#include "model/transitions.h"

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

}  // namespace rseqcheck::cex
