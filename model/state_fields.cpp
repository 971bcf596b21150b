#include "model/state_fields.h"

#include <algorithm>
#include <array>
#include <vector>

#include "util/input_error.h"

namespace rseqcheck {

namespace {

std::string pc_text(unsigned v) {
    return v < pc_count ? std::string(to_string(static_cast<Pc>(v))) : std::to_string(v);
}
std::string run_text(unsigned v) {
    return std::string(to_string(static_cast<Run>(v & 0x3U)));
}
std::string syscall_text(unsigned v) {
    return std::string(to_string(static_cast<Syscall>(v & task_ext_field_max::syscall_nr)));
}
std::string rseq_cs_text(unsigned v) {
    return std::string(to_string(static_cast<RseqCs>(v & task_ext_field_max::usr_rseq_cs)));
}
std::string proto_text(unsigned v) {
    return std::string(to_string(static_cast<UserProto>(v & 0x3U)));
}
/// The packed TIF word as kernel names joined with '|', "0" when empty.
std::string tif_text(unsigned v) {
    constexpr std::array<std::pair<std::uint8_t, std::string_view>, 6> bits{{
        {kabi::TIF_NOTIFY_RESUME, "NOTIFY_RESUME"},
        {kabi::TIF_SIGPENDING, "SIGPENDING"},
        {kabi::TIF_NEED_RESCHED, "NEED_RESCHED"},
        {kabi::TIF_NEED_RESCHED_LAZY, "NEED_RESCHED_LAZY"},
        {kabi::TIF_RSEQ, "RSEQ"},
        {kabi::TIF_HRTIMER_REARM, "HRTIMER_REARM"},
    }};
    std::string out;
    for (const auto& [bit, name] : bits) {
        if ((v & bit) == 0)
            continue;
        if (!out.empty())
            out += '|';
        out += name;
    }
    return out.empty() ? "0" : out;
}
std::string cpu_id_text(unsigned v) {
    return v == kabi::RSEQ_CPU_ID_UNINITIALIZED ? "RSEQ_CPU_ID_UNINITIALIZED" : std::to_string(v);
}
std::string curr_text(unsigned v) {
    return v == idle_task ? "idle" : "T" + std::to_string(v);
}

/// One row per TIF bit, in the order a trace prints them (the `tif_bits` format).
template <std::uint8_t Bit>
unsigned tif_bit(const State& s, std::size_t t) {
    return (s.tasks[t].tif & Bit) != 0 ? 1U : 0U;
}
const std::array<StateField, 6> tif_rows{{
    {"TIF_NOTIFY_RESUME", FieldScope::Task, FieldKind::Kernel, tif_bit<kabi::TIF_NOTIFY_RESUME>},
    {"TIF_SIGPENDING", FieldScope::Task, FieldKind::Kernel, tif_bit<kabi::TIF_SIGPENDING>},
    {"TIF_NEED_RESCHED", FieldScope::Task, FieldKind::Kernel, tif_bit<kabi::TIF_NEED_RESCHED>},
    {"TIF_NEED_RESCHED_LAZY", FieldScope::Task, FieldKind::Kernel,
     tif_bit<kabi::TIF_NEED_RESCHED_LAZY>},
    {"TIF_RSEQ", FieldScope::Task, FieldKind::Kernel, tif_bit<kabi::TIF_RSEQ>},
    {"TIF_HRTIMER_REARM", FieldScope::Task, FieldKind::Kernel, tif_bit<kabi::TIF_HRTIMER_REARM>},
}};

/// The `kind` and `format` columns of model/state.h's field lists, by the names they use.
namespace kind {
constexpr FieldKind kernel = FieldKind::Kernel;
constexpr FieldKind user = FieldKind::User;
constexpr FieldKind ghost = FieldKind::Ghost;
constexpr FieldKind budget = FieldKind::Budget;
}  // namespace kind
namespace format {
using Formatter = std::string (*)(unsigned);
constexpr Formatter number = nullptr;
constexpr Formatter pc = pc_text;
constexpr Formatter run = run_text;
constexpr Formatter syscall = syscall_text;
constexpr Formatter proto = proto_text;
constexpr Formatter rseq_cs = rseq_cs_text;
constexpr Formatter tif = tif_text;
constexpr Formatter cpu_id = cpu_id_text;
constexpr Formatter curr = curr_text;
/// Not a formatter: the field is printed as one row per bit (tif_rows).
std::string tif_bits(unsigned v) {
    return tif_text(v);
}
}  // namespace format

/// The sixth column of RSEQCHECK_TASK_EXT_FIELDS: where a trace prints a TaskExt field.
namespace place {
struct Placement {
    bool global_mask = false;  ///< one global row, bit t for task t; else a per-task row
    std::string_view after;    ///< the label of the row it follows
};
constexpr Placement after_task_row(std::string_view label) {
    return {false, label};
}
constexpr Placement global_mask_after(std::string_view label) {
    return {true, label};
}
}  // namespace place

/// Inserts `row` after the row labelled `after` (which must exist).
void insert_after(std::vector<StateField>& rows, std::string_view after, const StateField& row) {
    const auto at = std::find_if(rows.begin(), rows.end(),
                                 [after](const StateField& f) { return f.name == after; });
    RSEQCHECK_CHECK(at != rows.end(), "state_fields: a TaskExt field follows an unknown row");
    rows.insert(at + 1, row);
}

/// Every field of model/state.h's lists, in their order, tasks first; TaskExt's fields where
/// their placement puts them.
std::vector<StateField> make_fields() {
    std::vector<StateField> out;
    const auto add = [&out](const StateField& f) {
        if (f.format == format::tif_bits) {
            out.insert(out.end(), tif_rows.begin(), tif_rows.end());
        } else {
            out.push_back(f);
        }
    };
#define RSEQCHECK_TASK_ROW(member, bits, kind_, label, format_)                                    \
    add(StateField{label, FieldScope::Task, kind::kind_,                                           \
                   [](const State& s, std::size_t t) -> unsigned {                                 \
                       return static_cast<unsigned>(s.tasks[t].member);                            \
                   },                                                                              \
                   format::format_});
#define RSEQCHECK_CPU_ROW(member, bits, kind_, label, format_)                                     \
    add(StateField{label, FieldScope::Cpu, kind::kind_,                                            \
                   [](const State& s, std::size_t c) -> unsigned {                                 \
                       return static_cast<unsigned>(s.cpus[c].member);                             \
                   },                                                                              \
                   format::format_});
#define RSEQCHECK_BUDGET_ROW(member, bits, kind_, label, format_)                                  \
    add(StateField{label, FieldScope::Global, kind::kind_,                                         \
                   [](const State& s, std::size_t) -> unsigned {                                   \
                       return static_cast<unsigned>(s.budget.member);                              \
                   },                                                                              \
                   format::format_});
#define RSEQCHECK_ENV_ROW(member, bits, kind_, label, format_)                                     \
    add(StateField{label, FieldScope::Global, kind::kind_,                                         \
                   [](const State& s, std::size_t) -> unsigned {                                   \
                       return static_cast<unsigned>(s.env.member);                                 \
                   },                                                                              \
                   format::format_});
#define RSEQCHECK_TASK_EXT_ROW(member, bits, kind_, label, format_, placement)                     \
    {                                                                                              \
        constexpr place::Placement p = place::placement;                                           \
        if constexpr (p.global_mask) {                                                             \
            insert_after(out, p.after,                                                             \
                         StateField{label, FieldScope::Global, kind::kind_,                        \
                                    [](const State& s, std::size_t) -> unsigned {                  \
                                        unsigned mask = 0;                                         \
                                        for (std::size_t t = 0; t < max_tasks; ++t)                \
                                            mask |= (s.task_exts[t].member & 1U) << t;             \
                                        return mask;                                               \
                                    },                                                             \
                                    format::format_});                                             \
        } else {                                                                                   \
            insert_after(out, p.after,                                                             \
                         StateField{label, FieldScope::Task, kind::kind_,                          \
                                    [](const State& s, std::size_t t) -> unsigned {                \
                                        return static_cast<unsigned>(s.task_exts[t].member);       \
                                    },                                                             \
                                    format::format_});                                             \
        }                                                                                          \
    }
    RSEQCHECK_TASK_FIELDS(RSEQCHECK_TASK_ROW)
    RSEQCHECK_CPU_FIELDS(RSEQCHECK_CPU_ROW)
    RSEQCHECK_BUDGET_FIELDS(RSEQCHECK_BUDGET_ROW)
    RSEQCHECK_ENV_FIELDS(RSEQCHECK_ENV_ROW)
    RSEQCHECK_TASK_EXT_FIELDS(RSEQCHECK_TASK_EXT_ROW)
#undef RSEQCHECK_TASK_ROW
#undef RSEQCHECK_CPU_ROW
#undef RSEQCHECK_BUDGET_ROW
#undef RSEQCHECK_ENV_ROW
#undef RSEQCHECK_TASK_EXT_ROW
    return out;
}

}  // namespace

std::span<const StateField> state_fields() {
    static const std::vector<StateField> fields = make_fields();
    return fields;
}

std::string format_field(const StateField& f, unsigned value) {
    return f.format != nullptr ? f.format(value) : std::to_string(value);
}

std::string_view to_string(Pc pc) {
    switch (pc) {
    case Pc::User:
        return "User";
    case Pc::ExitPrepare:
        return "ExitPrepare";
    case Pc::LoopResched:
        return "LoopResched";
    case Pc::GrantUserAccess:
        return "GrantUserAccess";
    case Pc::GrantCommit:
        return "GrantCommit";
    case Pc::GrantClearResched:
        return "GrantClearResched";
    case Pc::GrantClearFolded:
        return "GrantClearFolded";
    case Pc::LoopSignal:
        return "LoopSignal";
    case Pc::LoopNotifyResume:
        return "LoopNotifyResume";
    case Pc::SlowpathUpdate:
        return "SlowpathUpdate";
    case Pc::LoopEnd:
        return "LoopEnd";
    case Pc::LoopReread:
        return "LoopReread";
    case Pc::ExitRestart:
        return "ExitRestart";
    case Pc::SyscallEntryWork:
        return "SyscallEntryWork";
    case Pc::SyscallSliceRevoke:
        return "SyscallSliceRevoke";
    case Pc::SyscallSliceResched:
        return "SyscallSliceResched";
    case Pc::SyscallSliceClear:
        return "SyscallSliceClear";
    case Pc::SyscallBody:
        return "SyscallBody";
    case Pc::GrantRearm:
        return "GrantRearm";
    case Pc::GrantRearmLocked:
        return "GrantRearmLocked";
    case Pc::RseqUnregister:
        return "RseqUnregister";
    case Pc::RseqReset:
        return "RseqReset";
    case Pc::RseqResetTorn:
        return "RseqResetTorn";
    case Pc::Dead:
        return "Dead";
    case Pc::SyscallTraceEnter:
        return "SyscallTraceEnter";
    }
    return "?";
}

std::string_view to_string(Run run) {
    switch (run) {
    case Run::Running:
        return "TASK_RUNNING (current)";
    case Run::Runnable:
        return "TASK_RUNNING (queued)";
    case Run::Sleeping:
        return "TASK_INTERRUPTIBLE";
    case Run::Exited:
        return "EXIT_DEAD";
    }
    return "?";
}

std::string tif_names(unsigned tif) {
    return tif_text(tif);
}

std::string_view to_string(Syscall nr) {
    switch (nr) {
    case Syscall::None:
        return "none";
    case Syscall::RseqSliceYield:
        return "rseq_slice_yield";
    case Syscall::SchedYield:
        return "sched_yield";
    case Syscall::Getpid:
        return "getpid";
    case Syscall::Rseq:
        return "rseq";
    case Syscall::Prctl:
        return "prctl";
    case Syscall::Clone:
        return "clone";
    case Syscall::Execve:
        return "execve";
    }
    return "?";
}

std::string_view to_string(RseqCs cs) {
    switch (cs) {
    case RseqCs::Null:
        return "null";
    case RseqCs::Valid:
        return "valid";
    case RseqCs::BadAbort:
        return "bad_abort";
    case RseqCs::KernelAddr:
        return "kernel_addr";
    case RseqCs::DebugOnlyBad:
        return "debug_only_bad";
    }
    return "?";
}

std::string_view to_string(UserProto proto) {
    switch (proto) {
    case UserProto::Idle:
        return "idle";
    case UserProto::Critical:
        return "critical";
    case UserProto::MustYield:
        return "must-yield";
    case UserProto::Unused:
        return "unused";
    }
    return "?";
}

}  // namespace rseqcheck
