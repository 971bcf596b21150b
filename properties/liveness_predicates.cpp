#include "properties/liveness_predicates.h"

#include "model/transition.h"

namespace rseqcheck::properties {

// A dead task holds no grant: do_exit() frees its rseq state, whatever the flag says (a
// failed user write leaves `granted` set on the way to the fatal SIGSEGV, docs/model.md).
bool some_grant_live(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (s.task(t).slice_granted && s.task(t).get_pc() != Pc::Dead)
            return true;
    }
    return false;
}

bool no_grant_live(const Scenario& sc, const State& s) {
    return !some_grant_live(sc, s);
}

// I12: a grant erased the current task's reschedule request (G6) on some CPU, and neither a
// schedule() on that CPU nor the task's syscall entry has followed yet.
bool some_erased_resched_pending(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        if (s.cpu(c).ghost_resched_erased)
            return true;
    }
    return false;
}

bool no_erased_resched_pending(const Scenario& sc, const State& s) {
    return !some_erased_resched_pending(sc, s);
}

// The same, amended by spec 7.7: a silent revoke on the exit path also ends the obligation.
bool some_erased_resched_unrevoked(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        if (s.cpu(c).ghost_erased_unrevoked)
            return true;
    }
    return false;
}

bool no_erased_resched_unrevoked(const Scenario& sc, const State& s) {
    return !some_erased_resched_unrevoked(sc, s);
}

// S4 recorded a yield of the current task of some CPU, and no schedule() ran there since.
bool some_task_yielding(const Scenario& sc, const State& s) {
    for (CpuId c = 0; c < sc.cpus; ++c) {
        if (s.cpu(c).ghost_yield_unscheduled)
            return true;
    }
    return false;
}

bool no_task_yielding(const Scenario& sc, const State& s) {
    return !some_task_yielding(sc, s);
}

}  // namespace rseqcheck::properties
