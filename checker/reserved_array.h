/// \file
/// A growable array of trivially copyable elements in one contiguous reservation of
/// virtual memory. The search engines keep their states and parent links in it instead
/// of a std::vector because growing it moves nothing and initialises nothing: the kernel
/// maps zeroed pages on first touch, so a level's new states are written in place, by
/// several threads at once, with no serial copy or fill between levels. The reservation
/// (MAP_NORESERVE: address space, not memory) is as large as the machine's physical memory
/// or 2^32 elements, whichever is smaller (state indices are 32-bit), or less where the
/// address space is limited, and is advised for transparent huge pages. Indexing is a
/// plain base + i, as in std::vector.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <new>
#include <sys/mman.h>
#include <type_traits>
#include <unistd.h>

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

    /// Makes room for n elements; elements past the old size are zero or stale, never
    /// read before written. Throws std::bad_alloc past the reservation.
    void resize(std::size_t n) {
        if (base_ == nullptr)
            reserve_address_space();
        if (n > limit_)
            throw std::bad_alloc();
        size_ = n;
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

    void reserve_address_space() {
        const auto pages = static_cast<std::size_t>(std::max(1L, sysconf(_SC_PHYS_PAGES)));
        const auto page = static_cast<std::size_t>(std::max(1L, sysconf(_SC_PAGESIZE)));
        const std::size_t most = (std::size_t{1} << 32U) * sizeof(T);
        bytes_ = (std::min(pages * page, most) + huge_page - 1) / huge_page * huge_page;
        // Where address space is limited (ulimit -v, or strict overcommit, which charges even
        // MAP_NORESERVE mappings), ask for less, down to one huge page.
        void* p = MAP_FAILED;
        while (true) {
            p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
            if (p != MAP_FAILED || bytes_ <= huge_page)
                break;
            bytes_ /= 2;
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
        base_ = nullptr;
        limit_ = bytes_ = 0;
    }

    T* base_ = nullptr;
    std::size_t size_ = 0;
    std::size_t limit_ = 0;  ///< elements the reservation holds
    std::size_t bytes_ = 0;  ///< bytes reserved
};

}  // namespace rseqcheck::checker
