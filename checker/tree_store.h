/// \file
/// The compressed state store: tree compression after Laarman, van de Pol and Weber,
/// "Parallel Recursive State Compression for Free" (SPIN 2011), the scheme of LTSmin's tree
/// database. A state is cut into 8-byte words (for the rseq model, 40 bytes: the three
/// per-task records, then the per-CPU records with the global budget, then the task
/// extensions with the environment word); a balanced binary tree is laid over the words,
/// the root's left half taking the odd word and every range below it splitting with the
/// odd word on the right (for five words: (w0 (w1 w2)) (w3 w4), so the task records sit
/// under one child of the root and the small, rarely changing CPU/budget and
/// extension/Env words under the other), and every part of it is interned in a table of its own
/// position (checker/intern_table.h): a word by its value, an inner node by the pair of its
/// children's ids. The state's root is the pair of its two halves' ids, 8 bytes, stored at
/// its index. Successors share most parts with states already stored, so the tables stay
/// small and a state costs its root. Exact: a state is found again from its root, bit for
/// bit; nothing is hashed away. Same members as checker/plain_store.h.
///
/// Why this scheme: it keeps the engines' dense numbering (a state's index is its place
/// in the BFS order, which the parent links and the level starts rely on), its tables are
/// hash-consing tables that several threads can share, and the per-task and per-CPU
/// records are natural leaves of the rseq state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "checker/intern_table.h"
#include "checker/memory_budget.h"
#include "checker/reserved_array.h"

namespace rseqcheck::checker {

template <class State>
class TreeStore {
    static constexpr std::size_t words = (sizeof(State) + 7) / 8;
    using Words = std::array<std::uint64_t, words>;

public:
    /// A lookup key: the root of a state whose every part is interned, else `missing`.
    using Key = std::uint64_t;
    static constexpr Key missing = ~Key{0};
    static constexpr const char* name = "compressed";
    static constexpr std::size_t bytes_per_state = sizeof(Key);

    TreeStore() = default;
    TreeStore(const TreeStore&) = delete;
    TreeStore& operator=(const TreeStore&) = delete;

    void set_budget(MemoryBudget* budget, std::size_t share = 1, std::size_t of = 1) {
        roots_.set_budget(budget, share, of);
        for (InternTable& t : tables_)
            t.set_budget(budget);
    }

    /// A stored state taken apart: its words and the id of each of its parts, so that the
    /// keys of its successors look up only the parts they change (most are unchanged).
    struct Parts {
        Words w{};
        std::array<std::uint32_t, (words + 1) * (words + 1)> ids{};
    };
    /// State i's parts.
    Parts parts_of(std::uint64_t i) const {
        Parts p;
        const Key r = roots_[i];
        if constexpr (words == 1) {
            p.w[0] = r;
        } else {
            fill<0, half>(p.w, static_cast<std::uint32_t>(r >> 32U), &p.ids);
            fill<half, words>(p.w, static_cast<std::uint32_t>(r), &p.ids);
        }
        return p;
    }
    static State state_of(const Parts& p) {
        State s{};
        std::memcpy(&s, p.w.data(), sizeof(State));
        return s;
    }
    /// key(t) for a successor t of the state `from` was taken apart into.
    Key key(const State& t, const Parts& from) const {
        const Words w = split(t);
        if constexpr (words == 1) {
            return w[0] == missing ? missing : w[0];
        } else {
            const std::uint32_t l = id<false, 0, half>(w, &from);
            if (l == InternTable::absent)
                return missing;
            const std::uint32_t r = id<false, half, words>(w, &from);
            if (r == InternTable::absent)
                return missing;
            return (std::uint64_t{l} << 32U) | r;
        }
    }
    /// t's root if every part of t is interned (no table changes), else `missing`: then t
    /// was never stored. Other threads may intern meanwhile, so `missing` is not "new".
    Key key(const State& t) const {
        const Words w = split(t);
        if constexpr (words == 1) {
            return w[0] == missing ? missing : w[0];
        } else {
            const std::uint32_t l = id<false, 0, half>(w);
            if (l == InternTable::absent)
                return missing;
            const std::uint32_t r = id<false, half, words>(w);
            if (r == InternTable::absent)
                return missing;
            return (std::uint64_t{l} << 32U) | r;
        }
    }
    /// Whether state i is t: by roots when t's key is known, else (rare: only when a slot's
    /// tag matches) by t's parts.
    bool holds(std::uint64_t i, Key key, const State& t) const {
        if (key != missing)
            return roots_[i] == key;
        const State s = (*this)[i];
        return std::memcmp(&s, &t, sizeof(State)) == 0;
    }
    /// Stores t at index i, interning its new parts (std::bad_alloc if refused).
    void set(std::uint64_t i, const State& t, Key key) { roots_[i] = root(t, key); }
    void set(std::uint64_t i, const State& t) { roots_[i] = root(t, missing); }
    /// What the parallel engine keeps of a key beside a state it numbers later: the key.
    using EntryKey = Key;
    static Key entry_key(Key key) { return key; }
    void push_back(const State& t, Key key) {
        const Key r = root(t, key);
        roots_.push_back(r);
    }
    void push_back(const State& t) { push_back(t, key(t)); }
    State operator[](std::uint64_t i) const {
        Words w{};
        const Key r = roots_[i];
        if constexpr (words == 1) {
            w[0] = r;
        } else {
            fill<0, half>(w, static_cast<std::uint32_t>(r >> 32U));
            fill<half, words>(w, static_cast<std::uint32_t>(r));
        }
        State s{};
        std::memcpy(&s, w.data(), sizeof(State));
        return s;
    }

    std::size_t size() const { return roots_.size(); }
    void resize(std::size_t n) { roots_.resize(n); }
    void reserve(std::size_t n) { roots_.reserve(n); }
    std::size_t charged() const { return roots_.charged(); }
    /// The roots and every table.
    std::size_t capacity_bytes() const {
        std::size_t bytes = roots_.capacity_bytes();
        for (const InternTable& t : tables_)
            bytes += t.bytes();
        return bytes;
    }
    /// Between levels, when no other thread uses the store: frees what the tables' growth
    /// left behind.
    void quiesce() {
        for (InternTable& t : tables_)
            t.free_retired();
    }
    /// Parts interned so far (for the tests and the statistics).
    std::size_t parts() const {
        std::size_t n = 0;
        for (const InternTable& t : tables_)
            n += t.size();
        return n;
    }

private:
    static constexpr std::size_t half = (words + 1) / 2;
    /// Where the part over [lo, hi), hi - lo > 1, below the root splits: an odd word goes
    /// to the right. Task 0's record is word 0 and changes in most steps of a slice user;
    /// tasks 1 and 2 change far less (on `default` and `deep` the waiter's word takes 11
    /// values and the third task's one). Split ((w0 w1) w2), the node over w0 and w1 and
    /// the node over all three held as many parts (3.45 M each on `deep`) and a step of
    /// task 0 looked both up; split (w0 (w1 w2)), the node over w1 and w2 is small, and a
    /// step of task 0 looks up one large node.
    static constexpr std::size_t middle(std::size_t lo, std::size_t hi) {
        return lo + (hi - lo) / 2;
    }

    static Words split(const State& t) {
        Words w{};
        std::memcpy(w.data(), &t, sizeof(State));
        return w;
    }
    /// The table of the part over words [lo, hi).
    InternTable& table(std::size_t lo, std::size_t hi) const {
        return tables_[lo * (words + 1) + hi];
    }

    /// The id of the part over words [lo, hi): found only, or interned (`insert`).
    /// With `from`, a part whose words equal from's takes from's id.
    /// The range is a template argument so that the whole walk inlines, compares included.
    template <bool insert, std::size_t lo, std::size_t hi>
    [[gnu::always_inline]] std::uint32_t id(const Words& w, const Parts* from = nullptr) const {
        if (from != nullptr && std::memcmp(&w[lo], &from->w[lo], (hi - lo) * 8) == 0)
            return from->ids[lo * (words + 1) + hi];
        std::uint64_t v = w[lo];
        if constexpr (hi - lo > 1) {
            constexpr std::size_t mid = middle(lo, hi);
            const std::uint32_t l = id<insert, lo, mid>(w, from);
            if (!insert && l == InternTable::absent)
                return InternTable::absent;
            const std::uint32_t r = id<insert, mid, hi>(w, from);
            if (!insert && r == InternTable::absent)
                return InternTable::absent;
            v = (std::uint64_t{l} << 32U) | r;
        }
        if constexpr (insert) {
            return table(lo, hi).intern(v);
        } else {
            return table(lo, hi).find(v);
        }
    }
    /// Writes the words of the part with id `part` over [lo, hi) into w (and the ids of it
    /// and its parts into *ids).
    using Ids = std::array<std::uint32_t, (words + 1) * (words + 1)>;
    template <std::size_t lo, std::size_t hi>
    [[gnu::always_inline]] void fill(Words& w, std::uint32_t part, Ids* ids = nullptr) const {
        if (ids != nullptr)
            (*ids)[lo * (words + 1) + hi] = part;
        const std::uint64_t v = table(lo, hi).value(part);
        if constexpr (hi - lo == 1) {
            w[lo] = v;
        } else {
            constexpr std::size_t mid = middle(lo, hi);
            fill<lo, mid>(w, static_cast<std::uint32_t>(v >> 32U), ids);
            fill<mid, hi>(w, static_cast<std::uint32_t>(v), ids);
        }
    }
    Key root(const State& t, Key key) {
        if (key != missing)
            return key;
        const Words w = split(t);
        if constexpr (words == 1) {
            return w[0];
        } else {
            const std::uint32_t l = id<true, 0, half>(w);
            const std::uint32_t r = id<true, half, words>(w);
            return (std::uint64_t{l} << 32U) | r;
        }
    }

    ReservedArray<Key> roots_;
    /// One table per part of the tree, by its word range (most entries unused).
    mutable std::array<InternTable, (words + 1) * (words + 1)> tables_;
};

}  // namespace rseqcheck::checker
