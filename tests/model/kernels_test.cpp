// The kernels a scenario can name (model/kernel.h) and the architecture switch: what each
// changes in the model, walked step by step or over a whole small state space.
// Spec: kernel-model-spec.md 4 I8, 6.5 (b9eac6a9, 411c1cf4).
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/kabi.h"
#include "model/scenario.h"
#include "model/variant.h"
#include "tests/checker/reduction_support.h"
#include "tests/model/walk.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck::test {
namespace {

constexpr TaskId slice_task = 0;
constexpr TaskId waiter_task = 1;

/// `grant` on 7.0.y with task 0 a legacy (V1) registration whose user space writes any
/// value to slice_ctrl, a request included, twice.
Scenario v1_on_70y() {
    Scenario sc = make_preset("grant");
    sc.kernel = Kernel::Linux70Stable;
    sc.tasks[slice_task].abi = RseqAbi::V1;
    sc.tasks[slice_task].slice_enabled = false;  // prctl() returns -ENOTSUPP for V1
    sc.adversarial = true;
    sc.bounds.user_writes = 2;
    return sc;
}

// b9eac6a9 makes the slice extension depend on an RSEQ ABI V2 registration: a V1 task is
// never offered it, and a request its user space writes anyway is never granted.
TEST(Kernel70y, NoV1TaskIsEverGranted) {
    const Scenario sc = v1_on_70y();
    std::uint64_t requested = 0;
    for (const State& s : testing::reachable_states(sc)) {
        const Task& t = s.task(slice_task);
        EXPECT_FALSE(t.slice_granted);
        EXPECT_FALSE(t.kwrite_granted) << "the kernel wrote a grant into a V1 area";
        EXPECT_FALSE(t.slice_enabled);
        requested += t.usr_slice_request;
    }
    EXPECT_GT(requested, 0U) << "user space never wrote a request: the test is vacuous";
    // The same machine with a V2 registration does grant.
    Scenario v2 = sc;
    v2.tasks[slice_task].abi = RseqAbi::V2;
    v2.tasks[slice_task].slice_enabled = true;
    bool granted = false;
    for (const State& s : testing::reachable_states(v2))
        granted = granted || s.task(slice_task).slice_granted;
    EXPECT_TRUE(granted);
}

TEST(Kernel70y, EveryPropertyHoldsWithAV1Task) {
    const testing::Explored e = testing::reference_bfs(v1_on_70y());
    EXPECT_TRUE(e.violations.empty());
}

// On 7.0 the ABI version changes nothing: sys_rseq() has no version, the grant reads
// rseq.slice.state.enabled only (kernel/rseq.c, include/linux/rseq_entry.h at c17ee635).
// On 7.0.y a V2 task behaves as on 7.0.
TEST(Kernel70y, TheAbiChangesNothingOn70AndV2On70yIs70) {
    for (const std::string& name : checker::testing::small_presets()) {
        const Scenario base = make_preset(name);
        if (base.kernel != Kernel::Linux70)
            continue;  // hrtimer-rearm is a 7.1 preset (kernel71_test.cpp)
        const testing::Explored want = testing::reference_bfs(base);
        Scenario v1 = base;
        for (TaskConfig& t : v1.tasks)
            t.abi = RseqAbi::V1;
        const testing::Explored got = testing::reference_bfs(v1);
        EXPECT_EQ(got.states, want.states) << name;
        EXPECT_EQ(got.transitions, want.transitions) << name;
        Scenario y = base;
        y.kernel = Kernel::Linux70Stable;
        const testing::Explored on_y = testing::reference_bfs(y);
        EXPECT_EQ(on_y.states, want.states) << name;
        EXPECT_EQ(on_y.transitions, want.transitions) << name;
    }
}

// b9eac6a9 point 2: a legacy registration gets its IDs rewritten after every context switch,
// also one that follows a syscall (user_irq clear), where 7.0 records nothing.
TEST(Kernel70y, AV1TaskSwitchedInAfterASyscallRecordsTheSwitch) {
    Scenario sc = make_preset("grant-syscall");
    sc.kernel = Kernel::Linux70Stable;
    sc.tasks[slice_task].abi = RseqAbi::V1;
    sc.tasks[slice_task].slice_enabled = false;
    for (const bool v1 : {false, true}) {
        Scenario run = sc;
        if (!v1)
            run.kernel = Kernel::Linux70;
        Walk w(run);
        ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::SchedYield)));
        ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
        ASSERT_TRUE(w.step("irq_wakeup", by(slice_task)));
        ASSERT_TRUE(w.step("syscall_body", with(Syscall::SchedYield).to(waiter_task)));
        ASSERT_TRUE(w.step("waiter_sleeps"));
        EXPECT_EQ(w.cpu(0).curr, slice_task);
        EXPECT_EQ(bool(w.task(slice_task).sched_switch), v1);
        EXPECT_EQ(bool(w.task(slice_task).ids_changed), v1);
        EXPECT_EQ(w.task(slice_task).tif_set(kabi::TIF_RSEQ), v1);
    }
}

// I8 on arm64 after 411c1cf4: the interrupt from user mode is recorded, so the switch back
// in raises TIF_RSEQ and the exit fast path aborts the preempted section.
TEST(Arm64, APreemptedCriticalSectionIsAbortedBeforeTheTaskResumes) {
    Walk w(make_preset("arm64-cs"));
    EXPECT_TRUE(w.task(slice_task).usr_in_cs);
    ASSERT_TRUE(w.step("irq_wakeup", by(slice_task)));
    EXPECT_TRUE(w.task(slice_task).user_irq);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched", to(waiter_task)));
    ASSERT_TRUE(w.step("waiter_sleeps", to(slice_task)));
    EXPECT_TRUE(w.task(slice_task).sched_switch);
    EXPECT_TRUE(w.state().task_ext(slice_task).ghost_cs_abort_due);
    while (w.task(slice_task).get_pc() != Pc::User && w.can("exit_loop_reread_flags")) {
        ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    }
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(slice_task).usr_in_cs) << "resumed inside the preempted section";
    EXPECT_FALSE(w.state().task_ext(slice_task).ghost_cs_abort_due);
}

// pre_411c1cf4: arm64's own entry never records user_irq, the switch-in raises nothing, and
// the task returns into the middle of its section.
TEST(Arm64, WithoutTheEntryFixThePreemptedSectionIsResumed) {
    Scenario sc = make_preset("arm64-cs");
    sc.variant.add(VariantSwitch::Pre411c1cf4);
    Walk w(sc);
    ASSERT_TRUE(w.step("irq_wakeup", by(slice_task)));
    EXPECT_FALSE(w.task(slice_task).user_irq);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched", to(waiter_task)));
    ASSERT_TRUE(w.step("waiter_sleeps", to(slice_task)));
    EXPECT_FALSE(w.task(slice_task).sched_switch);
    EXPECT_FALSE(w.task(slice_task).tif_set(kabi::TIF_RSEQ));
    while (w.task(slice_task).get_pc() != Pc::User && w.can("exit_loop_reread_flags")) {
        ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    }
    if (w.task(slice_task).get_pc() != Pc::User) {
        ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    }
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(w.task(slice_task).usr_in_cs);
    EXPECT_TRUE(w.state().task_ext(slice_task).ghost_cs_abort_due);
}

}  // namespace
}  // namespace rseqcheck::test
