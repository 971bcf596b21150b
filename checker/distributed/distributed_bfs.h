/// \file
/// Breadth-first search distributed over MPI ranks, in the manner of DiVinE and LTSmin's
/// distributed back-end: each rank owns the states whose hash falls in its partition
/// (hash modulo the number of ranks) and stores them with their parent links; it expands
/// its part of a level, sends each successor to its owner in batches (one MPI_Alltoallv per
/// chunk of parents; the number of chunks of a level is agreed first), and the ranks agree
/// that the level is done when every chunk was exchanged.
///
/// The same answers as SequentialBfs, figure for figure. A state's global id is its index
/// in the sequential search: states are numbered level by level, and within a level in the
/// order in which the sequential search first meets them, i.e. by (the parent's id, the
/// successor's position among the parent's successors). The owner of a new state keeps the
/// smallest such key among every copy it receives in the level (that parent is the
/// sequential search's parent too); at the end of the level the keys are ranked globally
/// (each rank sorts the keys of one range of parent ids, and an MPI_Exscan places the
/// ranges), which gives every new state its id. Violations carry the same keys, so the
/// first violation, and with it which properties a search that stops at the first reports,
/// is the sequential one. Premise counts are summed over the ranks.
///
/// After the search, for rank 0's report: the paths to the violating states are fetched by
/// following parent ids across the ranks (a state's owner answers for it); and when the
/// leads-to checks need the state graph and it fits rank 0's memory limit, every state is
/// gathered to rank 0 at its global id, so that the graph, the checks and their lassos are
/// those of the sequential search. Otherwise the leads-to properties are unknown.
///
/// `--memory-limit` is per rank: each rank charges its own budget. A rank that runs out
/// stops expanding and tells the others at the next exchange; every rank then leaves out
/// the level it stopped in (as ParallelBfs does) and the search ends incomplete.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <mpi.h>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checker/distributed/figures.h"
#include "checker/memory_budget.h"
#include "checker/model_concept.h"
#include "checker/reserved_array.h"
#include "checker/search_types.h"
#include "checker/shortest_path.h"
#include "checker/slot_table.h"
#include "checker/state_hash.h"

namespace rseqcheck::checker {

/// What the distributed search needs beyond SearchOptions.
template <class State>
struct DistributedOptions {
    SearchOptions search;
    /// Parents expanded per exchange: bounds the send and receive buffers.
    std::uint64_t chunk_states = 16384;
    /// Asked on every rank, with the same global figures, after a search: empty to gather
    /// the states to rank 0 (for the state graph), otherwise why not (then kept as
    /// leads_to_unavailable()). Unset: never gather.
    std::function<std::string(const SearchResult&)> gather_refusal;
    /// Predicates counted over every reached state when the states are not gathered (the
    /// premise counts of leads-to properties left unknown), by a key of the caller's.
    std::vector<std::pair<int, std::function<bool(const State&)>>> reached_counts;
};

template <ExplorableModel M>
class DistributedBfs {
public:
    using State = typename M::State;
    using Action = typename M::Action;
    using Step = ShortestPathStep<M>;

    DistributedBfs(const M& model, MPI_Comm comm, DistributedOptions<State> options)
        : model_(model), comm_(comm), options_(std::move(options)),
          budget_(options_.search.memory_limit_bytes) {
        MPI_Comm_rank(comm_, &rank_);
        MPI_Comm_size(comm_, &ranks_);
        constexpr std::size_t per_state = sizeof(State) + 2 * sizeof(std::uint64_t);
        states_.set_budget(&budget_, sizeof(State), per_state);
        parent_.set_budget(&budget_, sizeof(std::uint64_t), per_state);
        id_.set_budget(&budget_, sizeof(std::uint64_t), per_state);
    }

    /// The bytes rank 0 needs to hold n gathered states: each state, its parent link and
    /// its table slot (at most two slots a state, the table being a power of two).
    static std::uint64_t gathered_bytes(std::uint64_t n) {
        return n * (sizeof(State) + sizeof(std::uint64_t)) +
               gathered_slots(n) * sizeof(std::uint64_t);
    }

    /// Runs the search on every rank (collectively). Every rank returns the global figures;
    /// the violations and what the accessors below answer are rank 0's.
    template <class Checker>
    SearchResult run(Checker& checker) {
        const auto start = std::chrono::steady_clock::now();
        SearchResult result;
        budget_.allow_overdraft(true);
        budget_.charge(options_.search.memory_kept_bytes);
        slots_ = SlotTable(std::size_t{1} << 16U);
        budget_.charge(slots_.bytes());
        level_start_ = {0, 1};
        local_level_.push_back(0);
        const State init = model_.initial_state();
        if (owner_of(state_hash(init)) == rank_) {
            insert(init, state_hash(init), no_parent);
            id_[0] = 0;
            record_state_events(checker, 0, Key{0, 0, 0});
        }
        local_level_.push_back(states_.size());
        budget_.allow_overdraft(false);
        std::uint64_t transitions = 0;
        int failed = 0;
        bool stop = options_.search.stop_at_first && any_violation();
        for (std::uint32_t depth = 0; !stop; ++depth) {
            const auto level_begin = std::chrono::steady_clock::now();
            const double comm_before = comm_seconds_;
            const std::vector<Event> events_before = best_;
            std::uint64_t level_transitions = 0;
            failed = expand_level(checker, depth, level_transitions);
            if (failed == 0)
                failed = number_new_level(depth);
            if (failed != 0) {
                best_ = events_before;
                states_.resize(local_level_.back());
                parent_.resize(local_level_.back());
                id_.resize(local_level_.back());
                break;
            }
            transitions += level_transitions;
            const std::uint64_t new_states = level_start_.back() - level_start_[depth + 1];
            const std::uint64_t first_new = local_level_[depth + 1];
            for (std::uint64_t x = first_new; x < states_.size(); ++x)
                record_state_events(checker, x, Key{parent_[x], pos_[x - first_new] + 1, 2});
            local_level_.push_back(states_.size());
            DistributedLevelFigures level;
            level.depth = depth;
            level.states = level_start_[depth + 1] - level_start_[depth];
            level.seconds =
                std::chrono::duration<double>(std::chrono::steady_clock::now() - level_begin)
                    .count();
            level.comm_seconds = comm_seconds_ - comm_before;
            levels_.push_back(level);
            if (new_states == 0) {
                level_start_.pop_back();
                local_level_.pop_back();
                break;
            }
            stop = options_.search.stop_at_first && any_violation();
        }
        // Global figures.
        std::uint64_t local[2] = {states_.size(), transitions};
        std::uint64_t total[2] = {0, 0};
        MPI_Allreduce(local, total, 2, MPI_UINT64_T, MPI_SUM, comm_);
        result.stats.states = total[0];
        result.stats.transitions = total[1];
        result.stats.depth = static_cast<std::uint32_t>(level_start_.size() - 2);
        if (failed != 0) {
            result.verdict = Verdict::Incomplete;
            result.incomplete_reason = failure_reason(failed);
        }
        result.violations = agree_violations();
        merge_counters(checker);
        if (result.verdict != Verdict::Incomplete)
            result.verdict = result.violations.empty() ? Verdict::Holds : Verdict::Violated;
        fetch_paths(result.violations);
        result.stats.seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        result.stats.states_per_second =
            result.stats.seconds > 0 ? static_cast<double>(total[0]) / result.stats.seconds : 0.0;
        collect_figures(result.stats.seconds);
        result.stats.store_bytes = store_bytes();
        result.stats.bytes_per_state =
            static_cast<double>(store_bytes()) /
            static_cast<double>(std::max<std::uint64_t>(1, states_.size()));
        result.stats.charged_peak_bytes = budget_.peak();
        total_ = total[0];
        refusal_ = options_.gather_refusal ? options_.gather_refusal(result)
                                           : "the states were not gathered to rank 0";
        if (refusal_.empty()) {
            gather();
            result.stats.store_bytes = store_bytes();
        } else {
            count_reached();
        }
        result.stats.peak_rss_bytes = peak_rss_bytes();
        return result;
    }

    int rank() const { return rank_; }
    int ranks() const { return ranks_; }
    const DistributedFigures& figures() const { return figures_; }

    // Rank 0, after run(): the engine interface that the report and the state graph read.
    std::uint64_t size() const { return total_; }
    const State& state_at(std::uint64_t i) const {
        if (gathered_)
            return all_states_[i];
        const auto at = fetched_.find(i);
        if (at == fetched_.end()) {
            throw std::logic_error("distributed search: state " + std::to_string(i) +
                                   " was not fetched to rank 0");
        }
        return at->second.state;
    }
    std::optional<std::uint64_t> find(const State& t) const { return find(t, state_hash(t)); }
    std::optional<std::uint64_t> find(const State& t, std::uint64_t h) const {
        return all_slots_.find(h, [&](std::uint64_t idx) {
            return std::memcmp(&all_states_[idx], &t, sizeof(State)) == 0;
        });
    }
    void prefetch(std::uint64_t h) const { __builtin_prefetch(all_slots_.address(h)); }
    std::uint32_t depth_of(std::uint64_t i) const {
        const auto above = std::upper_bound(level_start_.begin(), level_start_.end(), i);
        return static_cast<std::uint32_t>(above - level_start_.begin() - 1);
    }
    std::vector<Step> path_to(std::uint64_t target) const {
        if (gathered_) {
            return shortest_path(
                model_, all_states_, [this](std::uint64_t i) { return all_parent_[i]; }, target);
        }
        const FetchedStates states{this};
        const FetchedParents parents{this};
        return shortest_path(
            model_, states, [&parents](std::uint64_t i) { return parents[i]; }, target);
    }
    /// Empty when the states were gathered to rank 0 (the leads-to checks can run there);
    /// otherwise why not.
    const std::string& leads_to_unavailable() const { return refusal_; }
    /// The count of reached states for one of DistributedOptions::reached_counts, when the
    /// states were not gathered.
    std::optional<std::uint64_t> reached_count(int key) const {
        const auto at = reached_.find(key);
        if (at == reached_.end())
            return std::nullopt;
        return at->second;
    }

private:
    /// The gathered table's slots: a power of two, at least 2^16, at most 3/4 full.
    static std::size_t gathered_slots(std::uint64_t n) {
        std::size_t slots = std::size_t{1} << 16U;
        while (slots * 3 < n * 4)
            slots *= 2;
        return slots;
    }
    static constexpr std::uint64_t no_parent = std::numeric_limits<std::uint64_t>::max();
    /// A successor's key: its parent's global id and its position among the parent's
    /// successors, packed (the position in the low 16 bits).
    static constexpr unsigned pos_bits = 16;

    /// The order of the sequential search's reports: by parent id, then by the position of
    /// the successor (0 for the initial state, the deadlock last), then transition before
    /// invariant (phase), then by catalogue index.
    struct Key {
        std::uint64_t from;
        std::uint32_t pos;
        std::uint32_t phase;
        bool operator<(const Key& o) const {
            return std::tie(from, pos, phase) < std::tie(o.from, o.pos, o.phase);
        }
    };
    /// A violation as the ranks exchange it: the first (by key) of each property.
    struct Event {
        Key key;
        std::int32_t property;
        std::int32_t kind;
        std::uint64_t state;  ///< global id; for a transition, resolved from `target` at the end
        State target;
    };

    int owner_of(std::uint64_t h) const {
        return static_cast<int>((h & std::uint64_t{0xFFFFFFFFU}) %
                                static_cast<std::uint64_t>(ranks_));
    }

    /// Keeps e if it is the first violation of its property seen on this rank.
    void note(const Event& e) {
        for (Event& b : best_) {
            if (b.property == e.property) {
                if (std::tie(e.key.from, e.key.pos, e.key.phase) <
                    std::tie(b.key.from, b.key.pos, b.key.phase))
                    b = e;
                return;
            }
        }
        best_.push_back(e);
    }
    template <class Checker>
    void record_state_events(Checker& checker, std::uint64_t x, Key key) {
        const State s = states_[x];
        const int p = checker.check_state(s);
        if (p < 0)
            return;
        Event e{};
        e.key = key;
        e.kind = static_cast<std::int32_t>(ViolationKind::Invariant);
        e.state = id_[x];
        e.target = s;
        e.property = p;
        note(e);
        if constexpr (requires { checker.last_violations(); }) {
            if (!options_.search.stop_at_first) {
                for (const int q : checker.last_violations()) {
                    e.property = q;
                    note(e);
                }
            }
        }
    }
    bool any_violation() {
        int mine = best_.empty() ? 0 : 1;
        int any = 0;
        timed([&] { MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm_); });
        return any != 0;
    }

    template <class F>
    void timed(F&& f) {
        const auto t0 = std::chrono::steady_clock::now();
        f();
        comm_seconds_ +=
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }

    /// 1: this rank's budget refused a growth; 2: the system refused memory.
    static int failure_code(const std::bad_alloc& e) {
        return dynamic_cast<const MemoryLimitReached*>(&e) != nullptr ? 1 : 2;
    }
    std::string failure_reason(int failed) const {
        // `failed` is the largest code encoded with its rank: code * 65536 + rank.
        const int code = failed >> 16;
        const int who = failed & 0xFFFF;
        if (code == 1) {
            return "memory limit of " + std::to_string(budget_.limit()) +
                   " bytes reached on rank " + std::to_string(who) + " of " +
                   std::to_string(ranks_);
        }
        return "out of memory: the system refused rank " + std::to_string(who) + " of " +
               std::to_string(ranks_) + " more memory";
    }
    int encode_failure(int code) const { return code == 0 ? 0 : code * 65536 + rank_; }
    int agree_failure(int mine) {
        int any = 0;
        timed([&] { MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm_); });
        return any;
    }

    /// Inserts t if new (a state of the level being built), or lowers the key of the copy
    /// already in that level. Throws std::bad_alloc (MemoryLimitReached past the budget)
    /// before changing anything if t is new and there is no memory to store it.
    void insert(const State& t, std::uint64_t h, std::uint64_t key) {
        if ((states_.size() + 1) * 4 > slots_.size() * 3)
            grow();
        const auto [idx, fresh] = slots_.find_or_add(
            h,
            [&](std::uint64_t stored) {
                return std::memcmp(&states_[stored], &t, sizeof(State)) == 0;
            },
            [&] {
                if (states_.size() >= std::numeric_limits<std::uint32_t>::max())
                    throw std::bad_alloc();
                states_.reserve(states_.size() + 1);
                parent_.reserve(parent_.size() + 1);
                id_.reserve(id_.size() + 1);
                const std::uint64_t begin = local_level_.back();
                if (states_.size() - begin >= pos_.size())
                    reserve_charged(pos_, states_.size() - begin + 1, budget_);
                const std::uint64_t index = states_.size();
                states_.push_back(t);
                parent_.push_back(key == no_parent ? no_parent : key >> pos_bits);
                id_.push_back(0);
                if (pos_.size() <= index - begin)
                    pos_.resize(index - begin + 1);
                pos_[index - begin] = static_cast<std::uint32_t>(key & 0xFFFFU);
                return index;
            });
        if (!fresh && key != no_parent && idx >= local_level_.back()) {
            const std::uint64_t have = (parent_[idx] << pos_bits) | pos_[idx - local_level_.back()];
            if (key < have) {
                parent_[idx] = key >> pos_bits;
                pos_[idx - local_level_.back()] = static_cast<std::uint32_t>(key & 0xFFFFU);
            }
        }
    }
    void grow() {
        const std::size_t more = slots_.bytes();
        budget_.charge(more);
        try {
            slots_ = slots_.doubled([this](std::uint64_t slot) {
                return state_hash(states_[SlotTable::index_of(slot)]);
            });
        } catch (...) {
            budget_.release(more);
            throw;
        }
    }

    /// One record of a successor on its way to its owner: the state and its key.
    static constexpr std::size_t record_bytes = sizeof(State) + sizeof(std::uint64_t);

    /// Expands this rank's states of level `depth` chunk by chunk, exchanging the
    /// successors after each chunk; the owners insert them as the next level. Returns the
    /// agreed failure (0 when none).
    template <class Checker>
    int expand_level(Checker& checker, std::uint32_t depth, std::uint64_t& transitions) {
        const std::uint64_t begin = local_level_[depth];
        const std::uint64_t end = local_level_[depth + 1];
        const std::uint64_t chunk = std::max<std::uint64_t>(1, options_.chunk_states);
        std::uint64_t mine = (end - begin + chunk - 1) / chunk;
        std::uint64_t chunks = 0;
        timed([&] { MPI_Allreduce(&mine, &chunks, 1, MPI_UINT64_T, MPI_MAX, comm_); });
        out_.resize(static_cast<std::size_t>(ranks_));
        const auto n = static_cast<std::size_t>(ranks_);
        std::vector<int> send_counts(n);
        std::vector<int> recv_counts(n);
        std::vector<int> send_displs(n);
        std::vector<int> recv_displs(n);
        const auto me = static_cast<std::size_t>(rank_);
        int failed = 0;
        for (std::uint64_t c = 0; c < chunks; ++c) {
            for (auto& o : out_)
                o.clear();
            if (failed == 0) {
                try {
                    const std::uint64_t from = std::min(end, begin + c * chunk);
                    const std::uint64_t to = std::min(end, from + chunk);
                    for (std::uint64_t x = from; x < to; ++x)
                        expand_one(checker, x, transitions);
                } catch (const std::bad_alloc& e) {
                    failed = encode_failure(failure_code(e));
                }
            }
            for (std::size_t r = 0; r < n; ++r) {
                send_counts[r] = static_cast<int>(r == me ? 0 : out_[r].size());
                if (send_counts[r] > 0 && static_cast<int>(r) != rank_) {
                    ++messages_sent_;
                    bytes_sent_ += out_[r].size();
                }
            }
            timed([&] {
                MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm_);
            });
            std::size_t total_in = 0;
            std::size_t total_out = 0;
            for (std::size_t r = 0; r < n; ++r) {
                send_displs[r] = static_cast<int>(total_out);
                recv_displs[r] = static_cast<int>(total_in);
                total_out += static_cast<std::size_t>(send_counts[r]);
                total_in += static_cast<std::size_t>(recv_counts[r]);
            }
            if (failed == 0) {
                try {
                    reserve_charged(in_, total_in, budget_);
                    reserve_charged(send_, total_out, budget_);
                } catch (const std::bad_alloc& e) {
                    failed = encode_failure(failure_code(e));
                }
            }
            failed = agree_failure(failed);
            if (failed != 0)
                return failed;
            send_.resize(total_out);
            for (std::size_t r = 0; r < n; ++r) {
                if (r != me && !out_[r].empty())
                    std::memcpy(send_.data() + send_displs[r], out_[r].data(), out_[r].size());
            }
            in_.resize(total_in);
            timed([&] {
                MPI_Alltoallv(send_.data(), send_counts.data(), send_displs.data(), MPI_BYTE,
                              in_.data(), recv_counts.data(), recv_displs.data(), MPI_BYTE, comm_);
            });
            try {
                insert_records(out_[me]);
                insert_records(in_);
            } catch (const std::bad_alloc& e) {
                failed = encode_failure(failure_code(e));
            }
        }
        return agree_failure(failed);
    }

    /// Inserts successor records (state, key) in batches: each batch's hashes are computed
    /// and their slots prefetched before any is looked up, since a large search waits on
    /// memory (as SequentialBfs's pipeline does).
    void insert_records(const std::vector<unsigned char>& records) {
        constexpr std::size_t batch = 16;
        State t[batch];
        std::uint64_t key[batch];
        std::uint64_t h[batch];
        const std::size_t count = records.size() / record_bytes;
        for (std::size_t first = 0; first < count; first += batch) {
            const std::size_t n = std::min(batch, count - first);
            for (std::size_t i = 0; i < n; ++i) {
                const unsigned char* at = records.data() + (first + i) * record_bytes;
                std::memcpy(&t[i], at, sizeof(State));
                std::memcpy(&key[i], at + sizeof(State), sizeof(std::uint64_t));
                h[i] = state_hash(t[i]);
                __builtin_prefetch(slots_.address(h[i]));
            }
            for (std::size_t i = 0; i < n; ++i)
                insert(t[i], h[i], key[i]);
        }
    }

    template <class Checker>
    void expand_one(Checker& checker, std::uint64_t x, std::uint64_t& transitions) {
        const State s = states_[x];
        const std::uint64_t g = id_[x];
        if (g >= (std::uint64_t{1} << (64U - pos_bits)))
            throw std::length_error("distributed search: more than 2^48 states");
        std::uint32_t k = 0;
        model_.for_each_successor(s, [&](const Action& a, const State& t) {
            if (k > 0xFFFFU)
                throw std::length_error("distributed search: more than 65536 successors");
            const int p = checker.check_transition(s, a, t);
            if (p >= 0) {
                Event e{};
                e.key = Key{g, k + 1, 1};
                e.kind = static_cast<std::int32_t>(ViolationKind::Transition);
                e.state = no_parent;
                e.target = t;
                e.property = p;
                note(e);
                if constexpr (requires { checker.last_violations(); }) {
                    if (!options_.search.stop_at_first) {
                        for (const int q : checker.last_violations()) {
                            e.property = q;
                            note(e);
                        }
                    }
                }
            }
            const std::uint64_t h = state_hash(t);
            const std::uint64_t key = (g << pos_bits) | k;
            // This rank's own successors wait in their buffer too, to be inserted in
            // batches with the others (insert_records()).
            std::vector<unsigned char>& o = out_[static_cast<std::size_t>(owner_of(h))];
            reserve_charged(o, o.size() + record_bytes, budget_);
            const std::size_t at = o.size();
            o.resize(at + record_bytes);
            std::memcpy(o.data() + at, &t, sizeof(State));
            std::memcpy(o.data() + at + sizeof(State), &key, sizeof key);
            ++k;
        });
        transitions += k;
        if (k == 0 && options_.search.check_deadlock && !model_.is_valid_end(s)) {
            Event e{};
            e.key = Key{g, 0xFFFFFFFFU, 3};
            e.kind = static_cast<std::int32_t>(ViolationKind::Deadlock);
            e.property = -1;
            e.state = g;
            e.target = s;
            note(e);
        }
    }

    /// Gives the new level's states their global ids: each state's key (parent id,
    /// position) goes to the rank that ranks one range of the level's parent ids; that
    /// rank sorts the keys it got, an MPI_Exscan places its range among the others, and
    /// the ids go back. Returns the agreed failure.
    int number_new_level(std::uint32_t depth) {
        const std::uint64_t begin = local_level_.back();
        const std::uint64_t count = states_.size() - begin;
        const std::uint64_t level_first = level_start_[depth];
        const std::uint64_t level_size = level_start_[depth + 1] - level_first;
        const auto n = static_cast<std::size_t>(ranks_);
        auto range_of = [&](std::uint64_t parent) {
            const std::uint64_t r = (parent - level_first) * static_cast<std::uint64_t>(ranks_) /
                                    std::max<std::uint64_t>(1, level_size);
            return static_cast<std::size_t>(std::min<std::uint64_t>(r, n - 1));
        };
        std::vector<int> send_counts(n, 0);
        std::vector<int> recv_counts(n, 0);
        std::vector<int> send_displs(n, 0);
        std::vector<int> recv_displs(n, 0);
        for (std::uint64_t x = begin; x < begin + count; ++x)
            ++send_counts[range_of(parent_[x])];
        timed([&] {
            MPI_Alltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, comm_);
        });
        std::size_t total_in = 0;
        std::size_t total_out = 0;
        for (std::size_t r = 0; r < n; ++r) {
            send_displs[r] = static_cast<int>(total_out);
            recv_displs[r] = static_cast<int>(total_in);
            total_out += static_cast<std::size_t>(send_counts[r]);
            total_in += static_cast<std::size_t>(recv_counts[r]);
            if (send_counts[r] > 0 && static_cast<int>(r) != rank_) {
                messages_sent_ += 2;  // the keys out, and later their ids back
                bytes_sent_ += 2 * sizeof(std::uint64_t) * static_cast<std::size_t>(send_counts[r]);
            }
        }
        // Keys out (and the place of each), keys in with their place, ids back.
        const std::size_t scratch = (total_out * 3 + total_in * 4) * sizeof(std::uint64_t);
        int failed = 0;
        try {
            budget_.charge(scratch);
        } catch (const std::bad_alloc& e) {
            failed = encode_failure(failure_code(e));
        }
        failed = agree_failure(failed);
        if (failed != 0)
            return failed;
        std::vector<std::uint64_t> keys_out(total_out);
        std::vector<std::uint64_t> place(count);
        std::vector<int> fill(send_displs);
        for (std::uint64_t x = begin; x < begin + count; ++x) {
            const std::size_t r = range_of(parent_[x]);
            const auto at = static_cast<std::size_t>(fill[r]++);
            keys_out[at] = (parent_[x] << pos_bits) | pos_[x - begin];
            place[x - begin] = at;
        }
        std::vector<std::uint64_t> keys_in(total_in);
        timed([&] {
            MPI_Alltoallv(keys_out.data(), send_counts.data(), send_displs.data(), MPI_UINT64_T,
                          keys_in.data(), recv_counts.data(), recv_displs.data(), MPI_UINT64_T,
                          comm_);
        });
        std::vector<std::pair<std::uint64_t, std::uint64_t>> sorted(total_in);
        for (std::size_t i = 0; i < total_in; ++i)
            sorted[i] = {keys_in[i], i};
        std::sort(sorted.begin(), sorted.end());
        std::uint64_t mine = total_in;
        std::uint64_t offset = 0;
        std::uint64_t next_size = 0;
        timed([&] {
            MPI_Exscan(&mine, &offset, 1, MPI_UINT64_T, MPI_SUM, comm_);
            MPI_Allreduce(&mine, &next_size, 1, MPI_UINT64_T, MPI_SUM, comm_);
        });
        if (rank_ == 0)
            offset = 0;  // MPI_Exscan leaves rank 0's result undefined
        const std::uint64_t next_first = level_start_[depth + 1];
        for (std::size_t i = 0; i < total_in; ++i)
            keys_in[sorted[i].second] = next_first + offset + i;
        timed([&] {
            MPI_Alltoallv(keys_in.data(), recv_counts.data(), recv_displs.data(), MPI_UINT64_T,
                          keys_out.data(), send_counts.data(), send_displs.data(), MPI_UINT64_T,
                          comm_);
        });
        for (std::uint64_t x = begin; x < begin + count; ++x)
            id_[x] = keys_out[place[x - begin]];
        budget_.release(scratch);
        level_start_.push_back(next_first + next_size);
        return 0;
    }

    /// The first violation of each property over every rank, then, as the sequential search
    /// reports them: stopping at the first, only those of the first violation's parent; in
    /// the order of their keys. Transition targets get their ids from their owners.
    std::vector<Violation> agree_violations() {
        violations_found_ = best_.size();
        const int mine = static_cast<int>(best_.size() * sizeof(Event));
        std::vector<int> counts(static_cast<std::size_t>(ranks_));
        std::vector<int> displs(static_cast<std::size_t>(ranks_));
        timed([&] { MPI_Allgather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, comm_); });
        int total = 0;
        for (std::size_t r = 0; r < counts.size(); ++r) {
            displs[r] = total;
            total += counts[r];
        }
        std::vector<Event> all(static_cast<std::size_t>(total) / sizeof(Event));
        timed([&] {
            MPI_Allgatherv(best_.data(), mine, MPI_BYTE, all.data(), counts.data(), displs.data(),
                           MPI_BYTE, comm_);
        });
        best_.clear();
        for (const Event& e : all)
            note(e);
        std::sort(best_.begin(), best_.end(), [](const Event& a, const Event& b) {
            return std::tie(a.key.from, a.key.pos, a.key.phase, a.property) <
                   std::tie(b.key.from, b.key.pos, b.key.phase, b.property);
        });
        if (options_.search.stop_at_first && !best_.empty()) {
            const std::uint64_t first = best_.front().key.from;
            std::erase_if(best_, [&](const Event& e) { return e.key.from != first; });
        }
        // Every rank holds the same list: each resolves the targets it owns.
        std::vector<std::uint64_t> ids(best_.size(), 0);
        for (std::size_t i = 0; i < best_.size(); ++i) {
            const Event& e = best_[i];
            if (e.kind != static_cast<std::int32_t>(ViolationKind::Transition))
                continue;
            const std::uint64_t h = state_hash(e.target);
            if (owner_of(h) != rank_ || slots_.empty())
                continue;
            const auto idx = slots_.find(h, [&](std::uint64_t j) {
                return std::memcmp(&states_[j], &e.target, sizeof(State)) == 0;
            });
            if (idx)
                ids[i] = id_[*idx] + 1;
        }
        std::vector<std::uint64_t> resolved(ids.size(), 0);
        timed([&] {
            MPI_Allreduce(ids.data(), resolved.data(), static_cast<int>(ids.size()), MPI_UINT64_T,
                          MPI_MAX, comm_);
        });
        std::vector<Violation> out;
        for (std::size_t i = 0; i < best_.size(); ++i) {
            const Event& e = best_[i];
            Violation v;
            v.kind = static_cast<ViolationKind>(e.kind);
            v.property = e.property;
            v.from_state = e.key.from;
            v.state = e.state;
            if (v.kind == ViolationKind::Transition) {
                if (resolved[i] == 0)
                    continue;  // its target was left out with an unfinished level
                v.state = resolved[i] - 1;
            }
            v.depth = depth_of(v.state);
            out.push_back(v);
        }
        return out;
    }

    /// Sums the checker's counters (premise counts, transitions fired) into rank 0's.
    template <class Checker>
    void merge_counters(Checker& checker) {
        if constexpr (requires { checker.counters(); }) {
            std::vector<std::uint64_t> mine = checker.counters();
            std::vector<std::uint64_t> sum(mine.size(), 0);
            timed([&] {
                MPI_Reduce(mine.data(), sum.data(), static_cast<int>(mine.size()), MPI_UINT64_T,
                           MPI_SUM, 0, comm_);
            });
            if (rank_ == 0) {
                for (std::size_t i = 0; i < sum.size(); ++i)
                    sum[i] -= mine[i];
                checker.add_counters(sum);
            }
        }
    }

    /// A state that rank 0 asked for, as its owner answers: the state and its parent's id.
    struct Fetched {
        State state;
        std::uint64_t parent;
    };
    struct Answer {
        std::uint64_t found;
        Fetched fetched;
    };
    /// Fetches to rank 0 every state on the paths to the violations (their parent links
    /// followed back across the ranks, one level per round), and each transition's target.
    void fetch_paths(const std::vector<Violation>& violations) {
        std::vector<std::uint64_t> want;
        for (const Violation& v : violations) {
            want.push_back(v.state);
            want.push_back(v.from_state);
        }
        for (;;) {
            std::uint64_t count = want.size();
            MPI_Bcast(&count, 1, MPI_UINT64_T, 0, comm_);
            if (count == 0)
                return;
            want.resize(count);
            MPI_Bcast(want.data(), static_cast<int>(count), MPI_UINT64_T, 0, comm_);
            std::vector<Answer> answers(count);
            std::memset(static_cast<void*>(answers.data()), 0, answers.size() * sizeof(Answer));
            for (std::size_t q = 0; q < count; ++q) {
                const std::uint64_t id = want[q];
                const std::uint32_t d = depth_of(id);
                if (d + 1 >= local_level_.size())
                    continue;
                for (std::uint64_t x = local_level_[d]; x < local_level_[d + 1]; ++x) {
                    if (id_[x] == id) {
                        answers[q] = Answer{1, Fetched{states_[x], parent_[x]}};
                        break;
                    }
                }
            }
            std::vector<Answer> all(rank_ == 0 ? count * static_cast<std::size_t>(ranks_) : 0);
            const int bytes = static_cast<int>(count * sizeof(Answer));
            MPI_Gather(answers.data(), bytes, MPI_BYTE, all.data(), bytes, MPI_BYTE, 0, comm_);
            std::vector<std::uint64_t> next;
            if (rank_ == 0) {
                for (const Answer& a : all) {
                    if (a.found == 0)
                        continue;
                    const std::uint64_t id =
                        want[static_cast<std::size_t>(&a - all.data()) % count];
                    fetched_[id] = a.fetched;
                    if (a.fetched.parent != no_parent && !fetched_.contains(a.fetched.parent))
                        next.push_back(a.fetched.parent);
                }
                std::sort(next.begin(), next.end());
                next.erase(std::unique(next.begin(), next.end()), next.end());
            }
            want = std::move(next);
        }
    }

    /// Every state to rank 0 at its global id, with its parent link, in rounds of a bounded
    /// number of states per rank; rank 0 then builds a table to find them.
    void gather() {
        constexpr std::size_t round_states = 65536;
        struct Record {
            std::uint64_t id;
            std::uint64_t parent;
            State state;
        };
        if (rank_ == 0) {
            budget_.allow_overdraft(true);
            all_states_.resize(total_);
            all_parent_.resize(total_);
            for (std::uint64_t x = 0; x < states_.size(); ++x) {
                all_states_[id_[x]] = states_[x];
                all_parent_[id_[x]] = parent_[x] == no_parent ? 0 : parent_[x];
            }
            states_.clear();
            parent_.clear();
            id_.clear();
            budget_.release(slots_.bytes());
            slots_ = SlotTable();
        }
        const std::uint64_t mine = rank_ == 0 ? 0 : states_.size();
        std::uint64_t most = 0;
        MPI_Allreduce(&mine, &most, 1, MPI_UINT64_T, MPI_MAX, comm_);
        const std::uint64_t rounds = (most + round_states - 1) / round_states;
        std::vector<int> counts(static_cast<std::size_t>(ranks_));
        std::vector<int> displs(static_cast<std::size_t>(ranks_));
        std::vector<Record> out;
        std::vector<Record> in;
        for (std::uint64_t round = 0; round < rounds; ++round) {
            out.clear();
            const std::uint64_t from = std::min(mine, round * round_states);
            const std::uint64_t to = std::min(mine, from + round_states);
            for (std::uint64_t x = from; x < to; ++x) {
                Record r{};
                r.id = id_[x];
                r.parent = parent_[x] == no_parent ? 0 : parent_[x];
                r.state = states_[x];
                out.push_back(r);
            }
            const int bytes = static_cast<int>(out.size() * sizeof(Record));
            MPI_Gather(&bytes, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm_);
            int total = 0;
            if (rank_ == 0) {
                for (std::size_t r = 0; r < counts.size(); ++r) {
                    displs[r] = total;
                    total += counts[r];
                }
                in.resize(static_cast<std::size_t>(total) / sizeof(Record));
            }
            MPI_Gatherv(out.data(), bytes, MPI_BYTE, in.data(), counts.data(), displs.data(),
                        MPI_BYTE, 0, comm_);
            if (rank_ == 0) {
                for (const Record& r : in) {
                    all_states_[r.id] = r.state;
                    all_parent_[r.id] = r.parent;
                }
            }
        }
        if (rank_ != 0)
            return;
        all_slots_ = SlotTable(gathered_slots(total_));
        budget_.charge(all_slots_.bytes());
        for (std::uint64_t i = 0; i < total_; ++i)
            all_slots_.add_new(state_hash(all_states_[i]), static_cast<std::uint32_t>(i));
        gathered_ = true;
    }

    /// The caller's reached-state predicates over this rank's states, summed on rank 0.
    void count_reached() {
        std::vector<std::uint64_t> mine;
        for (const auto& counted : options_.reached_counts) {
            std::uint64_t c = 0;
            for (std::uint64_t x = 0; x < states_.size(); ++x)
                c += counted.second(states_[x]) ? 1U : 0U;
            mine.push_back(c);
        }
        std::vector<std::uint64_t> sum(mine.size(), 0);
        MPI_Reduce(mine.data(), sum.data(), static_cast<int>(mine.size()), MPI_UINT64_T, MPI_SUM, 0,
                   comm_);
        for (std::size_t k = 0; k < sum.size(); ++k)
            reached_[options_.reached_counts[k].first] = sum[k];
    }

    /// Per-rank and per-level figures, gathered to rank 0.
    void collect_figures(double seconds) {
        DistributedRankFigures me;
        me.states = states_.size();
        me.bytes_per_state = static_cast<double>(store_bytes()) /
                             static_cast<double>(std::max<std::uint64_t>(1, states_.size()));
        me.messages_sent = messages_sent_;
        me.bytes_sent = bytes_sent_;
        me.comm_seconds = comm_seconds_;
        me.peak_rss_bytes = peak_rss_bytes();
        me.violations_found = violations_found_;
        figures_.ranks = ranks_;
        figures_.per_rank.resize(rank_ == 0 ? static_cast<std::size_t>(ranks_) : 0);
        MPI_Gather(&me, sizeof me, MPI_BYTE, figures_.per_rank.data(), sizeof me, MPI_BYTE, 0,
                   comm_);
        std::vector<double> comm(levels_.size());
        for (std::size_t i = 0; i < levels_.size(); ++i)
            comm[i] = levels_[i].comm_seconds;
        std::vector<double> most(levels_.size(), 0.0);
        MPI_Reduce(comm.data(), most.data(), static_cast<int>(comm.size()), MPI_DOUBLE, MPI_MAX, 0,
                   comm_);
        figures_.levels = levels_;
        for (std::size_t i = 0; i < levels_.size(); ++i)
            figures_.levels[i].comm_seconds = most[i];
        double all_comm = 0;
        for (const DistributedRankFigures& r : figures_.per_rank)
            all_comm += r.comm_seconds;
        figures_.comm_share =
            seconds > 0 ? all_comm / (seconds * static_cast<double>(ranks_)) : 0.0;
    }

    std::size_t store_bytes() const {
        if (gathered_) {
            return all_states_.capacity_bytes() + all_parent_.capacity_bytes() + all_slots_.bytes();
        }
        return states_.capacity_bytes() + parent_.capacity_bytes() + id_.capacity_bytes() +
               slots_.bytes();
    }

    /// shortest_path()'s view of the states and parent links fetched to rank 0.
    struct FetchedStates {
        const DistributedBfs* search;
        const State& operator[](std::uint64_t i) const { return search->state_at(i); }
    };
    struct FetchedParents {
        const DistributedBfs* search;
        std::uint64_t operator[](std::uint64_t i) const {
            const auto at = search->fetched_.find(i);
            if (at == search->fetched_.end()) {
                throw std::logic_error("distributed search: the parent of state " +
                                       std::to_string(i) + " was not fetched to rank 0");
            }
            return at->second.parent;
        }
    };

    const M& model_;
    MPI_Comm comm_;
    DistributedOptions<State> options_;
    int rank_ = 0;
    int ranks_ = 1;
    MemoryBudget budget_;  ///< before the arrays that charge it: it outlives them
    // This rank's states, in the order it stored them, level by level.
    ReservedArray<State> states_;
    ReservedArray<std::uint64_t> parent_;  ///< the parent's global id
    ReservedArray<std::uint64_t> id_;      ///< the state's global id
    std::vector<std::uint32_t> pos_;       ///< the level being built: the key's position
    SlotTable slots_;
    /// local_level_[d]: this rank's first state of level d (one past the last level: the end).
    std::vector<std::uint64_t> local_level_;
    /// level_start_[d]: the global id of the first state of level d (the same on every rank).
    std::vector<std::uint64_t> level_start_;
    std::vector<Event> best_;
    std::vector<std::vector<unsigned char>> out_;
    std::vector<unsigned char> send_;
    std::vector<unsigned char> in_;
    std::uint64_t messages_sent_ = 0;
    std::uint64_t bytes_sent_ = 0;
    std::uint64_t violations_found_ = 0;
    double comm_seconds_ = 0;
    std::vector<DistributedLevelFigures> levels_;
    DistributedFigures figures_;
    std::uint64_t total_ = 0;
    std::string refusal_;
    // Rank 0 after the search.
    std::unordered_map<std::uint64_t, Fetched> fetched_;
    std::unordered_map<int, std::uint64_t> reached_;
    bool gathered_ = false;
    ReservedArray<State> all_states_;
    ReservedArray<std::uint64_t> all_parent_;
    SlotTable all_slots_;
};

}  // namespace rseqcheck::checker
