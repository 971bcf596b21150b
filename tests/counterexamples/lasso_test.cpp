// Leads-to counterexamples: the corpus one (a run that stops with the yield never
// scheduled) replays as a violation on its variant and not on the fixed model,
// minimisation keeps it one, and a run that has not stopped, or a claimed cycle that does
// not close, is not reported as one. Fair cycles are tested on hand-made graphs
// (tests/checker/liveness_graph_test.cpp).
#include <string>

#include <gtest/gtest.h>

#include "counterexamples/minimise.h"
#include "counterexamples/replay.h"
#include "counterexamples/trace_file.h"
#include "model/model.h"

namespace rseqcheck::cex {
namespace {

const std::string corpus_lasso =
    std::string(RSEQCHECK_SOURCE_DIR) +
    "/counterexamples/corpus/mut-yield-no-resched-yield-schedules.json";

TEST(Lasso, CorpusLassoReplaysAsAFairViolationOnlyOnItsVariant) {
    const TraceFile tf = load_trace_file(corpus_lasso);
    const RseqModel model(tf.scenario);
    const ReplayResult r = replay_lasso(model, tf.property, tf.actions, tf.cycle_start);
    EXPECT_EQ(r.outcome, ReplayOutcome::Violated) << r.reason;
    Scenario fixed = tf.scenario;
    fixed.variant = Variant{};
    const ReplayResult f = replay_lasso(RseqModel(fixed), tf.property, tf.actions, tf.cycle_start);
    EXPECT_NE(f.outcome, ReplayOutcome::Violated);
}

TEST(Lasso, MinimisationKeepsTheViolation) {
    const TraceFile tf = load_trace_file(corpus_lasso);
    const RseqModel model(tf.scenario);
    const Trace t = replay_lasso(model, tf.property, tf.actions, tf.cycle_start).trace;
    const Trace m = minimise(model, t);
    EXPECT_LE(m.steps.size(), t.steps.size());
    EXPECT_EQ(m.original_steps, t.steps.size());
    EXPECT_EQ(replay_lasso(model, tf.property, m.actions(), m.cycle_start).outcome,
              ReplayOutcome::Violated);
}

TEST(Lasso, ARunThatDoesNotStopOrAClaimedCycleThatDoesNotRepeatIsNoViolation) {
    const TraceFile tf = load_trace_file(corpus_lasso);
    ASSERT_FALSE(tf.cycle_start.has_value()) << "this corpus trace is a run that stops";
    const RseqModel model(tf.scenario);
    // Without its last step the run has not stopped: something is still enabled.
    std::vector<Action> shorter(tf.actions.begin(), tf.actions.end() - 1);
    EXPECT_EQ(replay_lasso(model, tf.property, shorter, std::nullopt).outcome,
              ReplayOutcome::NoViolation);
    // Claiming a cycle where the state does not repeat is no lasso either.
    EXPECT_NE(replay_lasso(model, tf.property, tf.actions, std::size_t{1}).outcome,
              ReplayOutcome::Violated);
}

}  // namespace
}  // namespace rseqcheck::cex
