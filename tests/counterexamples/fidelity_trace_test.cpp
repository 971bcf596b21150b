// Traces of interleavings that the fidelity fixes (issue 21) made reachable: the spec 7.4
// stale-timer trace, committed under counterexamples/corpus/fidelity/ and replayed; and the
// trace format: version 2 names the idle task as `next`, version 3 names the action's parameter
// ("branch": "revoke"), and versions 1 and 2 still read.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "counterexamples/render.h"
#include "counterexamples/trace_file.h"
#include "properties/catalog_checker.h"
#include "tests/model/fidelity_walks.h"

namespace rseqcheck::test {
namespace {

namespace fs = std::filesystem;

cex::Trace trace_of(const Walk& w, std::string_view property) {
    cex::Trace t;
    t.scenario = w.model().scenario();
    t.property = cex::PropertyRef::named(property);
    t.initial = w.model().initial_state();
    for (const auto& [action, state] : w.path())
        t.steps.push_back(cex::TraceStep{action, state});
    return t;
}

std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

const fs::path stale_timer_file = fs::path(RSEQCHECK_SOURCE_DIR) / "counterexamples" / "corpus" /
                                  "fidelity" / "7.4-stale-timer-fresh-grant.json";

/// The walk of tests/model/fidelity_walks.h, on to T0's return to user mode.
Walk stale_timer_walk() {
    Walk w(stale_timer_scenario());
    stale_timer_fires_on_a_fresh_grant(w);
    EXPECT_TRUE(w.step("grant_clear_resched"));
    EXPECT_TRUE(w.step("exit_loop_reread_flags"));
    EXPECT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    return w;
}

/// Compares a walk's trace with its committed file (RSEQCHECK_UPDATE_GOLDEN=1 rewrites it).
void expect_committed(const Walk& w, std::string_view property, const fs::path& file) {
    const std::string json = cex::render_json(trace_of(w, property));
    if (std::getenv("RSEQCHECK_UPDATE_GOLDEN") != nullptr) {
        fs::create_directories(file.parent_path());
        std::ofstream(file, std::ios::binary) << json;
    }
    EXPECT_EQ(read(file), json) << file << ": regenerate with RSEQCHECK_UPDATE_GOLDEN=1";
}

TEST(FidelityTrace, TheStaleTimerTraceIsCommittedAsTheWalkWritesIt) {
    expect_committed(stale_timer_walk(), "timer-hygiene", stale_timer_file);
}

const fs::path findings_dir =
    fs::path(RSEQCHECK_SOURCE_DIR) / "counterexamples" / "corpus" / "findings";

// F3 breaks no property of the catalogue (docs/findings.md says why), so its trace replays to
// "holds"; the state it ends in is the finding. F2 breaks the finding probe
// yield-after-switch-returns-zero (the syscall comment's promise). F1 and F4 are leads-to
// violations written by `rseqcheck check --trace-out` (their .toml beside them). The three
// replay violated; docs/findings/F*.txt render them (scripts/findings-reports).
TEST(FidelityTrace, TheFindingsTracesAreCommittedAndReplay) {
    Walk f2(make_preset("preempt-full"));
    f2_yield_returns_one_after_a_preemption(f2);
    expect_committed(f2, "yield-after-switch-returns-zero",
                     findings_dir / "F2-yield-returns-one.replay.json");
    Scenario grant = make_preset("grant");
    grant.bounds.faults = 1;
    Walk f3(grant);
    f3_failed_revoke_leaves_the_grant(f3);
    expect_committed(f3, "views-agree-in-user-mode",
                     findings_dir / "F3-failed-revoke-keeps-grant.replay.json");
    const cex::ReplayReport f3r =
        cex::replay_file((findings_dir / "F3-failed-revoke-keeps-grant.replay.json").string());
    EXPECT_EQ(f3r.exit_code, 0) << f3r.error;
    for (const char* f : {"F1-membarrier", "F2-yield-returns-one", "F4-preempt-full",
                          "F4-preempt-none", "F5-seccomp-skip", "F6-sud"}) {
        const cex::ReplayReport r =
            cex::replay_file((findings_dir / (std::string(f) + ".replay.json")).string());
        EXPECT_EQ(r.exit_code, 1) << f << r.error << r.output;
    }
}

// Replayed on the fixed model every step is enabled, and no safety property of the catalogue
// fails on any state or step of it: the premature expiry is benign, as spec 7.4 says (on
// PREEMPT_NONE G6 erases the timer's own request and A2 re-arms for the new deadline).
TEST(FidelityTrace, TheStaleTimerTraceReplaysAndBreaksNoSafetyProperty) {
    const cex::ReplayReport r = cex::replay_file(stale_timer_file.string(), {});
    EXPECT_EQ(r.exit_code, 0) << r.error << r.output;
    const cex::TraceFile tf = cex::load_trace_file(stale_timer_file.string());
    const RseqModel model(tf.scenario);
    properties::CatalogChecker all(model.scenario(), {});
    State s = model.initial_state();
    EXPECT_EQ(all.check_state(s), -1);
    for (const Action& a : tf.actions) {
        std::optional<State> next;
        model.for_each_successor(s, [&](const Action& b, const State& t) {
            if (!next && b == a)
                next = t;
        });
        ASSERT_TRUE(next.has_value()) << cex::describe(a);
        EXPECT_EQ(all.check_transition(s, a, *next), -1) << cex::describe(a);
        EXPECT_EQ(all.check_state(*next), -1) << cex::describe(a);
        s = *next;
    }
    EXPECT_EQ(s.task(0).get_pc(), Pc::User);
    EXPECT_TRUE(s.task(0).slice_granted) << "the fresh grant survived its premature expiry";
}

// Version 2 names the idle task as `next` ("idle"): a fault that sleeps with nothing else
// to run switches to it (D3), and such a trace must read back and replay.
TEST(FidelityTrace, ATraceThatSwitchesToIdleRoundTrips) {
    Walk w(make_preset("fault-migrate"));
    ASSERT_TRUE(w.step("exception_from_user", faulting(Fault::Resolved).to(idle_task)));
    ASSERT_TRUE(w.step("schedule_idle"));
    const cex::Trace t = trace_of(w, "no-rseq-work-in-user-mode");
    const std::string json = cex::render_json(t);
    EXPECT_NE(json.find("\"next\": \"idle\""), std::string::npos) << json;
    const cex::TraceFile back = cex::parse_trace_json(json, "idle.json");
    EXPECT_EQ(back.actions, t.actions());
    const cex::ReplayReport r = cex::replay_text(json, "idle.json", {});
    EXPECT_EQ(r.exit_code, 0) << r.error;
}

// A version-1 trace (written before issue 21: no "idle", no "no_preempt") still reads, and
// the bug it shows is still found on its variant.
TEST(FidelityTrace, AVersionOneTraceStillReadsAndReplays) {
    const fs::path v1 =
        fs::path(RSEQCHECK_SOURCE_DIR) / "tests" / "data" / "traces" / "version1-0ac3b5c3.json";
    const std::string text = read(v1);
    ASSERT_NE(text.find("\"version\": 1"), std::string::npos);
    const cex::ReplayReport r = cex::replay_text(text, v1.string(), {});
    EXPECT_EQ(r.exit_code, 1) << r.error << r.output;
}

// A version-2 trace (before issue 25: the parameter as a number "arg") still reads: its
// numbers mean the typed parameters they meant, it replays to its violation, and written again
// as version 3 ("branch": "revoke", ...) it reads back to the same actions and replays to the
// same text. The file is a copy of the corpus trace as it was committed at version 2.
TEST(FidelityTrace, AVersionTwoTraceReplaysAsItsVersionThreeForm) {
    const fs::path v2 = fs::path(RSEQCHECK_SOURCE_DIR) / "tests" / "data" / "traces" /
                        "version2-mut-yield-keeps-yielded.json";
    const std::string text = read(v2);
    ASSERT_NE(text.find("\"version\": 2"), std::string::npos);
    const cex::TraceFile old = cex::parse_trace_json(text, v2.string());
    const auto first = [&](ActionKind k) {
        for (const Action& a : old.actions) {
            if (a.kind == k)
                return a;
        }
        ADD_FAILURE() << "no " << action_name(k) << " in " << v2;
        return Action{};
    };
    EXPECT_EQ(first(ActionKind::IrqWakeup).woken(), 1);                           // "arg": 1
    EXPECT_EQ(first(ActionKind::ExitPrepare).ti_work(), kabi::TIF_NEED_RESCHED);  // "arg": 4
    EXPECT_EQ(first(ActionKind::SyscallEnter).syscall(), Syscall::RseqSliceYield);
    EXPECT_EQ(first(ActionKind::SyscallEntryWork).branch(), Branch::Revoke);
    EXPECT_EQ(first(ActionKind::SyscallSliceResched).branch(), Branch::Schedule);
    const cex::ReplayReport r = cex::replay_text(text, v2.string(), {});
    ASSERT_EQ(r.exit_code, 1) << r.error << r.output;

    const std::string v3 = cex::render_json(r.result.trace);
    EXPECT_NE(v3.find("\"version\": 3"), std::string::npos);
    EXPECT_NE(v3.find("\"branch\": \"revoke\""), std::string::npos) << v3;
    EXPECT_NE(v3.find("\"woken\": 1"), std::string::npos) << v3;
    EXPECT_EQ(v3.find("\"arg\""), std::string::npos) << v3;
    EXPECT_EQ(cex::parse_trace_json(v3, "v3.json").actions, old.actions);
    const cex::ReplayReport r3 = cex::replay_text(v3, "v3.json", {});
    EXPECT_EQ(r3.exit_code, 1) << r3.error;
    EXPECT_EQ(r3.output, r.output);
}

// Every parameter and every branch of every kind survives the round trip through version 3.
TEST(FidelityTrace, EveryBranchRoundTripsThroughVersionThree) {
    Walk w(make_preset("grant"));
    const cex::Trace t = trace_of(w, "timer-armed-on-grant");
    for (std::size_t k = 0; k < action_kind_count; ++k) {
        const auto kind = static_cast<ActionKind>(k);
        for (const Branch b : branches_of(kind)) {
            Action a{kind, 0, 0};
            a.set_branch(b);
            cex::Trace one = t;
            one.steps.push_back(cex::TraceStep{a, State{}});
            const cex::TraceFile back =
                cex::parse_trace_json(cex::render_json(one), "branches.json");
            ASSERT_EQ(back.actions.size(), 1U);
            EXPECT_EQ(back.actions[0], a) << cex::describe(a);
            EXPECT_EQ(back.actions[0].branch(), b) << cex::describe(a);
        }
    }
}

}  // namespace
}  // namespace rseqcheck::test
