// Walk-throughs of rseq critical sections (docs/design/model-part2.md 3.5): a section
// interrupted and preempted is aborted, one interrupted by a grant without a switch is not,
// signal delivery and the membarrier RSEQ IPI abort it, and invalid descriptors kill the task
// where include/linux/rseq_entry.h:rseq_update_user_cs() says so.
#include <algorithm>
#include <utility>

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
