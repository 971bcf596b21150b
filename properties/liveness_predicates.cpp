#include "properties/liveness_predicates.h"

#include "model/transition.h"

namespace rseqcheck::properties {

bool some_grant_live(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).slice_granted)
            return true;
    }
    return false;
}

bool no_grant_live(const Scenario& sc, const State& s) {
    return !some_grant_live(sc, s);
}

// A woken waiter sits on a runqueue: its wakeup has set NEED_RESCHED somewhere.
bool some_waiter_runnable(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (!is_slice_user(sc, t) && s.task(t).get_run() == Run::Runnable)
            return true;
    }
    return false;
}

bool no_waiter_runnable(const Scenario& sc, const State& s) {
    return !some_waiter_runnable(sc, s);
}

// A slice user inside rseq_slice_yield() after S4 asked for the CPU.
bool some_task_yielding(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& task = s.task(t);
        if (task.slice_yielded && task.get_pc() != Pc::User && task.get_pc() != Pc::Dead)
            return true;
    }
    return false;
}

bool no_task_yielding(const Scenario& sc, const State& s) {
    return !some_task_yielding(sc, s);
}

}  // namespace rseqcheck::properties
