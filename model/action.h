/// \file
/// The label of one model step: which transition, on which CPU, for which task, with which
/// nondeterministic choices (the kind's typed parameter, fault, the task the scheduler
/// switched to).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "model/state.h"
#include "util/input_error.h"

namespace rseqcheck {

enum class ActionKind : std::uint8_t {
    // user mode of a task (model/user.h)
    SliceRequest,
    SliceEnd,
    UserWriteAny,
    SyscallEnter,
    UserException,
    WaiterSleeps,
    UserEnterRseqCs,
    UserCommitRseqCs,
    // interrupts and IPIs on a CPU (model/irq_entry.h, model/slice_timer.h)
    IrqWakeup,
    IrqTick,
    IrqTaskWork,
    IrqSignal,
    IpiMembarrier,
    IpiResched,
    SliceTimerFires,
    TickPreemptFair,
    // the exit-to-user path (model/exit_to_user_mode.h, slice_grant.h, rseq_slowpath.h)
    ExitPrepare,
    LoopResched,
    GrantUserAccess,
    GrantCommit,
    GrantClearResched,
    GrantClearFolded,
    LoopSignal,
    LoopNotifyResume,
    SlowpathUpdate,
    LoopReread,
    ExitRestart,
    // syscall entry and body (model/syscall.h)
    SyscallEntryWork,
    SyscallSliceRevoke,
    SyscallSliceResched,
    SyscallSliceClear,
    SyscallBody,
    // scheduler and environment (model/sched.h, model/slice_timer.h)
    RemoteWakeup,
    Migrate,
    IdleSchedule,
    SliceDeadlinePasses,
    // kernel "7.1": the grant wrapper's deferred hrtimer rearm (model/slice_grant.h)
    GrantRearm,
    GrantRearmUnlock,
    // syscall_trace_enter() after the slice work: ptrace, seccomp (model/syscall.h)
    SyscallTraceEnter,
    // model-part2 area 4: the adversarial user's writes of rseq_cs and the IDs (model/user.h)
    UserWriteRseqFields,
    // sys_rseq() registration life cycle (model/registration.h)
    SysRseq,
    RseqUnregisterResetIds,
    RseqReset,
    RseqResetRest,
    // model-part2 area 2b/2c: prctl(PR_RSEQ_SLICE_EXTENSION), clone, execve
    // (model/prctl.h, model/fork_exec.h)
    SysPrctlRseqSlice,
    SysClone,
    SysExecve,
};
inline constexpr std::size_t action_kind_count =
    static_cast<std::size_t>(ActionKind::SysExecve) + 1;

/// How a faultable user access went (spec 3.18).
enum class Fault : std::uint8_t {
    None,          ///< the access succeeded
    Resolved,      ///< page fault resolved; the handler slept (a schedule point) and retried
    Unresolvable,  ///< -EFAULT: the caller's failure path (SIGSEGV, or the slow path)
};

inline constexpr TaskId no_task = 0xFF;

/// The branch a step took where its kernel function decides between paths. `None` is the
/// step's only or main path; the others name the path the way the kernel's comments do.
/// The trace spelling is to_string(Branch) (model/transitions.h): "revoke", "no_request", ...
enum class Branch : std::uint8_t {
    None,
    /// LoopResched: rseq_grant_slice_extension() returned false at G0/G1 (no static key, or
    /// neither enabled on this return nor a live grant): schedule(). SyscallSliceResched:
    /// the folded PREEMPT_NEED_RESCHED bit is set: schedule() at the end of S4 / in S5.
    Schedule,
    /// GrantUserAccess G3: work pending or a live grant: clear slice_ctrl and the grant,
    /// return false, schedule(). SyscallEntryWork S1/S3: the task holds a grant: go on to the
    /// S4 revoke (taken even when S2 also failed).
    Revoke,
    /// GrantUserAccess G4: slice_ctrl.request is clear: return false, schedule().
    NoRequest,
    /// GrantUserAccess G7: the user access failed (-EFAULT): SIGSEGV, schedule().
    /// SyscallEntryWork S2: rseq_slice_validate_ctrl() failed: force_sig(SIGSEGV).
    Sigsegv,
    /// GrantClearResched, fix_grant_denies_after_switch: a switch or membarrier event since
    /// the snapshot denies the grant under the guard: schedule().
    Deny,
    /// LoopSignal: a fatal SIGSEGV is pending: the task dies in do_exit().
    Exit,
    /// LoopNotifyResume: rseq.event.slowpath is set: rseq_handle_slowpath() ran P2.
    Slowpath,
    /// ExitRestart, fix_revoke_reraises_resched / fix_fastpath_revoke_reraises: the fast
    /// path's revoke asked for the reschedule again: the exit loop runs again.
    Reraise,
    /// ExitRestart A1: rseq_arm_slice_extension_timer() found the deadline already passed:
    /// set_need_resched_current(), the exit loop runs again.
    DeadlinePassed,
    /// SyscallEntryWork, `sud`: syscall_user_dispatch() dispatched the syscall (selector
    /// BLOCK or none): SIGSYS forced as a catchable signal, the slice work and body skipped.
    Dispatched,
    /// SyscallEntryWork, `sud`: syscall_user_dispatch() failed fatally (the selector read
    /// faulted, or its value is neither ALLOW nor BLOCK): force_exit_sig(); dispatched.
    DispatchFatal,
    /// SyscallTraceEnter: seccomp skipped the body (SECCOMP_RET_ERRNO / _TRAP): -1.
    Skip,
    /// SyscallTraceEnter: seccomp killed the task (SECCOMP_RET_KILL_*).
    Kill,
    /// SyscallTraceEnter: the task slept (a ptrace syscall-entry stop or a seccomp USER_NOTIF
    /// wait), then the syscall runs.
    SleepRun,
    /// SyscallTraceEnter: the task slept, then the tracer or the supervisor skipped the body.
    SleepSkip,
    /// SyscallTraceEnter: the task slept in its ptrace stop and the tracer rewrote the number.
    SleepRewrite,
    /// SyscallTraceEnter: the task slept in its ptrace stop and the tracer killed it (SIGKILL).
    SleepKill,
    /// SysRseq: registered with RSEQ_FLAG_SLICE_EXT_DEFAULT_ON, returns 0 (None: registered
    /// without it, returns 0).
    DefaultOn,
    /// SysRseq: returns -EINVAL (bad flags, bad length or alignment, another pointer or
    /// length than the registered one, unregistering while not registered).
    Einval,
    /// SysRseq: already registered with the same arguments: returns -EBUSY.
    Ebusy,
    /// SysRseq: another signature than the registered one: returns -EPERM.
    Eperm,
    /// SysRseq: access_ok() failed or the registration's user write faulted: -EFAULT.
    Efault,
    /// SysRseq: RSEQ_FLAG_UNREGISTER with matching arguments: rseq_reset_ids() runs next.
    Unregister,
    // sys_prctl_rseq_slice (model/prctl.h): one branch per return of
    // kernel/sys.c:prctl(PR_RSEQ_SLICE_EXTENSION) -> kernel/rseq.c:rseq_slice_extension_prctl()
    // (model-part2.md 4.1); prctl_return() gives each one's return value.
    PrctlGetDisabled,    ///< GET: 0 (rseq.slice.state.enabled clear)
    PrctlGetEnabled,     ///< GET: PR_RSEQ_SLICE_EXT_ENABLE
    PrctlArgsEinval,     ///< arg4 or arg5 non-zero: -EINVAL (kernel/sys.c)
    PrctlGetEinval,      ///< GET with arg3 non-zero: -EINVAL
    PrctlSetEinval,      ///< SET with bits other than ENABLE: -EINVAL
    PrctlOpEinval,       ///< an unknown sub-operation: -EINVAL
    PrctlNoKey,          ///< SET, rseq_slice_extension_key off: -ENOTSUPP
    PrctlNotRegistered,  ///< SET, no rseq area registered: -ENXIO
    PrctlV1,             ///< SET on 7.0.y/7.1 by a V1 (legacy) registration: -ENOTSUPP
    PrctlUnchanged,      ///< SET to the current value: 0, nothing read or written
    PrctlSet,            ///< SET: flags read, checked, written; enabled changed: 0
    PrctlReadFault,      ///< SET: reading rseq->flags failed: SIGSEGV, -EFAULT
    PrctlBadFlags,       ///< SET: rseq->flags lacks AVAILABLE (or ENABLED while enabled): SIGSEGV,
                         ///< -EFAULT
    PrctlWriteFault,     ///< SET: writing rseq->flags failed: SIGSEGV, -EFAULT
    PrctlNotConfigured,  ///< CONFIG_RSEQ_SLICE_EXTENSION=n: the stub's -ENOTSUPP (GET and SET)
    // sys_clone, sys_execve (model/fork_exec.h)
    CloneVm,             ///< clone(CLONE_VM): the child's rseq is reset (rseq_fork())
    Fork,                ///< fork (no CLONE_VM): the child copies the parent's rseq and memory
    CloneNoSlot,         ///< no free fork-child slot in the scenario: the clone fails (-EAGAIN)
    CloneSignalPending,  ///< a signal is pending: copy_process() returns -ERESTARTNOINTR
    ExecOk,              ///< execve() succeeded: the new image, rseq_execve() -> rseq_reset()
    ExecFail,            ///< execve() failed before the point of no return: rseq_force_update()
};
inline constexpr std::size_t branch_count = static_cast<std::size_t>(Branch::ExecFail) + 1;

/// The value prctl(PR_RSEQ_SLICE_EXTENSION) returns on a sys_prctl_rseq_slice branch
/// (include/uapi/asm-generic/errno-base.h, include/linux/errno.h: ENOTSUPP is 524); 0 for a
/// branch that is not a prctl return.
constexpr int prctl_return(Branch b) {
    constexpr int einval = 22, enxio = 6, efault = 14, enotsupp = 524;
    switch (b) {
    case Branch::PrctlGetEnabled:
        return 1;  // PR_RSEQ_SLICE_EXT_ENABLE
    case Branch::PrctlArgsEinval:
    case Branch::PrctlGetEinval:
    case Branch::PrctlSetEinval:
    case Branch::PrctlOpEinval:
        return -einval;
    case Branch::PrctlNoKey:
    case Branch::PrctlV1:
    case Branch::PrctlNotConfigured:
        return -enotsupp;
    case Branch::PrctlNotRegistered:
        return -enxio;
    case Branch::PrctlReadFault:
    case Branch::PrctlBadFlags:
    case Branch::PrctlWriteFault:
        return -efault;
    default:
        return 0;
    }
}

/// What a kind's parameter is: the one nondeterministic choice or observation, beyond CPU,
/// task, next task and fault, that tells two steps of that kind apart.
enum class ActionParam : std::uint8_t {
    None,       ///< nothing beyond the common fields
    Branch,     ///< the path taken (Branch)
    TiWork,     ///< the thread-flag snapshot read with interrupts off (TIF_* bits)
    Syscall,    ///< the syscall entered or run (Syscall)
    Woken,      ///< the task that try_to_wake_up() in the interrupt woke
    FromCpu,    ///< the CPU the event came from (the waker's, or the migrating task's old CPU)
    SliceCtrl,  ///< the value written to slice_ctrl: request | granted << 1 | reserved << 2
    Granted,    ///< slice_ctrl.granted as the user read it after clearing the request
    RseqCs,     ///< the descriptor user space stored to rseq->rseq_cs (RseqCs)
    /// user_write_rseq_fields: which field and value (rseq_field_write(), 0..8): 0-3 is
    /// rseq->cpu_id_start := that value (3 = RSEQ_CPU_ID_UNINITIALIZED), 4 + c is rseq->rseq_cs
    /// := RseqCs c
    RseqField,
};

/// The RseqField parameter of a cpu_id_start write of `v`, and of an rseq_cs write of `c`.
constexpr std::uint8_t rseq_field_cpu_id_start(unsigned v) {
    return static_cast<std::uint8_t>(v & 0x3U);
}
constexpr std::uint8_t rseq_field_rseq_cs(RseqCs c) {
    return static_cast<std::uint8_t>(4U + static_cast<unsigned>(c));
}
inline constexpr unsigned rseq_field_max = 4U + static_cast<unsigned>(RseqCs::DebugOnlyBad);

/// The parameter each kind carries. No default: a new kind must say what it carries.
constexpr ActionParam action_param(ActionKind k) {
    switch (k) {
    case ActionKind::SliceRequest:
    case ActionKind::UserException:
    case ActionKind::WaiterSleeps:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::IpiResched:
    case ActionKind::SliceTimerFires:
    case ActionKind::TickPreemptFair:
    case ActionKind::GrantCommit:
    case ActionKind::GrantClearFolded:
    case ActionKind::GrantRearm:
    case ActionKind::GrantRearmUnlock:
    case ActionKind::SlowpathUpdate:
    case ActionKind::SyscallSliceRevoke:
    case ActionKind::SyscallSliceClear:
    case ActionKind::IdleSchedule:
    case ActionKind::SliceDeadlinePasses:
    case ActionKind::UserCommitRseqCs:
    case ActionKind::RseqReset:
    case ActionKind::RseqResetRest:
        return ActionParam::None;
    case ActionKind::UserEnterRseqCs:
        return ActionParam::RseqCs;
    case ActionKind::UserWriteRseqFields:
        return ActionParam::RseqField;
    case ActionKind::LoopResched:
    case ActionKind::GrantUserAccess:
    case ActionKind::GrantClearResched:
    case ActionKind::LoopSignal:
    case ActionKind::LoopNotifyResume:
    case ActionKind::ExitRestart:
    case ActionKind::SyscallEntryWork:
    case ActionKind::SyscallSliceResched:
    case ActionKind::SyscallTraceEnter:
    case ActionKind::SysRseq:
    case ActionKind::RseqUnregisterResetIds:
    case ActionKind::SysPrctlRseqSlice:
    case ActionKind::SysClone:
    case ActionKind::SysExecve:
        return ActionParam::Branch;
    case ActionKind::ExitPrepare:
    case ActionKind::LoopReread:
        return ActionParam::TiWork;
    case ActionKind::SyscallEnter:
    case ActionKind::SyscallBody:
        return ActionParam::Syscall;
    case ActionKind::IrqWakeup:
        return ActionParam::Woken;
    case ActionKind::RemoteWakeup:
    case ActionKind::Migrate:
        return ActionParam::FromCpu;
    case ActionKind::UserWriteAny:
        return ActionParam::SliceCtrl;
    case ActionKind::SliceEnd:
        return ActionParam::Granted;
    }
    return ActionParam::None;  // not reached: the switch lists every kind
}

/// The trace spelling of a branch: `"branch": "revoke"` in JSON, ` branch=revoke` in text.
constexpr std::string_view to_string(Branch b) {
    switch (b) {
    case Branch::None:
        return "none";
    case Branch::Schedule:
        return "schedule";
    case Branch::Revoke:
        return "revoke";
    case Branch::NoRequest:
        return "no_request";
    case Branch::Sigsegv:
        return "sigsegv";
    case Branch::Deny:
        return "deny";
    case Branch::Exit:
        return "exit";
    case Branch::Slowpath:
        return "slowpath";
    case Branch::Reraise:
        return "reraise";
    case Branch::DeadlinePassed:
        return "deadline_passed";
    case Branch::Dispatched:
        return "dispatched";
    case Branch::DispatchFatal:
        return "dispatch_fatal";
    case Branch::Skip:
        return "skip";
    case Branch::Kill:
        return "kill";
    case Branch::SleepRun:
        return "sleep_run";
    case Branch::SleepSkip:
        return "sleep_skip";
    case Branch::SleepRewrite:
        return "sleep_rewrite";
    case Branch::SleepKill:
        return "sleep_kill";
    case Branch::DefaultOn:
        return "default_on";
    case Branch::Einval:
        return "einval";
    case Branch::Ebusy:
        return "ebusy";
    case Branch::Eperm:
        return "eperm";
    case Branch::Efault:
        return "efault";
    case Branch::Unregister:
        return "unregister";
    case Branch::PrctlGetDisabled:
        return "get_disabled";
    case Branch::PrctlGetEnabled:
        return "get_enabled";
    case Branch::PrctlArgsEinval:
        return "args_einval";
    case Branch::PrctlGetEinval:
        return "get_einval";
    case Branch::PrctlSetEinval:
        return "set_einval";
    case Branch::PrctlOpEinval:
        return "op_einval";
    case Branch::PrctlNoKey:
        return "no_key_enotsupp";
    case Branch::PrctlNotRegistered:
        return "not_registered_enxio";
    case Branch::PrctlV1:
        return "v1_enotsupp";
    case Branch::PrctlUnchanged:
        return "unchanged";
    case Branch::PrctlSet:
        return "set";
    case Branch::PrctlReadFault:
        return "read_fault_efault";
    case Branch::PrctlBadFlags:
        return "bad_flags_efault";
    case Branch::PrctlWriteFault:
        return "write_fault_efault";
    case Branch::PrctlNotConfigured:
        return "not_configured_enotsupp";
    case Branch::CloneVm:
        return "clone_vm";
    case Branch::Fork:
        return "fork";
    case Branch::CloneNoSlot:
        return "no_slot";
    case Branch::CloneSignalPending:
        return "signal_pending_erestartnointr";
    case Branch::ExecOk:
        return "exec_ok";
    case Branch::ExecFail:
        return "exec_fail";
    }
    return "?";
}

/// The trace spelling of a parameter: the member name in JSON and in text traces.
constexpr std::string_view to_string(ActionParam p) {
    switch (p) {
    case ActionParam::None:
        return "";
    case ActionParam::Branch:
        return "branch";
    case ActionParam::TiWork:
        return "ti_work";
    case ActionParam::Syscall:
        return "syscall";
    case ActionParam::Woken:
        return "woken";
    case ActionParam::FromCpu:
        return "from_cpu";
    case ActionParam::SliceCtrl:
        return "slice_ctrl";
    case ActionParam::Granted:
        return "granted";
    case ActionParam::RseqCs:
        return "rseq_cs";
    case ActionParam::RseqField:
        return "rseq_field";
    }
    return "?";
}

inline constexpr std::array<ActionParam, 9> action_params{
    ActionParam::Branch,  ActionParam::TiWork,  ActionParam::Syscall,
    ActionParam::Woken,   ActionParam::FromCpu, ActionParam::SliceCtrl,
    ActionParam::Granted, ActionParam::RseqCs,  ActionParam::RseqField};

namespace detail {
inline constexpr std::array<Branch, 2> loop_resched_branches{Branch::None, Branch::Schedule};
inline constexpr std::array<Branch, 4> grant_user_access_branches{
    Branch::None, Branch::Revoke, Branch::NoRequest, Branch::Sigsegv};
inline constexpr std::array<Branch, 2> grant_clear_resched_branches{Branch::None, Branch::Deny};
inline constexpr std::array<Branch, 2> loop_signal_branches{Branch::None, Branch::Exit};
inline constexpr std::array<Branch, 2> loop_notify_resume_branches{Branch::None, Branch::Slowpath};
inline constexpr std::array<Branch, 3> exit_restart_branches{Branch::None, Branch::DeadlinePassed,
                                                             Branch::Reraise};
inline constexpr std::array<Branch, 5> syscall_entry_work_branches{
    Branch::None, Branch::Revoke, Branch::Sigsegv, Branch::Dispatched, Branch::DispatchFatal};
inline constexpr std::array<Branch, 2> syscall_slice_resched_branches{Branch::None,
                                                                      Branch::Schedule};
inline constexpr std::array<Branch, 7> syscall_trace_enter_branches{
    Branch::None,      Branch::Skip,         Branch::Kill,     Branch::SleepRun,
    Branch::SleepSkip, Branch::SleepRewrite, Branch::SleepKill};
inline constexpr std::array<Branch, 7> sys_rseq_branches{
    Branch::None,  Branch::DefaultOn, Branch::Einval,    Branch::Ebusy,
    Branch::Eperm, Branch::Efault,    Branch::Unregister};
inline constexpr std::array<Branch, 2> rseq_unregister_branches{Branch::None, Branch::Sigsegv};
inline constexpr std::array<Branch, 15> prctl_branches{
    Branch::PrctlGetDisabled, Branch::PrctlGetEnabled,    Branch::PrctlArgsEinval,
    Branch::PrctlGetEinval,   Branch::PrctlSetEinval,     Branch::PrctlOpEinval,
    Branch::PrctlNoKey,       Branch::PrctlNotRegistered, Branch::PrctlV1,
    Branch::PrctlUnchanged,   Branch::PrctlSet,           Branch::PrctlReadFault,
    Branch::PrctlBadFlags,    Branch::PrctlWriteFault,    Branch::PrctlNotConfigured};
inline constexpr std::array<Branch, 4> clone_branches{
    Branch::CloneVm, Branch::Fork, Branch::CloneNoSlot, Branch::CloneSignalPending};
inline constexpr std::array<Branch, 2> execve_branches{Branch::ExecOk, Branch::ExecFail};
}  // namespace detail

/// The branches kind `k` can take, in the order of the numbers that trace format versions 1
/// and 2 wrote as `arg` (arg N is element N). Empty for a kind without branches.
constexpr std::span<const Branch> branches_of(ActionKind k) {
    switch (k) {
    case ActionKind::LoopResched:
        return detail::loop_resched_branches;
    case ActionKind::GrantUserAccess:
        return detail::grant_user_access_branches;
    case ActionKind::GrantClearResched:
        return detail::grant_clear_resched_branches;
    case ActionKind::LoopSignal:
        return detail::loop_signal_branches;
    case ActionKind::LoopNotifyResume:
        return detail::loop_notify_resume_branches;
    case ActionKind::ExitRestart:
        return detail::exit_restart_branches;
    case ActionKind::SyscallEntryWork:
        return detail::syscall_entry_work_branches;
    case ActionKind::SyscallSliceResched:
        return detail::syscall_slice_resched_branches;
    case ActionKind::SyscallTraceEnter:
        return detail::syscall_trace_enter_branches;
    case ActionKind::SysRseq:
        return detail::sys_rseq_branches;
    case ActionKind::RseqUnregisterResetIds:
        return detail::rseq_unregister_branches;
    case ActionKind::SysPrctlRseqSlice:
        return detail::prctl_branches;
    case ActionKind::SysClone:
        return detail::clone_branches;
    case ActionKind::SysExecve:
        return detail::execve_branches;
    case ActionKind::SliceRequest:
    case ActionKind::SliceEnd:
    case ActionKind::UserWriteAny:
    case ActionKind::SyscallEnter:
    case ActionKind::UserException:
    case ActionKind::WaiterSleeps:
    case ActionKind::IrqWakeup:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::IpiResched:
    case ActionKind::SliceTimerFires:
    case ActionKind::TickPreemptFair:
    case ActionKind::ExitPrepare:
    case ActionKind::GrantCommit:
    case ActionKind::GrantClearFolded:
    case ActionKind::GrantRearm:
    case ActionKind::GrantRearmUnlock:
    case ActionKind::SlowpathUpdate:
    case ActionKind::LoopReread:
    case ActionKind::SyscallSliceRevoke:
    case ActionKind::SyscallSliceClear:
    case ActionKind::SyscallBody:
    case ActionKind::RemoteWakeup:
    case ActionKind::Migrate:
    case ActionKind::IdleSchedule:
    case ActionKind::SliceDeadlinePasses:
    case ActionKind::UserEnterRseqCs:
    case ActionKind::UserCommitRseqCs:
    case ActionKind::UserWriteRseqFields:
    case ActionKind::RseqReset:
    case ActionKind::RseqResetRest:
        return {};
    }
    return {};
}

struct Action {
    ActionKind kind{};
    CpuId cpu = 0;          ///< the CPU the step runs on (target CPU for remote events)
    TaskId task = no_task;  ///< the task whose code runs, or that the event targets
    TaskId next = no_task;  ///< the task schedule() switched to, when the step scheduled
    Fault fault = Fault::None;
    /// A wakeup for which wakeup_preempt() declined: no reschedule was asked (EEVDF).
    bool no_preempt = false;
    /// The storage of the kind's parameter (action_param()). Read and write it only through
    /// the typed members below. It is public so that Action stays an aggregate; outside
    /// this header only tests/checker/reduction_symmetry_test.cpp reads it raw, to order
    /// actions byte by byte.
    std::uint8_t arg = 0;

    constexpr Branch branch() const {
        return action_param(kind) == ActionParam::Branch ? static_cast<Branch>(arg) : Branch::None;
    }
    constexpr std::uint8_t ti_work() const {
        return action_param(kind) == ActionParam::TiWork ? arg : 0;
    }
    constexpr Syscall syscall() const {
        return action_param(kind) == ActionParam::Syscall ? static_cast<Syscall>(arg)
                                                          : Syscall::None;
    }
    constexpr TaskId woken() const {
        return action_param(kind) == ActionParam::Woken ? arg : no_task;
    }
    constexpr CpuId from_cpu() const {
        return action_param(kind) == ActionParam::FromCpu ? arg : 0;
    }
    constexpr std::uint8_t slice_ctrl() const {
        return action_param(kind) == ActionParam::SliceCtrl ? arg : 0;
    }
    constexpr bool granted() const {
        return action_param(kind) == ActionParam::Granted && arg != 0;
    }
    constexpr RseqCs rseq_cs() const {
        return action_param(kind) == ActionParam::RseqCs ? static_cast<RseqCs>(arg) : RseqCs::Null;
    }

    constexpr Action& set_branch(Branch b) { return set(ActionParam::Branch, b); }
    constexpr Action& set_ti_work(std::uint8_t ti_work) {
        return set(ActionParam::TiWork, ti_work);
    }
    constexpr Action& set_syscall(Syscall nr) { return set(ActionParam::Syscall, nr); }
    constexpr Action& set_woken(TaskId w) { return set(ActionParam::Woken, w); }
    constexpr Action& set_from_cpu(CpuId c) { return set(ActionParam::FromCpu, c); }
    constexpr Action& set_slice_ctrl(std::uint8_t v) { return set(ActionParam::SliceCtrl, v); }
    constexpr Action& set_granted(bool g) { return set(ActionParam::Granted, g); }
    constexpr Action& set_rseq_cs(RseqCs c) { return set(ActionParam::RseqCs, c); }
    constexpr std::uint8_t rseq_field() const {
        return action_param(kind) == ActionParam::RseqField ? arg : 0;
    }
    constexpr Action& set_rseq_field(std::uint8_t v) { return set(ActionParam::RseqField, v); }

    /// Same kind and the same parameter (whatever the kind carries).
    constexpr bool same_param(const Action& o) const { return kind == o.kind && arg == o.arg; }

    bool operator==(const Action&) const = default;

private:
    template <class V>
    constexpr Action& set(ActionParam p, V v) {
        RSEQCHECK_CHECK(action_param(kind) == p, "Action: this kind carries another parameter");
        arg = static_cast<std::uint8_t>(v);
        return *this;
    }
};
static_assert(sizeof(Action) == 7, "Action is stored per transition: keep it seven bytes");

/// Every kind with a branch lists its branches, and only those kinds do.
static_assert([] {
    for (std::size_t k = 0; k < action_kind_count; ++k) {
        const auto kind = static_cast<ActionKind>(k);
        if ((action_param(kind) == ActionParam::Branch) == branches_of(kind).empty())
            return false;
    }
    return true;
}());

}  // namespace rseqcheck
