// Pinned state, transition and depth counts of the small presets on the fixed model
// (Storm's habit). A model change that moves them updates them here and says why.
#include <gtest/gtest.h>

#include "tests/support/reference_bfs.h"

namespace rseqcheck {
namespace {

struct Pinned {
    const char* preset;
    std::uint64_t states;
};

class PinnedCounts : public ::testing::TestWithParam<Pinned> {};

TEST_P(PinnedCounts, FixedModelHoldsWithExactStateCount) {
    const auto explored = testing::reference_bfs(make_preset(GetParam().preset));
    EXPECT_EQ(explored.states, GetParam().states);
    EXPECT_TRUE(explored.violations.empty());
}

INSTANTIATE_TEST_SUITE_P(Presets, PinnedCounts,
                         ::testing::Values(Pinned{"tiny", 366}, Pinned{"grant", 965},
                                           Pinned{"grant-syscall", 748}, Pinned{"grant-race", 540},
                                           Pinned{"preempt-full", 4052},
                                           Pinned{"remote-wakeup", 394}, Pinned{"rt", 131},
                                           Pinned{"fault-migrate", 195},
                                           Pinned{"membarrier", 189}));

}  // namespace
}  // namespace rseqcheck
