// ksock/uapi/byteorder.hpp: network byte order as constexpr functions, with the
// kernel's names (cpu_to_be16, be16_to_cpu, cpu_to_be32, be32_to_cpu).
// Ports and addresses are stored big-endian, as Linux stores inet_sport and
// s_addr. Not htons/htonl: a C library may define those as macros (glibc
// does when optimising), which would rewrite any function of that name.
#pragma once

#include <bit>
#include <cstdint>

namespace ksock {

//! 16-bit host order to network (big-endian) order.
constexpr std::uint16_t cpu_to_be16(std::uint16_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little)
        return static_cast<std::uint16_t>((v << 8) | (v >> 8));
    else
        return v;
}
//! 16-bit network order to host order.
constexpr std::uint16_t be16_to_cpu(std::uint16_t v) noexcept {
    return cpu_to_be16(v);
}
//! 32-bit host order to network (big-endian) order.
constexpr std::uint32_t cpu_to_be32(std::uint32_t v) noexcept {
    if constexpr (std::endian::native == std::endian::little)
        return ((v & 0xffu) << 24) | ((v & 0xff00u) << 8) | ((v >> 8) & 0xff00u) | (v >> 24);
    else
        return v;
}
//! 32-bit network order to host order.
constexpr std::uint32_t be32_to_cpu(std::uint32_t v) noexcept {
    return cpu_to_be32(v);
}

static_assert(be16_to_cpu(cpu_to_be16(0x1234)) == 0x1234 &&
              be32_to_cpu(cpu_to_be32(0x12345678u)) == 0x12345678u);

} // namespace ksock
