/// \file
/// The bytes a search may allocate (`--memory-limit`), counted as its big allocations grow:
/// the store's arrays page by page (checker/reserved_array.h), the hash table before each
/// doubling, the parallel search's per-level buffers. A growth that would take the count
/// past the limit is refused before anything is allocated, with MemoryLimitReached; the
/// engine then stops where it is and reports what it explored. Charged per page or per
/// growth, never per state; safe to charge from several threads at once.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <new>
#include <string>
#include <vector>

namespace rseqcheck::checker {

/// A growth the memory budget refused. A std::bad_alloc, so that code which already stops
/// cleanly when memory runs out treats the limit the same way.
class MemoryLimitReached : public std::bad_alloc {
public:
    const char* what() const noexcept override { return "memory limit reached"; }
};

class MemoryBudget {
public:
    /// `limit` in bytes; 0 for none (every charge is then granted and still counted).
    explicit MemoryBudget(std::size_t limit = 0) : limit_(limit) {}
    MemoryBudget(const MemoryBudget&) = delete;
    MemoryBudget& operator=(const MemoryBudget&) = delete;

    std::size_t limit() const { return limit_; }
    /// Bytes charged now, and the most ever charged at once.
    std::size_t used() const { return used_.load(std::memory_order_relaxed); }
    std::size_t peak() const { return peak_.load(std::memory_order_relaxed); }
    /// What may still be charged (the limit when there is none: 0 means no limit).
    std::size_t room() const {
        const std::size_t now = used();
        return limit_ == 0 ? 0 : limit_ > now ? limit_ - now : 0;
    }

    /// Counts `bytes` more, or throws MemoryLimitReached and counts nothing if that would
    /// pass the limit.
    void charge(std::size_t bytes) {
        if (bytes == 0)
            return;
        const std::size_t before = used_.fetch_add(bytes, std::memory_order_relaxed);
        if (limit_ != 0 && !overdraft_ && (before + bytes > limit_ || before + bytes < before)) {
            used_.fetch_sub(bytes, std::memory_order_relaxed);
            throw MemoryLimitReached();
        }
        std::size_t seen = peak_.load(std::memory_order_relaxed);
        while (seen < before + bytes &&
               !peak_.compare_exchange_weak(seen, before + bytes, std::memory_order_relaxed)) {
        }
    }
    /// While on, charges are granted past the limit: for what a search needs to start at
    /// all (its first state and first table), so that it has something to report. Set
    /// only while no other thread charges.
    void allow_overdraft(bool on) { overdraft_ = on; }
    /// Gives back bytes charged earlier and since freed.
    void release(std::size_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

private:
    std::size_t limit_;
    bool overdraft_ = false;
    std::atomic<std::size_t> used_{0};
    std::atomic<std::size_t> peak_{0};
};

/// Of `check --memory-limit`, what is kept for the program itself: its code and libraries,
/// stacks, the heap, and the report after the search (about 10 MiB resident on the small
/// presets). The search's budget is the rest.
inline constexpr std::size_t program_allowance_bytes = std::size_t{32} << 20U;

/// The search's budget under `check --memory-limit limit` (0: none): the limit less the
/// program's allowance, at least one byte (the search then stores its initial state only).
constexpr std::size_t search_budget_bytes(std::size_t limit) {
    if (limit == 0)
        return 0;
    return limit > program_allowance_bytes ? limit - program_allowance_bytes : 1;
}

/// Why a search stopped at a growth that the budget refused (`over_limit`) or the system
/// did, with `used` bytes charged: its incomplete_reason.
inline std::string out_of_memory_reason(bool over_limit, std::size_t limit, std::size_t used) {
    if (over_limit)
        return "memory limit of " + std::to_string(limit) + " bytes reached";
    return "out of memory: the system refused the search more with " + std::to_string(used) +
           " bytes in use";
}
/// The same for the exception `e` that a growth threw.
inline std::string out_of_memory_reason(const std::bad_alloc& e, const MemoryBudget& budget) {
    return out_of_memory_reason(dynamic_cast<const MemoryLimitReached*>(&e) != nullptr,
                                budget.limit(), budget.used());
}

/// Makes room for `n` elements in `v`, charging `budget` for the capacity it adds first
/// (growth by doubling, as push_back would). For the engines' per-level vectors, whose
/// capacity is kept from level to level and so stays charged until the search ends.
template <class T>
void reserve_charged(std::vector<T>& v, std::size_t n, MemoryBudget& budget) {
    if (n <= v.capacity())
        return;
    const std::size_t capacity = std::max(n, v.capacity() * 2);
    budget.charge((capacity - v.capacity()) * sizeof(T));
    v.reserve(capacity);
}

}  // namespace rseqcheck::checker
