// run_tasks(): every task runs once, on at most the threads asked for, and the error
// reported is the lowest-numbered task's whatever the timing.
#include <atomic>
#include <cstddef>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "checker/parallel_tasks.h"

namespace rseqcheck::checker {
namespace {

TEST(ParallelTasks, EveryTaskRunsOnceOnAtMostTheThreadsAskedFor) {
    for (const unsigned threads : {1U, 2U, 3U, 8U}) {
        std::vector<std::atomic<int>> runs(50);
        std::mutex m;
        std::set<std::thread::id> ids;
        run_tasks(runs.size(), threads, [&](std::size_t k) {
            runs[k].fetch_add(1);
            const std::lock_guard<std::mutex> lock(m);
            ids.insert(std::this_thread::get_id());
        });
        for (std::size_t k = 0; k < runs.size(); ++k)
            EXPECT_EQ(runs[k].load(), 1) << "task " << k << ", " << threads << " threads";
        // The caller works too, but it may find every task taken: not asserted.
        EXPECT_LE(ids.size(), threads);
    }
}

TEST(ParallelTasks, NoTaskStartsNoThread) {
    bool ran = false;
    run_tasks(0, 4, [&](std::size_t) { ran = true; });
    EXPECT_FALSE(ran);
}

TEST(ParallelTasks, TheLowestNumberedTasksErrorIsRethrownAfterAllRan) {
    for (int round = 0; round < 20; ++round) {
        std::atomic<int> ran{0};
        try {
            run_tasks(12, 3, [&](std::size_t k) {
                ran.fetch_add(1);
                if (k == 4 || k == 9 || k == 11)
                    throw std::runtime_error("task " + std::to_string(k));
            });
            FAIL() << "no exception";
        } catch (const std::runtime_error& e) {
            EXPECT_STREQ(e.what(), "task 4");
        }
        EXPECT_EQ(ran.load(), 12);
    }
}

}  // namespace
}  // namespace rseqcheck::checker
