/// \file
/// The visited set's slot array: a fixed number of 64-bit slots in their own anonymous
/// mapping, zero (free) when mapped and advised for transparent huge pages. A slot holds a
/// state's 32-bit index in the store and 31 bits of its hash (the tag), so a probe reads a
/// state only when its tag matches: an occupied slot on the probe path then costs no
/// second cache miss. The probe starts at the tag's low bits, so doubling the table places
/// every slot again from the slot alone, without reading or hashing a state. The mapping, not a
/// std::vector, because a table of tens of millions of slots is probed at random: with 4 KiB pages
/// almost every probe also misses the TLB, and a vector would be filled with a memset on every
/// doubling, where fresh anonymous pages are zero already.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <optional>
#include <sys/mman.h>
#include <utility>

namespace rseqcheck::checker {

class SlotTable {
public:
    /// A free slot. Every used slot has its tag's top bit set, so it is never zero.
    static constexpr std::uint64_t free_slot = 0;

    SlotTable() = default;
    /// The most slots a table can have: the home position is taken from the tag's 31 bits.
    static constexpr std::size_t max_slots = std::size_t{1} << 31U;

    /// `slots` must be a power of two. Throws std::bad_alloc past max_slots or if the
    /// mapping fails.
    explicit SlotTable(std::size_t slots) : size_(slots) {
        if (slots > max_slots)
            throw std::bad_alloc();
        bytes_ = slots * sizeof(std::uint64_t);
        void* p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
        // Advice only: without transparent huge pages the table simply has 4 KiB pages.
        (void)madvise(p, bytes_, MADV_HUGEPAGE);
#endif
        slots_ = static_cast<std::uint64_t*>(p);
    }
    SlotTable(const SlotTable&) = delete;
    SlotTable& operator=(const SlotTable&) = delete;
    SlotTable(SlotTable&& o) noexcept {
        swap(o);
    }
    SlotTable& operator=(SlotTable&& o) noexcept {
        SlotTable(std::move(o)).swap(*this);
        return *this;
    }
    ~SlotTable() {
        if (slots_ != nullptr)
            munmap(slots_, bytes_);
    }
    void swap(SlotTable& o) noexcept {
        std::swap(slots_, o.slots_);
        std::swap(size_, o.size_);
        std::swap(bytes_, o.bytes_);
    }

    std::size_t size() const {
        return size_;
    }
    bool empty() const {
        return size_ == 0;
    }
    std::size_t bytes() const {
        return bytes_;
    }
    std::uint64_t& operator[](std::size_t i) {
        return slots_[i];
    }
    std::uint64_t operator[](std::size_t i) const {
        return slots_[i];
    }

    /// The tag of hash h: bits 32 to 62, with the top bit set so that no slot is zero.
    static std::uint32_t tag(std::uint64_t h) {
        return static_cast<std::uint32_t>(h >> 32U) | 0x80000000U;
    }
    /// The probe start for a tag (its low bits), and its address, to prefetch.
    std::size_t home_of_tag(std::uint32_t t) const {
        return t & (size_ - 1);
    }
    const std::uint64_t* address_of_tag(std::uint32_t t) const {
        return slots_ + home_of_tag(t);
    }
    /// The same for hash h.
    std::size_t home(std::uint64_t h) const {
        return home_of_tag(tag(h));
    }
    const std::uint64_t* address(std::uint64_t h) const {
        return slots_ + home(h);
    }
    /// The probe start of a used slot, from the slot alone (for doubling the table).
    std::size_t home_of_slot(std::uint64_t slot) const {
        return home_of_tag(tag_of(slot));
    }
    /// A table twice the size with the same used slots, each placed again from its tag by
    /// linear probing. This table's memory goes back to the kernel chunk by chunk as the copy
    /// passes it, so a doubling needs the new table and a few MiB, not both tables whole (the
    /// last doubling set the peak resident memory of a large search). This table is empty
    /// afterwards.
    SlotTable doubled() {
        SlotTable bigger(size_ * 2);
        for (std::size_t c = 0; c < chunks(); ++c)
            move_chunk<false>(bigger, c);
        *this = SlotTable();
        return bigger;
    }
    /// A doubling shared by several threads: each moves some of the chunks (in any order, on
    /// any thread) into `bigger`, a new table twice this size; then this table is dropped.
    /// Threads claim free slots of `bigger` with a compare-and-swap, so their probes may
    /// cross. Lookups depend only on which slots are used, not on where, so the result
    /// answers as the sequential doubling's does.
    static constexpr std::size_t chunk_slots = (std::size_t{4} << 20U) / sizeof(std::uint64_t);
    std::size_t chunks() const {
        return (size_ + chunk_slots - 1) / chunk_slots;
    }
    template <bool shared>
    void move_chunk(SlotTable& bigger, std::size_t c) {
        const std::size_t mask = bigger.size_ - 1;
        const std::size_t begin = c * chunk_slots;
        const std::size_t end = std::min(size_, begin + chunk_slots);
        for (std::size_t i = begin; i < end; ++i) {
            const std::uint64_t slot = slots_[i];
            if (slot == free_slot)
                continue;
            for (std::size_t pos = bigger.home_of_slot(slot);; pos = (pos + 1) & mask) {
                if constexpr (shared) {
                    std::atomic_ref<std::uint64_t> cell(bigger.slots_[pos]);
                    std::uint64_t seen = free_slot;
                    if (cell.load(std::memory_order_relaxed) == free_slot &&
                        cell.compare_exchange_strong(seen, slot, std::memory_order_relaxed))
                        break;
                } else if (bigger.slots_[pos] == free_slot) {
                    bigger.slots_[pos] = slot;
                    break;
                }
            }
        }
        // A whole chunk is page-aligned (the mapping is); it is never read again.
        if (end - begin == chunk_slots)
            (void)madvise(slots_ + begin, chunk_slots * sizeof(std::uint64_t), MADV_DONTNEED);
    }

    /// The index held by the first used slot on hash h's probe path whose tag matches and
    /// whose index `is` accepts (the caller compares the state there), or nothing once the
    /// probe meets a free slot. The engines' find() for the state graph export.
    template <class Is>
    std::optional<std::uint32_t> find(std::uint64_t h, Is&& is) const {
        if (empty())
            return std::nullopt;
        const std::uint32_t want = tag(h);
        for (std::size_t pos = home(h);; pos = (pos + 1) & (size_ - 1)) {
            const std::uint64_t slot = slots_[pos];
            if (slot == free_slot)
                return std::nullopt;
            if (tag_of(slot) == want && is(index_of(slot)))
                return index_of(slot);
        }
    }

    static std::uint64_t make(std::uint32_t tag, std::uint32_t index) {
        return (std::uint64_t{tag} << 32U) | index;
    }
    static std::uint32_t tag_of(std::uint64_t slot) {
        return static_cast<std::uint32_t>(slot >> 32U);
    }
    static std::uint32_t index_of(std::uint64_t slot) {
        return static_cast<std::uint32_t>(slot);
    }

private:
    std::uint64_t* slots_ = nullptr;
    std::size_t size_ = 0;
    std::size_t bytes_ = 0;
};

}  // namespace rseqcheck::checker
