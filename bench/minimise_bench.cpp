// Google Benchmark: minimisation of each variant's shortest trace (what `rseqcheck check`
// prints), from the BFS trace to the minimised one. Counters: steps and environment events
// before and after. The issue-7 goal is under 1 s per trace.
//   build/bench/rseqcheck_bench --benchmark_filter=Minimise
#include <string>

#include <benchmark/benchmark.h>

#include "counterexamples/minimise.h"
#include "counterexamples/shortest_path.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/variant.h"

namespace rseqcheck {
namespace {

void BM_Minimise(benchmark::State& st, const VariantInfo* info, const char* preset) {
    Scenario sc = make_preset(preset == nullptr ? info->preset : preset);
    sc.variant.add(info->id);
    const auto found = cex::find_trace(sc, info->catches);
    if (!found) {
        st.SkipWithError("caught by a leads-to property only: its lasso is not minimised");
        return;
    }
    const RseqModel model(sc);
    cex::Trace out;
    for (auto _ : st) {
        out = cex::minimise(model, *found);
        benchmark::DoNotOptimize(out);
    }
    st.counters["steps_before"] = static_cast<double>(found->steps.size());
    st.counters["steps_after"] = static_cast<double>(out.steps.size());
    st.counters["env_before"] = static_cast<double>(cex::environment_events(found->steps));
    st.counters["env_after"] = static_cast<double>(cex::environment_events(out.steps));
}

const bool registered = [] {
    for (const VariantInfo* v : bug_variants()) {  // a patch has no trace to minimise
        benchmark::RegisterBenchmark(("BM_Minimise/" + std::string(v->name)).c_str(), BM_Minimise,
                                     v, nullptr)
            ->Unit(benchmark::kMillisecond);
    }
    // On the default preset the shortest trace carries events the bug does not need.
    for (const char* name : {"pre_7ee58f98", "pre_0ac3b5c3", "pre_dd0a0460"}) {
        benchmark::RegisterBenchmark(("BM_Minimise/default/" + std::string(name)).c_str(),
                                     BM_Minimise, find_variant(name), "default")
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
    }
    return true;
}();

}  // namespace
}  // namespace rseqcheck
