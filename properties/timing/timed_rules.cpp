#include "properties/timing/timed_rules.h"

#include "model/irq_entry.h"
#include "model/kabi.h"
#include "model/transition.h"

namespace rseqcheck::timing {

bool TimedRules::timer_due(const State& s, CpuId c) {
    const Cpu& cpu = s.cpu(c);
    if (!cpu.slice_timer_armed)
        return false;
    const Task& owner = s.task(static_cast<TaskId>(cpu.slice_timer_cookie));
    return owner.slice_granted && owner.slice_expires == cpu.slice_timer_expires &&
           owner.slice_expired;
}

bool TimedRules::runs_on(const Action& a, CpuId c) {
    if (a.cpu != c)
        return false;
    switch (a.kind) {
    case ActionKind::SliceDeadlinePasses:  // the clock, not code
    case ActionKind::RemoteWakeup:         // runs on the waking CPU; the IPI follows
    case ActionKind::Migrate:              // the load balancer, elsewhere
        return false;
    // code of the task or of the interrupt on CPU c
    case ActionKind::SliceRequest:
    case ActionKind::SliceEnd:
    case ActionKind::UserWriteAny:
    case ActionKind::SyscallEnter:
    case ActionKind::UserException:
    case ActionKind::WaiterSleeps:
    case ActionKind::UserEnterRseqCs:
    case ActionKind::UserWriteRseqFields:
    case ActionKind::UserCommitRseqCs:
    case ActionKind::IrqWakeup:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::IpiResched:
    case ActionKind::SliceTimerFires:
    case ActionKind::TickPreemptFair:
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
        return true;
    }
    return true;  // not reached: every kind is listed (-Wswitch names a missing one)
}

void TimedRules::invariant(const State& s, CpuId c, std::vector<ClockBound>& out) const {
    const Cpu& cpu = s.cpu(c);
    const TaskId curr = static_cast<TaskId>(cpu.curr);
    if (curr == idle_task) {
        for (TaskId t = 0; t < sc_.task_count(); ++t) {
            if (s.task(t).get_run() == Run::Runnable && s.task(t).cpu == c) {
                out.push_back({Clock::X, true, p_.get(Param::IdleWake), "idle_wake"});
                break;
            }
        }
    } else {
        const Task& task = s.task(curr);
        // kernel code segment: the next step comes within the segment's length
        if (!task.in_user() && task.get_pc() != Pc::Dead) {
            const Param seg = segment_of(task.get_pc());
            out.push_back({Clock::X, true, p_.get(seg), info(seg).name.data()});
        }
        // the deadline is a clock value: it passes at E after the grant's clock read
        if (task.slice_granted && !task.slice_expired)
            out.push_back({Clock::G, true, p_.slice_ext_nsecs(), "E"});
    }
    // Both bounds hold in IRQ-off code too: d_ipi and eps_off are the longest an IRQ-off
    // section may defer the IPI and the timer interrupt (docs/timing.md, assumptions).
    if (cpu.ipi_pending)
        out.push_back({Clock::K, true, p_.get(Param::Ipi), "d_ipi"});
    if (timer_due(s, c)) {
        out.push_back(
            {Clock::F, true, p_.get(Param::EpsHw) + p_.get(Param::EpsOff), "eps_hw+eps_off"});
    }
    // A fair task waits with no reschedule pending: the tick that ends the current slice
    // comes within `tick`, late by at most the longest IRQ-off section, as the timer.
    if (slice_tick_due(s, c)) {
        out.push_back(
            {Clock::S, true, p_.get(Param::Tick) + p_.get(Param::EpsOff), "tick+eps_off"});
    }
}

bool TimedRules::slice_tick_due(const State& s, CpuId c) const {
    const TaskId curr = static_cast<TaskId>(s.cpu(c).curr);
    if (curr == idle_task || curr >= sc_.task_count() || sc_.tasks[curr].rt ||
        s.task(curr).tif_set(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY))
        return false;
    // A waiter gets no tick in the model (irq::TickPreemptFair): it hands the CPU over by
    // blocking, which the same bound then forces while it runs in user mode.
    if (!is_slice_user(sc_, curr) && !s.task(curr).in_user())
        return false;
    return irq::TickPreemptFair::fair_task_waits_on(sc_, s, c, curr);
}

StepEffect TimedRules::step(const State& s, const Action& a, const State& n, CpuId c,
                            CpuId c_next) const {
    StepEffect e;
    const TaskId curr = static_cast<TaskId>(s.cpu(c).curr);
    if (a.kind == ActionKind::SliceDeadlinePasses && a.task == curr) {
        // ktime_get_mono_fast_ns() read at G6 may lag by sigma: the deadline is no earlier
        // than E - sigma after the grant's clock read
        e.guards.push_back(
            {Clock::G, false, p_.slice_ext_nsecs() - p_.get(Param::Sigma), "E-sigma"});
    }
    if (a.kind == ActionKind::ExitRestart && a.cpu == c && curr != idle_task &&
        s.task(curr).slice_granted && s.task(curr).slice_expired) {
        // A1: the strict `expires < now` of rseq_arm_slice_extension_timer()
        e.guards.push_back(
            {Clock::G, false, p_.slice_ext_nsecs() + 1 - p_.get(Param::Sigma), "E+1-sigma"});
    }
    if (c_next != c) {
        e.releases = {Clock::K, Clock::F, Clock::G, Clock::S};
        e.resets.push_back(Clock::X);
        return e;
    }
    if (runs_on(a, c))
        e.resets.push_back(Clock::X);
    for (TaskId t = 0; t < sc_.task_count(); ++t) {
        const Task& before = s.task(t);
        const Task& after = n.task(t);
        if (after.cpu == c && after.slice_granted &&
            (!before.slice_granted || before.slice_expires != after.slice_expires)) {
            e.resets.push_back(Clock::G);  // G6: expires = now + E
            break;
        }
    }
    if (n.cpu(c).ipi_pending && !s.cpu(c).ipi_pending)
        e.resets.push_back(Clock::K);
    if (timer_due(n, c) && !timer_due(s, c))
        e.resets.push_back(Clock::F);
    if (slice_tick_due(n, c) && !slice_tick_due(s, c))
        e.resets.push_back(Clock::S);
    return e;
}

}  // namespace rseqcheck::timing
