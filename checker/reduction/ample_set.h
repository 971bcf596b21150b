/// \file
/// Partial-order reduction as a model adapter: in each state, the successors of one ample
/// set when one satisfies the conditions below, else all successors. Any engine runs it.
///
/// Candidate ample set: every enabled step of one task t that runs kernel code on its CPU
/// c (model/footprint.h is_kernel_task_step()); only one such kind is enabled for t at a
/// time, with one successor per nondeterministic choice. It is taken when
///  C0  it is not empty;
///  C1  no other step can interfere before t moves: no interrupt can hit c again
///      (no_interrupt_on()), each step's declared footprint (model/footprint.h) touches only
///      t and c, and is disjoint from interference(t, c) (what other actors may read and
///      write of t and c in every state reached while t waits);
///  C2  each step is invisible to the property catalogue: t stays inside the kernel, no
///      field of visibility.h is written, and no transition property names its kind;
///  C3  (cycle proviso, local and so BFS- and thread-safe) each step moves t strictly
///      forward in the Pc enumeration (kernel order). Ample steps change no other task, so
///      the sum of the tasks' pc ranks grows along every run of ample steps: no cycle of the
///      reduced graph consists of reduced states only.
/// Every reduced state is a concrete state of the wrapped model, so traces replay as they
/// are. docs/reductions.md has the argument and the measured reduction.
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "checker/model_concept.h"
#include "checker/reduction/visibility.h"
#include "model/footprint.h"
#include "model/transition.h"

namespace rseqcheck::checker {

/// Statistics of the reduction: how many expansions were reduced.
struct AmpleCounters {
    std::uint64_t reduced = 0;
    std::uint64_t full = 0;
};

template <ExplorableModel M>
class AmpleSetReduced {
public:
    using State = typename M::State;
    using Action = typename M::Action;

    explicit AmpleSetReduced(const M& base) : base_(base) {}

    const M& base() const { return base_; }
    State initial_state() const { return base_.initial_state(); }
    bool is_valid_end(const State& s) const { return base_.is_valid_end(s); }
    State canonical(const State& s) const { return s; }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        Buffer buf;
        bool overflow = false;
        base_.for_each_successor(s, [&](const Action& a, const State& n) {
            if (buf.size == buf.items.size()) {
                overflow = true;
                return;
            }
            buf.items[buf.size++] = {a, n};
        });
        if (overflow) {
            base_.for_each_successor(s, f);
            return;
        }
        const Scenario& sc = base_.scenario();
        for (CpuId c = 0; c < sc.cpus; ++c) {
            const unsigned curr = s.cpu(c).curr;
            if (curr == idle_task || curr >= sc.task_count())
                continue;
            const TaskId t = static_cast<TaskId>(curr);
            if (ample_for(sc, s, buf, t, c)) {
                for (std::size_t i = 0; i < buf.size; ++i) {
                    if (is_kernel_task_step(buf.items[i].first.kind) &&
                        buf.items[i].first.task == t)
                        f(buf.items[i].first, buf.items[i].second);
                }
                return;
            }
        }
        for (std::size_t i = 0; i < buf.size; ++i)
            f(buf.items[i].first, buf.items[i].second);
    }

    /// Whether the enabled kernel steps of t on c form an ample set in s (exposed for tests).
    bool ample_for(const Scenario& sc, const State& s, TaskId t, CpuId c) const {
        Buffer buf;
        base_.for_each_successor(s, [&](const Action& a, const State& n) {
            if (buf.size < buf.items.size())
                buf.items[buf.size++] = {a, n};
        });
        return ample_for(sc, s, buf, t, c);
    }

private:
    struct Buffer {
        std::array<std::pair<Action, State>, 96> items{};
        std::size_t size = 0;
    };

    static bool ample_for(const Scenario& sc, const State& s, const Buffer& buf, TaskId t,
                          CpuId c) {
        const Pc pc = s.task(t).get_pc();
        if (pc == Pc::User || pc == Pc::Dead || !no_interrupt_on(sc, s, c))
            return false;
        const Footprint other = interference(sc, s, t, c);
        std::size_t count = 0;
        for (std::size_t i = 0; i < buf.size; ++i) {
            const auto& [a, n] = buf.items[i];
            if (!is_kernel_task_step(a.kind) || a.task != t)
                continue;
            ++count;
            if (named_by_transition_property(a.kind))
                return false;
            const Pc after = n.task(t).get_pc();
            if (after == Pc::User || after == Pc::Dead || after <= pc)
                return false;  // C2: leaves the kernel; C3: not forward
            const Footprint fp = footprint(sc, s, a);
            if (!confined(fp.reads, t, c) || !confined(fp.writes, t, c))
                return false;
            if (fp.writes.intersects(other.reads) || fp.reads.intersects(other.writes) ||
                fp.writes.intersects(other.writes))
                return false;
            if ((fp.writes.task[t] & visible_kernel_task_fields) != 0 ||
                (fp.writes.cpu[c] & visible_cpu_fields) != 0)
                return false;
        }
        return count > 0;
    }

    /// Whether a field set touches task t and CPU c only (no other task, CPU or budget).
    static bool confined(const FieldSet& f, TaskId t, CpuId c) {
        for (std::size_t i = 0; i < max_tasks; ++i) {
            if (i != t && f.task[i] != 0)
                return false;
        }
        for (std::size_t i = 0; i < max_cpus; ++i) {
            if (i != c && f.cpu[i] != 0)
                return false;
        }
        return f.global == 0;
    }

    const M& base_;
};

}  // namespace rseqcheck::checker
