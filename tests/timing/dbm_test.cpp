// The zone algebra the timing search rests on, on hand-made timed graphs whose longest
// path is known: segments with upper bounds, a deadline measured from a reset, a diamond
// whose longer branch must win, and an unguarded dwell that leaves the objective unbounded.
#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "properties/timing/dbm.h"

namespace rseqcheck::timing {
namespace {

/// One location of a hand-made graph: the longest it may last (X reset on entry), or no
/// bound; and optionally a bound on G (a deadline measured from G's reset).
struct Segment {
    std::int64_t x_max = dbm_inf;
    std::int64_t g_max = dbm_inf;
    bool reset_g = false;
};

/// Enters each segment in turn from a zone where T = X = 0 and returns T's supremum at the
/// end of the last one (the objective of the search: time since the start event).
std::int64_t longest(const std::vector<Segment>& path) {
    Dbm z = Dbm::unconstrained();
    z.reset(Clock::T);
    for (const Segment& s : path) {
        z.reset(Clock::X);
        if (s.reset_g)
            z.reset(Clock::G);
        z.delay();
        if (s.x_max < dbm_inf)
            z.at_most(Clock::X, s.x_max);
        if (s.g_max < dbm_inf)
            z.at_most(Clock::G, s.g_max);
        EXPECT_FALSE(z.empty());
    }
    return z.upper(Clock::T);
}

TEST(Dbm, AChainOfSegmentsLastsTheSumOfTheirBounds) {
    EXPECT_EQ(longest({{1000}, {200}, {300}}), 1500);
    EXPECT_EQ(longest({{0}, {0}}), 0);
}

TEST(Dbm, ADeadlineCutsAnUnboundedDwell) {
    // a grant at 300 ns, user mode until the deadline E = 5000 after it, then the timer's
    // exit path: 300 + 5000 + 1200
    EXPECT_EQ(longest({{300}, {dbm_inf, 5000, true}, {1200}}), 6500);
    // the deadline also bounds kernel segments inside it
    EXPECT_EQ(longest({{100, dbm_inf, true}, {9000, 2000}}), 2000);
}

TEST(Dbm, NothingBoundsAUserDwellWithoutADeadline) {
    EXPECT_EQ(longest({{300}, {dbm_inf}}), dbm_inf);
}

TEST(Dbm, TheLongerBranchOfADiamondIsTheSupremum) {
    const std::int64_t a = longest({{100}, {300}, {500}, {100}});
    const std::int64_t b = longest({{100}, {700}, {100}});
    EXPECT_EQ(a, 1000);
    EXPECT_EQ(b, 900);
    EXPECT_EQ(std::max(a, b), 1000);
}

TEST(Dbm, GuardsAndInvariantsThatContradictEmptyTheZone) {
    Dbm z = Dbm::unconstrained();
    z.reset(Clock::G);
    z.delay();
    z.at_most(Clock::G, 5000);
    z.at_least(Clock::G, 5001);  // the strict A1 check after the deadline can no longer hold
    EXPECT_TRUE(z.empty());
}

TEST(Dbm, InclusionIsByEveryBound) {
    Dbm big = Dbm::unconstrained();
    big.reset(Clock::T);
    big.delay();
    big.at_most(Clock::T, 100);
    Dbm small = big;
    small.at_most(Clock::T, 50);
    EXPECT_TRUE(big.includes(small));
    EXPECT_FALSE(small.includes(big));
}

TEST(Dbm, ReleaseForgetsOneClockOnly) {
    Dbm z = Dbm::unconstrained();
    z.reset(Clock::T);
    z.reset(Clock::K);
    z.delay();
    z.at_most(Clock::K, 10);
    EXPECT_EQ(z.upper(Clock::T), 10);
    z.release(Clock::K);
    EXPECT_EQ(z.upper(Clock::K), dbm_inf);
    EXPECT_EQ(z.upper(Clock::T), 10);
}

}  // namespace
}  // namespace rseqcheck::timing
