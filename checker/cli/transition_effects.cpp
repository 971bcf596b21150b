#include "checker/cli/transition_effects.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "checker/no_checks.h"
#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "model/state_fields.h"
#include "properties/property.h"

namespace rseqcheck::cli {

namespace {

/// Whether the step changes one of the fields a property reads (Property::reads), of any
/// task or CPU: what a transition property checks at its own steps is set by the steps
/// before them.
bool changes_a_read_field(const properties::Property& p, const Scenario& sc, const State& s,
                          const State& t) {
    for (const StateField& f : state_fields()) {
        if (std::find(p.reads.begin(), p.reads.end(), f.name) == p.reads.end())
            continue;
        const std::size_t owners = f.scope == FieldScope::Task  ? sc.task_count()
                                   : f.scope == FieldScope::Cpu ? sc.cpus
                                                                : 1;
        for (std::size_t o = 0; o < owners; ++o) {
            if (f.get(s, o) != f.get(t, o))
                return true;
        }
    }
    return false;
}

/// Whether the step from s to t (by a) moves property p's value or premise.
bool step_feeds(const properties::Property& p, const Scenario& sc, const State& s, const Action& a,
                const State& t) {
    using properties::PropertyKind;
    switch (p.kind) {
    case PropertyKind::Invariant:
        return p.premise(sc, s) != p.premise(sc, t) || p.holds(sc, s) != p.holds(sc, t);
    case PropertyKind::Transition:
        return p.premise_on(sc, s, a, t) || changes_a_read_field(p, sc, s, t);
    case PropertyKind::LeadsTo:
        return p.from(sc, s) != p.from(sc, t) || p.to(sc, s) != p.to(sc, t);
    }
    return false;
}

template <class F>
void for_each_reachable(const RseqModel& model, F&& f) {
    checker::SearchOptions options;
    options.stop_at_first = false;
    options.check_deadlock = false;
    checker::SequentialBfs<RseqModel> engine(model, options);
    checker::NoChecks none;
    engine.run(none);
    for (std::uint64_t i = 0; i < engine.size(); ++i)
        f(engine.state_at(i));
}

std::uint64_t kind_bit(ActionKind k) {
    return std::uint64_t{1} << static_cast<unsigned>(k);
}

}  // namespace

TransitionEffects measure_transition_effects() {
    static_assert(action_kind_count <= 64, "one bit per transition kind");
    TransitionEffects e;
    e.feeds.assign(action_kind_count, 0);
    e.fires_on.assign(action_kind_count, {});
    const auto catalog = properties::catalog();
    for (const PresetInfo& preset : preset_catalog()) {
        if (preset.name == "default" || preset.nightly_size)
            continue;  // millions of states; the small presets cover every transition
        const RseqModel model(make_preset(preset.name));
        std::uint64_t fired = 0;
        for_each_reachable(model, [&](const State& s) {
            model.for_each_successor(s, [&](const Action& a, const State& t) {
                const auto k = static_cast<std::size_t>(a.kind);
                fired |= kind_bit(a.kind);
                for (std::size_t p = 0; p < catalog.size(); ++p) {
                    if ((e.feeds[k] >> p & 1U) == 0 &&
                        step_feeds(catalog[p], model.scenario(), s, a, t))
                        e.feeds[k] |= std::uint64_t{1} << p;
                }
            });
        });
        for (std::size_t k = 0; k < action_kind_count; ++k) {
            if ((fired >> k & 1U) != 0)
                e.fires_on[k].emplace_back(preset.name);
        }
    }
    return e;
}

std::uint64_t kinds_changed_by(const VariantInfo& variant) {
    Scenario fixed_sc = make_preset(variant.preset);
    Scenario variant_sc = fixed_sc;
    variant_sc.variant.add(variant.id);
    const RseqModel fixed(fixed_sc);
    const RseqModel changed(variant_sc);
    using Step = std::pair<Action, State>;
    auto steps = [](const RseqModel& m, const State& s) {
        std::vector<Step> out;
        m.for_each_successor(s, [&](const Action& a, const State& t) { out.emplace_back(a, t); });
        return out;
    };
    auto same = [](const Step& x, const Step& y) {
        return x.first == y.first && std::memcmp(&x.second, &y.second, sizeof(State)) == 0;
    };
    // A kind that fires in one model's reachable graph and not in the other's is changed
    // too: undoing a fix may remove a whole step (pre_dd0a0460 has no syscall entry work).
    auto fired = [](const RseqModel& m) {
        std::uint64_t kinds = 0;
        for_each_reachable(m, [&](const State& s) {
            m.for_each_successor(s,
                                 [&](const Action& a, const State&) { kinds |= kind_bit(a.kind); });
        });
        return kinds;
    };
    std::uint64_t kinds = fired(fixed) ^ fired(changed);
    for_each_reachable(changed, [&](const State& s) {
        const std::vector<Step> a = steps(fixed, s);
        const std::vector<Step> b = steps(changed, s);
        for (const auto& [x, y] : {std::pair{&a, &b}, std::pair{&b, &a}}) {
            for (const Step& step : *x) {
                bool found = false;
                for (const Step& other : *y)
                    found = found || same(step, other);
                if (!found)
                    kinds |= kind_bit(step.first.kind);
            }
        }
    });
    return kinds;
}

}  // namespace rseqcheck::cli
