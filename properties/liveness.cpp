// The leads-to properties ("P leads to Q" under the fairness of properties/fairness.cpp):
// their state predicates and catalogue entries side by side, as properties/slice.cpp keeps
// the safety ones, so that adding a leads-to property touches this file and its twin in
// tests/properties/twin_list.h only (docs/adding-an-invariant.md).
#include "properties/liveness.h"

#include <array>
#include <string_view>

#include "model/transition.h"
#include "properties/fairness.h"

namespace rseqcheck::properties {

namespace {

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

// What each entry reads (state_fields() names), from its predicates above.
using Reads = std::string_view;
constexpr std::array<Reads, 2> grant_ends_reads{"rseq.slice.state.granted", "pc"};
constexpr std::array<Reads, 1> erased_reads{"erased, grant not revoked"};
constexpr std::array<Reads, 1> yield_schedules_reads{"yield not yet scheduled"};
constexpr std::array<Reads, 1> erased_strict_reads{"reschedule erased by grant"};

const std::array leads_to_entries{
    reading(leads_to("grant-ends", "I11",
                     "a live grant always ends: revoked, cleared or expired and rescheduled",
                     "0ac3b5c3, rseq.rst", some_grant_live, no_grant_live,
                     "every kernel step and the slice hrtimer", owes_grant_end),
            grant_ends_reads),
    reading(
        leads_to("erased-resched-honoured", "I12",
                 "a reschedule request erased by a grant (G6) is followed by a schedule() of the "
                 "task or its syscall entry, unless the exit path revoked the grant silently "
                 "(spec 7.7)",
                 "dfb630f5 (comment on erased requests: the timer is the safety net)",
                 some_erased_resched_unrevoked, no_erased_resched_unrevoked,
                 "every kernel step and the slice hrtimer", owes_unrevoked_resched),
        erased_reads),
    reading(
        leads_to("yield-schedules", "I14",
                 "rseq_slice_yield() that took S4's yield branch is followed by a schedule() on "
                 "the task's CPU",
                 "99d25920, dd0a0460", some_task_yielding, no_task_yielding,
                 "every kernel step and the slice hrtimer", owes_yield_schedule),
        yield_schedules_reads),
    reading(
        finding(leads_to("erased-resched-honoured-strict", "I12",
                         "I12 as spec 4 words it: every reschedule request erased by a grant is "
                         "followed by a schedule() of the task or its syscall entry (known finding "
                         "F1: a silent revoke drops it; docs/findings.md)",
                         "dfb630f5 comment; contradicted by spec 7.7", some_erased_resched_pending,
                         no_erased_resched_pending, "every kernel step and the slice hrtimer",
                         owes_erased_resched)),
        erased_strict_reads),
};

}  // namespace

std::span<const Property> leads_to_properties() {
    return leads_to_entries;
}

}  // namespace rseqcheck::properties
