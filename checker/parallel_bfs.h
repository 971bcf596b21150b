/// \file
/// Level-synchronous parallel breadth-first search with N threads that numbers, counts and
/// reports exactly as SequentialBfs does. Each BFS level makes one pass over its successors
/// and one over the states it adds:
///  1. expand and insert (parallel): threads take the level in chunks of consecutive states.
///     The level is cut into one run of chunks per thread; a thread takes its own run's
///     chunks in ascending order, then the chunks left in the others' runs. A thread
///     generates a state's successors, checks the transition properties, and looks each
///     successor up in the one shared hash table as soon as it is generated, with the same
///     one-state-deep pipeline as the sequential search (the next state's successors are
///     hashed and their slots prefetched first). A successor not in the table goes into the
///     thread's own buffer of new states and a compare-and-swap claims a free slot for it with a
///     provisional entry naming that buffer place. Every new state carries its discovery key,
///     (parent index, position among the parent's successors): the sequential search numbers new
///     states in that key's order. A thread that meets a provisional entry of the same state with a
///     larger key (a later chunk got there first) lowers the key atomically and notes, in its own
///     chunk, that it did. The table never grows during a pass: each thread has a budget of inserts
///     that keeps the load under 3/4; a thread that would pass it stops every thread at its next
///     state, the table is doubled, and the pass resumes where each thread stopped.
///     The level's leading chunks are numbered as they are expanded. Worker 0 takes chunks
///     0, 1, 2, ... from the level's start, and while each chunk it takes follows the last,
///     no chunk before it is left: no other worker can find a state by a smaller key, and no
///     state can come before one of its own in the numbering. So it gives each new state the
///     next index at once: the state goes straight to the store and its slot gets the index,
///     with no provisional entry. A provisional entry of a later chunk that it meets takes its
///     key and that index. The first chunk it takes out of order (one another worker took
///     first) ends this for the level. With 1 thread this is the whole level, and the two
///     passes below have nothing to do;
///  2. count (parallel): a chunk's new states are its own provisional entries whose key no
///     earlier chunk lowered, and its notes whose key is still the entry's;
///  3. number and check (parallel): a prefix sum over the chunks in order gives each chunk the
///     index of its first new state. The threads take the chunks in turn, whoever expanded
///     them, number each chunk's new states in key order, write them to the store, turn
///     their provisional entries into indices, and check the invariants on them. Indices,
///     parents and depths therefore equal the sequential ones (a depth is not stored per
///     state: each level's first index is).
/// Violations are gathered per thread and reported in the sequential order, each property
/// once, so the first violation of a property has a shortest trace as in SequentialBfs.
/// Errors (what the model or checker throws) leave as they leave SequentialBfs: a worker
/// stops at its first, the others finish the pass, and run() expands the failing level again
/// on one thread in the sequential order, so that the error that search meets first is the
/// one thrown (an error path only: the search is over).
/// Running out of memory is not an error: the store, the table, the workers' buffers and
/// the per-level lists charge a memory budget (checker/memory_budget.h) before they grow,
/// and a growth that the budget or the system refuses, in any phase, ends the search
/// incomplete without the level it happened in. The report covers the levels before it.
#pragma once

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/model_concept.h"
#include "checker/parent_links.h"
#include "checker/phase_pool.h"
#include "checker/plain_store.h"
#include "checker/reserved_array.h"
#include "checker/search_store.h"
#include "checker/search_types.h"
#include "checker/slot_table.h"

namespace rseqcheck::checker {

/// Marks a slot's index as provisional: worker and buffer place, not a state index. The
/// top bit of the slot's index field, so states are numbered up to 2^35.
inline constexpr unsigned parallel_provisional_bits = SlotTable::index_bits - 1;

template <ExplorableModel M, class Store = PlainStore<typename M::State>>
class ParallelBfs : public SearchStore<M, Store, std::uint64_t{1} << parallel_provisional_bits> {
    using Base = SearchStore<M, Store, std::uint64_t{1} << parallel_provisional_bits>;

public:
    using typename Base::Action;
    using typename Base::State;
    using typename Base::Step;

    ParallelBfs(const M& model, SearchOptions options) : Base(model, options) {
        if (options_.threads < 1)
            options_.threads = 1;
    }

    /// Searches; what the model or checker throws leaves as it would leave SequentialBfs::run,
    /// the error that search meets first.
    template <class Checker>
    SearchResult run(Checker& checker) {
        level_begin_ = level_end_ = 0;
        try {
            return search(checker);
        } catch (...) {
            // The workers met their errors in their own order: the level is expanded again
            // in the sequential one, and what the model or checker throws there leaves instead.
            replay_level(checker);
            throw;
        }
    }

private:
    using Base::budget_;
    using Base::conclude;
    using Base::drop_table;
    using Base::hash;
    using Base::level_start_;
    using Base::model_;
    using Base::open_search;
    using Base::options_;
    using Base::parent_;
    using Base::record_stats;
    using Base::report_once;
    using Base::slots_;
    using Base::states_;

    /// run() without the replay after an error.
    template <class Checker>
    SearchResult search(Checker& checker) {
        const auto start = std::chrono::steady_clock::now();
        // At least one: the constructor clamps it, restated here for the analyser.
        const unsigned threads = std::max(1U, options_.threads);
        SearchResult result;
        open_search(std::size_t{1} << 12U);
        table_count_ = 0;
        insert_initial(model_.initial_state());
        budget_.allow_overdraft(false);
        overflow_.store(false, std::memory_order_relaxed);
        out_of_memory_.store(false, std::memory_order_relaxed);
        workers_ = std::make_unique<Worker[]>(threads);
        // A provisional entry names a worker and a place in its buffer in 35 bits.
        worker_shift_ = provisional_bits - static_cast<unsigned>(std::bit_width(threads - 1U));
        // Reserve every buffer now: its address never changes after, so entry_at() can read
        // it from entry_base_ instead of from the owner's Worker, whose size it shares a
        // cache line with (see entry_base_).
        entry_base_ = std::make_unique<Entry*[]>(threads);
        runs_ = std::make_unique<ChunkRun[]>(threads);
        for (unsigned w = 0; w < threads; ++w) {
            workers_[w].entries.set_budget(&budget_);
            workers_[w].lowered.set_budget(&budget_);
            try {
                workers_[w].entries.reserve(0);
            } catch (const std::bad_alloc& e) {
                // No address space left for the buffers (ulimit -v): the initial state is all
                // this search explores.
                stop_out_of_memory(result, e);
            }
            entry_base_[w] = workers_[w].entries.data();
        }
        std::unique_ptr<PhasePool> pool;
        try {
            if (threads > 1)
                pool = std::make_unique<PhasePool>(threads);
        } catch (const std::system_error&) {
            // No thread can be started (ulimit -v leaves no room for a stack): every phase
            // runs its parts on this thread, one after another, with the same results.
            pool = nullptr;
        }
        auto run_phase = [&](const std::function<void(unsigned)>& f, std::uint64_t items) {
            if (pool == nullptr || items < options_.parallel_min_items) {
                for (unsigned w = 0; w < threads; ++w)
                    f(w);
                return;
            }
            pool->run(f);
        };
        auto report = [&](const Found& f) {
            report_once(result, f.kind, f.property, f.state, f.from);
        };
        {
            std::vector<Found> found;
            check_new_state(checker, states_[0], 0, 0, found);
            for (const Found& f : found)
                report(f);
        }
        std::uint64_t transitions = 0;
        std::uint64_t level_begin = 0;
        bool stop = (options_.stop_at_first && !result.violations.empty()) ||
                    result.verdict == Verdict::Incomplete;
        while (level_begin < states_.size() && !stop) {
            const std::uint64_t level_end = states_.size();
            const std::uint64_t n = level_end - level_begin;
            if (n - 1 > std::numeric_limits<std::uint32_t>::max()) {
                // Its states' successors could not all be linked to them (parent_link).
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = "a breadth-first level passed 2^32 states, more than "
                                           "a parent link can reach";
                break;
            }
            level_begin_ = level_begin;
            level_end_ = level_end;
            chunk_states_ = std::clamp<std::uint64_t>(n / (std::uint64_t{threads} * 8U), 64, 4096);
            const std::uint64_t chunk_count = (n + chunk_states_ - 1) / chunk_states_;
            try {
                reserve_charged(chunks_, chunk_count, budget_);
            } catch (const std::bad_alloc& e) {
                stop_out_of_memory(result, e);
                break;
            }
            chunks_.assign(chunk_count, Chunk{});
            for (unsigned w = 0; w < threads; ++w) {
                runs_[w].next.store(chunks_.size() * w / threads, std::memory_order_relaxed);
                runs_[w].end = chunks_.size() * (w + 1) / threads;
            }
            for (unsigned w = 0; w < threads; ++w)
                workers_[w].start_level();
            workers_[0].direct = true;
            workers_[0].direct_next = level_end;
            // Worker 0 writes its states straight into the store, so it charges the store's
            // pages itself (past the reservation, std::bad_alloc, as resize() would throw).
            reserved_ = std::min(states_.charged(), parent_.charged());
            numbering_full_.store(false, std::memory_order_relaxed);
            // Phase 1, in passes: a pass ends when the level is done or a worker would take
            // the table past its load; the table then doubles and the next pass resumes.
            while (true) {
                set_budgets(threads);
                pause_.store(false, std::memory_order_relaxed);
                run_phase([&](unsigned w) { expand(checker, w); }, n);
                std::uint64_t added = 0;
                std::size_t need = 0;
                bool paused = false;
                for (unsigned w = 0; w < threads; ++w) {
                    added += workers_[w].inserted;
                    workers_[w].inserted = 0;
                    need = std::max(need, workers_[w].current.successors.size());
                    paused = paused || workers_[w].paused;
                }
                table_count_ += added;
                if (!paused || overflow_ || numbering_full_ || out_of_memory_)
                    break;
                try {
                    do {
                        grow(run_phase);
                    } while ((slots_.size() * 3 / 4 - table_count_) / threads < need);
                } catch (const std::bad_alloc& e) {
                    note_out_of_memory(e);
                    break;
                }
                // The provisional entries placed so far have moved: settle them by probing.
                for (unsigned w = 0; w < threads; ++w)
                    workers_[w].grown_below = workers_[w].entries.size();
            }
            // After every worker has stopped for good: an error in an earlier state may come
            // from a worker that was paused when another one failed.
            rethrow_first_error(threads);
            if (out_of_memory_) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason =
                    out_of_memory_reason(over_limit_, budget_.limit(), out_of_memory_used_);
                break;
            }
            for (unsigned w = 0; w < threads; ++w)
                transitions += workers_[w].transitions;
            if (overflow_ || numbering_full_) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason =
                    numbering_full_
                        ? std::string(past_numbering)
                        : "a search level adds more new states than a worker's "
                          "buffer can name (2^" +
                              std::to_string(worker_shift_) + "); use fewer threads or --threads 1";
                break;
            }
            // Phase 2: each chunk's new states.
            run_phase([&](unsigned w) { count_chunks(workers_[w]); }, n);
            std::uint64_t next_index = level_end;
            for (Chunk& c : chunks_) {
                // Worker 0 numbered its leading chunks as it went: the same prefix sum.
                if (c.direct && c.first_index != next_index) {
                    throw std::logic_error("parallel search: a chunk numbered during the "
                                           "expansion starts at the wrong index");
                }
                c.first_index = next_index;
                next_index += c.fresh;
            }
            const std::uint64_t added_end = next_index;
            if (added_end > provisional) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = past_numbering;
                break;
            }
            // Everything phase 3 writes is charged here, before any of it is written: a
            // refusal leaves the store as it was, with the levels before this one.
            try {
                states_.resize(added_end);
                parent_.resize(added_end);
                reserve_charged(level_start_, level_start_.size() + 1, budget_);
                std::size_t left = 0;
                for (const Chunk& c : chunks_)
                    left += c.direct ? 0U : 1U;
                reserve_charged(to_number_, left, budget_);
            } catch (const std::bad_alloc& e) {
                transitions -= level_transitions(threads);
                states_.resize(level_end);
                parent_.resize(level_end);
                stop_out_of_memory(result, e);
                break;
            }
            if (added_end > level_end)
                level_start_.push_back(level_end);  // every state this level adds is one deeper
            // Phase 3: number the new states, fix their slots, check their invariants.
            // Any worker numbers any chunk: worker 0's leading chunks need none, so the
            // chunks each worker expanded would leave it with less to do than the others.
            to_number_.clear();
            for (unsigned w = 0; w < threads; ++w) {
                for (const std::uint64_t c : workers_[w].chunks) {
                    if (!chunks_[c].direct)
                        to_number_.push_back(ToNumber{c, w});
                }
            }
            next_to_number_.store(0, std::memory_order_relaxed);
            run_phase([&](unsigned w) { number_chunks(checker, workers_[w]); }, n);
            if (out_of_memory_) {
                transitions -= level_transitions(threads);
                states_.resize(level_end);
                parent_.resize(level_end);
                if (added_end > level_end)
                    level_start_.pop_back();
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason =
                    out_of_memory_reason(over_limit_, budget_.limit(), out_of_memory_used_);
                break;
            }
            states_.quiesce();  // no other thread uses the store between levels
            // Report in the sequential order: a level's expansion interleaves the transition
            // checks of each parent with the invariant checks of the states it discovers.
            std::vector<Found> level;
            for (unsigned w = 0; w < threads; ++w) {
                for (Found& f : workers_[w].found) {
                    if (f.unresolved)
                        f.state = *this->find(f.target);
                    level.push_back(f);
                }
                level.insert(level.end(), workers_[w].fresh_found.begin(),
                             workers_[w].fresh_found.end());
            }
            std::stable_sort(level.begin(), level.end(), [](const Found& a, const Found& b) {
                return sequential_key(a) < sequential_key(b);
            });
            for (const Found& f : level) {
                // SequentialBfs stops after the parent whose expansion found the first one.
                if (options_.stop_at_first && !result.violations.empty() &&
                    f.from != result.violations.front().from_state)
                    break;
                report(f);
            }
            stop = options_.stop_at_first && !result.violations.empty();
            level_begin = level_end;
        }
        record_stats(result, transitions, start);
        // The report after an incomplete search reads the store, never the table or the
        // workers' buffers: their memory goes back for the report to use.
        if (result.verdict == Verdict::Incomplete)
            drop_search_memory(threads);
        conclude(result);
        return result;
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
        result.verdict = Verdict::Incomplete;
        result.incomplete_reason =
            out_of_memory_reason(over_limit_, budget_.limit(), out_of_memory_used_);
    }
    /// The transitions the workers generated in this level.
    std::uint64_t level_transitions(unsigned threads) const {
        std::uint64_t sum = 0;
        for (unsigned w = 0; w < threads; ++w)
            sum += workers_[w].transitions;
        return sum;
    }
    /// After an incomplete search: the table and the workers' buffers, which the report
    /// never reads, go back.
    void drop_search_memory(unsigned threads) {
        drop_table();
        for (unsigned w = 0; w < threads; ++w) {
            workers_[w].entries.clear();
            workers_[w].lowered.clear();
        }
    }

    /// Marks a slot's index as provisional: worker and buffer place, not a state index. The
    /// top bit of the slot's index field, so states are numbered up to 2^35.
    static constexpr unsigned provisional_bits = parallel_provisional_bits;
    static constexpr std::uint64_t provisional = std::uint64_t{1} << provisional_bits;
    static constexpr const char* past_numbering =
        "the search reached 2^35 states, past the parallel engine's numbering; use --threads 1";
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
    struct Successor {
        State state;
        std::uint64_t hash;
    };
    /// One state's successors, hashed, their slots prefetched and their transitions checked.
    struct Expansion {
        std::vector<Successor> successors;
        typename Store::Parts parts{};  ///< the expanded state, as the store takes it apart
        bool ready = false;
    };
    /// One cache line apart: workers write their own counters and vectors in the hot loop.
    struct alignas(64) Worker {
        ReservedArray<Entry> entries;  ///< this level's new states, as this worker found them
        ReservedArray<Lowered> lowered;
        std::vector<std::uint64_t> chunks;  ///< the chunks this worker took, as it took them
        std::vector<Found> found;
        std::vector<Found> fresh_found;
        Expansion current;
        Expansion next;
        std::uint64_t at = 0;   ///< the next state to look up successors of
        std::uint64_t end = 0;  ///< the end of the chunk being expanded
        std::uint64_t transitions = 0;
        std::uint64_t inserted = 0;  ///< inserts since the last budget was set
        std::uint64_t budget = 0;
        bool paused = false;
        /// Entries before this one were placed before the table last grew this level.
        std::uint64_t grown_below = 0;
        std::exception_ptr error;
        std::uint64_t generating = 0;  ///< the state being expanded
        std::uint64_t error_at = 0;    ///< the state whose expansion threw
        /// Worker 0 only: it is still in the level's leading chunks and numbers as it goes.
        bool direct = false;
        std::uint64_t direct_next = 0;    ///< the index its next new state gets
        std::uint64_t direct_chunks = 0;  ///< chunks taken so far: the next one must be this
        void start_level() {
            grown_below = 0;
            entries.resize(0);  // keeps the pages: the next level writes over them
            // Its first push_back reserves it, in the expand phase, where running out of
            // address space ends the search cleanly.
            if (!lowered.empty())
                lowered.resize(0);
            chunks.clear();
            found.clear();
            fresh_found.clear();
            current.ready = false;
            next.ready = false;
            at = end = 0;
            transitions = 0;
            inserted = 0;
            paused = false;
            error = nullptr;
            direct = false;
            direct_next = 0;
            direct_chunks = 0;
        }
    };

    /// The order in which SequentialBfs would report: by the expanded parent, transition
    /// checks before the invariants of the states that parent discovers; deadlocks last.
    static std::tuple<std::uint64_t, std::uint32_t, int> sequential_key(const Found& f) {
        switch (f.kind) {
        case ViolationKind::Transition:
            return {f.from, f.order, 0};
        case ViolationKind::Invariant:
            return {f.from, f.order, 1};
        case ViolationKind::Deadlock:
            return {f.from, 0xFFFFFFFFU, 2};
        }
        return {f.from, 0xFFFFFFFFU, 3};
    }

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

    template <class Checker>
    void check_new_state(Checker& checker, const State& s, std::uint64_t i, std::uint64_t from,
                         std::vector<Found>& out, std::uint32_t order = 0) const {
        if (const int p = checker.check_state(s); p >= 0)
            note_all(checker, out, ViolationKind::Invariant, p, i, from, s, order);
    }

    std::uint64_t chunk_begin(std::uint64_t c) const { return level_begin_ + c * chunk_states_; }
    std::uint64_t chunk_end(std::uint64_t c) const {
        return std::min(level_end_, chunk_begin(c + 1));
    }

    /// Each worker may insert this many states before the table must grow: together they
    /// keep its load at 3/4 or under.
    void set_budgets(unsigned threads) {
        const std::uint64_t room = slots_.size() * 3 / 4 - table_count_;
        for (unsigned w = 0; w < threads; ++w)
            workers_[w].budget = room / threads;
    }

    /// Generates state i's successors into e, hashing each, prefetching its slot, and
    /// checking the transition properties and the deadlock check on it.
    template <class Checker>
    void generate(Checker& checker, Worker& me, std::uint64_t i, Expansion& e) {
        e.successors.clear();
        e.ready = true;
        me.generating = i;
        e.parts = states_.parts_of(i);
        const State s = Store::state_of(e.parts);
        std::uint32_t succ = 0;
        model_.for_each_successor(s, [&](const Action& a, const State& t) {
            const std::uint64_t h = hash(t);
            __builtin_prefetch(slots_.address(h));
            if (const int p = checker.check_transition(s, a, t); p >= 0)
                note_all(checker, me.found, ViolationKind::Transition, p, std::nullopt, i, t, succ);
            e.successors.push_back(Successor{t, h});
            if (++succ == std::uint32_t{1} << key_order_bits) {
                throw std::length_error("parallel search: a state has more successors than a "
                                        "discovery key can number (2^24)");
            }
        });
        me.transitions += succ;
        if (succ == 0 && options_.check_deadlock && !model_.is_valid_end(s))
            me.found.push_back(Found{ViolationKind::Deadlock, -1, i, i, false, {}, 0});
    }

    /// The next chunk for worker w: from its own run first, then from the others' (the number
    /// of chunks when none is left). Each chunk goes to one worker: a run hands out its chunks
    /// with a fetch-and-add, and one past its end means empty.
    std::uint64_t take_chunk(unsigned w) {
        const unsigned threads = std::max(1U, options_.threads);
        for (unsigned k = 0; k < threads; ++k) {
            ChunkRun& run = runs_[(w + k) % threads];
            if (run.next.load(std::memory_order_relaxed) >= run.end)
                continue;
            const std::uint64_t c = run.next.fetch_add(1, std::memory_order_relaxed);
            if (c < run.end)
                return c;
        }
        return chunks_.size();
    }

    /// Phase 1 for worker w: takes chunks until the level is done, or stops at a state
    /// boundary when any worker asks for the table to grow (or a worker's buffer is full).
    /// What it had generated but not looked up waits in `current` for the next pass.
    template <class Checker>
    void expand(Checker& checker, unsigned w) {
        Worker& me = workers_[w];
        me.paused = false;
        if (me.error)
            return;  // it stopped at its first error; later states' errors come later
        const std::uint64_t buffer_limit = std::uint64_t{1} << worker_shift_;
        try {
            while (true) {
                if (me.at == me.end) {
                    const std::uint64_t c = take_chunk(w);
                    if (c >= chunks_.size())
                        return;
                    reserve_charged(me.chunks, me.chunks.size() + 1, budget_);
                    me.chunks.push_back(c);
                    me.at = chunk_begin(c);
                    me.end = chunk_end(c);
                    chunks_[c].entries_begin = me.entries.size();
                    chunks_[c].lowered_begin = me.lowered.size();
                    // Another worker took a chunk before this one: from here on, provisional.
                    me.direct = me.direct && c == me.direct_chunks;
                    if (me.direct) {
                        ++me.direct_chunks;
                        chunks_[c].direct = true;
                        chunks_[c].first_index = me.direct_next;
                    }
                }
                if (!me.current.ready)
                    generate(checker, me, me.at, me.current);
                const std::size_t coming = me.current.successors.size();
                if (me.entries.size() + coming > buffer_limit)
                    overflow_.store(true, std::memory_order_relaxed);
                if (me.inserted + coming > me.budget || overflow_.load(std::memory_order_relaxed))
                    pause_.store(true, std::memory_order_relaxed);
                if (pause_.load(std::memory_order_relaxed)) {
                    me.paused = true;
                    return;
                }
                if (me.at + 1 < me.end)
                    generate(checker, me, me.at + 1, me.next);
                const std::uint64_t i = me.at;
                for (std::uint32_t succ = 0; succ < coming; ++succ) {
                    const Successor& s = me.current.successors[succ];
                    if (me.direct) {
                        insert_numbered(checker, me, s.state, s.hash, make_key(i, succ),
                                        me.current.parts);
                    } else {
                        insert(me, w, s.state, s.hash, make_key(i, succ), me.current.parts);
                    }
                }
                std::swap(me.current, me.next);
                me.next.ready = false;
                ++me.at;
                if (me.at == me.end) {
                    const std::uint64_t c = me.chunks.back();
                    chunks_[c].entries_end = me.entries.size();
                    chunks_[c].lowered_end = me.lowered.size();
                    if (chunks_[c].direct)
                        chunks_[c].fresh = me.direct_next - chunks_[c].first_index;
                }
            }
        } catch (const std::bad_alloc& e) {
            // Not an error: the level is left out and the search ends incomplete.
            note_out_of_memory(e);
            me.paused = true;
        } catch (...) {
            me.error = std::current_exception();
            me.error_at = me.generating;
            me.at = me.end = 0;
            me.current.ready = false;
        }
    }

    /// Rethrows what the model or checker threw while expanding, from the state expanded
    /// first (run() then replays the level to find the sequential search's first error).
    void rethrow_first_error(unsigned threads) const {
        const Worker* first = nullptr;
        for (unsigned w = 0; w < threads; ++w) {
            if (workers_[w].error && (first == nullptr || workers_[w].error_at < first->error_at))
                first = &workers_[w];
        }
        if (first != nullptr)
            std::rethrow_exception(first->error);
    }

    /// After an error in the level [level_begin_, level_end_), from the model, a property or
    /// the store: expands the level again on this thread as SequentialBfs does, each state's
    /// successors with their transition checks, then the invariants of the states it adds, so
    /// that what the model or checker throws is the error that search meets first. The levels
    /// before are numbered as that search numbers them, so it meets the same states in the
    /// same order. Returns if nothing throws (the caller rethrows what the workers met).
    template <class Checker>
    void replay_level(Checker& checker) {
        const std::uint64_t end = level_end_;
        slots_ = SlotTable();  // it holds this level's provisional entries; the search is over
        states_.resize(end);
        // Load 2/3 at most. Without the memory for it, the workers' error stands (a table
        // past max_slots would be refused the same way).
        SlotTable seen;
        try {
            seen = SlotTable(std::bit_ceil(std::max<std::uint64_t>(end + end / 2, 4096)),
                             options_.tag_home_limit);
        } catch (const std::bad_alloc&) {
            return;
        }
        // Inserts t (hash h) under `index` unless a state in states_ equals it; true if new.
        auto insert = [&](const State& t, std::uint64_t h, std::uint64_t index) {
            if ((index + 1) * 4 > seen.size() * 3) {
                seen = seen.doubled([this](std::uint64_t slot) {
                    return hash(states_[SlotTable::index_of(slot)]);
                });
            }
            return seen
                .find_or_add(
                    h, [&](std::uint64_t idx) { return states_.holds(idx, states_.key(t), t); },
                    [&] { return index; })
                .second;
        };
        for (std::uint64_t i = 0; i < end; ++i)
            insert(states_[i], hash(states_[i]), i);
        std::vector<State> successors;
        for (std::uint64_t i = level_begin_; i < end; ++i) {
            const State s = states_[i];
            successors.clear();
            model_.for_each_successor(s, [&](const Action& a, const State& t) {
                (void)checker.check_transition(s, a, t);
                successors.push_back(t);
            });
            for (const State& t : successors) {
                if (insert(t, hash(t), states_.size())) {
                    states_.push_back(t);
                    (void)checker.check_state(t);
                }
            }
            if (successors.empty() && options_.check_deadlock)
                (void)model_.is_valid_end(s);
        }
    }

    Entry& entry_at(std::uint64_t ref) const {
        return entry_base_[ref >> worker_shift_][ref & ((std::uint64_t{1} << worker_shift_) - 1U)];
    }

    /// Looks successor t (hash h, discovery key `key`) up in the shared table: a new state
    /// goes into this worker's buffer under a provisional entry; a state another chunk found
    /// this level gets the smaller of the two keys.
    void insert(Worker& me, unsigned w, const State& t, std::uint64_t h, std::uint64_t key,
                const typename Store::Parts& from) {
        const std::uint32_t want = SlotTable::tag(h);
        const std::uint64_t place = me.entries.size();
        bool written = false;
        const auto& lookup = states_.key(t, from);
        slots_.probe(h, [&](std::size_t pos) {
            std::atomic_ref<std::uint64_t> cell(slots_[pos]);
            std::uint64_t slot = cell.load(std::memory_order_acquire);
            if (slot == SlotTable::free_slot) {
                if (!written) {
                    me.entries.push_back(Entry{t, key, 0, h, Store::entry_key(lookup)});
                    written = true;
                }
                me.entries[place].slot = pos;
                const std::uint64_t ref = (std::uint64_t{w} << worker_shift_) | place;
                if (cell.compare_exchange_strong(slot, SlotTable::make(want, provisional | ref),
                                                 std::memory_order_release,
                                                 std::memory_order_acquire)) {
                    ++me.inserted;
                    return true;
                }
                // Another worker took this slot first; `slot` is what it wrote.
            }
            if (SlotTable::tag_of(slot) != want)
                return false;
            const std::uint64_t idx = SlotTable::index_of(slot);
            if ((idx & provisional) == 0) {
                if (!states_.holds(idx, lookup, t))
                    return false;
                if (written)
                    me.entries.resize(place);
                return true;
            }
            Entry& other = entry_at(idx & ~provisional);
            if (std::memcmp(&other.state, &t, sizeof(State)) != 0)
                return false;
            if (written)
                me.entries.resize(place);
            std::atomic_ref<std::uint64_t> other_key(other.key);
            std::uint64_t seen = other_key.load(std::memory_order_relaxed);
            while (key < seen) {
                if (other_key.compare_exchange_weak(seen, key, std::memory_order_relaxed)) {
                    me.lowered.push_back(Lowered{key, idx & ~provisional});
                    break;
                }
            }
            return true;
        });
    }

    /// Worker 0 in the level's leading chunks: looks successor t up and, if this level had not
    /// numbered it, gives it the next index at once (see phase 1 in the file comment). No
    /// chunk before this one is left, so `key` is the smallest any worker can meet t by: a
    /// provisional entry of t is a later chunk's, and t is numbered here, with its key.
    template <class Checker>
    void insert_numbered(Checker& checker, Worker& me, const State& t, std::uint64_t h,
                         std::uint64_t key, const typename Store::Parts& from) {
        const std::uint32_t want = SlotTable::tag(h);
        // Once an index past what a slot can name was asked for, this worker inserts nothing
        // more: the search ends incomplete after this pass.
        if (numbering_full_.load(std::memory_order_relaxed))
            return;
        const auto& lookup = states_.key(t, from);
        // Stores t under the next index; the caller then publishes the index in the slot.
        auto take_index = [&]() -> std::optional<std::uint64_t> {
            const std::uint64_t index = me.direct_next;
            if (index >= provisional) {
                numbering_full_.store(true, std::memory_order_relaxed);
                pause_.store(true, std::memory_order_relaxed);
                return std::nullopt;
            }
            if (index >= reserved_)
                charge_store(index);
            states_.set(index, t, lookup);
            parent_[index] = parent_link(key_parent(key), level_begin_);
            return index;
        };
        auto numbered = [&](std::uint64_t index) {
            ++me.direct_next;
            check_new_state(checker, t, index, key_parent(key), me.fresh_found, key_order(key));
        };
        slots_.probe(h, [&](std::size_t pos) {
            std::atomic_ref<std::uint64_t> cell(slots_[pos]);
            std::uint64_t slot = cell.load(std::memory_order_acquire);
            if (slot == SlotTable::free_slot) {
                const std::optional<std::uint64_t> index = take_index();
                if (!index)
                    return true;
                // The release makes the stored state visible to a worker that reads the slot.
                if (cell.compare_exchange_strong(slot, SlotTable::make(want, *index),
                                                 std::memory_order_release,
                                                 std::memory_order_acquire)) {
                    ++me.inserted;
                    numbered(*index);
                    return true;
                }
                // Another worker took this slot first; `slot` is what it wrote.
            }
            if (SlotTable::tag_of(slot) != want)
                return false;
            const std::uint64_t idx = SlotTable::index_of(slot);
            if ((idx & provisional) == 0)
                return states_.holds(idx, lookup, t);
            Entry& other = entry_at(idx & ~provisional);
            if (std::memcmp(&other.state, &t, sizeof(State)) != 0)
                return false;
            // A later chunk's entry: lowering its key takes the state from that chunk. The index
            // comes first: a key lowered for a state left unnumbered would stay lowered.
            const std::optional<std::uint64_t> index = take_index();
            if (!index)
                return true;
            std::atomic_ref<std::uint64_t> other_key(other.key);
            std::uint64_t seen = other_key.load(std::memory_order_relaxed);
            bool lowered = false;
            while (!lowered && key < seen)
                lowered = other_key.compare_exchange_weak(seen, key, std::memory_order_relaxed);
            if (!lowered) {
                throw std::logic_error("parallel search: a state in the level's leading chunks "
                                       "was found first by a later chunk's smaller key");
            }
            // The slot is used, so no other worker writes it during this pass.
            cell.store(SlotTable::make(want, *index), std::memory_order_release);
            numbered(*index);
            return true;
        });
    }

    /// Worker 0, past the store's charged pages: charges the pages for `index` (std::bad_alloc
    /// if refused). Out of line: it runs once per page of states.
    [[gnu::noinline]] void charge_store(std::uint64_t index) {
        states_.reserve(index + 1);
        parent_.reserve(index + 1);
        reserved_ = std::min(states_.charged(), parent_.charged());
    }

    /// Phase 2: how many new states each of this worker's chunks numbers. An own entry is
    /// the chunk's unless an earlier chunk lowered its key below the chunk's first key (a
    /// later chunk's keys are all larger); a note is the chunk's if its key stood.
    void count_chunks(Worker& me) {
        for (const std::uint64_t c : me.chunks) {
            Chunk& chunk = chunks_[c];
            if (chunk.direct)
                continue;  // counted as it was expanded
            const std::uint64_t first_key = make_key(chunk_begin(c), 0);
            std::uint64_t fresh = 0;
            for (std::uint64_t e = chunk.entries_begin; e < chunk.entries_end; ++e) {
                if (me.entries[e].key >= first_key)
                    ++fresh;
            }
            for (std::size_t l = chunk.lowered_begin; l < chunk.lowered_end; ++l) {
                if (entry_at(me.lowered[l].ref).key == me.lowered[l].key)
                    ++fresh;
            }
            chunk.fresh = fresh;
        }
    }

    /// Phase 3: takes chunks left to number until none is left, whichever worker expanded
    /// them, and numbers each chunk's new states in key order (the expanding worker's entries
    /// and notes merged), stores them, turns their provisional slots into indices, and checks
    /// their invariants (what they find goes to `numberer`).
    template <class Checker>
    void number_chunks(Checker& checker, Worker& numberer) {
        try {
            number_chunks_or_throw(checker, numberer);
        } catch (const std::bad_alloc& e) {
            // The compressed store had no room for a new part: the level is left out.
            note_out_of_memory(e);
        }
    }
    template <class Checker>
    void number_chunks_or_throw(Checker& checker, Worker& numberer) {
        constexpr std::uint64_t ahead = 8;
        while (true) {
            const std::size_t item = next_to_number_.fetch_add(1, std::memory_order_relaxed);
            if (item >= to_number_.size())
                return;
            const std::uint64_t c = to_number_[item].chunk;
            const Worker& me = workers_[to_number_[item].expanded_by];
            const std::uint64_t mine = std::uint64_t{to_number_[item].expanded_by} << worker_shift_;
            const Chunk& chunk = chunks_[c];
            const std::uint64_t first_key = make_key(chunk_begin(c), 0);
            std::uint64_t e = chunk.entries_begin;
            std::size_t l = chunk.lowered_begin;
            std::uint64_t next = chunk.first_index;
            while (true) {
                while (e < chunk.entries_end && me.entries[e].key < first_key)
                    ++e;
                while (l < chunk.lowered_end &&
                       entry_at(me.lowered[l].ref).key != me.lowered[l].key)
                    ++l;
                const bool own_left = e < chunk.entries_end;
                const bool note_left = l < chunk.lowered_end;
                if (!own_left && !note_left)
                    break;
                // The slots to settle are far apart in the table: ask for them ahead.
                if (e + ahead < chunk.entries_end)
                    __builtin_prefetch(&slots_[me.entries[e + ahead].slot], 1);
                if (l + ahead < chunk.lowered_end)
                    __builtin_prefetch(&slots_[entry_at(me.lowered[l + ahead].ref).slot], 1);
                std::uint64_t ref = 0;
                if (own_left &&
                    (!note_left || me.entries[e].key < entry_at(me.lowered[l].ref).key)) {
                    ref = mine | e;
                    ++e;
                } else {
                    ref = me.lowered[l].ref;
                    ++l;
                }
                const Entry& entry = entry_at(ref);
                const std::uint64_t parent = key_parent(entry.key);
                const std::uint32_t order = key_order(entry.key);
                states_.set(next, entry.state, entry.lookup);
                parent_[next] = parent_link(parent, level_begin_);
                settle(entry, ref, next);
                check_new_state(checker, entry.state, next, parent, numberer.fresh_found, order);
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
        const std::uint64_t local = ref & ((std::uint64_t{1} << worker_shift_) - 1U);
        if (local >= workers_[ref >> worker_shift_].grown_below) {
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

    /// Doubles the table, every thread moving some of its chunks.
    /// Throws std::bad_alloc (MemoryLimitReached past the budget) before anything changes.
    template <class RunPhase>
    void grow(RunPhase& run_phase) {
        // The old table's memory goes back chunk by chunk as the copy passes it: the two
        // together hold about the new one's, the old one's charge and this.
        budget_.charge(slots_.bytes());
        std::optional<SlotTable> made;
        try {
            made.emplace(slots_.size() * 2, slots_.tag_home_limit());
        } catch (...) {
            budget_.release(slots_.bytes());
            throw;
        }
        SlotTable& bigger = *made;
        const std::size_t chunks = slots_.chunks();
        const unsigned threads = std::max(1U, options_.threads);
        run_phase(
            [&](unsigned w) {
                // Past the tag-home limit: a settled slot's state is in the store, a
                // provisional one's in its finder's buffer with its hash.
                auto hash_of = [this](std::uint64_t slot) {
                    const std::uint64_t idx = SlotTable::index_of(slot);
                    if ((idx & provisional) != 0)
                        return entry_at(idx & ~provisional).hash;
                    return hash(states_[idx]);
                };
                for (std::size_t c = w; c < chunks; c += threads)
                    slots_.template move_chunk<true>(bigger, c, hash_of);
            },
            slots_.size());
        slots_ = std::move(bigger);
    }

    /// The initial state (the levels after it are inserted by the expand phase).
    void insert_initial(const State& t) {
        const std::uint64_t h = hash(t);
        slots_[slots_.home(h)] = SlotTable::make(SlotTable::tag(h), 0);
        table_count_ = 1;
        level_start_.assign(1, 0);
        states_.push_back(t);
        parent_.push_back(0);
    }

    std::uint64_t table_count_ = 0;  ///< used slots, as of the last pass
    std::unique_ptr<Worker[]> workers_;
    /// Where each worker's buffer of entries starts, written once before the search. A
    /// worker that meets another's provisional entry reads the entry through it. Reading
    /// the owner's Worker instead took a cache line the owner writes on every insert (its
    /// buffer's size), one cross-core miss for the reader and one for the owner after:
    /// on Peterson N = 6, 5.3 M of the 35 M look-ups met another worker's entry, and the
    /// 2-thread search ran at 4.2 M states/s with it and 6.0 M without.
    std::unique_ptr<Entry*[]> entry_base_;
    unsigned worker_shift_ = provisional_bits;  ///< a provisional entry's worker number starts here
    std::uint64_t level_begin_ = 0;
    std::uint64_t level_end_ = 0;
    std::uint64_t chunk_states_ = 64;
    std::vector<Chunk> chunks_;
    /// One worker's run of a level's chunks: [first, end) at the level's start, `next` the
    /// first not yet taken. Runs, not one shared counter dealing out chunks in turn: a state
    /// that two workers both reach is found in the other's buffer, a cross-core read, and
    /// with chunks dealt in turn every chunk boundary was also a worker boundary. On Peterson
    /// N = 6 with 2 threads, look-ups meeting the other worker's entry fell from 5.3 M to
    /// 2.9 M, and the search gained 3-9% (two sets of 8 alternating runs).
    struct alignas(64) ChunkRun {
        std::atomic<std::uint64_t> next{0};
        std::uint64_t end = 0;
    };
    std::unique_ptr<ChunkRun[]> runs_;
    std::atomic<bool> pause_{false};
    std::atomic<bool> overflow_{false};
    /// Phase 3's work: the chunks left to number (not worker 0's leading ones), each with the
    /// worker whose buffers hold its entries and notes, taken by any worker in turn.
    struct ToNumber {
        std::uint64_t chunk;
        unsigned expanded_by;
    };
    std::vector<ToNumber> to_number_;
    std::atomic<std::size_t> next_to_number_{0};
    /// Worker 0's direct numbering reached 2^35 (the search is then incomplete).
    std::atomic<bool> numbering_full_{false};
    /// The elements the store's charged pages hold (states_ and parent_ alike).
    std::size_t reserved_ = 0;
    /// A growth of this level was refused: by the budget (over_limit_) or the system, with
    /// out_of_memory_used_ bytes charged.
    std::atomic<bool> out_of_memory_{false};
    bool over_limit_ = false;
    std::size_t out_of_memory_used_ = 0;
};

}  // namespace rseqcheck::checker
