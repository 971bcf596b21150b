/// \file
/// A std::allocator replacement for the parallel engine's per-level scratch vectors (the
/// kept successors and the sub-table lists, tens of megabytes each on a large level).
/// Blocks of 2 MiB or more get their own anonymous mapping advised for transparent huge
/// pages; smaller ones come from malloc. With the default allocator those vectors are
/// faulted in 4 KiB at a time, tens of thousands of page faults per run, taken by both
/// threads at once; in a virtual machine that was a large part of the expansion phase.
#pragma once

#include <cstddef>
#include <cstdlib>
#include <new>
#include <sys/mman.h>

namespace rseqcheck::checker {

template <class T>
struct HugePageAllocator {
    using value_type = T;

    HugePageAllocator() = default;
    template <class U>
    HugePageAllocator(const HugePageAllocator<U>& /*other*/) {}  // NOLINT: rebinding, implicit

    T* allocate(std::size_t n) {
        if (n > static_cast<std::size_t>(-1) / sizeof(T))
            throw std::bad_alloc();
        const std::size_t bytes = n * sizeof(T);
        void* p = nullptr;
        if (bytes >= mapped_from) {
            p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (p == MAP_FAILED)
                throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
            // Advice only: without transparent huge pages the block has 4 KiB pages.
            (void)madvise(p, bytes, MADV_HUGEPAGE);
#endif
        } else {
            p = std::malloc(bytes);
            if (p == nullptr)
                throw std::bad_alloc();
        }
        return static_cast<T*>(p);
    }
    void deallocate(T* p, std::size_t n) noexcept {
        const std::size_t bytes = n * sizeof(T);
        if (bytes >= mapped_from) {
            munmap(p, bytes);
        } else {
            std::free(p);
        }
    }

    template <class U>
    bool operator==(const HugePageAllocator<U>& /*other*/) const {
        return true;
    }

private:
    static constexpr std::size_t mapped_from = std::size_t{2} << 20U;
};

}  // namespace rseqcheck::checker
