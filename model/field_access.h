/// \file
/// Every raw field of the packed State (model/state.h), by index, with its width, a getter
/// and a setter that masks the value to the width. The perturbation tests use it to flip
/// one bit of one field (tests/properties/property_reads_test.cpp: a property reads only
/// the fields it declares; tests/counterexamples/trace_cause_test.cpp). Named for the trace
/// reader in model/state_fields.h; this table is the storage view.
#pragma once

#include <cstddef>
#include <iterator>
#include <span>
#include <string_view>

#include "model/state.h"

namespace rseqcheck {

/// How many fields the tables below hold: per task RSEQCHECK_TASK_FIELDS then
/// RSEQCHECK_TASK_EXT_FIELDS, per CPU RSEQCHECK_CPU_FIELDS, global RSEQCHECK_BUDGET_FIELDS
/// then RSEQCHECK_ENV_FIELDS, each in list order.
inline constexpr std::size_t task_field_count =
    std::size(task_field_widths) + std::size(task_ext_field_widths);
inline constexpr std::size_t cpu_field_count = std::size(cpu_field_widths);
inline constexpr std::size_t global_field_count =
    std::size(budget_field_widths) + std::size(env_field_widths);

/// One field of State with its getter and setter (the value is masked to the field width).
struct FieldAccess {
    std::string_view name;
    unsigned width = 1;  ///< bits
    unsigned (*get)(const State& s, std::size_t owner) = nullptr;
    void (*set)(State& s, std::size_t owner, unsigned value) = nullptr;
};
std::span<const FieldAccess> task_field_access();    ///< Task's fields, then TaskExt's
std::span<const FieldAccess> cpu_field_access();     ///< RSEQCHECK_CPU_FIELDS order
std::span<const FieldAccess> global_field_access();  ///< Budget's fields, then Env's

}  // namespace rseqcheck
