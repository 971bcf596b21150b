#include "model/variant.h"

#include <array>

namespace rseqcheck {

namespace {

constexpr std::array<VariantInfo, variant_switch_count> catalog{{
    {VariantSwitch::Pre0ac3b5c3, "pre_0ac3b5c3",
     "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
     "no per-CPU hrtimer: a granted task may run in user mode past its deadline",
     "grant", "I3, I11"},
    {VariantSwitch::Pre7ee58f98, "pre_7ee58f98",
     "7ee58f98 (\"rseq: Reset slice extension when scheduled\")",
     "the exit fast path and slow path leave slice_ctrl and the grant alone after a "
     "reschedule",
     "preempt-full", "I1, I6"},
    {VariantSwitch::PreDd0a0460, "pre_dd0a0460",
     "dd0a0460 (\"rseq: Implement syscall entry work for time slice extensions\")",
     "no syscall entry work: a syscall inside a grant neither revokes nor relinquishes",
     "grant-syscall", "I14"},
    {VariantSwitch::MutGrantIgnoresUserIrq, "mut_grant_ignores_user_irq", "",
     "G1 drops the user_irq test: a grant on a syscall return", "grant-syscall", "I4"},
    {VariantSwitch::MutGrantIgnoresDeny, "mut_grant_ignores_deny", "",
     "G3 ignores TIF_SLICE_EXT_DENY work: a grant with other exit work pending", "default",
     "I5"},
    {VariantSwitch::MutNoIrqGuardClear, "mut_no_irq_guard_clear", "",
     "G6 clears TIF_NEED_RESCHED and the folded preempt bit with interrupts enabled",
     "grant-race", "I16"},
    {VariantSwitch::MutRtFullGrantable, "mut_rt_full_grantable", "",
     "PREEMPT_RT treats a full NEED_RESCHED as grantable (TIF_SLICE_EXT_SCHED without RT)",
     "rt", "I4"},
}};

}  // namespace

std::span<const VariantInfo> variant_catalog() { return catalog; }

std::string Variant::name() const {
    if (fixed())
        return "fixed";
    std::string out;
    for (const VariantInfo& info : catalog) {
        if (!has(info.id))
            continue;
        if (!out.empty())
            out += '+';
        out += info.name;
    }
    return out;
}

const VariantInfo* find_variant(std::string_view name) {
    for (const VariantInfo& info : catalog) {
        if (info.name == name)
            return &info;
    }
    return nullptr;
}

std::vector<std::string> variant_names() {
    std::vector<std::string> names;
    for (const VariantInfo& info : catalog)
        names.emplace_back(info.name);
    return names;
}

}  // namespace rseqcheck
