/// \file
/// Level-synchronous parallel breadth-first search with N threads that numbers, counts and
/// reports exactly as SequentialBfs does. Each level:
///  1. expand and insert (parallel, this file): threads take the level in chunks of
///     consecutive states, generate each state's successors, check the transition
///     properties, and look each successor up in the one shared table as soon as it is
///     generated (the sequential search's one-state-deep pipeline). A new state goes into
///     the finder's buffer under a provisional slot entry and carries its discovery key;
///     worker 0 numbers the level's leading chunks at once. The table grows between passes;
///  2. count and 3. number and check (parallel, checker/level_numbering.h): each new state
///     gets the index the sequential search gives it, its slot that index, and its
///     invariants checked.
/// Violations are reported in the sequential order. An error (what the model or checker
/// throws) is the one the sequential search meets first: the failing level is replayed on
/// one thread. Running out of memory ends the search incomplete without the level it
/// happened in. docs/engine.md explains the design: the key-order invariant, the
/// provisional encoding, the growth protocol and the memory orders.
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

#include "checker/level_numbering.h"
#include "checker/memory_budget.h"
#include "checker/model_concept.h"
#include "checker/parent_links.h"
#include "checker/phase_pool.h"
#include "checker/plain_store.h"
#include "checker/reserved_array.h"
#include "checker/search_types.h"
#include "checker/sequential_bfs.h"
#include "checker/slot_table.h"
#include "checker/successor_pipeline.h"
#include "util/input_error.h"

namespace rseqcheck::checker {

template <ExplorableModel M, class Store = PlainStore<typename M::State>>
class ParallelBfs : public LevelNumbering<M, Store> {
    using Base = LevelNumbering<M, Store>;

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
    using Base::buffers_;
    using Base::check_new_state;
    using Base::chunk_begin;
    using Base::chunk_end;
    using Base::chunks_;
    using Base::conclude;
    using Base::count_chunks;
    using Base::drop_buffers;
    using Base::drop_table;
    using Base::entry_at;
    using Base::entry_ref;
    using Base::hash;
    using Base::key_order;
    using Base::key_order_bits;
    using Base::key_parent;
    using Base::level_begin_;
    using Base::level_end_;
    using Base::level_start_;
    using Base::make_key;
    using Base::model_;
    using Base::note_all;
    using Base::note_out_of_memory;
    using Base::number_chunks;
    using Base::open_buffers;
    using Base::open_level;
    using Base::open_search;
    using Base::options_;
    using Base::out_of_memory_;
    using Base::parent_;
    using Base::pause_;
    using Base::place_chunks;
    using Base::plan_to_number;
    using Base::provisional;
    using Base::record_stats;
    using Base::report_once;
    using Base::reserve_to_number;
    using Base::slots_;
    using Base::states_;
    using Base::stop_incomplete;
    using Base::stop_out_of_memory;
    using Base::worker_shift_;
    using typename Base::Chunk;
    using typename Base::Entry;
    using typename Base::Found;
    using typename Base::Lowered;
    using typename Base::WorkerBuffers;

    static constexpr const char* past_numbering =
        "the search reached 2^35 states, past the parallel engine's numbering; use --threads 1";

    /// run() without the replay after an error: the search's opening, then each level's
    /// steps in turn, then the figures.
    template <class Checker>
    SearchResult search(Checker& checker) {
        const auto start = std::chrono::steady_clock::now();
        // At least one: the constructor clamps it, restated here for the analyser.
        const unsigned threads = std::max(1U, options_.threads);
        SearchResult result;
        start_search(threads, result);
        std::unique_ptr<PhasePool> pool;
        try {
            if (threads > 1)
                pool = std::make_unique<PhasePool>(threads);
        } catch (const std::system_error&) {
            // No thread can be started (ulimit -v leaves no room for a stack): every phase
            // runs its parts on this thread, one after another, with the same results.
            pool = nullptr;
        }
        pool_ = pool.get();
        {
            std::vector<Found> found;
            check_new_state(checker, states_[0], 0, 0, found);
            for (const Found& f : found)
                report_once(result, f.kind, f.property, f.state, f.from);
        }
        std::uint64_t transitions = 0;
        std::uint64_t level_begin = 0;
        bool stop = (options_.stop_at_first && !result.violations.empty()) ||
                    result.verdict == Verdict::Incomplete;
        while (level_begin < states_.size() && !stop) {
            const std::uint64_t level_end = states_.size();
            // This level is numbered and none of the next: its links pack
            // (checker/parent_links.h); if there is no room they stay open.
            (void)parent_.seal(level_start_, level_end);
            if (!start_level(result, level_begin, level_end, threads))
                break;
            // Phase 1, in passes with the table's growth between them.
            expand_level(checker, threads);
            // After every worker has stopped for good: an error in an earlier state may come
            // from a worker that was paused when another one failed.
            rethrow_first_error(threads);
            if (out_of_memory_) {
                stop_incomplete(result);
                break;
            }
            transitions += level_transitions(threads);
            if (stop_past_numbering(result))
                break;
            // Phase 2: each chunk's new states; their indices follow in chunk order.
            run_phase([&](unsigned worker) { count_chunks(worker); }, level_states());
            const std::uint64_t added_end = place_chunks(level_end);
            if (added_end > provisional) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = past_numbering;
                break;
            }
            if (!charge_level(result, transitions, level_end, added_end, threads))
                break;
            if (added_end > level_end)
                level_start_.push_back(level_end);  // every state this level adds is one deeper
            // Phase 3: number the new states, fix their slots, check their invariants.
            // Any worker numbers any chunk: worker 0's leading chunks need none, so the
            // chunks each worker expanded would leave it with less to do than the others.
            plan_to_number(threads);
            run_phase([&](unsigned worker) { number_chunks(checker, worker); }, level_states());
            if (out_of_memory_) {
                leave_level_out(transitions, level_end, added_end, threads);
                stop_incomplete(result);
                break;
            }
            states_.quiesce();  // no other thread uses the store between levels
            report_level(result, threads);
            stop = options_.stop_at_first && !result.violations.empty();
            level_begin = level_end;
        }
        pool_ = nullptr;
        record_stats(result, transitions, start);
        // The report after an incomplete search reads the store, never the table or the
        // workers' buffers: their memory goes back for the report to use.
        if (result.verdict == Verdict::Incomplete)
            drop_search_memory(threads);
        conclude(result);
        return result;
    }

    /// The search's opening: the first table, the initial state, the workers and their
    /// buffers, the chunk runs.
    void start_search(unsigned threads, SearchResult& result) {
        open_search(std::size_t{1} << 12U);
        table_count_ = 0;
        insert_initial(model_.initial_state());
        budget_.allow_overdraft(false);
        overflow_.store(false, std::memory_order_relaxed);
        workers_ = std::make_unique<Worker[]>(threads);
        runs_ = std::make_unique<ChunkRun[]>(threads);
        open_buffers(threads, result);
    }

    /// Runs `part(worker)` for every worker, on the pool's threads, or one after another on
    /// this thread without a pool or for a phase of fewer than parallel_min_items items
    /// (a level's states, a table's slots).
    void run_phase(const std::function<void(unsigned)>& part, std::uint64_t items) {
        const unsigned threads = std::max(1U, options_.threads);
        if (pool_ == nullptr || items < options_.parallel_min_items) {
            for (unsigned worker = 0; worker < threads; ++worker)
                part(worker);
            return;
        }
        pool_->run(part);
    }
    std::uint64_t level_states() const { return level_end_ - level_begin_; }

    /// Sets up level [level_begin, level_end): its chunks, each worker's run of them, the
    /// workers. False (and the search incomplete) if it cannot be searched.
    bool start_level(SearchResult& result, std::uint64_t level_begin, std::uint64_t level_end,
                     unsigned threads) {
        const std::uint64_t n = level_end - level_begin;
        if (n - 1 > std::numeric_limits<std::uint32_t>::max()) {
            // Its states' successors could not all be linked to them (parent_link).
            result.verdict = Verdict::Incomplete;
            result.incomplete_reason = "a breadth-first level passed 2^32 states, more than "
                                       "a parent link can reach";
            return false;
        }
        const std::uint64_t chunk_states =
            std::clamp<std::uint64_t>(n / (std::uint64_t{threads} * 8U), 64, 4096);
        const std::uint64_t chunk_count = (n + chunk_states - 1) / chunk_states;
        try {
            open_level(level_begin, level_end, chunk_states, chunk_count, threads);
        } catch (const std::bad_alloc& e) {
            stop_out_of_memory(result, e);
            return false;
        }
        for (unsigned worker = 0; worker < threads; ++worker) {
            runs_[worker].next.store(chunks_.size() * worker / threads, std::memory_order_relaxed);
            runs_[worker].end = chunks_.size() * (worker + 1) / threads;
        }
        for (unsigned worker = 0; worker < threads; ++worker)
            workers_[worker].start_level();
        workers_[0].direct = true;
        workers_[0].direct_next = level_end;
        // Worker 0 writes its states straight into the store, so it charges the store's
        // pages itself (past the reservation, std::bad_alloc, as resize() would throw).
        reserved_ = std::min(states_.charged(), parent_.charged());
        numbering_full_.store(false, std::memory_order_relaxed);
        return true;
    }

    /// Phase 1, in passes: a pass ends when the level is done or a worker would take the
    /// table past its load; the table then doubles and the next pass resumes.
    template <class Checker>
    void expand_level(Checker& checker, unsigned threads) {
        while (true) {
            set_budgets(threads);
            pause_.store(false, std::memory_order_relaxed);
            run_phase([&](unsigned worker) { expand(checker, worker); }, level_states());
            std::uint64_t added = 0;
            std::size_t need = 0;
            bool paused = false;
            for (unsigned worker = 0; worker < threads; ++worker) {
                added += workers_[worker].inserted;
                workers_[worker].inserted = 0;
                need = std::max(need, workers_[worker].pipeline.current.successors.size());
                paused = paused || workers_[worker].paused;
            }
            table_count_ += added;
            if (!paused || overflow_ || numbering_full_ || out_of_memory_)
                return;
            try {
                do {
                    grow();
                } while ((slots_.size() * 3 / 4 - table_count_) / threads < need);
            } catch (const std::bad_alloc& e) {
                note_out_of_memory(e);
                return;
            }
            // The provisional entries placed so far have moved: settle them by probing.
            for (unsigned worker = 0; worker < threads; ++worker)
                buffers_[worker].grown_below = buffers_[worker].entries.size();
        }
    }

    /// Ends the search incomplete (true) if the level's states passed what the numbering
    /// names: a worker's buffer, or worker 0's direct numbering.
    bool stop_past_numbering(SearchResult& result) const {
        if (!overflow_ && !numbering_full_)
            return false;
        result.verdict = Verdict::Incomplete;
        result.incomplete_reason = numbering_full_
                                       ? std::string(past_numbering)
                                       : "a search level adds more new states than a worker's "
                                         "buffer can name (2^" +
                                             std::to_string(worker_shift_) +
                                             "); use fewer threads or --threads 1";
        return true;
    }

    /// Charges everything phase 3 writes, before any of it is written: a refusal leaves the
    /// store as it was, with the levels before this one, and ends the search (false).
    bool charge_level(SearchResult& result, std::uint64_t& transitions, std::uint64_t level_end,
                      std::uint64_t added_end, unsigned threads) {
        try {
            states_.resize(added_end);
            parent_.resize(added_end);
            reserve_charged(level_start_, level_start_.size() + 1, budget_);
            reserve_to_number();
        } catch (const std::bad_alloc& e) {
            transitions -= level_transitions(threads);
            states_.resize(level_end);
            parent_.resize(level_end);
            stop_out_of_memory(result, e);
            return false;
        }
        return true;
    }
    /// After a refusal in phase 3: the store goes back to the levels before this one.
    void leave_level_out(std::uint64_t& transitions, std::uint64_t level_end,
                         std::uint64_t added_end, unsigned threads) {
        transitions -= level_transitions(threads);
        states_.resize(level_end);
        parent_.resize(level_end);
        if (added_end > level_end)
            level_start_.pop_back();
    }

    /// Reports the level's violations in the sequential order: a level's expansion
    /// interleaves the transition checks of each parent with the invariant checks of the
    /// states it discovers.
    void report_level(SearchResult& result, unsigned threads) {
        std::vector<Found> level;
        for (unsigned worker = 0; worker < threads; ++worker) {
            for (Found& f : workers_[worker].found) {
                if (f.unresolved)
                    f.state = *this->find(f.target);
                level.push_back(f);
            }
            level.insert(level.end(), buffers_[worker].fresh_found.begin(),
                         buffers_[worker].fresh_found.end());
        }
        std::stable_sort(level.begin(), level.end(), [](const Found& a, const Found& b) {
            return sequential_key(a) < sequential_key(b);
        });
        for (const Found& f : level) {
            // SequentialBfs stops after the parent whose expansion found the first one.
            if (options_.stop_at_first && !result.violations.empty() &&
                f.from != result.violations.front().from_state)
                break;
            report_once(result, f.kind, f.property, f.state, f.from);
        }
    }

    /// The transitions the workers generated in this level.
    std::uint64_t level_transitions(unsigned threads) const {
        std::uint64_t sum = 0;
        for (unsigned worker = 0; worker < threads; ++worker)
            sum += workers_[worker].transitions;
        return sum;
    }
    /// After an incomplete search: the table and the workers' buffers, which the report
    /// never reads, go back.
    void drop_search_memory(unsigned threads) {
        drop_table();
        drop_buffers(threads);
    }

    /// One state's successors, hashed, their slots prefetched and their transitions checked
    /// (checker/successor_pipeline.h); violations go to the worker's list as they come.
    using Expanded = Expansion<State, Nothing, typename Store::Parts>;
    /// A worker's phase 1: where it is in the level, what it found. One cache line apart:
    /// workers write their own counters and vectors in the hot loop.
    struct alignas(64) Worker {
        std::vector<Found> found;  ///< transition violations and deadlocks
        LookAhead<Expanded> pipeline;
        std::uint64_t at = 0;   ///< the next state to look up successors of
        std::uint64_t end = 0;  ///< the end of the chunk being expanded
        std::uint64_t transitions = 0;
        std::uint64_t inserted = 0;  ///< inserts since the last budget was set
        std::uint64_t budget = 0;
        std::exception_ptr error;
        std::uint64_t generating = 0;     ///< the state being expanded
        std::uint64_t error_at = 0;       ///< the state whose expansion threw
        std::uint64_t direct_next = 0;    ///< worker 0: the index its next new state gets
        std::uint64_t direct_chunks = 0;  ///< worker 0: chunks taken so far, the next one's
        bool paused = false;
        /// Worker 0 only: it is still in the level's leading chunks and numbers as it goes.
        /// (The two flags last, together: no padding between the 8-byte members.)
        bool direct = false;
        void start_level() {
            found.clear();
            pipeline.reset();
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

    /// Each worker may insert this many states before the table must grow: together they
    /// keep its load at 3/4 or under.
    void set_budgets(unsigned threads) {
        const std::uint64_t room = slots_.size() * 3 / 4 - table_count_;
        for (unsigned worker = 0; worker < threads; ++worker)
            workers_[worker].budget = room / threads;
    }

    /// Generates state i's successors into `into`, hashing each, prefetching its slot, and
    /// checking the transition properties and the deadlock check on it.
    template <class Checker>
    void generate(Checker& checker, Worker& worker, std::uint64_t i, Expanded& into) {
        worker.generating = i;
        into.parts = states_.parts_of(i);
        const State s = Store::state_of(into.parts);
        std::uint32_t order = 0;
        generate_successors(
            model_, s, into.successors,
            [&](std::uint64_t h) { __builtin_prefetch(slots_.address(h)); },
            [&](const Action& a, const State& t, std::uint64_t) -> std::optional<Nothing> {
                if (const int p = checker.check_transition(s, a, t); p >= 0) {
                    note_all(checker, worker.found, ViolationKind::Transition, p, std::nullopt, i,
                             t, order);
                }
                if (++order == std::uint32_t{1} << key_order_bits) {
                    throw std::length_error("parallel search: a state has more successors "
                                            "than a discovery key can number (2^24)");
                }
                return Nothing{};
            });
        worker.transitions += order;
        if (order == 0 && options_.check_deadlock && !model_.is_valid_end(s))
            worker.found.push_back(Found{ViolationKind::Deadlock, -1, i, i, false, {}, 0});
    }

    /// The next chunk for worker `id`: from its own run first, then from the others' (the
    /// number of chunks when none is left). Each chunk goes to one worker: a run hands out
    /// its chunks with a fetch-and-add, and one past its end means empty.
    std::uint64_t take_chunk(unsigned id) {
        const unsigned threads = std::max(1U, options_.threads);
        for (unsigned k = 0; k < threads; ++k) {
            ChunkRun& run = runs_[(id + k) % threads];
            if (run.next.load(std::memory_order_relaxed) >= run.end)
                continue;
            const std::uint64_t c = run.next.fetch_add(1, std::memory_order_relaxed);
            if (c < run.end)
                return c;
        }
        return chunks_.size();
    }

    /// Phase 1 for worker `id`: takes chunks until the level is done, or stops at a state
    /// boundary when any worker asks for the table to grow (or a worker's buffer is full).
    /// What it had generated but not looked up waits in `current` for the next pass.
    template <class Checker>
    void expand(Checker& checker, unsigned id) {
        Worker& worker = workers_[id];
        WorkerBuffers& buffers = buffers_[id];
        worker.paused = false;
        if (worker.error)
            return;  // it stopped at its first error; later states' errors come later
        const std::uint64_t buffer_limit = std::uint64_t{1} << worker_shift_;
        try {
            while (true) {
                if (worker.at == worker.end) {
                    const std::uint64_t c = take_chunk(id);
                    if (c >= chunks_.size())
                        return;
                    reserve_charged(buffers.chunks, buffers.chunks.size() + 1, budget_);
                    buffers.chunks.push_back(c);
                    worker.at = chunk_begin(c);
                    worker.end = chunk_end(c);
                    Chunk& chunk = chunks_[c];
                    chunk.entries_begin = buffers.entries.size();
                    chunk.lowered_begin = buffers.lowered.size();
                    // Another worker took a chunk before this one: from here on, provisional.
                    worker.direct = worker.direct && c == worker.direct_chunks;
                    if (worker.direct) {
                        ++worker.direct_chunks;
                        chunk.direct = true;
                        chunk.first_index = worker.direct_next;
                    }
                }
                auto fill = [&](std::uint64_t k, Expanded& e) {
                    generate(checker, worker, k, e);
                };
                const Expanded& current = worker.pipeline.at(worker.at, fill);
                const std::size_t coming = current.successors.size();
                if (buffers.entries.size() + coming > buffer_limit)
                    overflow_.store(true, std::memory_order_relaxed);
                if (worker.inserted + coming > worker.budget ||
                    overflow_.load(std::memory_order_relaxed))
                    pause_.store(true, std::memory_order_relaxed);
                if (pause_.load(std::memory_order_relaxed)) {
                    worker.paused = true;
                    return;
                }
                if (worker.at + 1 < worker.end)
                    worker.pipeline.ahead(worker.at + 1, fill);
                const std::uint64_t parent = worker.at;
                for (std::uint32_t order = 0; order < coming; ++order) {
                    const auto& succ = current.successors[order];
                    if (worker.direct) {
                        insert_numbered(checker, worker, buffers, succ.state, succ.hash,
                                        make_key(parent, order), current.parts);
                    } else {
                        insert(worker, buffers, id, succ.state, succ.hash, make_key(parent, order),
                               current.parts);
                    }
                }
                worker.pipeline.advance();
                ++worker.at;
                if (worker.at == worker.end) {
                    Chunk& chunk = chunks_[buffers.chunks.back()];
                    chunk.entries_end = buffers.entries.size();
                    chunk.lowered_end = buffers.lowered.size();
                    if (chunk.direct)
                        chunk.fresh = worker.direct_next - chunk.first_index;
                }
            }
        } catch (const std::bad_alloc& e) {
            // Not an error: the level is left out and the search ends incomplete.
            note_out_of_memory(e);
            worker.paused = true;
        } catch (...) {
            worker.error = std::current_exception();
            worker.error_at = worker.generating;
            worker.at = worker.end = 0;
            worker.pipeline.reset();
        }
    }

    /// Rethrows what the model or checker threw while expanding, from the state expanded
    /// first (run() then replays the level to find the sequential search's first error).
    void rethrow_first_error(unsigned threads) const {
        const Worker* first = nullptr;
        for (unsigned worker = 0; worker < threads; ++worker) {
            if (workers_[worker].error &&
                (first == nullptr || workers_[worker].error_at < first->error_at))
                first = &workers_[worker];
        }
        if (first != nullptr)
            std::rethrow_exception(first->error);
    }

    /// After an error in the level [level_begin_, level_end_), from the model, a property or
    /// the store: searches again on this thread with SequentialBfs, from the initial state up
    /// to that level and the states it adds, so that what the model or checker throws is the
    /// error that search meets first (an error path: the time of the search so far again).
    /// The replay has what is left of the memory limit once this search's table and
    /// buffers are gone. Returns if nothing throws (the caller rethrows what the workers met).
    template <class Checker>
    void replay_level(Checker& checker) {
        SearchOptions replay = options_;
        replay.threads = 1;
        replay.expand_below_depth = level_end_ == 0 ? 0 : this->depth_of(level_begin_) + 1;
        replay.memory_kept_bytes = 0;  // still charged to this search's budget
        drop_table();
        drop_buffers(std::max(1U, options_.threads));
        if (replay.memory_limit_bytes != 0) {
            const std::size_t held = budget_.used();
            if (held >= replay.memory_limit_bytes)
                return;  // without the memory for it, the workers' error stands
            replay.memory_limit_bytes -= held;
        }
        SequentialBfs<M, Store> sequential(model_, replay);
        (void)sequential.run(checker);
    }

    /// Looks successor t (hash h, discovery key `key`) up in the shared table: a new state
    /// goes into this worker's buffer under a provisional entry; a state another chunk found
    /// this level gets the smaller of the two keys.
    void insert(Worker& worker, WorkerBuffers& buffers, unsigned id, const State& t,
                std::uint64_t h, std::uint64_t key, const typename Store::Parts& from) {
        const std::uint32_t tag = SlotTable::tag(h);
        const std::uint64_t place = buffers.entries.size();
        bool written = false;
        const auto& lookup = states_.key(t, from);
        slots_.probe(h, [&](std::size_t pos) {
            std::atomic_ref<std::uint64_t> cell(slots_[pos]);
            std::uint64_t slot = cell.load(std::memory_order_acquire);
            if (slot == SlotTable::free_slot) {
                if (!written) {
                    buffers.entries.push_back(Entry{t, key, 0, h, Store::entry_key(lookup)});
                    written = true;
                }
                buffers.entries[place].slot = pos;
                const std::uint64_t ref = entry_ref(id, place);
                if (cell.compare_exchange_strong(slot, SlotTable::make(tag, provisional | ref),
                                                 std::memory_order_release,
                                                 std::memory_order_acquire)) {
                    ++worker.inserted;
                    return true;
                }
                // Another worker took this slot first; `slot` is what it wrote.
            }
            if (SlotTable::tag_of(slot) != tag)
                return false;
            const std::uint64_t idx = SlotTable::index_of(slot);
            if ((idx & provisional) == 0) {
                if (!states_.holds(idx, lookup, t))
                    return false;
                if (written)
                    buffers.entries.resize(place);
                return true;
            }
            Entry& other = entry_at(idx & ~provisional);
            if (std::memcmp(&other.state, &t, sizeof(State)) != 0)
                return false;
            if (written)
                buffers.entries.resize(place);
            std::atomic_ref<std::uint64_t> other_key(other.key);
            std::uint64_t other_was = other_key.load(std::memory_order_relaxed);
            while (key < other_was) {
                if (other_key.compare_exchange_weak(other_was, key, std::memory_order_relaxed)) {
                    buffers.lowered.push_back(Lowered{key, idx & ~provisional});
                    break;
                }
            }
            return true;
        });
    }

    /// Worker 0 in the level's leading chunks: looks successor t up and, if this level had not
    /// numbered it, gives it the next index at once (see docs/engine.md). No chunk before
    /// this one is left, so `key` is the smallest any worker can meet t by: a provisional
    /// entry of t is a later chunk's, and t is numbered here, with its key.
    template <class Checker>
    void insert_numbered(Checker& checker, Worker& worker, WorkerBuffers& buffers, const State& t,
                         std::uint64_t h, std::uint64_t key, const typename Store::Parts& from) {
        const std::uint32_t tag = SlotTable::tag(h);
        // Once an index past what a slot can name was asked for, this worker inserts nothing
        // more: the search ends incomplete after this pass.
        if (numbering_full_.load(std::memory_order_relaxed))
            return;
        const auto& lookup = states_.key(t, from);
        // Stores t under the next index; the caller then publishes the index in the slot.
        auto take_index = [&]() -> std::optional<std::uint64_t> {
            const std::uint64_t index = worker.direct_next;
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
            ++worker.direct_next;
            check_new_state(checker, t, index, key_parent(key), buffers.fresh_found,
                            key_order(key));
        };
        slots_.probe(h, [&](std::size_t pos) {
            std::atomic_ref<std::uint64_t> cell(slots_[pos]);
            std::uint64_t slot = cell.load(std::memory_order_acquire);
            if (slot == SlotTable::free_slot) {
                const std::optional<std::uint64_t> index = take_index();
                if (!index)
                    return true;
                // The release makes the stored state visible to a worker that reads the slot.
                if (cell.compare_exchange_strong(slot, SlotTable::make(tag, *index),
                                                 std::memory_order_release,
                                                 std::memory_order_acquire)) {
                    ++worker.inserted;
                    numbered(*index);
                    return true;
                }
                // Another worker took this slot first; `slot` is what it wrote.
            }
            if (SlotTable::tag_of(slot) != tag)
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
            std::uint64_t other_was = other_key.load(std::memory_order_relaxed);
            bool lowered = false;
            while (!lowered && key < other_was) {
                lowered =
                    other_key.compare_exchange_weak(other_was, key, std::memory_order_relaxed);
            }
            RSEQCHECK_CHECK(lowered, "parallel search: a state in the level's leading chunks was "
                                     "found first by a later chunk's smaller key");
            // The slot is used, so no other worker writes it during this pass.
            cell.store(SlotTable::make(tag, *index), std::memory_order_release);
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

    /// Doubles the table, every thread moving some of its chunks.
    /// Throws std::bad_alloc (MemoryLimitReached past the budget) before anything changes.
    void grow() {
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
            [&](unsigned worker) {
                // Past the tag-home limit: a settled slot's state is in the store, a
                // provisional one's in its finder's buffer with its hash.
                auto hash_of = [this](std::uint64_t slot) {
                    const std::uint64_t idx = SlotTable::index_of(slot);
                    if ((idx & provisional) != 0)
                        return entry_at(idx & ~provisional).hash;
                    return hash(states_[idx]);
                };
                for (std::size_t c = worker; c < chunks; c += threads)
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
    /// The threads of this search's phases (none: every phase on the calling thread).
    PhasePool* pool_ = nullptr;
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
    std::atomic<bool> overflow_{false};
    /// Worker 0's direct numbering reached 2^35 (the search is then incomplete).
    std::atomic<bool> numbering_full_{false};
    /// The elements the store's charged pages hold (states_ and parent_ alike).
    std::size_t reserved_ = 0;
};

}  // namespace rseqcheck::checker
