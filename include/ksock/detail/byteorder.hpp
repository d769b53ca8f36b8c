// ksock/detail/byteorder.hpp: htons/ntohs/htonl/ntohl as constexpr functions (ports are
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

constexpr std::uint32_t htonl(std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little)
        return ((v & 0xffu) << 24) | ((v & 0xff00u) << 8) | ((v >> 8) & 0xff00u) | (v >> 24);
    else
        return v;
}
constexpr std::uint32_t ntohl(std::uint32_t v) noexcept {
    return htonl(v);
}

} // namespace ksock::detail
