// Walk-throughs of rseq critical sections (docs/design/model-part2.md 3.5): a section
// interrupted and preempted is aborted, one interrupted by a grant without a switch is not,
// signal delivery and the membarrier RSEQ IPI abort it, and invalid descriptors kill the task
// where include/linux/rseq_entry.h:rseq_update_user_cs() says so.
#include <algorithm>
#include <utility>

#include <gtest/gtest.h>

#include "model/kabi.h"
#include "model/scenario.h"
#include "tests/model/fidelity_walks.h"
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

/// T0 requests, enters a section, is interrupted by a wakeup of T1 and granted (G2-G6); O2
/// arms the slice timer and SYSCALL_RSEQ_SLICE on the way out.
void granted_inside_section(Walk& w) {
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    ASSERT_TRUE(w.step("irq_wakeup", by(slice_task).preempting()));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault()));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension_commit"));
    ASSERT_TRUE(w.step("grant_clear_resched"));
    ASSERT_TRUE(finish_exit(w));
    ASSERT_TRUE(w.cpu(0).slice_timer_armed);
    ASSERT_TRUE(w.task(slice_task).syscall_work_rseq_slice);
}

// 3.5.2: the extension's point. An interrupt that ends in a grant raises no sched_switch:
// the exit path does not evaluate the section, and the task resumes inside it.
TEST(Walkthrough, CsInterruptedWithGrantNotAborted) {
    Walk w(make_preset("cs"));
    granted_inside_section(w);
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(w.task(slice_task).slice_granted);
    EXPECT_TRUE(w.task(slice_task).usr_in_cs) << "a grant without a switch aborted the section";
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid);
    EXPECT_FALSE(w.state().task_ext(slice_task).ghost_cs_abort_due);
}

// 3.5.2, the timer half: the grant of CsInterruptedWithGrantNotAborted runs out. The
// slice hrtimer's callback (kernel/rseq.c:rseq_slice_expired(): cookie == current, still
// granted) sets NEED_RESCHED; the interrupt's exit loop goes to the grant path, which revokes
// (include/linux/rseq_entry.h:rseq_grant_slice_extension() G3: slice_ctrl := 0,
// rseq_slice_clear_grant()) and returns false, so schedule() runs. T0's switch-in after an
// interrupt from user mode records the event (include/linux/rseq.h:rseq_sched_switch_event()),
// and the exit fast path (rseq_exit_user_update(), F1) aborts the section: a preemption.
TEST(Walkthrough, CsInterruptedWithGrantAbortedWhenTheTimerExpires) {
    Walk w(make_preset("cs"));
    granted_inside_section(w);
    ASSERT_TRUE(w.task(slice_task).usr_in_cs);
    ASSERT_TRUE(w.step("slice_deadline_passes"));
    ASSERT_TRUE(w.step("rseq_slice_expired", on(0)));
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED)) << "set_need_resched_current()";
    EXPECT_TRUE(w.task(slice_task).user_irq) << "the timer interrupted user mode";
    EXPECT_FALSE(w.cpu(0).slice_timer_armed) << "HRTIMER_NORESTART";
    EXPECT_TRUE(w.task(slice_task).slice_granted) << "the callback itself revokes nothing";
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_EQ(w.task(slice_task).get_pc(), Pc::GrantUserAccess) << "G1: a live grant goes on";
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault().to(waiter_task)));
    EXPECT_EQ(w.last_action().branch(), Branch::Revoke) << "G3";
    EXPECT_FALSE(w.task(slice_task).slice_granted);
    EXPECT_FALSE(w.task(slice_task).usr_slice_granted) << "G3 clears slice_ctrl";
    EXPECT_EQ(w.cpu(0).curr, waiter_task) << "the next exit scheduled";
    EXPECT_TRUE(w.task(slice_task).usr_in_cs) << "nothing aborted before the switch";
    ASSERT_TRUE(w.step("waiter_sleeps", to(slice_task)));
    EXPECT_TRUE(w.task(slice_task).sched_switch) << "the switch-in after user_irq records it";
    EXPECT_TRUE(w.state().task_ext(slice_task).ghost_cs_abort_due);
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(slice_task).usr_in_cs) << "a preemption: the section is aborted";
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
    EXPECT_FALSE(w.task(slice_task).slice_granted);
    EXPECT_FALSE(w.cpu(0).slice_timer_armed) << "no grant, no timer on the way out";
    EXPECT_FALSE(w.task(slice_task).sigsegv);
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

// 3.5.3 with a live grant (spec 3.16, 7.7): kernel/sched/membarrier.c:ipi_rseq() ->
// rseq_sched_switch_event() finds user_irq set and raises TIF_RSEQ; the IPI's return runs
// only O2 (no loop work), whose fast path (include/linux/rseq_entry.h:rseq_exit_user_update(),
// F1) clears slice_ctrl, revokes the grant (rseq_slice_clear_grant()) and aborts the section
// (rseq_update_user_cs()). rseq_arm_slice_extension_timer() then finds no grant: nothing is
// armed, but nothing cancels the timer either. No schedule(): the waiter keeps waiting, the
// slice timer and SYSCALL_RSEQ_SLICE stay behind, stale; when the stale timer fires,
// rseq_slice_expired() finds the grant gone and does nothing.
TEST(Walkthrough, CsMembarrierAbortsAndRevokes) {
    Scenario sc = make_preset("cs");
    sc.bounds.membarriers = 1;
    Walk w(sc);
    granted_inside_section(w);
    ASSERT_TRUE(w.task(slice_task).usr_in_cs);
    ASSERT_TRUE(w.task(slice_task).slice_granted);
    ASSERT_TRUE(w.step("ipi_membarrier_rseq", by(slice_task)));
    EXPECT_TRUE(w.task(slice_task).sched_switch);
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_RSEQ));
    EXPECT_TRUE(w.state().task_ext(slice_task).ghost_cs_abort_due);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::ExitRestart) << "only TIF_RSEQ: O2, no loop";
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    const Task& t = w.task(slice_task);
    EXPECT_EQ(t.get_pc(), Pc::User);
    EXPECT_FALSE(t.usr_in_cs) << "F1 aborted the section";
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
    EXPECT_FALSE(t.slice_granted) << "rseq_slice_clear_grant()";
    EXPECT_FALSE(t.usr_slice_granted) << "slice_ctrl := 0: user space sees {0, 0}";
    EXPECT_EQ(w.cpu(0).curr, slice_task) << "revoked without a reschedule";
    EXPECT_FALSE(t.tif_set(kabi::TIF_NEED_RESCHED));
    EXPECT_EQ(w.task(waiter_task).get_run(), Run::Runnable) << "the waiter still waits";
    EXPECT_TRUE(w.cpu(0).slice_timer_armed) << "the timer is left armed, stale";
    EXPECT_EQ(w.cpu(0).slice_timer_cookie, slice_task);
    EXPECT_TRUE(t.syscall_work_rseq_slice) << "only S1 clears the work bit (spec 7.2)";
    // The stale timer fires: cookie == current, but the grant is gone.
    ASSERT_TRUE(w.step("rseq_slice_expired", on(0)));
    EXPECT_FALSE(w.cpu(0).slice_timer_armed);
    EXPECT_FALSE(w.task(slice_task).tif_set(kabi::TIF_NEED_RESCHED)) << "a stale expiry";
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.cpu(0).curr, slice_task);
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

// 3.5.4, second half: a signal delivered on a syscall's way out finds user_irq clear (the
// entry was a syscall): rseq_signal_deliver() does nothing for a V2 task, and the section the
// syscall was made from (an ABI violation) is left as it is.
TEST(Walkthrough, CsSignalAtSyscallExitDoesNot) {
    Scenario sc = make_preset("cs-signal");
    sc.bounds.syscalls = 1;
    Walk w(sc);
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Getpid)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("irq_signal", on(0)));
    EXPECT_FALSE(w.task(slice_task).user_irq) << "an interrupt of kernel code is no user irq";
    ASSERT_TRUE(w.step("syscall_body"));
    ASSERT_TRUE(finish_exit(w));
    EXPECT_TRUE(std::find(w.taken().begin(), w.taken().end(), "arch_do_signal_or_restart") !=
                w.taken().end());
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(w.task(slice_task).usr_in_cs) << "signal delivery after a syscall aborted";
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid);
    EXPECT_FALSE(w.task(slice_task).sigsegv);
}

/// `sc` with a second CPU and one migration.
Scenario with_migration(Scenario sc) {
    sc.cpus = 2;
    sc.bounds.migrations = 1;
    return sc;
}

/// T0 (in user mode or in the kernel with interrupts on, on CPU0) is interrupted by a wakeup
/// of T1 and preempted, migrated to CPU1 and switched in there by the idle CPU.
void preempted_and_migrated(Walk& w) {
    ASSERT_TRUE(w.step("irq_wakeup", on(0).preempting()));
    for (int i = 0; i < 6 && w.cpu(0).curr != waiter_task; ++i) {
        bool stepped = false;
        for (const char* name : {"exit_to_user_mode_prepare", "exit_loop_need_resched",
                                 "rseq_grant_slice_extension", "irq_exit_preempt"}) {
            if (w.can(name) && w.step(name, by(slice_task).no_fault())) {
                stepped = true;
                break;
            }
        }
        ASSERT_TRUE(stepped) << "enabled: " << w.enabled();
    }
    ASSERT_EQ(w.cpu(0).curr, waiter_task);
    ASSERT_TRUE(w.step("migrate_task", by(slice_task)));
    EXPECT_TRUE(w.task(slice_task).ids_changed);
    ASSERT_TRUE(w.step("schedule_idle", on(1).to(slice_task)));
    EXPECT_TRUE(w.task(slice_task).sched_switch) << "a switch-in after a migration records it";
}

// 3.5.6 (needs 3.2's F2/P4 guard): a syscall made inside a section, preempted and migrated:
// F2 writes the new IDs and, with no interrupt from user mode and no debug key, leaves the
// section alone (rseq_update_usr()).
TEST(Walkthrough, CsSyscallInsideSectionNotAbortedInProduction) {
    Walk w(with_migration(make_preset("cs")));
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Getpid)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    preempted_and_migrated(w);
    EXPECT_FALSE(w.task(slice_task).user_irq);
    EXPECT_FALSE(w.state().task_ext(slice_task).ghost_cs_abort_due);
    ASSERT_TRUE(w.step("syscall_body"));
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_EQ(w.task(slice_task).usr_cpu_id_start, 1U) << "F2 wrote the new IDs";
    EXPECT_EQ(w.task(slice_task).usr_cpu_id, 1U);
    EXPECT_TRUE(w.task(slice_task).usr_in_cs) << "F2 looked at the section without user_irq";
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid);
}

// --- Debug mode (model-part2.md 6.3) ---

/// T0 on preset `debug` makes a getpid() syscall from where it is and runs its body.
void debug_syscall(Walk& w) {
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Getpid)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("syscall_body", no_fault()));
}

// 6.1.5: __rseq_debug_syscall_return() finds the IP inside a section; the debug evaluator
// requires user_irq, which a syscall never has: event.fatal, SIGSEGV, the task dies.
TEST(Walkthrough, DebugSyscallInsideSectionKills) {
    Walk w(make_preset("debug"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    debug_syscall(w);
    EXPECT_TRUE(w.task(slice_task).sigsegv);
    EXPECT_TRUE(w.task(slice_task).fatal) << "the evaluator's die sets event.fatal";
    EXPECT_EQ(rseq_cs(w), RseqCs::Valid) << "a failed evaluation clears nothing";
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::Dead);
}

// 6.1.5: with the IP outside (the section committed), the debug syscall return clears
// rseq_cs, and the task returns normally.
TEST(Walkthrough, DebugSyscallOutsideClearsRseqCs) {
    Walk w(make_preset("debug"));
    ASSERT_TRUE(w.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    ASSERT_TRUE(w.step("user_commit_rseq_cs"));
    debug_syscall(w);
    EXPECT_EQ(rseq_cs(w), RseqCs::Null);
    EXPECT_FALSE(w.task(slice_task).sigsegv);
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    // Production does nothing at a syscall's return: rseq_cs stays for the lazy clear.
    Scenario production = make_preset("debug");
    production.debug_key = false;
    Walk p(production);
    ASSERT_TRUE(p.step("user_enter_rseq_cs", storing(RseqCs::Valid)));
    ASSERT_TRUE(p.step("user_commit_rseq_cs"));
    debug_syscall(p);
    EXPECT_EQ(rseq_cs(p), RseqCs::Valid);
}

// 6.1.4 (spec 7.3): with the debug key, F1 evaluates a null rseq_cs: the debug evaluator
// reads the descriptor at address 0, which faults with page faults disabled; R1b sends the
// task to the slow path without event.fatal and without spending the fault budget, and P4,
// which tests for null first, succeeds.
TEST(Walkthrough, DebugF1NullGoesToSlowPath) {
    Walk w(make_preset("debug"));
    preempted_and_switched_back(w);
    ASSERT_EQ(rseq_cs(w), RseqCs::Null);
    const unsigned faults = w.task(slice_task).faults_left;
    for (int i = 0; i < 6 && w.task(slice_task).get_pc() != Pc::ExitRestart; ++i) {
        ASSERT_TRUE(w.step(w.can("exit_loop_reread_flags") ? "exit_loop_reread_flags"
                                                           : "exit_to_user_mode_prepare"));
    }
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    EXPECT_TRUE(w.task(slice_task).slowpath) << "R1b";
    EXPECT_TRUE(w.task(slice_task).tif_set(kabi::TIF_NOTIFY_RESUME));
    EXPECT_FALSE(w.task(slice_task).fatal) << "a fault, not an invalid section";
    EXPECT_EQ(w.task(slice_task).faults_left, faults);
    ASSERT_TRUE(finish_exit(w));
    EXPECT_TRUE(std::find(w.taken().begin(), w.taken().end(), "rseq_slowpath_update_usr") !=
                w.taken().end());
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(slice_task).sigsegv);
}

/// T0 is granted (T1's wakeup), the grant runs out and the exit loop revokes it and schedules
/// T1 (G3), T1 sleeps and T0 returns to user: the revocation left SYSCALL_RSEQ_SLICE set
/// (only S1 clears it). T0 ends its critical work as rseq.rst says (request cleared, granted
/// read as 0) and sets the request again for a new one.
void revoked_by_expiry_then_request_again(Walk& w) {
    grant_up_to_the_guard(w);
    ASSERT_TRUE(finish_exit(w));
    ASSERT_TRUE(w.task(slice_task).slice_granted);
    ASSERT_TRUE(w.step("slice_deadline_passes"));
    ASSERT_TRUE(w.step("rseq_slice_expired", on(0)));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("rseq_grant_slice_extension", no_fault().to(waiter_task)));
    ASSERT_EQ(w.last_action().branch(), Branch::Revoke);
    ASSERT_TRUE(w.step("waiter_sleeps", to(slice_task)));
    ASSERT_TRUE(finish_exit(w));
    const Task& t = w.task(slice_task);
    ASSERT_EQ(t.get_pc(), Pc::User);
    EXPECT_FALSE(t.slice_granted);
    EXPECT_FALSE(t.usr_slice_granted);
    EXPECT_TRUE(t.syscall_work_rseq_slice) << "G3 leaves the work bit: stale";
    // U2/U3: the critical work is done, request cleared, granted reads 0: nothing to do.
    ASSERT_TRUE(w.step("user_clear_slice_request"));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    EXPECT_TRUE(w.task(slice_task).usr_slice_request);
}

// Spec 7.2 (confirmed in docs/kernel-source-notes.md). The only debug check of slice_ctrl is
// at syscall entry: kernel/rseq.c:rseq_syscall_enter_work() runs when SYSCALL_RSEQ_SLICE is
// set, clears it (S1) and, with rseq_debug_enabled, compares the user word with
// {request 0, granted = the kernel's live flag} (rseq_slice_validate_ctrl(), S2); a
// mismatch is force_sig(SIGSEGV). The syscall exit checks nothing of slice_ctrl (its debug
// hook, __rseq_debug_syscall_return(), reads only rseq_cs). So a work bit left stale by a
// revocation other than S4-S6 (here the timer's G3) turns the next request (a documented
// user action) plus any syscall into SIGSEGV: S2 sees request 1 against {0, 0}. S3 then
// returns (no live grant) and the task dies at its exit loop's signal step.
TEST(Walkthrough, DebugStaleWorkBitKills) {
    Walk w(make_preset("debug"));
    revoked_by_expiry_then_request_again(w);
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Getpid)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work", no_fault()));
    EXPECT_EQ(w.last_action().branch(), Branch::Sigsegv) << "S2: rseq_slice_validate_ctrl()";
    EXPECT_TRUE(w.task(slice_task).sigsegv);
    EXPECT_FALSE(w.task(slice_task).syscall_work_rseq_slice) << "S1 cleared it";
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::SyscallBody) << "S3: no grant, no S4-S6";
    EXPECT_TRUE(w.task(slice_task).usr_slice_request) << "the kernel wrote nothing";
    ASSERT_TRUE(w.step("syscall_body", no_fault()));
    ASSERT_TRUE(finish_exit(w));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::Dead);

    // Production: S2 does not run; S3 returns on the stale bit and the task goes on.
    Scenario production = make_preset("debug");
    production.debug_key = false;
    Walk p(production);
    revoked_by_expiry_then_request_again(p);
    ASSERT_TRUE(p.step("syscall_enter_from_user_mode", with(Syscall::Getpid)));
    ASSERT_TRUE(p.step("rseq_syscall_enter_work"));
    EXPECT_FALSE(p.task(slice_task).sigsegv);
    EXPECT_FALSE(p.task(slice_task).syscall_work_rseq_slice);
    ASSERT_TRUE(p.step("syscall_body"));
    ASSERT_TRUE(finish_exit(p));
    EXPECT_EQ(p.task(slice_task).get_pc(), Pc::User);
    EXPECT_TRUE(p.task(slice_task).usr_slice_request) << "the request stays for a later grant";

    // Debug key on, but no stale bit (never granted): the entry work does not run at all, and
    // the same request plus syscall is accepted: the verdict depends on history.
    Walk fresh(make_preset("debug"));
    ASSERT_TRUE(fresh.step("user_set_slice_request"));
    ASSERT_TRUE(fresh.step("syscall_enter_from_user_mode", with(Syscall::Getpid)));
    ASSERT_FALSE(fresh.task(slice_task).syscall_work_rseq_slice);
    ASSERT_TRUE(fresh.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(fresh.step("syscall_body", no_fault()));
    ASSERT_TRUE(finish_exit(fresh));
    EXPECT_EQ(fresh.task(slice_task).get_pc(), Pc::User);
    EXPECT_FALSE(fresh.task(slice_task).sigsegv);
}

/// T0 overwrites cpu_id_start with 2 (no CPU of the scenario), is preempted, migrated and
/// finishes its exit on CPU1.
Walk ids_modified_then_migrated(Scenario sc) {
    Walk w(std::move(sc));
    // the walk filter has no field for U8's parameter: pick the successor by hand
    bool found = false;
    State written{};
    w.model().for_each_successor(w.state(), [&](const Action& a, const State& t) {
        if (!found && a.kind == ActionKind::UserWriteRseqFields &&
            a.rseq_field() == rseq_field_cpu_id_start(2)) {
            written = t;
            found = true;
        }
    });
    EXPECT_TRUE(found) << "user_write_rseq_fields (cpu_id_start := 2) not enabled";
    w.set_state(written);
    EXPECT_EQ(w.task(slice_task).usr_cpu_id_start, 2U);
    preempted_and_migrated(w);
    EXPECT_TRUE(finish_exit(w));
    return w;
}

// 6.1.2: with the debug key, F2's rseq_debug_validate_ids() finds the user's cpu_id_start
// modified: event.fatal, R1b, P4 checks again and forces SIGSEGV; nothing was written.
TEST(Walkthrough, DebugIdMismatchKillsAtNextMigration) {
    const Walk w = ids_modified_then_migrated(make_preset("debug-ids"));
    EXPECT_EQ(w.task(slice_task).get_pc(), Pc::Dead);
    EXPECT_EQ(w.task(slice_task).usr_cpu_id_start, 2U) << "the IDs were overwritten";
    EXPECT_TRUE(std::find(w.taken().begin(), w.taken().end(), "rseq_slowpath_update_usr") !=
                w.taken().end());
}

// 82f57244 (4.5, D12): on 7.0.y a V2 task's IDs are read-only without the debug key: the
// same modification kills at the next ID update; pre_82f57244 overwrites it silently, and
// so does kernel 7.0 without the debug key (c17ee635 checks only in debug mode).
TEST(Walkthrough, ReadOnlyIdsEnforcedOn70yV2) {
    const Walk fixed = ids_modified_then_migrated(make_preset("ro-ids"));
    EXPECT_EQ(fixed.task(slice_task).get_pc(), Pc::Dead);
    Scenario pre = make_preset("ro-ids");
    pre.variant.add(VariantSwitch::Pre82f57244);
    const Walk undone = ids_modified_then_migrated(pre);
    EXPECT_EQ(undone.task(slice_task).get_pc(), Pc::User);
    EXPECT_EQ(undone.task(slice_task).usr_cpu_id_start, 1U) << "overwritten with the new CPU";
    Scenario on70 = make_preset("debug-ids");
    on70.debug_key = false;
    const Walk kernel70 = ids_modified_then_migrated(on70);
    EXPECT_EQ(kernel70.task(slice_task).get_pc(), Pc::User);
    EXPECT_EQ(kernel70.task(slice_task).usr_cpu_id_start, 1U);
}

}  // namespace
}  // namespace rseqcheck::test
