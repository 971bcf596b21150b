/// \file
/// Level-synchronous parallel breadth-first search with N threads that numbers, counts and
/// reports exactly as SequentialBfs does. Each BFS level runs in three phases:
///  1. expand (parallel): the frontier is cut into contiguous chunks; a thread generates the
///     successors of its chunk, checks transition properties, and keeps every successor
///     (it does not look in the store: each successor is looked up once, in phase 2, by
///     the thread that owns its sub-table);
///  2. insert: the store is split into sub-tables by the top bits of the hash. While
///     expanding, each thread also lists its kept successors by sub-table, with their slot
///     tags. Each thread then owns some sub-tables and, walking their lists in (parent,
///     successor) order (the order the sequential search meets them in), marks the first
///     occurrence of each new state with a provisional entry and counts them. A prefix sum
///     over the threads' counts gives each thread the first index of its new states, so
///     every thread numbers its own in order, in parallel, and turns their provisional
///     entries into state indices. Indices, parents and depths therefore equal the
///     sequential ones (a depth is not stored per state: each level's first index is);
///  3. check (parallel): invariants on the states the level added.
/// Violations are gathered per thread and reported in the sequential order, each property
/// once, so the first violation of a property has a shortest trace as in SequentialBfs.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "checker/huge_page_allocator.h"
#include "checker/model_concept.h"
#include "checker/reserved_array.h"
#include "checker/search_types.h"
#include "checker/slot_table.h"

namespace rseqcheck::checker {

template <ExplorableModel M>
class ParallelBfs {
public:
    using State = typename M::State;
    using Action = typename M::Action;
    struct Step {
        Action action{};
        State state{};
        bool has_action = false;
    };

    ParallelBfs(const M& model, SearchOptions options) : model_(model), options_(options) {
        if (options_.threads < 1)
            options_.threads = 1;
    }

    template <class Checker>
    SearchResult run(Checker& checker) {
        const auto start = std::chrono::steady_clock::now();
        // At least one: the constructor clamps it, restated here for the analyser.
        const unsigned threads = std::max(1U, options_.threads);
        SearchResult result;
        for (auto& sub : slots_)
            sub = SlotTable(std::size_t{1} << 12U);
        std::fill(sub_count_.begin(), sub_count_.end(), 0);
        std::vector<bool> reported;
        auto report = [&](const Found& f) {
            const std::size_t key = f.property < 0 ? 0 : static_cast<std::size_t>(f.property) + 1;
            if (reported.size() <= key)
                reported.resize(key + 1, false);
            if (reported[key])
                return;
            reported[key] = true;
            result.violations.push_back(
                Violation{f.kind, f.property, f.state, f.from, depth_of(f.state)});
        };
        insert_initial(model_.initial_state());
        {
            std::vector<Found> found;
            check_new_state(checker, 0, 0, found);
            for (const Found& f : found)
                report(f);
        }
        std::uint64_t transitions = 0;
        std::vector<Worker> workers(threads);
        std::uint64_t level_begin = 0;
        bool stop = options_.stop_at_first && !result.violations.empty();
        while (level_begin < states_.size() && !stop) {
            const std::uint64_t level_end = states_.size();
            // Phase 1: expand the level in contiguous chunks, one per thread. (The phases take
            // the thread count by value: a lambda holding it by reference lets the analyser
            // assume run_on_threads changed it to zero.)
            const std::uint64_t n = level_end - level_begin;
            auto expand = [&, parts = threads](unsigned w) {
                Worker& me = workers[w];
                me.clear();
                const std::uint64_t lo = level_begin + n * w / parts;
                const std::uint64_t hi = level_begin + n * (w + 1) / parts;
                for (std::uint64_t i = lo; i < hi; ++i) {
                    const State s = states_[i];
                    std::uint32_t succ = 0;
                    model_.for_each_successor(s, [&](const Action& a, const State& t) {
                        ++me.transitions;
                        const std::uint64_t h = hash(t);
                        if (const int p = checker.check_transition(s, a, t); p >= 0) {
                            note_all(checker, me.found, ViolationKind::Transition, p, std::nullopt,
                                     i, t, succ);
                        }
                        me.by_partition[partition_of(h)].push_back(
                            Listed{SlotTable::tag(h), static_cast<std::uint32_t>(me.kept.size())});
                        me.kept.push_back(Kept{t, static_cast<std::uint32_t>(i), succ});
                        ++succ;
                    });
                    const bool any = succ != 0;
                    if (!any && options_.check_deadlock && !model_.is_valid_end(s))
                        me.found.push_back(Found{ViolationKind::Deadlock, -1, i, i, false, {}, 0});
                }
            };
            run_on_threads(threads, expand, n);
            // Phase 2: insert in sequential order; resolve transition violations' targets.
            // A level keeps one successor per transition; they are numbered in 31 bits.
            // The level's kept successors in sequential order: worker 0's, then worker 1's...
            kept_parts_.clear();
            std::size_t kept_total = 0;
            for (Worker& w : workers) {
                transitions += w.transitions;
                kept_parts_.push_back({w.kept.data(), kept_total});
                kept_total += w.kept.size();
            }
            kept_parts_.push_back({nullptr, kept_total});
            if (kept_total >= provisional) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = "a search level has 2^31 transitions or more, past "
                                           "the parallel engine's numbering; use --threads 1";
                break;
            }
            first_.assign(kept_total, 0);
            slot_of_.resize(kept_total);
            auto mark = [&, parts = threads](unsigned w) {
                for (std::size_t p = w; p < partitions; p += parts)
                    mark_partition(workers, p);
            };
            run_on_threads(threads, mark, kept_total);
            // Each worker's new states get consecutive indices after the previous workers'.
            std::vector<std::uint64_t> first_index(threads + 1, states_.size());
            for (unsigned w = 0; w < threads; ++w) {
                std::uint64_t fresh = 0;
                for (std::size_t p = 0; p < partitions; ++p)
                    fresh += fresh_count_[p][w];
                first_index[w + 1] = first_index[w] + fresh;
            }
            const std::uint64_t added_end = first_index[threads];
            states_.resize(added_end);
            parent_.resize(added_end);
            if (added_end > level_end)
                level_start_.push_back(level_end);  // every state this level adds is one deeper
            discovered_at_.resize(added_end - level_end);
            auto number = [&](unsigned w) {
                const Worker& me = workers[w];
                const std::size_t offset = kept_parts_[w].offset;
                std::uint64_t next = first_index[w];
                for (std::size_t j = 0; j < me.kept.size(); ++j) {
                    if (first_[offset + j] == 0)
                        continue;
                    const Kept& k = me.kept[j];
                    // The provisional entry becomes the state's index. Each new state has its
                    // own slot, so threads writing into the same sub-table never collide.
                    const std::uint64_t h = hash(k.state);
                    slots_[partition_of(h)][slot_of_[offset + j]] =
                        SlotTable::make(SlotTable::tag(h), static_cast<std::uint32_t>(next));
                    states_[next] = k.state;
                    parent_[next] = k.parent;
                    discovered_at_[next - level_end] = k.succ;
                    ++next;
                }
            };
            run_on_threads(threads, number, kept_total);
            // Phase 3: invariants on the new states, in contiguous chunks.
            const std::uint64_t m = added_end - level_end;
            auto check = [&, parts = threads](unsigned w) {
                Worker& me = workers[w];
                me.fresh_found.clear();
                const std::uint64_t lo = level_end + m * w / parts;
                const std::uint64_t hi = level_end + m * (w + 1) / parts;
                for (std::uint64_t i = lo; i < hi; ++i) {
                    check_new_state(checker, i, parent_[i], me.fresh_found,
                                    discovered_at_[i - level_end]);
                }
            };
            run_on_threads(threads, check, m);
            // Report in the sequential order: a level's expansion interleaves the transition
            // checks of each parent with the invariant checks of the states it discovers.
            std::vector<Found> level;
            for (Worker& w : workers) {
                for (Found& f : w.found) {
                    if (f.unresolved)
                        f.state = *find(f.target);
                    level.push_back(f);
                }
                level.insert(level.end(), w.fresh_found.begin(), w.fresh_found.end());
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
            if (options_.memory_limit_bytes != 0 && store_bytes() > options_.memory_limit_bytes) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = "memory limit of " +
                                           std::to_string(options_.memory_limit_bytes) +
                                           " bytes reached";
                break;
            }
        }
        result.stats.states = states_.size();
        result.stats.transitions = transitions;
        result.stats.depth = static_cast<std::uint32_t>(level_start_.size() - 1);
        result.stats.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.stats.states_per_second =
            result.stats.seconds > 0 ? static_cast<double>(states_.size()) / result.stats.seconds
                                     : 0.0;
        result.stats.store_bytes = store_bytes();
        result.stats.bytes_per_state =
            static_cast<double>(store_bytes()) / static_cast<double>(states_.size());
        result.stats.peak_rss_bytes = peak_rss_bytes();
        if (result.verdict != Verdict::Incomplete)
            result.verdict = result.violations.empty() ? Verdict::Holds : Verdict::Violated;
        return result;
    }

    std::uint64_t size() const { return states_.size(); }
    const State& state_at(std::uint64_t i) const { return states_[i]; }
    /// Depth (BFS level) of a reached state: the last level that starts at or before i.
    std::uint32_t depth_of(std::uint64_t i) const {
        const auto above = std::upper_bound(level_start_.begin(), level_start_.end(), i);
        return static_cast<std::uint32_t>(above - level_start_.begin() - 1);
    }
    std::optional<std::uint64_t> find(const State& t) const { return lookup(t, hash(t)); }

    /// Shortest path from the initial state; element 0 is the initial state.
    std::vector<Step> path_to(std::uint64_t target) const {
        std::vector<std::uint64_t> chain;
        for (std::uint64_t i = target; i != 0; i = parent_[i])
            chain.push_back(i);
        std::vector<Step> path;
        path.push_back(Step{Action{}, states_[0], false});
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const State& from = path.back().state;
            const State& to = states_[*it];
            Step step{Action{}, to, false};
            model_.for_each_successor(from, [&](const Action& a, const State& t) {
                if (!step.has_action && std::memcmp(&t, &to, sizeof(State)) == 0) {
                    step.action = a;
                    step.has_action = true;
                }
            });
            path.push_back(step);
        }
        return path;
    }

private:
    static constexpr std::size_t partitions = 16;  ///< sub-tables, by the hash's top 4 bits

    /// A violation seen by a worker. Transition violations to a state not yet in the store
    /// carry the state and are resolved to an index after the insert phase.
    struct Found {
        ViolationKind kind;
        int property;
        std::uint64_t state;
        std::uint64_t from;
        bool unresolved;
        State target;
        std::uint32_t order;  ///< the successor's position in its parent's list
    };
    struct Kept {
        State state;
        std::uint32_t parent;
        std::uint32_t succ;  ///< position among the parent's successors
    };
    /// A kept successor as its sub-table's list holds it: its slot tag, so that walking
    /// the list finds each home slot without touching `kept`, and its position in `kept`.
    struct Listed {
        std::uint32_t tag;
        std::uint32_t kept;
    };
    /// One cache line apart: workers write their own counters and vectors in the hot loop.
    struct alignas(64) Worker {
        std::vector<Kept, HugePageAllocator<Kept>> kept;
        /// The successors that fall in each sub-table, by ascending position in `kept`.
        std::array<std::vector<Listed, HugePageAllocator<Listed>>, partitions> by_partition;
        std::vector<Found> found;
        std::vector<Found> fresh_found;
        std::uint64_t transitions = 0;
        void clear() {
            kept.clear();
            for (auto& list : by_partition)
                list.clear();
            found.clear();
            transitions = 0;
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
    void check_new_state(Checker& checker, std::uint64_t i, std::uint64_t from,
                         std::vector<Found>& out, std::uint32_t order = 0) const {
        if (const int p = checker.check_state(states_[i]); p >= 0)
            note_all(checker, out, ViolationKind::Invariant, p, i, from, states_[i], order);
    }

    /// Runs f(0) .. f(threads - 1): on `threads` threads when the phase has enough items
    /// (SearchOptions::parallel_min_items), otherwise one after another on this thread,
    /// where starting threads would cost more than the work. The parts are independent,
    /// so the result is the same either way.
    template <class F>
    void run_on_threads(unsigned threads, F& f, std::uint64_t items) const {
        if (threads == 1 || items < options_.parallel_min_items) {
            for (unsigned w = 0; w < threads; ++w)
                f(w);
            return;
        }
        std::vector<std::thread> pool;
        pool.reserve(threads - 1);
        for (unsigned w = 1; w < threads; ++w)
            pool.emplace_back([&f, w] { f(w); });
        f(0U);
        for (std::thread& t : pool)
            t.join();
    }

    static std::uint64_t hash(const State& s) {
        std::uint64_t h = 0x9E3779B97F4A7C15ULL;
        const auto* bytes = reinterpret_cast<const unsigned char*>(&s);
        for (std::size_t i = 0; i < sizeof(State); i += 8) {
            std::uint64_t w = 0;
            std::memcpy(&w, bytes + i, std::min<std::size_t>(8, sizeof(State) - i));
            h ^= w;
            h *= 0xFF51AFD7ED558CCDULL;
            h ^= h >> 32U;
        }
        return h;
    }

    static constexpr std::uint32_t provisional = 0x80000000U;  ///< marks a kept successor's number

    static std::size_t partition_of(std::uint64_t h) { return h >> 60U; }

    /// Kept successor number g of this level (sequential order across the workers' lists).
    const Kept& kept_at(std::size_t g) const {
        std::size_t part = 0;
        while (kept_parts_[part + 1].offset <= g)
            ++part;
        return kept_parts_[part].data[g - kept_parts_[part].offset];
    }

    const State& entry_state(std::uint32_t idx) const {
        return (idx & provisional) != 0 ? kept_at(idx & ~provisional).state : states_[idx];
    }

    std::optional<std::uint64_t> lookup(const State& t, std::uint64_t h) const {
        const SlotTable& sub = slots_[partition_of(h)];
        const std::size_t mask = sub.size() - 1;
        const std::uint32_t want = SlotTable::tag(h);
        for (std::size_t pos = sub.home(h);; pos = (pos + 1) & mask) {
            const std::uint64_t slot = sub[pos];
            if (slot == SlotTable::free_slot)
                return std::nullopt;
            const std::uint32_t idx = SlotTable::index_of(slot);
            if (SlotTable::tag_of(slot) == want && (idx & provisional) == 0 &&
                std::memcmp(&states_[idx], &t, sizeof(State)) == 0)
                return idx;
        }
    }

    /// Phase 2, one sub-table: mark the first occurrence of each new state of this level,
    /// walking the workers' lists in sequential order, and count them per worker. The walk
    /// prefetches ahead: the home slot of the successor `ahead` places on, and the state
    /// in the home slot of the one half as far on once that slot has had time to arrive.
    void mark_partition(const std::vector<Worker>& workers, std::size_t p) {
        SlotTable& sub = slots_[p];
        std::vector<std::uint64_t>& fresh = fresh_count_[p];
        fresh.assign(workers.size(), 0);
        std::size_t incoming = 0;
        for (const Worker& w : workers)
            incoming += w.by_partition[p].size();
        while ((sub_count_[p] + incoming) * 4 > sub.size() * 3)
            grow(p);
        const std::size_t mask = sub.size() - 1;
        constexpr std::size_t ahead = 16;
        for (std::size_t w = 0; w < workers.size(); ++w) {
            const std::size_t offset = kept_parts_[w].offset;
            const auto& kept = workers[w].kept;
            const auto& list = workers[w].by_partition[p];
            for (std::size_t q = 0; q < list.size(); ++q) {
                if (q + ahead < list.size())
                    __builtin_prefetch(sub.address_of_tag(list[q + ahead].tag));
                if (q + ahead / 2 < list.size()) {
                    const Listed& soon = list[q + ahead / 2];
                    __builtin_prefetch(&kept[soon.kept]);
                    const std::uint64_t near = sub[sub.home_of_tag(soon.tag)];
                    const std::uint32_t idx = SlotTable::index_of(near);
                    if (near != SlotTable::free_slot && (idx & provisional) == 0)
                        __builtin_prefetch(&states_[idx]);
                }
                const Listed& l = list[q];
                const Kept& k = kept[l.kept];
                const std::size_t g = offset + l.kept;
                const std::uint32_t want = l.tag;
                for (std::size_t pos = sub.home_of_tag(want);; pos = (pos + 1) & mask) {
                    const std::uint64_t slot = sub[pos];
                    if (slot == SlotTable::free_slot) {
                        sub[pos] =
                            SlotTable::make(want, provisional | static_cast<std::uint32_t>(g));
                        slot_of_[g] = static_cast<std::uint32_t>(pos);
                        first_[g] = 1;
                        ++sub_count_[p];
                        ++fresh[w];
                        break;
                    }
                    if (SlotTable::tag_of(slot) == want &&
                        std::memcmp(&entry_state(SlotTable::index_of(slot)), &k.state,
                                    sizeof(State)) == 0)
                        break;
                }
            }
        }
    }

    /// The initial state (the levels after it are inserted by the mark and number phases).
    void insert_initial(const State& t) {
        const std::uint64_t h = hash(t);
        if ((sub_count_[partition_of(h)] + 1) * 4 > slots_[partition_of(h)].size() * 3)
            grow(partition_of(h));
        SlotTable& sub = slots_[partition_of(h)];
        const std::size_t mask = sub.size() - 1;
        std::size_t pos = sub.home(h);
        while (sub[pos] != SlotTable::free_slot)
            pos = (pos + 1) & mask;
        sub[pos] = SlotTable::make(SlotTable::tag(h), static_cast<std::uint32_t>(states_.size()));
        ++sub_count_[partition_of(h)];
        level_start_.assign(1, 0);
        states_.push_back(t);
        parent_.push_back(0);
    }

    /// Doubles sub-table p (only its owner thread calls this during a level); each slot's
    /// new place follows from its tag.
    void grow(std::size_t p) { slots_[p] = slots_[p].doubled(); }

    std::size_t store_bytes() const {
        std::size_t slots = 0;
        for (const auto& sub : slots_)
            slots += sub.bytes();
        return states_.capacity_bytes() + parent_.capacity_bytes() +
               level_start_.capacity() * sizeof(std::uint64_t) + slots;
    }

    const M& model_;
    SearchOptions options_;
    ReservedArray<State> states_;
    ReservedArray<std::uint32_t> parent_;
    /// level_start_[d]: the index of the first state at depth d (no depth per state).
    std::vector<std::uint64_t> level_start_;
    std::array<SlotTable, partitions> slots_;
    std::array<std::size_t, partitions> sub_count_{};
    /// Phase 2: new states found in each sub-table, per worker.
    std::array<std::vector<std::uint64_t>, partitions> fresh_count_;
    /// Per state added this level: its `succ`.
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> discovered_at_;
    // Phase 2 scratch: the level's kept successors in sequential order, whether each is the
    // first occurrence of a new state, and where its provisional entry sits in its sub-table.
    struct KeptPart {
        const Kept* data;
        std::size_t offset;  ///< global number of its first entry
    };
    std::vector<KeptPart> kept_parts_;  ///< one per worker, plus an end marker
    std::vector<std::uint8_t, HugePageAllocator<std::uint8_t>> first_;
    std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> slot_of_;
};

}  // namespace rseqcheck::checker
