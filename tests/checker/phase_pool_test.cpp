// The parallel search's thread pool (checker/phase_pool.h): every part of a phase runs once,
// each on its own thread, phase after phase on the same threads, and an exception in any part
// reaches the caller after the others have finished. The suite's name contains "Parallel"
// so that CI runs it under TSan.
#include <array>
#include <atomic>
#include <cstdio>
#include <set>
#include <stdexcept>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <system_error>
#include <thread>
#include <unistd.h>
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

// With room in the address space for a few helpers' stacks but not seven (ulimit -v), the
// constructor throws std::system_error after stopping the helpers it started: it used to
// wait for ever in the condition variable's destructor, and `check --threads 3` under a
// hard cap hung instead of reporting. Runs in a child process with an alarm, so that a hang
// fails the test; skipped under the sanitizers, whose shadow memory needs the address space.
TEST(ParallelPhasePool, AThreadThatCannotStartIsAnErrorNotAHang) {
#ifdef RSEQCHECK_SANITIZED
    GTEST_SKIP() << "the sanitizers need more address space than the cap leaves";
#else
    std::array<int, 2> pipe_fds{};
    ASSERT_EQ(pipe(pipe_fds.data()), 0);
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        close(pipe_fds[0]);
        alarm(20);
        std::string said = "no cap";
        unsigned long pages = 0;
        if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
            if (std::fscanf(statm, "%lu", &pages) != 1)
                pages = 0;
            std::fclose(statm);
        }
        // Room for one new 8 MiB stack and its guard page, not for two (the stacks of the
        // pools before, cached by glibc, may serve some of the eight).
        const rlim_t cap = pages * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + (rlim_t{12} << 20U);
        const rlimit limit{cap, cap};
        if (pages != 0 && setrlimit(RLIMIT_AS, &limit) == 0) {
            try {
                const PhasePool pool(8);
                said = "started";
            } catch (const std::system_error&) {
                said = "system_error";
            }
        }
        (void)!write(pipe_fds[1], said.data(), said.size());
        _exit(0);
    }
    close(pipe_fds[1]);
    std::string said;
    std::array<char, 64> buffer{};
    for (ssize_t got = 0; (got = read(pipe_fds[0], buffer.data(), buffer.size())) > 0;)
        said.append(buffer.data(), static_cast<std::size_t>(got));
    close(pipe_fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status)) << "the child hung (killed by its alarm)";
    EXPECT_EQ(said, "system_error");
#endif
}

}  // namespace
}  // namespace rseqcheck::checker
