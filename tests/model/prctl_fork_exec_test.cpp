// model-part2 areas 2b and 2c (docs/design/model-part2.md 4.1-4.6): prctl(PR_RSEQ_SLICE_EXTENSION)
// with one walk-through per return of kernel/rseq.c:rseq_slice_extension_prctl() (and
// kernel/sys.c's arg4/arg5 test, and the !CONFIG stub), then clone()/fork() and execve() as
// rseq_fork(), rseq_execve() and rseq_force_update() leave the task; over whole presets, the
// 7.0.y rule that no V1 task is ever granted.
#include <string>

#include <gtest/gtest.h>

#include "model/fault.h"
#include "model/kabi.h"
#include "model/scenario.h"
#include "model/scenario_file.h"
#include "model/symmetry.h"
#include "model/variant.h"
#include "tests/model/fidelity_walks.h"
#include "tests/model/walk.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck::test {
namespace {

constexpr TaskId t0 = 0;
constexpr TaskId waiter_task = 1;
constexpr TaskId child = 2;

/// T0 enters prctl() (no grant: the entry work goes straight to the body).
void enter_prctl(Walk& w) {
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Prctl)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::SyscallBody);
}

/// T0 runs prctl() to the return `b` without a fault; checks the return value and that the
/// step leaves the task at the syscall exit.
void prctl_returns(Walk& w, Branch b, int ret) {
    enter_prctl(w);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(b).no_fault()));
    EXPECT_EQ(prctl_return(w.last_action().branch()), ret);
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
}

/// A return that changes nothing but the pc: the rest of the state is as before the body.
void expect_only_pc_changed(const State& before, const State& after) {
    State a = after;
    a.task(t0).set_pc(before.task(t0).get_pc());
    EXPECT_TRUE(a == before) << "the body changed more than its pc";
}

Scenario prctl_scenario(const std::string& extra) {
    return parse_scenario("preset = \"prctl\"\n" + extra, "prctl_test.toml").scenario;
}

// ---- prctl: one walk-through per return (model-part2.md 4.6 Prctl*) ----

TEST(Prctl, GetReturnsEnableWhenEnabled) {
    Walk w(make_preset("prctl"));
    prctl_returns(w, Branch::PrctlGetEnabled, 1);  // PR_RSEQ_SLICE_EXT_ENABLE
    EXPECT_FALSE(w.can("sys_prctl_rseq_slice"));
}

TEST(Prctl, GetReturnsZeroAfterSetDisabled) {
    Walk w(make_preset("prctl"));
    prctl_returns(w, Branch::PrctlSet, 0);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    prctl_returns(w, Branch::PrctlGetDisabled, 0);
}

TEST(Prctl, GetWithArg3IsEinval) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlGetEinval)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -22);
    expect_only_pc_changed(before, w.state());
}

TEST(Prctl, Arg4OrArg5IsEinval) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlArgsEinval)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -22);
    expect_only_pc_changed(before, w.state());
}

TEST(Prctl, UnknownOpIsEinval) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlOpEinval)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -22);
    expect_only_pc_changed(before, w.state());
}

TEST(Prctl, SetWithBitsOtherThanEnableIsEinval) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlSetEinval)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -22);
    expect_only_pc_changed(before, w.state());
}

// SET with rseq_slice_ext=off: -ENOTSUPP (524, the kernel-internal errno, spec 7.15). GET
// tests neither the key nor the registration (D3): it still answers 0.
TEST(Prctl, SetWithTheKeyOffIsEnotsuppButGetAnswers) {
    Walk w(prctl_scenario("slice_key = false\n[[tasks]]\nrole = \"slice_user\"\n"
                          "slice_enabled = false\n[[tasks]]\nrole = \"waiter\"\n"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlNoKey)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -524);
    expect_only_pc_changed(before, w.state());
    w.set_state(before);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlGetDisabled)));
    // neither -ENXIO nor the V1 test nor a SET that goes on can follow a key that is off
    w.set_state(before);
    EXPECT_FALSE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlUnchanged)));
    EXPECT_FALSE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlSet)));
}

// An unregistered task (here: after a successful execve()) gets -ENXIO from SET; GET answers
// 0 without a registration test (D3).
TEST(Prctl, SetUnregisteredIsEnxioGetAnswersZero) {
    Walk w(prctl_scenario("syscall_kinds = [\"execve\", \"prctl\"]\n"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Execve)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("sys_execve", taking(Branch::ExecOk)));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_FALSE(w.task(t0).has_rseq);
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlNotRegistered)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -6);
    expect_only_pc_changed(before, w.state());
    w.set_state(before);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlGetDisabled)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), 0);
}

// 7.0.y (b9eac6a9): SET by a V1 registration is -ENOTSUPP, after the registration test; on
// 7.0 the same task may enable (there is no V1 there).
TEST(Prctl, SetByAV1TaskOnKernel70yIsEnotsupp) {
    Walk w(make_preset("prctl-v1"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlV1)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -524);
    expect_only_pc_changed(before, w.state());
    w.set_state(before);
    EXPECT_FALSE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlSet)));

    Scenario on70 = make_preset("prctl-v1");
    on70.kernel = Kernel::Linux70;
    Walk w70(on70);
    enter_prctl(w70);
    ASSERT_TRUE(w70.step("sys_prctl_rseq_slice", taking(Branch::PrctlSet).no_fault()));
    EXPECT_TRUE(w70.task(t0).slice_enabled);
}

TEST(Prctl, SetToTheCurrentValueReturnsZeroAndTouchesNothing) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    const State before = w.state();
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlUnchanged)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), 0);
    EXPECT_EQ(w.last_action().fault, Fault::None) << "no change: flags are not even read";
    expect_only_pc_changed(before, w.state());
}

TEST(Prctl, SetDisablesWritesTheFlagsAndStopsRequests) {
    Walk w(make_preset("prctl"));
    ASSERT_TRUE(w.task(t0).slice_enabled);
    prctl_returns(w, Branch::PrctlSet, 0);
    EXPECT_FALSE(w.task(t0).slice_enabled);
    EXPECT_FALSE(w.task(t0).usr_flags_enabled) << "ENABLED cleared in rseq->flags";
    EXPECT_FALSE(w.task(t0).sigsegv);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    EXPECT_FALSE(w.can("user_set_slice_request")) << "the protocol requests only when enabled";
    // and enabling again sets both
    prctl_returns(w, Branch::PrctlSet, 0);
    EXPECT_TRUE(w.task(t0).slice_enabled);
    EXPECT_TRUE(w.task(t0).usr_flags_enabled);
}

TEST(Prctl, FlagsReadFaultIsSigsegvAndEfault) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice",
                       taking(Branch::PrctlReadFault).faulting(Fault::Unresolvable)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -14);
    EXPECT_TRUE(w.task(t0).sigsegv);
    EXPECT_TRUE(w.task(t0).slice_enabled) << "the die: label comes before the commit";
    EXPECT_TRUE(w.task(t0).usr_flags_enabled);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("arch_do_signal_or_restart", taking(Branch::Exit)));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::Dead);
}

TEST(Prctl, FlagsWriteFaultIsSigsegvAndEfault) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice",
                       taking(Branch::PrctlWriteFault).faulting(Fault::Unresolvable)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -14);
    EXPECT_TRUE(w.task(t0).sigsegv);
    EXPECT_TRUE(w.task(t0).slice_enabled);
    EXPECT_TRUE(w.task(t0).usr_flags_enabled);
}

// rseq->flags without ENABLED while the kernel has the extension enabled (user space
// rewrote its flags): SET dies with SIGSEGV and -EFAULT. The flags without AVAILABLE case
// waits for TaskExt::usr_flags_available (TODO in model/prctl.h): until then AVAILABLE is
// "registered with the key on", which SET has already checked, so only this half is
// reachable.
TEST(Prctl, FlagsWithoutEnabledWhileEnabledIsSigsegvAndEfault) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    State s = w.state();
    s.task(t0).usr_flags_enabled = 0;
    w.set_state(s);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlBadFlags).no_fault()));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -14);
    EXPECT_TRUE(w.task(t0).sigsegv);
    EXPECT_TRUE(w.task(t0).slice_enabled);
    w.set_state(s);
    EXPECT_FALSE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlSet)));
}

// A resolved fault on rseq->flags sleeps: the task blocks, then finishes the syscall.
TEST(Prctl, ResolvedFaultBlocksThenSets) {
    Walk w(make_preset("prctl"));
    enter_prctl(w);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlSet).faulting(Fault::Resolved)));
    EXPECT_EQ(w.cpu(0).curr, idle_task);
    EXPECT_EQ(w.task(t0).get_run(), Run::Runnable);
    EXPECT_EQ(w.task(t0).faults_left, 0U);
    ASSERT_TRUE(w.step("schedule_idle", by(t0)));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
    EXPECT_FALSE(w.task(t0).slice_enabled);
    EXPECT_FALSE(w.task(t0).usr_flags_enabled);
}

// CONFIG_RSEQ_SLICE_EXTENSION=n: the include/linux/rseq.h stub answers -ENOTSUPP to GET and
// SET alike (D3: rseq.rst's table says EINVAL); only kernel/sys.c's own arg4/arg5 test
// comes first.
TEST(Prctl, NotConfiguredIsEnotsuppForGetAndSet) {
    Walk w(prctl_scenario("slice_config = false\n[[tasks]]\nrole = \"slice_user\"\n"
                          "slice_enabled = false\n[[tasks]]\nrole = \"waiter\"\n"));
    enter_prctl(w);
    unsigned returns = 0;
    w.model().for_each_successor(w.state(), [&](const Action& a, const State&) {
        if (a.kind != ActionKind::SysPrctlRseqSlice)
            return;
        ++returns;
        EXPECT_TRUE(a.branch() == Branch::PrctlNotConfigured ||
                    a.branch() == Branch::PrctlArgsEinval)
            << to_string(a.branch());
    });
    EXPECT_EQ(returns, 2U);
    ASSERT_TRUE(w.step("sys_prctl_rseq_slice", taking(Branch::PrctlNotConfigured)));
    EXPECT_EQ(prctl_return(w.last_action().branch()), -524);
}

TEST(Prctl, ScenarioSettingsAreChecked) {
    EXPECT_THROW(prctl_scenario("slice_config = false\n"), InputError)
        << "an enabled task without CONFIG_RSEQ_SLICE_EXTENSION";
    Scenario on70 = make_preset("prctl");
    on70.variant.add(VariantSwitch::MutV1SliceAllowed);
    EXPECT_THROW(validate(on70), InputError) << "mut_v1_slice_allowed needs 7.0.y or 7.1";
}

// ---- clone()/fork() and execve() ----

/// fork-exec: T0 gets a grant (T1's wakeup), then enters clone(): the entry work revokes.
// T0 is granted on an interrupt return, then calls clone(): S1-S6 revoke the grant, S6's
// put_user() going as `s6`.
void granted_then_clone(Walk& w, Fault s6 = Fault::None) {
    grant_up_to_the_guard(w);
    ASSERT_TRUE(w.step("exit_loop_reread_flags"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart"));
    ASSERT_TRUE(w.task(t0).slice_granted);
    ASSERT_TRUE(w.task(t0).syscall_work_rseq_slice);
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Clone)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work", taking(Branch::Revoke)));
    ASSERT_TRUE(w.step("rseq_syscall_revoke_slice"));
    ASSERT_TRUE(w.step("rseq_syscall_relinquish_cpu", to(t0)));
    ASSERT_TRUE(w.step("rseq_syscall_clear_slice", faulting(s6)));
    ASSERT_EQ(w.task(t0).get_pc(), Pc::SyscallBody);
}

// The parent held a grant when it called clone(): the entry work revoked it (S4-S6), so the
// child (a copy of the parent after S6) starts with no grant in either view, no
// SYSCALL_RSEQ_SLICE work and no timer; wake_up_new_task() set ids_changed, so its first
// return (ret_from_fork's syscall exit) writes its IDs.
TEST(ForkExec, ForkClearsChildGrantState) {
    Walk w(make_preset("fork-exec"));
    granted_then_clone(w);
    ASSERT_TRUE(w.step("sys_clone", taking(Branch::Fork).preempting()));
    const Task& c = w.task(child);
    EXPECT_EQ(c.get_run(), Run::Runnable);
    EXPECT_EQ(c.get_pc(), Pc::ExitPrepare);
    EXPECT_TRUE(c.has_rseq) << "fork keeps the registration";
    EXPECT_TRUE(c.slice_enabled);
    EXPECT_FALSE(c.slice_granted);
    EXPECT_FALSE(c.usr_slice_granted);
    EXPECT_FALSE(c.syscall_work_rseq_slice);
    EXPECT_EQ(c.tif, 0U);
    EXPECT_TRUE(c.ids_changed);
    EXPECT_FALSE(w.cpu(0).slice_timer_armed && w.cpu(0).slice_timer_cookie == child);
    EXPECT_TRUE(w.task(t0).tif_set(kabi::TIF_NEED_RESCHED)) << "wakeup_preempt() for the child";
    // the parent reschedules on its way out and the child runs: its switch-in raises TIF_RSEQ
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare", by(t0)));
    ASSERT_TRUE(w.step("exit_loop_need_resched", to(child)));
    EXPECT_TRUE(w.task(child).sched_switch);
    EXPECT_TRUE(w.task(child).tif_set(kabi::TIF_RSEQ));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare", by(child)));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", by(child).no_fault()));
    EXPECT_EQ(w.task(child).get_pc(), Pc::User);
    EXPECT_EQ(w.task(child).usr_cpu_id, 0U) << "IDs written on ret_from_fork's exit";
    EXPECT_FALSE(w.task(child).slice_granted);
}

// A failed S6 put_user() forces SIGSEGV (TIF_SIGPENDING) and leaves the user view
// granted == 1. copy_process() delivers pending signals before the fork
// (task_sigpending() -> -ERESTARTNOINTR): no child is created, so no child can copy that
// stale user view. (Before this branch the model forked here and fork-child-starts-clean
// failed on a trace the kernel cannot run.)
TEST(ForkExec, CloneWithASignalPendingCreatesNoChild) {
    Scenario sc = make_preset("fork-exec");
    sc.bounds.faults = 1;
    Walk w(sc);
    granted_then_clone(w, Fault::Unresolvable);
    ASSERT_TRUE(w.task(t0).tif_set(kabi::TIF_SIGPENDING));
    ASSERT_TRUE(w.task(t0).usr_slice_granted) << "the failed write left the user view";
    EXPECT_FALSE(w.step("sys_clone", taking(Branch::Fork)));
    EXPECT_FALSE(w.step("sys_clone", taking(Branch::CloneVm)));
    ASSERT_TRUE(w.step("sys_clone", taking(Branch::CloneSignalPending)));
    EXPECT_EQ(w.task(child).get_run(), Run::Exited) << "the slot stays free";
    EXPECT_EQ(w.task(t0).get_pc(), Pc::ExitPrepare);
}

// D9: a request byte the parent set without a grant is inherited with the memory.
TEST(ForkExec, ForkChildInheritsAnUngrantedRequest) {
    Walk w(make_preset("fork-exec"));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Clone)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("sys_clone", taking(Branch::Fork).declined()));
    EXPECT_TRUE(w.task(child).usr_slice_request);
    EXPECT_EQ(w.task(child).get_proto(), UserProto::Critical);
    EXPECT_FALSE(w.task(t0).tif_set(kabi::TIF_NEED_RESCHED)) << "wakeup_preempt() declined";
}

TEST(ForkExec, CloneVmChildUnregistered) {
    Walk w(make_preset("fork-exec"));
    granted_then_clone(w);
    ASSERT_TRUE(w.step("sys_clone", taking(Branch::CloneVm)));
    const Task& c = w.task(child);
    EXPECT_EQ(c.get_run(), Run::Runnable);
    EXPECT_FALSE(c.has_rseq);
    EXPECT_FALSE(c.slice_enabled);
    EXPECT_FALSE(c.slice_granted);
    EXPECT_FALSE(c.usr_slice_request);
    EXPECT_FALSE(c.usr_flags_enabled);
    EXPECT_EQ(c.ids_cpu_id, kabi::RSEQ_CPU_ID_UNINITIALIZED);
    EXPECT_TRUE(w.task(t0).has_rseq) << "the parent keeps its registration";
    // no free slot: clone() is not offered again (the model's task limit)
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare", by(t0)));
}

TEST(ForkExec, ExecResets) {
    Walk w(make_preset("fork-exec"));
    ASSERT_TRUE(w.step("user_set_slice_request"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Execve)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("sys_execve", taking(Branch::ExecOk)));
    const Task& t = w.task(t0);
    EXPECT_FALSE(t.has_rseq);
    EXPECT_FALSE(t.slice_enabled);
    EXPECT_FALSE(t.slice_granted);
    EXPECT_FALSE(t.slice_yielded);
    EXPECT_EQ(t.ids_cpu_id, kabi::RSEQ_CPU_ID_UNINITIALIZED);
    EXPECT_FALSE(t.usr_slice_request) << "the new image's memory";
    EXPECT_EQ(t.get_proto(), UserProto::Idle);
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::User);
    EXPECT_FALSE(w.can("user_set_slice_request"));
}

TEST(ForkExec, ExecFailureForcesUpdate) {
    Walk w(make_preset("fork-exec"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Execve)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("sys_execve", taking(Branch::ExecFail)));
    const Task& t = w.task(t0);
    EXPECT_TRUE(t.has_rseq);
    EXPECT_TRUE(t.ids_changed);
    EXPECT_TRUE(t.sched_switch);
    EXPECT_TRUE(t.tif_set(kabi::TIF_RSEQ));
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", no_fault()));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::User);
    EXPECT_FALSE(w.task(t0).sched_switch);
}

// rseq_force_update() tests has_rseq: a failed exec of an unregistered task raises nothing.
TEST(ForkExec, ExecFailureOfAnUnregisteredTaskRaisesNothing) {
    Walk w(make_preset("fork-exec"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Execve)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    State s = w.state();
    s.task(t0).has_rseq = 0;
    w.set_state(s);
    ASSERT_TRUE(w.step("sys_execve", taking(Branch::ExecFail)));
    EXPECT_FALSE(w.task(t0).sched_switch);
    EXPECT_FALSE(w.task(t0).tif_set(kabi::TIF_RSEQ));
}

// fs/exec.c:bprm_execve() failing past the point of no return (begin_new_exec() has run: the
// old mm, and with it the registered rseq area, is gone; rseq_execve() is not called, so the
// task is still registered): the failure exit forces a fatal SIGSEGV (force_fatal_sig(), unless
// a fatal signal is already pending) and then, as for any failure, calls rseq_force_update().
// The exit loop (kernel/entry/common.c:exit_to_user_mode_loop()) handles the signal before the
// rseq fast path, which runs only after the loop: get_signal() -> do_group_exit() never
// returns, so the rseq area the task no longer has is never written.
// Model gap: sys_execve has no branch for this failure (model/fork_exec.h: "not modelled").
// The walk takes exec_fail, whose rseq effect (rseq_force_update()) is the same, and adds the
// fatal signal force_fatal_sig() would have queued by hand (fault::force_sigsegv(): SIGSEGV
// pending, TIF_SIGPENDING); what follows is the model's own exit path.
TEST(ForkExec, ExecFailurePastThePointOfNoReturnKillsBeforeAnyRseqWrite) {
    Walk w(make_preset("fork-exec"));
    ASSERT_TRUE(w.step("syscall_enter_from_user_mode", with(Syscall::Execve)));
    ASSERT_TRUE(w.step("rseq_syscall_enter_work"));
    ASSERT_TRUE(w.step("sys_execve", taking(Branch::ExecFail)));
    State s = w.state();
    fault::force_sigsegv(s.task(t0));  // the gap: force_fatal_sig(SIGSEGV), by hand
    w.set_state(s);
    const Task before = w.task(t0);
    EXPECT_TRUE(before.has_rseq) << "no rseq_execve(): still registered";
    EXPECT_TRUE(before.tif_set(kabi::TIF_RSEQ)) << "rseq_force_update() ran too";
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare"));
    EXPECT_EQ(w.task(t0).get_pc(), Pc::LoopResched) << "TIF_SIGPENDING: the loop runs first";
    ASSERT_TRUE(w.step("exit_loop_need_resched"));
    ASSERT_TRUE(w.step("arch_do_signal_or_restart", taking(Branch::Exit)));
    const Task& t = w.task(t0);
    EXPECT_EQ(t.get_pc(), Pc::Dead);
    EXPECT_EQ(t.get_run(), Run::Exited);
    EXPECT_NE(w.cpu(0).curr, t0);
    for (const std::string& name : w.taken()) {
        EXPECT_NE(name, "rseq_exit_to_user_mode_restart") << "the fast path ran before death";
        EXPECT_NE(name, "rseq_slowpath_update_usr");
    }
    EXPECT_EQ(t.usr_cpu_id_start, before.usr_cpu_id_start) << "no ID was written";
    EXPECT_EQ(t.usr_cpu_id, before.usr_cpu_id);
    EXPECT_TRUE(t.has_rseq) << "do_exit() leaves task->rseq as it is";
    EXPECT_FALSE(t.slice_granted) << "the entry work found no grant; none was made";
}

// wake_up_new_task() -> select_task_rq() may place a fork child on any allowed CPU, and
// __set_task_cpu() then records ids_changed (rseq_sched_set_ids_changed()). The model puts the
// child on its parent's CPU and lets the load balancer move it before it first runs
// (migrate_task: __set_task_cpu() again); the rseq effect is the same: ids_changed set, the ID
// cache still the parent's. Here the child of a parent that held a grant at clone() runs
// first on CPU1: it starts with no grant (the parent's S6 came before copy_process()), no
// SYSCALL_RSEQ_SLICE work and no timer on either CPU, and ret_from_fork's exit writes CPU1's
// IDs and clears slice_ctrl (rseq_exit_user_update() -> rseq_update_usr(), F2).
TEST(ForkExec, ForkChildRunsFirstOnAnotherCpuWithCleanGrantState) {
    Scenario sc = make_preset("fork-exec");
    sc.cpus = 2;
    sc.bounds.migrations = 1;
    Walk w(sc);
    granted_then_clone(w);
    ASSERT_TRUE(w.step("sys_clone", taking(Branch::Fork).declined()));
    ASSERT_EQ(w.task(child).cpu, 0U) << "placed on the parent's CPU";
    ASSERT_TRUE(w.step("migrate_task", by(child).on(1)));
    EXPECT_EQ(w.task(child).cpu, 1U);
    EXPECT_TRUE(w.task(child).ids_changed);
    ASSERT_TRUE(w.step("schedule_idle", on(1).to(child)));
    const Task& c = w.task(child);
    EXPECT_EQ(w.cpu(1).curr, child);
    EXPECT_EQ(w.cpu(0).curr, t0) << "the parent still runs on CPU0";
    EXPECT_TRUE(c.sched_switch) << "rseq_sched_switch_event(): ids_changed";
    EXPECT_TRUE(c.tif_set(kabi::TIF_RSEQ));
    EXPECT_FALSE(c.slice_granted);
    EXPECT_FALSE(c.usr_slice_granted);
    EXPECT_FALSE(c.syscall_work_rseq_slice);
    EXPECT_FALSE(w.cpu(1).slice_timer_armed) << "CPU1 has no timer for anyone";
    EXPECT_FALSE(w.cpu(0).slice_timer_armed && w.cpu(0).slice_timer_cookie == child);
    EXPECT_EQ(c.ids_cpu_id, 0U) << "the ID cache is the parent's";
    ASSERT_TRUE(w.step("exit_to_user_mode_prepare", by(child)));
    ASSERT_TRUE(w.step("rseq_exit_to_user_mode_restart", by(child).no_fault()));
    const Task& after = w.task(child);
    EXPECT_EQ(after.get_pc(), Pc::User);
    EXPECT_EQ(after.usr_cpu_id_start, 1U) << "F2 wrote CPU1's IDs";
    EXPECT_EQ(after.usr_cpu_id, 1U);
    EXPECT_EQ(after.ids_cpu_id, 1U);
    EXPECT_FALSE(after.slice_granted);
    EXPECT_FALSE(after.usr_slice_granted);
    EXPECT_FALSE(after.usr_slice_request) << "slice_ctrl is 0 (F2 stores 0 again)";
    EXPECT_FALSE(w.cpu(1).slice_timer_armed) << "no grant: nothing armed on the way out";
    EXPECT_FALSE(after.syscall_work_rseq_slice);
}

TEST(ForkExec, ForkChildSlotStartsNotCreatedAndIsChecked) {
    const Walk w(make_preset("fork-exec"));
    EXPECT_EQ(w.task(child).get_run(), Run::Exited);
    EXPECT_EQ(w.task(child).get_pc(), Pc::Dead);
    Scenario bad = make_preset("fork-exec");
    bad.tasks[child].abi = RseqAbi::V1;
    EXPECT_THROW(validate(bad), InputError) << "a fork child runs its parent's code";
    Scenario no_slot = make_preset("prctl");
    no_slot.syscall_kinds.add(Syscall::Clone);
    EXPECT_THROW(validate(no_slot), InputError) << "clone needs a fork_child slot";
}

// model-part2.md section 11: task symmetry must never permute a fork-child slot with a
// waiter (or a slice user): the slot is Dead until clone() and then runs the parent's code.
// Their configurations differ in role, so the group keeps them apart; two slots alike may
// be exchanged.
TEST(ForkExec, SymmetryNeverPermutesAForkChildSlotWithAnotherRole) {
    EXPECT_TRUE(TaskSymmetry(make_preset("fork-exec")).trivial());
    Scenario two_slots = make_preset("fork-exec");
    two_slots.tasks[waiter_task] = two_slots.tasks[child];
    const TaskSymmetry sym(two_slots);
    ASSERT_EQ(sym.group().size(), 2U);
    EXPECT_EQ(sym.group()[1][t0], t0) << "the slice user stays";
}

// model-part2.md 4.6: on 7.0.y no state of a preset with a V1 slice user holds a grant, with
// the task free to try prctl SET (the search of OnKernel70yNoV1TaskIsGranted).
TEST(Kernel70y, OnKernel70yNoV1TaskIsGranted) {
    const Scenario sc = make_preset("prctl-v1");
    std::size_t states = 0;
    for (const State& s : testing::reachable_states(sc)) {
        ++states;
        EXPECT_FALSE(s.task(t0).slice_granted);
        EXPECT_FALSE(s.task(t0).slice_enabled);
    }
    EXPECT_GT(states, 10U);
    // the mutation that drops the V2 test does grant
    Scenario mut = sc;
    mut.variant.add(VariantSwitch::MutV1SliceAllowed);
    bool granted = false;
    for (const State& s : testing::reachable_states(mut))
        granted = granted || s.task(t0).slice_granted;
    EXPECT_TRUE(granted);
}

}  // namespace
}  // namespace rseqcheck::test
