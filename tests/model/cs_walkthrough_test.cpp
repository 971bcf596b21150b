// Walk-throughs of rseq critical sections (docs/design/model-part2.md 3.5): a section
// interrupted and preempted is aborted, one interrupted by a grant without a switch is not,
// signal delivery and the membarrier RSEQ IPI abort it, and invalid descriptors kill the task
// where include/linux/rseq_entry.h:rseq_update_user_cs() says so.
#include <gtest/gtest.h>

#include "model/kabi.h"
#include "model/scenario.h"
#include "tests/model/walk.h"

namespace rseqcheck::test {
namespace {

constexpr TaskId slice_task = 0;
constexpr TaskId waiter_task = 1;

RseqCs rseq_cs(const Walk& w) {
    return w.state().task_ext(slice_task).get_rseq_cs();
}

/// Takes exit-path steps of T0 (no faults) until it is back in user mode or dead.
::testing::AssertionResult finish_exit(Walk& w) {
    for (int i = 0; i < 20; ++i) {
        const Pc pc = w.task(slice_task).get_pc();
        if (pc == Pc::User || pc == Pc::Dead)
            return ::testing::AssertionSuccess();
        bool stepped = false;
        for (const char* name :
             {"exit_loop_reread_flags", "exit_loop_need_resched", "rseq_exit_to_user_mode_restart",
              "resume_user_mode_work", "rseq_slowpath_update_usr", "arch_do_signal_or_restart",
              "exit_to_user_mode_prepare"}) {
            if (w.can(name) && w.step(name, by(slice_task).no_fault())) {
                stepped = true;
                break;
            }
        }
        if (!stepped) {
            return ::testing::AssertionFailure()
                   << "stuck at pc " << static_cast<int>(pc) << "; enabled: " << w.enabled();
        }
    }
    return ::testing::AssertionFailure() << "the exit path did not finish in 20 steps";
}

/// T0 is interrupted by a wakeup of T1, has no request, schedules T1, which sleeps again:
/// T0 is switched back in with the exit path still to finish.
void preempted_and_switched_back(Walk& w) {
    ASSERT_TRUE(w.step("irq_wakeup", by(slice_task).preempting()));
    EXPECT_TRUE(w.task(slice_task).user_irq);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    if (w.task(slice_task).get_pc() == Pc::GrantUserAccess) {
        // no request: G4, schedule()
        ASSERT_TRUE(w.step("rseq_grant_slice_extension", to(waiter_task).no_fault()));
    }
    EXPECT_EQ(w.cpu(0).curr, waiter_task);
    ASSERT_TRUE(w.step("waiter_sleeps", to(slice_task)));
    EXPECT_TRUE(w.task(slice_task).sched_switch) << "the switch-in after user_irq records it";
}

// 3.5.1: a section interrupted and preempted is aborted by the exit fast path (F1:
// rseq_exit_user_update() with unchanged IDs evaluates a set rseq_cs).
TEST(Walkthrough, CsInterruptedAndPreemptedAborts) {
    Walk w(make_preset("cs"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    EXPECT_TRUE(w.task(slice_task).usr_in_cs);
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid);
    preempted_and_switched_back(w);
    EXPECT_TRUE(w.state().task_ext(slice_task).ghost_cs_abort_due);
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(slice_task).usr_in_cs) << "resumed inside the preempted section";
    EXPECT_EQ(rseq_cs(w), RseqCs::Null) << "the fixup clears rseq_cs";
    EXPECT_FALSE(w.task(slice_task).sigsegv);
}

// 3.5.2: the extension's point. An interrupt that ends in a grant raises no sched_switch:
// the exit path does not evaluate the section, and the task resumes inside it.
TEST(Walkthrough, CsInterruptedWithGrantNotAborted) {
    Walk w(make_preset("cs"));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    ASSERT_TRUE(w.step("irq_wakeup", by(slice_task).preempting()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault()));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension_commit"));
    ASSERT_TRUE(w.step("grant_clear_resched"));
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(w.task(slice_task).slice_granted);
    EXPECT_TRUE(w.task(slice_task).usr_in_cs) << "a grant without a switch aborted the section";
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid);
    EXPECT_FALSE(w.state().task_ext(slice_task).ghost_cs_abort_due);
}

// 3.5.3: the membarrier RSEQ IPI from user mode records a switch event (user_irq set):
// the exit path aborts the section.
TEST(Walkthrough, CsMembarrierAborts) {
    Walk w(make_preset("cs-signal"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs"));
    ASSERT_TRUE(w.step("ipi_membarrier_rseq", by(slice_task)));
    EXPECT_TRUE(w.state().task_ext(slice_task).ghost_cs_abort_due);
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(slice_task).usr_in_cs);
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
}

// 3.5.4: a signal delivered after an interrupt from user mode aborts the section before the
// frame is built (__rseq_signal_deliver() -> rseq_handle_cs()).
TEST(Walkthrough, CsSignalAfterInterruptAborts) {
    Walk w(make_preset("cs-signal"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs"));
    ASSERT_TRUE(w.step("irq_signal", by(slice_task)));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("arch_do_signal_or_restart", no_fault()));
    EXPECT_FALSE(w.task(slice_task).usr_in_cs) << "the signal frame would save the section's IP";
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
}

// A committed section leaves rseq_cs set; a signal then takes rseq_update_user_cs()'s
// "clear" branch: rseq_cs := 0, nothing else.
TEST(Walkthrough, CsCommittedSectionIsClearedLazily) {
    Walk w(make_preset("cs-signal"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs"));
    ASSERT_TRUE(w.step("user_commit_rseq_cs"));
    EXPECT_FALSE(w.task(slice_task).usr_in_cs);
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid) << "user space does not clear rseq_cs";
    ASSERT_TRUE(w.step("irq_signal", by(slice_task)));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("arch_do_signal_or_restart", no_fault()));
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
    EXPECT_FALSE(w.task(slice_task).sigsegv);
}

/// T0 enters a section with descriptor `cs` (cs-invalid: any descriptor may be stored),
/// optionally commits it, is preempted and switched back, and finishes its exit.
Walk preempted_with(RseqCs cs, bool commit, bool debug) {
    Scenario sc = make_preset("cs-invalid");
    sc.debug_key = debug;
    Walk w(sc);
    EXPECT_TRUE(w.step("user_enter_rseq_cs", storing(cs)));
    if (commit) {
        EXPECT_TRUE(w.step("user_commit_rseq_cs"));
    }
    preempted_and_switched_back(w);
    EXPECT_TRUE(finish_exit(w));
    return w;
}

// 3.5.5: a bad abort_ip or signature with the IP inside is fatal in production and debug
// mode: F1 fails (event.fatal), R1b sends the task to the slow path, P4 finds the section
// again and forces SIGSEGV, and the task dies at its next signal delivery.
TEST(Walkthrough, CsBadSignatureIsFatal) {
    for (const bool debug : {false, true}) {
        const Walk w = preempted_with(RseqCs::BadAbort, /*commit=*/false, debug);
        EXPECT_EQ(w.task(slice_task).get_pc(), Pc::Dead) << "debug " << debug;
        EXPECT_TRUE(w.task(slice_task).usr_in_cs) << "the IP was never moved to abort_ip";
        EXPECT_EQ(rseq_cs(w), RseqCs::BadAbort);
    }
}

// With the IP outside, a bad abort_ip is never looked at: the section is just cleared.
TEST(Walkthrough, CsBadAbortOutsideIsCleared) {
    const Walk w = preempted_with(RseqCs::BadAbort, /*commit=*/true, /*debug=*/false);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
    EXPECT_FALSE(w.task(slice_task).sigsegv);
}

// An rseq_cs at or above TASK_SIZE is fatal whenever it is evaluated, even after the commit
// took the IP out of the section.
TEST(Walkthrough, CsStaleKernelAddressKillsOutside) {
    const Walk w = preempted_with(RseqCs::KernelAddr, /*commit=*/true, /*debug=*/false);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::Dead);
    EXPECT_FALSE(w.task(slice_task).usr_in_cs);
}

// A descriptor only the debug evaluator rejects (version or flags set, abort_ip inside the
// section) is aborted normally in production and kills the task with the debug key.
TEST(Walkthrough, CsDebugOnlyBadAbortsInProduction) {
    const Walk production = preempted_with(RseqCs::DebugOnlyBad, /*commit=*/false, false);
    EXPECT_EQ(production.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(production.task(slice_task).usr_in_cs);
    EXPECT_EQ(production.state().task_ext(slice_task).get_rseq_cs(), RseqCs::Null);
    const Walk debug = preempted_with(RseqCs::DebugOnlyBad, /*commit=*/false, true);
    EXPECT_EQ(debug.task(slice_task).get_pc(), Pc::Dead);
}

// Source over design: the signal path reaches rseq_update_user_cs() from task context;
// its failure is force_sigsegv() there and then, not a trip through the slow path.
TEST(Walkthrough, CsBadSignatureAtSignalDeliveryForcesSigsegvAtOnce) {
    Scenario sc = make_preset("cs-invalid");
    Walk w(sc);
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::BadAbort)));
    ASSERT_TRUE(w.step("irq_signal", by(slice_task)));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("arch_do_signal_or_restart", no_fault()));
    EXPECT_TRUE(w.task(slice_task).sigsegv);
    EXPECT_FALSE(w.task(slice_task).fatal) << "__rseq_signal_deliver() clears event.error";
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_SIGPENDING));
}

}  // namespace
}  // namespace rseqcheck::test
