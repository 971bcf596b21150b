// Shared by the reduction_* tests: the search modes, run with --all semantics on a
// scenario, and random reachable states of the small presets.
#pragma once

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checker/reduction/symmetry_reduced.h"
#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/symmetry.h"
#include "properties/catalog_checker.h"

namespace rseqcheck::checker::testing {

/// The small presets (the default preset runs in the CLI benchmark, docs/reductions.md).
inline const std::vector<std::string>& small_presets() {
    static const std::vector<std::string> names = {"tiny",
                                                   "grant",
                                                   "grant-syscall",
                                                   "grant-race",
                                                   "preempt-full",
                                                   "remote-wakeup",
                                                   "rt",
                                                   "fault-migrate",
                                                   "membarrier",
                                                   "arm64-cs",
                                                   "cs",
                                                   "cs-signal",
                                                   "cs-invalid",
                                                   "hrtimer-rearm"};
    return names;
}

/// Every small preset on the fixed model, then every variant on its own preset, each with
/// a label (the preset's or the variant's name).
inline std::vector<std::pair<std::string, Scenario>> small_scenarios() {
    std::vector<std::pair<std::string, Scenario>> cases;
    for (const std::string& name : small_presets())
        cases.emplace_back(name, make_preset(name));
    for (const VariantInfo& v : variant_catalog()) {
        Scenario sc = make_preset(v.preset);
        sc.variant.add(v.id);
        cases.emplace_back(std::string(v.name), sc);
    }
    return cases;
}

struct ModeResult {
    std::uint64_t states = 0;
    std::uint64_t transitions = 0;
    Verdict verdict = Verdict::Holds;
    std::set<int> violated;  ///< catalogue indices; -1 for a deadlock
};

enum class Mode { Full, Symmetry };

inline const char* mode_name(Mode m) {
    switch (m) {
    case Mode::Full:
        return "full";
    case Mode::Symmetry:
        return "symmetry";
    }
    return "?";
}

template <class M>
ModeResult run_engine(const M& m, const Scenario& sc) {
    properties::CatalogChecker checker(sc, {});
    SearchOptions o;
    o.stop_at_first = false;  // --all: every violated property once
    SequentialBfs<M> engine(m, o);
    const SearchResult r = with_reduced_checker(m, checker, [&](auto& c) { return engine.run(c); });
    ModeResult out;
    out.states = r.stats.states;
    out.transitions = r.stats.transitions;
    out.verdict = r.verdict;
    for (const Violation& v : r.violations)
        out.violated.insert(v.property);
    return out;
}

inline ModeResult run_mode(const Scenario& sc, Mode mode) {
    const RseqModel model(sc);
    switch (mode) {
    case Mode::Full:
        return run_engine(model, sc);
    case Mode::Symmetry:
        return run_engine(SymmetryReduced<RseqModel>(model, TaskSymmetry(sc)), sc);
    }
    return {};
}

/// `count` reachable states of `sc` (with repeats), visited by random walks from the
/// initial state (fixed seed): each walk takes up to 64 uniformly chosen steps and ends
/// early in a state without successors. Cheap on any preset, and deep states included.
inline std::vector<State> sample_states(const Scenario& sc, std::size_t count,
                                        std::uint32_t seed = 5) {
    const RseqModel model(sc);
    std::mt19937 rng(seed);
    std::vector<State> out;
    std::vector<State> next;
    while (out.size() < count) {
        State s = model.initial_state();
        out.push_back(s);
        for (int step = 0; step < 64 && out.size() < count; ++step) {
            next.clear();
            model.for_each_successor(s, [&](const Action&, const State& n) { next.push_back(n); });
            if (next.empty())
                break;
            s = next[std::uniform_int_distribution<std::size_t>(0, next.size() - 1)(rng)];
            out.push_back(s);
        }
    }
    return out;
}

}  // namespace rseqcheck::checker::testing
