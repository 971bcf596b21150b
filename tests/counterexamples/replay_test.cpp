#include <gtest/gtest.h>

#include "checker/sequential_bfs.h"
#include "counterexamples/minimise.h"
#include "counterexamples/render.h"
#include "counterexamples/replay.h"
#include "counterexamples/trace_file.h"
#include "model/input_error.h"
#include "model/model.h"
#include "properties/catalog_checker.h"

namespace rseqcheck::cex {
namespace {

/// The first violation BFS finds on preset `preset` with variant `variant`, as a trace.
Trace first_trace(const std::string& preset, const std::string& variant) {
    Scenario sc = make_preset(preset);
    sc.variant = parse_variant(variant);
    const RseqModel model(sc);
    properties::CatalogChecker checker(model.scenario(), {});
    checker::SequentialBfs<RseqModel> engine(model);
    const checker::SearchResult result = engine.run(checker);
    EXPECT_FALSE(result.violations.empty()) << preset << " " << variant;
    if (result.violations.empty())
        return {};
    const checker::Violation& v = result.violations.front();
    const PropertyRef property = PropertyRef::of(v.property);
    const bool transition = v.kind == checker::ViolationKind::Transition;
    Trace t = trace_from_path(sc, property, engine.path_to(transition ? v.from_state : v.state));
    if (transition) {
        const State from = t.steps.empty() ? t.initial : t.steps.back().state;
        const State to = engine.state_at(v.state);
        bool appended = false;
        model.for_each_successor(from, [&](const Action& a, const State& n) {
            if (!appended && n == to && checker.check_transition(from, a, n) == v.property) {
                t.steps.push_back({a, n});
                appended = true;
            }
        });
    }
    return t;
}

TEST(Replay, ShortestTraceReachesItsViolation) {
    const Trace t = first_trace("preempt-full", "pre_7ee58f98");
    const RseqModel model(t.scenario);
    const ReplayResult r = replay(model, t.property, t.actions());
    EXPECT_EQ(r.outcome, ReplayOutcome::Violated);
    EXPECT_EQ(r.step, t.steps.size());
}

TEST(Replay, ReportsTheFirstStepThatIsNotEnabled) {
    Trace t = first_trace("preempt-full", "pre_7ee58f98");
    ASSERT_GE(t.steps.size(), 3U);
    std::vector<Action> actions = t.actions();
    actions[1].cpu = 0;
    actions[1].task = 2;
    actions[1].kind = ActionKind::GrantCommit;
    const RseqModel model(t.scenario);
    const ReplayResult r = replay(model, t.property, actions);
    EXPECT_EQ(r.outcome, ReplayOutcome::NotEnabled);
    EXPECT_EQ(r.step, 2U);
    EXPECT_NE(r.reason.find("step 2"), std::string::npos) << r.reason;
}

TEST(Minimise, KeepsTheViolationWithNoMoreEnvironmentEvents) {
    const Trace t = first_trace("preempt-full", "pre_7ee58f98");
    const RseqModel model(t.scenario);
    const Trace m = minimise(model, t);
    EXPECT_LE(environment_events(m.steps), environment_events(t.steps));
    EXPECT_EQ(m.original_steps, t.steps.size());
    const ReplayResult r = replay(model, m.property, m.actions());
    EXPECT_EQ(r.outcome, ReplayOutcome::Violated);
    EXPECT_EQ(r.step, m.steps.size());
}

TEST(RenderText, EndsWithTheGreppableVerdict) {
    const Trace t = first_trace("preempt-full", "pre_7ee58f98");
    const std::string text = render_text(t);
    const std::string last = verdict_line(t);
    EXPECT_NE(text.find("\n" + last + "\n"), std::string::npos) << text;
    EXPECT_EQ(last.rfind("Violated " + t.property.name + " (" + t.property.spec_id +
                             ") on pre_7ee58f98: ",
                         0),
              0U)
        << last;
}

TEST(TraceJson, RoundTripsThroughReplay) {
    const Trace t = first_trace("grant-syscall", "pre_dd0a0460");
    const std::string json = render_json(t);
    const ReplayReport own = replay_text(json, "t.json");
    EXPECT_EQ(own.exit_code, 1) << own.error;
    EXPECT_NE(own.output.find(verdict_line(t)), std::string::npos) << own.output;
    const ReplayReport fixed = replay_text(json, "t.json", {ReplayTarget::Kind::Fixed, ""});
    EXPECT_NE(fixed.exit_code, 1) << fixed.output;
}

// A replay that still fails shows what minimisation started from, as the report did ("Minimised
// 11 -> 11 steps"); it used to show 0, the file's summary unread.
TEST(TraceJson, ReplayKeepsTheLengthBeforeMinimisation) {
    const Trace t = first_trace("preempt-full", "pre_7ee58f98");
    const Trace m = minimise(RseqModel(t.scenario), t);
    const ReplayReport own = replay_text(render_json(m), "t.json");
    ASSERT_EQ(own.exit_code, 1);
    EXPECT_EQ(own.result.trace.original_steps, t.steps.size());
    EXPECT_EQ(own.result.trace.original_environment_events, environment_events(t.steps));
    EXPECT_NE(own.output.find("Minimised  " + std::to_string(t.steps.size()) + " -> "),
              std::string::npos)
        << own.output;
}

TEST(TraceJson, ADirectoryIsNotATraceFile) {
    try {
        (void)load_trace_file("/");
        FAIL() << "a directory was read as a trace file";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "cannot open the trace file: it is a directory");
    }
    EXPECT_THROW((void)replay_file("/"), InputError);
}

TEST(TraceJson, MalformedFileGivesLineAndColumn) {
    try {
        (void)parse_trace_json("{\n  \"format\": \"rseqcheck-trace\",\n  \"version\": 1x\n}",
                               "bad.json");
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_EQ(e.where().file, "bad.json");
        EXPECT_EQ(e.where().line, 3);
        EXPECT_EQ(e.where().column, 15);
        EXPECT_NE(std::string(e.what()).find("malformed JSON"), std::string::npos) << e.what();
    }
}

TEST(TraceJson, UnknownActionNamesItsPath) {
    const Trace t = first_trace("tiny", "mut_irq_exit_keeps_events");
    std::string json = render_json(t);
    const std::string kind = "\"kind\": \"";
    const std::size_t at = json.find(kind, json.find("\"steps\""));
    ASSERT_NE(at, std::string::npos);
    json.insert(at + kind.size(), "bogus_");
    try {
        (void)parse_trace_json(json, "t.json");
        FAIL() << "no error";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("steps[0].action.kind"), std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace rseqcheck::cex
