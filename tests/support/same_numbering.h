/// \file
/// The check that two searches of one model numbered its states alike: the parallel engine
/// against the sequential one, the compressed store against the plain one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>

#include <gtest/gtest.h>

namespace rseqcheck::testing {

/// Asserts that `got` holds `want`'s states under the same indices (`same_state(a, b)`),
/// finds each of them under its index, and gives the same shortest paths
/// (`same_step(a, b)` on every step) to the second state, the middle one and the last.
/// `threads` labels a failure. Call it inside ASSERT_NO_FATAL_FAILURE.
template <class Want, class Got, class SameState, class SameStep>
void expect_same_numbering(const Want& want, const Got& got, unsigned threads,
                           SameState&& same_state, SameStep&& same_step) {
    for (std::uint64_t i = 0; i < want.size(); ++i) {
        const auto a = want.state_at(i);
        const auto b = got.state_at(i);
        ASSERT_TRUE(same_state(a, b)) << threads << " state " << i;
        ASSERT_EQ(got.find(b), std::optional<std::uint64_t>(i)) << threads;
    }
    for (const std::uint64_t i : {std::uint64_t{1}, want.size() / 2, want.size() - 1}) {
        const auto want_path = want.path_to(i);
        const auto got_path = got.path_to(i);
        ASSERT_EQ(want_path.size(), got_path.size()) << threads;
        for (std::size_t d = 0; d < want_path.size(); ++d)
            ASSERT_TRUE(same_step(want_path[d], got_path[d])) << threads << " step " << d;
    }
}

}  // namespace rseqcheck::testing
