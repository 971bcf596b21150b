// What the machine's memory system gives one thread and two: each thread makes 40 M random
// 8-byte reads over a 256 MiB table, prefetched 16 at a time, and the probe prints the total
// reads per second. A search over a large state space is bound by the same kind of access
// (one random slot and one random state per transition), so when two threads do not get
// about twice one thread's reads here, no search engine's 2-thread speed-up will reach it
// either. docs/performance.md uses it next to bench/peers/compare.
//
// Usage: memory_probe THREADS
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
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

}  // namespace

int main(int argc, char** argv) {
    const long threads = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 0;
    if (argc != 2 || threads < 1 || threads > 64) {
        std::fprintf(stderr, "usage: memory_probe THREADS(1..64)\n");
        return 2;
    }
    void* p = mmap(nullptr, table_words * sizeof(std::uint64_t), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        std::perror("memory_probe: mmap");
        return 3;
    }
    (void)madvise(p, table_words * sizeof(std::uint64_t), MADV_HUGEPAGE);
    auto* table = static_cast<std::uint64_t*>(p);
    for (std::size_t i = 0; i < table_words; ++i)
        table[i] = i * 0x9E3779B97F4A7C15ULL;  // touched before the clock starts
    std::vector<std::uint64_t> sums(static_cast<std::size_t>(threads));
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> pool;
    for (std::size_t w = 0; w < sums.size(); ++w)
        pool.emplace_back([&sums, table, w] { sums[w] = read_at_random(table, w * 12345 + 1); });
    for (std::thread& t : pool)
        t.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::uint64_t check = 0;
    for (const std::uint64_t s : sums)
        check ^= s;
    std::printf("{\"threads\": %ld, \"seconds\": %.3f, \"reads_per_second\": %.0f, "
                "\"checksum\": %llu}\n",
                threads, seconds,
                static_cast<double>(reads_per_thread) * static_cast<double>(threads) / seconds,
                static_cast<unsigned long long>(check));
    return 0;
}
