#include "model/model.h"

#include <string>
#include <utility>

namespace rseqcheck {

RseqModel::RseqModel(Scenario sc) : sc_(std::move(sc)) {
    validate(sc_);
}

State RseqModel::initial_state() const {
    State s{};
    for (Cpu& cpu : s.cpus)
        cpu.curr = idle_task;
    for (TaskId t = 0; t < max_tasks; ++t) {
        Task& task = s.task(t);
        if (t >= sc_.task_count()) {
            task.set_pc(Pc::Dead);
            task.set_run(Run::Exited);
            continue;
        }
        const TaskConfig& cfg = sc_.tasks[t];
        if (cfg.role == TaskRole::ForkChild) {  // not created until sys_clone fills it
            task.set_pc(Pc::Dead);
            task.set_run(Run::Exited);
            continue;
        }
        task.set_pc(Pc::User);
        task.cpu = cfg.cpu & 0x3U;
        task.ids_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
        task.usr_cpu_id_start = kabi::RSEQ_CPU_ID_UNINITIALIZED;
        task.usr_cpu_id = kabi::RSEQ_CPU_ID_UNINITIALIZED;
        if (cfg.role == TaskRole::SliceUser && cfg.registered) {
            // Registered with sys_rseq() and past its first return to user: the IDs are
            // written and cached, slice extensions enabled by prctl() as configured.
            const bool v2 = registration::registers_v2(sc_, t);
            task.has_rseq = 1;
            s.task_ext(t).has_rseq_v2 = v2 ? 1 : 0;
            s.task_ext(t).usr_flags_available =
                registration::registration_flags(sc_, v2, false).available ? 1 : 0;
            task.ids_cpu_id = cfg.cpu & 0x3U;
            task.usr_cpu_id_start = cfg.cpu & 0x3U;
            task.usr_cpu_id = cfg.cpu & 0x3U;
            task.slice_enabled = cfg.slice_enabled ? 1 : 0;
            task.usr_flags_enabled = cfg.slice_enabled ? 1 : 0;
            task.usr_in_cs = cfg.in_critical_section ? 1 : 0;
            if (cfg.in_critical_section)
                s.task_ext(t).set_rseq_cs(RseqCs::Valid);
        }
        if (cfg.role == TaskRole::SliceUser) {
            // An unregistered one (registered = false) keeps the UNINIT IDs and no flags.
            task.faults_left = (sc_.bounds.faults) & 0x3U;
            task.user_writes_left = (sc_.bounds.user_writes) & 0x7U;
            task.syscalls_left = (sc_.bounds.syscalls) & 0x7U;
            Cpu& cpu = s.cpu(cfg.cpu);
            if (cpu.curr == idle_task) {
                cpu.curr = t & 0x3U;
                task.set_run(Run::Running);
            } else {
                task.set_run(Run::Runnable);
            }
        } else {
            task.set_run(Run::Sleeping);
        }
    }
    s.budget.wakeups = (sc_.bounds.wakeups) & 0x7U;
    s.budget.irqs = (sc_.bounds.irqs) & 0x7U;
    s.budget.migrations = (sc_.bounds.migrations) & 0x3U;
    s.budget.signals = (sc_.bounds.signals) & 0x3U;
    s.budget.membarriers = (sc_.bounds.membarriers) & 0x3U;
    RSEQCHECK_CHECK(consistent(s), "the initial state is inconsistent");
    return s;
}

bool RseqModel::is_valid_end(const State& s) const {
    for (CpuId c = 0; c < sc_.cpus; ++c) {
        const TaskId t = static_cast<TaskId>(s.cpu(c).curr);
        if (t != idle_task && !s.task(t).in_user())
            return false;
    }
    return true;
}

bool RseqModel::consistent(const State& s) const {
    return impossible_state_reason(sc_, s).empty();
}

std::string impossible_state_reason(const Scenario& sc, const State& s) {
    unsigned running = 0;
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& task = s.task(t);
        if (task.cpu >= sc.cpus)
            return "task " + std::to_string(t) + " is on a CPU the scenario does not have";
        if ((task.get_pc() == Pc::Dead) != (task.get_run() == Run::Exited))
            return "task " + std::to_string(t) + " is dead but not exited, or the reverse";
        if (task.get_run() == Run::Running) {
            ++running;
            if (s.cpu(static_cast<CpuId>(task.cpu)).curr != t) {
                return "task " + std::to_string(t) + " is running but not current on its CPU " +
                       std::to_string(task.cpu);
            }
        }
        if (task.usr_in_cs && s.task_ext(t).get_rseq_cs() == RseqCs::Null) {
            return "task " + std::to_string(t) +
                   " has its IP in a critical section but rseq_cs is 0";
        }
        if (task.get_run() == Run::Sleeping && !task.in_user())
            return "task " + std::to_string(t) + " sleeps inside a modelled kernel path";
    }
    unsigned current = 0;
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const unsigned curr = s.cpu(c).curr;
        if (curr == idle_task)
            continue;
        ++current;
        if (curr >= sc.task_count())
            return "CPU " + std::to_string(c) + " runs a task the scenario does not have";
        const Task& task = s.task(static_cast<TaskId>(curr));
        if (task.get_run() != Run::Running || task.cpu != c) {
            return "CPU " + std::to_string(c) + " has task " + std::to_string(curr) +
                   " as current, but it is not running there";
        }
    }
    if (running != current)
        return "a task is current on two CPUs";
    return "";
}

std::string_view action_name(ActionKind k) {
    for (const auto& info : AllTransitions::infos) {
        if (info.kind == k)
            return info.name;
    }
    return "?";
}

std::string_view action_kernel(ActionKind k) {
    for (const auto& info : AllTransitions::infos) {
        if (info.kind == k)
            return info.kernel;
    }
    return "?";
}

bool parse_action_kind(std::string_view name, ActionKind& out) {
    for (const auto& info : AllTransitions::infos) {
        if (info.name == name) {
            out = info.kind;
            return true;
        }
    }
    return false;
}

}  // namespace rseqcheck
