/// \file
/// The engine's view of a model, in the spirit of LTSmin's PINS: a fixed-size state, an
/// initial state, a static successor generator and action labels. The engine knows nothing
/// of rseq; the kernel model and the bench-only peer models plug in through this concept.
#pragma once

#include <concepts>
#include <cstddef>
#include <type_traits>

namespace rseqcheck::checker {

/// A model the engine can explore.
///
/// - `State` is a plain value compared and hashed as raw bytes: trivially copyable and with
///   no padding (`std::has_unique_object_representations_v`), so equal states are equal bytes.
/// - `Action` is a small trivially copyable label of one transition.
/// - `for_each_successor(s, f)` calls `f(const Action&, const State&)` once per enabled
///   transition of `s`, in a deterministic order. It allocates nothing.
/// - `is_valid_end(s)`: a state without successors that is not a deadlock.
template <class M>
concept ExplorableModel = requires(const M& m, const typename M::State& s) {
    typename M::State;
    typename M::Action;
    requires std::is_trivially_copyable_v<typename M::State>;
    requires std::has_unique_object_representations_v<typename M::State>;
    requires std::is_trivially_copyable_v<typename M::Action>;
    { m.initial_state() } -> std::same_as<typename M::State>;
    { m.is_valid_end(s) } -> std::same_as<bool>;
    m.for_each_successor(s, [](const typename M::Action&, const typename M::State&) {});
};

/// What the engine checks on every new state and every transition. `check_state` and
/// `check_transition` return the index of a violated property, or -1 when all hold.
/// `count_*` feed the vacuity report (premise counts); a checker that has none does nothing.
template <class C, class M>
concept PropertyChecker = ExplorableModel<M> &&
    requires(C& c, const typename M::State& s, const typename M::Action& a) {
    { c.check_state(s) } -> std::convertible_to<int>;
    { c.check_transition(s, a, s) } -> std::convertible_to<int>;
};

}  // namespace rseqcheck::checker
