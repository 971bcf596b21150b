#include "model/state_fields.h"

#include <array>

namespace rseqcheck {

namespace {

std::string pc_text(unsigned v) {
    return v < pc_count ? std::string(to_string(static_cast<Pc>(v))) : std::to_string(v);
}
std::string run_text(unsigned v) {
    return std::string(to_string(static_cast<Run>(v & 0x3U)));
}
std::string syscall_text(unsigned v) {
    return std::string(to_string(static_cast<Syscall>(v & 0x3U)));
}
std::string proto_text(unsigned v) {
    return std::string(to_string(static_cast<UserProto>(v & 0x3U)));
}
/// The packed TIF word as kernel names joined with '|', "0" when empty.
std::string tif_text(unsigned v) {
    constexpr std::array<std::pair<std::uint8_t, std::string_view>, 5> bits{{
        {kabi::TIF_NOTIFY_RESUME, "NOTIFY_RESUME"},
        {kabi::TIF_SIGPENDING, "SIGPENDING"},
        {kabi::TIF_NEED_RESCHED, "NEED_RESCHED"},
        {kabi::TIF_NEED_RESCHED_LAZY, "NEED_RESCHED_LAZY"},
        {kabi::TIF_RSEQ, "RSEQ"},
    }};
    std::string out;
    for (const auto& [bit, name] : bits) {
        if ((v & bit) == 0)
            continue;
        if (!out.empty())
            out += '|';
        out += name;
    }
    return out.empty() ? "0" : out;
}
std::string cpu_id_text(unsigned v) {
    return v == kabi::RSEQ_CPU_ID_UNINITIALIZED ? "RSEQ_CPU_ID_UNINITIALIZED" : std::to_string(v);
}
std::string curr_text(unsigned v) {
    return v == idle_task ? "idle" : "T" + std::to_string(v);
}

// Getters: one per field. Bit-field reads need a function each; the macros below keep the
// table to one line per field without a lambda per row.
#define RSEQCHECK_TASK_FIELD(field)                                                                \
    [](const State& s, std::size_t t) -> unsigned {                                                \
        return static_cast<unsigned>(s.tasks[t].field);                                            \
    }
#define RSEQCHECK_TIF_BIT(bit)                                                                     \
    [](const State& s, std::size_t t) -> unsigned {                                                \
        return (s.tasks[t].tif & (bit)) != 0 ? 1U : 0U;                                            \
    }
#define RSEQCHECK_CPU_FIELD(field)                                                                 \
    [](const State& s, std::size_t c) -> unsigned {                                                \
        return static_cast<unsigned>(s.cpus[c].field);                                             \
    }
#define RSEQCHECK_BUDGET_FIELD(field)                                                              \
    [](const State& s, std::size_t) -> unsigned {                                                  \
        return static_cast<unsigned>(s.budget.field);                                              \
    }

constexpr FieldScope task = FieldScope::Task;
constexpr FieldScope cpu = FieldScope::Cpu;
constexpr FieldScope global = FieldScope::Global;
constexpr FieldKind kernel = FieldKind::Kernel;
constexpr FieldKind user = FieldKind::User;
constexpr FieldKind ghost = FieldKind::Ghost;
constexpr FieldKind budget = FieldKind::Budget;

const std::array fields{
    // where and how the task runs
    StateField{"pc", task, kernel, RSEQCHECK_TASK_FIELD(pc), pc_text},
    StateField{"state", task, kernel, RSEQCHECK_TASK_FIELD(run), run_text},
    StateField{"task_cpu", task, kernel, RSEQCHECK_TASK_FIELD(cpu), nullptr},
    StateField{"in_syscall", task, kernel, RSEQCHECK_TASK_FIELD(from_syscall), nullptr},
    // thread_info
    StateField{"TIF_NOTIFY_RESUME", task, kernel, RSEQCHECK_TIF_BIT(kabi::TIF_NOTIFY_RESUME),
               nullptr},
    StateField{"TIF_SIGPENDING", task, kernel, RSEQCHECK_TIF_BIT(kabi::TIF_SIGPENDING), nullptr},
    StateField{"TIF_NEED_RESCHED", task, kernel, RSEQCHECK_TIF_BIT(kabi::TIF_NEED_RESCHED),
               nullptr},
    StateField{"TIF_NEED_RESCHED_LAZY", task, kernel,
               RSEQCHECK_TIF_BIT(kabi::TIF_NEED_RESCHED_LAZY), nullptr},
    StateField{"TIF_RSEQ", task, kernel, RSEQCHECK_TIF_BIT(kabi::TIF_RSEQ), nullptr},
    StateField{"ti_work", task, kernel, RSEQCHECK_TASK_FIELD(ti_work), tif_text},
    StateField{"SYSCALL_WORK_SYSCALL_RSEQ_SLICE", task, kernel,
               RSEQCHECK_TASK_FIELD(syscall_work_rseq_slice), nullptr},
    // task_struct::rseq
    StateField{"rseq.event.user_irq", task, kernel, RSEQCHECK_TASK_FIELD(user_irq), nullptr},
    StateField{"rseq.event.sched_switch", task, kernel, RSEQCHECK_TASK_FIELD(sched_switch),
               nullptr},
    StateField{"rseq.event.ids_changed", task, kernel, RSEQCHECK_TASK_FIELD(ids_changed), nullptr},
    StateField{"rseq.event.slowpath", task, kernel, RSEQCHECK_TASK_FIELD(slowpath), nullptr},
    StateField{"rseq.event.fatal", task, kernel, RSEQCHECK_TASK_FIELD(fatal), nullptr},
    StateField{"rseq.event.has_rseq", task, kernel, RSEQCHECK_TASK_FIELD(has_rseq), nullptr},
    StateField{"rseq.ids.cpu_id", task, kernel, RSEQCHECK_TASK_FIELD(ids_cpu_id), cpu_id_text},
    StateField{"rseq.slice.state.enabled", task, kernel, RSEQCHECK_TASK_FIELD(slice_enabled),
               nullptr},
    StateField{"rseq.slice.state.granted", task, kernel, RSEQCHECK_TASK_FIELD(slice_granted),
               nullptr},
    StateField{"rseq.slice.yielded", task, kernel, RSEQCHECK_TASK_FIELD(slice_yielded), nullptr},
    StateField{"rseq.slice.expires", task, kernel, RSEQCHECK_TASK_FIELD(slice_expires), nullptr},
    StateField{"rseq.slice.expires passed", task, kernel, RSEQCHECK_TASK_FIELD(slice_expired),
               nullptr},
    // struct rseq in user memory
    StateField{"rseq->cpu_id_start", task, user, RSEQCHECK_TASK_FIELD(usr_cpu_id_start),
               cpu_id_text},
    StateField{"rseq->cpu_id", task, user, RSEQCHECK_TASK_FIELD(usr_cpu_id), cpu_id_text},
    StateField{"slice_ctrl.request", task, user, RSEQCHECK_TASK_FIELD(usr_slice_request), nullptr},
    StateField{"slice_ctrl.granted", task, user, RSEQCHECK_TASK_FIELD(usr_slice_granted), nullptr},
    StateField{"slice_ctrl.reserved", task, user, RSEQCHECK_TASK_FIELD(usr_slice_reserved),
               nullptr},
    StateField{"rseq->flags SLICE_EXT_ENABLED", task, user, RSEQCHECK_TASK_FIELD(usr_flags_enabled),
               nullptr},
    StateField{"rseq_cs (ip in critical section)", task, user, RSEQCHECK_TASK_FIELD(usr_in_cs),
               nullptr},
    StateField{"kernel's last slice_ctrl.request write", task, ghost,
               RSEQCHECK_TASK_FIELD(kwrite_request), nullptr},
    StateField{"kernel's last slice_ctrl.granted write", task, ghost,
               RSEQCHECK_TASK_FIELD(kwrite_granted), nullptr},
    // the syscall in progress and what user space saw
    StateField{"syscall", task, kernel, RSEQCHECK_TASK_FIELD(syscall_nr), syscall_text},
    StateField{"rseq_slice_yield() returned", task, user, RSEQCHECK_TASK_FIELD(yield_ret), nullptr},
    StateField{"SIGSEGV pending", task, kernel, RSEQCHECK_TASK_FIELD(sigsegv), nullptr},
    StateField{"user protocol", task, user, RSEQCHECK_TASK_FIELD(proto), proto_text},
    StateField{"slow path sampled cpu", task, kernel, RSEQCHECK_TASK_FIELD(sampled_cpu), nullptr},
    StateField{"switched since grant", task, ghost,
               RSEQCHECK_TASK_FIELD(ghost_switched_since_grant), nullptr},
    StateField{"granted at syscall entry", task, ghost,
               RSEQCHECK_TASK_FIELD(ghost_grant_at_syscall_entry), nullptr},
    StateField{"faults left", task, budget, RSEQCHECK_TASK_FIELD(faults_left), nullptr},
    StateField{"user writes left", task, budget, RSEQCHECK_TASK_FIELD(user_writes_left), nullptr},
    StateField{"syscalls left", task, budget, RSEQCHECK_TASK_FIELD(syscalls_left), nullptr},
    // per CPU
    StateField{"curr", cpu, kernel, RSEQCHECK_CPU_FIELD(curr), curr_text},
    StateField{"PREEMPT_NEED_RESCHED", cpu, kernel, RSEQCHECK_CPU_FIELD(preempt_need_resched),
               nullptr},
    StateField{"scheduler IPI pending", cpu, kernel, RSEQCHECK_CPU_FIELD(ipi_pending), nullptr},
    StateField{"hrtimer armed", cpu, kernel, RSEQCHECK_CPU_FIELD(slice_timer_armed), nullptr},
    StateField{"slice_timer.cookie", cpu, kernel, RSEQCHECK_CPU_FIELD(slice_timer_cookie),
               curr_text},
    StateField{"hrtimer expires", cpu, kernel, RSEQCHECK_CPU_FIELD(slice_timer_expires), nullptr},
    StateField{"reschedule erased by grant", cpu, ghost, RSEQCHECK_CPU_FIELD(ghost_resched_erased),
               nullptr},
    StateField{"erased, grant not revoked", cpu, ghost, RSEQCHECK_CPU_FIELD(ghost_erased_unrevoked),
               nullptr},
    StateField{"yield not yet scheduled", cpu, ghost, RSEQCHECK_CPU_FIELD(ghost_yield_unscheduled),
               nullptr},
    // the scenario's remaining environment
    StateField{"wakeups left", global, budget, RSEQCHECK_BUDGET_FIELD(wakeups), nullptr},
    StateField{"irqs left", global, budget, RSEQCHECK_BUDGET_FIELD(irqs), nullptr},
    StateField{"migrations left", global, budget, RSEQCHECK_BUDGET_FIELD(migrations), nullptr},
    StateField{"signals left", global, budget, RSEQCHECK_BUDGET_FIELD(signals), nullptr},
    StateField{"membarriers left", global, budget, RSEQCHECK_BUDGET_FIELD(membarriers), nullptr},
    StateField{"cs abort due (task mask)", global, ghost,
               RSEQCHECK_BUDGET_FIELD(ghost_cs_abort_due), nullptr},
};

#undef RSEQCHECK_TASK_FIELD
#undef RSEQCHECK_TIF_BIT
#undef RSEQCHECK_CPU_FIELD
#undef RSEQCHECK_BUDGET_FIELD

}  // namespace

std::span<const StateField> state_fields() {
    return fields;
}

std::string format_field(const StateField& f, unsigned value) {
    return f.format != nullptr ? f.format(value) : std::to_string(value);
}

std::string_view to_string(Pc pc) {
    switch (pc) {
    case Pc::User:
        return "User";
    case Pc::ExitPrepare:
        return "ExitPrepare";
    case Pc::LoopResched:
        return "LoopResched";
    case Pc::GrantUserAccess:
        return "GrantUserAccess";
    case Pc::GrantCommit:
        return "GrantCommit";
    case Pc::GrantClearResched:
        return "GrantClearResched";
    case Pc::GrantClearFolded:
        return "GrantClearFolded";
    case Pc::LoopSignal:
        return "LoopSignal";
    case Pc::LoopNotifyResume:
        return "LoopNotifyResume";
    case Pc::SlowpathUpdate:
        return "SlowpathUpdate";
    case Pc::LoopEnd:
        return "LoopEnd";
    case Pc::LoopReread:
        return "LoopReread";
    case Pc::ExitRestart:
        return "ExitRestart";
    case Pc::SyscallEntryWork:
        return "SyscallEntryWork";
    case Pc::SyscallSliceRevoke:
        return "SyscallSliceRevoke";
    case Pc::SyscallSliceResched:
        return "SyscallSliceResched";
    case Pc::SyscallSliceClear:
        return "SyscallSliceClear";
    case Pc::SyscallBody:
        return "SyscallBody";
    case Pc::Dead:
        return "Dead";
    }
    return "?";
}

std::string_view to_string(Run run) {
    switch (run) {
    case Run::Running:
        return "TASK_RUNNING (current)";
    case Run::Runnable:
        return "TASK_RUNNING (queued)";
    case Run::Sleeping:
        return "TASK_INTERRUPTIBLE";
    case Run::Exited:
        return "EXIT_DEAD";
    }
    return "?";
}

std::string tif_names(unsigned tif) {
    return tif_text(tif);
}

std::string_view to_string(Syscall nr) {
    switch (nr) {
    case Syscall::None:
        return "none";
    case Syscall::RseqSliceYield:
        return "rseq_slice_yield";
    case Syscall::SchedYield:
        return "sched_yield";
    case Syscall::Getpid:
        return "getpid";
    }
    return "?";
}

std::string_view to_string(UserProto proto) {
    switch (proto) {
    case UserProto::Idle:
        return "idle";
    case UserProto::Critical:
        return "critical";
    case UserProto::MustYield:
        return "must-yield";
    case UserProto::Unused:
        return "unused";
    }
    return "?";
}

}  // namespace rseqcheck
