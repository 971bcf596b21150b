// The worked example of docs/adding-an-invariant.md: "a live grant in user mode has its
// syscall work armed" (SYSCALL_WORK_SYSCALL_RSEQ_SLICE is set whenever a task returns to
// user mode holding a grant, so that its next syscall revokes it, spec 3.7 A2 / 3.9).
// The catalogue has it as grant-has-syscall-work (properties/slice.cpp). This test is a
// second computation of that twin's figures: the predicate written again without the
// catalogue's helpers (any task in user mode, not only slice users), run with the engine
// directly rather than through the reference BFS, on the fixed model and on pre_dd0a0460.
#include <gtest/gtest.h>

#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/variant.h"

namespace rseqcheck {
namespace {

// --- what the doc adds to properties/slice.cpp ---------------------------------------
bool live_grant_in_user(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).in_user() && s.task(t).slice_granted)
            return true;
    }
    return false;
}

bool grant_has_syscall_work(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& task = s.task(t);
        if (task.in_user() && task.slice_granted && !task.syscall_work_rseq_slice)
            return false;
    }
    return true;
}
// ----------------------------------------------------------------------------------------

struct ExampleChecker {
    std::uint64_t premise = 0;
    int check_state(const State& s) {
        premise += live_grant_in_user(*sc, s) ? 1U : 0U;
        return grant_has_syscall_work(*sc, s) ? -1 : 0;
    }
    int check_transition(const State&, const Action&, const State&) { return -1; }
    const Scenario* sc = nullptr;
};

struct Outcome {
    bool violated = false;
    std::uint64_t premise = 0;
    std::uint32_t depth = 0;
};

Outcome run(Scenario sc) {
    const RseqModel model(std::move(sc));
    checker::SequentialBfs<RseqModel> search(model);
    ExampleChecker c;
    c.sc = &model.scenario();
    const checker::SearchResult r = search.run(c);
    Outcome o;
    o.violated = !r.violations.empty();
    o.premise = c.premise;
    if (o.violated)
        o.depth = r.violations.front().depth;
    return o;
}

TEST(WorkedExample, HoldsOnTheFixedModelAndIsNotVacuous) {
    for (const char* preset : {"grant", "grant-syscall", "preempt-full", "membarrier"}) {
        const Outcome o = run(make_preset(preset));
        EXPECT_FALSE(o.violated) << preset;
        EXPECT_GT(o.premise, 0U) << preset << ": the premise never held";
    }
}

TEST(WorkedExample, FailsWithoutTheSyscallEntryWork) {
    // pre_dd0a0460 undoes "rseq: Implement syscall entry work for time slice extensions":
    // the exit path never arms SYSCALL_RSEQ_SLICE, so a live grant returns to user unarmed.
    Scenario sc = make_preset("grant");
    sc.variant.add(find_variant("pre_dd0a0460")->id);
    const Outcome o = run(sc);
    EXPECT_TRUE(o.violated);
    EXPECT_EQ(o.depth, 9U) << "the first return to user with the grant";
}

}  // namespace
}  // namespace rseqcheck
