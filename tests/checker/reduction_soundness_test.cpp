// Symmetry reduction keeps every verdict: on every small preset and on
// every variant (on its own preset), the verdict and the set of violated properties (with
// --all semantics) are those of the unreduced search. Symmetry on a scenario without two
// tasks alike explores exactly the unreduced state space. Traces of reduced searches map
// back to concrete traces that replay on the unreduced model. The state counts are printed
// (docs/reductions.md has the table).
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "checker/reduction/concretise.h"
#include "model/variant.h"
#include "tests/checker/reduction_support.h"

namespace rseqcheck::checker {
namespace {

using testing::Mode;
using testing::ModeResult;

void expect_same_verdicts(const Scenario& sc, const std::string& label) {
    const ModeResult full = testing::run_mode(sc, Mode::Full);
    std::string line = label + ": full " + std::to_string(full.states);
    for (const Mode m : {Mode::Symmetry}) {
        const ModeResult r = testing::run_mode(sc, m);
        EXPECT_EQ(r.verdict, full.verdict) << label << " " << testing::mode_name(m);
        EXPECT_EQ(r.violated, full.violated) << label << " " << testing::mode_name(m);
        EXPECT_LE(r.states, full.states) << label << " " << testing::mode_name(m);
        line += std::string(", ") + testing::mode_name(m) + " " + std::to_string(r.states);
    }
    std::printf("%s\n", line.c_str());
}

TEST(ReductionSoundness, EveryModeAgreesOnEverySmallPreset) {
    for (const std::string& name : testing::small_presets())
        expect_same_verdicts(make_preset(name), name);
}

TEST(ReductionSoundness, EveryModeAgreesOnEveryVariant) {
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        expect_same_verdicts(sc, std::string(v.name) + " (" + std::string(v.preset) + ")");
    }
}

TEST(ReductionSoundness, SymmetryWithoutAlikeTasksExploresEveryState) {
    int checked = 0;
    for (const std::string& name : testing::small_presets()) {
        const Scenario sc = make_preset(name);
        if (!TaskSymmetry(sc).trivial())
            continue;
        ++checked;
        const ModeResult full = testing::run_mode(sc, Mode::Full);
        const ModeResult sym = testing::run_mode(sc, Mode::Symmetry);
        EXPECT_EQ(sym.states, full.states) << name;
        EXPECT_EQ(sym.transitions, full.transitions) << name;
    }
    EXPECT_EQ(checked, 12);  // all but grant-race and preempt-full
}

TEST(ReductionSoundness, SymmetryReducesTheTwoWaiterPresets) {
    for (const char* name : {"grant-race", "preempt-full"}) {
        const Scenario sc = make_preset(name);
        EXPECT_EQ(TaskSymmetry(sc).group().size(), 2U) << name;
        EXPECT_LT(testing::run_mode(sc, Mode::Symmetry).states,
                  testing::run_mode(sc, Mode::Full).states)
            << name;
    }
}

/// Every reduced violation's path maps back to a concrete path that replays on the
/// unreduced model and ends in a state violating the same invariant.
template <class Reduced>
void expect_traces_concretise(const Reduced& reduced, const Scenario& sc,
                              const std::string& label) {
    properties::CatalogChecker checker(sc, {});
    SearchOptions o;
    o.stop_at_first = false;
    SequentialBfs<Reduced> engine(reduced, o);
    const SearchResult r =
        with_reduced_checker(reduced, checker, [&](auto& c) { return engine.run(c); });
    const RseqModel plain(sc);
    for (const Violation& v : r.violations) {
        const bool transition = v.kind == ViolationKind::Transition;
        const auto path = engine.path_to(transition ? v.from_state : v.state);
        const auto concrete = concretise(reduced, path);
        ASSERT_TRUE(concrete.has_value()) << label;
        ASSERT_EQ(concrete->size(), path.size()) << label;
        EXPECT_EQ(concrete->front().state, plain.initial_state()) << label;
        for (std::size_t k = 1; k < concrete->size(); ++k) {
            bool replays = false;
            plain.for_each_successor(
                (*concrete)[k - 1].state, [&](const Action& a, const State& n) {
                    replays = replays || (a == (*concrete)[k].action && n == (*concrete)[k].state);
                });
            EXPECT_TRUE(replays) << label << " step " << k;
        }
        if (v.kind == ViolationKind::Invariant) {
            properties::CatalogChecker fresh(sc, {v.property});
            EXPECT_EQ(fresh.check_state(concrete->back().state), v.property) << label;
        }
    }
}

TEST(ReductionSoundness, ReducedTracesReplayOnTheUnreducedModel) {
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        const RseqModel model(sc);
        expect_traces_concretise(SymmetryReduced<RseqModel>(model, TaskSymmetry(sc)), sc,
                                 std::string(v.name) + " symmetry");
    }
}

}  // namespace
}  // namespace rseqcheck::checker
