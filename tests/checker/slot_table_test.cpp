// The visited set's slots (checker/slot_table.h): a fresh table is all free, no used slot is
// ever mistaken for a free one, and a slot's home can be recomputed from the slot alone (what
// doubling relies on).
#include <cstdint>
#include <new>
#include <random>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "checker/slot_table.h"

namespace rseqcheck::checker {
namespace {

TEST(SlotTable, StartsFreeAndNoUsedSlotLooksFree) {
    SlotTable table(std::size_t{1} << 20U);
    ASSERT_EQ(table.size(), std::size_t{1} << 20U);
    EXPECT_EQ(table.bytes(), table.size() * sizeof(std::uint64_t));
    for (std::size_t i = 0; i < table.size(); i += 511)
        ASSERT_EQ(table[i], SlotTable::free_slot);
    // A hash whose upper half is zero, and index 0: the slot must still be in use.
    const std::uint64_t slot = SlotTable::make(SlotTable::tag(0), 0);
    EXPECT_NE(slot, SlotTable::free_slot);
    EXPECT_EQ(SlotTable::index_of(slot), 0U);
    EXPECT_EQ(SlotTable::index_of(SlotTable::make(SlotTable::tag(~std::uint64_t{0}), 0xFFFFFFFEU)),
              0xFFFFFFFEU);
}

TEST(SlotTable, HomeFollowsFromTheSlotAloneAtEverySize) {
    std::mt19937_64 random(7);
    for (int k = 0; k < 1000; ++k) {
        const std::uint64_t h = random();
        const std::uint64_t slot =
            SlotTable::make(SlotTable::tag(h), static_cast<std::uint32_t>(k));
        for (std::size_t size = 16; size <= (std::size_t{1} << 20U); size <<= 1U) {
            SlotTable table(size);
            ASSERT_EQ(table.home_of_slot(slot), table.home(h));
            ASSERT_LT(table.home(h), size);
            ASSERT_EQ(table.address(h), &table[table.home(h)]);
        }
    }
}

TEST(SlotTable, TagsSeparateHashesThatShareAHome) {
    // Two hashes with the same home in a small table but different upper bits must get
    // different tags, or every probe would read the state.
    const std::uint64_t a = std::uint64_t{0x1234} << 32U;
    const std::uint64_t b = std::uint64_t{0x5234} << 32U;
    SlotTable table(std::size_t{1} << 12U);
    EXPECT_EQ(table.home(a), table.home(b));
    EXPECT_NE(SlotTable::tag(a), SlotTable::tag(b));
}

TEST(SlotTable, MovesAndRefusesTablesPastItsLimit) {
    SlotTable a(64);
    a[3] = SlotTable::make(SlotTable::tag(42), 9);
    SlotTable b(std::move(a));
    EXPECT_EQ(b.size(), 64U);
    EXPECT_EQ(SlotTable::index_of(b[3]), 9U);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is empty
    EXPECT_THROW({ const SlotTable too_big(SlotTable::max_slots * 2); }, std::bad_alloc);
}

/// Fills 3 Mi slots of a 4 Mi table with random tags (the copy of a doubling then crosses
/// several of the chunks it releases) and returns what it placed.
std::vector<std::uint64_t> fill_three_quarters(SlotTable& table) {
    std::mt19937_64 random(11);
    std::vector<std::uint64_t> placed;
    for (std::uint32_t k = 0; k < 3 * (table.size() / 4); ++k) {
        const std::uint64_t slot = SlotTable::make(SlotTable::tag(random()), k);
        std::size_t pos = table.home_of_slot(slot);
        while (table[pos] != SlotTable::free_slot)
            pos = (pos + 1) & (table.size() - 1);
        table[pos] = slot;
        placed.push_back(slot);
    }
    return placed;
}

/// Every placed slot is in `bigger` once, and probing from its home meets it before any free
/// slot.
void expect_all_findable(const SlotTable& bigger, const std::vector<std::uint64_t>& placed) {
    std::size_t used = 0;
    for (std::size_t i = 0; i < bigger.size(); ++i)
        used += bigger[i] != SlotTable::free_slot ? 1U : 0U;
    EXPECT_EQ(used, placed.size());
    for (std::size_t k = 0; k < placed.size(); k += 97) {
        std::size_t pos = bigger.home_of_slot(placed[k]);
        while (bigger[pos] != placed[k]) {
            ASSERT_NE(bigger[pos], SlotTable::free_slot) << "slot " << k << " lost";
            pos = (pos + 1) & (bigger.size() - 1);
        }
    }
}

TEST(SlotTable, DoublingKeepsEverySlotFindableAndEmptiesTheOldTable) {
    constexpr std::size_t size = std::size_t{1} << 22U;
    SlotTable table(size);
    const std::vector<std::uint64_t> placed = fill_three_quarters(table);
    const SlotTable bigger = table.doubled();
    EXPECT_TRUE(table.empty());
    ASSERT_EQ(bigger.size(), 2 * size);
    expect_all_findable(bigger, placed);
}

// The parallel search doubles its table on all its threads: each moves every other chunk, and
// their probes into the new table cross at the chunks' edges.
TEST(ParallelSlotTable, ADoublingSharedByTwoThreadsKeepsEverySlotFindable) {
    constexpr std::size_t size = std::size_t{1} << 22U;
    SlotTable table(size);
    const std::vector<std::uint64_t> placed = fill_three_quarters(table);
    SlotTable bigger(2 * size);
    ASSERT_GT(table.chunks(), 4U);
    auto move_every_other = [&](std::size_t first) {
        for (std::size_t c = first; c < table.chunks(); c += 2)
            table.move_chunk<true>(bigger, c);
    };
    std::thread other(move_every_other, 1);
    move_every_other(0);
    other.join();
    expect_all_findable(bigger, placed);
}

}  // namespace
}  // namespace rseqcheck::checker
