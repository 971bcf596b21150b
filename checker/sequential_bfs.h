/// \file
/// Sequential breadth-first exploration: an open-addressing table of slots into a dense
/// array of packed states, a parent index per state (shortest paths; states are numbered
/// level by level, so a depth is found from where each level starts), invariants on every
/// new state, transition properties on every transition, deadlock detection, and a memory
/// limit that stops cleanly with an incomplete verdict: the store, the table and the list
/// of level starts charge a memory budget (checker/memory_budget.h) before they grow, and
/// a refused growth (or one the system refuses) ends the search before the state it was
/// for is stored, in the middle of a level if need be. Every state stored then has its
/// parent and its invariants checked, and the report covers those states.
///
/// Stopping at the first violation (SearchOptions::stop_at_first) finishes the level in which
/// it was found, as ParallelBfs must (it expands a level as a whole), so that both engines
/// give the same counts, premise counts included: the rest of the level is expanded and
/// checked, and only the violations found by the expansion of that first parent are reported.
///
/// The slots (checker/slot_table.h) carry a tag of each state's hash, so a probe reads a
/// state only when the tags agree; and the successors of a state are hashed and their
/// slots prefetched before any of them is looked up. Both are about memory latency, which
/// is where a large search spends its time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/model_concept.h"
#include "checker/parent_links.h"
#include "checker/plain_store.h"
#include "checker/reserved_array.h"
#include "checker/search_store.h"
#include "checker/search_types.h"
#include "checker/slot_table.h"
#include "checker/successor_pipeline.h"

namespace rseqcheck::checker {

template <ExplorableModel M, class Store = PlainStore<typename M::State>>
class SequentialBfs : public SearchStore<M, Store> {
    using Base = SearchStore<M, Store>;

public:
    using typename Base::Action;
    using typename Base::State;
    using typename Base::Step;

    explicit SequentialBfs(const M& model, SearchOptions options = {}) : Base(model, options) {}

    template <class Checker>
    SearchResult run(Checker& checker) {
        const auto start = std::chrono::steady_clock::now();
        SearchResult result;
        open_search(std::size_t{1} << 16U);
        auto report = [&](ViolationKind kind, int property, std::uint64_t state,
                          std::uint64_t from) {
            // Past the first violating parent, the level is finished but nothing reported.
            if (options_.stop_at_first && !result.violations.empty() &&
                from != result.violations.front().from_state)
                return;
            report_once(result, kind, property, state, from);
        };
        // Reports p, and with --all every other property the same check found violated.
        auto report_all = [&](ViolationKind kind, int p, std::uint64_t state, std::uint64_t from) {
            report(kind, p, state, from);
            if constexpr (requires { checker.last_violations(); }) {
                if (!options_.stop_at_first) {
                    for (const int q : checker.last_violations())
                        report(kind, q, state, from);
                }
            }
        };
        insert(model_.initial_state(), hash(model_.initial_state()), 0, 0, nullptr);
        budget_.allow_overdraft(false);
        if (const int p = checker.check_state(states_[0]); p >= 0)
            report_all(ViolationKind::Invariant, p, 0, 0);
        std::uint64_t transitions = 0;
        bool stop = options_.stop_at_first && !result.violations.empty();
        // A software pipeline one state deep: state i+1's successors are generated, hashed,
        // their slots prefetched and their transitions checked (inside the successor
        // callback, where the symmetry adapter needs it) before state i's are looked up, so
        // the memory has the time of a whole state's lookups to answer. Lookups, invariants
        // and reports still come in the order of the plain loop; an error while expanding
        // i+1 waits its turn. The pipeline does not reach into the next level: a search that
        // stops at the end of this one must not have checked the transitions of the next.
        LookAhead<Expanded> pipeline;
        auto fill = [&](std::uint64_t k, Expanded& e) {
            expand(k, e, checker);
        };
        std::uint32_t level = 0;  // the depth of state i
        for (std::uint64_t i = 0; i < states_.size() && !stop; ++i) {
            while (level + 1 < level_start_.size() && i >= level_start_[level + 1]) {
                ++level;
                states_.quiesce();
                // Every state of this level is numbered and none of the next: its links
                // pack (checker/parent_links.h); if there is no room they stay open.
                (void)parent_.seal(level_start_, states_.size());
            }
            if (level >= options_.expand_below_depth) {
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = "the depth bound of the search was reached";
                break;
            }
            Expanded& current = pipeline.at(i, fill);
            const State s = Store::state_of(current.parts);
            if (i + 1 < states_.size() &&
                (level + 1 >= level_start_.size() || i + 1 < level_start_[level + 1]))
                pipeline.ahead(i + 1, fill);
            if (current.error)
                std::rethrow_exception(current.error);
            const std::vector<Successor>& pending = current.successors;
            transitions += pending.size();
            const Successor* at = pending.data();
            const Successor* const pending_end = at + pending.size();
            try {
                const std::uint32_t link = parent_link(i, level_start_[level]);
                for (; at != pending_end; ++at) {
                    const Successor& succ = *at;
                    const auto [idx, fresh] =
                        insert(succ.state, succ.hash, link, level + 1, &current.parts);
                    if (succ.extra.violated >= 0) {
                        report(ViolationKind::Transition, succ.extra.violated, idx, i);
                        for (std::uint32_t k = succ.extra.also_begin; k < succ.extra.also_end; ++k)
                            report(ViolationKind::Transition, current.also[k], idx, i);
                    }
                    if (fresh) {
                        if (const int p = checker.check_state(succ.state); p >= 0)
                            report_all(ViolationKind::Invariant, p, idx, i);
                    }
                }
            } catch (const std::bad_alloc& e) {
                // From insert() (or a report's list growing): out of memory either way. The
                // transitions from `at` on were not looked up, so they were not explored.
                transitions -= static_cast<std::uint64_t>(pending_end - at);
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = out_of_memory_reason(e, budget_);
            } catch (const NumberingFull& e) {
                // The same: the successors from `at` on were not looked up.
                transitions -= static_cast<std::uint64_t>(pending_end - at);
                result.verdict = Verdict::Incomplete;
                result.incomplete_reason = e.what();
            }
            if (result.verdict == Verdict::Incomplete)
                break;
            const bool any = !pending.empty();
            pipeline.advance();
            if (!any && options_.check_deadlock && !model_.is_valid_end(s))
                report(ViolationKind::Deadlock, -1, i, i);
            // The level ends where the next one starts (or with the store, if i's level has
            // not added a state yet).
            const std::uint64_t level_end =
                level + 1 < level_start_.size() ? level_start_[level + 1] : states_.size();
            stop = options_.stop_at_first && !result.violations.empty() && i + 1 == level_end;
        }
        record_stats(result, transitions, start);
        // The report after an incomplete search reads the store, never the table: its
        // memory goes back for the report to use.
        if (result.verdict == Verdict::Incomplete)
            drop_table();
        conclude(result);
        return result;
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

    /// What the search keeps beside a successor: the transition property the step violates
    /// (or -1) and, with --all, the others it violates: Expanded::also[also_begin, also_end).
    struct Checked {
        int violated;
        std::uint32_t also_begin;
        std::uint32_t also_end;
    };
    using Successor = HashedSuccessor<State, Checked>;

    /// One state's successors (checker/successor_pipeline.h), with what expanding it threw:
    /// an error waits for the state's turn in the pipeline.
    struct Expanded : Expansion<State, Checked, typename Store::Parts> {
        std::vector<int> also;
        std::exception_ptr error;  ///< what the model or checker threw, if anything
    };

    /// Generates state i's successors into e, hashing each, prefetching its slot and
    /// checking the transition properties on the step.
    template <class Checker>
    void expand(std::uint64_t i, Expanded& e, Checker& checker) const {
        e.also.clear();
        e.error = nullptr;
        e.parts = states_.parts_of(i);
        const State& s = Store::state_of(e.parts);
        try {
            generate_successors(
                model_, s, e.successors,
                [&](std::uint64_t h) { __builtin_prefetch(slots_.address(h)); },
                [&](const Action& a, const State& t, std::uint64_t) -> std::optional<Checked> {
                    const int p = checker.check_transition(s, a, t);
                    const auto begin = static_cast<std::uint32_t>(e.also.size());
                    if constexpr (requires { checker.last_violations(); }) {
                        if (p >= 0 && !options_.stop_at_first) {
                            for (const int q : checker.last_violations())
                                e.also.push_back(q);
                        }
                    }
                    return Checked{p, begin, static_cast<std::uint32_t>(e.also.size())};
                });
        } catch (...) {
            e.error = std::current_exception();
        }
    }

    static constexpr const char* past_numbering =
        "the search reached 2^36 states, past what the table's slots can name";

    /// Inserts t if new, with the parent link `link`; returns its index and whether it was
    /// new. Throws std::bad_alloc (MemoryLimitReached past the budget) before changing
    /// anything if t is new and there is no memory to store it, NumberingFull if t is new
    /// and its index would be past what a slot names.
    [[gnu::always_inline]] std::pair<std::uint64_t, bool>
    insert(const State& t, std::uint64_t h, std::uint32_t link, std::uint32_t depth,
           const typename Store::Parts* from) {
        if ((states_.size() + 1) * 4 > slots_.size() * 3)
            grow();
        const auto& key = from != nullptr ? states_.key(t, *from) : states_.key(t);
        return slots_.find_or_add(
            h, [&](std::uint64_t idx) { return states_.holds(idx, key, t); },
            [&] {
                if (states_.size() >= stored_room_)
                    make_room();
                if (states_.size() > SlotTable::index_mask)
                    throw NumberingFull(past_numbering);
                if (depth == level_start_.size())
                    reserve_charged(level_start_, level_start_.size() + 1, budget_);
                const std::uint64_t index = states_.size();
                // First, as it may throw (the compressed store interns t's new parts).
                states_.push_back(t, key);
                parent_.push_back(link);
                // BFS meets the states level by level: a new depth starts a new level.
                if (depth == level_start_.size())
                    level_start_.push_back(index);
                return index;
            });
    }

    /// Doubles the table; each slot's new place follows from its tag. The budget is charged
    /// for the new table less the old one: the old one's memory goes back as the copy
    /// passes it (checker/slot_table.h), so the two together hold about the new one's.
    void grow() {
        const std::size_t more = slots_.bytes();
        budget_.charge(more);
        try {
            slots_ = slots_.doubled(
                [this](std::uint64_t slot) { return hash(states_[SlotTable::index_of(slot)]); });
        } catch (...) {
            budget_.release(more);
            throw;
        }
    }
    /// Charges the pages for the next state and its parent link (std::bad_alloc if refused).
    [[gnu::noinline]] void make_room() {
        states_.reserve(states_.size() + 1);
        parent_.reserve(parent_.size() + 1);
        stored_room_ = std::min(states_.charged(), parent_.charged());
    }

    std::size_t stored_room_ = 0;  ///< states that fit in the store's charged pages
};

}  // namespace rseqcheck::checker
