// The parallel search's thread pool (checker/phase_pool.h): every part of a phase runs once,
// each on its own thread, phase after phase on the same threads, and an exception in any part
// reaches the caller after the others have finished. The suite's name contains "Parallel"
// so that CI runs it under TSan.
#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "checker/phase_pool.h"

namespace rseqcheck::checker {
namespace {

TEST(ParallelPhasePool, EveryPartRunsOnceOnItsOwnThreadInEveryPhase) {
    PhasePool pool(3);
    ASSERT_EQ(pool.size(), 3U);
    std::set<std::thread::id> helpers;
    for (int phase = 0; phase < 50; ++phase) {
        std::vector<int> ran(3, 0);
        std::vector<std::thread::id> on(3);
        pool.run([&](unsigned w) {
            ++ran[w];
            on[w] = std::this_thread::get_id();
        });
        EXPECT_EQ(ran, std::vector<int>({1, 1, 1})) << phase;
        EXPECT_EQ(on[0], std::this_thread::get_id());
        EXPECT_NE(on[1], on[2]);
        helpers.insert(on[1]);
        helpers.insert(on[2]);
    }
    EXPECT_EQ(helpers.size(), 2U);  // the same two threads served all 50 phases
}

TEST(ParallelPhasePool, AnExceptionReachesTheCallerAfterEveryPartHasReturned) {
    PhasePool pool(2);
    for (const unsigned thrower : {0U, 1U}) {
        std::atomic<int> finished{0};
        EXPECT_THROW(pool.run([&](unsigned w) {
            if (w == thrower)
                throw std::runtime_error("model failed");
            finished.fetch_add(1);
        }),
                     std::runtime_error);
        EXPECT_EQ(finished.load(), 1);
    }
    // The pool still works afterwards.
    std::atomic<int> ran{0};
    pool.run([&](unsigned) { ran.fetch_add(1); });
    EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace rseqcheck::checker
