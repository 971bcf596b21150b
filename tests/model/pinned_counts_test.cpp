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

// Change detectors, copied from the reference BFS (tests/support/reference_bfs.h, a search
// independent of both engines), not derived by hand. Issue 21 (fidelity review of c17ee635)
// moved them: interrupts after G6's granted store and at the end of the loop body (D2),
// fair wakeups that do not preempt (D4) and the tick that ends a used-up slice (D8), faults
// that block (D3) and sleeps in signal delivery and task_work (D15). Before: tiny 366, grant
// 965, grant-syscall 748, grant-race 540, preempt-full 4052, remote-wakeup 394, rt 131,
// fault-migrate 195, membarrier 189. rt is unchanged: its waiter is RT (no declined wakeup,
// no fair tick) and it has no faults.
INSTANTIATE_TEST_SUITE_P(
    Presets, PinnedCounts,
    ::testing::Values(Pinned{"tiny", 824}, Pinned{"grant", 2631}, Pinned{"grant-syscall", 1883},
                      Pinned{"grant-race", 2214}, Pinned{"preempt-full", 15144},
                      Pinned{"remote-wakeup", 724}, Pinned{"rt", 131}, Pinned{"fault-migrate", 335},
                      Pinned{"membarrier", 433}));

}  // namespace
}  // namespace rseqcheck
