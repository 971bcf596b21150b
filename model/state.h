/// \file
/// The packed model state: per task the rseq kernel data, thread-info bits, user memory
/// (struct rseq) and the kernel's shadow of its last slice_ctrl write; per CPU the current
/// task, the folded preempt bit, the pending scheduler IPI and the slice hrtimer; and the
/// scenario's remaining environment budget. 32 bytes, no pointers, no padding.
/// Kernel: include/linux/rseq_types.h (struct rseq_data), include/uapi/linux/rseq.h.
/// Spec: kernel-model-spec.md 2.1-2.6.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
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
    Dead,                 ///< exited (fatal SIGSEGV)
};
inline constexpr std::size_t pc_count = static_cast<std::size_t>(Pc::Dead) + 1;

/// Scheduler state of a task.
enum class Run : std::uint8_t { Running, Runnable, Sleeping, Exited };

/// Which syscall a task is in (the model distinguishes these three).
enum class Syscall : std::uint8_t { None, RseqSliceYield, SchedYield, Getpid };

/// The documented user protocol (Documentation/userspace-api/rseq.rst), as a small
/// state machine of the slice user: request, critical work, clear, yield if granted.
enum class UserProto : std::uint8_t { Idle, Critical, MustYield, Unused };

/// One task. 64 bits. Field names are the kernel's; `usr_*` are fields of the task's
/// struct rseq in user memory, `kwrite_*` the kernel's shadow of its last slice_ctrl write
/// (spec 4, notation kwrite), `ghost_*` history the properties need and the kernel keeps not.
struct Task {
    // where and how it runs
    std::uint64_t pc : 5;            ///< Pc
    std::uint64_t run : 2;           ///< Run
    std::uint64_t cpu : 2;           ///< task_cpu()
    std::uint64_t from_syscall : 1;  ///< the current kernel entry was a syscall
    // thread_info
    std::uint64_t tif : 5;                      ///< kabi::TIF_* bits
    std::uint64_t ti_work : 5;                  ///< the exit loop's snapshot of tif
    std::uint64_t syscall_work_rseq_slice : 1;  ///< SYSCALL_WORK_SYSCALL_RSEQ_SLICE
    // task_struct::rseq
    std::uint64_t user_irq : 1;
    std::uint64_t sched_switch : 1;
    std::uint64_t ids_changed : 1;
    std::uint64_t slowpath : 1;
    std::uint64_t fatal : 1;
    std::uint64_t has_rseq : 1;
    std::uint64_t ids_cpu_id : 2;  ///< rseq.ids.cpu_id (kabi::RSEQ_CPU_ID_UNINITIALIZED)
    std::uint64_t slice_enabled : 1;
    std::uint64_t slice_granted : 1;
    std::uint64_t slice_yielded : 1;
    std::uint64_t slice_expires : 2;  ///< abstract deadline: a generation number per grant
    std::uint64_t slice_expired : 1;  ///< the clock has passed slice_expires
    // struct rseq in user memory
    std::uint64_t usr_cpu_id_start : 2;
    std::uint64_t usr_cpu_id : 2;
    std::uint64_t usr_slice_request : 1;   ///< slice_ctrl.request
    std::uint64_t usr_slice_granted : 1;   ///< slice_ctrl.granted
    std::uint64_t usr_slice_reserved : 1;  ///< slice_ctrl reserved bytes non-zero
    std::uint64_t usr_flags_enabled : 1;   ///< flags & RSEQ_CS_FLAG_SLICE_EXT_ENABLED
    std::uint64_t kwrite_request : 1;
    std::uint64_t kwrite_granted : 1;
    // the syscall in progress and what user space saw
    std::uint64_t syscall_nr : 2;   ///< Syscall
    std::uint64_t yield_ret : 1;    ///< last return value of rseq_slice_yield()
    std::uint64_t sigsegv : 1;      ///< a fatal SIGSEGV is pending (force_sig)
    std::uint64_t proto : 2;        ///< UserProto
    std::uint64_t sampled_cpu : 2;  ///< the CPU the slow path sampled in P2, written in P4
    std::uint64_t ghost_switched_since_grant : 1;
    std::uint64_t ghost_grant_at_syscall_entry : 1;
    // per-task environment budget
    std::uint64_t faults_left : 2;
    std::uint64_t user_writes_left : 3;
    std::uint64_t syscalls_left : 3;
    /// Room for the rseq critical-section part of the model (user IP inside rseq_cs).
    std::uint64_t usr_in_cs : 1;

    Pc get_pc() const { return static_cast<Pc>(pc); }
    void set_pc(Pc p) { pc = static_cast<std::uint8_t>(p) & 0x1FU; }
    Run get_run() const { return static_cast<Run>(run); }
    void set_run(Run r) { run = static_cast<std::uint8_t>(r) & 0x3U; }
    Syscall get_syscall() const { return static_cast<Syscall>(syscall_nr); }
    void set_syscall(Syscall n) { syscall_nr = static_cast<std::uint8_t>(n) & 0x3U; }
    UserProto get_proto() const { return static_cast<UserProto>(proto); }
    void set_proto(UserProto p) { proto = static_cast<std::uint8_t>(p) & 0x3U; }
    bool tif_set(std::uint8_t bits) const { return (tif & bits) != 0; }
    void set_tif(std::uint8_t bits) { tif = (tif | bits) & 0x1FU; }
    void clear_tif(std::uint8_t bits) { tif = tif & static_cast<std::uint8_t>(~bits) & 0x1FU; }
    /// rseq.event.events = 0: user_irq, sched_switch, ids_changed.
    void clear_events() {
        user_irq = 0;
        sched_switch = 0;
        ids_changed = 0;
    }
    bool in_user() const { return get_pc() == Pc::User; }
    bool running() const { return get_run() == Run::Running; }
};

/// One CPU. 16 bits.
struct Cpu {
    std::uint16_t curr : 2;                  ///< current task, or idle_task
    std::uint16_t preempt_need_resched : 1;  ///< PREEMPT_NEED_RESCHED folded in preempt_count
    std::uint16_t ipi_pending : 1;           ///< a scheduler IPI sent, not yet taken
    std::uint16_t slice_timer_armed : 1;     ///< slice_timer.timer is queued
    std::uint16_t slice_timer_cookie : 2;    ///< slice_timer.cookie (never cleared)
    std::uint16_t slice_timer_expires : 2;   ///< the grant generation it was armed for
    /// Ghost (spec I12): a grant on this CPU erased the current task's reschedule request
    /// (G6) and no schedule() ran on this CPU, nor did the task enter a syscall, since.
    std::uint16_t ghost_resched_erased : 1;
    /// Ghost (spec I12 as amended by 7.7): the same, but also cleared when the exit path's
    /// rseq update revokes the grant silently (F1/F2/P4 slice reset).
    std::uint16_t ghost_erased_unrevoked : 1;
    /// Ghost (yield-schedules): S4 recorded a yield of the current task and no schedule()
    /// has run on this CPU since.
    std::uint16_t ghost_yield_unscheduled : 1;
    std::uint16_t reserved : 4;
};

/// Global environment budget: how many more of each event the scenario allows.
struct Budget {
    std::uint16_t wakeups : 3;      ///< waiter wakeups (local interrupt or remote CPU)
    std::uint16_t irqs : 3;         ///< other device interrupts (tick, task_work)
    std::uint16_t migrations : 2;   ///< load-balancer migrations of a runnable task
    std::uint16_t signals : 2;      ///< signals sent to a task
    std::uint16_t membarriers : 2;  ///< membarrier(PRIVATE_EXPEDITED_RSEQ) IPIs
    /// Ghost (I8), one bit per task (1 << TaskId): the task's interrupted user context is
    /// inside an rseq critical section and, since it entered the kernel from user mode, it
    /// was switched in, hit by a membarrier RSEQ IPI or had a signal delivered; cleared when
    /// the section is aborted. Kept here because Task has no bit left.
    std::uint16_t ghost_cs_abort_due : 3;
    std::uint16_t reserved : 1;
};

struct State {
    std::array<Task, max_tasks> tasks;
    std::array<Cpu, max_cpus> cpus;
    Budget budget;

    Task& task(TaskId t) { return tasks[t]; }
    const Task& task(TaskId t) const { return tasks[t]; }
    Cpu& cpu(CpuId c) { return cpus[c]; }
    const Cpu& cpu(CpuId c) const { return cpus[c]; }
    /// The CPU a running task is current on.
    CpuId cpu_of(TaskId t) const { return static_cast<CpuId>(tasks[t].cpu); }
    /// Byte equality: the state has no padding (checked below).
    bool operator==(const State& o) const { return std::memcmp(this, &o, sizeof(State)) == 0; }
};

static_assert(sizeof(Task) == 8);
static_assert(sizeof(Cpu) == 2);
static_assert(sizeof(State) == 32);
static_assert(std::is_trivially_copyable_v<State>);
static_assert(std::has_unique_object_representations_v<State>);

}  // namespace rseqcheck
