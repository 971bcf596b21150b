/// \file
/// A scenario: the machine (CPUs, tasks, preemption model, static keys), the variant, and
/// the bounds on every environment event, so that each run is finite and exhaustive within
/// them. Presets are named scenarios; files are parsed by model/scenario_file.cpp.
/// Spec: kernel-model-spec.md 2.4, Appendix B.
#pragma once

#include <array>
#include <cstdint>
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

/// What a task does in the scenario.
enum class TaskRole : std::uint8_t {
    SliceUser,  ///< registered rseq, runs the slice extension protocol of rseq.rst
    Waiter,     ///< not registered; sleeps, is woken (NEED_RESCHED on its CPU), runs, sleeps
};

struct TaskConfig {
    TaskRole role = TaskRole::SliceUser;
    bool slice_enabled = true;  ///< prctl(PR_RSEQ_SLICE_EXTENSION_SET) done (SliceUser only)
    bool rt = false;            ///< an RT/DL task: its wakeup sets a full NEED_RESCHED
    CpuId cpu = 0;              ///< initial task_cpu()
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

struct Scenario {
    std::string name = "custom";
    std::string description;
    unsigned cpus = 1;
    std::vector<TaskConfig> tasks;
    PreemptModel preempt = PreemptModel::None;
    Kernel kernel = Kernel::V7_0;  ///< the kernel checked (`rseqcheck list kernels`)
    bool slice_key = true;         ///< rseq_slice_extension_key (boot: rseq_slice_ext=)
    bool debug_key = false;        ///< rseq_debug_enabled
    bool adversarial = false;      ///< user space may write any value to slice_ctrl
    Bounds bounds;
    Variant variant;
    /// Where each setting came from (for errors on files); empty for presets.
    std::string source;

    TaskId task_count() const { return static_cast<TaskId>(tasks.size()); }
    bool preemptible() const {
        return preempt == PreemptModel::Full || preempt == PreemptModel::Lazy ||
               preempt == PreemptModel::Rt;
    }
};

/// A named scenario.
struct PresetInfo {
    std::string_view name;
    std::string_view description;
};
std::span<const PresetInfo> preset_catalog();
/// The preset of that name; throws InputError listing the valid names.
Scenario make_preset(std::string_view name);

/// Checks what the State can hold and what the kernel allows; throws InputError naming the
/// setting (at `where`, which the file parser fills per key).
void validate(const Scenario& sc, const SourceLocation& where = {});

std::string_view to_string(PreemptModel p);
std::string_view to_string(TaskRole r);

/// A one-line summary of the bounds, as printed with every verdict.
std::string describe_bounds(const Scenario& sc);

}  // namespace rseqcheck
