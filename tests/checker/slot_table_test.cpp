// The visited set's slots (checker/slot_table.h): a fresh table is all free, no used slot is
// ever mistaken for a free one, indices up to 2^36 - 1 come back whole, and a slot's home can
// be recomputed from the slot alone up to the tag-home limit and from its hash past it (what
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
    // Indices past 2^31 and 2^32, up to the field's last one, with tags of all ones.
    for (const std::uint64_t index :
         {std::uint64_t{0xFFFFFFFEU}, std::uint64_t{1} << 31U, std::uint64_t{1} << 32U,
          (std::uint64_t{1} << 35U) + 12345U, SlotTable::index_mask}) {
        const std::uint64_t used = SlotTable::make(SlotTable::tag(~std::uint64_t{0}), index);
        EXPECT_EQ(SlotTable::index_of(used), index);
        EXPECT_EQ(SlotTable::tag_of(used), SlotTable::tag(~std::uint64_t{0}));
    }
    EXPECT_EQ(SlotTable::index_mask, (std::uint64_t{1} << 36U) - 1U);
}

TEST(SlotTable, HomeFollowsFromTheSlotAloneUpToTheLimitAndFromTheHashPastIt) {
    std::mt19937_64 random(7);
    for (int k = 0; k < 1000; ++k) {
        const std::uint64_t h = random();
        const std::uint64_t slot = SlotTable::make(SlotTable::tag(h), std::uint64_t{1} << 33U);
        for (std::size_t size = 16; size <= (std::size_t{1} << 20U); size <<= 1U) {
            SlotTable table(size);
            bool asked = false;
            const auto hash_of = [&](std::uint64_t) {
                asked = true;
                return h;
            };
            ASSERT_EQ(table.home_of_slot(slot, hash_of), table.home(h));
            ASSERT_FALSE(asked) << "a table under the limit must not need the state's hash";
            ASSERT_EQ(table.home(h), SlotTable::tag(h) & (size - 1));
            ASSERT_LT(table.home(h), size);
            ASSERT_EQ(table.address(h), &table[table.home(h)]);
            // Past a (lowered) limit the home comes from the hash, and is the same.
            SlotTable past(size, 8);
            ASSERT_EQ(past.home_of_slot(slot, hash_of), past.home(h));
            ASSERT_TRUE(asked);
        }
    }
}

TEST(SlotTable, TagsSeparateHashesThatShareAHome) {
    // Two hashes with the same home in a small table but different upper bits must get
    // different tags, or every probe would read the state.
    const std::uint64_t a = std::uint64_t{0x234} << 37U;
    const std::uint64_t b = a | (std::uint64_t{1} << 60U);
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

/// The slots' indices start past 2^32, as in a search that far.
constexpr std::uint64_t first_index = (std::uint64_t{1} << 32U) + 7U;

/// The hashes of the "states" fill_three_quarters() places: hash k for index first_index + k.
struct Hashes {
    std::vector<std::uint64_t> of;
    std::uint64_t operator()(std::uint64_t slot) const {
        return of.at(SlotTable::index_of(slot) - first_index);
    }
};

/// Fills 3 Mi slots of a 4 Mi table with random hashes (the copy of a doubling then crosses
/// several of the chunks it releases) and returns what it placed; `hashes` gets their hashes.
std::vector<std::uint64_t> fill_three_quarters(SlotTable& table, Hashes& hashes) {
    std::mt19937_64 random(11);
    std::vector<std::uint64_t> placed;
    for (std::uint64_t k = 0; k < 3 * (table.size() / 4); ++k) {
        const std::uint64_t h = random();
        hashes.of.push_back(h);
        const std::uint64_t slot = SlotTable::make(SlotTable::tag(h), first_index + k);
        std::size_t pos = table.home(h);
        while (table[pos] != SlotTable::free_slot)
            pos = (pos + 1) & (table.size() - 1);
        table[pos] = slot;
        placed.push_back(slot);
    }
    return placed;
}

/// Every placed slot is in `bigger` once, and probing from its home meets it before any free
/// slot.
void expect_all_findable(const SlotTable& bigger, const std::vector<std::uint64_t>& placed,
                         const Hashes& hashes) {
    std::size_t used = 0;
    for (std::size_t i = 0; i < bigger.size(); ++i)
        used += bigger[i] != SlotTable::free_slot ? 1U : 0U;
    EXPECT_EQ(used, placed.size());
    for (std::size_t k = 0; k < placed.size(); k += 97) {
        std::size_t pos = bigger.home(hashes(placed[k]));
        while (bigger[pos] != placed[k]) {
            ASSERT_NE(bigger[pos], SlotTable::free_slot) << "slot " << k << " lost";
            pos = (pos + 1) & (bigger.size() - 1);
        }
    }
}

TEST(SlotTable, DoublingKeepsEverySlotFindableAndEmptiesTheOldTable) {
    constexpr std::size_t size = std::size_t{1} << 22U;
    // Below the tag-home limit (no hash asked for), and past a lowered one (every slot's hash).
    for (const std::size_t limit : {SlotTable::tag_home_slots, size}) {
        SlotTable table(size, limit);
        Hashes hashes;
        const std::vector<std::uint64_t> placed = fill_three_quarters(table, hashes);
        std::size_t asked = 0;
        const SlotTable bigger = table.doubled([&](std::uint64_t slot) {
            ++asked;
            return hashes(slot);
        });
        EXPECT_TRUE(table.empty());
        ASSERT_EQ(bigger.size(), 2 * size);
        EXPECT_EQ(bigger.tag_home_limit(), limit);
        EXPECT_EQ(asked, limit == size ? placed.size() : 0U) << limit;
        expect_all_findable(bigger, placed, hashes);
    }
}

// The parallel search doubles its table on all its threads: each moves every other chunk, and
// their probes into the new table cross at the chunks' edges.
TEST(ParallelSlotTable, ADoublingSharedByTwoThreadsKeepsEverySlotFindable) {
    constexpr std::size_t size = std::size_t{1} << 22U;
    for (const std::size_t limit : {SlotTable::tag_home_slots, size}) {
        SlotTable table(size, limit);
        Hashes hashes;
        const std::vector<std::uint64_t> placed = fill_three_quarters(table, hashes);
        SlotTable bigger(2 * size, limit);
        ASSERT_GT(table.chunks(), 4U);
        auto move_every_other = [&](std::size_t first) {
            for (std::size_t c = first; c < table.chunks(); c += 2)
                table.move_chunk<true>(bigger, c, hashes);
        };
        std::thread other(move_every_other, 1);
        move_every_other(0);
        other.join();
        expect_all_findable(bigger, placed, hashes);
    }
}

}  // namespace
}  // namespace rseqcheck::checker
