/// \file
/// Hash consing of 64-bit values for the tree store (checker/tree_store.h): each distinct
/// value gets a dense 32-bit id, in the order values are first interned, and keeps it. The
/// values live in a ReservedArray (their address never changes), where an id finds its
/// value; an open-addressing index finds a value's id. An index slot holds the value beside
/// its id + 1 (zero: free), so that a lookup reads one cache line, not that and the value's:
/// the lookups were 37% of a compressed search's time with a value read behind each slot.
///
/// Safe for several threads at once: find() takes no lock, intern() takes a mutex only
/// for a value that find() did not see. The index is replaced, never changed in place,
/// when it grows: a reader holding the old one may miss a value interned since and then
/// asks under the mutex. Old indexes are kept until free_retired(), which the caller makes
/// at a point where no other thread uses the table.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <new>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/reserved_array.h"

namespace rseqcheck::checker {

class InternTable {
public:
    /// What find() answers for a value never interned.
    static constexpr std::uint32_t absent = 0xFFFFFFFFU;

    InternTable() { index_.store(make_index(min_slots), std::memory_order_relaxed); }
    InternTable(const InternTable&) = delete;
    InternTable& operator=(const InternTable&) = delete;
    ~InternTable() {
        free_retired();
        delete index_.load(std::memory_order_relaxed);
    }

    /// Charges `budget` for the values and the indexes from now on; before anything is
    /// interned (the first index is charged by the first growth of the budget's count).
    void set_budget(MemoryBudget* budget) {
        budget_ = budget;
        // Address space only (pages are charged as they fill): a quarter of what the budget
        // has left, as a node table on three CPUs outgrew 1/64 of 16 GiB at 373 M states.
        values_.set_budget(budget, 1, 4);
        if (budget_ != nullptr)
            budget_->charge(index_bytes(*index_.load(std::memory_order_relaxed)));
    }

    /// The id of v, or `absent`.
    std::uint32_t find(std::uint64_t v) const {
        return find_in(*index_.load(std::memory_order_acquire), v);
    }
    /// The id of v, interning it first if it is new. Throws std::bad_alloc
    /// (MemoryLimitReached past the budget) with nothing changed if there is no room.
    std::uint32_t intern(std::uint64_t v) {
        if (const std::uint32_t id = find(v); id != absent)
            return id;
        const std::lock_guard<std::mutex> hold(mutex_);
        Index* index = index_.load(std::memory_order_relaxed);
        if (const std::uint32_t id = find_in(*index, v); id != absent)
            return id;
        const std::size_t count = values_.size();
        if (count + 1 >= absent)
            throw std::bad_alloc();  // ids are 32-bit
        if ((count + 1) * 4 > (index->mask + 1) * 3)
            index = grow(*index);
        values_.push_back(v);
        const auto id = static_cast<std::uint32_t>(count);
        for (std::size_t pos = home(v) & index->mask;; pos = (pos + 1) & index->mask) {
            Slot& slot = index->slots[pos];
            if (slot.id.load(std::memory_order_relaxed) == 0) {
                slot.set_value(v);
                // Release: a reader that sees the id sees the value.
                slot.id.store(id + 1, std::memory_order_release);
                return id;
            }
        }
    }
    /// The value with id `id` (an id that find() or intern() gave).
    std::uint64_t value(std::uint32_t id) const { return values_[id]; }
    std::size_t size() const { return values_.size(); }
    /// Bytes held: the values and the live index (retired ones come on top until freed).
    std::size_t bytes() const {
        return values_.capacity_bytes() + index_bytes(*index_.load(std::memory_order_relaxed));
    }
    /// Frees the indexes replaced by growth. Only while no other thread uses the table.
    void free_retired() {
        for (Index* old : retired_) {
            if (budget_ != nullptr)
                budget_->release(index_bytes(*old));
            delete old;
        }
        retired_.clear();
    }

private:
    static constexpr std::size_t min_slots = 1024;
    /// 12 bytes, not 16: the value as two 32-bit halves, so that no padding follows the
    /// id (the indexes are about three quarters of the tables' memory; on `deep` the
    /// tables went from 7.3 to 5.8 bytes a state). Two slots in 16 straddle a cache line.
    struct Slot {
        std::atomic<std::uint32_t> id{0};  ///< id + 1; 0 while free
        std::uint32_t low = 0;             ///< the value, written before id, never after
        std::uint32_t high = 0;

        std::uint64_t value() const { return (std::uint64_t{high} << 32U) | low; }
        void set_value(std::uint64_t v) {
            low = static_cast<std::uint32_t>(v);
            high = static_cast<std::uint32_t>(v >> 32U);
        }
    };
    static_assert(sizeof(Slot) == 12);
    struct Index {
        std::size_t mask;
        std::unique_ptr<Slot[]> slots;
    };

    static std::uint64_t home(std::uint64_t v) {
        std::uint64_t h = v * 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29U;
        h *= 0xBF58476D1CE4E5B9ULL;
        return h ^ (h >> 32U);
    }
    static std::size_t index_bytes(const Index& index) { return (index.mask + 1) * sizeof(Slot); }
    static Index* make_index(std::size_t slots) {
        auto* index = new Index{slots - 1, std::make_unique<Slot[]>(slots)};
        for (std::size_t i = 0; i < slots; ++i) {
            index->slots[i].id.store(0, std::memory_order_relaxed);
            index->slots[i].set_value(0);
        }
        return index;
    }
    std::uint32_t find_in(const Index& index, std::uint64_t v) const {
        for (std::size_t pos = home(v) & index.mask;; pos = (pos + 1) & index.mask) {
            const Slot& slot = index.slots[pos];
            const std::uint32_t id = slot.id.load(std::memory_order_acquire);
            if (id == 0)
                return absent;
            if (slot.value() == v)
                return id - 1;
        }
    }
    /// Under the mutex: an index twice the size with every id placed again, published; the
    /// old one is retired.
    Index* grow(const Index& old) {
        const std::size_t slots = (old.mask + 1) * 2;
        if (budget_ != nullptr)
            budget_->charge(slots * sizeof(Slot));
        Index* bigger = nullptr;
        try {
            bigger = make_index(slots);
            retired_.reserve(retired_.size() + 1);
        } catch (...) {
            delete bigger;
            if (budget_ != nullptr)
                budget_->release(slots * sizeof(Slot));
            throw;
        }
        for (std::size_t i = 0; i < values_.size(); ++i) {
            for (std::size_t pos = home(values_[i]) & bigger->mask;;
                 pos = (pos + 1) & bigger->mask) {
                Slot& slot = bigger->slots[pos];
                if (slot.id.load(std::memory_order_relaxed) == 0) {
                    slot.set_value(values_[i]);
                    slot.id.store(static_cast<std::uint32_t>(i + 1), std::memory_order_relaxed);
                    break;
                }
            }
        }
        retired_.push_back(index_.load(std::memory_order_relaxed));
        index_.store(bigger, std::memory_order_release);
        return bigger;
    }

    ReservedArray<std::uint64_t> values_;
    std::atomic<Index*> index_{nullptr};
    std::vector<Index*> retired_;
    std::mutex mutex_;
    MemoryBudget* budget_ = nullptr;
};

}  // namespace rseqcheck::checker
