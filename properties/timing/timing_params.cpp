#include "properties/timing/timing_params.h"

#include <charconv>
#include <string>

#include "model/input_error.h"
#include "util/text.h"

namespace rseqcheck::timing {

namespace {

constexpr std::int64_t segment_max = 10'000'000;  // 10 ms: anything longer is not a segment

// The defaults are assumptions, not measurements (docs/timing.md): E and its range are the
// kernel's (kernel/rseq.c rseq_slice_ext_nsecs, _min, _max); the others are round figures
// for a current x86 server that a user replaces with their own (--param, [timing]).
constexpr std::array<ParamInfo, param_count> table = {{
    {"E", "slice extension length rseq_slice_ext_nsecs (debugfs rseq/slice_ext_nsec)", 5000, 5000,
     50000},
    {"eps_hw", "hrtimer lateness after its expiry: clockevent programming, hrtimer_interrupt()",
     1000, 0, segment_max},
    {"eps_off", "longest IRQ-off section on the CPU (delays the timer interrupt)", 5000, 0,
     segment_max},
    {"sigma", "lag of ktime_get_mono_fast_ns() behind CLOCK_MONOTONIC", 0, 0, 1'000'000},
    {"d_ipi", "resched_curr() on a remote CPU to the reschedule IPI's entry on this one", 2000, 0,
     segment_max},
    {"irq_entry", "kernel entry (interrupt, or a syscall's return) to the exit loop's first read",
     1000, 0, segment_max},
    {"exit_loop", "one step of exit_to_user_mode_loop(): reschedule test, flag re-read", 200, 0,
     segment_max},
    {"loop_work", "signal delivery or resume_user_mode_work() inside the exit loop", 1000, 0,
     segment_max},
    {"rseq_update", "rseq_update_usr(): the slow path's user-memory writes", 500, 0, segment_max},
    {"grant", "one step of rseq_grant_slice_extension(): user access, commit, clear", 300, 0,
     segment_max},
    {"timer_arm", "rseq_exit_to_user_mode_restart(): the deadline check and hrtimer_start()", 300,
     0, segment_max},
    {"syscall_entry", "syscall entry work: rseq_syscall_enter_work() and the slice revoke", 500, 0,
     segment_max},
    {"syscall_body", "the syscall itself, up to its exit work", 1000, 0, segment_max},
    {"idle_wake", "the idle task noticing a runnable task on its CPU", 1000, 0, segment_max},
    // EEVDF reschedules once the current task has run past its deadline: at most one base
    // slice (sysctl_sched_base_slice, 0.7 ms on 7.0) of a fresh request, seen at the next
    // tick (4 ms at HZ=250). A user with other settings passes --param tick=NS.
    {"tick",
     "a waiting fair task to the tick that finds the current slice used up "
     "(task_tick_fair(): base slice + one tick)",
     4'700'000, 0, 1'000'000'000},
}};

}  // namespace

const ParamInfo& info(Param p) {
    return table[static_cast<std::size_t>(p)];
}

Params::Params() {
    for (std::size_t i = 0; i < param_count; ++i)
        v_[i] = table[i].def;
}

void Params::set_from_text(std::string_view assignment, std::string_view where) {
    const SourceLocation loc{std::string(where), 0, 0};
    const std::size_t eq = assignment.find('=');
    if (eq == std::string_view::npos)
        throw InputError(loc, "--param '" + std::string(assignment) + "': expected NAME=VALUE");
    const std::string_view name = assignment.substr(0, eq);
    const std::string_view value = assignment.substr(eq + 1);
    std::int64_t ns = 0;
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ns);
    if (ec != std::errc{} || end != value.data() + value.size()) {
        throw InputError(loc, "--param " + std::string(name) + ": '" + std::string(value) +
                                  "' is not a whole number of nanoseconds");
    }
    set_named(name, ns, loc);
}

void Params::set_named(std::string_view name, std::int64_t ns, const SourceLocation& where) {
    const std::string shown =
        where.line > 0 ? "timing." + std::string(name) : "--param " + std::string(name);
    for (std::size_t i = 0; i < param_count; ++i) {
        if (table[i].name != name)
            continue;
        if (ns < table[i].min || ns > table[i].max) {
            throw InputError(where, shown + "=" + std::to_string(ns) + " is outside [" +
                                        std::to_string(table[i].min) + ", " +
                                        std::to_string(table[i].max) + "] ns");
        }
        v_[i] = ns;
        return;
    }
    const std::string names = join(table, ", ", [](const ParamInfo& p) { return p.name; });
    throw InputError(where,
                     "unknown timing parameter '" + std::string(name) + "' (valid: " + names + ")");
}

Param segment_of(Pc pc) {
    switch (pc) {
    case Pc::ExitPrepare:
        return Param::IrqEntry;
    case Pc::LoopResched:
    case Pc::LoopEnd:
    case Pc::LoopReread:
        return Param::ExitLoop;
    case Pc::LoopSignal:
    case Pc::LoopNotifyResume:
        return Param::LoopWork;
    case Pc::SlowpathUpdate:
        return Param::RseqUpdate;
    case Pc::GrantUserAccess:
    case Pc::GrantCommit:
    case Pc::GrantClearResched:
    case Pc::GrantClearFolded:
    case Pc::GrantRearm:
    case Pc::GrantRearmLocked:
        return Param::Grant;
    case Pc::ExitRestart:
        return Param::TimerArm;
    case Pc::SyscallEntryWork:
    case Pc::SyscallSliceRevoke:
    case Pc::SyscallSliceResched:
    case Pc::SyscallSliceClear:
    case Pc::SyscallTraceEnter:
        return Param::SyscallEntry;
    case Pc::SyscallBody:
    case Pc::RseqUnregister:
    case Pc::RseqReset:
    case Pc::RseqResetTorn:
        return Param::SyscallBody;
    case Pc::User:
    case Pc::Dead:
        break;
    }
    return Param::IrqEntry;  // not a kernel segment; callers check in_user() first
}

std::string describe(const Params& p) {
    std::string out;
    for (std::size_t i = 0; i < param_count; ++i) {
        out += (out.empty() ? "" : " ") + std::string(table[i].name) + "=" +
               std::to_string(p.get(static_cast<Param>(i)));
    }
    return out;
}

}  // namespace rseqcheck::timing
