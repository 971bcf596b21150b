// The plain and the compressed state store side by side in one process: searches a preset or
// a scenario file with each store in turn (RUNS times, alternating, plain first), without
// properties, and prints one JSON object per search: states, transitions, seconds, states/s
// and the store's bytes a state (states or roots, parent links, hash slots, interned parts).
// The two stores must reach the same number of states; the program fails if they do not.
//   build/bench/store_compare PRESET|FILE.toml [THREADS=1] [RUNS=1] [MEMORY_LIMIT_MIB=0]
#include <cstdint>
#include <cstdio>
#include <string>

#include "checker/parallel_bfs.h"
#include "checker/sequential_bfs.h"
#include "checker/tree_store.h"
#include "model/model.h"
#include "model/scenario.h"
#include "model/scenario_file.h"

namespace rseqcheck {
namespace {

struct NoChecks {
    int check_state(const State&) { return -1; }
    int check_transition(const State&, const Action&, const State&) { return -1; }
};

template <class Engine>
std::uint64_t run(const RseqModel& model, const checker::SearchOptions& o, const char* store) {
    Engine engine(model, o);
    NoChecks none;
    const checker::SearchResult r = engine.run(none);
    std::printf(
        "{\"store\": \"%s\", \"threads\": %u, \"verdict\": \"%s\", \"states\": %llu, "
        "\"transitions\": %llu, \"depth\": %u, \"seconds\": %.2f, "
        "\"states_per_second\": %.0f, \"bytes_per_state\": %.1f, \"store_bytes\": %zu}\n",
        store, o.threads, r.verdict == checker::Verdict::Incomplete ? "incomplete" : "complete",
        static_cast<unsigned long long>(r.stats.states),
        static_cast<unsigned long long>(r.stats.transitions), r.stats.depth, r.stats.seconds,
        r.stats.states_per_second, r.stats.bytes_per_state, r.stats.store_bytes);
    std::fflush(stdout);
    return r.stats.states;
}

template <class Store>
std::uint64_t search(const RseqModel& model, const checker::SearchOptions& o, const char* store) {
    if (o.threads > 1)
        return run<checker::ParallelBfs<RseqModel, Store>>(model, o, store);
    return run<checker::SequentialBfs<RseqModel, Store>>(model, o, store);
}

}  // namespace
}  // namespace rseqcheck

int main(int argc, char** argv) {
    using namespace rseqcheck;
    if (argc < 2 || argc > 5) {
        std::fprintf(stderr,
                     "usage: store_compare PRESET|FILE.toml [THREADS] [RUNS] [MEMORY_LIMIT_MIB]\n");
        return 2;
    }
    const std::string what = argv[1];
    const Scenario sc =
        what.ends_with(".toml") ? load_scenario_file(what).scenario : make_preset(what);
    const RseqModel model(sc);
    checker::SearchOptions o;
    o.threads = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 1;
    o.stop_at_first = false;
    o.check_deadlock = false;
    const int runs = argc > 3 ? std::stoi(argv[3]) : 1;
    o.memory_limit_bytes = argc > 4 ? std::stoull(argv[4]) << 20U : 0;
    for (int run = 0; run < runs; ++run) {
        const std::uint64_t plain = search<checker::PlainStore<State>>(model, o, "plain");
        const std::uint64_t tree = search<checker::TreeStore<State>>(model, o, "compressed");
        if (plain != tree && o.memory_limit_bytes == 0) {
            std::fprintf(stderr, "store_compare: the stores reached %llu and %llu states\n",
                         static_cast<unsigned long long>(plain),
                         static_cast<unsigned long long>(tree));
            return 1;
        }
    }
    return 0;
}
