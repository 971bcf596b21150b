/// \file
/// The sys_rseq() registration life cycle: registration (with the ABI version by length, the
/// slice flags, the user-area writes and rseq_force_update()), re-registration, and
/// unregistration with its user ID reset and rseq_reset().
/// Kernel: kernel/rseq.c (sys_rseq(), rseq_reset_ids()), include/linux/rseq.h
/// (rseq_reset(), rseq_force_update()), include/linux/rseq_entry.h
/// (rseq_set_ids_get_csaddr(), rseq_debug_validate_ids()); 7.0.y/7.1: 2cb68e45, e9766e6f,
/// 010b7723, b9eac6a9, 99428157. Design: docs/design/model-part2.md 4.1-4.5.
#pragma once

#include "model/fault.h"
#include "model/rseq_reset.h"
#include "model/sched.h"
#include "model/transition.h"

namespace rseqcheck::registration {

/// 7.0.y and 7.1 carry the stable fixes to the life cycle (model-part2.md decision 2): the
/// ABI version by length (b9eac6a9 + 99428157), 2cb68e45, e9766e6f and 010b7723. 7.0
/// (c17ee635) has none of them.
inline bool has_lifecycle_fixes(const Scenario& sc) {
    return sc.kernel != Kernel::Linux70;
}

/// What sys_rseq() writes to rseq->flags (rseqfl) and keeps in rseq.slice.state.enabled.
struct SliceFlags {
    bool available = false;  ///< RSEQ_CS_FLAG_SLICE_EXT_AVAILABLE
    bool enabled = false;    ///< RSEQ_CS_FLAG_SLICE_EXT_ENABLED
};

/// rseqfl of a registration. CONFIG_RSEQ_SLICE_EXTENSION is on (x86; arm64 cannot select it
/// in 7.0). c17ee635: AVAILABLE whenever compiled in, ENABLED with the static key and
/// RSEQ_FLAG_SLICE_EXT_DEFAULT_ON. 7.0.y/7.1: both only for version 2 (b9eac6a9's `version
/// > 1`, 99428157), and AVAILABLE only with the key on (010b7723; pre_010b7723 drops that).
inline SliceFlags registration_flags(const Scenario& sc, bool version2, bool default_on) {
    if (sc.arch != Arch::X86)
        return {};
    if (!has_lifecycle_fixes(sc))
        return {true, sc.slice_key && default_on};
    if (!version2 && !sc.variant.has(VariantSwitch::MutV1SliceAllowed))
        return {};  // mut_v1_slice_allowed drops b9eac6a9's version test here and in prctl
    const bool available = sc.slice_key || sc.variant.has(VariantSwitch::Pre010b7723);
    return {available, sc.slice_key && default_on};
}

/// The registration's ABI version (99428157): 2 for rseq_len > 32 (with
/// GENERIC_IRQ_ENTRY, which the model assumes for arm64 too, as its V1/V2 split always did),
/// on kernels that know versions; TaskConfig::abi is the length the task registers with.
inline bool registers_v2(const Scenario& sc, TaskId t) {
    return has_lifecycle_fixes(sc) && sc.tasks[t].abi == RseqAbi::V2;
}

/// sys_rseq()'s successful registration (model-part2.md 4.1, registration 4-6): one user
/// write region (rseq_cs, flags, cpu_id_start, cpu_id, node_id, mm_cid, slice_ctrl), then the
/// kernel side: registration, slice_enabled from ENABLED, has_rseq (the version), and
/// rseq_force_update(), so the IDs are written on this syscall's return.
inline void register_task(const Scenario& sc, State& s, TaskId t, bool default_on) {
    Task& task = s.task(t);
    TaskExt& ext = s.task_ext(t);
    const bool v2 = registers_v2(sc, t);
    const SliceFlags fl = registration_flags(sc, v2, default_on);
    ext.set_rseq_cs(RseqCs::Null);  // rseq->rseq_cs = 0: no section is current any more
    task.usr_in_cs = 0;
    ext.ghost_cs_abort_due = 0;
    ext.usr_flags_available = fl.available ? 1 : 0;  // rseq->flags = rseqfl
    task.usr_flags_enabled = fl.enabled ? 1 : 0;
    task.usr_cpu_id_start = kabi::RSEQ_CPU_ID_UNINITIALIZED;
    task.usr_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
    // slice_ctrl.all = 0: always at c17ee635; 7.0.y/7.1 for version 2 only (b9eac6a9)
    if (!has_lifecycle_fixes(sc) || v2) {
        task.usr_slice_request = 0;
        task.usr_slice_granted = 0;
        task.usr_slice_reserved = 0;
        task.kwrite_request = 0;
        task.kwrite_granted = 0;
    }
    task.slice_enabled = fl.enabled ? 1 : 0;
    task.has_rseq = 1;
    ext.has_rseq_v2 = v2 ? 1 : 0;
    sched::rseq_force_update(s, t);
}

/// sys_rseq(): the body of Syscall::Rseq. Its arguments (flags, pointer, length, signature)
/// are chosen here; each distinct return is a branch (Action::branch(): None and DefaultOn
/// return 0). Registered: -EINVAL, -EPERM, -EBUSY with nothing changed, or a matching
/// RSEQ_FLAG_UNREGISTER, which goes on to rseq_reset_ids(). Unregistered: -EINVAL (bad
/// flags, length or alignment; or an unregistration), -EFAULT (access_ok()), or the
/// registration's user write region: it may fault and sleep (the task blocks, the write then
/// completes) or fail (-EFAULT, not registered; the model keeps none of the fields written
/// before the fault: nothing reads an unregistered area).
struct SysRseq {
    static constexpr ActionKind kind = ActionKind::SysRseq;
    static constexpr std::string_view name = "sys_rseq";
    static constexpr std::string_view kernel = "kernel/rseq.c:sys_rseq()";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::SyscallBody, [&](TaskId t, CpuId c) {
            if (s.task_ext(t).get_syscall() != Syscall::Rseq)
                return;
            const auto ret = [&](Branch b) {
                State n = s;
                n.task(t).set_pc(Pc::ExitPrepare);
                emit(Action{kind, c, t, no_task, Fault::None}.set_branch(b), n);
            };
            if (s.task(t).has_rseq) {
                ret(Branch::Einval);  // bad flags; another pointer or length
                ret(Branch::Eperm);   // another signature
                ret(Branch::Ebusy);   // re-registration with the same arguments
                State n = s;
                n.task(t).set_pc(Pc::RseqUnregister);
                emit(Action{kind, c, t, no_task, Fault::None}.set_branch(Branch::Unregister), n);
                return;
            }
            ret(Branch::Einval);  // bad flags, length or alignment; unregistering
            ret(Branch::Efault);  // access_ok()
            fault::for_each_outcome(s.task(t), /*can_sleep=*/true,
                                    [&](Fault f) { write_region(sc, s, t, c, f, emit); });
        });
    }

private:
    template <class Emit>
    static void write_region(const Scenario& sc, const State& s, TaskId t, CpuId c, Fault f,
                             Emit& emit) {
        if (f == Fault::Unresolvable) {  // scoped_user_write_access() -> efault: -EFAULT
            State n = s;
            fault::consume(n.task(t));
            n.task(t).set_pc(Pc::ExitPrepare);
            emit(Action{kind, c, t, no_task, f}.set_branch(Branch::Efault), n);
            return;
        }
        for (const bool default_on : {false, true}) {
            State n = s;
            Action a{kind, c, t, no_task, f};
            a.set_branch(default_on ? Branch::DefaultOn : Branch::None);
            register_task(sc, n, t, default_on);
            if (f == Fault::Resolved) {  // handle_mm_fault() slept; the write then completed
                fault::consume(n.task(t));
                sched::schedule(sc, n, c, t, Pc::ExitPrepare, a, emit, sched::Leave::Blocks);
                continue;
            }
            n.task(t).set_pc(Pc::ExitPrepare);
            emit(a, n);
        }
    }
};

/// Unregistration's rseq_reset_ids(), with page faults enabled. 7.0.y/7.1 (2cb68e45): one
/// write region, cpu_id_start := 0, cpu_id := UNINIT (node_id, mm_cid := 0). 7.0 and
/// pre_2cb68e45: through rseq_set_ids_get_csaddr() with CPU id UNINIT: with the debug key the
/// user IDs are first checked against the cache (rseq_debug_validate_ids(): a mismatch sets
/// `fatal`); then cpu_id_start, cpu_id := UNINIT, slice_ctrl := 0 with the slice key (and,
/// on 7.0.y, for version 2 only), rseq_slice_clear_grant(), the ID cache := UNINIT. A
/// fault may sleep (the task blocks, the write then completes); a failure or mismatch is
/// force_sig(SIGSEGV) and -EFAULT, and the task stays registered.
struct RseqUnregisterResetIds {
    static constexpr ActionKind kind = ActionKind::RseqUnregisterResetIds;
    static constexpr std::string_view name = "rseq_unregister_reset_ids";
    static constexpr std::string_view kernel =
        "kernel/rseq.c:rseq_reset_ids(); at c17ee635 via "
        "include/linux/rseq_entry.h:rseq_set_ids_get_csaddr()";

    /// rseq_reset_ids() goes through rseq_set_ids_get_csaddr() (the form 0f085b41 made it).
    static bool via_set_ids(const Scenario& sc) {
        return !has_lifecycle_fixes(sc) || sc.variant.has(VariantSwitch::Pre2cb68e45);
    }

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::RseqUnregister, [&](TaskId t, CpuId c) {
            fault::for_each_rseq_outcome(s.task(t), /*can_sleep=*/true,
                                         [&](Fault f) { reset_ids(sc, s, t, c, f, emit); });
        });
    }

private:
    template <class Emit>
    static void reset_ids(const Scenario& sc, const State& s, TaskId t, CpuId c, Fault f,
                          Emit& emit) {
        State n = s;
        Task& task = n.task(t);
        Action a{kind, c, t, no_task, f};
        if (f != Fault::None)
            fault::consume(task);
        // rseq_debug_validate_ids(): cpu_id_start must be the cached CPU id, cpu_id the same
        const bool mismatch =
            via_set_ids(sc) && sc.debug_key &&
            (task.usr_cpu_id_start != task.ids_cpu_id || task.usr_cpu_id != task.usr_cpu_id_start);
        if (f == Fault::Unresolvable || mismatch) {
            if (mismatch && f != Fault::Unresolvable)
                task.fatal = 1;
            fault::force_sigsegv(task);  // rseq_reset_ids(): force_sig(SIGSEGV); -EFAULT
            task.set_pc(Pc::ExitPrepare);
            emit(a.set_branch(Branch::Sigsegv), n);
            return;
        }
        if (via_set_ids(sc)) {
            task.usr_cpu_id_start = kabi::RSEQ_CPU_ID_UNINITIALIZED;
            task.usr_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
            if (sc.slice_key && sc.rseq_v2(s, t)) {
                task.usr_slice_request = 0;
                task.usr_slice_granted = 0;
                task.usr_slice_reserved = 0;
                task.kwrite_request = 0;
                task.kwrite_granted = 0;
            }
            task.slice_granted = 0;  // rseq_slice_clear_grant()
            task.ids_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
        } else {
            task.usr_cpu_id_start = 0;
            task.usr_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
        }
        if (f == Fault::Resolved) {  // handle_mm_fault() slept; the write then completed
            sched::schedule(sc, n, c, t, Pc::RseqReset, a, emit, sched::Leave::Blocks);
            return;
        }
        task.set_pc(Pc::RseqReset);
        emit(a, n);
    }
};

/// rseq_reset(): clear the task's rseq data (memset), then the ID cache := UNINIT. With
/// e9766e6f (7.0.y, 7.1) under guard(irqsave): one IRQ-OFF step, and sys_rseq() returns 0.
/// Without it (7.0, pre_e9766e6f) the memset can be interrupted: this step clears the bytes
/// before has_rseq in struct rseq_event (sched_switch, ids_changed, user_irq; and the
/// pointer, which the model does not keep), and the rest follows in rseq_reset_rest
/// (model-part2.md D10: whether the compiled memset tears there is the compiler's choice).
struct RseqReset {
    static constexpr ActionKind kind = ActionKind::RseqReset;
    static constexpr std::string_view name = "rseq_reset";
    static constexpr std::string_view kernel = "include/linux/rseq.h:rseq_reset()";

    static bool torn(const Scenario& sc) {
        return !has_lifecycle_fixes(sc) || sc.variant.has(VariantSwitch::PreE9766e6f);
    }

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::RseqReset, [&](TaskId t, CpuId c) {
            State n = s;
            if (torn(sc)) {
                rseq::reset_task_rseq(n, t, rseq::ResetPart::EventsOnly);
                n.task(t).set_pc(Pc::RseqResetTorn);
            } else {
                rseq::reset_task_rseq(n, t, rseq::ResetPart::Whole);
                n.task(t).set_pc(Pc::ExitPrepare);  // sys_rseq() returns 0
            }
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

/// 7.0 and pre_e9766e6f: the rest of rseq_reset()'s unguarded memset, from has_rseq on
/// (has_rseq and its version, the error bits, the ID cache := UNINIT, the slice state); then
/// sys_rseq() returns 0.
struct RseqResetRest {
    static constexpr ActionKind kind = ActionKind::RseqResetRest;
    static constexpr std::string_view name = "rseq_reset_rest";
    static constexpr std::string_view kernel =
        "include/linux/rseq.h:rseq_reset() (the memset after an interrupt, without e9766e6f)";

    template <class Emit>
    static void expand(const Scenario& sc, const State& s, Emit& emit) {
        for_each_current_at(sc, s, Pc::RseqResetTorn, [&](TaskId t, CpuId c) {
            State n = s;
            rseq::reset_task_rseq(n, t, rseq::ResetPart::Rest);
            n.task(t).set_pc(Pc::ExitPrepare);
            emit(Action{kind, c, t, no_task, Fault::None}, n);
        });
    }
};

}  // namespace rseqcheck::registration
