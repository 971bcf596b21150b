/// \file
/// The plain state store: every reached state whole, at its index, in a ReservedArray. The
/// engines (checker/sequential_bfs.h, checker/parallel_bfs.h) take their store as a template
/// parameter; this one and the tree store (checker/tree_store.h) have the same members:
///  - key(t): what a lookup compares stored states with (here the state itself);
///  - holds(i, key, t): whether state i is t;
///  - set(i, t, key): stores t at index i (below size(); several threads may set different
///    indices at once), push_back(t, key) at the end;
///  - operator[](i): state i (here a reference, in the tree store a value);
///  - the ReservedArray members the engines charge and grow the store with.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "checker/memory_budget.h"
#include "checker/reserved_array.h"

namespace rseqcheck::checker {

template <class State>
class PlainStore {
public:
    using Key = State;
    static constexpr const char* name = "plain";
    /// Bytes a state takes in the store itself (parent links and the table come on top).
    static constexpr std::size_t bytes_per_state = sizeof(State);

    void set_budget(MemoryBudget* budget, std::size_t share = 1, std::size_t of = 1) {
        states_.set_budget(budget, share, of);
    }
    static const Key& key(const State& t) { return t; }
    /// A stored state as the tree store takes it apart; here just the state.
    struct Parts {
        State s;
    };
    Parts parts_of(std::uint64_t i) const { return Parts{states_[i]}; }
    static const State& state_of(const Parts& p) { return p.s; }
    static const Key& key(const State& t, const Parts& /*from*/) { return t; }
    bool holds(std::uint64_t i, const Key& /*key*/, const State& t) const {
        return std::memcmp(&states_[i], &t, sizeof(State)) == 0;
    }
    void set(std::uint64_t i, const State& t, const Key& /*key*/) { states_[i] = t; }
    void set(std::uint64_t i, const State& t) { states_[i] = t; }
    /// What the parallel engine keeps of a key beside a state it numbers later: nothing.
    struct EntryKey {};
    static EntryKey entry_key(const Key& /*key*/) { return {}; }
    void set(std::uint64_t i, const State& t, EntryKey /*key*/) { states_[i] = t; }
    void push_back(const State& t, const Key& /*key*/) { states_.push_back(t); }
    void push_back(const State& t) { states_.push_back(t); }
    const State& operator[](std::uint64_t i) const { return states_[i]; }

    std::size_t size() const { return states_.size(); }
    void resize(std::size_t n) { states_.resize(n); }
    void reserve(std::size_t n) { states_.reserve(n); }
    std::size_t charged() const { return states_.charged(); }
    std::size_t capacity_bytes() const { return states_.capacity_bytes(); }
    /// Nothing to tidy between levels.
    void quiesce() {}

private:
    ReservedArray<State> states_;
};

}  // namespace rseqcheck::checker
