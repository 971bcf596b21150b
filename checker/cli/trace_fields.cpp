#include "checker/cli/trace_fields.h"

#include <array>
#include <sstream>
#include <string>
#include <string_view>

namespace rseqcheck::cli {

namespace {

std::string tif_names(unsigned tif) {
    constexpr std::array<std::string_view, 5> names{"NOTIFY_RESUME", "SIGPENDING", "NEED_RESCHED",
                                                    "NEED_RESCHED_LAZY", "RSEQ"};
    std::string out;
    for (unsigned b = 0; b < names.size(); ++b) {
        if ((tif & (1U << b)) != 0)
            out += (out.empty() ? "" : "|") + std::string(names[b]);
    }
    return out.empty() ? "0" : out;
}

}  // namespace

std::string changed_fields(const Scenario& sc, const State& before, const State& after) {
    std::ostringstream out;
    auto field = [&](const std::string& name, unsigned was, unsigned now) {
        if (was != now)
            out << " " << name << "=" << now;
    };
    for (TaskId t = 0; t < sc.task_count(); ++t) {
        const Task& x = before.task(t);
        const Task& y = after.task(t);
        const std::string p = "T" + std::to_string(t) + ".";
        if (x.tif != y.tif)
            out << " " << p << "TIF=" << tif_names(y.tif);
        field(p + "rseq.slice.state.granted", x.slice_granted, y.slice_granted);
        field(p + "slice_ctrl.request", x.usr_slice_request, y.usr_slice_request);
        field(p + "slice_ctrl.granted", x.usr_slice_granted, y.usr_slice_granted);
        field(p + "rseq.event.user_irq", x.user_irq, y.user_irq);
        field(p + "rseq.event.sched_switch", x.sched_switch, y.sched_switch);
        field(p + "rseq.event.ids_changed", x.ids_changed, y.ids_changed);
        field(p + "SYSCALL_RSEQ_SLICE", x.syscall_work_rseq_slice, y.syscall_work_rseq_slice);
        field(p + "slice.expired", x.slice_expired, y.slice_expired);
        field(p + "cpu", x.cpu, y.cpu);
        field(p + "cpu_id", x.usr_cpu_id, y.usr_cpu_id);
    }
    for (CpuId c = 0; c < sc.cpus; ++c) {
        const Cpu& x = before.cpu(c);
        const Cpu& y = after.cpu(c);
        const std::string p = "CPU" + std::to_string(c) + ".";
        field(p + "curr", x.curr, y.curr);
        field(p + "hrtimer.armed", x.slice_timer_armed, y.slice_timer_armed);
        field(p + "PREEMPT_NEED_RESCHED", x.preempt_need_resched, y.preempt_need_resched);
    }
    return out.str();
}

}  // namespace rseqcheck::cli
