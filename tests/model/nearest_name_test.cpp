// The "did you mean" helper shared by the scenario parser and the property catalogue
// (model/nearest_name.h): the distance itself, and which name it picks.
#include <array>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "model/nearest_name.h"

namespace rseqcheck {
namespace {

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
    EXPECT_EQ(edit_distance("", ""), 0U);
    EXPECT_EQ(edit_distance("", "irqs"), 4U);
    EXPECT_EQ(edit_distance("irqs", ""), 4U);
    EXPECT_EQ(edit_distance("irqs", "irqs"), 0U);
    EXPECT_EQ(edit_distance("irq", "irqs"), 1U);          // one insertion
    EXPECT_EQ(edit_distance("wakeupss", "wakeups"), 1U);  // one deletion
    EXPECT_EQ(edit_distance("faults", "vaults"), 1U);     // one substitution
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3U);
    EXPECT_EQ(edit_distance("sitting", "kitten"), 3U);
    // A transposition is two edits, not one (plain Levenshtein, no Damerau step).
    EXPECT_EQ(edit_distance("sginals", "signals"), 2U);
}

TEST(NearestName, PicksTheClosestAndTheFirstOfEquals) {
    constexpr std::array<std::string_view, 4> keys{"wakeups", "irqs", "faults", "signals"};
    EXPECT_EQ(nearest_name("irq", keys).name, "irqs");
    EXPECT_EQ(nearest_name("irq", keys).distance, 1U);
    EXPECT_EQ(nearest_name("sginals", keys).name, "signals");
    // "ab" is one edit from both; the first listed wins.
    const std::vector<std::string_view> tied{"xb", "ax"};
    EXPECT_EQ(nearest_name("ab", tied).name, "xb");
    EXPECT_EQ(nearest_name("ab", tied).distance, 1U);
}

TEST(NearestName, NoNamesGivesAnEmptySuggestion) {
    const std::vector<std::string_view> none;
    EXPECT_EQ(nearest_name("irqs", none).name, "");
}

}  // namespace
}  // namespace rseqcheck
