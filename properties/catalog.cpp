// The property catalogue: one explicit list, in `rseqcheck list properties` order
// (STYLE.md 2: no self-registering statics). docs/properties.md documents each entry.
#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "model/nearest_name.h"
#include "properties/liveness_predicates.h"
#include "properties/property.h"
#include "properties/slice.h"

namespace rseqcheck::properties {

namespace {

constexpr Property invariant(std::string_view name, std::string_view id, std::string_view summary,
                             std::string_view by, StatePredicate holds, StatePredicate premise) {
    Property p{};
    p.name = name;
    p.spec_id = id;
    p.summary = summary;
    p.promised_by = by;
    p.kind = PropertyKind::Invariant;
    p.holds = holds;
    p.premise = premise;
    return p;
}

constexpr Property transition(std::string_view name, std::string_view id, std::string_view summary,
                              std::string_view by, TransitionPredicate holds,
                              TransitionPredicate premise) {
    Property p{};
    p.name = name;
    p.spec_id = id;
    p.summary = summary;
    p.promised_by = by;
    p.kind = PropertyKind::Transition;
    p.holds_on = holds;
    p.premise_on = premise;
    return p;
}

constexpr Property leads_to(std::string_view name, std::string_view id, std::string_view summary,
                            std::string_view by, StatePredicate from, StatePredicate to,
                            std::string_view fairness) {
    Property p{};
    p.name = name;
    p.spec_id = id;
    p.summary = summary;
    p.promised_by = by;
    p.kind = PropertyKind::LeadsTo;
    p.from = from;
    p.to = to;
    p.fairness = fairness;
    return p;
}

constexpr Property finding(Property p) {
    p.in_default_set = false;
    return p;
}

/// The state fields a property reads and the scenario facts it depends on.
constexpr Property reading(Property p, std::span<const std::string_view> reads,
                           ScenarioFacts facts = 0) {
    p.reads = reads;
    p.facts = facts;
    return p;
}

// What each entry reads (state_fields() names), from its predicates in slice.cpp and
// liveness_predicates.cpp. A premise "a slice user in user mode" reads pc, state and
// has_rseq, and the task's role (a scenario fact).
using Reads = std::string_view;
constexpr std::array<Reads, 5> i1_reads{"pc", "state", "rseq.event.has_rseq",
                                        "rseq.slice.state.granted", "switched since grant"};
constexpr std::array<Reads, 6> i2_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "rseq.slice.state.granted",
                                        "kernel's last slice_ctrl.granted write",
                                        "kernel's last slice_ctrl.request write"};
constexpr std::array<Reads, 10> i3_reads{"pc",
                                         "state",
                                         "rseq.event.has_rseq",
                                         "rseq.slice.state.granted",
                                         "task_cpu",
                                         "rseq.slice.expires",
                                         "hrtimer armed",
                                         "slice_timer.cookie",
                                         "hrtimer expires",
                                         "SYSCALL_WORK_SYSCALL_RSEQ_SLICE"};
constexpr std::array<Reads, 5> i4_reads{"rseq.slice.state.granted", "ti_work",
                                        "rseq.slice.state.enabled", "rseq.event.user_irq",
                                        "in_syscall"};
constexpr std::array<Reads, 4> i5_reads{"ti_work", "rseq.slice.state.granted", "pc",
                                        "kernel's last slice_ctrl.granted write"};
constexpr std::array<Reads, 6> i6_reads{"ti_work",
                                        "rseq.event.sched_switch",
                                        "rseq.slice.state.granted",
                                        "slice_ctrl.request",
                                        "slice_ctrl.granted",
                                        "kernel's last slice_ctrl.granted write"};
constexpr std::array<Reads, 7> i7_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "rseq->cpu_id",
                                        "rseq->cpu_id_start",
                                        "rseq.ids.cpu_id",
                                        "task_cpu"};
constexpr std::array<Reads, 6> i9_reads{"pc",
                                        "state",
                                        "rseq.event.has_rseq",
                                        "TIF_RSEQ",
                                        "rseq.event.slowpath",
                                        "rseq.event.sched_switch"};
constexpr std::array<Reads, 10> i11_reads{"pc",
                                          "state",
                                          "rseq.event.has_rseq",
                                          "rseq.slice.state.granted",
                                          "rseq.slice.expires passed",
                                          "task_cpu",
                                          "rseq.slice.expires",
                                          "hrtimer armed",
                                          "slice_timer.cookie",
                                          "hrtimer expires"};
constexpr std::array<Reads, 6> i13_reads{
    "hrtimer armed", "slice_timer.cookie",       "hrtimer expires",
    "curr",          "rseq.slice.state.granted", "TIF_NEED_RESCHED"};
constexpr std::array<Reads, 4> i14_reads{"granted at syscall entry", "rseq.slice.state.granted",
                                         "slice_ctrl.granted", "SIGSEGV pending"};
constexpr std::array<Reads, 4> i15_reads{"syscall", "rseq.slice.yielded",
                                         "rseq_slice_yield() returned", "granted at syscall entry"};
constexpr std::array<Reads, 5> i16_reads{"pc", "rseq.slice.state.granted", "TIF_NEED_RESCHED",
                                         "TIF_NEED_RESCHED_LAZY", "PREEMPT_NEED_RESCHED"};
constexpr std::array<Reads, 4> folded_reads{"curr", "TIF_NEED_RESCHED", "PREEMPT_NEED_RESCHED",
                                            "scheduler IPI pending"};
constexpr std::array<Reads, 6> i17_reads{"pc",
                                         "state",
                                         "rseq.event.has_rseq",
                                         "rseq.event.user_irq",
                                         "rseq.event.sched_switch",
                                         "rseq.event.ids_changed"};
constexpr std::array<Reads, 2> grant_ends_reads{"rseq.slice.state.granted", "pc"};
constexpr std::array<Reads, 1> erased_reads{"erased, grant not revoked"};
constexpr std::array<Reads, 1> yield_schedules_reads{"yield not yet scheduled"};
constexpr std::array<Reads, 1> erased_strict_reads{"reschedule erased by grant"};
constexpr std::array<Reads, 3> yield_after_switch_reads{"syscall", "rseq.slice.yielded",
                                                        "switched since grant"};

constexpr ScenarioFacts role = static_cast<ScenarioFacts>(ScenarioFact::Role);

const std::array<Property, 20> entries{{
    reading(
        invariant("no-stale-grant-after-switch", "I1",
                  "a grant live in user mode was not followed by a context switch into the task",
                  "7ee58f98 (\"rseq: Reset slice extension when scheduled\"), rseq.rst",
                  no_stale_grant_after_switch, some_grant_in_user_mode),
        i1_reads, role),
    reading(invariant("views-agree-in-user-mode", "I2",
                      "the kernel's last slice_ctrl write agrees with rseq.slice.state.granted",
                      "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\")",
                      views_agree_in_user_mode, some_slice_user_in_user_mode),
            i2_reads, role),
    reading(invariant(
                "timer-armed-on-grant", "I3",
                "a live grant in user mode has its CPU's slice hrtimer armed for its deadline and "
                "SYSCALL_RSEQ_SLICE set",
                "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
                timer_armed_on_grant, some_grant_in_user_mode),
            i3_reads, role),
    reading(transition("grant-only-on-irq-return", "I4",
                       "granted goes 0->1 only in G6 of an interrupt return, with a grantable "
                       "reschedule and no other work pending",
                       "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\"), 3c78aaec",
                       grant_only_on_irq_return, grant_sets),
            i4_reads, ScenarioFact::SliceKey | ScenarioFact::SliceEnabled | ScenarioFact::Preempt),
    reading(transition("revoke-on-pending-work", "I5",
                       "with other work pending or a grant live, the grant decision revokes and "
                       "schedules; no grant is ever extended",
                       "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\")",
                       revoke_on_pending_work, grant_decision_with_resched),
            i5_reads, static_cast<ScenarioFacts>(ScenarioFact::Preempt)),
    reading(transition("slice-reset-on-id-update", "I6",
                       "every rseq ID/CS update on exit (fast path F1/F2, slow path P4) clears "
                       "slice_ctrl and the grant",
                       "7ee58f98 (\"rseq: Reset slice extension when scheduled\")",
                       slice_reset_on_id_update, id_update_ran),
            i6_reads, static_cast<ScenarioFacts>(ScenarioFact::SliceKey)),
    reading(invariant("ids-correct-in-user-mode", "I7",
                      "cpu_id_start, cpu_id and rseq.ids.cpu_id equal task_cpu() in user mode",
                      "05b44aef (\"rseq: Implement fast path for exit to user\")",
                      ids_correct_in_user_mode, some_slice_user_in_user_mode),
            i7_reads, role),
    reading(invariant("no-rseq-work-in-user-mode", "I9",
                      "TIF_RSEQ, event.slowpath and event.sched_switch are clear in user mode: a "
                      "fast-path fault always reached the slow path",
                      "05b44aef (\"rseq: Implement fast path for exit to user\")",
                      no_rseq_work_in_user_mode, some_slice_user_in_user_mode),
            i9_reads, role),
    reading(
        invariant("expired-grant-has-timer", "I11",
                  "past its deadline a grant runs in user mode only while its hrtimer is pending",
                  "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
                  expired_grant_has_timer, some_expired_grant_in_user_mode),
        i11_reads, role),
    reading(transition("timer-hygiene", "I13",
                       "only the granted current task arms its CPU's timer; only its expiry or its "
                       "own syscall disarms it; a stale expiry requests no reschedule",
                       "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
                       timer_hygiene, timer_changes),
            i13_reads),
    reading(
        transition("syscall-revokes-grant", "I14",
                   "a syscall entered with a live grant runs its body only after both views are "
                   "revoked",
                   "dd0a0460 (\"rseq: Implement syscall entry work for time slice extensions\")",
                   syscall_revokes_grant, syscall_body_after_grant),
        i14_reads),
    reading(transition("yield-result-honest", "I15",
                       "rseq_slice_yield() returns 1 only if a grant was live at entry, and clears "
                       "yielded",
                       "99d25920 (\"rseq: Implement sys_rseq_slice_yield()\")", yield_result_honest,
                       yield_returns),
            i15_reads),
    reading(
        transition("grant-clears-resched", "I16",
                   "when a grant completes, TIF_NEED_RESCHED(_LAZY) and the folded preempt bit are "
                   "clear",
                   "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\")",
                   grant_clears_resched, grant_completes),
        i16_reads),
    reading(invariant("need-resched-folded", "I16",
                      "the folded PREEMPT_NEED_RESCHED bit follows the current task's "
                      "TIF_NEED_RESCHED (or the IPI that folds it is pending)",
                      "dfb630f5 (\"rseq: Implement rseq_grant_slice_extension()\"), c04507ac",
                      need_resched_folded, some_task_needs_resched),
            folded_reads),
    reading(invariant("events-clear-in-user-mode", "I17",
                      "rseq.event (user_irq, sched_switch, ids_changed) is clear in user mode",
                      "7a5201ea (\"rseq: Split up rseq_exit_to_user_mode()\")",
                      events_clear_in_user_mode, some_slice_user_in_user_mode),
            i17_reads, role),
    reading(leads_to("grant-ends", "I11",
                     "a live grant always ends: revoked, cleared or expired and rescheduled",
                     "0ac3b5c3, rseq.rst", some_grant_live, no_grant_live,
                     "every kernel step and the slice hrtimer"),
            grant_ends_reads),
    reading(
        leads_to("erased-resched-honoured", "I12",
                 "a reschedule request erased by a grant (G6) is followed by a schedule() of the "
                 "task or its syscall entry, unless the exit path revoked the grant silently "
                 "(spec 7.7)",
                 "dfb630f5 (comment on erased requests: the timer is the safety net)",
                 some_erased_resched_unrevoked, no_erased_resched_unrevoked,
                 "every kernel step and the slice hrtimer"),
        erased_reads),
    reading(
        leads_to("yield-schedules", "I14",
                 "rseq_slice_yield() that took S4's yield branch is followed by a schedule() on "
                 "the task's CPU",
                 "99d25920, dd0a0460", some_task_yielding, no_task_yielding,
                 "every kernel step and the slice hrtimer"),
        yield_schedules_reads),
    reading(
        finding(leads_to("erased-resched-honoured-strict", "I12",
                         "I12 as spec 4 words it: every reschedule request erased by a grant is "
                         "followed by a schedule() of the task or its syscall entry (known finding "
                         "F1: a silent revoke drops it; docs/findings.md)",
                         "dfb630f5 comment; contradicted by spec 7.7", some_erased_resched_pending,
                         no_erased_resched_pending, "every kernel step and the slice hrtimer")),
        erased_strict_reads),
    reading(
        finding(transition("yield-after-switch-returns-zero", "I15",
                           "as sys_rseq_slice_yield()'s comment states it: after the task was "
                           "scheduled out since its grant, rseq_slice_yield() returns 0 (S4 takes "
                           "the yield branch only for a task not switched in again; known finding "
                           "F2: docs/findings.md)",
                           "99d25920 (comment of sys_rseq_slice_yield())",
                           yield_after_switch_returns_zero, yield_branch_taken)),
        yield_after_switch_reads),
}};

}  // namespace

std::vector<std::string> describe_facts(const Scenario& sc, ScenarioFacts facts) {
    std::vector<std::string> out;
    const bool per_task = has(facts, ScenarioFact::Role) ||
                          has(facts, ScenarioFact::SliceEnabled) || has(facts, ScenarioFact::Rt);
    for (TaskId t = 0; per_task && t < sc.task_count(); ++t) {
        const TaskConfig& cfg = sc.tasks[t];
        const bool user = cfg.role == TaskRole::SliceUser;
        std::string item = "T" + std::to_string(t) + (user ? " slice user" : " waiter");
        if (user && has(facts, ScenarioFact::SliceEnabled))
            item += cfg.slice_enabled ? ", extension enabled" : ", extension NOT enabled";
        if (has(facts, ScenarioFact::Rt))
            item += cfg.rt ? ", RT" : ", fair";
        out.push_back(item);
    }
    if (has(facts, ScenarioFact::Preempt)) {
        std::string name(to_string(sc.preempt));
        for (char& c : name)
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out.push_back("PREEMPT_" + name);
    }
    if (has(facts, ScenarioFact::SliceKey))
        out.push_back(std::string("rseq_slice_extension_key ") + (sc.slice_key ? "on" : "OFF"));
    if (has(facts, ScenarioFact::DebugKey))
        out.push_back(std::string("rseq_debug_enabled ") + (sc.debug_key ? "on" : "off"));
    if (has(facts, ScenarioFact::Adversarial)) {
        out.push_back(sc.adversarial ? "user space writes any slice_ctrl value"
                                     : "user space follows rseq.rst");
    }
    return out;
}

std::span<const Property> catalog() {
    return entries;
}

const Property* find_property(std::string_view name) {
    for (const Property& p : catalog()) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

int property_index(std::string_view name) {
    const auto all = catalog();
    for (std::size_t i = 0; i < all.size(); ++i) {
        if (all[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

std::vector<std::string> property_names() {
    std::vector<std::string> names;
    names.reserve(catalog().size());
    for (const Property& p : catalog())
        names.emplace_back(p.name);
    return names;
}

std::string nearest_property(std::string_view name) {
    const NearestName best = nearest_name(name, property_names());
    // A name far from every property ("nosuch") gets no suggestion: any would mislead.
    return best.distance <= std::max<std::size_t>(2, name.size() / 3) ? best.name : "";
}

std::string unknown_property_message(std::string_view name) {
    const std::string quoted = "'" + std::string(name) + "'";
    if (name == "deadlock-free") {
        return "property " + quoted +
               " is the built-in deadlock check: it runs when no property is selected, and "
               "cannot be selected itself";
    }
    const std::string near = nearest_property(name);
    if (!near.empty())
        return "unknown property " + quoted + " (did you mean '" + near + "'?)";
    std::string valid;
    for (const Property& p : catalog())
        valid += (valid.empty() ? "" : ", ") + std::string(p.name);
    return "unknown property " + quoted + " (valid: " + valid + ")";
}

}  // namespace rseqcheck::properties
