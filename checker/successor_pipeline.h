/// \file
/// The successor pipeline that both searches and the state-graph builder share.
///
/// Exploring a state is two steps: generate its successors, then look each up in the table.
/// The lookups are where a large search waits for memory, so the pipeline gives the memory
/// time: each successor is hashed and its first slot prefetched the moment it is made, and
/// a look-ahead of one state generates state i+1's successors (so their slots are on their
/// way) before state i's are looked up. The callers decide where the look-ahead stops (the
/// end of a level, of a chunk, of a range of states) and what is kept beside each successor:
/// the transition properties it violates (SequentialBfs), nothing (ParallelBfs, which
/// notes violations as they come), or its edge label (the state graph).
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "checker/state_hash.h"

namespace rseqcheck::checker {

/// Nothing kept: the Extra of a successor, or the Parts of an expansion, that has none.
struct Nothing {};

/// A successor, its hash, and what the caller keeps beside it.
template <class State, class Extra>
struct HashedSuccessor {
    State state;
    std::uint64_t hash;
    [[no_unique_address]] Extra extra;
};

/// One state's successors in the model's order, and (for the searches) the expanded state
/// as the store took it apart, which the compressed store's lookups reuse.
template <class State, class Extra, class Parts = Nothing>
struct Expansion {
    std::vector<HashedSuccessor<State, Extra>> successors;
    [[no_unique_address]] Parts parts{};
    bool ready = false;  ///< generated for the state it is now meant for
};

/// Generates s's successors into `out` (cleared first), in the model's order. Each is hashed
/// and `prefetch(h)` asks for its first slot before the next successor is made;
/// `keep(action, t, h)` returns what to keep beside t, or std::nullopt to leave t out.
template <class M, class Extra, class Prefetch, class Keep>
void generate_successors(const M& model, const typename M::State& s,
                         std::vector<HashedSuccessor<typename M::State, Extra>>& out,
                         Prefetch&& prefetch, Keep&& keep) {
    out.clear();
    model.for_each_successor(s, [&](const typename M::Action& a, const typename M::State& t) {
        const std::uint64_t h = state_hash(t);
        prefetch(h);
        if (std::optional<Extra> extra = keep(a, t, h))
            out.push_back(HashedSuccessor<typename M::State, Extra>{t, h, *extra});
    });
}

/// The look-ahead of one state: `current` is the expansion whose successors are being
/// looked up, `next` the one generated ahead of it.
template <class E>
struct LookAhead {
    E current;
    E next;

    /// State i's expansion: generated now by `fill(i, e)` unless it was generated ahead.
    template <class Fill>
    E& at(std::uint64_t i, Fill&& fill) {
        if (!current.ready) {
            fill(i, current);
            current.ready = true;
        }
        return current;
    }
    /// Generates state i's expansion ahead of the current one (i is the current state + 1;
    /// the caller knows whether it still belongs to the same level or chunk).
    template <class Fill>
    void ahead(std::uint64_t i, Fill&& fill) {
        fill(i, next);
        next.ready = true;
    }
    /// The current state is done: the one generated ahead (if any) takes its place.
    void advance() {
        std::swap(current, next);
        next.ready = false;
    }
    /// Forgets both (a new level, or an error in the middle of one).
    void reset() { current.ready = next.ready = false; }
};

}  // namespace rseqcheck::checker
