#include "model/symmetry.h"

#include <algorithm>
#include <cstring>
#include <numeric>

namespace rseqcheck {

namespace {

bool same_config(const TaskConfig& a, const TaskConfig& b) {
    return a.role == b.role && a.slice_enabled == b.slice_enabled && a.rt == b.rt &&
           a.cpu == b.cpu && a.in_critical_section == b.in_critical_section && a.abi == b.abi &&
           a.cs_user == b.cs_user && a.registered == b.registered;
}

TaskId remap(const TaskPermutation& perm, unsigned id) {
    return id < max_tasks ? perm[id] : static_cast<TaskId>(id);
}

}  // namespace

TaskSymmetry::TaskSymmetry(const Scenario& sc) {
    const std::size_t n = sc.tasks.size();
    TaskPermutation perm{};
    std::iota(perm.begin(), perm.end(), TaskId{0});
    // Enumerate permutations of the scenario's tasks (at most 3! = 6); keep those that map
    // every task onto one of the same configuration. Slots past the scenario stay fixed.
    do {
        bool keeps = true;
        for (std::size_t i = 0; i < n && keeps; ++i)
            keeps = same_config(sc.tasks[i], sc.tasks[perm[i]]);
        if (keeps)
            group_.push_back(perm);
    } while (std::next_permutation(perm.begin(), perm.begin() + static_cast<std::ptrdiff_t>(n)));
}

State TaskSymmetry::apply(const TaskPermutation& perm, const State& s) {
    State out = s;
    for (TaskId t = 0; t < max_tasks; ++t) {
        out.tasks[perm[t]] = s.tasks[t];
        out.task_exts[perm[t]] = s.task_exts[t];  // with it the ghost of I8
    }
    for (Cpu& cpu : out.cpus) {
        if (cpu.curr != idle_task)
            cpu.curr = remap(perm, cpu.curr) & 0x3U;
        cpu.slice_timer_cookie = remap(perm, cpu.slice_timer_cookie) & 0x3U;
    }
    return out;
}

Action TaskSymmetry::apply(const TaskPermutation& perm, const Action& a) {
    Action out = a;
    if (a.task != no_task && a.task != idle_task)
        out.task = remap(perm, a.task);
    if (a.next != no_task && a.next != idle_task)
        out.next = remap(perm, a.next);
    // IrqWakeup names the task it woke (model/irq_entry.h).
    if (action_param(a.kind) == ActionParam::Woken)
        out.set_woken(remap(perm, a.woken()));
    return out;
}

TaskPermutation TaskSymmetry::inverse(const TaskPermutation& perm) {
    TaskPermutation inv{};
    for (TaskId t = 0; t < max_tasks; ++t)
        inv[perm[t]] = t;
    return inv;
}

State TaskSymmetry::canonical(const State& s) const {
    TaskPermutation used{};
    return canonical(s, used);
}

State TaskSymmetry::canonical(const State& s, TaskPermutation& used) const {
    State best = s;
    used = group_.front();
    for (std::size_t k = 1; k < group_.size(); ++k) {
        const State candidate = apply(group_[k], s);
        if (std::memcmp(&candidate, &best, sizeof(State)) < 0) {
            best = candidate;
            used = group_[k];
        }
    }
    return best;
}

}  // namespace rseqcheck
