#include "model/field_access.h"

#include <array>

namespace rseqcheck {

namespace {

#define RSEQCHECK_TASK_ACCESS(field, bits)                                                         \
    FieldAccess {                                                                                  \
#field, bits, [](const State& s, std::size_t o) -> unsigned {                              \
            return s.tasks[o].field;                                                               \
        }, [](State & s, std::size_t o, unsigned v) {                                              \
            s.tasks[o].field = v & ((1U << (bits)) - 1U);                                          \
        }                                                                                          \
    }
#define RSEQCHECK_CPU_ACCESS(field, bits)                                                          \
    FieldAccess {                                                                                  \
#field, bits, [](const State& s, std::size_t o) -> unsigned {                              \
            return s.cpus[o].field;                                                                \
        }, [](State & s, std::size_t o, unsigned v) {                                              \
            s.cpus[o].field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));               \
        }                                                                                          \
    }
#define RSEQCHECK_GLOBAL_ACCESS(field, bits)                                                       \
    FieldAccess {                                                                                  \
#field, bits, [](const State& s, std::size_t) -> unsigned {                                \
            return s.budget.field;                                                                 \
        }, [](State & s, std::size_t, unsigned v) {                                                \
            s.budget.field = static_cast<std::uint16_t>(v & ((1U << (bits)) - 1U));                \
        }                                                                                          \
    }

const std::array<FieldAccess, task_field_count> task_access{{
    RSEQCHECK_TASK_ACCESS(pc, 5),
    RSEQCHECK_TASK_ACCESS(run, 2),
    RSEQCHECK_TASK_ACCESS(cpu, 2),
    RSEQCHECK_TASK_ACCESS(from_syscall, 1),
    RSEQCHECK_TASK_ACCESS(tif, 5),
    RSEQCHECK_TASK_ACCESS(ti_work, 5),
    RSEQCHECK_TASK_ACCESS(syscall_work_rseq_slice, 1),
    RSEQCHECK_TASK_ACCESS(user_irq, 1),
    RSEQCHECK_TASK_ACCESS(sched_switch, 1),
    RSEQCHECK_TASK_ACCESS(ids_changed, 1),
    RSEQCHECK_TASK_ACCESS(slowpath, 1),
    RSEQCHECK_TASK_ACCESS(fatal, 1),
    RSEQCHECK_TASK_ACCESS(has_rseq, 1),
    RSEQCHECK_TASK_ACCESS(ids_cpu_id, 2),
    RSEQCHECK_TASK_ACCESS(slice_enabled, 1),
    RSEQCHECK_TASK_ACCESS(slice_granted, 1),
    RSEQCHECK_TASK_ACCESS(slice_yielded, 1),
    RSEQCHECK_TASK_ACCESS(slice_expires, 2),
    RSEQCHECK_TASK_ACCESS(slice_expired, 1),
    RSEQCHECK_TASK_ACCESS(usr_cpu_id_start, 2),
    RSEQCHECK_TASK_ACCESS(usr_cpu_id, 2),
    RSEQCHECK_TASK_ACCESS(usr_slice_request, 1),
    RSEQCHECK_TASK_ACCESS(usr_slice_granted, 1),
    RSEQCHECK_TASK_ACCESS(usr_slice_reserved, 1),
    RSEQCHECK_TASK_ACCESS(usr_flags_enabled, 1),
    RSEQCHECK_TASK_ACCESS(kwrite_request, 1),
    RSEQCHECK_TASK_ACCESS(kwrite_granted, 1),
    RSEQCHECK_TASK_ACCESS(syscall_nr, 2),
    RSEQCHECK_TASK_ACCESS(yield_ret, 1),
    RSEQCHECK_TASK_ACCESS(sigsegv, 1),
    RSEQCHECK_TASK_ACCESS(proto, 2),
    RSEQCHECK_TASK_ACCESS(sampled_cpu, 2),
    RSEQCHECK_TASK_ACCESS(ghost_switched_since_grant, 1),
    RSEQCHECK_TASK_ACCESS(ghost_grant_at_syscall_entry, 1),
    RSEQCHECK_TASK_ACCESS(faults_left, 2),
    RSEQCHECK_TASK_ACCESS(user_writes_left, 3),
    RSEQCHECK_TASK_ACCESS(syscalls_left, 3),
    RSEQCHECK_TASK_ACCESS(usr_in_cs, 1),
}};

const std::array<FieldAccess, cpu_field_count> cpu_access{{
    RSEQCHECK_CPU_ACCESS(curr, 2),
    RSEQCHECK_CPU_ACCESS(preempt_need_resched, 1),
    RSEQCHECK_CPU_ACCESS(ipi_pending, 1),
    RSEQCHECK_CPU_ACCESS(slice_timer_armed, 1),
    RSEQCHECK_CPU_ACCESS(slice_timer_cookie, 2),
    RSEQCHECK_CPU_ACCESS(slice_timer_expires, 2),
    RSEQCHECK_CPU_ACCESS(ghost_resched_erased, 1),
    RSEQCHECK_CPU_ACCESS(ghost_erased_unrevoked, 1),
    RSEQCHECK_CPU_ACCESS(ghost_yield_unscheduled, 1),
}};

const std::array<FieldAccess, global_field_count> global_access{{
    RSEQCHECK_GLOBAL_ACCESS(wakeups, 3),
    RSEQCHECK_GLOBAL_ACCESS(irqs, 3),
    RSEQCHECK_GLOBAL_ACCESS(migrations, 2),
    RSEQCHECK_GLOBAL_ACCESS(signals, 2),
    RSEQCHECK_GLOBAL_ACCESS(membarriers, 2),
    RSEQCHECK_GLOBAL_ACCESS(ghost_cs_abort_due, 3),
}};

#undef RSEQCHECK_TASK_ACCESS
#undef RSEQCHECK_CPU_ACCESS
#undef RSEQCHECK_GLOBAL_ACCESS

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
