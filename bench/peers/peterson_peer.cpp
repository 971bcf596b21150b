// Peterson's filter lock for N processes, as a bench-only model for our engine. The same
// algorithm, at the same step granularity, as bench/peers/compare's generated Promela (each
// step one d_step there), so both tools reach the same number of states.
//   process i: pc 0 idle -> cur := 1, pc 1
//              pc 1: level[i] := cur, pc 2
//              pc 2: victim[cur] := i, pc 3
//              pc 3: when no k != i has level[k] >= cur, or victim[cur] != i:
//                    cur + 1 < N ? (cur++, pc 1) : pc 4
//              pc 4 (critical section): level[i] := 0, cur := 0, pc 0
// Usage: peterson_peer N [THREADS [--parallel]] [--compressed]; prints one JSON object (tool,
// engine, store, N,
// states, transitions, seconds, states_per_second, bytes_per_state = peak RSS / states,
// store_bytes_per_state). One thread runs SequentialBfs, more run ParallelBfs; --parallel
// runs ParallelBfs at any thread count, to measure what its design costs at one thread;
// --compressed searches with the tree store (checker/tree_store.h) instead of the plain one.
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <type_traits>

#include "checker/parallel_bfs.h"
#include "checker/search_types.h"
#include "checker/sequential_bfs.h"
#include "checker/tree_store.h"

namespace {

constexpr unsigned max_n = 7;

/// Field values of one state, decoded once per expansion (3 per process, then the victims).
using Fields = std::array<unsigned, 28>;

/// 3 bits per field: pc, cur and level per process, victim per level. Up to 5 processes
/// (60 bits) one word; 7 two words (pc/cur/level in the first, victims in the second).
struct OneWord {
    std::uint64_t bits;
    static constexpr unsigned victim_base = 15;
    unsigned get(unsigned field) const { return static_cast<unsigned>((bits >> (field * 3)) & 7U); }
    void decode(unsigned fields, Fields& out) const {
        for (unsigned f = 0; f < fields; ++f)
            out[f] = get(f);
    }
    void set(unsigned field, unsigned v, unsigned /*old*/) {
        const unsigned shift = field * 3;
        bits = (bits & ~(std::uint64_t{7} << shift)) | (std::uint64_t{v & 7U} << shift);
    }
};
struct TwoWords {
    std::uint64_t lo;
    std::uint64_t hi;
    static constexpr unsigned victim_base = 21;
    unsigned get(unsigned field) const {
        const std::uint64_t w = field < 21 ? lo : hi;
        return static_cast<unsigned>((w >> ((field % 21) * 3)) & 7U);
    }
    void decode(unsigned fields, Fields& out) const {
        for (unsigned f = 0; f < fields; ++f)
            out[f] = get(f);
    }
    void set(unsigned field, unsigned v, unsigned /*old*/) {
        std::uint64_t& w = field < 21 ? lo : hi;
        const unsigned shift = (field % 21) * 3;
        w = (w & ~(std::uint64_t{7} << shift)) | (std::uint64_t{v & 7U} << shift);
    }
};
/// Exactly 6 processes in one word, as a mixed-radix number: per process pc (5 values),
/// cur and level (6 each), then victim[0..5] (6 each), field 0 least significant. 180^6 *
/// 6^6 < 2^61. Every field's range is the algorithm's own, so the encoding is exact; a
/// write adds (new - old) times the field's weight.
constexpr unsigned six_victim_base = 18;
constexpr unsigned six_fields = 24;
constexpr unsigned six_radix(unsigned field) {
    return field < six_victim_base && field % 3 == 0 ? 5U : 6U;
}
constexpr std::array<std::uint64_t, six_fields> six_weights() {
    std::array<std::uint64_t, six_fields> w{};
    std::uint64_t x = 1;
    for (unsigned f = 0; f < six_fields; ++f) {
        w[f] = x;
        x *= six_radix(f);
    }
    return w;
}
struct SixProcesses {
    std::uint64_t bits;
    static constexpr unsigned victim_base = six_victim_base;
    static constexpr unsigned fields = six_fields;
    static constexpr unsigned radix(unsigned field) { return six_radix(field); }
    static constexpr std::array<std::uint64_t, fields> weight = six_weights();
    unsigned get(unsigned field) const {
        return static_cast<unsigned>(bits / weight[field] % radix(field));
    }
    /// Division by the constants 5 and 6 only, which the compiler turns into multiplications.
    void decode(unsigned /*fields*/, Fields& out) const {
        std::uint64_t x = bits;
        for (unsigned f = 0; f < victim_base; f += 3) {
            out[f] = static_cast<unsigned>(x % 5);
            x /= 5;
            out[f + 1] = static_cast<unsigned>(x % 6);
            x /= 6;
            out[f + 2] = static_cast<unsigned>(x % 6);
            x /= 6;
        }
        for (unsigned f = victim_base; f < fields; ++f) {
            out[f] = static_cast<unsigned>(x % 6);
            x /= 6;
        }
    }
    void set(unsigned field, unsigned v, unsigned old) {
        bits = bits - old * weight[field] + v * weight[field];
    }
};
static_assert(SixProcesses::weight[SixProcesses::fields - 1] <= ~std::uint64_t{0} / 6,
              "six processes' fields must fit in one word");

template <class S>
struct Peterson {
    using State = S;
    struct Action {
        std::uint8_t process;
    };
    unsigned n;

    static unsigned get(const State& s, unsigned field) { return s.get(field); }
    // Field numbers: 3 per process (pc, cur, level), then victim[l] for l < N.
    static unsigned pc(unsigned i) { return 3 * i; }
    static unsigned cur(unsigned i) { return 3 * i + 1; }
    static unsigned level(unsigned i) { return 3 * i + 2; }
    static unsigned victim(unsigned l) { return S::victim_base + l; }

    State initial_state() const { return State{}; }
    bool is_valid_end(const State&) const { return false; }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        Fields v{};
        s.decode(S::victim_base + n, v);
        for (unsigned i = 0; i < n; ++i) {
            State t = s;
            auto set = [&](unsigned field, unsigned value) {
                t.set(field, value, v[field]);
            };
            const unsigned c = v[cur(i)];
            switch (v[pc(i)]) {
            case 0:
                set(cur(i), 1);
                set(pc(i), 1);
                break;
            case 1:
                set(level(i), c);
                set(pc(i), 2);
                break;
            case 2:
                set(victim(c), i);
                set(pc(i), 3);
                break;
            case 3: {
                bool other_as_high = false;
                for (unsigned k = 0; k < n; ++k)
                    other_as_high = other_as_high || (k != i && v[level(k)] >= c);
                if (other_as_high && v[victim(c)] == i)
                    continue;  // wait
                if (c + 1 < n) {
                    set(cur(i), c + 1);
                    set(pc(i), 1);
                } else {
                    set(pc(i), 4);
                }
                break;
            }
            default:
                set(level(i), 0);
                set(cur(i), 0);
                set(pc(i), 0);
                break;
            }
            f(Action{static_cast<std::uint8_t>(i)}, t);
        }
    }
};

template <class S>
struct MutualExclusion {
    unsigned n;
    int check_state(const S& s) {
        unsigned in_cs = 0;
        for (unsigned i = 0; i < n; ++i)
            in_cs += Peterson<S>::get(s, Peterson<S>::pc(i)) == 4 ? 1U : 0U;
        return in_cs > 1 ? 0 : -1;
    }
    int check_transition(const S&, const typename Peterson<S>::Action&, const S&) { return -1; }
};

template <class M>
using Sequential = rseqcheck::checker::SequentialBfs<M>;
template <class M>
using Parallel = rseqcheck::checker::ParallelBfs<M>;
template <class M>
using SequentialTree =
    rseqcheck::checker::SequentialBfs<M, rseqcheck::checker::TreeStore<typename M::State>>;
template <class M>
using ParallelTree =
    rseqcheck::checker::ParallelBfs<M, rseqcheck::checker::TreeStore<typename M::State>>;

template <class S, template <class> class Engine>
int run(unsigned n, unsigned threads, const char* engine_name) {
    const Peterson<S> model{n};
    rseqcheck::checker::SearchOptions o;
    o.threads = threads;
    o.check_deadlock = false;
    Engine<Peterson<S>> engine(model, o);
    const char* store = std::is_same_v<Engine<Peterson<S>>, Sequential<Peterson<S>>> ||
                                std::is_same_v<Engine<Peterson<S>>, Parallel<Peterson<S>>>
                            ? "plain"
                            : "compressed";
    MutualExclusion<S> mutex{n};
    const rseqcheck::checker::SearchResult r = engine.run(mutex);
    const double rss = static_cast<double>(r.stats.peak_rss_bytes);
    std::printf("{\"tool\": \"rseqcheck\", \"engine\": \"%s\", \"store\": \"%s\", "
                "\"N\": %u, \"threads\": %u, "
                "\"states\": %llu, "
                "\"transitions\": %llu, \"seconds\": %.3f, \"states_per_second\": %.0f, "
                "\"bytes_per_state\": %.1f, \"store_bytes_per_state\": %.1f, \"mutex\": \"%s\"}\n",
                engine_name, store, n, threads, static_cast<unsigned long long>(r.stats.states),
                static_cast<unsigned long long>(r.stats.transitions), r.stats.seconds,
                r.stats.states_per_second, rss / static_cast<double>(r.stats.states),
                r.stats.bytes_per_state, r.violations.empty() ? "holds" : "violated");
    return r.violations.empty() ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    const unsigned n = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 4;
    const unsigned threads =
        argc > 2 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 1;
    bool forced = false;
    bool compressed = false;
    bool bad = false;
    for (int a = 3; a < argc; ++a) {
        const std::string flag = argv[a];
        forced = forced || flag == "--parallel";
        compressed = compressed || flag == "--compressed";
        bad = bad || (flag != "--parallel" && flag != "--compressed");
    }
    if (n < 2 || n > max_n || threads < 1 || argc > 5 || bad) {
        std::fprintf(
            stderr, "usage: peterson_peer N(2..%u) [THREADS [--parallel] [--compressed]]\n", max_n);
        return 2;
    }
    const bool sequential = threads == 1 && !forced;
    if (compressed) {
        if (n <= 5) {
            return sequential ? run<OneWord, SequentialTree>(n, 1, "sequential")
                              : run<OneWord, ParallelTree>(n, threads, "parallel");
        }
        if (n == 6) {
            return sequential ? run<SixProcesses, SequentialTree>(n, 1, "sequential")
                              : run<SixProcesses, ParallelTree>(n, threads, "parallel");
        }
        return sequential ? run<TwoWords, SequentialTree>(n, 1, "sequential")
                          : run<TwoWords, ParallelTree>(n, threads, "parallel");
    }
    if (n <= 5) {
        return sequential ? run<OneWord, Sequential>(n, 1, "sequential")
                          : run<OneWord, Parallel>(n, threads, "parallel");
    }
    if (n == 6) {
        return sequential ? run<SixProcesses, Sequential>(n, 1, "sequential")
                          : run<SixProcesses, Parallel>(n, threads, "parallel");
    }
    return sequential ? run<TwoWords, Sequential>(n, 1, "sequential")
                      : run<TwoWords, Parallel>(n, threads, "parallel");
}
