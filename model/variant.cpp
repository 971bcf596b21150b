#include "model/variant.h"

#include <array>

namespace rseqcheck {

namespace {

constexpr std::array<VariantInfo, variant_switch_count> catalog{{
    {VariantSwitch::Pre0ac3b5c3, "pre_0ac3b5c3",
     "0ac3b5c3 (\"rseq: Implement time slice extension enforcement timer\")",
     "no per-CPU hrtimer: a granted task may run in user mode past its deadline", "grant",
     "I3, I11"},
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
     "G3 ignores TIF_SLICE_EXT_DENY work: a grant with other exit work pending", "remote-wakeup",
     "I5"},
    {VariantSwitch::MutNoIrqGuardClear, "mut_no_irq_guard_clear", "",
     "G6 clears TIF_NEED_RESCHED and the folded preempt bit with interrupts enabled", "grant-race",
     "I16"},
    {VariantSwitch::MutRtFullGrantable, "mut_rt_full_grantable", "",
     "PREEMPT_RT treats a full NEED_RESCHED as grantable (TIF_SLICE_EXT_SCHED without RT)", "rt",
     "I4"},
    {VariantSwitch::MutSyscallSkipsUserClear, "mut_syscall_skips_user_clear", "",
     "S6 clears rseq.slice.state.granted but skips put_user(0, slice_ctrl)", "grant-syscall", "I2"},
    {VariantSwitch::MutFastpathFaultReturns, "mut_fastpath_fault_returns", "",
     "a fault in the exit fast path returns to user instead of raising the slow path",
     "fault-migrate", "I7, I9"},
    {VariantSwitch::MutTimerIgnoresCookie, "mut_timer_ignores_cookie", "",
     "rseq_slice_expired() sets NEED_RESCHED on the current task whatever the cookie", "membarrier",
     "I13"},
    {VariantSwitch::MutYieldKeepsYielded, "mut_yield_keeps_yielded", "",
     "sys_rseq_slice_yield() returns `yielded` without clearing it", "grant-syscall", "I15"},
    {VariantSwitch::MutIrqExitKeepsEvents, "mut_irq_exit_keeps_events", "",
     "rseq_irqentry_exit_to_user_mode() does not clear rseq.event (user_irq survives)", "tiny",
     "I17"},
    {VariantSwitch::MutYieldNoResched, "mut_yield_no_resched", "",
     "rseq_syscall_enter_work() S4 records the yield but does not request the reschedule", "grant",
     "I14 (yield-schedules)"},
}};

}  // namespace

std::span<const VariantInfo> variant_catalog() {
    return catalog;
}

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
    names.reserve(catalog.size());
    for (const VariantInfo& info : catalog)
        names.emplace_back(info.name);
    return names;
}

}  // namespace rseqcheck
