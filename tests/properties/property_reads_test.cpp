// Property::reads and Property::facts (properties/catalog.cpp): every name is a field of
// state_fields(), and, by perturbation on reachable states of the small presets and of
// every variant's preset, flipping any bit of a field a property does not list changes
// neither its claim nor its premise (nor, for leads-to, either side).
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "model/field_access.h"
#include "model/model.h"
#include "model/state_fields.h"
#include "model/transitions.h"
#include "model/variant.h"
#include "properties/property.h"
#include "tests/checker/reduction_support.h"

namespace rseqcheck::properties {
namespace {

TEST(PropertyReads, EveryNameIsAStateFieldAndEveryPropertyReadsSomething) {
    std::set<std::string_view> names;
    for (const StateField& f : state_fields())
        names.insert(f.name);
    for (const Property& p : catalog()) {
        EXPECT_FALSE(p.reads.empty()) << p.name;
        std::set<std::string_view> once;
        for (std::string_view r : p.reads) {
            EXPECT_TRUE(names.contains(r)) << p.name << " reads '" << r << "'";
            EXPECT_TRUE(once.insert(r).second) << p.name << " lists '" << r << "' twice";
        }
    }
}

TEST(PropertyReads, FactsAreDescribedInKernelTerms) {
    Scenario sc = make_preset("grant");
    sc.tasks[0].slice_enabled = false;
    const std::vector<std::string> facts =
        describe_facts(sc, ScenarioFact::Role | ScenarioFact::SliceEnabled | ScenarioFact::Preempt |
                               ScenarioFact::SliceKey);
    ASSERT_EQ(facts.size(), sc.tasks.size() + 2);
    EXPECT_EQ(facts[0], "T0 slice user, extension NOT enabled");
    EXPECT_EQ(facts[sc.tasks.size()], "PREEMPT_NONE");
    EXPECT_EQ(facts.back(), "rseq_slice_extension_key on");
    EXPECT_TRUE(describe_facts(sc, 0).empty());
}

/// One bit of one raw field (model/field_access.h) of one owner, and the state_fields() names
/// a flip of it changes.
struct Flip {
    FieldScope scope;
    std::size_t field;
    std::size_t owner;
    unsigned bit;
    std::set<std::string_view> names;
};

const FieldAccess& access(const Flip& f) {
    switch (f.scope) {
    case FieldScope::Task:
        return task_field_access()[f.field];
    case FieldScope::Cpu:
        return cpu_field_access()[f.field];
    case FieldScope::Global:
        break;
    }
    return global_field_access()[f.field];
}

State flipped(State s, const Flip& f) {
    const FieldAccess& a = access(f);
    a.set(s, f.owner, a.get(s, f.owner) ^ (1U << f.bit));
    return s;
}

std::set<std::string_view> changed_names(const Scenario& sc, const State& a, const State& b) {
    std::set<std::string_view> out;
    for (const StateField& f : state_fields()) {
        const std::size_t owners = f.scope == FieldScope::Task  ? sc.task_count()
                                   : f.scope == FieldScope::Cpu ? sc.cpus
                                                                : 1;
        for (std::size_t o = 0; o < owners; ++o) {
            if (f.get(a, o) != f.get(b, o))
                out.insert(f.name);
        }
    }
    return out;
}

std::vector<Flip> flips(const Scenario& sc, const State& s0) {
    std::vector<Flip> out;
    const auto add = [&](FieldScope scope, std::span<const FieldAccess> fields,
                         std::size_t owners) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            for (std::size_t o = 0; o < owners; ++o) {
                for (unsigned b = 0; b < fields[i].width; ++b) {
                    Flip f{scope, i, o, b, {}};
                    f.names = changed_names(sc, s0, flipped(s0, f));
                    out.push_back(f);
                }
            }
        }
    };
    add(FieldScope::Task, task_field_access(), sc.task_count());
    add(FieldScope::Cpu, cpu_field_access(), sc.cpus);
    add(FieldScope::Global, global_field_access(), 1);
    return out;
}

/// A state the predicates may be asked about: consistent, and every armed timer's cookie a
/// task of the scenario (the predicates index tasks by it).
bool plausible(const Scenario& sc, const State& s) {
    if (!impossible_state_reason(sc, s).empty())
        return false;
    for (CpuId c = 0; c < sc.cpus; ++c) {
        if (s.cpu(c).slice_timer_cookie >= sc.task_count() &&
            s.cpu(c).slice_timer_cookie != idle_task)
            return false;
        if (s.cpu(c).slice_timer_armed && s.cpu(c).slice_timer_cookie >= sc.task_count())
            return false;
    }
    return true;
}

bool lists_any(const Property& p, const std::set<std::string_view>& names) {
    return std::any_of(p.reads.begin(), p.reads.end(),
                       [&](std::string_view r) { return names.contains(r); });
}

TEST(PropertyReads, FlippingAFieldAPropertyDoesNotListNeverChangesItsValue) {
    const std::vector<std::pair<std::string, Scenario>> cases = checker::testing::small_scenarios();
    std::size_t checked = 0;
    for (const auto& [label, sc] : cases) {
        const RseqModel model(sc);
        const std::vector<Flip> all = flips(sc, model.initial_state());
        for (const State& s : checker::testing::sample_states(sc, 300)) {
            std::vector<std::pair<Action, State>> succ;
            model.for_each_successor(
                s, [&](const Action& a, const State& n) { succ.emplace_back(a, n); });
            for (const Flip& f : all) {
                const State ps = flipped(s, f);
                if (!plausible(sc, ps))
                    continue;
                for (const Property& p : catalog()) {
                    if (lists_any(p, f.names))
                        continue;
                    ++checked;
                    switch (p.kind) {
                    case PropertyKind::Invariant:
                        EXPECT_EQ(p.holds(sc, s), p.holds(sc, ps)) << label << " " << p.name;
                        EXPECT_EQ(p.premise(sc, s), p.premise(sc, ps)) << label << " " << p.name;
                        break;
                    case PropertyKind::LeadsTo:
                        EXPECT_EQ(p.from(sc, s), p.from(sc, ps)) << label << " " << p.name;
                        EXPECT_EQ(p.to(sc, s), p.to(sc, ps)) << label << " " << p.name;
                        break;
                    case PropertyKind::Transition:
                        for (const auto& [a, n] : succ) {
                            const State pn = flipped(n, f);
                            if (!plausible(sc, pn))
                                continue;
                            // The flip before the step, after it, and on both sides.
                            for (const auto& [x, y] :
                                 {std::pair{&ps, &n}, std::pair{&s, &pn}, std::pair{&ps, &pn}}) {
                                EXPECT_EQ(p.holds_on(sc, s, a, n), p.holds_on(sc, *x, a, *y))
                                    << label << " " << p.name << " on " << action_name(a.kind);
                                EXPECT_EQ(p.premise_on(sc, s, a, n), p.premise_on(sc, *x, a, *y))
                                    << label << " " << p.name << " on " << action_name(a.kind);
                            }
                        }
                        break;
                    }
                }
            }
        }
    }
    EXPECT_GT(checked, 100000U);
}

}  // namespace
}  // namespace rseqcheck::properties
