/// \file
/// A table of every field of the packed State, named as the kernel names it
/// (`TIF_NEED_RESCHED`, `rseq.slice.state.granted`, `slice_ctrl.granted`, `hrtimer armed`),
/// with its scope (per task, per CPU, global) and a getter. Counterexamples use it to print
/// only the fields a step changed and to write the full state to JSON.
/// Spec: kernel-model-spec.md 2.1-2.5.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "model/state.h"

namespace rseqcheck {

/// Whose field it is.
enum class FieldScope : std::uint8_t { Task, Cpu, Global };

/// What kind of field: the kernel's own data, user memory, the model's history for the
/// properties, or the scenario's remaining budget (noise in a trace, shown only in full).
enum class FieldKind : std::uint8_t { Kernel, User, Ghost, Budget };

struct StateField {
    std::string_view name;  ///< the kernel's spelling, e.g. "rseq.slice.state.granted"
    FieldScope scope = FieldScope::Task;
    FieldKind kind = FieldKind::Kernel;
    /// The value for task or CPU `owner` (ignored for global fields).
    unsigned (*get)(const State& s, std::size_t owner) = nullptr;
    /// The value as text ("User", "NEED_RESCHED|RSEQ"); nullptr: the number itself.
    std::string (*format)(unsigned value) = nullptr;
};

/// Every field of State, tasks first, in the order a trace prints them.
std::span<const StateField> state_fields();

/// The field's value as text (its formatter, or the decimal number).
std::string format_field(const StateField& f, unsigned value);

/// A TIF word as kernel names joined with '|' ("NEED_RESCHED|RSEQ"), "0" when empty.
std::string tif_names(unsigned tif);

/// Names of Pc, Run, Syscall, UserProto and RseqCs values, for traces.
std::string_view to_string(Pc pc);
std::string_view to_string(Run run);
std::string_view to_string(Syscall nr);
std::string_view to_string(UserProto proto);
std::string_view to_string(RseqCs cs);

}  // namespace rseqcheck
