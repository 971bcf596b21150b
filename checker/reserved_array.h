/// \file
/// A growable array of trivially copyable elements in one contiguous reservation of
/// virtual memory. The search engines keep their states and parent links in it instead
/// of a std::vector because growing it moves nothing and initialises nothing: the kernel
/// maps zeroed pages on first touch, so a level's new states are written in place, by
/// several threads at once, with no serial copy or fill between levels. The reservation
/// (MAP_NORESERVE: address space, not memory) is as large as the machine's physical memory
/// or 2^36 elements, whichever is smaller (the most states a slot names), or less where the
/// address space is limited, and is advised for transparent huge pages. Indexing is a
/// plain base + i, as in std::vector.
///
/// Under a memory budget (checker/memory_budget.h) the array charges its pages as it grows
/// into them, before the first element on a new page is stored (one charge per 4 KiB page,
/// none per element), and reserves no more address space than the budget's limit.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <sys/mman.h>
#include <type_traits>
#include <unistd.h>

#include "checker/memory_budget.h"

namespace rseqcheck::checker {

template <class T>
class ReservedArray {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);

public:
    ReservedArray() = default;
    ReservedArray(const ReservedArray&) = delete;
    ReservedArray& operator=(const ReservedArray&) = delete;
    ReservedArray(ReservedArray&&) = delete;
    ReservedArray& operator=(ReservedArray&&) = delete;
    ~ReservedArray() { release(); }

    T& operator[](std::size_t i) { return base_[i]; }
    const T& operator[](std::size_t i) const { return base_[i]; }
    std::size_t size() const { return size_; }
    /// The first element (null while nothing was ever stored).
    const T* data() const { return base_; }
    T* data() { return base_; }
    bool empty() const { return size_ == 0; }
    /// The most elements the reservation holds (0 before anything was stored). An element
    /// below it may be written past size() and is kept by a later resize() over it.
    std::size_t limit() const { return limit_; }

    /// Charges `budget` for the pages used from now on. Before anything is stored; the
    /// budget must outlive the array. The array reserves no more address space than
    /// `share` / `of` of what the budget has left when it first grows: what it can hold
    /// when other arrays grow with it (the parent links beside the states).
    void set_budget(MemoryBudget* budget, std::size_t share = 1, std::size_t of = 1) {
        budget_ = budget;
        share_ = share;
        of_ = of;
    }
    /// Elements that fit in the pages charged so far: up to here, elements may be written
    /// past size() (and kept by a later resize()) without asking the budget.
    std::size_t charged() const { return charged_; }
    /// Bytes charged to the budget (whole pages; counted also without a budget).
    std::size_t charged_bytes() const { return charged_bytes_; }

    /// Makes room for n elements; elements past the old size are zero or stale, never
    /// read before written. Throws std::bad_alloc past the reservation and
    /// MemoryLimitReached (a std::bad_alloc) if the budget refuses the pages; the array is
    /// unchanged then.
    void resize(std::size_t n) {
        if (n > charged_)
            grow(n);
        size_ = n;
    }
    /// Charges the pages for n elements without changing the size (the same exceptions).
    /// reserve(0) reserves the address space, so that data() is where the elements go.
    void reserve(std::size_t n) {
        if (n > charged_ || base_ == nullptr)
            grow(n);
    }
    void push_back(const T& v) {
        resize(size_ + 1);
        base_[size_ - 1] = v;
    }
    void clear() {
        release();
        size_ = 0;
    }
    /// Bytes in use: the elements, rounded up to whole pages.
    std::size_t capacity_bytes() const {
        const std::size_t page = 4096;
        return (size_ * sizeof(T) + page - 1) / page * page;
    }

private:
    static constexpr std::size_t huge_page = std::size_t{2} << 20U;
    static constexpr std::size_t charge_page = 4096;

    [[gnu::noinline]] void grow(std::size_t n) {
        if (base_ == nullptr)
            reserve_address_space();
        if (n > limit_)
            throw std::bad_alloc();
        if (n <= charged_)
            return;
        const std::size_t bytes = (n * sizeof(T) + charge_page - 1) / charge_page * charge_page;
        if (budget_ != nullptr)
            budget_->charge(bytes - charged_bytes_);
        charged_bytes_ = bytes;
        charged_ = std::min(limit_, bytes / sizeof(T));
    }

    void reserve_address_space() {
        const auto pages = static_cast<std::size_t>(std::max(1L, sysconf(_SC_PHYS_PAGES)));
        const auto page = static_cast<std::size_t>(std::max(1L, sysconf(_SC_PAGESIZE)));
        const std::size_t most = (std::size_t{1} << 36U) * sizeof(T);
        std::size_t want = std::min(pages * page, most);
        // The array can never hold more than the budget has left (and a page more).
        if (budget_ != nullptr && budget_->limit() != 0)
            want = std::min(want, budget_->room() / of_ * share_ + charge_page);
        bytes_ = (want + huge_page - 1) / huge_page * huge_page;
        // Where address space is limited (ulimit -v, or strict overcommit, which charges even
        // MAP_NORESERVE mappings), ask for less, down to one huge page, and then take half
        // of what fits: the rest of the search (other arrays, the table, the report) maps
        // memory after this.
        auto map = [](std::size_t bytes) {
            return mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        };
        void* p = map(bytes_);
        if (p == MAP_FAILED) {
            while (p == MAP_FAILED && bytes_ > huge_page) {
                bytes_ /= 2;
                p = map(bytes_);
            }
            if (p != MAP_FAILED && bytes_ > huge_page) {
                munmap(p, bytes_);
                bytes_ /= 2;
                p = map(bytes_);
            }
        }
        if (p == MAP_FAILED)
            throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        // Advice only: without transparent huge pages the array simply has 4 KiB pages.
        (void)madvise(p, bytes_, MADV_HUGEPAGE);
#endif
        base_ = static_cast<T*>(p);
        limit_ = bytes_ / sizeof(T);
    }
    void release() {
        if (base_ != nullptr)
            munmap(base_, bytes_);
        if (budget_ != nullptr)
            budget_->release(charged_bytes_);
        base_ = nullptr;
        limit_ = bytes_ = charged_ = charged_bytes_ = 0;
    }

    T* base_ = nullptr;
    std::size_t size_ = 0;
    std::size_t limit_ = 0;  ///< elements the reservation holds
    std::size_t bytes_ = 0;  ///< bytes reserved
    MemoryBudget* budget_ = nullptr;
    std::size_t share_ = 1;    ///< of the budget's limit, the most this array reserves: share_
    std::size_t of_ = 1;       ///< / of_
    std::size_t charged_ = 0;  ///< elements that fit in the charged pages
    std::size_t charged_bytes_ = 0;  ///< whole pages, charged to budget_ if there is one
};

}  // namespace rseqcheck::checker
