// Per transition: what every firing of it must do, checked on every reachable transition of
// the presets the tests use (fixed model), in the words of the kernel function it models.
// Every transition has one, but the folded-bit clear that only mut_no_irq_guard_clear splits
// off (its twin is grant-clears-resched).
// Plus coverage: every transition of the fixed model fires on some preset.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/sequential_bfs.h"
#include "model/kabi.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/state_fields.h"
#include "model/transitions.h"
#include "model/variant.h"
#include "tests/support/reference_bfs.h"

namespace rseqcheck {
namespace {

using Contract = std::function<bool(const State& s, const Action& a, const State& t)>;

const Task& before(const State& s, const Action& a) {
    return s.task(a.task);
}
const Task& after(const State& t, const Action& a) {
    return t.task(a.task);
}
bool resched(const Task& task) {
    return task.tif_set(kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY);
}

/// The contracts, one per transition kind that has a simple one.
const std::map<ActionKind, std::pair<const char*, Contract>>& contracts() {
    static const std::map<ActionKind, std::pair<const char*, Contract>> table{
        {ActionKind::SliceRequest,
         {"user space sets slice_ctrl.request and stays in user mode",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).in_user() && after(t, a).in_user() &&
                     after(t, a).usr_slice_request;
          }}},
        {ActionKind::IrqWakeup,
         {"an interrupt from user mode marks rseq.event.user_irq and enters the exit path",
          [](const State& s, const Action& a, const State& t) {
              if (a.task == no_task)
                  return true;  // it interrupted the idle task (a task blocked there)
              if (!before(s, a).in_user())
                  return true;  // from kernel mode: user_irq untouched (tested below)
              return after(t, a).user_irq || after(t, a).get_pc() != Pc::ExitPrepare;
          }}},
        {ActionKind::GrantCommit,
         {"G6 sets rseq.slice.state.granted with a fresh, not yet expired deadline",
          [](const State&, const Action& a, const State& t) {
              return after(t, a).slice_granted && !after(t, a).slice_expired &&
                     after(t, a).get_pc() == Pc::GrantClearResched;
          }}},
        {ActionKind::GrantClearResched,
         {"G6's IRQ-off part clears TIF_NEED_RESCHED(_LAZY) and the folded preempt bit",
          [](const State&, const Action& a, const State& t) {
              return !resched(after(t, a)) && !t.cpu(a.cpu).preempt_need_resched;
          }}},
        {ActionKind::SyscallEnter,
         {"syscall entry leaves user_irq clear: a syscall return is never an irq return",
          [](const State&, const Action& a, const State& t) {
              return !after(t, a).user_irq;
          }}},
        {ActionKind::SyscallEntryWork,
         {"S1: the slice syscall work bit is consumed by the entry work, unless Syscall User "
          "Dispatch dispatched the syscall first (then nothing of the slice state changes)",
          [](const State& s, const Action& a, const State& t) {
              if (a.branch() == Branch::Dispatched || a.branch() == Branch::DispatchFatal) {
                  return after(t, a).syscall_work_rseq_slice ==
                             before(s, a).syscall_work_rseq_slice &&
                         after(t, a).slice_granted == before(s, a).slice_granted &&
                         t.task_ext(a.task).get_syscall() == Syscall::None &&
                         after(t, a).get_pc() == Pc::SyscallBody;
              }
              return !after(t, a).syscall_work_rseq_slice;
          }}},
        {ActionKind::SyscallTraceEnter,
         {"syscall_trace_enter() runs after the slice work (no grant is live), changes no slice "
          "state, skips the body exactly on its skip and kill branches, and leaves the CPU "
          "exactly on its sleep branches",
          [](const State& s, const Action& a, const State& t) {
              const Task& b = before(s, a);
              const Task& n = after(t, a);
              const Branch br = a.branch();
              const bool skip = br == Branch::Skip || br == Branch::SleepSkip ||
                                br == Branch::Kill || br == Branch::SleepKill;
              const bool kill = br == Branch::Kill || br == Branch::SleepKill;
              const bool sleep = br == Branch::SleepRun || br == Branch::SleepSkip ||
                                 br == Branch::SleepRewrite || br == Branch::SleepKill;
              const Syscall nr = t.task_ext(a.task).get_syscall();
              const Syscall entered = s.task_ext(a.task).get_syscall();
              const bool nr_ok = skip
                                     ? nr == Syscall::None
                                     : (br == Branch::SleepRewrite ? nr != entered : nr == entered);
              return !b.slice_granted && n.slice_granted == b.slice_granted &&
                     n.slice_yielded == b.slice_yielded &&
                     n.usr_slice_granted == b.usr_slice_granted && nr_ok &&
                     (n.sigsegv != 0) == (kill || b.sigsegv != 0) && (a.next != no_task) == sleep &&
                     n.get_pc() == Pc::SyscallBody;
          }}},
        {ActionKind::SyscallSliceRevoke,
         {"S4 cancels this task's slice timer on this CPU",
          [](const State& s, const Action& a, const State& t) {
              return !(t.cpu(a.cpu).slice_timer_armed &&
                       t.cpu(a.cpu).slice_timer_cookie == a.task &&
                       s.cpu(a.cpu).slice_timer_cookie == a.task);
          }}},
        {ActionKind::SyscallSliceClear,
         {"S6 clears the kernel grant, and with a successful put_user() slice_ctrl too",
          [](const State&, const Action& a, const State& t) {
              if (a.fault == Fault::Resolved)
                  return !after(t, a).slice_granted;
              return !after(t, a).slice_granted &&
                     (a.fault != Fault::None ||
                      (!after(t, a).usr_slice_granted && !after(t, a).usr_slice_request));
          }}},
        {ActionKind::SyscallBody,
         {"rseq_slice_yield() returns yielded and clears it",
          [](const State& s, const Action& a, const State& t) {
              if (s.task_ext(a.task).get_syscall() != Syscall::RseqSliceYield)
                  return true;
              return after(t, a).yield_ret == before(s, a).slice_yielded &&
                     !after(t, a).slice_yielded;
          }}},
        {ActionKind::ExitRestart,
         {"O2 leaves user mode with TIF_RSEQ and the rseq events clear, or loops again",
          [](const State&, const Action& a, const State& t) {
              const Task& task = after(t, a);
              if (task.get_pc() != Pc::User)
                  return true;
              if (!task.has_rseq) {
                  // unregistered: __set_task_cpu() still sets ids_changed (no has_rseq test)
                  // and nothing raises TIF_RSEQ to clear it; a syscall exit leaves it
                  return !task.tif_set(kabi::TIF_RSEQ) && !task.sched_switch;
              }
              return !task.tif_set(kabi::TIF_RSEQ) && !task.user_irq && !task.sched_switch &&
                     !task.ids_changed;
          }}},
        {ActionKind::SliceTimerFires,
         {"the slice timer fires only when armed and disarms itself",
          [](const State& s, const Action& a, const State& t) {
              return s.cpu(a.cpu).slice_timer_armed && !t.cpu(a.cpu).slice_timer_armed;
          }}},
        {ActionKind::SliceDeadlinePasses,
         {"the deadline passes only for a live, unexpired grant",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).slice_granted && !before(s, a).slice_expired &&
                     after(t, a).slice_expired;
          }}},
        {ActionKind::GrantRearm,
         {"7.1: the grant wrapper's rearm clears TIF_HRTIMER_REARM and deferred_rearm in one "
          "IRQ-off step (ada54c2b): the lock is never left held",
          [](const State&, const Action& a, const State& t) {
              return !after(t, a).tif_set(kabi::TIF_HRTIMER_REARM) &&
                     !t.cpu(a.cpu).deferred_rearm && !t.cpu(a.cpu).hrtimer_lock &&
                     after(t, a).get_pc() != Pc::GrantRearmLocked;
          }}},
        {ActionKind::SliceEnd,
         {"user space clears slice_ctrl.request and stays in user mode",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).in_user() && after(t, a).in_user() &&
                     !after(t, a).usr_slice_request;
          }}},
        {ActionKind::UserWriteAny,
         {"an adversarial write to slice_ctrl happens in user mode and stays there",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).in_user() && after(t, a).in_user();
          }}},
        {ActionKind::UserEnterRseqCs,
         {"entering a critical section stores the chosen non-null descriptor to rseq_cs, puts "
          "the IP inside the section and stays in user mode",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).in_user() && !before(s, a).usr_in_cs && after(t, a).in_user() &&
                     after(t, a).usr_in_cs && t.task_ext(a.task).get_rseq_cs() == a.rseq_cs() &&
                     a.rseq_cs() != RseqCs::Null;
          }}},
        {ActionKind::UserCommitRseqCs,
         {"the commit takes the IP out of the section and leaves rseq_cs for the kernel",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).usr_in_cs && !after(t, a).usr_in_cs &&
                     t.task_ext(a.task).usr_rseq_cs == s.task_ext(a.task).usr_rseq_cs &&
                     after(t, a).in_user();
          }}},
        {ActionKind::UserWriteRseqFields,
         {"a U8 write stores the chosen cpu_id_start or rseq_cs (only that field), spends a user "
          "write and stays in user mode; a null rseq_cs leaves no section around the IP",
          [](const State& s, const Action& a, const State& t) {
              const Task& b = before(s, a);
              const Task& n = after(t, a);
              const unsigned v = a.rseq_field();
              const RseqCs cs_before = s.task_ext(a.task).get_rseq_cs();
              const RseqCs cs_after = t.task_ext(a.task).get_rseq_cs();
              const bool field = v < 4 ? n.usr_cpu_id_start == v && cs_after == cs_before &&
                                             n.usr_in_cs == b.usr_in_cs
                                       : cs_after == static_cast<RseqCs>(v - 4) &&
                                             n.usr_cpu_id_start == b.usr_cpu_id_start &&
                                             (cs_after != RseqCs::Null || !n.usr_in_cs);
              return b.in_user() && n.in_user() && field &&
                     n.user_writes_left + 1U == b.user_writes_left &&
                     n.usr_cpu_id == b.usr_cpu_id && n.ids_cpu_id == b.ids_cpu_id;
          }}},
        {ActionKind::UserException,
         {"an exception from user mode enters the kernel as an interrupt does (user_irq)",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).in_user() && !after(t, a).in_user() && after(t, a).user_irq;
          }}},
        {ActionKind::WaiterSleeps,
         {"a waiter that blocks leaves its CPU",
          [](const State&, const Action& a, const State& t) {
              return after(t, a).get_run() == Run::Sleeping && t.cpu(a.cpu).curr != a.task;
          }}},
        {ActionKind::TickPreemptFair,
         {"the tick that ends a used-up slice comes only while a fair task waits behind the "
          "slice user, and asks for a reschedule",
          [](const State& s, const Action& a, const State& t) {
              bool waits = false;
              for (TaskId o = 0; o < max_tasks; ++o) {
                  waits = waits || (o != a.task && s.task(o).get_run() == Run::Runnable &&
                                    s.task(o).cpu == a.cpu);
              }
              const bool asked = resched(after(t, a)) || a.next != no_task;
              return waits && !resched(before(s, a)) && asked;
          }}},
        {ActionKind::IrqTick,
         {"a tick from user mode marks rseq.event.user_irq and enters the exit path",
          [](const State& s, const Action& a, const State& t) {
              return !before(s, a).in_user() || after(t, a).user_irq;
          }}},
        {ActionKind::IrqTaskWork,
         {"task_work from user mode marks rseq.event.user_irq and enters the exit path",
          [](const State& s, const Action& a, const State& t) {
              return !before(s, a).in_user() || after(t, a).user_irq;
          }}},
        {ActionKind::GrantUserAccess,
         {"G2-G5 either write the grant to user space (request 0, granted 1) or refuse and "
          "call schedule()",
          [](const State&, const Action& a, const State& t) {
              const Task& task = after(t, a);
              const bool granted = task.get_pc() == Pc::GrantCommit && task.usr_slice_granted &&
                                   !task.usr_slice_request;
              return a.fault != Fault::None || granted || a.next != no_task;
          }}},
        {ActionKind::IrqSignal,
         {"a signal sets TIF_SIGPENDING on its target",
          [](const State&, const Action& a, const State& t) {
              return after(t, a).tif_set(kabi::TIF_SIGPENDING);
          }}},
        {ActionKind::IpiMembarrier,
         {"the membarrier RSEQ IPI on a task in user mode raises TIF_RSEQ "
          "(rseq_sched_switch_event)",
          [](const State& s, const Action& a, const State& t) {
              if (!before(s, a).in_user() || !before(s, a).has_rseq)
                  return true;
              return after(t, a).tif_set(kabi::TIF_RSEQ) && after(t, a).sched_switch;
          }}},
        {ActionKind::IpiResched,
         {"taking the scheduler IPI consumes it",
          [](const State&, const Action& a, const State& t) {
              return !t.cpu(a.cpu).ipi_pending;
          }}},
        {ActionKind::ExitPrepare,
         {"exit_to_user_mode_prepare() returns straight to user exactly when no exit work is "
          "pending, else enters the work loop or the rseq exit",
          [](const State& s, const Action& a, const State& t) {
              const Pc pc = after(t, a).get_pc();
              const bool work = (before(s, a).tif & kabi::EXIT_TO_USER_MODE_WORK) != 0;
              return work ? (pc == Pc::LoopResched || pc == Pc::ExitRestart) : pc == Pc::User;
          }}},
        {ActionKind::LoopSignal,
         {"signal delivery consumes TIF_SIGPENDING, or the fatal SIGSEGV kills the task, or the "
          "delivery forced a SIGSEGV (a failed frame, an invalid rseq critical section)",
          [](const State& s, const Action& a, const State& t) {
              return after(t, a).get_pc() == Pc::Dead ||
                     !after(t, a).tif_set(kabi::TIF_SIGPENDING) ||
                     (after(t, a).sigsegv && !before(s, a).sigsegv);
          }}},
        {ActionKind::SyscallSliceResched,
         {"with NEED_RESCHED set, the end of S4's scope (or S5) calls schedule()",
          [](const State& s, const Action& a, const State&) {
              return !resched(before(s, a)) || a.next != no_task;
          }}},
        {ActionKind::Migrate,
         {"only a runnable task migrates, and its IDs are marked changed",
          [](const State& s, const Action& a, const State& t) {
              return before(s, a).get_run() == Run::Runnable &&
                     after(t, a).cpu != before(s, a).cpu && after(t, a).ids_changed;
          }}},
        {ActionKind::IdleSchedule,
         {"the idle task picks a runnable task on its CPU",
          [](const State& s, const Action& a, const State& t) {
              return s.cpu(a.cpu).curr == idle_task && t.cpu(a.cpu).curr == a.task;
          }}},
        {ActionKind::LoopReread,
         {"the re-read snapshots the thread flags and loops while loop work is pending",
          [](const State& s, const Action& a, const State& t) {
              const Task& task = after(t, a);
              const bool loop = (before(s, a).tif & kabi::EXIT_TO_USER_MODE_WORK_LOOP) != 0;
              return task.ti_work == before(s, a).tif &&
                     task.get_pc() == (loop ? Pc::LoopResched : Pc::ExitRestart);
          }}},
        {ActionKind::LoopNotifyResume,
         {"resume_user_mode_work() consumes TIF_NOTIFY_RESUME; the rseq slow path samples the "
          "CPU and clears the events",
          [](const State& s, const Action& a, const State& t) {
              const Task& task = after(t, a);
              if (task.tif_set(kabi::TIF_NOTIFY_RESUME))
                  return false;
              if (a.fault == Fault::Resolved)  // task_work slept: the rseq part comes after
                  return task.get_pc() == Pc::LoopNotifyResume && a.next != no_task;
              if (!before(s, a).slowpath)
                  return true;
              return !task.slowpath && !task.sched_switch && !task.ids_changed &&
                     task.sampled_cpu == task.cpu;
          }}},
        {ActionKind::SlowpathUpdate,
         {"P4 writes the sampled CPU to user space and clears slice_ctrl and the grant, or (its "
          "ID check failed) writes nothing and forces SIGSEGV",
          [](const State& s, const Action& a, const State& t) {
              if (a.fault != Fault::None)
                  return true;
              const Task& task = after(t, a);
              if (task.sigsegv && !before(s, a).sigsegv) {
                  return task.usr_cpu_id == before(s, a).usr_cpu_id &&
                         task.slice_granted == before(s, a).slice_granted;
              }
              return task.usr_cpu_id == before(s, a).sampled_cpu && !task.usr_slice_granted &&
                     !task.slice_granted;
          }}},
        {ActionKind::RemoteWakeup,
         {"a remote wakeup makes a sleeping task runnable and asks its CPU to reschedule",
          [](const State& s, const Action& a, const State& t) {
              const auto curr = static_cast<TaskId>(t.cpu(a.cpu).curr);
              // asked, or wakeup_preempt() declined (D4: the action says so)
              const bool asked = t.cpu(a.cpu).ipi_pending ||
                                 (curr != idle_task && resched(t.task(curr))) ||
                                 curr == idle_task || a.no_preempt;
              return before(s, a).get_run() == Run::Sleeping &&
                     after(t, a).get_run() == Run::Runnable && asked;
          }}},
        {ActionKind::LoopResched,
         {"without a reschedule bit in the snapshot the loop neither grants nor schedules",
          [](const State& s, const Action& a, const State& t) {
              const Task& task = before(s, a);
              if ((task.ti_work & (kabi::TIF_NEED_RESCHED | kabi::TIF_NEED_RESCHED_LAZY)) != 0)
                  return true;
              return a.next == no_task && after(t, a).get_pc() != Pc::GrantUserAccess;
          }}},
        // sys_rseq() life cycle (model/registration.h)
        {ActionKind::SysRseq,
         {"sys_rseq() returns an error with nothing changed, registers an unregistered task "
          "(IDs UNINIT in user memory, rseq_force_update()), or sends a registered one on to "
          "rseq_reset_ids()",
          [](const State& s, const Action& a, const State& t) {
              const Task& b = before(s, a);
              const Task& n = after(t, a);
              switch (a.branch()) {
              case Branch::Einval:
              case Branch::Eperm:
              case Branch::Ebusy:
              case Branch::Efault:
                  return n.get_pc() == Pc::ExitPrepare && n.has_rseq == b.has_rseq &&
                         (a.branch() == Branch::Einval || a.branch() == Branch::Efault ||
                          b.has_rseq);
              case Branch::None:
              case Branch::DefaultOn:
                  return !b.has_rseq && n.has_rseq && n.sched_switch && n.ids_changed &&
                         n.tif_set(kabi::TIF_RSEQ) &&
                         n.usr_cpu_id_start == kabi::RSEQ_CPU_ID_UNINITIALIZED &&
                         n.usr_cpu_id == kabi::RSEQ_CPU_ID_UNINITIALIZED &&
                         n.get_pc() == Pc::ExitPrepare &&
                         (a.branch() == Branch::DefaultOn || !n.slice_enabled);
              case Branch::Unregister:
                  return b.has_rseq && n.get_pc() == Pc::RseqUnregister;
              default:
                  return false;
              }
          }}},
        {ActionKind::RseqUnregisterResetIds,
         {"rseq_reset_ids() writes cpu_id := UNINIT (cpu_id_start 0 with 2cb68e45, UNINIT "
          "before) and goes on to rseq_reset(), or fails into SIGSEGV and -EFAULT with the "
          "task still registered",
          [](const State& s, const Action& a, const State& t) {
              const Task& n = after(t, a);
              if (!before(s, a).has_rseq || !n.has_rseq)
                  return false;
              if (a.branch() == Branch::Sigsegv)
                  return n.sigsegv && n.get_pc() == Pc::ExitPrepare;
              return n.get_pc() == Pc::RseqReset &&
                     n.usr_cpu_id == kabi::RSEQ_CPU_ID_UNINITIALIZED &&
                     (n.usr_cpu_id_start == 0 ||
                      n.usr_cpu_id_start == kabi::RSEQ_CPU_ID_UNINITIALIZED);
          }}},
        {ActionKind::RseqReset,
         {"rseq_reset() clears the registration, the events and the slice state and sets the "
          "ID cache to UNINIT (with e9766e6f at once; without, the event bytes first)",
          [](const State&, const Action& a, const State& t) {
              const Task& n = after(t, a);
              const bool events = !n.sched_switch && !n.ids_changed && !n.user_irq;
              if (n.get_pc() == Pc::RseqResetTorn)
                  return events && n.has_rseq;
              return events && n.get_pc() == Pc::ExitPrepare && !n.has_rseq &&
                     !t.task_ext(a.task).has_rseq_v2 && !n.slice_enabled && !n.slice_granted &&
                     !n.slice_yielded && n.ids_cpu_id == kabi::RSEQ_CPU_ID_UNINITIALIZED;
          }}},
        {ActionKind::RseqResetRest,
         {"the rest of an unguarded rseq_reset() clears has_rseq, the slice state and the ID "
          "cache, and sys_rseq() returns",
          [](const State&, const Action& a, const State& t) {
              const Task& n = after(t, a);
              return n.get_pc() == Pc::ExitPrepare && !n.has_rseq &&
                     !t.task_ext(a.task).has_rseq_v2 && !n.slice_enabled && !n.slice_granted &&
                     n.ids_cpu_id == kabi::RSEQ_CPU_ID_UNINITIALIZED;
          }}},
        // model-part2 areas 2b/2c
        {ActionKind::SysPrctlRseqSlice,
         {"prctl(PR_RSEQ_SLICE_EXTENSION) returns to the syscall exit (or blocks on a fault); "
          "only a SET that goes through changes rseq.slice.state.enabled, and it writes "
          "the flags' ENABLED bit to match; every -EFAULT return is SIGSEGV",
          [](const State& s, const Action& a, const State& t) {
              const Task& b = before(s, a);
              const Task& n = after(t, a);
              const bool exits = n.get_pc() == Pc::ExitPrepare;
              const bool changed = b.slice_enabled != n.slice_enabled;
              if (changed != (a.branch() == Branch::PrctlSet))
                  return false;
              if (a.branch() == Branch::PrctlSet && n.usr_flags_enabled != n.slice_enabled)
                  return false;
              if (prctl_return(a.branch()) == -14 && !n.sigsegv)
                  return false;
              return exits && b.get_pc() == Pc::SyscallBody;
          }}},
        {ActionKind::SysClone,
         {"clone() returns the parent to the syscall exit; a created child is runnable at its "
          "syscall exit with no grant, no TIF bit, no slice work and ids_changed set; a "
          "CLONE_VM child is unregistered; a parent with a signal pending creates none",
          [](const State& s, const Action& a, const State& t) {
              if (after(t, a).get_pc() != Pc::ExitPrepare)
                  return false;
              if ((a.branch() == Branch::CloneSignalPending) !=
                  before(s, a).tif_set(kabi::TIF_SIGPENDING))
                  return false;
              for (TaskId c = 0; c < max_tasks; ++c) {
                  if (c == a.task || s.task(c).get_run() != Run::Exited ||
                      t.task(c).get_run() == Run::Exited)
                      continue;
                  const Task& ch = t.task(c);
                  if (a.branch() == Branch::CloneNoSlot ||
                      a.branch() == Branch::CloneSignalPending || ch.get_run() != Run::Runnable ||
                      ch.get_pc() != Pc::ExitPrepare || ch.slice_granted || ch.tif != 0 ||
                      ch.syscall_work_rseq_slice || !ch.ids_changed)
                      return false;
                  if (a.branch() == Branch::CloneVm && (ch.has_rseq || ch.slice_enabled))
                      return false;
                  if (a.branch() == Branch::Fork && ch.has_rseq != before(s, a).has_rseq)
                      return false;
              }
              return true;
          }}},
        {ActionKind::SysExecve,
         {"a successful execve() leaves the task unregistered without slice state; a failed "
          "one forces an ID update of a registered task",
          [](const State& s, const Action& a, const State& t) {
              const Task& n = after(t, a);
              if (n.get_pc() != Pc::ExitPrepare)
                  return false;
              if (a.branch() == Branch::ExecOk)
                  return !n.has_rseq && !n.slice_enabled && !n.slice_granted && !n.slice_yielded;
              return !before(s, a).has_rseq ||
                     (n.ids_changed && n.sched_switch && n.tif_set(kabi::TIF_RSEQ));
          }}},
    };
    return table;
}

/// The small presets, plus tiny with adversarial user writes and a signal, and grant-syscall
/// with a traced task whose seccomp filter uses USER_NOTIF or kills (model-part2 area 3).
std::vector<Scenario> small_scenarios() {
    Scenario extra = make_preset("tiny");
    extra.name = "tiny+adversarial+signal";
    extra.adversarial = true;
    extra.bounds.signals = 1;
    std::vector<Scenario> out{extra};
    for (const SeccompMode mode : {SeccompMode::Notify, SeccompMode::Kill}) {
        Scenario traced = make_preset("grant-syscall");
        traced.name = "grant-syscall+ptrace+seccomp=" + std::string(to_string(mode));
        traced.tasks[0].ptrace = true;
        traced.tasks[0].seccomp = mode;
        out.push_back(traced);
    }
    for (const char* preset : {"tiny",
                               "grant",
                               "grant-syscall",
                               "grant-race",
                               "preempt-full",
                               "remote-wakeup",
                               "rt",
                               "fault-migrate",
                               "membarrier",
                               "cs",
                               "cs-signal",
                               "cs-invalid",
                               "hrtimer-rearm",
                               "sud",
                               "seccomp-skip",
                               "debug",
                               "debug-ids",
                               "ro-ids",
                               "register",
                               "register-key-off",
                               "unregister",
                               "unregister-race",
                               "prctl",
                               "prctl-v1",
                               "fork-exec"})
        out.push_back(make_preset(preset));
    // c17ee635 ("7.0"): unregistration through rseq_set_ids_get_csaddr(), the torn reset
    Scenario unregister70 = make_preset("unregister");
    unregister70.name = "unregister@7.0";
    unregister70.kernel = Kernel::Linux70;
    out.push_back(unregister70);
    return out;
}

struct CollectingChecker {
    std::map<ActionKind, std::size_t> fired;
    std::vector<std::string> broken;
    const Scenario* sc = nullptr;
    int check_state(const State&) { return -1; }
    int check_transition(const State& s, const Action& a, const State& t) {
        ++fired[a.kind];
        const auto it = contracts().find(a.kind);
        if (it != contracts().end() && !it->second.second(s, a, t) && broken.size() < 5) {
            broken.push_back(sc->name + ": " + std::string(action_name(a.kind)) + ": " +
                             it->second.first);
        }
        return -1;
    }
};

TEST(TransitionContracts, EveryFiringOnEveryPresetKeepsItsContract) {
    std::map<ActionKind, std::size_t> fired;
    for (const Scenario& sc : small_scenarios()) {
        const RseqModel model(sc);
        checker::SequentialBfs<RseqModel> search(model);
        CollectingChecker c;
        c.sc = &model.scenario();
        search.run(c);
        for (const std::string& b : c.broken)
            ADD_FAILURE() << b;
        for (const auto& [kind, n] : c.fired)
            fired[kind] += n;
    }
    for (const auto& [kind, contract] : contracts())
        EXPECT_GT(fired[kind], 0U) << action_name(kind) << " never fired: its contract is vacuous";
}

/// The contracts broken on a variant's own preset, by transition name.
std::set<std::string> broken_on(const char* variant) {
    const VariantInfo* info = find_variant(variant);
    Scenario sc = make_preset(info->preset);
    sc.variant.add(info->id);
    const RseqModel model(sc);
    checker::SequentialBfs<RseqModel> search(model);
    CollectingChecker c;
    c.sc = &model.scenario();
    search.run(c);
    std::set<std::string> names;
    for (const std::string& b : c.broken)
        names.insert(b.substr(b.find(": ") + 2, b.find(": ", b.find(": ") + 2) - b.find(": ") - 2));
    return names;
}

TEST(TransitionContracts, ContractsFailOnTheMutationsThatBreakThem) {
    EXPECT_EQ(broken_on("mut_yield_keeps_yielded").count("syscall_body"), 1U);
    EXPECT_EQ(broken_on("mut_no_irq_guard_clear").count("grant_clear_resched"), 1U);
    EXPECT_EQ(broken_on("mut_syscall_skips_user_clear").count("rseq_syscall_clear_slice"), 1U);
    EXPECT_EQ(broken_on("pre_ada54c2b").count("hrtimer_rearm_deferred_tif"), 1U);
    EXPECT_EQ(broken_on("mut_grant_skips_rearm").count("hrtimer_rearm_deferred_tif"), 1U);
    EXPECT_EQ(broken_on("mut_prctl_skips_flags_write").count("sys_prctl_rseq_slice"), 1U);
    EXPECT_EQ(broken_on("mut_fork_copies_grant").count("sys_clone"), 1U);
    EXPECT_EQ(broken_on("mut_exec_skips_reset").count("sys_execve"), 1U);
}

// model-part2 area 4: the debug syscall return (syscall_body) never leaves a task inside a
// section with its descriptor cleared, and kills a task whose IP is inside one; the F2/P4
// ID check never writes over user-modified IDs without killing. Checked on the presets
// where they act (the contracts above cover the user step).
TEST(TransitionContracts, DebugSyscallReturnAndIdCheckOnTheirPresets) {
    for (const char* preset : {"debug", "debug-ids", "ro-ids"}) {
        const RseqModel model(make_preset(preset));
        checker::SequentialBfs<RseqModel> search(model);
        struct Checker {
            std::size_t bad = 0, inside = 0, id_writes = 0;
            const Scenario* sc = nullptr;
            int check_state(const State&) { return -1; }
            int check_transition(const State& s, const Action& a, const State& t) {
                const Task& b = s.task(a.task == no_task ? 0 : a.task);
                const Task& n = t.task(a.task == no_task ? 0 : a.task);
                if (a.kind == ActionKind::SyscallBody && sc->debug_key && b.usr_in_cs &&
                    s.task_ext(a.task).get_rseq_cs() != RseqCs::Null) {
                    ++inside;
                    if (!n.sigsegv || !n.usr_in_cs)
                        ++bad;
                }
                const bool modified =
                    b.usr_cpu_id_start != b.ids_cpu_id || b.usr_cpu_id != b.usr_cpu_id_start;
                if (a.kind == ActionKind::SlowpathUpdate && a.fault == Fault::None && modified) {
                    ++id_writes;
                    if (!n.sigsegv || n.usr_cpu_id_start != b.usr_cpu_id_start)
                        ++bad;
                }
                return -1;
            }
        } c;
        c.sc = &model.scenario();
        search.run(c);
        EXPECT_EQ(c.bad, 0U) << preset;
        EXPECT_GT(c.id_writes, 0U) << preset << ": P4 never met modified IDs";
        if (std::string_view(preset) == "debug") {
            EXPECT_GT(c.inside, 0U) << "no syscall returned from inside a section";
        }
    }
}

TEST(TransitionContracts, EveryTransitionFiresSomewhere) {
    std::set<ActionKind> fired;
    for (const Scenario& sc : small_scenarios()) {
        const RseqModel model(sc);
        checker::SequentialBfs<RseqModel> search(model);
        CollectingChecker c;
        c.sc = &model.scenario();
        search.run(c);
        for (const auto& [kind, n] : c.fired)
            fired.insert(kind);
    }
    for (std::size_t k = 0; k < action_kind_count; ++k) {
        const auto kind = static_cast<ActionKind>(k);
        if (kind == ActionKind::GrantClearFolded || kind == ActionKind::GrantRearmUnlock)
            continue;  // only mut_no_irq_guard_clear splits the clear, only pre_ada54c2b locks
        EXPECT_TRUE(fired.count(kind) == 1) << action_name(kind) << " never fires";
    }
}

// syscall_enter_from_user_mode issues exactly the syscalls the scenario's syscall_kinds
// offers: with only getpid, no state is ever in another syscall, and getpid is reached.
TEST(TransitionContract, SyscallEntryIssuesOnlyTheOfferedSyscalls) {
    Scenario sc = make_preset("grant-syscall");
    sc.syscall_kinds = SyscallKinds{Syscall::Getpid};
    bool issued = false;
    for (const State& s : testing::reachable_states(sc)) {
        for (TaskId t = 0; t < sc.task_count(); ++t) {
            const Syscall nr = s.task_ext(t).get_syscall();
            EXPECT_TRUE(nr == Syscall::None || nr == Syscall::Getpid) << to_string(nr);
            issued = issued || nr == Syscall::Getpid;
        }
    }
    EXPECT_TRUE(issued) << "getpid was never issued: the test is vacuous";
}

}  // namespace
}  // namespace rseqcheck
