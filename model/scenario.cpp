#include "model/scenario.h"

#include <algorithm>
#include <array>
#include <string>

#include "model/state_fields.h"
#include "util/text.h"

namespace rseqcheck {

namespace {

constexpr std::array<PresetInfo, 29> presets{{
    {"default", "pre-merge check: 2 CPUs (PREEMPT_FULL), a slice user and a waiter, every event "
                "kind at least once"},
    {"deep", "nightly: as default with two requests and two syscalls per run", true},
    {"nightly",
     "nightly: kernel 7.1, 1 CPU (PREEMPT_FULL), every part-2 feature one scenario "
     "can hold at once: a slice user entering rseq critical sections under Syscall "
     "User Dispatch, ptrace and a skipping seccomp filter, calling rseq, prctl, "
     "clone (into a fork-child slot), execve, getpid and rseq_slice_yield; a waiter; "
     "one of each event (docs/scenarios.md says what it leaves to other presets)",
     true},
    {"tiny", "1 CPU (PREEMPT_NONE), one wakeup, one request: the smallest grant"},
    {"grant", "1 CPU (PREEMPT_NONE): a grant, its expiry and the waiter running"},
    {"grant-syscall", "1 CPU (PREEMPT_NONE): a grant followed by syscalls, wakeups in the kernel"},
    {"grant-race", "1 CPU (PREEMPT_NONE), two waiters: a second wakeup racing with the grant's "
                   "irq-off clear"},
    {"preempt-full", "1 CPU (PREEMPT_FULL), two waiters: a grant, then a second wakeup that "
                     "preempts the exit loop"},
    {"remote-wakeup", "2 CPUs (PREEMPT_NONE): a remote wakeup and task_work land in one "
                      "exit-loop snapshot"},
    {"rt", "1 CPU (PREEMPT_RT) with an RT waiter: only lazy reschedules are grantable"},
    {"fault-migrate", "2 CPUs (PREEMPT_NONE): a reschedule, a migration and a fault on the way "
                      "back to user"},
    {"membarrier", "1 CPU (PREEMPT_NONE): a grant revoked by a membarrier RSEQ IPI, then a "
                   "stale slice timer"},
    {"arm64-cs", "1 CPU (PREEMPT_NONE) on arm64: a task inside an rseq critical section is "
                 "preempted by a wakeup, hit by a membarrier RSEQ IPI or signalled, and must "
                 "find its section aborted"},
    {"cs", "1 CPU (PREEMPT_FULL): a slice user entering rseq critical sections; a preempted "
           "section is aborted, one interrupted by a grant without a switch is not"},
    {"cs-signal", "1 CPU (PREEMPT_NONE): a critical section hit by a signal or a membarrier "
                  "RSEQ IPI is aborted"},
    {"cs-invalid", "1 CPU (PREEMPT_FULL): user space stores invalid descriptors to rseq_cs "
                   "(bad signature, kernel address, debug-only errors)"},
    {"hrtimer-rearm", "kernel 7.1, 1 CPU (PREEMPT_NONE): the slice-used-up tick and the plain "
                      "tick defer the hrtimer rearm (TIF_HRTIMER_REARM) to the exit path, the "
                      "grant consumes it"},
    {"sud", "1 CPU (PREEMPT_FULL), Syscall User Dispatch on the slice user: a dispatched syscall "
            "skips the slice work and keeps a live grant into its SIGSYS delivery (finding F6)"},
    {"seccomp-skip", "1 CPU (PREEMPT_NONE), a seccomp filter that may skip a syscall after the "
                     "slice work: a skipped rseq_slice_yield() leaves `yielded` set (finding F5)"},
    {"debug", "1 CPU (PREEMPT_FULL), rseq_debug_enabled: invalid sections, a syscall inside a "
              "section, the F1 fallback to the slow path and user-modified IDs killed there"},
    {"debug-ids", "2 CPUs (PREEMPT_NONE), rseq_debug_enabled, one migration: a user-modified "
                  "cpu_id_start is caught at the next ID update (F2, P4)"},
    {"ro-ids", "kernel 7.0.y, 2 CPUs (PREEMPT_NONE), one migration: a V2 task's modified "
               "cpu_id_start is caught at the next ID update without the debug key (82f57244)"},
    {"register", "kernel 7.0.y, 1 CPU (PREEMPT_NONE): an unregistered slice user registers with "
                 "sys_rseq() (with or without DEFAULT_ON), re-registers, unregisters, and calls "
                 "rseq_slice_yield()"},
    {"register-key-off", "as register with rseq_slice_extension_key off: registration must not "
                         "advertise SLICE_EXT_AVAILABLE"},
    {"unregister", "kernel 7.0.y, 1 CPU (PREEMPT_NONE): a registered slice user unregisters "
                   "(rseq_reset_ids(), rseq_reset()) and registers again"},
    {"unregister-race", "kernel 7.0.y, 2 CPUs (PREEMPT_FULL), a waiter, one migration: a "
                        "wakeup preempts the unregistering task between rseq_reset_ids() and "
                        "rseq_reset()"},
    {"prctl", "1 CPU (PREEMPT_NONE): a slice user calls prctl(PR_RSEQ_SLICE_EXTENSION) GET and "
              "SET (every return, a fault on rseq->flags) and rseq_slice_yield()"},
    {"prctl-v1", "kernel 7.0.y, 1 CPU (PREEMPT_NONE): a task registered with RSEQ ABI V1 tries "
                 "prctl(PR_RSEQ_SLICE_EXTENSION_SET), which 7.0.y refuses (-ENOTSUPP)"},
    {"fork-exec", "1 CPU (PREEMPT_NONE): a slice user with a grant calls clone() (a fork or a "
                  "CLONE_VM thread into a fork-child slot) and execve()"},
}};

TaskConfig slice_user(CpuId cpu = 0) {
    return TaskConfig{TaskRole::SliceUser, true, false, cpu};
}
TaskConfig waiter(bool rt = false) {
    return TaskConfig{TaskRole::Waiter, false, rt, 0};
}
TaskConfig fork_child() {
    return TaskConfig{TaskRole::ForkChild, false, false, 0};
}

Scenario base(std::string_view name, unsigned cpus, PreemptModel preempt) {
    Scenario sc;
    sc.name = std::string(name);
    for (const PresetInfo& p : presets) {
        if (p.name == name)
            sc.description = std::string(p.description);
    }
    sc.cpus = cpus;
    sc.preempt = preempt;
    sc.tasks = {slice_user(), waiter()};
    return sc;
}

/// " sud=T0 ptrace=T1 seccomp=T0:skip" for the tasks that set them; "" when none does, so
/// that the line of every other scenario is unchanged (model-part2.md 5.2).
std::string describe_entry_neighbours(const Scenario& sc) {
    std::string out;
    for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
        const TaskConfig& t = sc.tasks[i];
        const std::string task = "T" + std::to_string(i);
        if (t.sud)
            out += " sud=" + task;
        if (t.ptrace)
            out += " ptrace=" + task;
        if (t.seccomp != SeccompMode::None)
            out += " seccomp=" + task + ":" + std::string(to_string(t.seccomp));
    }
    return out;
}

void check_bound(const char* what, unsigned value, unsigned max, const SourceLocation& where) {
    if (value > max) {
        throw InputError(where, std::string("bound '") + what + "' = " + std::to_string(value) +
                                    " exceeds the maximum of " + std::to_string(max) +
                                    " the model state can hold");
    }
}

}  // namespace

std::span<const PresetInfo> preset_catalog() {
    return presets;
}

Scenario make_preset(std::string_view name) {
    if (name == "tiny") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "grant") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.bounds = Bounds{.wakeups = 2, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "grant-syscall") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 2};
        return sc;
    }
    if (name == "grant-race") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.tasks = {slice_user(), waiter(), waiter()};
        sc.bounds = Bounds{.wakeups = 2, .user_writes = 1, .syscalls = 0};
        return sc;
    }
    if (name == "preempt-full") {
        Scenario sc = base(name, 1, PreemptModel::Full);
        sc.tasks = {slice_user(), waiter(), waiter()};
        sc.bounds = Bounds{.wakeups = 2, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "rt") {
        Scenario sc = base(name, 1, PreemptModel::Rt);
        sc.tasks = {slice_user(), waiter(true)};
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "remote-wakeup") {
        Scenario sc = base(name, 2, PreemptModel::None);
        sc.bounds = Bounds{.wakeups = 1, .irqs = 1, .user_writes = 1, .syscalls = 0};
        return sc;
    }
    if (name == "fault-migrate") {
        Scenario sc = base(name, 2, PreemptModel::None);
        sc.bounds =
            Bounds{.wakeups = 1, .faults = 1, .migrations = 1, .user_writes = 0, .syscalls = 0};
        return sc;
    }
    if (name == "membarrier") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.bounds = Bounds{.wakeups = 1, .membarriers = 1, .user_writes = 1, .syscalls = 0};
        return sc;
    }
    if (name == "arm64-cs") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.arch = Arch::Arm64;
        TaskConfig cs_user = slice_user();
        cs_user.slice_enabled = false;  // arm64 has no slice extension in 7.0
        cs_user.in_critical_section = true;
        sc.tasks = {cs_user, waiter()};
        sc.bounds =
            Bounds{.wakeups = 1, .signals = 1, .membarriers = 1, .user_writes = 0, .syscalls = 0};
        return sc;
    }
    if (name == "cs") {
        Scenario sc = base(name, 1, PreemptModel::Full);
        sc.tasks[0].cs_user = true;
        sc.bounds = Bounds{.wakeups = 2, .user_writes = 2, .syscalls = 1};
        return sc;
    }
    if (name == "cs-signal") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.tasks[0].cs_user = true;
        sc.bounds =
            Bounds{.wakeups = 1, .signals = 1, .membarriers = 1, .user_writes = 1, .syscalls = 0};
        return sc;
    }
    if (name == "cs-invalid") {
        Scenario sc = base(name, 1, PreemptModel::Full);
        sc.tasks[0].cs_user = true;
        sc.adversarial_fields = true;
        sc.bounds = Bounds{.wakeups = 1, .signals = 1, .user_writes = 1, .syscalls = 0};
        return sc;
    }
    if (name == "hrtimer-rearm") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.kernel = Kernel::Linux71;
        sc.bounds = Bounds{.wakeups = 1, .irqs = 1, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "sud") {  // model-part2.md 9: F6
        Scenario sc = base(name, 1, PreemptModel::Full);
        sc.tasks[0].sud = true;
        sc.bounds = Bounds{.wakeups = 1, .faults = 1, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "seccomp-skip") {  // model-part2.md 9: F5
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.tasks[0].seccomp = SeccompMode::Skip;
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 2};
        return sc;
    }
    if (name == "debug") {
        Scenario sc = base(name, 1, PreemptModel::Full);
        sc.debug_key = true;
        sc.tasks[0].cs_user = true;
        sc.adversarial_fields = true;
        sc.write_rseq_fields = true;
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 2, .syscalls = 1};
        return sc;
    }
    if (name == "debug-ids" || name == "ro-ids") {
        Scenario sc = base(name, 2, PreemptModel::None);
        sc.debug_key = name == "debug-ids";
        if (name == "ro-ids")
            sc.kernel = Kernel::Linux70Stable;
        sc.tasks[0].cs_user = true;
        sc.adversarial_fields = true;
        sc.write_rseq_fields = true;
        sc.bounds = Bounds{.wakeups = 1, .migrations = 1, .user_writes = 1, .syscalls = 0};
        return sc;
    }
    if (name == "register" || name == "register-key-off") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.kernel = Kernel::Linux70Stable;
        sc.tasks[0].registered = false;
        sc.tasks[0].slice_enabled = false;
        sc.slice_key = name == "register";
        sc.syscall_kinds = SyscallKinds{Syscall::Rseq, Syscall::RseqSliceYield};
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 3};
        return sc;
    }
    if (name == "unregister") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.kernel = Kernel::Linux70Stable;
        sc.syscall_kinds = SyscallKinds{Syscall::Rseq};
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 2};
        return sc;
    }
    if (name == "unregister-race") {
        Scenario sc = base(name, 2, PreemptModel::Full);
        sc.kernel = Kernel::Linux70Stable;
        sc.syscall_kinds = SyscallKinds{Syscall::Rseq};
        sc.bounds = Bounds{.wakeups = 1, .migrations = 1, .user_writes = 0, .syscalls = 1};
        return sc;
    }
    if (name == "prctl") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.syscall_kinds = SyscallKinds{Syscall::Prctl, Syscall::RseqSliceYield};
        sc.bounds = Bounds{.wakeups = 1, .faults = 1, .user_writes = 1, .syscalls = 2};
        return sc;
    }
    if (name == "prctl-v1") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.kernel = Kernel::Linux70Stable;
        sc.tasks[0].abi = RseqAbi::V1;
        sc.tasks[0].slice_enabled = false;  // 7.0.y offers V1 no slice extension
        sc.syscall_kinds = SyscallKinds{Syscall::Prctl, Syscall::RseqSliceYield};
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "fork-exec") {
        Scenario sc = base(name, 1, PreemptModel::None);
        sc.tasks = {slice_user(), waiter(), fork_child()};
        sc.syscall_kinds = SyscallKinds{Syscall::Clone, Syscall::Execve, Syscall::RseqSliceYield};
        sc.bounds = Bounds{.wakeups = 1, .user_writes = 1, .syscalls = 1};
        return sc;
    }
    if (name == "default") {
        Scenario sc = base(name, 2, PreemptModel::Full);
        sc.bounds = Bounds{.wakeups = 2,
                           .irqs = 1,
                           .faults = 1,
                           .migrations = 1,
                           .signals = 1,
                           .membarriers = 1,
                           .user_writes = 1,
                           .syscalls = 1};
        return sc;
    }
    if (name == "nightly") {  // model-part2.md 9
        Scenario sc = base(name, 1, PreemptModel::Full);
        sc.kernel = Kernel::Linux71;
        TaskConfig user = slice_user();
        user.cs_user = true;
        user.sud = true;
        user.ptrace = true;
        user.seccomp = SeccompMode::Skip;
        TaskConfig child = fork_child();
        child.cs_user = true;  // a fork child runs its parent's code (validate())
        sc.tasks = {user, waiter(), child};
        sc.syscall_kinds = SyscallKinds{Syscall::RseqSliceYield, Syscall::Getpid, Syscall::Rseq,
                                        Syscall::Prctl,          Syscall::Clone,  Syscall::Execve};
        sc.bounds = Bounds{.wakeups = 1,
                           .irqs = 0,
                           .faults = 1,
                           .signals = 1,
                           .membarriers = 1,
                           .user_writes = 1,
                           .syscalls = 1};
        return sc;
    }
    if (name == "deep") {
        Scenario sc = base(name, 2, PreemptModel::Full);
        sc.bounds = Bounds{.wakeups = 2,
                           .irqs = 1,
                           .faults = 1,
                           .migrations = 1,
                           .signals = 1,
                           .membarriers = 1,
                           .user_writes = 2,
                           .syscalls = 2};
        return sc;
    }
    throw InputError({}, "unknown preset '" + std::string(name) + "' (valid: " +
                             join(presets, ", ", [](const PresetInfo& p) { return p.name; }) + ")");
}

void validate(const Scenario& sc, const SourceLocation& where) {
    if (const KernelInfo& k = kernel_info(sc.kernel); !k.modelled) {
        throw InputError(where, "kernel '" + std::string(k.name) +
                                    "' is listed but not modelled yet (" +
                                    std::string(k.description) + ")");
    }
    if (sc.cpus < 1 || sc.cpus > max_cpus) {
        throw InputError(where, "cpus = " + std::to_string(sc.cpus) + " is outside 1.." +
                                    std::to_string(max_cpus));
    }
    if (sc.tasks.empty() || sc.tasks.size() > max_tasks) {
        throw InputError(where, "the scenario has " + std::to_string(sc.tasks.size()) +
                                    " tasks; the model holds 1.." + std::to_string(max_tasks));
    }
    const Bounds& b = sc.bounds;
    check_bound("wakeups", b.wakeups, BoundLimits::wakeups, where);
    check_bound("irqs", b.irqs, BoundLimits::irqs, where);
    check_bound("faults", b.faults, BoundLimits::faults, where);
    check_bound("migrations", b.migrations, BoundLimits::migrations, where);
    check_bound("signals", b.signals, BoundLimits::signals, where);
    check_bound("membarriers", b.membarriers, BoundLimits::membarriers, where);
    check_bound("user_writes", b.user_writes, BoundLimits::user_writes, where);
    check_bound("syscalls", b.syscalls, BoundLimits::syscalls, where);
    if (b.migrations > 0 && sc.cpus < 2)
        throw InputError(where, "migrations need at least 2 cpus");
    bool has_slice_user = false;
    for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
        const TaskConfig& t = sc.tasks[i];
        if (t.cpu >= sc.cpus) {
            throw InputError(where, "task " + std::to_string(i) + " starts on cpu " +
                                        std::to_string(t.cpu) + " but the scenario has " +
                                        std::to_string(sc.cpus) + " cpus");
        }
        if (t.role == TaskRole::Waiter && t.slice_enabled) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " is a waiter (not registered) and cannot enable slice "
                                        "extensions");
        }
        if (t.role == TaskRole::SliceUser && t.slice_enabled && !sc.slice_key) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " enables slice extensions but slice_key is off (prctl "
                                        "returns -ENOTSUPP with rseq_slice_ext=off)");
        }
        if (t.role == TaskRole::SliceUser && t.slice_enabled && sc.arch == Arch::Arm64) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " enables slice extensions but arm64 cannot "
                                        "(CONFIG_RSEQ_SLICE_EXTENSION needs GENERIC_ENTRY, "
                                        "which arm64 lacks in 7.0)");
        }
        if (t.role == TaskRole::SliceUser && !t.registered && t.slice_enabled) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " starts unregistered (registered = false) and cannot "
                                        "have slice extensions enabled (slice_enabled = false; "
                                        "sys_rseq() with RSEQ_FLAG_SLICE_EXT_DEFAULT_ON or "
                                        "prctl() enables them)");
        }
        if (t.role == TaskRole::SliceUser && !t.registered && t.in_critical_section) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " starts unregistered (registered = false) and cannot "
                                        "be inside an rseq critical section");
        }
        if (t.role == TaskRole::SliceUser && t.slice_enabled && sc.kernel != Kernel::Linux70 &&
            t.abi == RseqAbi::V1) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " enables slice extensions but registered RSEQ ABI V1: "
                                        "on " +
                                        std::string(to_string(sc.kernel)) +
                                        " sys_rseq() does not offer them to a legacy "
                                        "registration and prctl(PR_RSEQ_SLICE_EXTENSION_SET) "
                                        "returns -ENOTSUPP (b9eac6a9)");
        }
        if (t.role == TaskRole::Waiter && t.in_critical_section) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " is a waiter (not registered) and cannot be inside an "
                                        "rseq critical section");
        }
        if (t.role == TaskRole::Waiter && t.cs_user) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " is a waiter (not registered) and cannot enter rseq "
                                        "critical sections (cs_user needs role = "
                                        "\"slice_user\")");
        }
        if (t.role == TaskRole::Waiter && (t.sud || t.ptrace || t.seccomp != SeccompMode::None)) {
            const char* what = t.sud ? "sud" : t.ptrace ? "ptrace" : "seccomp";
            throw InputError(where, "task " + std::to_string(i) +
                                        " is a waiter, which issues no syscalls in the model: " +
                                        what + " needs role = \"slice_user\"");
        }
        if (t.role == TaskRole::ForkChild &&
            (t.slice_enabled || t.in_critical_section || t.cpu != 0)) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " is a fork_child slot: it starts not created, and "
                                        "clone() gives it the parent's state (leave "
                                        "slice_enabled, in_critical_section and cpu unset)");
        }
        if (t.role == TaskRole::SliceUser && t.slice_enabled && !sc.slice_config) {
            throw InputError(where, "task " + std::to_string(i) +
                                        " enables slice extensions but slice_config is false "
                                        "(CONFIG_RSEQ_SLICE_EXTENSION=n: prctl returns "
                                        "-ENOTSUPP)");
        }
        has_slice_user = has_slice_user || t.role == TaskRole::SliceUser;
    }
    // A fork child runs its parent's code: it must be configured as every slice user is, so
    // that whichever slice user forks it, the child behaves as its parent (rseq_v2(), the
    // scheduling class, critical sections).
    for (std::size_t i = 0; i < sc.tasks.size(); ++i) {
        const TaskConfig& c = sc.tasks[i];
        if (c.role != TaskRole::ForkChild)
            continue;
        for (const TaskConfig& p : sc.tasks) {
            if (p.role == TaskRole::SliceUser &&
                (p.abi != c.abi || p.rt != c.rt || p.cs_user != c.cs_user)) {
                throw InputError(where, "task " + std::to_string(i) +
                                            " is a fork_child slot whose abi, rt or cs_user "
                                            "differs from a slice user's (the child runs its "
                                            "parent's code)");
            }
        }
    }
    if (sc.syscall_kinds.has(Syscall::Clone) &&
        std::none_of(sc.tasks.begin(), sc.tasks.end(),
                     [](const TaskConfig& t) { return t.role == TaskRole::ForkChild; })) {
        throw InputError(where, "syscall_kinds names 'clone' but no task has role = "
                                "\"fork_child\" (the slot clone() creates its child in)");
    }
    if (!has_slice_user)
        throw InputError(where, "the scenario has no slice user task");
    if (sc.adversarial_fields && std::none_of(sc.tasks.begin(), sc.tasks.end(),
                                              [](const TaskConfig& t) { return t.cs_user; })) {
        throw InputError(where, "adversarial_fields = true needs a task with cs_user = true (only "
                                "a task entering critical sections stores to rseq_cs)");
    }
    if (sc.write_rseq_fields && !sc.adversarial_fields) {
        throw InputError(where, "write_rseq_fields = true needs adversarial_fields = true (the "
                                "adversarial user that writes rseq_cs and the ID fields)");
    }
    if (sc.variant.has(VariantSwitch::Pre411c1cf4) && sc.arch != Arch::Arm64) {
        throw InputError(where, "variant pre_411c1cf4 needs arch = \"arm64\" (it undoes a fix "
                                "to arm64's own entry code)");
    }
    for (const VariantSwitch v : {VariantSwitch::PreAda54c2b, VariantSwitch::MutGrantSkipsRearm}) {
        if (sc.variant.has(v) && sc.kernel != Kernel::Linux71) {
            throw InputError(where,
                             "variant " +
                                 std::string(variant_catalog()[static_cast<std::size_t>(v)].name) +
                                 " needs kernel = \"7.1\" (it changes the deferred "
                                 "hrtimer rearm, which 7.1 added)");
        }
    }
    if (sc.variant.has(VariantSwitch::Pre82f57244) && sc.kernel == Kernel::Linux70) {
        throw InputError(where, "variant pre_82f57244 needs kernel = \"7.0.y\" or \"7.1\" (it "
                                "undoes a fix those kernels have; 7.0 never had it)");
    }
    for (const VariantSwitch v :
         {VariantSwitch::Pre2cb68e45, VariantSwitch::PreE9766e6f, VariantSwitch::Pre010b7723}) {
        if (sc.variant.has(v) && sc.kernel == Kernel::Linux70) {
            throw InputError(where,
                             "variant " +
                                 std::string(variant_catalog()[static_cast<std::size_t>(v)].name) +
                                 " needs kernel = \"7.0.y\" or \"7.1\" (it undoes a fix that "
                                 "7.0.y and 7.1 have; kernel \"7.0\", c17ee635, does not have "
                                 "it)");
        }
    }
    if (sc.variant.has(VariantSwitch::MutV1SliceAllowed) && sc.kernel == Kernel::Linux70) {
        throw InputError(where, "variant mut_v1_slice_allowed needs kernel = \"7.0.y\" or "
                                "\"7.1\" (it drops the RSEQ ABI V2 test of prctl SET, which 7.0 "
                                "does not have)");
    }
    if (sc.variant.has(VariantSwitch::MutRtFullGrantable) && sc.preempt != PreemptModel::Rt) {
        throw InputError(where, "variant mut_rt_full_grantable needs preempt = \"rt\" (it "
                                "changes the PREEMPT_RT grant mask only)");
    }
}

std::string_view to_string(PreemptModel p) {
    switch (p) {
    case PreemptModel::None:
        return "none";
    case PreemptModel::Voluntary:
        return "voluntary";
    case PreemptModel::Full:
        return "full";
    case PreemptModel::Lazy:
        return "lazy";
    case PreemptModel::Rt:
        return "rt";
    }
    return "?";
}

std::string_view to_string(TaskRole r) {
    switch (r) {
    case TaskRole::SliceUser:
        return "slice_user";
    case TaskRole::Waiter:
        return "waiter";
    case TaskRole::ForkChild:
        return "fork_child";
    }
    return "?";
}

std::string_view to_string(Arch a) {
    switch (a) {
    case Arch::X86:
        return "x86";
    case Arch::Arm64:
        return "arm64";
    }
    return "?";
}

std::string_view to_string(RseqAbi a) {
    switch (a) {
    case RseqAbi::V1:
        return "v1";
    case RseqAbi::V2:
        return "v2";
    }
    return "?";
}

std::string_view to_string(SeccompMode m) {
    switch (m) {
    case SeccompMode::None:
        return "none";
    case SeccompMode::Skip:
        return "skip";
    case SeccompMode::Notify:
        return "notify";
    case SeccompMode::Kill:
        return "kill";
    }
    return "?";
}

std::string describe_bounds(const Scenario& sc) {
    const Bounds& b = sc.bounds;
    return "cpus=" + std::to_string(sc.cpus) + " tasks=" + std::to_string(sc.tasks.size()) +
           " preempt=" + std::string(to_string(sc.preempt)) +
           " wakeups=" + std::to_string(b.wakeups) + " irqs=" + std::to_string(b.irqs) +
           " faults=" + std::to_string(b.faults) + " migrations=" + std::to_string(b.migrations) +
           " signals=" + std::to_string(b.signals) +
           " membarriers=" + std::to_string(b.membarriers) +
           " user_writes=" + std::to_string(b.user_writes) +
           " syscalls=" + std::to_string(b.syscalls) + (sc.adversarial ? " adversarial" : "") +
           (sc.adversarial_fields ? " adversarial_fields" : "") +
           (sc.write_rseq_fields ? " write_rseq_fields" : "") +
           (sc.slice_key ? "" : " slice_key=off") + (sc.slice_config ? "" : " slice_config=off") +
           (sc.debug_key ? " debug_key=on" : "") +
           (sc.arch == Arch::X86 ? "" : " arch=" + std::string(to_string(sc.arch))) +
           describe_entry_neighbours(sc);
}

}  // namespace rseqcheck
