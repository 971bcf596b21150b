/// \file
/// ParallelBfs's numbering of a level: the new states its workers found in phase 1 (the
/// expansion, checker/parallel_bfs.h) get the indices SequentialBfs gives them. Each new
/// state waits in its finder's buffer under a provisional slot entry, with its discovery key
/// (parent index, position among the parent's successors), the smallest any worker met it
/// by. Phase 2 counts each chunk's new states; a prefix sum over the chunks in order gives
/// each chunk its first index; phase 3 numbers each chunk's new states in key order, writes
/// them to the store, turns their provisional entries into indices (settle) and checks their
/// invariants. docs/engine.md gives the key-order invariant and the provisional encoding.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/model_concept.h"
#include "checker/parent_links.h"
#include "checker/reserved_array.h"
#include "checker/search_store.h"
#include "checker/search_types.h"
#include "checker/slot_table.h"
#include "util/input_error.h"

namespace rseqcheck::checker {

/// Marks a slot's index as provisional: worker and buffer place, not a state index. The
/// top bit of the slot's index field, so states are numbered up to 2^35.
inline constexpr unsigned provisional_bits = SlotTable::index_bits - 1;

template <ExplorableModel M, class Store>
class LevelNumbering : public SearchStore<M, Store, std::uint64_t{1} << provisional_bits> {
    using Base = SearchStore<M, Store, std::uint64_t{1} << provisional_bits>;

public:
    using typename Base::State;

protected:
    using Base::Base;
    using Base::budget_;
    using Base::options_;
    using Base::parent_;
    using Base::slots_;
    using Base::states_;

    static constexpr std::uint64_t provisional = std::uint64_t{1} << provisional_bits;
    /// A discovery key: (parent << key_order_bits) | the successor's position among the
    /// parent's successors, so keys order as (parent, position) pairs.
    static constexpr unsigned key_order_bits = 24;
    static std::uint64_t make_key(std::uint64_t parent, std::uint32_t order) {
        return (parent << key_order_bits) | order;
    }
    static std::uint64_t key_parent(std::uint64_t key) { return key >> key_order_bits; }
    static std::uint32_t key_order(std::uint64_t key) {
        return static_cast<std::uint32_t>(key & ((std::uint64_t{1} << key_order_bits) - 1U));
    }

    /// A violation seen by a worker. Transition violations to a state not yet numbered
    /// carry the state and are resolved to an index once the level is numbered.
    struct Found {
        ViolationKind kind;
        int property;
        std::uint64_t state;
        std::uint64_t from;
        bool unresolved;
        State target;
        std::uint32_t order;  ///< the successor's position in its parent's list
    };
    /// A new state in its finder's buffer. `key` is its discovery key (make_key), the
    /// smallest such key any worker met it by; other workers lower it with a
    /// compare-and-swap (std::atomic_ref) while the level expands.
    struct Entry {
        State state;
        std::uint64_t key;
        std::uint64_t slot;  ///< where its provisional entry went, unless the table grew since
        std::uint64_t hash;  ///< its state_hash: its tag, and its home in a grown table
        /// The store's lookup key, kept (by the compressed store) so that numbering the
        /// state does not look its parts up again.
        [[no_unique_address]] typename Store::EntryKey lookup;
    };
    /// A worker lowered the key of another chunk's entry to `key`: the state is this chunk's
    /// if no one lowered it further.
    struct Lowered {
        std::uint64_t key;
        std::uint64_t ref;  ///< the provisional entry's worker and place
    };
    /// One chunk of the level: consecutive states, expanded by one worker; its new states
    /// and notes are ranges of that worker's buffers.
    struct Chunk {
        std::uint64_t entries_begin = 0;
        std::uint64_t entries_end = 0;
        std::size_t lowered_begin = 0;
        std::size_t lowered_end = 0;
        std::uint64_t fresh = 0;        ///< new states numbered in this chunk
        std::uint64_t first_index = 0;  ///< the index of the first of them
        bool direct = false;            ///< numbered by worker 0 as it expanded it
    };
    /// What one worker found in a level and what the numbering reads of it. One cache line
    /// apart: each worker writes its own in the hot loop.
    struct alignas(64) WorkerBuffers {
        ReservedArray<Entry> entries;  ///< this level's new states, as this worker found them
        ReservedArray<Lowered> lowered;
        std::vector<std::uint64_t> chunks;  ///< the chunks this worker took, as it took them
        /// The invariant violations of the states it numbered (worker 0 in phase 1, any
        /// worker in phase 3).
        std::vector<Found> fresh_found;
        /// Entries before this one were placed before the table last grew this level.
        std::uint64_t grown_below = 0;
        void start_level() {
            grown_below = 0;
            entries.resize(0);  // keeps the pages: the next level writes over them
            // Its first push_back reserves it, in the expand phase, where running out of
            // address space ends the search cleanly.
            if (!lowered.empty())
                lowered.resize(0);
            chunks.clear();
            fresh_found.clear();
        }
    };

    /// Sets up `threads` workers' buffers, each charging the budget. A provisional entry
    /// names a worker and a place in its buffer in 35 bits. Every buffer is reserved now:
    /// its address never changes after, so entry_at() can read it from entry_base_ instead
    /// of from the owner's buffers, whose size shares a cache line (see entry_base_).
    /// Without the address space for a buffer (ulimit -v), the search ends incomplete in
    /// `result`: the initial state is all it explores.
    void open_buffers(unsigned threads, SearchResult& result) {
        out_of_memory_.store(false, std::memory_order_relaxed);
        buffers_ = std::make_unique<WorkerBuffers[]>(threads);
        worker_shift_ = provisional_bits - static_cast<unsigned>(std::bit_width(threads - 1U));
        entry_base_ = std::make_unique<Entry*[]>(threads);
        for (unsigned worker = 0; worker < threads; ++worker) {
            buffers_[worker].entries.set_budget(&budget_);
            buffers_[worker].lowered.set_budget(&budget_);
            try {
                buffers_[worker].entries.reserve(0);
            } catch (const std::bad_alloc& e) {
                stop_out_of_memory(result, e);
            }
            entry_base_[worker] = buffers_[worker].entries.data();
        }
    }
    /// After an incomplete search: the workers' buffers, which the report never reads, go
    /// back.
    void drop_buffers(unsigned threads) {
        for (unsigned worker = 0; worker < threads; ++worker) {
            buffers_[worker].entries.clear();
            buffers_[worker].lowered.clear();
        }
    }

    /// The entry a provisional slot's index (without the provisional bit) names.
    Entry& entry_at(std::uint64_t ref) const {
        return entry_base_[ref >> worker_shift_][ref & ((std::uint64_t{1} << worker_shift_) - 1U)];
    }
    /// The provisional reference to place `place` of worker `worker`'s buffer.
    std::uint64_t entry_ref(unsigned worker, std::uint64_t place) const {
        return (std::uint64_t{worker} << worker_shift_) | place;
    }

    std::uint64_t chunk_begin(std::uint64_t c) const { return level_begin_ + c * chunk_states_; }
    std::uint64_t chunk_end(std::uint64_t c) const {
        return std::min(level_end_, chunk_begin(c + 1));
    }

    /// Notes that a growth of this level was refused (by the budget or the system): every
    /// worker stops at its next state, and the level is left out. Any thread; the first
    /// note's figures stand. Allocates nothing: memory is short.
    void note_out_of_memory(const std::bad_alloc& e) {
        if (out_of_memory_.exchange(true, std::memory_order_relaxed))
            return;
        over_limit_ = dynamic_cast<const MemoryLimitReached*>(&e) != nullptr;
        out_of_memory_used_ = budget_.used();
        pause_.store(true, std::memory_order_relaxed);
    }
    /// Ends the search at a refused growth outside the workers (the level is left out).
    void stop_out_of_memory(SearchResult& result, const std::bad_alloc& e) {
        note_out_of_memory(e);
        stop_incomplete(result);
    }
    /// Ends the search incomplete after a refused growth (noted by note_out_of_memory).
    void stop_incomplete(SearchResult& result) const {
        result.verdict = Verdict::Incomplete;
        result.incomplete_reason =
            out_of_memory_reason(over_limit_, budget_.limit(), out_of_memory_used_);
    }

    /// Notes invariant or transition violation p (and with --all every other property the
    /// same check found violated) in `out`; `known` is the violating state's index, if it has
    /// one yet.
    template <class Checker>
    void note_all(Checker& checker, std::vector<Found>& out, ViolationKind kind, int p,
                  std::optional<std::uint64_t> known, std::uint64_t from, const State& t,
                  std::uint32_t order) const {
        auto note = [&](int q) {
            out.push_back(Found{kind, q, known.value_or(0), from, !known.has_value(), t, order});
        };
        note(p);
        if constexpr (requires { checker.last_violations(); }) {
            if (!options_.stop_at_first) {
                for (const int q : checker.last_violations())
                    note(q);
            }
        }
    }
    /// Checks the invariants on new state s (index i, found from state `from` as its
    /// successor number `order`).
    template <class Checker>
    void check_new_state(Checker& checker, const State& s, std::uint64_t i, std::uint64_t from,
                         std::vector<Found>& out, std::uint32_t order = 0) const {
        if (const int p = checker.check_state(s); p >= 0)
            note_all(checker, out, ViolationKind::Invariant, p, i, from, s, order);
    }

    /// Phase 2: how many new states each chunk worker `worker` expanded numbers. An own
    /// entry is the chunk's unless an earlier chunk lowered its key below the chunk's first
    /// key (a later chunk's keys are all larger); a note is the chunk's if its key stood.
    void count_chunks(unsigned worker) {
        const WorkerBuffers& expander = buffers_[worker];
        for (const std::uint64_t c : expander.chunks) {
            Chunk& chunk = chunks_[c];
            if (chunk.direct)
                continue;  // counted as it was expanded
            const std::uint64_t first_key = make_key(chunk_begin(c), 0);
            std::uint64_t fresh = 0;
            for (std::uint64_t own = chunk.entries_begin; own < chunk.entries_end; ++own) {
                if (expander.entries[own].key >= first_key)
                    ++fresh;
            }
            for (std::size_t note = chunk.lowered_begin; note < chunk.lowered_end; ++note) {
                const Lowered& lowered = expander.lowered[note];
                if (entry_at(lowered.ref).key == lowered.key)
                    ++fresh;
            }
            chunk.fresh = fresh;
        }
    }

    /// The prefix sum after phase 2: each chunk's first index, from `level_end` on (worker 0
    /// numbered its leading chunks as it went, by the same sum). Returns the end of the
    /// indices this level adds.
    std::uint64_t place_chunks(std::uint64_t level_end) {
        std::uint64_t next_index = level_end;
        for (Chunk& chunk : chunks_) {
            RSEQCHECK_CHECK(!chunk.direct || chunk.first_index == next_index,
                            "parallel search: a chunk numbered during the expansion starts at "
                            "the wrong index");
            chunk.first_index = next_index;
            next_index += chunk.fresh;
        }
        return next_index;
    }
    /// The chunks phase 3 numbers (all but worker 0's leading ones), each with the worker
    /// that expanded it, charged before any is written.
    void reserve_to_number() {
        std::size_t left = 0;
        for (const Chunk& chunk : chunks_)
            left += chunk.direct ? 0U : 1U;
        reserve_charged(to_number_, left, budget_);
    }
    void plan_to_number(unsigned threads) {
        to_number_.clear();
        for (unsigned worker = 0; worker < threads; ++worker) {
            for (const std::uint64_t c : buffers_[worker].chunks) {
                if (!chunks_[c].direct)
                    to_number_.push_back(ToNumber{c, worker});
            }
        }
        next_to_number_.store(0, std::memory_order_relaxed);
    }

    /// Phase 3: takes chunks left to number until none is left, whichever worker expanded
    /// them, and numbers each chunk's new states in key order (the expanding worker's entries
    /// and notes merged), stores them, turns their provisional slots into indices, and checks
    /// their invariants (what they find goes to worker `numberer`'s list).
    template <class Checker>
    void number_chunks(Checker& checker, unsigned numberer) {
        try {
            number_chunks_or_throw(checker, buffers_[numberer].fresh_found);
        } catch (const std::bad_alloc& e) {
            // The compressed store had no room for a new part: the level is left out.
            note_out_of_memory(e);
        }
    }

    /// Sets up a level [level_begin, level_end) in `chunk_count` chunks of chunk_states
    /// states; charges them first (std::bad_alloc if refused).
    void open_level(std::uint64_t level_begin, std::uint64_t level_end, std::uint64_t chunk_states,
                    std::uint64_t chunk_count, unsigned threads) {
        level_begin_ = level_begin;
        level_end_ = level_end;
        chunk_states_ = chunk_states;
        reserve_charged(chunks_, chunk_count, budget_);
        chunks_.assign(chunk_count, Chunk{});
        for (unsigned worker = 0; worker < threads; ++worker)
            buffers_[worker].start_level();
    }

    /// Per worker: what it found and what phase 3 reads of it.
    std::unique_ptr<WorkerBuffers[]> buffers_;
    /// Where each worker's buffer of entries starts, written once before the search. A
    /// worker that meets another's provisional entry reads the entry through it. Reading
    /// the owner's buffers instead took a cache line the owner writes on every insert (its
    /// buffer's size), one cross-core miss for the reader and one for the owner after:
    /// on Peterson N = 6, 5.3 M of the 35 M look-ups met another worker's entry, and the
    /// 2-thread search ran at 4.2 M states/s with it and 6.0 M without.
    std::unique_ptr<Entry*[]> entry_base_;
    unsigned worker_shift_ = provisional_bits;  ///< a provisional entry's worker number starts here
    std::uint64_t level_begin_ = 0;
    std::uint64_t level_end_ = 0;
    std::uint64_t chunk_states_ = 64;
    std::vector<Chunk> chunks_;
    /// Every worker stops at its next state (the table must grow, or memory is short).
    std::atomic<bool> pause_{false};
    /// A growth of this level was refused: by the budget (over_limit_) or the system, with
    /// out_of_memory_used_ bytes charged.
    std::atomic<bool> out_of_memory_{false};
    bool over_limit_ = false;
    std::size_t out_of_memory_used_ = 0;

private:
    template <class Checker>
    void number_chunks_or_throw(Checker& checker, std::vector<Found>& found) {
        constexpr std::uint64_t ahead = 8;
        while (true) {
            const std::size_t item = next_to_number_.fetch_add(1, std::memory_order_relaxed);
            if (item >= to_number_.size())
                return;
            const std::uint64_t c = to_number_[item].chunk;
            const WorkerBuffers& expander = buffers_[to_number_[item].expanded_by];
            const std::uint64_t own_refs = entry_ref(to_number_[item].expanded_by, 0);
            const Chunk& chunk = chunks_[c];
            const std::uint64_t first_key = make_key(chunk_begin(c), 0);
            std::uint64_t own = chunk.entries_begin;
            std::size_t note = chunk.lowered_begin;
            std::uint64_t next = chunk.first_index;
            while (true) {
                while (own < chunk.entries_end && expander.entries[own].key < first_key)
                    ++own;
                while (note < chunk.lowered_end &&
                       entry_at(expander.lowered[note].ref).key != expander.lowered[note].key)
                    ++note;
                const bool own_left = own < chunk.entries_end;
                const bool note_left = note < chunk.lowered_end;
                if (!own_left && !note_left)
                    break;
                // The slots to settle are far apart in the table: ask for them ahead.
                if (own + ahead < chunk.entries_end)
                    __builtin_prefetch(&slots_[expander.entries[own + ahead].slot], 1);
                if (note + ahead < chunk.lowered_end) {
                    const Entry& later = entry_at(expander.lowered[note + ahead].ref);
                    __builtin_prefetch(&slots_[later.slot], 1);
                }
                std::uint64_t ref = 0;
                if (own_left && (!note_left || expander.entries[own].key <
                                                   entry_at(expander.lowered[note].ref).key)) {
                    ref = own_refs | own;
                    ++own;
                } else {
                    ref = expander.lowered[note].ref;
                    ++note;
                }
                const Entry& entry = entry_at(ref);
                const std::uint64_t parent = key_parent(entry.key);
                const std::uint32_t order = key_order(entry.key);
                states_.set(next, entry.state, entry.lookup);
                parent_[next] = parent_link(parent, level_begin_);
                settle(entry, ref, next);
                check_new_state(checker, entry.state, next, parent, found, order);
                ++next;
            }
        }
    }

    /// Replaces the provisional entry `ref` with its state's index: in the slot the entry
    /// names, or, if the table grew after it was placed, where a probe from its home finds it.
    /// Each new state has its own slot; other workers settle theirs at the same time, hence
    /// the atomic access.
    void settle(const Entry& entry, std::uint64_t ref, std::uint64_t index) {
        const std::uint32_t tag = SlotTable::tag(entry.hash);
        const std::uint64_t settled = SlotTable::make(tag, index);
        const std::uint64_t place = ref & ((std::uint64_t{1} << worker_shift_) - 1U);
        if (place >= buffers_[ref >> worker_shift_].grown_below) {
            std::atomic_ref<std::uint64_t>(slots_[entry.slot])
                .store(settled, std::memory_order_relaxed);
            return;
        }
        const std::uint64_t marked = SlotTable::make(tag, provisional | ref);
        slots_.probe(entry.hash, [&](std::size_t pos) {
            std::atomic_ref<std::uint64_t> cell(slots_[pos]);
            if (cell.load(std::memory_order_relaxed) != marked)
                return false;
            cell.store(settled, std::memory_order_relaxed);
            return true;
        });
    }

    /// Phase 3's work: the chunks left to number (not worker 0's leading ones), each with the
    /// worker whose buffers hold its entries and notes, taken by any worker in turn.
    struct ToNumber {
        std::uint64_t chunk;
        unsigned expanded_by;
    };
    std::vector<ToNumber> to_number_;
    std::atomic<std::size_t> next_to_number_{0};
};

}  // namespace rseqcheck::checker
