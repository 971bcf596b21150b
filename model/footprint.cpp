#include "model/footprint.h"

#include "model/transition.h"

namespace rseqcheck {

namespace {

#define RSEQCHECK_TASK_ACCESS(field, bits)                                                         \
    FieldAccess {                                                                                  \
#field, bits, [](const State& s, std::size_t o) -> unsigned {                              \
            return s.tasks[o].field;                                                               \
        }, [](State & s, std::size_t o, unsigned v) {                                              \
            s.tasks[o].field = v & ((1U << (bits)) - 1U);                                          \
        }                                                                                          \
    }
#define RSEQCHECK_CPU_ACCESS(field, bits)                                                          \
    FieldAccess {                                                                                  \
#field, bits, [](const State& s, std::size_t o) -> unsigned {                              \
            return s.cpus[o].field;                                                                \
        }, [](State & s, std::size_t o, unsigned v) {                                              \
            s.cpus[o].field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));               \
        }                                                                                          \
    }
#define RSEQCHECK_GLOBAL_ACCESS(field, bits)                                                       \
    FieldAccess {                                                                                  \
#field, bits, [](const State& s, std::size_t) -> unsigned {                                \
            return s.budget.field;                                                                 \
        }, [](State & s, std::size_t, unsigned v) {                                                \
            s.budget.field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));                \
        }                                                                                          \
    }

const std::array<FieldAccess, task_field_count> task_access{{
    RSEQCHECK_TASK_ACCESS(pc, 5),
    RSEQCHECK_TASK_ACCESS(run, 2),
    RSEQCHECK_TASK_ACCESS(cpu, 2),
    RSEQCHECK_TASK_ACCESS(from_syscall, 1),
    RSEQCHECK_TASK_ACCESS(tif, 5),
    RSEQCHECK_TASK_ACCESS(ti_work, 5),
    RSEQCHECK_TASK_ACCESS(syscall_work_rseq_slice, 1),
    RSEQCHECK_TASK_ACCESS(user_irq, 1),
    RSEQCHECK_TASK_ACCESS(sched_switch, 1),
    RSEQCHECK_TASK_ACCESS(ids_changed, 1),
    RSEQCHECK_TASK_ACCESS(slowpath, 1),
    RSEQCHECK_TASK_ACCESS(fatal, 1),
    RSEQCHECK_TASK_ACCESS(has_rseq, 1),
    RSEQCHECK_TASK_ACCESS(ids_cpu_id, 2),
    RSEQCHECK_TASK_ACCESS(slice_enabled, 1),
    RSEQCHECK_TASK_ACCESS(slice_granted, 1),
    RSEQCHECK_TASK_ACCESS(slice_yielded, 1),
    RSEQCHECK_TASK_ACCESS(slice_expires, 2),
    RSEQCHECK_TASK_ACCESS(slice_expired, 1),
    RSEQCHECK_TASK_ACCESS(usr_cpu_id_start, 2),
    RSEQCHECK_TASK_ACCESS(usr_cpu_id, 2),
    RSEQCHECK_TASK_ACCESS(usr_slice_request, 1),
    RSEQCHECK_TASK_ACCESS(usr_slice_granted, 1),
    RSEQCHECK_TASK_ACCESS(usr_slice_reserved, 1),
    RSEQCHECK_TASK_ACCESS(usr_flags_enabled, 1),
    RSEQCHECK_TASK_ACCESS(kwrite_request, 1),
    RSEQCHECK_TASK_ACCESS(kwrite_granted, 1),
    RSEQCHECK_TASK_ACCESS(syscall_nr, 2),
    RSEQCHECK_TASK_ACCESS(yield_ret, 1),
    RSEQCHECK_TASK_ACCESS(sigsegv, 1),
    RSEQCHECK_TASK_ACCESS(proto, 2),
    RSEQCHECK_TASK_ACCESS(sampled_cpu, 2),
    RSEQCHECK_TASK_ACCESS(ghost_switched_since_grant, 1),
    RSEQCHECK_TASK_ACCESS(ghost_grant_at_syscall_entry, 1),
    RSEQCHECK_TASK_ACCESS(faults_left, 2),
    RSEQCHECK_TASK_ACCESS(user_writes_left, 3),
    RSEQCHECK_TASK_ACCESS(syscalls_left, 3),
    RSEQCHECK_TASK_ACCESS(usr_in_cs, 1),
}};

const std::array<FieldAccess, cpu_field_count> cpu_access{{
    RSEQCHECK_CPU_ACCESS(curr, 2),
    RSEQCHECK_CPU_ACCESS(preempt_need_resched, 1),
    RSEQCHECK_CPU_ACCESS(ipi_pending, 1),
    RSEQCHECK_CPU_ACCESS(slice_timer_armed, 1),
    RSEQCHECK_CPU_ACCESS(slice_timer_cookie, 2),
    RSEQCHECK_CPU_ACCESS(slice_timer_expires, 2),
    RSEQCHECK_CPU_ACCESS(ghost_resched_erased, 1),
    RSEQCHECK_CPU_ACCESS(ghost_erased_unrevoked, 1),
    RSEQCHECK_CPU_ACCESS(ghost_yield_unscheduled, 1),
}};

const std::array<FieldAccess, global_field_count> global_access{{
    RSEQCHECK_GLOBAL_ACCESS(wakeups, 3),
    RSEQCHECK_GLOBAL_ACCESS(irqs, 3),
    RSEQCHECK_GLOBAL_ACCESS(migrations, 2),
    RSEQCHECK_GLOBAL_ACCESS(signals, 2),
    RSEQCHECK_GLOBAL_ACCESS(membarriers, 2),
}};

#undef RSEQCHECK_TASK_ACCESS
#undef RSEQCHECK_CPU_ACCESS
#undef RSEQCHECK_GLOBAL_ACCESS

bool real_task(const Scenario& sc, unsigned t) {
    return t < sc.task_count();
}

/// The exit loop's flag re-reads (ExitPrepare, LoopReread): they read the TIF word and,
/// when no work is left, return_to_user() clears the events and the syscall state.
constexpr FieldMask reread_reads = bit(TaskField::Pc) | bit(TaskField::Tif) |
                                   bit(TaskField::FromSyscall) | bit(TaskField::UserIrq) |
                                   bit(TaskField::SchedSwitch) | bit(TaskField::IdsChanged);
constexpr FieldMask reread_writes = bit(TaskField::Pc) | bit(TaskField::TiWork) |
                                    bit(TaskField::FromSyscall) | bit(TaskField::SyscallNr) |
                                    bit(TaskField::UserIrq) | bit(TaskField::SchedSwitch) |
                                    bit(TaskField::IdsChanged);

/// kernel/sched/core.c:schedule() as modelled in model/sched.h: it scans every task's
/// state and CPU for a runnable candidate and, when it switched, writes the next task
/// (context_switch(): state, CPU, rseq events, TIF_RSEQ, the switch ghost).
void add_schedule(const Scenario& sc, const Action& a, Footprint& fp) {
    if (a.next == no_task)
        return;
    for (TaskId u = 0; u < sc.task_count(); ++u)
        fp.reads.task[u] |= bit(TaskField::Run) | bit(TaskField::Cpu);
    if (a.next != idle_task && a.next != a.task && real_task(sc, a.next)) {
        fp.reads.task[a.next] |= all_task_fields;
        fp.writes.task[a.next] |= all_task_fields;
    }
}

/// The task on `c` whose code the step ran, or no_task.
void add_actor(const Scenario& sc, const Action& a, Footprint& fp) {
    if (a.task != no_task && real_task(sc, a.task)) {
        fp.reads.task[a.task] |= all_task_fields;
        fp.writes.task[a.task] |= all_task_fields;
    }
    fp.reads.cpu[a.cpu] |= all_cpu_fields;
    fp.writes.cpu[a.cpu] |= all_cpu_fields;
}

bool sleeper_on(const Scenario& sc, const State& s, CpuId c, TaskId except) {
    for (TaskId w = 0; w < sc.task_count(); ++w) {
        if (w != except && s.task(w).get_run() == Run::Sleeping && s.task(w).cpu == c)
            return true;
    }
    return false;
}

}  // namespace

std::span<const FieldAccess> task_field_access() {
    return task_access;
}
std::span<const FieldAccess> cpu_field_access() {
    return cpu_access;
}
std::span<const FieldAccess> global_field_access() {
    return global_access;
}

FieldSet& FieldSet::operator|=(const FieldSet& o) {
    for (std::size_t i = 0; i < max_tasks; ++i)
        task[i] |= o.task[i];
    for (std::size_t i = 0; i < max_cpus; ++i)
        cpu[i] |= o.cpu[i];
    global |= o.global;
    return *this;
}

bool FieldSet::intersects(const FieldSet& o) const {
    for (std::size_t i = 0; i < max_tasks; ++i) {
        if ((task[i] & o.task[i]) != 0)
            return true;
    }
    for (std::size_t i = 0; i < max_cpus; ++i) {
        if ((cpu[i] & o.cpu[i]) != 0)
            return true;
    }
    return (global & o.global) != 0;
}

bool FieldSet::empty() const {
    return !intersects(FieldSet{.task = {all_task_fields, all_task_fields, all_task_fields},
                                .cpu = {all_cpu_fields, all_cpu_fields, all_cpu_fields},
                                .global = all_global_fields});
}

bool is_kernel_task_step(ActionKind k) {
    switch (k) {
    case ActionKind::ExitPrepare:
    case ActionKind::LoopResched:
    case ActionKind::GrantUserAccess:
    case ActionKind::GrantCommit:
    case ActionKind::GrantClearResched:
    case ActionKind::GrantClearFolded:
    case ActionKind::LoopSignal:
    case ActionKind::LoopNotifyResume:
    case ActionKind::SlowpathUpdate:
    case ActionKind::LoopReread:
    case ActionKind::ExitRestart:
    case ActionKind::SyscallEntryWork:
    case ActionKind::SyscallSliceRevoke:
    case ActionKind::SyscallSliceResched:
    case ActionKind::SyscallSliceClear:
    case ActionKind::SyscallBody:
        return true;
    default:
        return false;
    }
}

Footprint footprint(const Scenario& sc, const State& s, const Action& a) {
    Footprint fp;
    const CpuId c = a.cpu;
    switch (a.kind) {
    // include/linux/irq-entry-common.h:__exit_to_user_mode_prepare() and the loop's re-read
    // in kernel/entry/common.c:__exit_to_user_mode_loop(): the task's TIF word only.
    case ActionKind::ExitPrepare:
    case ActionKind::LoopReread:
        fp.reads.task[a.task] = reread_reads;
        fp.writes.task[a.task] = reread_writes;
        fp.reads.cpu[c] = bit(CpuField::Curr);  // for_each_current_at(): current on c
        return fp;
    // ktime passes rseq.slice.expires: the task's grant only.
    case ActionKind::SliceDeadlinePasses:
        fp.reads.task[a.task] =
            bit(TaskField::SliceGranted) | bit(TaskField::SliceExpired) | bit(TaskField::Cpu);
        fp.writes.task[a.task] = bit(TaskField::SliceExpired);
        return fp;
    // kernel/sched/core.c:__set_task_cpu(): the migrated task and the budget.
    case ActionKind::Migrate:
        fp.reads.task[a.task] = bit(TaskField::Run) | bit(TaskField::Cpu);
        fp.writes.task[a.task] = bit(TaskField::Cpu) | bit(TaskField::IdsChanged);
        fp.reads.global = fp.writes.global = bit(GlobalField::Migrations);
        return fp;
    // kernel/sched/core.c:try_to_wake_up() -> resched_curr() from another CPU.
    case ActionKind::RemoteWakeup: {
        fp.reads.task[a.task] = bit(TaskField::Run) | bit(TaskField::Cpu);
        fp.writes.task[a.task] = bit(TaskField::Run);
        fp.reads.cpu[c] = bit(CpuField::Curr);
        const unsigned curr = s.cpu(c).curr;
        if (curr != idle_task && real_task(sc, curr)) {
            fp.reads.task[curr] |= bit(TaskField::Tif);
            fp.writes.task[curr] |= bit(TaskField::Tif);
            fp.writes.cpu[c] |= bit(CpuField::IpiPending);
        }
        fp.reads.global = fp.writes.global = bit(GlobalField::Wakeups);
        return fp;
    }
    // kernel/sched/core.c:schedule_idle(): the idle CPU and the task it picks.
    case ActionKind::IdleSchedule:
        add_actor(sc, a, fp);
        return fp;
    default:
        break;
    }
    // Everything else: all of the acting task and CPU, schedule() when it ran, and for the
    // interrupts the budget and the task they wake or the timer's cookie task.
    add_actor(sc, a, fp);
    add_schedule(sc, a, fp);
    switch (a.kind) {
    case ActionKind::IrqWakeup:
        if (real_task(sc, a.arg)) {
            fp.reads.task[a.arg] |= all_task_fields;
            fp.writes.task[a.arg] |= all_task_fields;
        }
        [[fallthrough]];
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
        fp.reads.global = fp.writes.global = all_global_fields;
        break;
    case ActionKind::TickPreemptFair:
        // TickPreemptFair::enabled_on(): whether another fair task waits on the CPU.
        for (TaskId o = 0; o < sc.task_count(); ++o)
            fp.reads.task[o] |= bit(TaskField::Run) | bit(TaskField::Cpu);
        break;
    case ActionKind::SliceTimerFires: {
        // timer_may_fire(): the cookie task's grant and deadline.
        const unsigned owner = s.cpu(c).slice_timer_cookie;
        if (real_task(sc, owner)) {
            fp.reads.task[owner] |= bit(TaskField::SliceGranted) | bit(TaskField::SliceExpires) |
                                    bit(TaskField::SliceExpired);
        }
        break;
    }
    case ActionKind::GrantCommit:
        // The generation check reads every CPU's timer.
        for (CpuId o = 0; o < sc.cpus; ++o) {
            fp.reads.cpu[o] |= bit(CpuField::SliceTimerArmed) | bit(CpuField::SliceTimerCookie) |
                               bit(CpuField::SliceTimerExpires);
        }
        break;
    default:
        break;
    }
    return fp;
}

bool no_interrupt_on(const Scenario& sc, const State& s, CpuId c) {
    const unsigned curr = s.cpu(c).curr;
    if (curr == idle_task || !real_task(sc, curr))
        return false;
    const TaskId t = static_cast<TaskId>(curr);
    if (!irqs_enabled_at(s.task(t).get_pc()))
        return true;
    if (s.task(t).in_user())
        return false;  // exceptions from user mode
    const Budget& b = s.budget;
    const bool wake_on_c = b.wakeups > 0 && sleeper_on(sc, s, c, t);
    // The tick that ends a used-up slice needs no budget: it may come while another task
    // waits, or once one is woken (anywhere: the load balancer may bring it to c).
    bool other_waits = false;
    for (TaskId o = 0; o < sc.task_count(); ++o) {
        const Run r = s.task(o).get_run();
        other_waits = other_waits ||
                      (o != t && (r == Run::Runnable || (r == Run::Sleeping && b.wakeups > 0)));
    }
    const bool tick = is_slice_user(sc, t) && !sc.tasks[t].rt && other_waits;
    return b.irqs == 0 && b.signals == 0 && b.membarriers == 0 && !wake_on_c && !tick &&
           !s.cpu(c).ipi_pending && !s.cpu(c).slice_timer_armed;
}

Footprint interference(const Scenario& sc, const State& s, TaskId t, CpuId c) {
    Footprint fp;
    // Scans of schedule(), schedule_idle(), the wakeups and the migration.
    fp.reads.task[t] = bit(TaskField::Run) | bit(TaskField::Cpu);
    // Another CPU's slice timer whose cookie is t (it ran there before a migration).
    fp.reads.task[t] |=
        bit(TaskField::SliceGranted) | bit(TaskField::SliceExpires) | bit(TaskField::SliceExpired);
    // G6's generation check on another CPU reads every CPU's timer.
    fp.reads.cpu[c] = bit(CpuField::SliceTimerArmed) | bit(CpuField::SliceTimerCookie) |
                      bit(CpuField::SliceTimerExpires);
    // A remote wakeup of a task sleeping on c: resched_curr() on t, the IPI to c.
    if (sc.cpus >= 2 && s.budget.wakeups > 0 && sleeper_on(sc, s, c, t)) {
        fp.reads.task[t] |= bit(TaskField::Tif);
        fp.writes.task[t] |= bit(TaskField::Tif);
        fp.reads.cpu[c] |= bit(CpuField::Curr);
        fp.writes.cpu[c] |= bit(CpuField::IpiPending);
    }
    // The clock passes t's live grant's deadline.
    if (s.task(t).slice_granted && !s.task(t).slice_expired)
        fp.writes.task[t] |= bit(TaskField::SliceExpired);
    return fp;
}

}  // namespace rseqcheck
