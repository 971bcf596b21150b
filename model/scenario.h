/// \file
/// A scenario: the machine (CPUs, tasks, preemption model, static keys), the variant, and
/// the bounds on every environment event, so that each run is finite and exhaustive within
/// them. Presets are named scenarios; files are parsed by model/scenario_file.cpp.
/// Spec: kernel-model-spec.md 2.4, Appendix B.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/input_error.h"
#include "model/kernel.h"
#include "model/state.h"
#include "model/variant.h"

namespace rseqcheck {

/// CONFIG_PREEMPT_* of the kernel under study (spec 2.4).
enum class PreemptModel : std::uint8_t { None, Voluntary, Full, Lazy, Rt };

/// The architecture whose entry code runs (spec 1.1, 6.5): x86-64, or arm64, whose own
/// interrupt and exception entry (arch/arm64/kernel/entry-common.c) records user_irq only
/// since 411c1cf4, and which cannot enable slice extensions in 7.0 (no GENERIC_ENTRY).
enum class Arch : std::uint8_t { X86, Arm64 };

/// The RSEQ ABI version a task registered (spec 2.1 has_rseq, 6.5 b9eac6a9/99428157): V2
/// (optimized) when sys_rseq() was given an rseq_len above the original 32 bytes, V1
/// (legacy) otherwise. 7.0 has no such distinction; 7.0.y and later treat V1 tasks the
/// historical way and give slice extensions to V2 tasks only. TaskConfig::abi is the length
/// a task registered (or registers) with; the state's TaskExt::has_rseq_v2 is what it has.
enum class RseqAbi : std::uint8_t { V1, V2 };

/// What a task does in the scenario.
enum class TaskRole : std::uint8_t {
    SliceUser,  ///< registered rseq, runs the slice extension protocol of rseq.rst
    Waiter,     ///< not registered; sleeps, is woken (NEED_RESCHED on its CPU), runs, sleeps
    /// A slot for the child of a slice user's clone()/fork() (model-part2.md 4.2): it starts
    /// not created (run Exited, pc Dead); sys_clone creates it, and from then on it behaves
    /// as a slice user (registered or not, as rseq_fork() left it).
    ForkChild,
};

/// What the task's seccomp filter does with a syscall (model-part2.md 5.2), a choice per
/// syscall since a filter may test the instruction pointer and the arguments: kernel/seccomp.c
/// __secure_computing().
enum class SeccompMode : std::uint8_t {
    None,    ///< no filter
    Skip,    ///< allow, or skip the body (SECCOMP_RET_ERRNO / _TRAP)
    Notify,  ///< allow, or SECCOMP_RET_USER_NOTIF: sleep until the supervisor continues or fails it
    Kill,    ///< allow, or SECCOMP_RET_KILL_*: the task dies
};

struct TaskConfig {
    TaskRole role = TaskRole::SliceUser;
    bool slice_enabled = true;  ///< prctl(PR_RSEQ_SLICE_EXTENSION_SET) done (SliceUser only)
    bool rt = false;            ///< an RT/DL task: its wakeup sets a full NEED_RESCHED
    CpuId cpu = 0;              ///< initial task_cpu()
    /// Starts inside an rseq critical section: rseq_cs points at a descriptor whose
    /// [start_ip, start_ip + post_commit_offset) holds the user IP (SliceUser only).
    bool in_critical_section = false;
    RseqAbi abi = RseqAbi::V2;  ///< the ABI version it registered (SliceUser only)
    /// Its user code enters and commits rseq critical sections (user_enter_rseq_cs,
    /// user_commit_rseq_cs; SliceUser only: a waiter is not registered).
    bool cs_user = false;
    /// prctl(PR_SET_SYSCALL_USER_DISPATCH) done before the run: each syscall is dispatched
    /// or not (kernel/entry/syscall_user_dispatch.c; SliceUser only).
    bool sud = false;
    /// Traced with PTRACE_SYSCALL: a syscall-entry stop after the slice work (SliceUser only).
    bool ptrace = false;
    SeccompMode seccomp = SeccompMode::None;  ///< its seccomp filter (SliceUser only)
    /// Whether syscall_trace_enter() has anything to do after the slice work.
    bool traced() const { return ptrace || seccomp != SeccompMode::None; }
    /// Starts registered with sys_rseq() (SliceUser only); false starts unregistered, so that
    /// its code may register (syscall_kinds "rseq"). `abi` is then the length it registers
    /// with: V1 = 32 bytes, V2 = more (model-part2.md 4.2).
    bool registered = true;
};

/// Bounds on environment events. Each is the most that may happen in one run.
struct Bounds {
    unsigned wakeups = 1;      ///< waiter wakeups, local (in an interrupt) or remote (+IPI)
    unsigned irqs = 0;         ///< other interrupts: tick (lazy upgrade), task_work
    unsigned faults = 0;       ///< per task: page faults on its rseq user accesses / exceptions
    unsigned migrations = 0;   ///< load-balancer migrations of a runnable task
    unsigned signals = 0;      ///< signals sent to a task
    unsigned membarriers = 0;  ///< membarrier RSEQ IPIs
    unsigned user_writes =
        1;                  ///< per task: slice_ctrl writes (requests, or any value if adversarial)
    unsigned syscalls = 1;  ///< per task: syscalls (rseq_slice_yield, sched_yield, getpid)
};

/// The largest value each bound can hold in the packed State.
struct BoundLimits {
    static constexpr unsigned wakeups = 7, irqs = 7, faults = 3, migrations = 3, signals = 3,
                              membarriers = 3, user_writes = 7, syscalls = 7;
};

/// The syscalls a slice user's code may issue (syscall_enter_from_user_mode), one bit per
/// Syscall value; Syscall::None is never issued.
class SyscallKinds {
public:
    constexpr SyscallKinds() = default;
    constexpr SyscallKinds(std::initializer_list<Syscall> nrs) {
        for (const Syscall nr : nrs)
            add(nr);
    }
    constexpr void add(Syscall nr) { bits_ |= bit(nr); }
    constexpr bool has(Syscall nr) const { return (bits_ & bit(nr)) != 0; }
    constexpr bool operator==(const SyscallKinds&) const = default;

private:
    static constexpr std::uint8_t bit(Syscall nr) {
        return static_cast<std::uint8_t>(1U << static_cast<unsigned>(nr));
    }
    std::uint8_t bits_ = 0;
};
static_assert(syscall_count <= 8);

/// What every scenario offers unless it says otherwise: the three syscalls of part 1.
inline constexpr SyscallKinds default_syscall_kinds{Syscall::RseqSliceYield, Syscall::SchedYield,
                                                    Syscall::Getpid};

struct Scenario {
    std::string name = "custom";
    std::string description;
    unsigned cpus = 1;
    std::vector<TaskConfig> tasks;
    PreemptModel preempt = PreemptModel::None;
    Kernel kernel = Kernel::Linux70;  ///< the kernel checked (`rseqcheck list kernels`)
    Arch arch = Arch::X86;            ///< whose entry code runs
    bool slice_key = true;            ///< rseq_slice_extension_key (boot: rseq_slice_ext=)
    /// CONFIG_RSEQ_SLICE_EXTENSION: false builds the kernel without slice extensions, whose
    /// prctl stub (include/linux/rseq.h) returns -ENOTSUPP for every operation.
    bool slice_config = true;
    bool debug_key = false;    ///< rseq_debug_enabled
    bool adversarial = false;  ///< user space may write any value to slice_ctrl
    /// A task entering a critical section may store any descriptor to rseq_cs, invalid ones
    /// included (RseqCs); needs a `cs_user` task.
    bool adversarial_fields = false;
    /// The adversarial user (adversarial_fields) may also overwrite rseq->cpu_id_start (any
    /// value) or rseq->rseq_cs (any RseqCs) at any time in user mode (U8,
    /// user_write_rseq_fields; a user write). A setting of its own so that presets with
    /// adversarial_fields alone keep their state counts.
    bool write_rseq_fields = false;
    Bounds bounds;
    /// The syscalls a slice user may issue (each issue spends one of Bounds::syscalls).
    SyscallKinds syscall_kinds = default_syscall_kinds;
    Variant variant;
    /// Where each setting came from (for errors on files); empty for presets.
    std::string source;

    TaskId task_count() const { return static_cast<TaskId>(tasks.size()); }
    /// include/linux/rseq.h:rseq_v2() (b9eac6a9): whether task t gets the optimized (V2)
    /// behaviour. On 7.0 every registration does: the legacy mode does not exist there. On
    /// 7.0.y and 7.1 it is has_rseq > 1: registered with rseq_len > 32 (TaskExt::has_rseq_v2,
    /// set by sys_rseq(), cleared by rseq_reset()).
    bool rseq_v2(const State& s, TaskId t) const {
        return kernel == Kernel::Linux70 || s.task_ext(t).has_rseq_v2 != 0;
    }
    bool preemptible() const {
        return preempt == PreemptModel::Full || preempt == PreemptModel::Lazy ||
               preempt == PreemptModel::Rt;
    }
};

/// A named scenario.
struct PresetInfo {
    std::string_view name;
    std::string_view description;
    /// Tens of millions of states or more (deep, nightly): a nightly job names it; a loop over
    /// every preset (compare's default inputs, transition_effects()) leaves it out.
    bool nightly_size = false;
};
std::span<const PresetInfo> preset_catalog();
/// The preset of that name; throws InputError listing the valid names.
Scenario make_preset(std::string_view name);

/// Checks what the State can hold and what the kernel allows; throws InputError naming the
/// setting (at `where`, which the file parser fills per key).
void validate(const Scenario& sc, const SourceLocation& where = {});

std::string_view to_string(PreemptModel p);
std::string_view to_string(TaskRole r);
std::string_view to_string(Arch a);
std::string_view to_string(RseqAbi a);
std::string_view to_string(SeccompMode m);

/// A one-line summary of the bounds, as printed with every verdict.
std::string describe_bounds(const Scenario& sc);

}  // namespace rseqcheck
