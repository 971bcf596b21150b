// The engines' state store (checker/reserved_array.h): it grows without moving what it
// holds, keeps every element written, and reports the bytes in use in whole pages.
#include <cstdint>
#include <new>

#include <gtest/gtest.h>

#include "checker/reserved_array.h"

namespace rseqcheck::checker {
namespace {

struct Pair {
    std::uint64_t a;
    std::uint64_t b;
};

TEST(ReservedArray, GrowsWithoutMovingAndKeepsEveryElement) {
    ReservedArray<Pair> array;
    EXPECT_TRUE(array.empty());
    EXPECT_EQ(array.capacity_bytes(), 0U);
    array.push_back(Pair{7, 8});
    const Pair* first = &array[0];
    constexpr std::size_t n = 3U << 20U;  // 48 MiB: past several huge pages
    for (std::uint64_t i = 1; i < n; ++i)
        array.push_back(Pair{i, ~i});
    EXPECT_EQ(&array[0], first) << "growing moved the elements";
    ASSERT_EQ(array.size(), n);
    EXPECT_EQ(array[0].a, 7U);
    EXPECT_EQ(array[0].b, 8U);
    for (std::uint64_t i = 1; i < n; i += 4099) {
        ASSERT_EQ(array[i].a, i);
        ASSERT_EQ(array[i].b, ~i);
    }
    EXPECT_EQ(array.capacity_bytes(), n * sizeof(Pair));  // a whole number of pages here
}

TEST(ReservedArray, ResizeLeavesRoomToWriteInPlace) {
    ReservedArray<std::uint32_t> array;
    array.resize(5);
    for (std::uint32_t i = 0; i < 5; ++i)
        array[i] = i * i;
    array.resize(1001);
    array[1000] = 42;
    EXPECT_EQ(array.size(), 1001U);
    EXPECT_EQ(array[4], 16U);
    EXPECT_EQ(array[1000], 42U);
    EXPECT_EQ(array.capacity_bytes(), 4096U) << "1001 elements of 4 bytes fit one page";
    array.clear();
    EXPECT_TRUE(array.empty());
    EXPECT_EQ(array.capacity_bytes(), 0U);
    array.push_back(9);  // usable again after clear()
    EXPECT_EQ(array[0], 9U);
}

TEST(ReservedArray, PastTheReservationIsBadAlloc) {
    ReservedArray<std::uint64_t> array;
    // 2^32 elements is the most any reservation holds (state indices are 32-bit).
    EXPECT_THROW(array.resize((std::size_t{1} << 32U) + 1), std::bad_alloc);
}

}  // namespace
}  // namespace rseqcheck::checker
