#include "properties/registration.h"

#include <array>
#include <string_view>

#include "model/kabi.h"
#include "model/transition.h"

namespace rseqcheck::properties {

namespace {

// I19: an unregistered task has no pending switch event. rseq_reset() clears the whole of
// task->rseq; with e9766e6f under guard(irqsave), so that no preemption or membarrier IPI
// can set sched_switch again between the event bytes and has_rseq. Only sched_switch: a
// TIF_RSEQ raised on the task's behalf between rseq_reset_ids() and rseq_reset() survives
// the reset and is cleared by R1a on the way out (model-part2.md D11).
bool reset_leaves_no_event(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& task = s.task(t);
        if (is_slice_user(sc, t) && !task.has_rseq && task.sched_switch)
            return false;
    }
    return true;
}

bool some_slice_user_unregistered(const Scenario& sc, const State& s) {
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        if (is_slice_user(sc, t) && !s.task(t).has_rseq)
            return true;
    }
    return false;
}

// 2cb68e45: a successful unregistration (rseq_reset_ids() without a fault) leaves
// cpu_id_start at 0 and cpu_id at RSEQ_CPU_ID_UNINITIALIZED, as before the rseq rework.
bool unregistration_wrote_ids(const Scenario&, const State&, const Action& a, const State&) {
    return a.kind == ActionKind::RseqUnregisterResetIds && a.branch() == Branch::None;
}

bool unregister_writes_zero_cpu_id_start(const Scenario& sc, const State& s, const Action& a,
                                         const State& t) {
    if (!unregistration_wrote_ids(sc, s, a, t))
        return true;
    const Task& after = t.task(a.task);
    return after.usr_cpu_id_start == 0 && after.usr_cpu_id == kabi::RSEQ_CPU_ID_UNINITIALIZED;
}

// I18 (010b7723): a successful registration advertises SLICE_EXT_AVAILABLE in rseq->flags
// only with rseq_slice_extension_key on. A transition, not an invariant: user space may
// write its flags word afterwards.
bool registration_succeeded(const Scenario&, const State&, const Action& a, const State&) {
    return a.kind == ActionKind::SysRseq &&
           (a.branch() == Branch::None || a.branch() == Branch::DefaultOn);
}

bool slice_available_needs_key(const Scenario& sc, const State& s, const Action& a,
                               const State& t) {
    if (!registration_succeeded(sc, s, a, t))
        return true;
    return sc.slice_key || t.task_ext(a.task).usr_flags_available == 0;
}

// Applicability (Property::applies): the life cycle's fixes are on kernels 7.0.y and 7.1
// only (c17ee635, "7.0", has the bugs: model-part2.md decision 2), and only a scenario whose
// slice user may call sys_rseq() registers or unregisters.
bool lifecycle_fixed_and_offered(const Scenario& sc) {
    return sc.kernel != Kernel::Linux70 && sc.syscall_kinds.has(Syscall::Rseq);
}
constexpr std::string_view lifecycle_when =
    "kernel 7.0.y or 7.1 and syscall_kinds offering \"rseq\"";

using Reads = std::string_view;
constexpr std::array<Reads, 2> i19_reads{"rseq.event.has_rseq", "rseq.event.sched_switch"};
constexpr std::array<Reads, 2> zero_cpu_id_start_reads{"rseq->cpu_id_start", "rseq->cpu_id"};
constexpr std::array<Reads, 1> available_reads{"rseq->flags SLICE_EXT_AVAILABLE"};

const std::array entries{
    applying(reading(invariant("reset-leaves-no-event", "I19",
                               "an unregistered task has no pending rseq switch event "
                               "(rseq.event.sched_switch clear)",
                               "e9766e6f (\"rseq: Protect rseq_reset() against interrupts\")",
                               reset_leaves_no_event, some_slice_user_unregistered),
                     i19_reads, static_cast<ScenarioFacts>(ScenarioFact::Role)),
             lifecycle_fixed_and_offered, lifecycle_when),
    applying(
        reading(transition("unregister-writes-zero-cpu-id-start", "I6",
                           "a successful unregistration leaves rseq->cpu_id_start at 0 and "
                           "rseq->cpu_id at RSEQ_CPU_ID_UNINITIALIZED",
                           "2cb68e45 (\"rseq: Set rseq::cpu_id_start to 0 on unregistration\")",
                           unregister_writes_zero_cpu_id_start, unregistration_wrote_ids),
                zero_cpu_id_start_reads),
        lifecycle_fixed_and_offered, lifecycle_when),
    applying(reading(transition("slice-available-needs-key", "I18",
                                "a successful sys_rseq() registration sets SLICE_EXT_AVAILABLE in "
                                "rseq->flags only with rseq_slice_extension_key on",
                                "010b7723 (\"rseq: Don't advertise time slice extensions if "
                                "disabled\")",
                                slice_available_needs_key, registration_succeeded),
                     available_reads, static_cast<ScenarioFacts>(ScenarioFact::SliceKey)),
             lifecycle_fixed_and_offered, lifecycle_when),
};

}  // namespace

std::span<const Property> registration_properties() {
    return entries;
}

}  // namespace rseqcheck::properties
