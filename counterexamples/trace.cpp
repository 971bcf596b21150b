#include "counterexamples/trace.h"

#include "model/state_fields.h"
#include "model/transitions.h"
#include "properties/property.h"

namespace rseqcheck::cex {

PropertyRef PropertyRef::of(int index) {
    PropertyRef ref;
    ref.index = index;
    if (index < 0) {
        ref.kind = checker::ViolationKind::Deadlock;
        ref.name = "deadlock-free";
        ref.spec_id = "-";
        ref.summary = "every state without successors has no task inside the kernel";
        return ref;
    }
    const auto cat = properties::catalog();
    RSEQCHECK_CHECK(static_cast<std::size_t>(index) < cat.size(), "property index out of range");
    const properties::Property& p = cat[static_cast<std::size_t>(index)];
    ref.kind = p.kind == properties::PropertyKind::Transition ? checker::ViolationKind::Transition
                                                              : checker::ViolationKind::Invariant;
    ref.name = p.name;
    ref.spec_id = p.spec_id;
    ref.reads = p.reads;
    ref.facts = p.facts;
    ref.summary = p.summary;
    return ref;
}

PropertyRef PropertyRef::named(std::string_view name) {
    if (name == "deadlock-free")
        return of(-1);
    const int index = properties::property_index(name);
    if (index < 0) {
        throw InputError({}, properties::unknown_property_message(name));
    }
    return of(index);
}

std::vector<Action> Trace::actions() const {
    std::vector<Action> out;
    out.reserve(steps.size());
    for (const TraceStep& s : steps)
        out.push_back(s.action);
    return out;
}

bool is_environment(const Action& a) {
    if (a.fault != Fault::None)
        return true;
    switch (a.kind) {
    case ActionKind::IrqWakeup:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::UserException:
    case ActionKind::RemoteWakeup:
    case ActionKind::Migrate:
    case ActionKind::SliceDeadlinePasses:
    case ActionKind::SliceTimerFires:
    case ActionKind::TickPreemptFair:
    case ActionKind::SliceRequest:
    case ActionKind::UserWriteAny:
    case ActionKind::UserEnterRseqCs:  // spends a user write, as a request does
    case ActionKind::UserWriteRseqFields:
        return true;
    case ActionKind::SliceEnd:
    case ActionKind::UserCommitRseqCs:
    case ActionKind::SyscallEnter:
    case ActionKind::WaiterSleeps:
    case ActionKind::IpiResched:
    case ActionKind::ExitPrepare:
    case ActionKind::LoopResched:
    case ActionKind::GrantUserAccess:
    case ActionKind::GrantCommit:
    case ActionKind::GrantClearResched:
    case ActionKind::GrantClearFolded:
    case ActionKind::GrantRearm:
    case ActionKind::GrantRearmUnlock:
    case ActionKind::LoopSignal:
    case ActionKind::LoopNotifyResume:
    case ActionKind::SlowpathUpdate:
    case ActionKind::LoopReread:
    case ActionKind::ExitRestart:
    case ActionKind::SyscallEntryWork:
    case ActionKind::SyscallSliceRevoke:
    case ActionKind::SyscallSliceResched:
    case ActionKind::SyscallSliceClear:
    case ActionKind::SyscallBody:
    case ActionKind::SyscallTraceEnter:
    case ActionKind::SysPrctlRseqSlice:
    case ActionKind::SysClone:
    case ActionKind::SysExecve:
    case ActionKind::IdleSchedule:
    case ActionKind::SysRseq:
    case ActionKind::RseqUnregisterResetIds:
    case ActionKind::RseqReset:
    case ActionKind::RseqResetRest:
        return false;
    }
    return false;
}

std::size_t environment_events(std::span<const TraceStep> steps) {
    std::size_t n = 0;
    for (const TraceStep& s : steps)
        n += is_environment(s.action) ? 1U : 0U;
    return n;
}

std::size_t context_switches(std::span<const TraceStep> steps) {
    std::size_t n = 0;
    for (std::size_t k = 1; k < steps.size(); ++k) {
        const Action& a = steps[k - 1].action;
        const Action& b = steps[k].action;
        n += (a.cpu != b.cpu || a.task != b.task) ? 1U : 0U;
    }
    return n;
}

std::string_view to_string(Fault f) {
    switch (f) {
    case Fault::None:
        return "none";
    case Fault::Resolved:
        return "resolved";
    case Fault::Unresolvable:
        return "unresolvable";
    }
    return "?";
}

std::string actor(const Action& a) {
    return "CPU" + std::to_string(a.cpu) + " " +
           (a.task == no_task ? std::string("-") : "T" + std::to_string(a.task));
}

std::string action_label(const Action& a) {
    std::string out(action_name(a.kind));
    if (a.no_preempt)
        out += " (no preemption)";
    if (a.next == idle_task) {
        out += " -> idle";
    } else if (a.next != no_task) {
        out += " -> T" + std::to_string(a.next);
    }
    if (a.fault == Fault::Resolved)
        out += " (fault, resolved)";
    if (a.fault == Fault::Unresolvable)
        out += " (fault, -EFAULT)";
    return out;
}

ParamField param_field(const Action& a) {
    ParamField f;
    f.param = action_param(a.kind);
    switch (f.param) {
    case ActionParam::None:
        break;
    case ActionParam::Branch:
        if (a.branch() == Branch::None)
            f.param = ActionParam::None;
        f.text = to_string(a.branch());
        f.form = ParamField::Form::String;
        break;
    case ActionParam::TiWork:
        f.number = a.ti_work();
        f.text = tif_names(f.number);
        break;
    case ActionParam::Syscall:
        f.text = to_string(a.syscall());
        f.form = ParamField::Form::String;
        break;
    case ActionParam::Woken:
        f.number = a.woken();
        f.text = std::to_string(f.number);
        break;
    case ActionParam::FromCpu:
        f.number = a.from_cpu();
        f.text = std::to_string(f.number);
        break;
    case ActionParam::SliceCtrl:
        f.number = a.slice_ctrl();
        f.text = std::to_string(f.number);
        break;
    case ActionParam::RseqCs:
        f.number = static_cast<unsigned>(a.rseq_cs());
        f.text = to_string(a.rseq_cs());
        f.form = ParamField::Form::String;
        break;
    case ActionParam::RseqField:
        f.number = a.rseq_field();
        f.text = std::to_string(f.number);
        break;
    case ActionParam::Granted:
        f.number = a.granted() ? 1 : 0;
        f.text = std::to_string(f.number);
        f.form = ParamField::Form::Boolean;
        break;
    }
    return f;
}

std::string describe(const Action& a) {
    std::string out = std::string(action_name(a.kind)) + " cpu=" + std::to_string(a.cpu);
    if (a.task != no_task)
        out += " task=" + std::to_string(a.task);
    if (const ParamField f = param_field(a); f.param != ActionParam::None)
        out += " " + std::string(f.name()) + "=" + f.text;
    if (a.next == idle_task) {
        out += " next=idle";
    } else if (a.next != no_task) {
        out += " next=" + std::to_string(a.next);
    }
    if (a.no_preempt)
        out += " no_preempt";
    if (a.fault == Fault::Resolved)
        out += " fault=resolved";
    if (a.fault == Fault::Unresolvable)
        out += " fault=unresolvable";
    return out;
}

}  // namespace rseqcheck::cex
