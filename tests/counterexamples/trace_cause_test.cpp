// Traces that point at the cause (issue 23): the example a new user tried. A property
// "the kernel never writes slice_ctrl of a task that did not enable the extension",
// violated on a task without prctl(): the header must say the extension is not enabled
// (the fact that makes the store a bug), the violating step must list the slice_ctrl store
// first and marked, and cite the function that made it, not the whole exit step.
#include <array>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <gtest/gtest.h>

#include "counterexamples/render.h"
#include "model/model.h"
#include "properties/property.h"

namespace rseqcheck::cex {
namespace {

/// Task code in the kernel on the task's own CPU: the exit path, the grant, syscall entry
/// and body (not user mode, interrupts or the environment).
bool is_kernel_task_step(ActionKind k) {
    switch (k) {
    case ActionKind::ExitPrepare:
    case ActionKind::LoopResched:
    case ActionKind::GrantUserAccess:
    case ActionKind::GrantCommit:
    case ActionKind::GrantClearResched:
    case ActionKind::GrantClearFolded:
    case ActionKind::GrantRearm:
    case ActionKind::GrantRearmUnlock:
    case ActionKind::LoopSignal:
    case ActionKind::LoopNotifyResume:
    case ActionKind::SlowpathUpdate:
    case ActionKind::LoopReread:
    case ActionKind::ExitRestart:
    case ActionKind::SyscallEntryWork:
    case ActionKind::SyscallSliceRevoke:
    case ActionKind::SyscallSliceResched:
    case ActionKind::SyscallSliceClear:
    case ActionKind::SyscallBody:
    case ActionKind::SyscallTraceEnter:
    case ActionKind::SysRseq:
    case ActionKind::RseqUnregisterResetIds:
    case ActionKind::RseqReset:
    case ActionKind::RseqResetRest:
    case ActionKind::SysPrctlRseqSlice:
    case ActionKind::SysClone:
    case ActionKind::SysExecve:
        return true;
    case ActionKind::SliceRequest:
    case ActionKind::SliceEnd:
    case ActionKind::UserWriteAny:
    case ActionKind::SyscallEnter:
    case ActionKind::UserException:
    case ActionKind::WaiterSleeps:
    case ActionKind::UserEnterRseqCs:
    case ActionKind::UserWriteRseqFields:
    case ActionKind::UserCommitRseqCs:
    case ActionKind::IrqWakeup:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::IpiResched:
    case ActionKind::SliceTimerFires:
    case ActionKind::TickPreemptFair:
    case ActionKind::RemoteWakeup:
    case ActionKind::Migrate:
    case ActionKind::IdleSchedule:
    case ActionKind::SliceDeadlinePasses:
        return false;
    }
    return false;
}

bool disabled_task_step(const Scenario& sc, const State&, const Action& a, const State&) {
    return is_kernel_task_step(a.kind) && a.task < sc.task_count() &&
           sc.tasks[a.task].role == TaskRole::SliceUser && !sc.tasks[a.task].slice_enabled;
}

bool slice_ctrl_untouched(const Scenario& sc, const State& s, const Action& a, const State& t) {
    if (!disabled_task_step(sc, s, a, t))
        return true;
    const Task& b = s.task(a.task);
    const Task& n = t.task(a.task);
    return b.usr_slice_request == n.usr_slice_request &&
           b.usr_slice_granted == n.usr_slice_granted &&
           b.usr_slice_reserved == n.usr_slice_reserved;
}

constexpr std::array<std::string_view, 3> slice_ctrl_reads{
    "slice_ctrl.request", "slice_ctrl.granted", "slice_ctrl.reserved"};

/// One slice user that never enabled the extension, writing any value to slice_ctrl, and a
/// waiter whose wakeup preempts it: the switch back in runs the exit fast path.
Scenario disabled_user() {
    Scenario sc;
    sc.name = "disabled-user";
    sc.cpus = 1;
    sc.tasks = {TaskConfig{TaskRole::SliceUser, /*slice_enabled=*/false, false, 0},
                TaskConfig{TaskRole::Waiter, false, false, 0}};
    sc.adversarial = true;
    sc.bounds.wakeups = 1;
    sc.bounds.user_writes = 1;
    sc.bounds.syscalls = 0;
    return sc;
}

struct StateHash {
    std::size_t operator()(const State& s) const {
        return std::hash<std::string_view>{}(
            std::string_view(reinterpret_cast<const char*>(&s), sizeof s));
    }
};

/// The shortest trace to a step that violates slice_ctrl_untouched (plain BFS).
Trace shortest_violation(const Scenario& sc, const PropertyRef& property) {
    const RseqModel model(sc);
    struct Node {
        State state;
        std::size_t parent;
        Action action;
    };
    std::vector<Node> nodes{{model.initial_state(), 0, Action{}}};
    std::unordered_map<State, std::size_t, StateHash> seen{{nodes[0].state, 0}};
    const auto trace_to = [&](std::size_t i, const Action& a, const State& last) {
        Trace t;
        t.scenario = sc;
        t.property = property;
        t.initial = nodes[0].state;
        std::vector<TraceStep> rev{{a, last}};
        for (; i != 0; i = nodes[i].parent)
            rev.push_back({nodes[i].action, nodes[i].state});
        t.steps.assign(rev.rbegin(), rev.rend());
        return t;
    };
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        std::optional<Trace> found;
        const State s = nodes[i].state;
        model.for_each_successor(s, [&](const Action& a, const State& n) {
            if (found)
                return;
            if (!slice_ctrl_untouched(sc, s, a, n)) {
                found = trace_to(i, a, n);
                return;
            }
            if (seen.emplace(n, nodes.size()).second)
                nodes.push_back({n, i, a});
        });
        if (found)
            return *found;
    }
    return {};
}

TEST(TraceCause, TheDisabledExtensionTheReadFieldAndTheStoringFunctionAreShown) {
    PropertyRef p;
    p.kind = checker::ViolationKind::Transition;
    p.name = "no-slice-ctrl-write-when-disabled";
    p.spec_id = "-";
    p.summary = "the kernel never writes slice_ctrl of a task that did not enable the extension";
    p.reads = slice_ctrl_reads;
    p.facts = properties::ScenarioFact::Role | properties::ScenarioFact::SliceEnabled;
    const Trace trace = shortest_violation(disabled_user(), p);
    ASSERT_FALSE(trace.steps.empty()) << "the store to a disabled task's slice_ctrl is reachable";
    const Action& last = trace.steps.back().action;
    EXPECT_EQ(last.kind, ActionKind::ExitRestart);

    const std::string text = render_text(trace);
    // The header names the fact that makes the store a bug.
    EXPECT_NE(text.find("\nFacts      T0 slice user, extension NOT enabled; T1 waiter\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("\nReads      slice_ctrl.request, slice_ctrl.granted, "
                        "slice_ctrl.reserved\n"),
              std::string::npos)
        << text;
    // The violating step: its first change line is the store, marked, and cites the
    // function that made it, not the step's first cited function.
    const std::size_t step = text.find("\n>");
    ASSERT_NE(step, std::string::npos) << text;
    const std::size_t first_change = text.find('\n', step + 1) + 1;
    const std::string line =
        text.substr(first_change, text.find('\n', first_change) - first_change);
    EXPECT_EQ(line.rfind("               ! rseq_exit_user_update(): slice_ctrl.", 0), 0U)
        << line << "\n"
        << text;
    EXPECT_EQ(line.find("pc="), std::string::npos) << line;
    // The other changes come after, unmarked, under their own functions.
    const std::size_t next = first_change + line.size() + 1;
    EXPECT_EQ(text.substr(next, 17), "                 ") << text;

    // The same in the JSON (loadable by replay: the new keys are additions) and the timeline.
    const std::string json = render_json(trace);
    EXPECT_NE(json.find("\"by\": \"rseq_exit_user_update()\""), std::string::npos);
    EXPECT_NE(json.find("\"read_by_property\": true"), std::string::npos);
    EXPECT_NE(json.find("extension NOT enabled"), std::string::npos);
    const std::string timeline = render_timeline(trace);
    EXPECT_NE(timeline.find("!slice_ctrl."), std::string::npos) << timeline;
    EXPECT_NE(timeline.find("Facts:      T0 slice user, extension NOT enabled"), std::string::npos)
        << timeline;
}

TEST(TraceCause, EveryChangeOfACorpusStyleTraceCitesAFunction) {
    // Each change of each step of the example cites a function of its own ("...()" or user
    // space), and only the last step marks fields.
    PropertyRef p;
    p.kind = checker::ViolationKind::Transition;
    p.name = "no-slice-ctrl-write-when-disabled";
    p.spec_id = "-";
    p.reads = slice_ctrl_reads;
    const Trace trace = shortest_violation(disabled_user(), p);
    ASSERT_FALSE(trace.steps.empty());
    for (std::size_t k = 0; k < trace.steps.size(); ++k) {
        for (const FieldChange& c : step_changes(trace, k)) {
            EXPECT_TRUE(c.by == "user space" || c.by.ends_with("()")) << c.name << " " << c.by;
            EXPECT_EQ(c.read, k + 1 == trace.steps.size() &&
                                  std::string_view(c.field).starts_with("slice_ctrl."));
        }
    }
}

}  // namespace
}  // namespace rseqcheck::cex
