// test/detail/bits.cpp: the bitmap helpers the fd table and the pools share
// (detail/bits.hpp): BITS_TO_LONGS, test_bit, find_next_zero_bit with and
// without skipped words, bitmap_weight.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/detail/bits.hpp>

#include "support/static_require.hpp"

namespace {

namespace d = ksock::detail;
constexpr std::size_t bpl = d::bits_per_long;

} // namespace

TEST_CASE("bits: sizes and single bits") {
    STATIC_REQUIRE(d::bits_to_longs(0) == 0);
    STATIC_REQUIRE(d::bits_to_longs(1) == 1);
    STATIC_REQUIRE(d::bits_to_longs(bpl) == 1);
    STATIC_REQUIRE(d::bits_to_longs(bpl + 1) == 2);
    const unsigned long map[2] = {0x5UL, 1UL};
    CHECK(d::test_bit(map, 0));
    CHECK_FALSE(d::test_bit(map, 1));
    CHECK(d::test_bit(map, 2));
    CHECK(d::test_bit(map, bpl));
    CHECK(d::bitmap_weight(map, 2) == 3);
}

TEST_CASE("bits: find_next_zero_bit") {
    unsigned long map[2] = {~0UL, 0x3UL};
    CHECK(d::find_next_zero_bit(map, 2 * bpl, 0) == bpl + 2);
    CHECK(d::find_next_zero_bit(map, 2 * bpl, bpl + 3) == bpl + 3);
    // Past the size: the size itself (no zero bit below it).
    CHECK(d::find_next_zero_bit(map, bpl + 2, 0) == bpl + 2);
    // A start inside a word ignores the zeros below it.
    map[0] = 0x1UL; // bits 1.. are free
    CHECK(d::find_next_zero_bit(map, 2 * bpl, 0) == 1);
    CHECK(d::find_next_zero_bit(map, 2 * bpl, 5) == 5);
    // A word the caller marks full is skipped unread (full_fds_bits).
    CHECK(d::find_next_zero_bit(map, 2 * bpl, 0, [](std::size_t w) { return w == 0; }) == bpl + 2);
}
