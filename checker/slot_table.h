/// \file
/// The visited set's slot array: a fixed number of 64-bit slots in their own anonymous
/// mapping, zero (free) when mapped and advised for transparent huge pages. A slot holds a
/// state's 36-bit index in the store (64 G states) and a 28-bit tag: 27 bits of its hash
/// with the top bit set, so a used slot is never zero and a probe reads a state only when
/// its tag matches (an occupied slot on the probe path then costs no second cache miss).
/// A hash's probe starts at its home, the hash rotated right by 37 bits (so the tag's bits
/// first) and masked to the table's size. Up to 2^27 slots the home is the tag's low bits,
/// and doubling the table places every slot again from the slot alone, without reading or
/// hashing a state. Past that (above about 100 M states) the home needs hash bits the slot
/// does not keep, and doubling asks the engine for each slot's hash (it hashes the stored
/// state again). The mapping, not a std::vector, because a table of tens of millions of slots
/// is probed at random: with 4 KiB pages almost every probe also misses the TLB, and a vector
/// would be filled with a memset on every doubling, where fresh anonymous pages are zero
/// already.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
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

    /// A slot's index field: states 0 to 2^36 - 1.
    static constexpr unsigned index_bits = 36;
    static constexpr std::uint64_t index_mask = (std::uint64_t{1} << index_bits) - 1U;
    /// The hash bits a tag keeps (its top bit, above them, is always set).
    static constexpr unsigned tag_hash_bits = 64 - index_bits - 1;
    /// The largest table whose slots' homes follow from their tags alone.
    static constexpr std::size_t tag_home_slots = std::size_t{1} << tag_hash_bits;
    /// The most slots a table can have: twice what 2^36 states at a load of 3/4 need.
    static constexpr std::size_t max_slots = std::size_t{1} << (index_bits + 1);

    SlotTable() = default;
    /// `slots` must be a power of two. Doublings past `tag_home_limit` slots (a power of two,
    /// at most tag_home_slots; tests lower it to run that path on small searches) ask for
    /// each slot's hash. Throws std::bad_alloc past max_slots or if the mapping fails.
    explicit SlotTable(std::size_t slots, std::size_t tag_home_limit = tag_home_slots)
        : size_(slots), tag_home_limit_(std::min(tag_home_limit, tag_home_slots)) {
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
        std::swap(tag_home_limit_, o.tag_home_limit_);
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

    /// The tag of hash h: its top 27 bits, with the bit above them set.
    static std::uint32_t tag(std::uint64_t h) {
        return static_cast<std::uint32_t>(h >> (64U - tag_hash_bits)) | (1U << tag_hash_bits);
    }
    /// The probe start for hash h, and its address, to prefetch.
    std::size_t home(std::uint64_t h) const {
        return static_cast<std::size_t>(std::rotr(h, 64 - static_cast<int>(tag_hash_bits))) &
               (size_ - 1);
    }
    const std::uint64_t* address(std::uint64_t h) const {
        return slots_ + home(h);
    }
    /// The probe start of a used slot, from its tag while the table is small enough, else
    /// from its hash, which `hash_of(slot)` gives (for doubling the table).
    template <class HashOf>
    std::size_t home_of_slot(std::uint64_t slot, HashOf&& hash_of) const {
        if (size_ <= tag_home_limit_)
            return tag_of(slot) & (size_ - 1);
        return home(hash_of(slot));
    }
    /// A table twice the size with the same used slots, each placed again from its tag by
    /// linear probing. This table's memory goes back to the kernel chunk by chunk as the copy
    /// passes it, so a doubling needs the new table and a few MiB, not both tables whole (the
    /// last doubling set the peak resident memory of a large search). This table is empty
    /// afterwards. `hash_of(slot)` is the hash of a used slot's state, asked for only past
    /// the tag-home limit.
    template <class HashOf>
    SlotTable doubled(HashOf&& hash_of) {
        SlotTable bigger(size_ * 2, tag_home_limit_);
        for (std::size_t c = 0; c < chunks(); ++c)
            move_chunk<false>(bigger, c, hash_of);
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
    template <bool shared, class HashOf>
    void move_chunk(SlotTable& bigger, std::size_t c, HashOf&& hash_of) {
        const std::size_t begin = c * chunk_slots;
        const std::size_t end = std::min(size_, begin + chunk_slots);
        for (std::size_t i = begin; i < end; ++i) {
            const std::uint64_t slot = slots_[i];
            if (slot == free_slot)
                continue;
            bigger.probe_from(bigger.home_of_slot(slot, hash_of), [&](std::size_t pos) {
                if constexpr (shared) {
                    std::atomic_ref<std::uint64_t> cell(bigger.slots_[pos]);
                    std::uint64_t seen = free_slot;
                    return cell.load(std::memory_order_relaxed) == free_slot &&
                           cell.compare_exchange_strong(seen, slot, std::memory_order_relaxed);
                } else {
                    if (bigger.slots_[pos] != free_slot)
                        return false;
                    bigger.slots_[pos] = slot;
                    return true;
                }
            });
        }
        // A whole chunk is page-aligned (the mapping is); it is never read again.
        if (end - begin == chunk_slots)
            (void)madvise(slots_ + begin, chunk_slots * sizeof(std::uint64_t), MADV_DONTNEED);
    }

    /// The probe loop, the one every lookup and insert walks (the engines', the doublings',
    /// find's): calls `visit(pos)` on the positions from `start` on, wrapping at the table's
    /// end, until it returns true, and returns that position. What a position's slot means
    /// (free, a tag to compare, a state to read, a compare-and-swap to try) is the visitor's;
    /// it is inlined, so the loop costs what a loop written out in place costs. The table must
    /// have a free slot on the way (every user keeps its load under 3/4).
    template <class Visit>
    [[gnu::always_inline]] std::size_t probe_from(std::size_t start, Visit&& visit) const {
        const std::size_t mask = size_ - 1;
        for (std::size_t pos = start;; pos = (pos + 1) & mask) {
            if (visit(pos))
                return pos;
        }
    }
    /// The same from hash h's home.
    template <class Visit>
    [[gnu::always_inline]] std::size_t probe(std::uint64_t h, Visit&& visit) const {
        return probe_from(home(h), std::forward<Visit>(visit));
    }

    /// The index held by the first used slot on hash h's probe path whose tag matches and
    /// whose index `is` accepts (the caller compares the state there), or nothing once the
    /// probe meets a free slot. The engines' find() for the state graph export.
    template <class Is>
    std::optional<std::uint64_t> find(std::uint64_t h, Is&& is) const {
        if (empty())
            return std::nullopt;
        const std::uint32_t want = tag(h);
        std::optional<std::uint64_t> found;
        probe(h, [&](std::size_t pos) {
            const std::uint64_t slot = slots_[pos];
            if (slot == free_slot)
                return true;
            if (tag_of(slot) == want && is(index_of(slot))) {
                found = index_of(slot);
                return true;
            }
            return false;
        });
        return found;
    }

    /// A one-thread lookup that inserts what it does not find: the index of the first used
    /// slot on hash h's probe path whose tag matches and whose index `holds` accepts, with
    /// false; else, at the first free slot, the index `add()` returns (it stores the state,
    /// and may throw: the slot is written after it returns), with true.
    template <class Holds, class Add>
    [[gnu::always_inline]] std::pair<std::uint64_t, bool> find_or_add(std::uint64_t h,
                                                                      Holds&& holds, Add&& add) {
        const std::uint32_t want = tag(h);
        std::pair<std::uint64_t, bool> found{0, false};
        probe(h, [&](std::size_t pos) {
            const std::uint64_t slot = slots_[pos];
            if (slot == free_slot) {
                found = {add(), true};
                slots_[pos] = make(want, found.first);
                return true;
            }
            if (tag_of(slot) == want && holds(index_of(slot))) {
                found = {index_of(slot), false};
                return true;
            }
            return false;
        });
        return found;
    }
    /// Places a state with hash h that the table does not hold under `index`, at the first
    /// free slot on h's probe path (building a table from a store of distinct states).
    void add_new(std::uint64_t h, std::uint64_t index) {
        const std::uint64_t used = make(tag(h), index);
        probe(h, [&](std::size_t pos) {
            if (slots_[pos] != free_slot)
                return false;
            slots_[pos] = used;
            return true;
        });
    }

    /// A used slot: `index` must be below 2^36.
    static std::uint64_t make(std::uint32_t tag, std::uint64_t index) {
        return (std::uint64_t{tag} << index_bits) | index;
    }
    static std::uint32_t tag_of(std::uint64_t slot) {
        return static_cast<std::uint32_t>(slot >> index_bits);
    }
    static std::uint64_t index_of(std::uint64_t slot) {
        return slot & index_mask;
    }
    /// The table a doubling of this one makes has its limit.
    std::size_t tag_home_limit() const {
        return tag_home_limit_;
    }

private:
    std::uint64_t* slots_ = nullptr;
    std::size_t size_ = 0;
    std::size_t bytes_ = 0;
    std::size_t tag_home_limit_ = tag_home_slots;
};

}  // namespace rseqcheck::checker
