// The declared footprints of model/footprint.h against the transitions themselves, on
// random reachable states of every small preset, every variant's preset and the default
// preset: every field a step changed is declared written; perturbing fields the step does
// not declare read keeps the step enabled with the same label and the same effect; what
// other actors do to a waiting task and its CPU stays within interference(); no interrupt
// reaches a CPU that no_interrupt_on() calls quiet; and the visibility table of
// checker/reduction/visibility.h hides nothing a property reads.
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "checker/reduction/visibility.h"
#include "model/footprint.h"
#include "model/transitions.h"
#include "model/variant.h"
#include "properties/property.h"
#include "tests/checker/reduction_support.h"

namespace rseqcheck::checker {
namespace {

struct Case {
    std::string label;
    Scenario sc;
};

std::vector<Case> cases() {
    std::vector<Case> out;
    for (const std::string& name : testing::small_presets())
        out.push_back({name, make_preset(name)});
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        out.push_back({std::string(v.name), sc});
    }
    out.push_back({"default", make_preset("default")});
    return out;
}

/// Every successor of s, without the model's consistency check (perturbed states may be
/// ones the kernel cannot reach; the transitions are still functions of their reads).
std::vector<std::pair<Action, State>> successors(const Scenario& sc, const State& s) {
    std::vector<std::pair<Action, State>> out;
    auto emit = [&](const Action& a, const State& n) {
        out.emplace_back(a, n);
    };
    AllTransitions::for_each_successor(sc, s, emit);
    return out;
}

/// The successors that transitions of kind k emit from s (only that transition runs: a
/// perturbed state may trip another transition's internal consistency check).
template <class... Ts>
void expand_kind(const Transitions<Ts...>*, ActionKind k, const Scenario& sc, const State& s,
                 std::vector<std::pair<Action, State>>& out) {
    auto emit = [&](const Action& a, const State& n) {
        out.emplace_back(a, n);
    };
    ((Ts::kind == k ? Ts::expand(sc, s, emit) : void()), ...);
}

std::vector<std::pair<Action, State>> successors_of_kind(const Scenario& sc, const State& s,
                                                         ActionKind k) {
    std::vector<std::pair<Action, State>> out;
    expand_kind(static_cast<const AllTransitions*>(nullptr), k, sc, s, out);
    return out;
}

/// Calls f(access, owner, declared) for every field of every task, CPU and the budget that
/// the scenario has, with the mask bit of that field in `set`.
template <class F>
void for_each_field(const Scenario& sc, const FieldSet& set, F&& f) {
    for (std::size_t t = 0; t < sc.task_count(); ++t) {
        for (std::size_t i = 0; i < task_field_count; ++i)
            f(task_field_access()[i], t, ((set.task[t] >> i) & 1U) != 0);
    }
    for (std::size_t c = 0; c < sc.cpus; ++c) {
        for (std::size_t i = 0; i < cpu_field_count; ++i)
            f(cpu_field_access()[i], c, ((set.cpu[c] >> i) & 1U) != 0);
    }
    for (std::size_t i = 0; i < global_field_count; ++i)
        f(global_field_access()[i], 0, ((set.global >> i) & 1U) != 0);
}

TEST(ReductionFootprint, EveryChangedFieldIsDeclaredWritten) {
    for (const Case& k : cases()) {
        for (const State& s : testing::sample_states(k.sc, 4000)) {
            for (const auto& step : successors(k.sc, s)) {
                const Action& a = step.first;
                const State& n = step.second;
                const Footprint fp = footprint(k.sc, s, a);
                for_each_field(k.sc, fp.writes, [&](const FieldAccess& f, std::size_t o, bool w) {
                    if (f.get(s, o) != f.get(n, o)) {
                        EXPECT_TRUE(w) << k.label << ": " << action_name(a.kind) << " changes "
                                       << f.name << " of " << o << " undeclared";
                    }
                });
            }
        }
    }
}

TEST(ReductionFootprint, UndeclaredReadsDoNotChangeEnablednessOrEffect) {
    std::mt19937 rng(11);
    for (const Case& k : cases()) {
        const RseqModel model(k.sc);
        for (const State& s : testing::sample_states(k.sc, 4000)) {
            for (const auto& step : successors(k.sc, s)) {
                const Action& a = step.first;
                const State& n = step.second;
                const Footprint fp = footprint(k.sc, s, a);
                for (int round = 0; round < 3; ++round) {
                    State p = s;
                    std::vector<std::pair<const FieldAccess*, std::size_t>> perturbed;
                    for_each_field(k.sc, fp.reads,
                                   [&](const FieldAccess& f, std::size_t o, bool r) {
                                       if (r || (rng() & 1U) == 0)
                                           return;
                                       f.set(p, o, static_cast<unsigned>(rng()));
                                       perturbed.emplace_back(&f, o);
                                   });
                    // A perturbed value out of its range (a CPU id the scenario does not
                    // have, a task id past the last task) makes a state no transition is
                    // written for: the model would index past its arrays. Skip those.
                    bool in_range = model.consistent(p);
                    for (CpuId c = 0; c < k.sc.cpus; ++c)
                        in_range = in_range && p.cpu(c).slice_timer_cookie < k.sc.task_count();
                    if (!in_range)
                        continue;
                    // The expected successor: n, with each perturbed field carried through
                    // unless the step wrote it (a blind write of an unread field).
                    auto matches = [&](const State& m) {
                        State expect = n;
                        for (const auto& [f, o] : perturbed) {
                            const bool written = f->get(n, o) != f->get(s, o);
                            if (written)
                                continue;
                            f->set(expect, o, f->get(p, o));
                            // Unchanged by the step in s: either not written, or written with
                            // the value it had; accept the step's value too.
                            if (f->get(m, o) == f->get(n, o))
                                f->set(expect, o, f->get(n, o));
                        }
                        return expect == m;
                    };
                    bool found = false;
                    for (const auto& [b, m] : successors_of_kind(k.sc, p, a.kind))
                        found = found || (b == a && matches(m));
                    EXPECT_TRUE(found) << k.label << ": " << action_name(a.kind)
                                       << " depends on an undeclared read";
                    if (!found)
                        return;
                }
            }
        }
    }
}

bool is_interrupt(ActionKind k) {
    switch (k) {
    case ActionKind::IrqWakeup:
    case ActionKind::IrqTick:
    case ActionKind::IrqTaskWork:
    case ActionKind::IrqSignal:
    case ActionKind::IpiMembarrier:
    case ActionKind::IpiResched:
    case ActionKind::SliceTimerFires:
    case ActionKind::UserException:
        return true;
    default:
        return false;
    }
}

bool subset(FieldMask a, FieldMask b) {
    return (a & ~b) == 0;
}

TEST(ReductionFootprint, OtherActorsStayWithinInterferenceWhileTheTaskWaits) {
    std::size_t frames = 0;
    for (const Case& k : cases()) {
        for (const State& s : testing::sample_states(k.sc, 4000)) {
            for (CpuId c = 0; c < k.sc.cpus; ++c) {
                const unsigned curr = s.cpu(c).curr;
                if (curr == idle_task || curr >= k.sc.task_count())
                    continue;
                const TaskId t = static_cast<TaskId>(curr);
                const Pc pc = s.task(t).get_pc();
                if (pc == Pc::User || pc == Pc::Dead || !no_interrupt_on(k.sc, s, c))
                    continue;
                ++frames;
                const Footprint allowed = interference(k.sc, s, t, c);
                // Three levels of other actors' steps from s, t waiting throughout.
                std::vector<State> level{s};
                for (int depth = 0; depth < 3 && !level.empty(); ++depth) {
                    std::vector<State> next;
                    for (const State& x : level) {
                        ASSERT_EQ(x.cpu(c).curr, t) << k.label;
                        ASSERT_EQ(x.task(t).get_pc(), pc) << k.label;
                        for (const auto& [b, y] : successors(k.sc, x)) {
                            if (is_kernel_task_step(b.kind) && b.task == t)
                                continue;  // t's own step
                            EXPECT_FALSE(is_interrupt(b.kind) && b.cpu == c)
                                << k.label << ": " << action_name(b.kind) << " hits a quiet CPU";
                            const Footprint fp = footprint(k.sc, x, b);
                            EXPECT_TRUE(subset(fp.reads.task[t], allowed.reads.task[t]) &&
                                        subset(fp.writes.task[t], allowed.writes.task[t]) &&
                                        subset(fp.reads.cpu[c], allowed.reads.cpu[c]) &&
                                        subset(fp.writes.cpu[c], allowed.writes.cpu[c]))
                                << k.label << ": " << action_name(b.kind) << " interferes";
                            if (next.size() < 64)
                                next.push_back(y);
                        }
                    }
                    level = std::move(next);
                }
            }
        }
    }
    EXPECT_GT(frames, 1000U);  // the check saw many waiting tasks
}

TEST(ReductionFootprint, InvisibleFieldsOfATaskInTheKernelChangeNoProperty) {
    std::mt19937 rng(17);
    const auto cat = properties::catalog();
    for (const Case& k : cases()) {
        for (const State& s : testing::sample_states(k.sc, 4000)) {
            const auto succ = successors(k.sc, s);
            for (TaskId t = 0; t < k.sc.task_count(); ++t) {
                const Pc pc = s.task(t).get_pc();
                if (pc == Pc::User || pc == Pc::Dead)
                    continue;
                // A random other kernel pc and random values of the invisible fields.
                std::vector<std::pair<std::size_t, unsigned>> delta;
                for (std::size_t i = 0; i < task_field_count; ++i) {
                    if (((visible_kernel_task_fields >> i) & 1U) != 0)
                        continue;
                    unsigned v = static_cast<unsigned>(rng());
                    if (i == static_cast<std::size_t>(TaskField::Pc))
                        v = 1U + v % (static_cast<unsigned>(Pc::Dead) - 1U);
                    delta.emplace_back(i, v);
                }
                auto perturb = [&](State x, const State* written_from) {
                    for (const auto& [i, v] : delta) {
                        const FieldAccess& f = task_field_access()[i];
                        if (written_from != nullptr && f.get(*written_from, t) != f.get(x, t))
                            continue;
                        f.set(x, t, v);
                    }
                    return x;
                };
                const State ps = perturb(s, nullptr);
                for (const properties::Property& p : cat) {
                    if (p.kind != properties::PropertyKind::Invariant)
                        continue;
                    EXPECT_EQ(p.holds(k.sc, s), p.holds(k.sc, ps)) << k.label << " " << p.name;
                    if (p.premise != nullptr) {
                        EXPECT_EQ(p.premise(k.sc, s), p.premise(k.sc, ps))
                            << k.label << " " << p.name;
                    }
                }
                for (const auto& [b, n] : succ) {
                    if (b.task == t || footprint(k.sc, s, b).writes.task[t] != 0)
                        continue;  // not an independent step of another actor
                    const State pn = perturb(n, &s);
                    for (const properties::Property& p : cat) {
                        if (p.kind != properties::PropertyKind::Transition)
                            continue;
                        EXPECT_EQ(p.holds_on(k.sc, s, b, n), p.holds_on(k.sc, ps, b, pn))
                            << k.label << " " << p.name << " on " << action_name(b.kind);
                        if (p.premise_on != nullptr) {
                            EXPECT_EQ(p.premise_on(k.sc, s, b, n), p.premise_on(k.sc, ps, b, pn))
                                << k.label << " " << p.name << " on " << action_name(b.kind);
                        }
                    }
                }
            }
        }
    }
}

TEST(ReductionFootprint, AmpleStepsNeverFailATransitionPropertyAndAreSometimesTaken) {
    const auto cat = properties::catalog();
    std::size_t taken = 0;
    for (const Case& k : cases()) {
        const RseqModel model(k.sc);
        const AmpleSetReduced<RseqModel> por(model);
        for (const State& s : testing::sample_states(k.sc, 4000)) {
            for (CpuId c = 0; c < k.sc.cpus; ++c) {
                const unsigned curr = s.cpu(c).curr;
                if (curr == idle_task || curr >= k.sc.task_count() ||
                    !por.ample_for(k.sc, s, static_cast<TaskId>(curr), c))
                    continue;
                ++taken;
                for (const auto& [a, n] : successors(k.sc, s)) {
                    if (!is_kernel_task_step(a.kind) || a.task != curr)
                        continue;
                    for (const properties::Property& p : cat) {
                        if (p.kind == properties::PropertyKind::Transition) {
                            EXPECT_TRUE(p.holds_on(k.sc, s, a, n)) << k.label << " " << p.name;
                        }
                    }
                }
            }
        }
    }
    EXPECT_GT(taken, 0U);
}

}  // namespace
}  // namespace rseqcheck::checker
