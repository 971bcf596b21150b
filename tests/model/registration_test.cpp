// The sys_rseq() registration life cycle (model/registration.h, model-part2.md 4.1-4.6),
// walked step by step per kernel: registration with and without DEFAULT_ON, the ABI version
// by length, re-registration, unregistration's ID reset (2cb68e45), rseq_reset() with and
// without its interrupt guard (e9766e6f), and the AVAILABLE flag (010b7723).
#include <gtest/gtest.h>

#include "model/input_error.h"
#include "model/kabi.h"
#include "model/scenario.h"
#include "model/transition.h"
#include "model/variant.h"
#include "tests/model/walk.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck::test {
namespace {

using testing::reachable_states;

constexpr TaskId t0 = 0;
constexpr unsigned uninit = kabi::RSEQ_CPU_ID_UNINITIALIZED;

Scenario preset_on(const char* name, Kernel k) {
    Scenario sc = make_preset(name);
    sc.kernel = k;
    return sc;
}

Scenario with_variant(Scenario sc, const char* variant) {
    sc.variant.add(find_variant(variant)->id);
    return sc;
}

/// T0 enters sys_rseq() (syscall entry and its slice work, no grant live).
void enter_rseq(Walk& w) {
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Rseq)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::SyscallBody);
}

/// From the syscall's exit to user mode, through the rseq exit hook.
void return_to_user(Walk& w) {
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    if (w.task(t0).get_pc() == Pc::ExitRestart) {
        ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    }
    ASSERT_EQ(w.task(t0).get_pc(), Pc::User);
}

void expect_unchanged_but_pc(const State& before, const State& after) {
    State b = before;
    b.task(t0).set_pc(Pc::ExitPrepare);
    EXPECT_TRUE(b == after);
}

// Registration (4.1 registration 4-6) on 7.0.y with rseq_len > 32 and DEFAULT_ON, key on:
// version 2, AVAILABLE and ENABLED, enabled, the IDs UNINIT in user memory and written on
// this syscall's return (rseq_force_update()).
TEST(Registration, RegisterV2DefaultOnKeyOnEnablesAndWritesIdsOnReturn) {
    Walk w(make_preset("register"));
    ASSERT_FALSE(w.task(t0).has_rseq);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::DefaultOn).no_fault()));
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_TRUE(w.state().task_ext(t0).has_rseq_v2);
    EXPECT_TRUE(w.task(t0).slice_enabled);
    EXPECT_TRUE(w.state().task_ext(t0).usr_flags_available);
    EXPECT_TRUE(w.task(t0).usr_flags_enabled);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, uninit);
    EXPECT_EQ(w.task(t0).usr_cpu_id, uninit);
    EXPECT_TRUE(w.task(t0).ids_changed && w.task(t0).sched_switch);
    EXPECT_TRUE(w.task(t0).tif_set(kabi::TIF_RSEQ));
    return_to_user(w);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, 0U);
    EXPECT_EQ(w.task(t0).usr_cpu_id, 0U);
    EXPECT_EQ(w.task(t0).ids_cpu_id, 0U);
}

TEST(Registration, RegisterWithoutDefaultOnAdvertisesButDoesNotEnable) {
    Walk w(make_preset("register"));
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::None).no_fault()));
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_TRUE(w.state().task_ext(t0).usr_flags_available);
    EXPECT_FALSE(w.task(t0).usr_flags_enabled);
    EXPECT_FALSE(w.task(t0).slice_enabled);
}

// 010b7723: with the key off, neither AVAILABLE nor ENABLED, DEFAULT_ON or not.
TEST(Registration, RegisterDefaultOnKeyOffGetsNeitherFlag) {
    Walk w(make_preset("register-key-off"));
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::DefaultOn).no_fault()));
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_FALSE(w.state().task_ext(t0).usr_flags_available);
    EXPECT_FALSE(w.task(t0).usr_flags_enabled);
    EXPECT_FALSE(w.task(t0).slice_enabled);
}

TEST(Registration, Pre010b7723AdvertisesAvailableWithKeyOff) {
    Walk w(with_variant(make_preset("register-key-off"), "pre_010b7723"));
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::DefaultOn).no_fault()));
    EXPECT_TRUE(w.state().task_ext(t0).usr_flags_available);
    EXPECT_FALSE(w.task(t0).slice_enabled) << "ENABLED still needs the key";
}

// c17ee635 ("7.0") has no 010b7723: AVAILABLE whenever compiled in, and no ABI version.
TEST(Registration, OnKernel70RegistrationAdvertisesAvailableWithKeyOff) {
    Walk w(preset_on("register-key-off", Kernel::Linux70));
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::DefaultOn).no_fault()));
    EXPECT_TRUE(w.state().task_ext(t0).usr_flags_available);
    EXPECT_FALSE(w.task(t0).slice_enabled);
    EXPECT_FALSE(w.state().task_ext(t0).has_rseq_v2) << "7.0 knows no versions";
}

// 7.0.y, dynamic registration with rseq_len 32 (V1): version 1, neither flag, never enabled,
// never granted; the slice_ctrl word is not written (b9eac6a9).
TEST(Registration, V1NeverGetsSliceExtension) {
    Scenario sc = make_preset("register");
    sc.tasks[0].abi = RseqAbi::V1;
    Walk w(sc);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::DefaultOn).no_fault()));
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_FALSE(w.state().task_ext(t0).has_rseq_v2);
    EXPECT_FALSE(w.state().task_ext(t0).usr_flags_available);
    EXPECT_FALSE(w.task(t0).usr_flags_enabled);
    EXPECT_FALSE(w.task(t0).slice_enabled);
    EXPECT_FALSE(sc.rseq_v2(w.state(), t0));
    for (const State& s : reachable_states(sc)) {
        ASSERT_FALSE(s.task(t0).slice_enabled);
        ASSERT_FALSE(s.task(t0).slice_granted);
        ASSERT_FALSE(s.task_ext(t0).has_rseq_v2);
    }
}

TEST(Registration, RegisterV2StateSpaceGrantsAfterDefaultOn) {
    bool granted = false;
    for (const State& s : reachable_states(make_preset("register")))
        granted = granted || s.task(t0).slice_granted;
    EXPECT_TRUE(granted) << "a V2 registration with DEFAULT_ON is granted on an irq return";
}

TEST(Registration, RegisterBadFlagsOrLengthReturnsEinvalAndChangesNothing) {
    Walk w(make_preset("register"));
    enter_rseq(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Einval)));
    expect_unchanged_but_pc(before, w.state());
    Walk v(make_preset("register"));
    enter_rseq(v);
    ASSERT_TRUE(v.step("sys_rseq", taking(Branch::Efault).no_fault()));  // access_ok()
    expect_unchanged_but_pc(before, v.state());
}

// The write region faults unresolvably: -EFAULT, no SIGSEGV, still unregistered.
TEST(Registration, RegisterFaultReturnsEfaultAndStaysUnregistered) {
    Scenario sc = make_preset("register");
    sc.bounds.faults = 1;
    Walk w(sc);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Efault).faulting(Fault::Unresolvable)));
    EXPECT_FALSE(w.task(t0).has_rseq);
    EXPECT_FALSE(w.task(t0).sigsegv);
    EXPECT_EQ(w.task(t0).faults_left, 0U);
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
}

TEST(Registration, RegisterResolvedFaultBlocksThenIsRegistered) {
    Scenario sc = make_preset("register");
    sc.bounds.faults = 1;
    Walk w(sc);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::None).faulting(Fault::Resolved)));
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_NE(w.task(t0).get_run(), Run::Running) << "blocked in the fault";
}

// Re-registration: -EINVAL, -EPERM, -EBUSY, nothing changed; a matching UNREGISTER goes on.
TEST(Registration, ReregisterReturnsEbusyEinvalEpermWithoutChange) {
    for (const Branch b : {Branch::Ebusy, Branch::Einval, Branch::Eperm}) {
        Walk w(make_preset("unregister"));
        enter_rseq(w);
        const State before = w.state();
        ASSERT_TRUE(w.step("sys_rseq", taking(b))) << to_string(b);
        expect_unchanged_but_pc(before, w.state());
        EXPECT_FALSE(w.can("sys_rseq"));
    }
    Walk w(make_preset("unregister"));
    enter_rseq(w);
    EXPECT_FALSE(w.step("sys_rseq", taking(Branch::None))) << "registered: no registration";
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Unregister)));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::RseqUnregister);
}

/// T0 (registered) unregisters up to rseq_reset.
void unregister_ids(Walk& w) {
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Unregister)));
    ASSERT_TRUE(w.step("rseq_unregister_reset_ids", taking(Branch::None).no_fault()));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::RseqReset);
}

// 7.0.y (2cb68e45): direct stores, cpu_id_start := 0, cpu_id := UNINIT; no slice_ctrl store,
// no grant clear; then rseq_reset() in one IRQ-OFF step (e9766e6f) and the return.
TEST(Registration, UnregisterOn70yWritesZeroAndLeavesSliceCtrl) {
    Walk w(make_preset("unregister"));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.task(t0).usr_slice_request);
    unregister_ids(w);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, 0U);
    EXPECT_EQ(w.task(t0).usr_cpu_id, uninit);
    EXPECT_TRUE(w.task(t0).usr_slice_request) << "2cb68e45 does not touch slice_ctrl (D2)";
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_FALSE(irqs_enabled_at(Pc::RseqReset));
    ASSERT_TRUE(w.step("rseq_reset"));
    EXPECT_FALSE(w.task(t0).has_rseq);
    EXPECT_FALSE(w.state().task_ext(t0).has_rseq_v2);
    EXPECT_FALSE(w.task(t0).slice_enabled);
    EXPECT_EQ(w.task(t0).ids_cpu_id, uninit);
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
    EXPECT_TRUE(w.task(t0).usr_flags_enabled) << "the user flags word is not touched";
    return_to_user(w);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, 0U) << "no ID update for an unregistered task";
}

// c17ee635 ("7.0"): through rseq_set_ids_get_csaddr(): cpu_id_start UNINIT, slice_ctrl and
// the grant cleared, the ID cache UNINIT; rseq_reset() is the unguarded, torn form.
TEST(Registration, UnregisterOn70WritesUninitClearsSliceCtrlAndTearsTheReset) {
    Walk w(preset_on("unregister", Kernel::Linux70));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    unregister_ids(w);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, uninit);
    EXPECT_EQ(w.task(t0).usr_cpu_id, uninit);
    EXPECT_FALSE(w.task(t0).usr_slice_request);
    EXPECT_EQ(w.task(t0).ids_cpu_id, uninit);
    ASSERT_TRUE(w.step("rseq_reset"));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::RseqResetTorn);
    EXPECT_TRUE(w.task(t0).has_rseq) << "the memset has not reached has_rseq yet";
    EXPECT_TRUE(irqs_enabled_at(Pc::RseqResetTorn));
    ASSERT_TRUE(w.step("rseq_reset_rest"));
    EXPECT_FALSE(w.task(t0).has_rseq);
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
}

TEST(Registration, Pre2cb68e45LeavesCpuIdStartUninitOn70y) {
    Walk w(with_variant(make_preset("unregister"), "pre_2cb68e45"));
    unregister_ids(w);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, uninit);
}

// 7.0: with the debug key, rseq_set_ids_get_csaddr() first checks the user IDs against the
// cache: a mismatch is `fatal`, SIGSEGV, -EFAULT, and the task stays registered.
TEST(Registration, UnregisterOn70DebugIdMismatchIsSigsegvAndStaysRegistered) {
    Scenario sc = preset_on("unregister", Kernel::Linux70);
    sc.debug_key = true;
    Walk w(sc);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Unregister)));
    State s = w.state();
    s.task(t0).usr_cpu_id_start = 2;  // user space wrote its cpu_id_start
    w.set_state(s);
    EXPECT_FALSE(w.step("rseq_unregister_reset_ids", taking(Branch::None)));
    ASSERT_TRUE(w.step("rseq_unregister_reset_ids", taking(Branch::Sigsegv)));
    EXPECT_TRUE(w.task(t0).fatal);
    EXPECT_TRUE(w.task(t0).sigsegv);
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
}

TEST(Registration, UnregisterOn70yIgnoresAModifiedCpuIdStartEvenWithDebug) {
    Scenario sc = make_preset("unregister");
    sc.debug_key = true;
    Walk w(sc);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Unregister)));
    State s = w.state();
    s.task(t0).usr_cpu_id_start = 2;
    w.set_state(s);
    ASSERT_TRUE(w.step("rseq_unregister_reset_ids", taking(Branch::None)));
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, 0U);
}

// A fault in the ID reset: SIGSEGV, -EFAULT, still registered, the grant state untouched (D14).
TEST(Registration, UnregisterFaultIsSigsegvAndStaysRegistered) {
    Scenario sc = make_preset("unregister");
    sc.bounds.faults = 1;
    Walk w(sc);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::Unregister)));
    ASSERT_TRUE(w.step("rseq_unregister_reset_ids", faulting(Fault::Unresolvable)));
    EXPECT_EQ(w.last_action().branch(), Branch::Sigsegv);
    EXPECT_TRUE(w.task(t0).sigsegv);
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
}

TEST(Registration, UnregisterThenRegisterAgain) {
    Walk w(make_preset("unregister"));
    unregister_ids(w);
    ASSERT_TRUE(w.step("rseq_reset"));
    return_to_user(w);
    enter_rseq(w);
    ASSERT_TRUE(w.step("sys_rseq", taking(Branch::DefaultOn).no_fault()));
    EXPECT_TRUE(w.task(t0).has_rseq);
    EXPECT_TRUE(w.task(t0).slice_enabled);
    return_to_user(w);
    EXPECT_EQ(w.task(t0).usr_cpu_id_start, 0U);
}

/// The torn reset on the unregister-race preset: T0 unregisters; after the first half of
/// the memset an interrupt wakes the waiter and preempts T0 (PREEMPT_FULL), the load balancer
/// moves T0 to CPU 1 (ids_changed), CPU 1's idle loop switches it in: with has_rseq still 1
/// rseq_sched_switch_event() sets sched_switch and TIF_RSEQ; the rest of the memset clears
/// has_rseq only.
void torn_reset(Walk& w) {
    unregister_ids(w);
    ASSERT_TRUE(w.step("rseq_reset"));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::RseqResetTorn);
    ASSERT_TRUE(w.step("irq_wakeup", preempting()));
    ASSERT_EQ(w.task(t0).get_run(), Run::Runnable);
    ASSERT_TRUE(w.step("migrate_task", by(t0)));
    ASSERT_TRUE(w.task(t0).ids_changed);
    ASSERT_TRUE(w.step("schedule_idle", on(1)));
    ASSERT_EQ(w.cpu(1).curr, t0);
    EXPECT_TRUE(w.task(t0).sched_switch);
    EXPECT_TRUE(w.task(t0).tif_set(kabi::TIF_RSEQ));
    ASSERT_TRUE(w.step("rseq_reset_rest"));
    EXPECT_FALSE(w.task(t0).has_rseq);
    EXPECT_TRUE(w.task(t0).sched_switch) << "I19 broken: the event survives the reset";
}

// F7 (model-part2.md section 8), a possibility of the C code on 7.0 (c17ee635 has no guard):
// the unregistered task's exit fast path touches the absent area, the slow path fails, and
// the task dies of SIGSEGV. Whether the compiled memset can tear there is the compiler's
// choice (D10): pinned as what the model of c17ee635 allows, not as a finding.
TEST(Registration, OnKernel70TheTornResetKillsTheUnregisteredTask) {
    Walk w(preset_on("unregister-race", Kernel::Linux70));
    torn_reset(w);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::ExitRestart);
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", faulting(Fault::Unresolvable)));
    EXPECT_TRUE(w.task(t0).slowpath);
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    if (w.task(t0).get_pc() == Pc::LoopResched) {
        ASSERT_TRUE(w.step("exit_loop_need_resched"));
    }
    ASSERT_TRUE(w.step("resume_user_mode_work", taking(Branch::Slowpath)));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::SlowpathUpdate);
    ASSERT_TRUE(w.step("rseq_slowpath_update_usr", faulting(Fault::Unresolvable)));
    EXPECT_TRUE(w.task(t0).sigsegv);
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    if (w.task(t0).get_pc() == Pc::LoopResched) {
        ASSERT_TRUE(w.step("exit_loop_need_resched"));
    }
    ASSERT_TRUE(w.step("arch_do_signal_or_restart", taking(Branch::Exit)));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::Dead);
}

TEST(Registration, PreE9766e6fTearsTheResetOn70y) {
    Walk w(with_variant(make_preset("unregister-race"), "pre_e9766e6f"));
    torn_reset(w);
}

TEST(Registration, OnKernel70yTheResetIsNotInterruptible) {
    Walk w(make_preset("unregister-race"));
    unregister_ids(w);
    EXPECT_FALSE(w.can("irq_wakeup")) << "rseq_reset() runs under guard(irqsave)";
    ASSERT_TRUE(w.step("rseq_reset"));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
    for (const State& s : reachable_states(make_preset("unregister-race")))
        ASSERT_FALSE(!s.task(t0).has_rseq && s.task(t0).sched_switch);
}

// D11: a preemption with migration between rseq_reset_ids() and rseq_reset() raises
// TIF_RSEQ and sched_switch; the reset clears sched_switch, TIF_RSEQ survives and R1a clears
// it on the way out, without touching the (absent) area.
TEST(Registration, TifRseqRaisedBeforeTheResetIsHarmless) {
    Walk w(make_preset("unregister-race"));
    unregister_ids(w);
    State s = w.state();
    s.task(t0).set_pc(Pc::RseqUnregister);  // back into the window before rseq_reset()
    w.set_state(s);
    ASSERT_TRUE(w.step("irq_wakeup", preempting()));
    ASSERT_TRUE(w.step("migrate_task", by(t0)));
    ASSERT_TRUE(w.step("schedule_idle", on(1)));
    ASSERT_TRUE(w.task(t0).sched_switch);
    s = w.state();
    s.task(t0).set_pc(Pc::RseqReset);
    w.set_state(s);
    ASSERT_TRUE(w.step("rseq_reset"));
    EXPECT_FALSE(w.task(t0).sched_switch);
    EXPECT_TRUE(w.task(t0).tif_set(kabi::TIF_RSEQ));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(t0).tif_set(kabi::TIF_RSEQ));
    EXPECT_FALSE(w.task(t0).sigsegv);
}

TEST(Registration, ValidateRefusesTheLifeCycleFixVariantsOnKernel70) {
    for (const char* v : {"pre_2cb68e45", "pre_e9766e6f", "pre_010b7723"}) {
        Scenario sc = with_variant(make_preset("unregister"), v);
        EXPECT_NO_THROW(validate(sc));
        sc.kernel = Kernel::Linux71;
        EXPECT_NO_THROW(validate(sc));
        sc.kernel = Kernel::Linux70;
        try {
            validate(sc);
            ADD_FAILURE() << v << " accepted on 7.0";
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find("7.0.y"), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find(v), std::string::npos) << e.what();
        }
    }
}

TEST(Registration, ValidateRefusesAnUnregisteredTaskWithSliceExtensionsEnabled) {
    Scenario sc = make_preset("register");
    sc.tasks[0].slice_enabled = true;
    EXPECT_THROW(validate(sc), InputError);
    sc.tasks[0].slice_enabled = false;
    sc.tasks[0].in_critical_section = true;
    EXPECT_THROW(validate(sc), InputError);
}

}  // namespace
}  // namespace rseqcheck::test
