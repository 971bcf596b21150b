// Google Benchmark: the engine's inner loop (successor generation, store lookups) and
// end-to-end searches of the rseq presets with every property, sequential and parallel.
// Counters: states/s and bytes/state (the store's bytes over states, parent links included).
//   build/bench/rseqcheck_bench --benchmark_filter=Preset
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "checker/parallel_bfs.h"
#include "checker/sequential_bfs.h"
#include "model/model.h"
#include "model/scenario.h"
#include "properties/catalog_checker.h"

namespace rseqcheck {
namespace {

struct NoChecks {
    int check_state(const State&) { return -1; }
    int check_transition(const State&, const Action&, const State&) { return -1; }
};

/// The reachable states of a preset, for the inner-loop benchmarks.
std::vector<State> states_of(const char* preset) {
    const RseqModel model(make_preset(preset));
    checker::SequentialBfs<RseqModel> search(model);
    NoChecks none;
    search.run(none);
    std::vector<State> out;
    for (std::uint64_t i = 0; i < search.size(); ++i)
        out.push_back(search.state_at(i));
    return out;
}

void BM_SuccessorGeneration(benchmark::State& st) {
    const RseqModel model(make_preset("preempt-full"));
    const std::vector<State> states = states_of("preempt-full");
    std::size_t i = 0;
    std::uint64_t successors = 0;
    for (auto _ : st) {
        model.for_each_successor(states[i], [&](const Action&, const State& t) {
            benchmark::DoNotOptimize(t);
            ++successors;
        });
        i = (i + 1) % states.size();
    }
    st.counters["successors/s"] =
        benchmark::Counter(static_cast<double>(successors), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SuccessorGeneration);

void BM_StoreLookup(benchmark::State& st) {
    const RseqModel model(make_preset("preempt-full"));
    checker::SequentialBfs<RseqModel> search(model);
    NoChecks none;
    search.run(none);
    std::uint64_t i = 0;
    for (auto _ : st) {
        benchmark::DoNotOptimize(search.find(search.state_at(i)));
        i = (i + 1) % search.size();
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_StoreLookup);

template <class Engine>
void preset_search(benchmark::State& st, const char* preset, unsigned threads) {
    const RseqModel model(make_preset(preset));
    double states = 0;
    double bytes = 0;
    for (auto _ : st) {
        properties::CatalogChecker checker(model.scenario(), {});
        checker::SearchOptions o;
        o.threads = threads;
        o.stop_at_first = false;
        Engine engine(model, o);
        const checker::SearchResult r = engine.run(checker);
        states += static_cast<double>(r.stats.states);
        bytes = r.stats.bytes_per_state;
    }
    st.counters["states/s"] = benchmark::Counter(states, benchmark::Counter::kIsRate);
    st.counters["bytes/state"] = bytes;
}

void BM_PresetSequential(benchmark::State& st, const char* preset) {
    preset_search<checker::SequentialBfs<RseqModel>>(st, preset, 1);
}
void BM_PresetParallel2(benchmark::State& st, const char* preset) {
    preset_search<checker::ParallelBfs<RseqModel>>(st, preset, 2);
}
BENCHMARK_CAPTURE(BM_PresetSequential, preempt_full, "preempt-full");
BENCHMARK_CAPTURE(BM_PresetParallel2, preempt_full, "preempt-full");
BENCHMARK_CAPTURE(BM_PresetSequential, default, "default")->Unit(benchmark::kSecond)->Iterations(3);
BENCHMARK_CAPTURE(BM_PresetParallel2, default, "default")->Unit(benchmark::kSecond)->Iterations(3);

}  // namespace
}  // namespace rseqcheck
