#include "model/kernel.h"

#include <array>

namespace rseqcheck {

namespace {

constexpr std::array<std::string_view, 1> follows_7_0{
    "torvalds/linux c17ee635fd3a482b2ad2bf5e269755c2eae5f25e"};
constexpr std::array<std::string_view, 7> follows_7_0y{
    "torvalds/linux c17ee635fd3a482b2ad2bf5e269755c2eae5f25e",
    "b9eac6a9 (\"rseq: Revert to historical performance killing behaviour\")",
    "99428157 (\"rseq: Reenable performance optimizations conditionally\"), its registration "
    "rule only: version 2 for rseq_len > 32",
    "2cb68e45 (\"rseq: Set rseq::cpu_id_start to 0 on unregistration\")",
    "e9766e6f (\"rseq: Protect rseq_reset() against interrupts\")",
    "010b7723 (\"rseq: Don't advertise time slice extensions if disabled\")",
    "82f57244 (\"rseq: Implement read only ABI enforcement for optimized RSEQ V2 mode\")"};
constexpr std::array<std::string_view, 10> follows_7_1{
    "torvalds/linux c17ee635fd3a482b2ad2bf5e269755c2eae5f25e",
    "b9eac6a9 (\"rseq: Revert to historical performance killing behaviour\")",
    "99428157 (\"rseq: Reenable performance optimizations conditionally\"), its registration "
    "rule only: version 2 for rseq_len > 32",
    "2cb68e45 (\"rseq: Set rseq::cpu_id_start to 0 on unregistration\")",
    "e9766e6f (\"rseq: Protect rseq_reset() against interrupts\")",
    "010b7723 (\"rseq: Don't advertise time slice extensions if disabled\")",
    "0e98eb14 (\"entry: Prepare for deferred hrtimer rearming\")",
    "15dd3a94 (\"hrtimer: Push reprogramming timers into the interrupt return path\")",
    "ada54c2b (\"rseq: Prevent hard lockup on granted time slice extension\")",
    "82f57244 (\"rseq: Implement read only ABI enforcement for optimized RSEQ V2 mode\")"};

constexpr std::array<KernelInfo, 3> catalog{{
    {Kernel::Linux70, "7.0", follows_7_0,
     "the baseline: the rseq exit-path rework and the time slice extension as merged", true},
    {Kernel::Linux70Stable, "7.0.y", follows_7_0y,
     "7.0 with the stable ABI split: slice extension and slice_ctrl writes for RSEQ ABI V2 "
     "registrations only; V1 tasks get the historical ID updates",
     true},
    {Kernel::Linux71, "7.1", follows_7_1,
     "7.0 with the deferred hrtimer rearm (TIF_HRTIMER_REARM): set by every hrtimer "
     "interrupt, consumed at irq entry, return to kernel, exit prepare, __schedule() and the "
     "grant wrapper (with ada54c2b: interrupts off)",
     true},
}};

constexpr bool in_enum_order() {
    for (std::size_t i = 0; i < catalog.size(); ++i) {
        if (static_cast<std::size_t>(catalog[i].id) != i)
            return false;
    }
    return true;
}
static_assert(in_enum_order(), "the kernel catalogue lists the kernels in enum order");

}  // namespace

std::span<const KernelInfo> kernel_catalog() {
    return catalog;
}

const KernelInfo& kernel_info(Kernel k) {
    return catalog[static_cast<std::size_t>(k)];
}

const KernelInfo* find_kernel(std::string_view name) {
    for (const KernelInfo& info : catalog) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

std::vector<std::string> kernel_names() {
    std::vector<std::string> names;
    names.reserve(catalog.size());
    for (const KernelInfo& info : catalog)
        names.emplace_back(info.name);
    return names;
}

std::string_view to_string(Kernel k) {
    return kernel_info(k).name;
}

}  // namespace rseqcheck
