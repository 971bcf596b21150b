/// \file
/// The hash of a packed state: the engines' slot tables and the lookups made after a search
/// (checker/state_graph.h) must agree on it, so it lives here once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rseqcheck::checker {

/// Mixes the state's bytes eight at a time (the last word zero-padded). Always inlined: it
/// runs once per successor, and GCC stopped inlining it into the parallel search's successor
/// loop once it had a second caller there.
template <class State>
[[gnu::always_inline]] inline std::uint64_t state_hash(const State& s) {
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

}  // namespace rseqcheck::checker
