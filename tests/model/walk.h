/// \file
/// A test driver that walks the model one named step at a time, the way a kernel developer
/// tells a race: "T0 sets the request, an interrupt wakes T1, the exit path grants ...".
/// Each step must be enabled; when it is not, the assertion lists the steps that are.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "model/model.h"
#include "model/state_fields.h"
#include "model/transitions.h"

namespace rseqcheck::test {

/// Which of several enabled steps of the same name to take. Unset fields match anything.
struct StepFilter {
    std::optional<TaskId> task;
    std::optional<CpuId> cpu;
    std::optional<Syscall> syscall;  ///< the syscall entered or run
    std::optional<Branch> branch;    ///< the branch taken
    std::optional<TaskId> next;      ///< the task schedule() switched to
    std::optional<Fault> fault;
    std::optional<bool> no_preempt;  ///< a wakeup that wakeup_preempt() declined
    std::optional<RseqCs> rseq_cs;   ///< the descriptor user space stored to rseq_cs

    StepFilter& by(TaskId t) { return task = t, *this; }
    StepFilter& on(CpuId c) { return cpu = c, *this; }
    StepFilter& with(Syscall nr) { return syscall = nr, *this; }
    StepFilter& taking(Branch b) { return branch = b, *this; }
    StepFilter& to(TaskId t) { return next = t, *this; }
    StepFilter& no_fault() { return fault = Fault::None, *this; }
    StepFilter& faulting(Fault f) { return fault = f, *this; }
    StepFilter& preempting() { return no_preempt = false, *this; }
    StepFilter& declined() { return no_preempt = true, *this; }
    StepFilter& storing(RseqCs c) { return rseq_cs = c, *this; }
};

/// Shorthands: w.step("irq_wakeup", by(0)), w.step("x", to(1)), by(0).no_fault().
inline StepFilter by(TaskId t) {
    return StepFilter{}.by(t);
}
inline StepFilter on(CpuId c) {
    return StepFilter{}.on(c);
}
inline StepFilter with(Syscall nr) {
    return StepFilter{}.with(nr);
}
inline StepFilter taking(Branch b) {
    return StepFilter{}.taking(b);
}
inline StepFilter to(TaskId t) {
    return StepFilter{}.to(t);
}
inline StepFilter no_fault() {
    return StepFilter{}.no_fault();
}
inline StepFilter faulting(Fault f) {
    return StepFilter{}.faulting(f);
}
inline StepFilter preempting() {
    return StepFilter{}.preempting();
}
inline StepFilter declined() {
    return StepFilter{}.declined();
}
inline StepFilter storing(RseqCs c) {
    return StepFilter{}.storing(c);
}

class Walk {
public:
    explicit Walk(Scenario sc) : model_(std::move(sc)), state_(model_.initial_state()) {}

    const State& state() const { return state_; }
    /// Starts the walk from a state built by the test (a kernel situation that takes many
    /// steps to reach), instead of the initial state.
    void set_state(const State& s) { state_ = s; }
    /// The states and actions taken so far, for a trace of the walk.
    const std::vector<std::pair<Action, State>>& path() const { return path_; }
    const Task& task(TaskId t) const { return state_.task(t); }
    const Cpu& cpu(CpuId c) const { return state_.cpu(c); }
    const RseqModel& model() const { return model_; }
    /// Names of the steps taken so far.
    const std::vector<std::string>& taken() const { return taken_; }

    /// Takes the first enabled step called `name` that matches `f`.
    ::testing::AssertionResult step(std::string_view name, StepFilter f = StepFilter{}) {
        std::optional<std::pair<Action, State>> found;
        model_.for_each_successor(state_, [&](const Action& a, const State& t) {
            if (found || action_name(a.kind) != name)
                return;
            if ((f.task && a.task != *f.task) || (f.cpu && a.cpu != *f.cpu) ||
                (f.syscall && a.syscall() != *f.syscall) || (f.branch && a.branch() != *f.branch) ||
                (f.next && a.next != *f.next) || (f.fault && a.fault != *f.fault) ||
                (f.no_preempt && a.no_preempt != *f.no_preempt) ||
                (f.rseq_cs && a.rseq_cs() != *f.rseq_cs))
                return;
            found.emplace(a, t);
        });
        if (!found) {
            return ::testing::AssertionFailure() << "step " << taken_.size() + 1 << " '" << name
                                                 << "' is not enabled; enabled: " << enabled();
        }
        last_ = found->first;
        state_ = found->second;
        taken_.emplace_back(name);
        path_.push_back(*found);
        return ::testing::AssertionSuccess();
    }

    /// Whether a step called `name` is enabled (for any parameters).
    bool can(std::string_view name) const {
        bool any = false;
        model_.for_each_successor(state_, [&](const Action& a, const State&) {
            any = any || action_name(a.kind) == name;
        });
        return any;
    }

    const Action& last_action() const { return last_; }

    /// "name(cpu,task,parameter)" for every enabled step.
    std::string enabled() const {
        std::ostringstream out;
        model_.for_each_successor(state_, [&](const Action& a, const State&) {
            out << action_name(a.kind) << "(CPU" << int{a.cpu} << ",T"
                << (a.task == no_task ? -1 : int{a.task});
            if (action_param(a.kind) == ActionParam::Branch)
                out << ",branch=" << to_string(a.branch());
            if (action_param(a.kind) == ActionParam::Syscall)
                out << ",syscall=" << to_string(a.syscall());
            if (action_param(a.kind) == ActionParam::Woken)
                out << ",woken=T" << int{a.woken()};
            if (a.next != no_task)
                out << ",next=T" << int{a.next};
            if (a.no_preempt)
                out << ",no_preempt";
            out << ") ";
        });
        return out.str();
    }

private:
    RseqModel model_;
    State state_;
    Action last_{};
    std::vector<std::string> taken_;
    std::vector<std::pair<Action, State>> path_;
};

}  // namespace rseqcheck::test
