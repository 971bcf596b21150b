// The engines' parent links (checker/parent_links.h): a level's links, once sealed, are
// packed to about 2 bits a state and still give back every parent; a level that is not
// sealed (open, or refused room) gives them back from its 4-byte buffer.
#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include <gtest/gtest.h>

#include "checker/memory_budget.h"
#include "checker/parent_links.h"

namespace rseqcheck::checker {
namespace {

/// A made-up BFS: level widths and, for every state past the first, its parent's index,
/// nondecreasing within a level as a BFS numbers them.
struct Levels {
    std::vector<std::uint64_t> start;
    std::vector<std::uint64_t> parent;  ///< parent[i] for i >= 1
};

/// `widths[k]` states at depth k (widths[0] == 1). Each level's parents are drawn from the
/// level before, sorted; `spread` of them skip far ahead, so that some gaps span many words.
Levels make_levels(const std::vector<std::uint64_t>& widths, std::uint32_t seed) {
    std::mt19937_64 random(seed);
    Levels l;
    l.parent.push_back(0);
    std::uint64_t next = 0;
    for (std::size_t k = 0; k < widths.size(); ++k) {
        l.start.push_back(next);
        if (k > 0) {
            const std::uint64_t from = l.start[k - 1];
            const std::uint64_t width = widths[k - 1];
            std::vector<std::uint64_t> parents;
            for (std::uint64_t j = 0; j < widths[k]; ++j) {
                // Half the parents from the first few states, the rest anywhere: runs of
                // children of one parent and long stretches of parents without any.
                const std::uint64_t span = j % 2 == 0 ? std::min<std::uint64_t>(width, 3) : width;
                parents.push_back(from + random() % span);
            }
            std::sort(parents.begin(), parents.end());
            l.parent.insert(l.parent.end(), parents.begin(), parents.end());
        }
        next += widths[k];
    }
    return l;
}

/// Pushes the links of levels [0, upto) into `links`, sealing after each complete level
/// when `seal` says so, and returns the states pushed.
std::uint64_t push_levels(ParentLinks& links, const Levels& l, std::size_t upto, bool seal) {
    std::vector<std::uint64_t> start;
    for (std::size_t k = 0; k < upto; ++k) {
        if (seal && k > 0) {
            EXPECT_TRUE(links.seal(start, links.size())) << "level " << k;
        }
        start.push_back(l.start[k]);
        const std::uint64_t end =
            k + 1 < l.start.size() ? l.start[k + 1] : static_cast<std::uint64_t>(l.parent.size());
        for (std::uint64_t i = l.start[k]; i < end; ++i)
            links.push_back(k == 0 ? 0 : parent_link(l.parent[i], l.start[k - 1]));
    }
    return links.size();
}

TEST(ParentLinks, EverySealedAndOpenParentComesBack) {
    const std::vector<std::uint64_t> widths = {1, 3, 40, 700, 5000, 90000, 20000, 257, 1};
    const Levels l = make_levels(widths, 7);
    ParentLinks links;
    const std::uint64_t n = push_levels(links, l, widths.size(), true);
    ASSERT_EQ(n, l.parent.size());
    // Every level but the last is sealed; the last is open.
    EXPECT_EQ(links.open_begin(), l.start.back());
    for (std::uint64_t i = 1; i < n; ++i)
        ASSERT_EQ(links.parent_of(l.start, i), l.parent[i]) << "state " << i;
    // Sealing the last one packs it too, and changes no answer.
    ASSERT_TRUE(links.seal(l.start, n));
    EXPECT_EQ(links.open_begin(), n);
    for (std::uint64_t i = 1; i < n; ++i)
        ASSERT_EQ(links.parent_of(l.start, i), l.parent[i]) << "state " << i;
}

TEST(ParentLinks, APackedStateTakesAboutTwoBitsNotFourBytes) {
    const std::vector<std::uint64_t> widths = {1, 10, 1000, 100000, 1000000, 200000};
    const Levels l = make_levels(widths, 11);
    ParentLinks links;
    const std::uint64_t n = push_levels(links, l, widths.size(), true);
    ASSERT_TRUE(links.seal(l.start, n));
    // Packed: at most 2 bits a state, a sample every 256, vectors grown by doubling; and the
    // open buffer's pages, which the widest level (1 M states, 4 MB) left charged.
    const std::uint64_t widest = 1000000;
    const double beside_buffer = static_cast<double>(links.capacity_bytes() - widest * 4);
    EXPECT_LT(beside_buffer / static_cast<double>(n), 0.75) << links.capacity_bytes();
    EXPECT_GE(links.capacity_bytes(), widest * 4);
}

TEST(ParentLinks, ALevelWhoseParentsGoBackIsAnEngineBug) {
    ParentLinks links;
    links.push_back(0);  // the initial state
    ASSERT_TRUE(links.seal({0}, 1));
    links.push_back(0);  // level 1: three states with parents 0, 0 and... the one before
    links.push_back(0);
    ASSERT_TRUE(links.seal({0, 1}, 3));
    links.push_back(1);  // level 2: parents at offsets 1, then 0
    links.push_back(0);
    EXPECT_THROW((void)links.seal({0, 1, 3}, 5), std::logic_error);
    // And sealing a level with a link of the next one already written is as well.
    ParentLinks early;
    early.push_back(0);
    early.push_back(0);
    EXPECT_THROW((void)early.seal({0}, 1), std::logic_error);
}

TEST(ParentLinks, ARefusedSealLeavesTheLinksOpenAndALaterOnePacksThem) {
    const std::vector<std::uint64_t> widths = {1, 2, 300, 5000};
    const Levels l = make_levels(widths, 3);
    MemoryBudget budget(1);  // nothing past the overdraft
    ParentLinks links;
    links.set_budget(&budget);
    budget.allow_overdraft(true);
    const std::uint64_t n = push_levels(links, l, widths.size(), false);  // the buffer's pages
    budget.allow_overdraft(false);
    EXPECT_FALSE(links.seal(l.start, n));
    EXPECT_EQ(links.open_begin(), 0U);
    for (std::uint64_t i = 1; i < n; ++i)
        ASSERT_EQ(links.parent_of(l.start, i), l.parent[i]) << "state " << i;
    budget.allow_overdraft(true);
    ASSERT_TRUE(links.seal(l.start, n));  // all four levels at once
    EXPECT_EQ(links.open_begin(), n);
    for (std::uint64_t i = 1; i < n; ++i)
        ASSERT_EQ(links.parent_of(l.start, i), l.parent[i]) << "state " << i;
}

}  // namespace
}  // namespace rseqcheck::checker
