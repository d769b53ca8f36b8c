// ksock/detail/byteorder.hpp: htons/ntohs as constexpr functions (ports are
// stored in network order, as inet_sport is in Linux).
#pragma once

#include <bit>
#include <cstdint>

namespace ksock::detail {

constexpr std::uint16_t htons(std::uint16_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little)
        return static_cast<std::uint16_t>((v << 8) | (v >> 8));
    else
        return v;
}
constexpr std::uint16_t ntohs(std::uint16_t v) noexcept {
    return htons(v);
}

} // namespace ksock::detail
