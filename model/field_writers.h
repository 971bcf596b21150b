/// \file
/// Which kernel function of a step wrote each field it changed. A step's citation
/// (action_kernel()) often names several functions (`rseq_exit_to_user_mode_restart() +
/// rseq_arm_slice_extension_timer()`); a trace cites, per changed field, the one that made
/// the store. One table per kind, read from the transitions' code (model/*.h): fields not
/// listed are written by the step's first cited function, and fields that schedule() wrote
/// (a step whose action names the next task) by __schedule() / context_switch().
/// tests/model/field_writers_test.cpp checks the table against state_fields() and the
/// citations, and that every change of a reachable step gets a function.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "model/action.h"

namespace rseqcheck {

/// `function` (a kernel function named in the kind's citation or in the model code that
/// implements it) writes `field` (a state_fields() name) in steps of `kind`.
struct FieldWriter {
    ActionKind kind{};
    std::string_view field;
    std::string_view function;
};

/// Every entry, grouped by kind.
std::span<const FieldWriter> field_writers();

/// The first function a citation names, without its path ("rseq_grant_slice_extension()");
/// "user space" for a user-mode step; the citation itself when it names no function.
std::string first_function(std::string_view citation);

/// Whose field a step changed: the acting task or the step's CPU, the task schedule()
/// switched to (another task than the actor), or another task or CPU.
enum class FieldOwner : std::uint8_t { Actor, Next, Other };

/// The kernel function that wrote `field` of `owner` in step `a`.
std::string field_writer(const Action& a, std::string_view field, FieldOwner owner);

}  // namespace rseqcheck
