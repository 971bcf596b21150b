#include "model/field_access.h"

#include <array>

namespace rseqcheck {

namespace {

#define RSEQCHECK_TASK_ACCESS(field, bits, ...)                                                    \
    FieldAccess{#field, bits,                                                                      \
                [](const State& s, std::size_t o) -> unsigned { return s.tasks[o].field; },        \
                [](State& s, std::size_t o, unsigned v) {                                          \
                    s.tasks[o].field = v & ((1U << (bits)) - 1U);                                  \
                }},
#define RSEQCHECK_TASK_EXT_ACCESS(field, bits, ...)                                                \
    FieldAccess{#field, bits,                                                                      \
                [](const State& s, std::size_t o) -> unsigned { return s.task_exts[o].field; },    \
                [](State& s, std::size_t o, unsigned v) {                                          \
                    s.task_exts[o].field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));  \
                }},
#define RSEQCHECK_CPU_ACCESS(field, bits, ...)                                                     \
    FieldAccess{#field, bits,                                                                      \
                [](const State& s, std::size_t o) -> unsigned { return s.cpus[o].field; },         \
                [](State& s, std::size_t o, unsigned v) {                                          \
                    s.cpus[o].field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));       \
                }},
#define RSEQCHECK_GLOBAL_ACCESS(field, bits, ...)                                                  \
    FieldAccess{#field, bits,                                                                      \
                [](const State& s, std::size_t) -> unsigned { return s.budget.field; },            \
                [](State& s, std::size_t, unsigned v) {                                            \
                    s.budget.field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));        \
                }},
#define RSEQCHECK_ENV_ACCESS(field, bits, ...)                                                     \
    FieldAccess{#field, bits, [](const State& s, std::size_t) -> unsigned { return s.env.field; }, \
                [](State& s, std::size_t, unsigned v) {                                            \
                    s.env.field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));           \
                }},

const std::array<FieldAccess, task_field_count> task_access{{RSEQCHECK_TASK_FIELDS(
    RSEQCHECK_TASK_ACCESS) RSEQCHECK_TASK_EXT_FIELDS(RSEQCHECK_TASK_EXT_ACCESS)}};
const std::array<FieldAccess, cpu_field_count> cpu_access{
    {RSEQCHECK_CPU_FIELDS(RSEQCHECK_CPU_ACCESS)}};
const std::array<FieldAccess, global_field_count> global_access{
    {RSEQCHECK_BUDGET_FIELDS(RSEQCHECK_GLOBAL_ACCESS) RSEQCHECK_ENV_FIELDS(RSEQCHECK_ENV_ACCESS)}};

#undef RSEQCHECK_TASK_ACCESS
#undef RSEQCHECK_CPU_ACCESS
#undef RSEQCHECK_GLOBAL_ACCESS
#undef RSEQCHECK_TASK_EXT_ACCESS
#undef RSEQCHECK_ENV_ACCESS

}  // namespace

std::span<const FieldAccess> task_field_access() {
    return task_access;
}
std::span<const FieldAccess> cpu_field_access() {
    return cpu_access;
}
std::span<const FieldAccess> global_field_access() {
    return global_access;
}

}  // namespace rseqcheck
