// What the machine's memory system gives one thread and two, with no search engine around it.
// Three access patterns:
//  - reads (the default): each thread makes 40 M random 8-byte reads over a 256 MiB table,
//    prefetched 16 at a time; the probe prints the total reads per second.
//  - search: the memory traffic of a hash-table search without its computation. Per "state",
//    a thread takes 4 random slots of a 256 MiB table (the successors' slots, prefetched one
//    state ahead as the engines do), reads each, follows 3 of them to a random entry of a
//    64 MiB array without a prefetch (the stored state a look-up compares with), claims the
//    4th with a compare-and-swap (the insert), and appends 16 bytes to its own sequential
//    buffer (the new state and its parent). 8 M states per thread; it prints states per second.
//  - search-plain: the same with a plain store in place of the compare-and-swap. A search
//    cannot claim slots that way as it stands (two threads could take one slot); the pattern
//    says what the locked instruction costs, at 1 thread and at 2.
// A search over a large state space is bound by this kind of access, so when two threads do
// not get about twice one thread's rate here, no search engine's 2-thread speed-up will reach
// it either. bench/peers/scaling runs all three next to the Peterson searches.
//
// Usage: memory_probe THREADS [reads|search|search-plain]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <thread>
#include <vector>

namespace {

constexpr std::size_t table_words = std::size_t{1} << 25U;  // 256 MiB
constexpr std::size_t reads_per_thread = 40'000'000;
constexpr std::size_t batch = 16;

std::uint64_t read_at_random(const std::uint64_t* table, std::uint64_t seed) {
    std::uint64_t x = seed;
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < reads_per_thread; i += batch) {
        std::size_t at[batch];
        for (std::size_t& a : at) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            a = (x >> 20U) & (table_words - 1);
            __builtin_prefetch(&table[a]);
        }
        for (const std::size_t a : at)
            sum += table[a];
    }
    return sum;
}

constexpr std::size_t stored_words = std::size_t{1} << 23U;  // 64 MiB: the stored states
constexpr std::size_t states_per_thread = 8'000'000;
constexpr std::size_t successors = 4;

std::uint64_t next_random(std::uint64_t& x) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    return x >> 20U;
}

/// The search pattern (see the file comment). `out` is this thread's own buffer.
template <bool locked>
std::uint64_t search_like(std::uint64_t* table, const std::uint64_t* stored, std::uint64_t* out,
                          std::uint64_t seed) {
    std::uint64_t x = seed;
    std::uint64_t sum = 0;
    std::size_t next[successors];
    for (std::size_t& a : next)
        a = next_random(x) & (table_words - 1);
    for (std::size_t i = 0; i < states_per_thread; ++i) {
        std::size_t now[successors];
        for (std::size_t k = 0; k < successors; ++k) {
            now[k] = next[k];
            next[k] = next_random(x) & (table_words - 1);
            __builtin_prefetch(&table[next[k]]);
        }
        for (std::size_t k = 0; k + 1 < successors; ++k) {
            const std::uint64_t slot = __atomic_load_n(&table[now[k]], __ATOMIC_ACQUIRE);
            sum += stored[slot & (stored_words - 1)];
        }
        std::uint64_t* claimed = &table[now[successors - 1]];
        std::uint64_t seen = __atomic_load_n(claimed, __ATOMIC_ACQUIRE);
        if constexpr (locked) {
            (void)__atomic_compare_exchange_n(claimed, &seen, seen + i, false, __ATOMIC_RELEASE,
                                              __ATOMIC_ACQUIRE);
        } else {
            __atomic_store_n(claimed, seen + i, __ATOMIC_RELEASE);
        }
        out[2 * i] = seen;
        out[2 * i + 1] = i;
    }
    return sum;
}

std::uint64_t* map_words(std::size_t words) {
    void* p = mmap(nullptr, words * sizeof(std::uint64_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return nullptr;
    (void)madvise(p, words * sizeof(std::uint64_t), MADV_HUGEPAGE);
    return static_cast<std::uint64_t*>(p);
}

}  // namespace

int main(int argc, char** argv) {
    const long threads = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 0;
    const std::string pattern = argc == 3 ? argv[2] : "reads";
    const bool search = pattern == "search" || pattern == "search-plain";
    const bool locked = pattern == "search";
    if (argc < 2 || argc > 3 || threads < 1 || threads > 64 || (!search && pattern != "reads")) {
        std::fprintf(stderr, "usage: memory_probe THREADS(1..64) [reads|search|search-plain]\n");
        return 2;
    }
    const auto workers = static_cast<std::size_t>(threads);
    std::uint64_t* table = map_words(table_words);
    std::uint64_t* stored = search ? map_words(stored_words) : nullptr;
    std::uint64_t* out = search ? map_words(2 * states_per_thread * workers) : nullptr;
    if (table == nullptr || (search && (stored == nullptr || out == nullptr))) {
        std::perror("memory_probe: mmap");
        return 3;
    }
    // Everything is touched before the clock starts: the probe measures access, not page
    // faults (the search engines' own first touches are part of their figures).
    for (std::size_t i = 0; i < table_words; ++i)
        table[i] = i * 0x9E3779B97F4A7C15ULL;
    if (search) {
        for (std::size_t i = 0; i < stored_words; ++i)
            stored[i] = i;
        std::memset(out, 0, 2 * states_per_thread * workers * sizeof(std::uint64_t));
    }
    std::vector<std::uint64_t> sums(workers);
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < workers; ++w) {
        pool.emplace_back([&sums, table, stored, out, w, search, locked] {
            std::uint64_t* mine = search ? out + 2 * states_per_thread * w : nullptr;
            const std::uint64_t seed = w * 12345 + 1;
            if (!search)
                sums[w] = read_at_random(table, seed);
            else if (locked)
                sums[w] = search_like<true>(table, stored, mine, seed);
            else
                sums[w] = search_like<false>(table, stored, mine, seed);
        });
    }
    for (std::thread& t : pool)
        t.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::uint64_t check = 0;
    for (const std::uint64_t s : sums)
        check ^= s;
    if (search) {
        std::printf("{\"threads\": %ld, \"pattern\": \"%s\", \"seconds\": %.3f, "
                    "\"states_per_second\": %.0f, \"checksum\": %llu}\n",
                    threads, pattern.c_str(), seconds,
                    static_cast<double>(states_per_thread) * static_cast<double>(threads) / seconds,
                    static_cast<unsigned long long>(check));
        return 0;
    }
    std::printf("{\"threads\": %ld, \"seconds\": %.3f, \"reads_per_second\": %.0f, "
                "\"checksum\": %llu}\n",
                threads, seconds,
                static_cast<double>(reads_per_thread) * static_cast<double>(threads) / seconds,
                static_cast<unsigned long long>(check));
    return 0;
}
