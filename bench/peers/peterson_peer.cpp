// Peterson's filter lock for N processes, as a bench-only model for our engine. The same
// algorithm, at the same step granularity, as bench/peers/compare's generated Promela (each
// step one d_step there), so both tools reach the same number of states.
//   process i: pc 0 idle -> cur := 1, pc 1
//              pc 1: level[i] := cur, pc 2
//              pc 2: victim[cur] := i, pc 3
//              pc 3: when no k != i has level[k] >= cur, or victim[cur] != i:
//                    cur + 1 < N ? (cur++, pc 1) : pc 4
//              pc 4 (critical section): level[i] := 0, cur := 0, pc 0
// Usage: peterson_peer N [THREADS]; prints one JSON object (tool, N, states, transitions,
// seconds, states_per_second, bytes_per_state = peak RSS / states, store_bytes_per_state).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "checker/parallel_bfs.h"
#include "checker/search_types.h"
#include "checker/sequential_bfs.h"

namespace {

constexpr unsigned max_n = 7;

/// 3 bits per field: pc, cur and level per process, victim per level. Up to 5 processes
/// (60 bits) one word; up to 7 two words (pc/cur/level in the first, victims in the second).
struct OneWord {
    std::uint64_t bits;
    static constexpr unsigned victim_base = 15;
    unsigned get(unsigned field) const { return static_cast<unsigned>((bits >> (field * 3)) & 7U); }
    void set(unsigned field, unsigned v) {
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
    void set(unsigned field, unsigned v) {
        std::uint64_t& w = field < 21 ? lo : hi;
        const unsigned shift = (field % 21) * 3;
        w = (w & ~(std::uint64_t{7} << shift)) | (std::uint64_t{v & 7U} << shift);
    }
};

template <class S>
struct Peterson {
    using State = S;
    struct Action {
        std::uint8_t process;
    };
    unsigned n;

    static unsigned get(const State& s, unsigned field) { return s.get(field); }
    static void set(State& s, unsigned field, unsigned v) { s.set(field, v); }
    // Field numbers: 3 per process (pc, cur, level), then victim[l] for l = 0..4.
    static unsigned pc(unsigned i) { return 3 * i; }
    static unsigned cur(unsigned i) { return 3 * i + 1; }
    static unsigned level(unsigned i) { return 3 * i + 2; }
    static unsigned victim(unsigned l) { return S::victim_base + l; }

    State initial_state() const { return State{}; }
    bool is_valid_end(const State&) const { return false; }

    template <class F>
    void for_each_successor(const State& s, F&& f) const {
        for (unsigned i = 0; i < n; ++i) {
            State t = s;
            const unsigned c = get(s, cur(i));
            switch (get(s, pc(i))) {
            case 0:
                set(t, cur(i), 1);
                set(t, pc(i), 1);
                break;
            case 1:
                set(t, level(i), c);
                set(t, pc(i), 2);
                break;
            case 2:
                set(t, victim(c), i);
                set(t, pc(i), 3);
                break;
            case 3: {
                bool other_as_high = false;
                for (unsigned k = 0; k < n; ++k)
                    other_as_high = other_as_high || (k != i && get(s, level(k)) >= c);
                if (other_as_high && get(s, victim(c)) == i)
                    continue;  // wait
                if (c + 1 < n) {
                    set(t, cur(i), c + 1);
                    set(t, pc(i), 1);
                } else {
                    set(t, pc(i), 4);
                }
                break;
            }
            default:
                set(t, level(i), 0);
                set(t, cur(i), 0);
                set(t, pc(i), 0);
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

template <class S, template <class> class Engine>
int run(unsigned n, unsigned threads) {
    const Peterson<S> model{n};
    rseqcheck::checker::SearchOptions o;
    o.threads = threads;
    o.check_deadlock = false;
    Engine<Peterson<S>> engine(model, o);
    MutualExclusion<S> mutex{n};
    const rseqcheck::checker::SearchResult r = engine.run(mutex);
    const double rss = static_cast<double>(r.stats.peak_rss_bytes);
    std::printf("{\"tool\": \"rseqcheck\", \"N\": %u, \"threads\": %u, \"states\": %llu, "
                "\"transitions\": %llu, \"seconds\": %.3f, \"states_per_second\": %.0f, "
                "\"bytes_per_state\": %.1f, \"store_bytes_per_state\": %.1f, \"mutex\": \"%s\"}\n",
                n, threads, static_cast<unsigned long long>(r.stats.states),
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
    if (n < 2 || n > max_n || threads < 1) {
        std::fprintf(stderr, "usage: peterson_peer N(2..%u) [THREADS]\n", max_n);
        return 2;
    }
    using rseqcheck::checker::ParallelBfs;
    using rseqcheck::checker::SequentialBfs;
    if (n <= 5) {
        return threads == 1 ? run<OneWord, SequentialBfs>(n, 1)
                            : run<OneWord, ParallelBfs>(n, threads);
    }
    return threads == 1 ? run<TwoWords, SequentialBfs>(n, 1)
                        : run<TwoWords, ParallelBfs>(n, threads);
}
