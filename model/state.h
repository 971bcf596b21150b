/// \file
/// The packed model state: per task the rseq kernel data, thread-info bits, user memory
/// (struct rseq) and the kernel's shadow of its last slice_ctrl write, in two records (Task,
/// 64 bits, and TaskExt, 16 bits); per CPU the current task, the folded preempt bit, the
/// pending scheduler IPI and the slice hrtimer; the scenario's remaining environment budget;
/// and a global environment word (Env). 40 bytes, no pointers, no padding.
/// Kernel: include/linux/rseq_types.h (struct rseq_data), include/uapi/linux/rseq.h.
/// Spec: kernel-model-spec.md 2.1-2.6.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>

#include "model/kabi.h"

namespace rseqcheck {

inline constexpr std::size_t max_cpus = 3;
inline constexpr std::size_t max_tasks = 3;

using TaskId = std::uint8_t;
using CpuId = std::uint8_t;
/// Cpu::curr of a CPU that runs its idle task.
inline constexpr TaskId idle_task = 3;

/// Where in the kernel a task is: each enumerator names the next kernel step it runs.
/// Split points follow the kernel's interrupt-enable points and faultable user accesses.
enum class Pc : std::uint8_t {
    User,                 ///< in user mode, interrupts on
    ExitPrepare,          ///< __exit_to_user_mode_prepare(): IRQ-OFF flag read (spec 3.3 1b)
    LoopResched,          ///< inner loop, IRQ-ON: the reschedule test I2 (spec 3.4)
    GrantUserAccess,      ///< rseq_grant_slice_extension() G2-G5, user access (spec 3.5)
    GrantCommit,          ///< G6, IRQ-ON part: granted := 1, expires
    GrantClearResched,    ///< G6, IRQ-OFF part: clear_tsk_need_resched()
    GrantClearFolded,     ///< mut_no_irq_guard_clear only: the split-off folded-bit clear
    LoopSignal,           ///< I5: arch_do_signal_or_restart()
    LoopNotifyResume,     ///< I6: resume_user_mode_work() -> rseq_handle_slowpath() P1-P3
    SlowpathUpdate,       ///< P4: rseq_update_usr() with page faults enabled
    LoopEnd,              ///< end of the loop body, IRQ-ON: local_irq_disable(), re-read next
    LoopReread,           ///< outer loop after O2: IRQ-OFF re-read of the thread flags
    ExitRestart,          ///< O2: rseq_exit_to_user_mode_restart() (spec 3.6, 3.7)
    SyscallEntryWork,     ///< rseq_syscall_enter_work() S1-S3 (spec 3.9)
    SyscallSliceRevoke,   ///< S4: cancel timer, request resched, yielded
    SyscallSliceResched,  ///< S4 scope end / S5: preempt_enable() / cond_resched()
    SyscallSliceClear,    ///< S6: granted := 0, put_user(0, slice_ctrl)
    SyscallBody,          ///< the syscall itself and syscall_exit_to_user_mode_work()
    GrantRearm,           ///< 7.1: rseq_grant_slice_extension() -> hrtimer_rearm_deferred_tif()
    GrantRearmLocked,     ///< 7.1 pre_ada54c2b: hrtimer_bases.lock held with interrupts on
    RseqUnregister,       ///< sys_rseq() unregistration: rseq_reset_ids(), faultable user write
    RseqReset,            ///< rseq_reset(): IRQ-OFF with e9766e6f (7.0.y, 7.1)
    RseqResetTorn,        ///< rseq_reset() without the guard: event bytes cleared, IRQ-ON
    Dead,                 ///< exited (fatal SIGSEGV)
    /// syscall_trace_enter() after the slice work, IRQ-ON: ptrace's syscall-entry stop and
    /// seccomp (model-part2.md 5.2); only for a task with `ptrace` or `seccomp` set
    SyscallTraceEnter,
};
inline constexpr std::size_t pc_count = static_cast<std::size_t>(Pc::SyscallTraceEnter) + 1;

/// Scheduler state of a task.
enum class Run : std::uint8_t { Running, Runnable, Sleeping, Exited };

/// Which syscall a task is in (TaskExt::syscall_nr, 3 bits). None also stands for a syscall
/// whose body does not run. A scenario offers the first three by default; the others only
/// when its `syscall_kinds` names them (model-part2.md areas 2: registration, prctl, clone,
/// execve).
enum class Syscall : std::uint8_t {
    None,
    RseqSliceYield,  ///< rseq_slice_yield()
    SchedYield,      ///< sched_yield()
    Getpid,          ///< getpid(): any syscall without an rseq effect of its own
    Rseq,            ///< sys_rseq(): register, unregister
    Prctl,           ///< prctl(PR_RSEQ_SLICE_EXTENSION, ...)
    Clone,           ///< clone() / fork()
    Execve,          ///< execve()
};
inline constexpr std::size_t syscall_count = static_cast<std::size_t>(Syscall::Execve) + 1;

/// What the task's rseq->rseq_cs points at (model-part2.md 3.2): nothing, a valid
/// descriptor, or one of the invalid ones the kernel treats differently
/// (include/linux/rseq_entry.h: rseq_update_user_cs(), rseq_debug_update_user_cs()).
/// Whether the user IP lies inside the section is Task::usr_in_cs; Null implies outside.
enum class RseqCs : std::uint8_t {
    Null,        ///< rseq_cs == 0
    Valid,       ///< abort_ip in user space, preceded by the registered signature
    BadAbort,    ///< abort_ip beyond TASK_SIZE or below 4, or a signature mismatch
    KernelAddr,  ///< rseq_cs itself at or above TASK_SIZE: fatal whenever it is evaluated
    /// version or flags non-zero, or abort_ip inside the section: production aborts as for
    /// Valid; the debug evaluator kills the task when the IP is inside
    DebugOnlyBad,
};

/// The documented user protocol (Documentation/userspace-api/rseq.rst), as a small
/// state machine of the slice user: request, critical work, clear, yield if granted.
enum class UserProto : std::uint8_t { Idle, Critical, MustYield, Unused };

/// The fields of the packed state, one list per struct, in storage order. Each entry is
/// X(member, bits, kind, label, format):
///  - member, bits: the bit-field Task, TaskExt, Cpu, Budget or Env declares (Task's are
///    64-bit bit-fields, the others' 16-bit ones with reserved bits after them);
///  - kind: `kernel` (the kernel's own data), `user` (the task's struct rseq in user memory,
///    and what user space saw), `ghost` (history the properties need and the kernel keeps
///    not; `kwrite_*` is the kernel's shadow of its last slice_ctrl write, spec 4), or
///    `budget` (what the scenario still allows);
///  - label: the name a trace prints, in the kernel's spelling;
///  - format: how a trace prints the value (`number`, or a name the value stands for:
///    `pc`, `run`, `syscall`, `proto`, `tif` (TIF names joined with '|'), `tif_bits` (one
///    trace line per TIF bit), `cpu_id`, `curr` (a task or idle)).
/// Everything that lists the fields derives from these lists: the struct declarations below,
/// the trace and JSON tables (model/state_fields.cpp), the raw field table of the
/// perturbation tests and its counts (model/field_access.h). Adding a field is one line.
#define RSEQCHECK_TASK_FIELDS(X)                                                                   \
    /* where and how it runs */                                                                    \
    X(pc, 5, kernel, "pc", pc)                                                                     \
    X(run, 2, kernel, "state", run)                                                                \
    X(cpu, 2, kernel, "task_cpu", number)                                                          \
    X(from_syscall, 1, kernel, "in_syscall", number) /* this kernel entry was a syscall */         \
    /* thread_info */                                                                              \
    X(tif, 6, kernel, "TIF", tif_bits)    /* kabi::TIF_* */                                        \
    X(ti_work, 6, kernel, "ti_work", tif) /* the exit loop's snapshot of tif */                    \
    X(syscall_work_rseq_slice, 1, kernel, "SYSCALL_WORK_SYSCALL_RSEQ_SLICE", number)               \
    /* task_struct::rseq */                                                                        \
    X(user_irq, 1, kernel, "rseq.event.user_irq", number)                                          \
    X(sched_switch, 1, kernel, "rseq.event.sched_switch", number)                                  \
    X(ids_changed, 1, kernel, "rseq.event.ids_changed", number)                                    \
    X(slowpath, 1, kernel, "rseq.event.slowpath", number)                                          \
    X(fatal, 1, kernel, "rseq.event.fatal", number)                                                \
    X(has_rseq, 1, kernel, "rseq.event.has_rseq", number)                                          \
    X(ids_cpu_id, 2, kernel, "rseq.ids.cpu_id", cpu_id)                                            \
    X(slice_enabled, 1, kernel, "rseq.slice.state.enabled", number)                                \
    X(slice_granted, 1, kernel, "rseq.slice.state.granted", number)                                \
    X(slice_yielded, 1, kernel, "rseq.slice.yielded", number)                                      \
    /* abstract deadline: a generation number per grant, and whether the clock passed it */        \
    X(slice_expires, 2, kernel, "rseq.slice.expires", number)                                      \
    X(slice_expired, 1, kernel, "rseq.slice.expires passed", number)                               \
    /* struct rseq in user memory */                                                               \
    X(usr_cpu_id_start, 2, user, "rseq->cpu_id_start", cpu_id)                                     \
    X(usr_cpu_id, 2, user, "rseq->cpu_id", cpu_id)                                                 \
    X(usr_slice_request, 1, user, "slice_ctrl.request", number)                                    \
    X(usr_slice_granted, 1, user, "slice_ctrl.granted", number)                                    \
    X(usr_slice_reserved, 1, user, "slice_ctrl.reserved", number) /* reserved bytes non-zero */    \
    X(usr_flags_enabled, 1, user, "rseq->flags SLICE_EXT_ENABLED", number)                         \
    X(usr_in_cs, 1, user, "rseq_cs (ip in critical section)", number) /* for the rseq_cs part */   \
    X(kwrite_request, 1, ghost, "kernel's last slice_ctrl.request write", number)                  \
    X(kwrite_granted, 1, ghost, "kernel's last slice_ctrl.granted write", number)                  \
    /* what user space saw of the syscall in progress (its number is TaskExt::syscall_nr) */       \
    X(yield_ret, 1, user, "rseq_slice_yield() returned", number)                                   \
    X(sigsegv, 1, kernel, "SIGSEGV pending", number) /* force_sig(SIGSEGV) */                      \
    X(proto, 2, user, "user protocol", proto)                                                      \
    X(sampled_cpu, 2, kernel, "slow path sampled cpu", number) /* sampled in P2, written in P4 */  \
    X(ghost_switched_since_grant, 1, ghost, "switched since grant", number)                        \
    X(ghost_grant_at_syscall_entry, 1, ghost, "granted at syscall entry", number)                  \
    /* per-task environment budget */                                                              \
    X(faults_left, 2, budget, "faults left", number)                                               \
    X(user_writes_left, 3, budget, "user writes left", number)                                     \
    X(syscalls_left, 3, budget, "syscalls left", number)

/// The task's second record (16 bits per task, TaskExt), for the fields that no longer fit
/// Task's 64 bits. Its entries have a sixth column, where a trace prints the field
/// (model/state_fields.cpp): `after_task_row(label)`, as a per-task row after the Task row
/// of that label, or `global_mask_after(label)`, as one global row holding bit t for task
/// t after the global row of that label. Traces and JSON thereby keep the rows they had when
/// these fields lived in Task and Budget.
#define RSEQCHECK_TASK_EXT_FIELDS(X)                                                               \
    X(syscall_nr, 3, kernel, "syscall", syscall,                                                   \
      after_task_row("kernel's last slice_ctrl.granted write"))                                    \
    X(usr_rseq_cs, 3, user, "rseq->rseq_cs", rseq_cs,                                              \
      after_task_row("rseq_cs (ip in critical section)")) /* RseqCs */                             \
    /* Ghost (I8): the task's interrupted user context is inside an rseq critical section */       \
    /* and, since it entered the kernel from user mode, it was switched in, hit by a */            \
    /* membarrier RSEQ IPI or had a signal delivered; cleared when the section is aborted. */      \
    X(ghost_cs_abort_due, 1, ghost, "cs abort due (task mask)", number,                            \
      global_mask_after("membarriers left"))                                                       \
    /* sys_rseq() registration (model-part2.md 4.2): registered with rseq_len > 32 (7.0.y, */      \
    /* 7.1: has_rseq holds the ABI version 2), and the user flags word's AVAILABLE bit */          \
    X(has_rseq_v2, 1, kernel, "rseq.event.has_rseq == 2", number,                                  \
      after_task_row("rseq.event.has_rseq"))                                                       \
    X(usr_flags_available, 1, user, "rseq->flags SLICE_EXT_AVAILABLE", number,                     \
      after_task_row("rseq->flags SLICE_EXT_ENABLED"))                                             \
    /* Ghost (I1, finding F6): since its grant, the task made a syscall that Syscall User */       \
    /* Dispatch diverted before the slice work, so the grant survived it; cleared with the */      \
    /* grant (G3, S6, the exit path's slice reset) and by a new grant (G5). */                     \
    X(ghost_dispatched_since_grant, 1, ghost, "dispatched since grant", number,                    \
      after_task_row("switched since grant"))                                                      \
    /* Ghost (I15, finding F5): the `yielded` set is the one S4 recorded for an */                 \
    /* rseq_slice_yield() that ptrace or seccomp then skipped or renumbered (its body did not */   \
    /* run); cleared when `yielded` is written again. */                                           \
    X(ghost_yield_skipped, 1, ghost, "yielded left by a skipped yield", number,                    \
      after_task_row("granted at syscall entry"))

#define RSEQCHECK_CPU_FIELDS(X)                                                                    \
    X(curr, 2, kernel, "curr", curr)                                                               \
    X(preempt_need_resched, 1, kernel, "PREEMPT_NEED_RESCHED", number) /* folded in preempt */     \
    X(ipi_pending, 1, kernel, "scheduler IPI pending", number)                                     \
    X(slice_timer_armed, 1, kernel, "hrtimer armed", number)     /* slice_timer.timer queued */    \
    X(slice_timer_cookie, 2, kernel, "slice_timer.cookie", curr) /* never cleared */               \
    X(slice_timer_expires, 2, kernel, "hrtimer expires", number) /* the grant generation */        \
    /* Ghost (spec I12): a grant on this CPU erased the current task's reschedule request */       \
    /* (G6) and no schedule() ran on this CPU, nor did the task enter a syscall, since. */         \
    X(ghost_resched_erased, 1, ghost, "reschedule erased by grant", number)                        \
    /* Ghost (spec I12 as amended by 7.7): the same, but also cleared when the exit path's */      \
    /* rseq update revokes the grant silently (F1/F2/P4 slice reset). */                           \
    X(ghost_erased_unrevoked, 1, ghost, "erased, grant not revoked", number)                       \
    /* Ghost (yield-schedules): S4 recorded a yield of the current task and no schedule() */       \
    /* has run on this CPU since. */                                                               \
    X(ghost_yield_unscheduled, 1, ghost, "yield not yet scheduled", number)                        \
    /* kernel "7.1" only (15dd3a94): hrtimer_cpu_base::deferred_rearm, the clockevent is */        \
    /* left unprogrammed until __hrtimer_rearm_deferred() runs; and this CPU's */                  \
    /* hrtimer_bases.lock held by task context (__hrtimer_rearm_deferred()) */                     \
    X(deferred_rearm, 1, kernel, "hrtimer_cpu_base.deferred_rearm", number)                        \
    X(hrtimer_lock, 1, kernel, "hrtimer_bases.lock held by task", number)

/// The global environment budget: how many more of each event the scenario allows.
#define RSEQCHECK_BUDGET_FIELDS(X)                                                                 \
    X(wakeups, 3, budget, "wakeups left", number) /* local interrupt or remote CPU */              \
    X(irqs, 3, budget, "irqs left", number)       /* other device interrupts (tick, task_work) */  \
    X(migrations, 2, budget, "migrations left", number) /* load-balancer migrations */             \
    X(signals, 2, budget, "signals left", number)                                                  \
    X(membarriers, 2, budget, "membarriers left", number) /* PRIVATE_EXPEDITED_RSEQ IPIs */

/// The global environment word (Env): none yet, 16 bits reserved (model-part2.md section 2:
/// for the 7.1 hrtimer_bases.lock holders).
#define RSEQCHECK_ENV_FIELDS(X)

#define RSEQCHECK_DECLARE_U64_FIELD(name, bits, ...) std::uint64_t name : bits;
#define RSEQCHECK_DECLARE_U16_FIELD(name, bits, ...) std::uint16_t name : bits;
#define RSEQCHECK_DECLARE_MAX(name, bits, ...) inline constexpr unsigned name = (1U << (bits)) - 1U;
#define RSEQCHECK_FIELD_WIDTH(name, bits, ...) bits,
// Expands to "+1" after a leading 0 (`0 LIST(RSEQCHECK_FIELD_COUNT)`): it cannot be parenthesised.
#define RSEQCHECK_FIELD_COUNT(...) +1  // NOLINT(bugprone-macro-parentheses)

/// The largest value each field holds, by member name (task_field_max::pc is 31).
namespace task_field_max {
RSEQCHECK_TASK_FIELDS(RSEQCHECK_DECLARE_MAX)
}
namespace task_ext_field_max {
RSEQCHECK_TASK_EXT_FIELDS(RSEQCHECK_DECLARE_MAX)
}
namespace cpu_field_max {
RSEQCHECK_CPU_FIELDS(RSEQCHECK_DECLARE_MAX)
}
namespace budget_field_max {
RSEQCHECK_BUDGET_FIELDS(RSEQCHECK_DECLARE_MAX)
}
namespace env_field_max {
RSEQCHECK_ENV_FIELDS(RSEQCHECK_DECLARE_MAX)
}

// Every value of the enumerations fits the field that holds it.
static_assert(pc_count - 1 <= task_field_max::pc);
static_assert(static_cast<unsigned>(Run::Exited) <= task_field_max::run);
static_assert(syscall_count - 1 <= task_ext_field_max::syscall_nr);
static_assert(static_cast<unsigned>(UserProto::Unused) <= task_field_max::proto);
static_assert(static_cast<unsigned>(RseqCs::DebugOnlyBad) <= task_ext_field_max::usr_rseq_cs);
static_assert(kabi::TIF_MODELLED == task_field_max::tif);
static_assert(max_cpus - 1 <= task_field_max::cpu && idle_task <= cpu_field_max::curr);

/// One task. 64 bits: the fields of RSEQCHECK_TASK_FIELDS, none reserved.
struct Task {
    RSEQCHECK_TASK_FIELDS(RSEQCHECK_DECLARE_U64_FIELD)

    Pc get_pc() const { return static_cast<Pc>(pc); }
    void set_pc(Pc p) { pc = static_cast<unsigned>(p) & task_field_max::pc; }
    Run get_run() const { return static_cast<Run>(run); }
    void set_run(Run r) { run = static_cast<unsigned>(r) & task_field_max::run; }
    UserProto get_proto() const { return static_cast<UserProto>(proto); }
    void set_proto(UserProto p) { proto = static_cast<unsigned>(p) & task_field_max::proto; }
    bool tif_set(std::uint8_t bits) const { return (tif & bits) != 0; }
    void set_tif(std::uint8_t bits) { tif = (tif | bits) & task_field_max::tif; }
    void clear_tif(std::uint8_t bits) { tif = tif & ~unsigned{bits} & task_field_max::tif; }
    /// rseq.event.events = 0: user_irq, sched_switch, ids_changed.
    void clear_events() {
        user_irq = 0;
        sched_switch = 0;
        ids_changed = 0;
    }
    bool in_user() const { return get_pc() == Pc::User; }
    bool running() const { return get_run() == Run::Running; }
};

/// The rest of one task. 16 bits: the fields of RSEQCHECK_TASK_EXT_FIELDS, 5 reserved.
struct TaskExt {
    RSEQCHECK_TASK_EXT_FIELDS(RSEQCHECK_DECLARE_U16_FIELD)
    std::uint16_t reserved : 5;

    Syscall get_syscall() const { return static_cast<Syscall>(syscall_nr); }
    void set_syscall(Syscall n) {
        syscall_nr = static_cast<unsigned>(n) & task_ext_field_max::syscall_nr;
    }
    RseqCs get_rseq_cs() const { return static_cast<RseqCs>(usr_rseq_cs); }
    void set_rseq_cs(RseqCs c) {
        usr_rseq_cs = static_cast<unsigned>(c) & task_ext_field_max::usr_rseq_cs;
    }
};

/// One CPU. 16 bits.
struct Cpu {
    RSEQCHECK_CPU_FIELDS(RSEQCHECK_DECLARE_U16_FIELD)
    std::uint16_t reserved : 2;
};

/// Global environment budget. 16 bits.
struct Budget {
    RSEQCHECK_BUDGET_FIELDS(RSEQCHECK_DECLARE_U16_FIELD)
    std::uint16_t reserved : 4;
};

/// Global environment word. 16 bits.
struct Env {
    RSEQCHECK_ENV_FIELDS(RSEQCHECK_DECLARE_U16_FIELD)
    std::uint16_t reserved : 16;
};

#undef RSEQCHECK_DECLARE_U64_FIELD
#undef RSEQCHECK_DECLARE_U16_FIELD
#undef RSEQCHECK_DECLARE_MAX

/// The widths of each list's fields, in list order (their number is the list's length).
inline constexpr auto task_field_widths =
    std::to_array<unsigned>({RSEQCHECK_TASK_FIELDS(RSEQCHECK_FIELD_WIDTH)});
inline constexpr auto task_ext_field_widths =
    std::to_array<unsigned>({RSEQCHECK_TASK_EXT_FIELDS(RSEQCHECK_FIELD_WIDTH)});
inline constexpr auto cpu_field_widths =
    std::to_array<unsigned>({RSEQCHECK_CPU_FIELDS(RSEQCHECK_FIELD_WIDTH)});
inline constexpr auto budget_field_widths =
    std::to_array<unsigned>({RSEQCHECK_BUDGET_FIELDS(RSEQCHECK_FIELD_WIDTH)});
// Counted, not deduced: the list may be empty (std::to_array cannot make a zero-size array).
inline constexpr std::array<unsigned, 0 RSEQCHECK_ENV_FIELDS(RSEQCHECK_FIELD_COUNT)>
    env_field_widths{RSEQCHECK_ENV_FIELDS(RSEQCHECK_FIELD_WIDTH)};
#undef RSEQCHECK_FIELD_WIDTH
#undef RSEQCHECK_FIELD_COUNT

constexpr unsigned total_bits(std::span<const unsigned> widths) {
    unsigned sum = 0;
    for (const unsigned w : widths)
        sum += w;
    return sum;
}
// The lists account for every bit: no field is declared outside them but `reserved`.
static_assert(total_bits(task_field_widths) == 64);
static_assert(total_bits(task_ext_field_widths) + 5 == 16);
static_assert(total_bits(cpu_field_widths) + 2 == 16);
static_assert(total_bits(budget_field_widths) + 4 == 16);
static_assert(total_bits(env_field_widths) + 16 == 16);

/// Storage order: the task records, then the CPU records with the budget, then the task
/// extensions with the environment word; each group fills whole 8-byte words, which the
/// compressed store (checker/tree_store.h) takes as its leaves.
struct State {
    std::array<Task, max_tasks> tasks;
    std::array<Cpu, max_cpus> cpus;
    Budget budget;
    std::array<TaskExt, max_tasks> task_exts;
    Env env;

    Task& task(TaskId t) { return tasks[t]; }
    const Task& task(TaskId t) const { return tasks[t]; }
    TaskExt& task_ext(TaskId t) { return task_exts[t]; }
    const TaskExt& task_ext(TaskId t) const { return task_exts[t]; }
    Cpu& cpu(CpuId c) { return cpus[c]; }
    const Cpu& cpu(CpuId c) const { return cpus[c]; }
    /// The CPU a running task is current on.
    CpuId cpu_of(TaskId t) const { return static_cast<CpuId>(tasks[t].cpu); }
    /// Byte equality: the state has no padding (checked below).
    bool operator==(const State& o) const { return std::memcmp(this, &o, sizeof(State)) == 0; }
};

static_assert(sizeof(Task) == 8);
static_assert(sizeof(TaskExt) == 2);
static_assert(sizeof(Cpu) == 2);
static_assert(sizeof(Budget) == 2 && sizeof(Env) == 2);
static_assert(sizeof(State) == 40);
static_assert(std::is_trivially_copyable_v<State>);
static_assert(std::has_unique_object_representations_v<State>);

}  // namespace rseqcheck
