// ksock/detail/bits.hpp: bitmaps of unsigned long words, the lib/find_bit.c
// and bitmap_weight() the fd table and the pools share.
#pragma once

#include <climits>
#include <cstddef>

#include <ksock/platform.hpp>

namespace ksock::detail {

inline constexpr std::size_t bits_per_long = sizeof(unsigned long) * CHAR_BIT; //!< BITS_PER_LONG

//! BITS_TO_LONGS(n).
constexpr std::size_t bits_to_longs(std::size_t n) noexcept {
    return (n + bits_per_long - 1) / bits_per_long;
}

constexpr bool test_bit(const unsigned long* map, std::size_t i) noexcept {
    return (map[i / bits_per_long] >> (i % bits_per_long)) & 1UL;
}

//! find_next_zero_bit over map[0, size): the first clear bit at or after
//! \p start, or \p size. \p skip(w) may say that word w is known to be full
//! (the fd table's full_fds_bits), so the search steps over it unread.
template <class Skip>
KSOCK_ALWAYS_INLINE constexpr std::size_t find_next_zero_bit(const unsigned long* map,
                                                             std::size_t size, std::size_t start,
                                                             Skip&& skip) noexcept {
    const std::size_t words = bits_to_longs(size);
    for (std::size_t w = start / bits_per_long; w < words; ++w) {
        if (skip(w))
            continue;
        unsigned long free_bits = ~map[w];
        if (w == start / bits_per_long)
            free_bits &= ~0UL << (start % bits_per_long);
        if (free_bits) {
            const std::size_t i = w * bits_per_long + platform::ctz(free_bits);
            return i < size ? i : size;
        }
    }
    return size;
}
//! find_next_zero_bit with no word known to be full.
KSOCK_ALWAYS_INLINE constexpr std::size_t find_next_zero_bit(const unsigned long* map,
                                                             std::size_t size,
                                                             std::size_t start) noexcept {
    return find_next_zero_bit(map, size, start, [](std::size_t) { return false; });
}

//! bitmap_weight: the bits set in \p words words.
constexpr std::size_t bitmap_weight(const unsigned long* map, std::size_t words) noexcept {
    std::size_t n = 0;
    for (std::size_t w = 0; w < words; ++w)
        n += platform::popcount(map[w]);
    return n;
}

} // namespace ksock::detail
