/// \file
/// Independent tasks on a few threads, for the work after a search (the state graph's
/// parts, one leads-to check per property). Not for the search itself, which keeps its
/// threads for the whole run (checker/phase_pool.h).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <thread>
#include <vector>

namespace rseqcheck::checker {

/// Runs task(k) for every k in [0, count) on at most `threads` threads, the calling thread
/// included; threads take the next task number from a shared counter. Returns when all
/// are done. If tasks throw, rethrows the exception of the lowest-numbered one, so the
/// error reported does not depend on the timing.
template <class Task>
void run_tasks(std::size_t count, unsigned threads, Task&& task) {
    if (count == 0)
        return;
    std::vector<std::exception_ptr> errors(count);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t k = next.fetch_add(1); k < count; k = next.fetch_add(1)) {
            try {
                task(k);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        }
    };
    {
        const std::size_t helpers = std::min<std::size_t>(count, std::max(1U, threads)) - 1;
        std::vector<std::jthread> pool;
        for (std::size_t t = 0; t < helpers; ++t)
            pool.emplace_back(work);
        work();
    }  // joins the helpers
    for (const std::exception_ptr& e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
}

}  // namespace rseqcheck::checker
