/// \file
/// Replay: re-run a list of actions against the model from the scenario's initial state,
/// matching each action exactly among the enabled successors, and watch for a property.
/// Also the test "does this state or transition violate the property", shared with the
/// minimiser and the corpus tests.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "counterexamples/trace.h"
#include "model/model.h"
#include "properties/catalog_checker.h"

namespace rseqcheck::cex {

/// Whether one state or transition violates one property (or is a deadlock).
class ViolationTest {
public:
    ViolationTest(const RseqModel& model, const PropertyRef& property);
    /// The step s -a-> t violates the property (a transition property on the step, an
    /// invariant or a deadlock on t).
    bool violated(const State& s, const Action& a, const State& t);
    /// The initial state violates an invariant.
    bool violated_initially(const State& s);

private:
    bool deadlocked(const State& t) const;

    const RseqModel& model_;
    PropertyRef property_;
    properties::CatalogChecker checker_;
};

enum class ReplayOutcome {
    Violated,     ///< the property fails at `step` (the trace still shows the bug)
    NoViolation,  ///< every step replayed and the property held throughout
    NotEnabled,   ///< step `step` is not enabled in the state the replay reached
};

struct ReplayResult {
    ReplayOutcome outcome = ReplayOutcome::NoViolation;
    std::size_t step = 0;  ///< 1-based: where it was violated or not enabled
    std::string reason;    ///< for NotEnabled: why, in one line
    Trace trace;           ///< the replayed steps (up to the violation or the failure)
};

/// Replays `actions` on `model` from its initial state. The trace's property, scenario and
/// initial state are filled from `property` and the model. Stops at the first violation.
ReplayResult replay(const RseqModel& model, const PropertyRef& property,
                    std::span<const Action> actions);

/// Replays a leads-to counterexample (checker/liveness.h): every step must be enabled; it is
/// Violated when some state before the cycle (or before the end) satisfies P and Q fails
/// from there to the end, and either the cycle closes (the state after the last step is
/// the state before step `cycle_start`) and is weakly fair (properties/fairness.h: every
/// fair class enabled in all cycle states is taken by a cycle step), or, without a cycle,
/// the last state has no successor. Otherwise NoViolation.
ReplayResult replay_lasso(const RseqModel& model, const PropertyRef& property,
                          std::span<const Action> actions, std::optional<std::size_t> cycle_start);

/// One line listing the actions enabled in s (for "not enabled" reports).
std::string describe_enabled(const RseqModel& model, const State& s);

}  // namespace rseqcheck::cex
