/// \file
/// Variants: switches that undo a historic fix (pre_<sha>), apply a mutation (mut_<slug>) or
/// apply a candidate patch (fix_<slug>), checked inside the transitions as data, so that both
/// behaviours are built and tested. A pre_/mut_ switch is a bug the checker must catch; a fix_
/// switch is a patch that must change what it names and keep every other guarantee
/// (`rseqcheck compare`, docs/modelling-a-patch.md). Spec: kernel-model-spec.md 6.2, 6.7.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace rseqcheck {

enum class VariantSwitch : std::uint8_t {
    Pre0ac3b5c3,                 ///< no enforcement timer
    Pre7ee58f98,                 ///< no slice reset when scheduled
    PreDd0a0460,                 ///< no syscall entry work
    MutGrantIgnoresUserIrq,      ///< G1 grants on any exit, not only interrupt returns
    MutGrantIgnoresDeny,         ///< G3 ignores other pending work
    MutNoIrqGuardClear,          ///< G6 clears TIF and the folded bit with interrupts on
    MutRtFullGrantable,          ///< PREEMPT_RT defers full NEED_RESCHED too
    MutSyscallSkipsUserClear,    ///< S6 clears the kernel grant but not the user word
    MutFastpathFaultReturns,     ///< a fast-path fault returns to user without the slow path
    MutTimerIgnoresCookie,       ///< the expiry handler reschedules whoever is current
    MutYieldKeepsYielded,        ///< rseq_slice_yield() does not clear `yielded`
    MutIrqExitKeepsEvents,       ///< the irq exit hook leaves rseq.event set
    MutYieldNoResched,           ///< S4 records the yield but requests no reschedule
    Pre411c1cf4,                 ///< arm64 entry never records user_irq
    FixGrantDeniesAfterSwitch,   ///< G6's guard denies when TIF_RSEQ or sched_switch is set
    FixRevokeReraisesResched,    ///< a silent revoke of a live grant re-raises NEED_RESCHED
    FixSwitchEventWhileGranted,  ///< a switch-in of a granted task records sched_switch
    FixFastpathRevokeReraises,   ///< fast path only: a silent revoke re-raises NEED_RESCHED
    PreAda54c2b,                 ///< 7.1: the grant's hrtimer rearm takes the lock IRQ-ON
    MutGrantSkipsRearm,          ///< 7.1: the grant wrapper does no hrtimer rearm
    // model-part2 areas 1 and 4 (rseq critical sections, debug mode), 82f57244
    MutGrantForcesRseqUpdate,  ///< G6 also raises TIF_RSEQ and sched_switch
    MutCsSkipsSignature,       ///< production rseq_update_user_cs() skips the abort_ip checks
    MutSignalSkipsRseq,        ///< signal delivery never calls rseq_signal_deliver()
    Pre82f57244,               ///< 7.0.y/7.1: V2 user IDs validated only with the debug key
    MutDebugSkipsIdCheck,      ///< the debug key's ID validation is skipped
    Pre2cb68e45,               ///< 7.0.y/7.1: unregistration leaves cpu_id_start UNINIT
    PreE9766e6f,               ///< 7.0.y/7.1: rseq_reset() not protected against interrupts
    Pre010b7723,               ///< 7.0.y/7.1: registration advertises AVAILABLE, key off
    // model-part2 areas 2b/2c (prctl, fork/exec)
    MutPrctlSkipsFlagsWrite,  ///< prctl SET changes `enabled` without writing rseq->flags
    MutV1SliceAllowed,        ///< 7.0.y/7.1: prctl SET skips the V2 (rseq_v2()) test
    MutForkCopiesGrant,       ///< fork copies the grant the parent held at syscall entry
    MutExecSkipsReset,        ///< a successful exec does not call rseq_execve()
    // candidate patches for findings F5, F6 (model-part2 area 3: ptrace, seccomp, SUD)
    FixYieldRecordedAfterSeccomp,  ///< a skipped or renumbered syscall drops `yielded`
    FixSliceWorkBeforeSud,         ///< the slice work runs before Syscall User Dispatch
    SwitchCount,                   ///< not a switch: the number of switches
};
inline constexpr std::size_t variant_switch_count =
    static_cast<std::size_t>(VariantSwitch::SwitchCount);

/// A bug the checker must catch (pre_, mut_), or a patch that must keep every guarantee it
/// does not mean to change (fix_).
enum class VariantKind : std::uint8_t { Bug, Patch };

/// What the catalogue says of one switch.
struct VariantInfo {
    VariantSwitch id;
    std::string_view name;    ///< e.g. "pre_7ee58f98"
    std::string_view commit;  ///< kernel fix it undoes, `<sha> ("<subject>")`, or "" for a mutation
    std::string_view description;  ///< one line, in the kernel's words
    std::string_view preset;       ///< the smallest preset that exposes it
    std::string_view catches;      ///< the spec invariants that should catch it, e.g. "I1, I6"
    VariantKind kind = VariantKind::Bug;
    /// Patch only: the finding it addresses (docs/findings.md), e.g. "F1".
    std::string_view finding;
    /// Patch only: the properties it means to make hold, comma-separated catalogue names.
    std::string_view targets;
};

/// The names in VariantInfo::targets.
std::vector<std::string> patch_targets(const VariantInfo& info);

/// All variant switches, in `rseqcheck list variants` order.
std::span<const VariantInfo> variant_catalog();
/// The bugs (pre_, mut_) and the patches (fix_), each in catalogue order.
std::vector<const VariantInfo*> bug_variants();
std::vector<const VariantInfo*> patch_variants();

/// A set of switches; empty = the fixed 7.0 model.
class Variant {
public:
    Variant() = default;
    bool has(VariantSwitch v) const { return (bits_ & bit(v)) != 0; }
    void add(VariantSwitch v) { bits_ |= bit(v); }
    bool fixed() const { return bits_ == 0; }
    std::uint64_t bits() const { return bits_; }
    /// "fixed" or the switch names joined with '+'.
    std::string name() const;
    bool operator==(const Variant&) const = default;

private:
    static std::uint64_t bit(VariantSwitch v) {
        return std::uint64_t{1} << static_cast<unsigned>(v);
    }
    static_assert(variant_switch_count <= 64, "Variant keeps one bit per switch in 64 bits");
    std::uint64_t bits_ = 0;
};

/// The catalogue entry of a name, or nothing.
const VariantInfo* find_variant(std::string_view name);
/// The valid names, for error messages.
std::vector<std::string> variant_names();

}  // namespace rseqcheck
