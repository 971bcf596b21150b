/// \file
/// Parent links for shortest paths, about 2 bits a state once a level is sealed.
///
/// The engines number states level by level, and a state's parent lies in the level before
/// its own; within a level, the parents come in the order of their own indices (a BFS
/// expands its states in index order and numbers their new successors as it meets them;
/// the parallel engine numbers a level as the sequential one would). So a level's links,
/// each the parent's offset from the first index of the parent's level, never decrease.
///
/// While a level is being numbered its links are 4-byte offsets in an open buffer, written
/// in any order (the parallel engine writes them out of order). When the level is
/// complete, `seal()` packs them as gaps in unary: for each state, as many 0 bits as its
/// offset is above the previous state's, then a 1 bit. A level of m states whose parents
/// span p states takes m + p bits, so every level together takes at most 2 bits a state,
/// plus one 8-byte sample every 256 states to find the k-th 1 bit without scanning the
/// whole level. The open buffer keeps its pages and is reused from level to level: it
/// costs 4 bytes a state of the widest level. A level whose offsets do decrease is an
/// engine bug: seal() throws std::logic_error.
///
/// Before (up to stop 34) every state kept a 4-byte offset: this saved 3.3-3.5 bytes a
/// state on both stores (docs/performance.md, issue 26).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/reserved_array.h"
#include "checker/search_types.h"

namespace rseqcheck::checker {

/// The link of a state whose parent is `parent`, in the level that starts at `level_start`.
inline std::uint32_t parent_link(std::uint64_t parent, std::uint64_t level_start) {
    const std::uint64_t offset = parent - level_start;
    if (offset > std::numeric_limits<std::uint32_t>::max()) {
        throw NumberingFull("a breadth-first level passed 2^32 states, more than a parent "
                            "link can reach");
    }
    return static_cast<std::uint32_t>(offset);
}

/// The depth of state i: the last level that starts at or before it.
inline std::uint32_t depth_in(const std::vector<std::uint64_t>& level_start, std::uint64_t i) {
    const auto above = std::upper_bound(level_start.begin(), level_start.end(), i);
    return static_cast<std::uint32_t>(above - level_start.begin() - 1);
}

class ParentLinks {
public:
    /// One sample (the position of a state's 1 bit) every this many states of a level.
    static constexpr std::uint64_t sample_every = 256;

    ParentLinks() = default;
    ParentLinks(const ParentLinks&) = delete;
    ParentLinks& operator=(const ParentLinks&) = delete;

    /// Charges `budget` from now on: the open buffer's pages (reserving `share` / `of` of
    /// the budget's room in address space, as checker/reserved_array.h says) and the packed
    /// levels as they grow.
    void set_budget(MemoryBudget* budget, std::size_t share = 1, std::size_t of = 1) {
        budget_ = budget;
        open_.set_budget(budget, share, of);
    }

    // The links of the open levels (indices from open_begin() on), as a ReservedArray of
    // 4-byte offsets indexed by state.
    std::uint64_t size() const { return open_begin_ + open_.size(); }
    std::uint32_t& operator[](std::uint64_t i) { return open_[i - open_begin_]; }
    void push_back(std::uint32_t link) { open_.push_back(link); }
    /// n at least open_begin() (a sealed level is not given back).
    void resize(std::uint64_t n) { open_.resize(n - open_begin_); }
    void reserve(std::uint64_t n) { open_.reserve(n - open_begin_); }
    /// Links that fit in the open buffer's charged pages: up to here, links may be written
    /// past size() without asking the budget.
    std::uint64_t charged() const { return open_begin_ + open_.charged(); }
    /// The first state whose link is still open (not sealed).
    std::uint64_t open_begin() const { return open_begin_; }

    /// Packs the links of every complete level not packed yet: the levels of `level_start`
    /// from the first open one, the last of them ending at `end`, which must be size() (no
    /// link of a later level written yet). False, with nothing changed, if the budget or the
    /// system refuses the room: the links then stay open and a later seal() packs them.
    bool seal(const std::vector<std::uint64_t>& level_start, std::uint64_t end) {
        if (end != size())
            throw std::logic_error("ParentLinks::seal: a level past the sealed ones was written");
        const std::size_t first = sealed_levels_;
        if (first >= level_start.size() || level_start[first] != open_begin_)
            return false;  // nothing complete to pack (or called twice for the same level)
        std::uint64_t bits = bit_end_;
        std::uint64_t samples = samples_.size();
        for (std::size_t k = std::max<std::size_t>(first, 1); k < level_start.size(); ++k) {
            const std::uint64_t begin = level_start[k];
            const std::uint64_t stop = k + 1 < level_start.size() ? level_start[k + 1] : end;
            const std::uint64_t last = stop > begin ? open_[stop - 1 - open_begin_] : 0;
            bits += (stop - begin) + last;
            samples += (stop - begin + sample_every - 1) / sample_every;
        }
        try {
            charge_to(words_, (bits + 63) / 64);
            charge_to(samples_, samples);
            charge_to(level_bit_, level_start.size());
            charge_to(level_sample_, level_start.size());
        } catch (const std::bad_alloc&) {
            return false;
        }
        words_.resize((bits + 63) / 64, 0);
        for (std::size_t k = first; k < level_start.size(); ++k) {
            level_bit_.push_back(bit_end_);
            level_sample_.push_back(samples_.size());
            if (k == 0)
                continue;  // the initial state has no parent
            const std::uint64_t begin = level_start[k];
            const std::uint64_t stop = k + 1 < level_start.size() ? level_start[k + 1] : end;
            std::uint64_t previous = 0;
            for (std::uint64_t i = begin; i < stop; ++i) {
                const std::uint64_t offset = open_[i - open_begin_];
                if (offset < previous)
                    throw std::logic_error("ParentLinks::seal: a level's parents go back");
                bit_end_ += offset - previous;
                if ((i - begin) % sample_every == 0)
                    samples_.push_back(bit_end_);
                words_[bit_end_ / 64] |= std::uint64_t{1} << (bit_end_ % 64);
                ++bit_end_;
                previous = offset;
            }
        }
        sealed_levels_ = level_start.size();
        open_begin_ = end;
        open_.resize(0);  // keeps its pages for the next level
        return true;
    }

    /// The parent of state i (not the initial state).
    std::uint64_t parent_of(const std::vector<std::uint64_t>& level_start, std::uint64_t i) const {
        const std::uint32_t depth = depth_in(level_start, i);
        const std::uint64_t parent_level = level_start[depth - 1];
        if (i >= open_begin_)
            return parent_level + open_[i - open_begin_];
        const std::uint64_t j = i - level_start[depth];
        const std::uint64_t one =
            select_one(samples_[level_sample_[depth] + j / sample_every], j % sample_every);
        return parent_level + (one - level_bit_[depth] - j);
    }

    /// Bytes held: the packed levels and their samples, and the open buffer's pages.
    std::size_t capacity_bytes() const {
        return words_.capacity() * sizeof(std::uint64_t) +
               samples_.capacity() * sizeof(std::uint64_t) +
               (level_bit_.capacity() + level_sample_.capacity()) * sizeof(std::uint64_t) +
               open_.charged_bytes();
    }

private:
    /// The position of the (r+1)-th 1 bit at or after bit `from` (r = 0: the first).
    std::uint64_t select_one(std::uint64_t from, std::uint64_t r) const {
        std::uint64_t w = from / 64;
        std::uint64_t word = words_[w] & (~std::uint64_t{0} << (from % 64));
        while (true) {
            const auto ones = static_cast<std::uint64_t>(std::popcount(word));
            if (r < ones)
                break;
            r -= ones;
            word = words_[++w];
        }
        for (; r > 0; --r)
            word &= word - 1;  // drops the lowest 1 bit
        return w * 64 + static_cast<std::uint64_t>(std::countr_zero(word));
    }
    void charge_to(std::vector<std::uint64_t>& v, std::size_t n) {
        if (budget_ != nullptr) {
            reserve_charged(v, n, *budget_);
        } else if (n > v.capacity()) {
            v.reserve(std::max(n, v.capacity() * 2));
        }
    }

    MemoryBudget* budget_ = nullptr;
    ReservedArray<std::uint32_t> open_;  ///< links of the open levels, from open_begin_
    std::uint64_t open_begin_ = 0;
    std::size_t sealed_levels_ = 0;
    std::vector<std::uint64_t> words_;  ///< the packed levels, bit i at words_[i/64]
    std::uint64_t bit_end_ = 0;         ///< bits packed so far
    std::vector<std::uint64_t> samples_;
    std::vector<std::uint64_t> level_bit_;     ///< level k's first bit
    std::vector<std::uint64_t> level_sample_;  ///< level k's first sample
};

}  // namespace rseqcheck::checker
