/// \file
/// Task symmetry of a scenario: the permutations of task ids that map the scenario onto
/// itself (tasks with the same TaskConfig: role, slice_enabled, rt, initial CPU), and the
/// canonical form of a state under them: the byte-wise least state of its orbit.
///
/// A permutation moves whole task records and remaps every field that holds a task id:
/// Cpu::curr (idle_task stays) and Cpu::slice_timer_cookie (the kernel's
/// kernel/rseq.c slice_timer.cookie names the task the timer was armed for). No other field
/// of State holds a task id (model/state.h); Task holds CPU ids only. Every transition treats
/// tasks of one configuration alike (schedule() emits one successor per runnable candidate,
/// wakeups and migrations one per task), so such a permutation is an automorphism of the
/// transition relation; the properties quantify over all tasks and name none by index.
/// CPU symmetry is not used: see docs/reductions.md.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "model/action.h"
#include "model/scenario.h"
#include "model/state.h"

namespace rseqcheck {

/// perm[i] is the new id of task i.
using TaskPermutation = std::array<TaskId, max_tasks>;

class TaskSymmetry {
public:
    /// The group of the scenario's configuration-preserving task permutations.
    explicit TaskSymmetry(const Scenario& sc);

    /// Every permutation of the group, the identity first.
    const std::vector<TaskPermutation>& group() const { return group_; }
    /// True when the group is the identity alone (no two tasks alike).
    bool trivial() const { return group_.size() == 1; }

    /// The state with task i moved to perm[i] and every task id remapped.
    static State apply(const TaskPermutation& perm, const State& s);
    /// The action with its task ids remapped (task, and next for schedule()).
    static Action apply(const TaskPermutation& perm, const Action& a);
    /// The inverse permutation.
    static TaskPermutation inverse(const TaskPermutation& perm);

    /// The least state (memcmp order) of the orbit of s: equal for equivalent states.
    State canonical(const State& s) const;
    /// As canonical(), and the permutation that maps s to it.
    State canonical(const State& s, TaskPermutation& used) const;

private:
    std::vector<TaskPermutation> group_;
};

}  // namespace rseqcheck
