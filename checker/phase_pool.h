/// \file
/// A fixed set of threads for the parallel search's phases. run(f) calls f(0) on the calling
/// thread and f(1) .. f(n - 1) on threads started once, at construction, and returns when
/// every call has returned. A search runs a few phases per BFS level, so starting threads per
/// phase (tens of microseconds each, hundreds of levels) would be paid again and again.
/// An exception thrown by any call is rethrown by run() once all calls have returned.
/// If a thread cannot be started (std::system_error, e.g. under ulimit -v), the constructor
/// stops the ones it started and throws that error.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace rseqcheck::checker {

class PhasePool {
public:
    explicit PhasePool(unsigned threads) : threads_(threads == 0 ? 1 : threads) {
        helpers_.reserve(threads_ - 1);
        try {
            for (unsigned w = 1; w < threads_; ++w)
                helpers_.emplace_back([this, w] { serve(w); });
        } catch (...) {
            // No destructor runs after a throwing constructor: the threads already waiting
            // on start_ would block the condition variable's destruction for ever.
            stop();
            throw;
        }
    }
    PhasePool(const PhasePool&) = delete;
    PhasePool& operator=(const PhasePool&) = delete;
    PhasePool(PhasePool&&) = delete;
    PhasePool& operator=(PhasePool&&) = delete;
    ~PhasePool() { stop(); }

    unsigned size() const { return threads_; }

    /// Calls f(w) for every w in [0, size()), one per thread, and waits for all of them.
    void run(const std::function<void(unsigned)>& f) {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            job_ = &f;
            pending_ = threads_ - 1;
            error_ = nullptr;
            ++generation_;
        }
        start_.notify_all();
        std::exception_ptr mine;
        try {
            f(0);
        } catch (...) {
            mine = std::current_exception();
        }
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [this] { return pending_ == 0; });
        job_ = nullptr;
        if (mine)
            std::rethrow_exception(mine);
        if (error_)
            std::rethrow_exception(error_);
    }

private:
    void stop() {
        {
            const std::lock_guard<std::mutex> lock(mutex_);
            stopping_ = true;
        }
        start_.notify_all();
        for (std::thread& t : helpers_)
            t.join();
    }

    void serve(unsigned w) {
        std::uint64_t seen = 0;
        while (true) {
            const std::function<void(unsigned)>* job = nullptr;
            {
                std::unique_lock<std::mutex> lock(mutex_);
                start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
                if (stopping_)
                    return;
                seen = generation_;
                job = job_;
            }
            std::exception_ptr failed;
            try {
                (*job)(w);
            } catch (...) {
                failed = std::current_exception();
            }
            const std::lock_guard<std::mutex> lock(mutex_);
            if (failed && !error_)
                error_ = failed;
            if (--pending_ == 0)
                done_.notify_one();
        }
    }

    unsigned threads_;
    std::vector<std::thread> helpers_;
    std::mutex mutex_;
    std::condition_variable start_;
    std::condition_variable done_;
    const std::function<void(unsigned)>* job_ = nullptr;
    std::uint64_t generation_ = 0;
    unsigned pending_ = 0;
    bool stopping_ = false;
    std::exception_ptr error_;
};

}  // namespace rseqcheck::checker
