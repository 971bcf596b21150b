/// \file
/// What both breadth-first engines (SequentialBfs, ParallelBfs) keep of a search and answer
/// from it: the reached states in a dense store numbered level by level, a parent link per
/// state, packed a level at a time (checker/parent_links.h), where each level starts (so a depth is
/// found, not stored), the visited set's slot table (checker/slot_table.h) and the memory budget
/// that all of them charge (checker/memory_budget.h). On top: the lookups the state graph export
/// and the trace builder use (find, prefetch, depth_of, path_to), the opening of a search (what is
/// charged whatever the limit), the reporting of each property once, and the statistics.
/// The engines differ in how they fill the store; docs/engine.md says how and why.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "checker/memory_budget.h"
#include "checker/model_concept.h"
#include "checker/parent_links.h"
#include "checker/search_types.h"
#include "checker/shortest_path.h"
#include "checker/slot_table.h"
#include "checker/state_hash.h"

namespace rseqcheck::checker {

/// `Unsettled`: the bits of a slot's index field that mark it as naming no stored state
/// (ParallelBfs's provisional entries); find() passes over such slots. 0 for none.
template <ExplorableModel M, class Store, std::uint64_t Unsettled = 0>
class SearchStore {
public:
    using State = typename M::State;
    using Action = typename M::Action;
    using Step = ShortestPathStep<M>;

    std::uint64_t size() const { return states_.size(); }
    /// State i (a reference into the plain store, a value rebuilt by the compressed one).
    decltype(auto) state_at(std::uint64_t i) const { return states_[i]; }
    /// Depth (BFS level) of a reached state: states are numbered level by level, so it is
    /// the last level that starts at or before i.
    std::uint32_t depth_of(std::uint64_t i) const { return depth_in(level_start_, i); }
    /// The index of a reached state, or nothing (the state graph export uses it).
    std::optional<std::uint64_t> find(const State& t) const { return find(t, hash(t)); }
    /// The same with t's hash (state_hash) already computed.
    std::optional<std::uint64_t> find(const State& t, std::uint64_t h) const {
        const auto& key = states_.key(t);
        return slots_.find(h, [&](std::uint64_t idx) {
            return (idx & Unsettled) == 0 && states_.holds(idx, key, t);
        });
    }
    /// Asks for the first slot a find() with hash h reads (checker/state_graph.h).
    void prefetch(std::uint64_t h) const { __builtin_prefetch(slots_.address(h)); }

    /// Shortest path from the initial state; element 0 is the initial state.
    std::vector<Step> path_to(std::uint64_t target) const {
        return shortest_path(
            model_, states_, [this](std::uint64_t i) { return parent_.parent_of(level_start_, i); },
            target);
    }

protected:
    SearchStore(const M& model, SearchOptions options)
        : model_(model), options_(options), budget_(options.memory_limit_bytes) {
        // Every state has a parent link: of what the two may hold, the states take this part.
        constexpr std::size_t per_state = Store::bytes_per_state + sizeof(std::uint32_t);
        states_.set_budget(&budget_, Store::bytes_per_state, per_state);
        parent_.set_budget(&budget_, sizeof(std::uint32_t), per_state);
    }

    static std::uint64_t hash(const State& s) { return state_hash(s); }

    /// Opens a search: what is kept for the program and the first table (`default_slots`
    /// unless the options name a size) are charged whatever the limit, as the initial state
    /// will be: a search that stops has at least them to report. The caller inserts the
    /// initial state, then turns the overdraft off.
    void open_search(std::size_t default_slots) {
        reported_.clear();
        budget_.allow_overdraft(true);
        budget_.charge(options_.memory_kept_bytes);
        slots_ = SlotTable(options_.initial_slots != 0 ? options_.initial_slots : default_slots,
                           options_.tag_home_limit);
        budget_.charge(slots_.bytes());
    }

    /// Adds a violation of `property` (-1: a deadlock) to the result unless that property
    /// already has one: its first violation, in the sequential order, has a shortest trace.
    void report_once(SearchResult& result, ViolationKind kind, int property, std::uint64_t state,
                     std::uint64_t from) {
        const std::size_t key = property < 0 ? 0 : static_cast<std::size_t>(property) + 1;
        if (reported_.size() <= key)
            reported_.resize(key + 1, false);
        if (reported_[key])
            return;
        reported_[key] = true;
        result.violations.push_back(Violation{kind, property, state, from, depth_of(state)});
    }

    /// The figures of a finished search, from `start` on, with `transitions` explored.
    void record_stats(SearchResult& result, std::uint64_t transitions,
                      std::chrono::steady_clock::time_point start) const {
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
        result.stats.charged_peak_bytes = budget_.peak();
    }
    /// The verdict of a search that was not stopped incomplete: whether anything was found.
    static void conclude(SearchResult& result) {
        if (result.verdict != Verdict::Incomplete)
            result.verdict = result.violations.empty() ? Verdict::Holds : Verdict::Violated;
    }

    /// The table goes back to the budget (after an incomplete search, whose report reads
    /// the store, never the table).
    void drop_table() {
        budget_.release(slots_.bytes());
        slots_ = SlotTable();
    }

    std::size_t store_bytes() const {
        return states_.capacity_bytes() + parent_.capacity_bytes() +
               level_start_.capacity() * sizeof(std::uint64_t) + slots_.bytes();
    }

    const M& model_;
    SearchOptions options_;
    MemoryBudget budget_;  ///< before the arrays that charge it: it outlives them
    Store states_;
    ParentLinks parent_;  ///< packed by level once a level is complete (checker/parent_links.h)
    /// level_start_[d]: the index of the first state at depth d (no depth per state).
    std::vector<std::uint64_t> level_start_;
    SlotTable slots_;

private:
    /// reported_[p + 1]: property p has its violation (reported_[0]: a deadlock).
    std::vector<bool> reported_;
};

}  // namespace rseqcheck::checker
