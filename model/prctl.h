/// \file
/// prctl(PR_RSEQ_SLICE_EXTENSION): GET and SET of a task's slice extension, with every return
/// of the source (model-part2.md 4.1, D3). The arguments (sub-operation, arg3, arg4/arg5)
/// are a nondeterministic choice of the body step; the return value travels in the Action as
/// its branch (prctl_return() in model/action.h gives the number).
/// Kernel: kernel/sys.c:SYSCALL_DEFINE5(prctl) (case PR_RSEQ_SLICE_EXTENSION),
/// kernel/rseq.c:rseq_slice_extension_prctl(), include/linux/rseq.h (the stub without
/// CONFIG_RSEQ_SLICE_EXTENSION).
/// Spec: kernel-model-spec.md 3.14, 7.15.
#pragma once

#include "model/fault.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::prctl {

/// The body of prctl(PR_RSEQ_SLICE_EXTENSION, op, arg3, arg4, arg5), then the syscall exit
/// work (as SyscallBody: on to ExitPrepare). One successor per return:
///  - kernel/sys.c: arg4 or arg5 non-zero: -EINVAL, before anything else;
///  - CONFIG_RSEQ_SLICE_EXTENSION=n (`slice_config = false`): the stub's -ENOTSUPP;
///  - GET: arg3 non-zero: -EINVAL; else ENABLE or 0 from rseq.slice.state.enabled (no
///    registration or key test, D3);
///  - SET, in the source's order: bits other than ENABLE: -EINVAL; key off: -ENOTSUPP; not
///    registered: -ENXIO; 7.0.y/7.1 and not V2 (b9eac6a9): -ENOTSUPP; no change: 0; read
///    rseq->flags (faultable: SIGSEGV, -EFAULT); AVAILABLE, and ENABLED when enabled, must be
///    set (else SIGSEGV, -EFAULT); write flags with ENABLED set or clear (faultable: SIGSEGV,
///    -EFAULT); enabled := the new value; 0;
///  - another sub-operation: -EINVAL.
/// The user accesses run with page faults enabled: a resolved fault sleeps. Nothing another
/// task does changes what the accesses read (only the task writes its own flags and
/// enabled), so the whole effect is made at once and the task then blocks until the page is
/// in, as SyscallEntryWork does.
struct SysPrctlRseqSlice {
    static constexpr ActionKind kind = ActionKind::SysPrctlRseqSlice;
    static constexpr std::string_view name = "sys_prctl_rseq_slice";
    static constexpr std::string_view kernel =
        "kernel/sys.c:SYSCALL_DEFINE5(prctl) PR_RSEQ_SLICE_EXTENSION -> "
        "kernel/rseq.c:rseq_slice_extension_prctl()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallBody, [&](TaskId t, CpuId c) {
            if (s.task_ext(t).get_syscall() != Syscall::Prctl)
                return;
            const auto plain = [&](Branch b) {
                State n = s;
                n.task(t).set_pc(Pc::ExitPrepare);
                emit(Action{kind, c, t, no_task, Fault::None}.set_branch(b), n);
            };
            plain(Branch::PrctlArgsEinval);  // kernel/sys.c: arg4 || arg5
            if (!sc.slice_config) {
                plain(Branch::PrctlNotConfigured);  // the include/linux/rseq.h stub
                return;
            }
            const Task& task = s.task(t);
            // PR_RSEQ_SLICE_EXTENSION_GET
            plain(Branch::PrctlGetEinval);
            plain(task.slice_enabled ? Branch::PrctlGetEnabled : Branch::PrctlGetDisabled);
            // PR_RSEQ_SLICE_EXTENSION_SET
            plain(Branch::PrctlSetEinval);
            if (!sc.slice_key) {
                plain(Branch::PrctlNoKey);
            } else if (!task.has_rseq) {
                plain(Branch::PrctlNotRegistered);
            } else if (sc.kernel != Kernel::Linux70 && !sc.rseq_v2(s, t) &&
                       !sc.variant.has(VariantSwitch::MutV1SliceAllowed)) {
                plain(Branch::PrctlV1);  // b9eac6a9: slice extensions are V2 only
            } else {
                plain(Branch::PrctlUnchanged);  // enable == enabled
                set(sc, s, t, c, task.slice_enabled == 0, emit);
            }
            plain(Branch::PrctlOpEinval);  // default: of the switch
        });
    }

private:
    /// SET to `enable`, the opposite of the current value: read flags, check, write, commit.
    template <class Emit>
    static void set(const Scenario& sc, const State& s, TaskId t, CpuId c, bool enable,
                    Emit& emit) {
        fault::for_each_outcome(s.task(t), /*can_sleep=*/true, [&](Fault read) {
            State n = s;
            Task& task = n.task(t);
            Action a{kind, c, t, no_task, read};
            bool sleeps = read == Fault::Resolved;
            if (read != Fault::None)
                fault::consume(task);
            if (read == Fault::Unresolvable) {
                die(sc, n, t, c, a.set_branch(Branch::PrctlReadFault), false, emit);
                return;
            }
            // rseq->flags as user memory holds it: SLICE_EXT_AVAILABLE is what sys_rseq()
            // wrote at registration (TaskExt::usr_flags_available, model-part2.md 4.2)
            const bool available = n.task_ext(t).usr_flags_available != 0;
            const bool valid = available && (!task.slice_enabled || task.usr_flags_enabled);
            if (!valid) {
                die(sc, n, t, c, a.set_branch(Branch::PrctlBadFlags), sleeps, emit);
                return;
            }
            fault::for_each_outcome(task, /*can_sleep=*/true, [&](Fault write) {
                State m = n;
                Task& mt = m.task(t);
                Action b = a;
                if (write != Fault::None) {
                    fault::consume(mt);
                    b.fault = write;
                }
                if (write == Fault::Unresolvable) {
                    die(sc, m, t, c, b.set_branch(Branch::PrctlWriteFault),
                        sleeps || write == Fault::Resolved, emit);
                    return;
                }
                if (!sc.variant.has(VariantSwitch::MutPrctlSkipsFlagsWrite))
                    mt.usr_flags_enabled = enable ? 1 : 0;  // AVAILABLE stays set
                mt.slice_enabled = enable ? 1 : 0;
                finish(sc, m, t, c, b.set_branch(Branch::PrctlSet),
                       sleeps || write == Fault::Resolved, emit);
            });
        });
    }

    /// The `die:` label: force_sig(SIGSEGV), return -EFAULT.
    template <class Emit>
    static void die(const Scenario& sc, State& n, TaskId t, CpuId c, const Action& a, bool sleeps,
                    Emit& emit) {
        fault::force_sigsegv(n.task(t));
        finish(sc, n, t, c, a, sleeps, emit);
    }

    /// On to the syscall exit; after a resolved fault the task blocked first.
    template <class Emit>
    static void finish(const Scenario& sc, State& n, TaskId t, CpuId c, const Action& a,
                       bool sleeps, Emit& emit) {
        if (sleeps) {
            sched::schedule(sc, n, c, t, Pc::ExitPrepare, a, emit, sched::Leave::Blocks);
            return;
        }
        n.task(t).set_pc(Pc::ExitPrepare);
        emit(a, n);
    }
};

}  // namespace rseqcheck::prctl
