// ksock/posix/dotted_quad.hpp: the strict dotted-quad text of an IPv4
// address, read and written as inet_pton and inet_ntop do it for AF_INET
// and for the last 32 bits of an AF_INET6 address (inet6_addr.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/uapi/byteorder.hpp>

namespace ksock::posix::detail {

//! The strict form inet_pton(AF_INET) reads: four decimal parts 0..255, no
//! leading zeros, nothing after. True and the address in network order.
constexpr bool parse_dotted_quad(const char* s, std::uint32_t& be) noexcept {
    std::uint32_t addr = 0;
    for (int part = 0; part < 4; ++part) {
        if (part > 0 && *s++ != '.')
            return false;
        if (!(*s >= '0' && *s <= '9'))
            return false;
        unsigned v = 0;
        int digits = 0;
        for (; *s >= '0' && *s <= '9'; ++s, ++digits) {
            if (digits == 1 && v == 0)
                return false; // "01": glibc's inet_pton4 refuses leading zeros
            v = v * 10 + static_cast<unsigned>(*s - '0');
            if (v > 255)
                return false;
        }
        addr = addr << 8 | v;
    }
    if (*s != '\0')
        return false;
    be = cpu_to_be32(addr);
    return true;
}

//! The dotted quad of \p addr (host byte order) into \p out, which holds
//! 16 bytes ("255.255.255.255" and its NUL): the text's length, NUL written.
constexpr std::size_t format_dotted_quad(std::uint32_t addr, char* out) noexcept {
    std::size_t n = 0;
    for (int part = 0; part < 4; ++part) {
        const unsigned v = addr >> (24 - 8 * part) & 0xff;
        if (part > 0)
            out[n++] = '.';
        if (v >= 100)
            out[n++] = static_cast<char>('0' + v / 100);
        if (v >= 10)
            out[n++] = static_cast<char>('0' + v / 10 % 10);
        out[n++] = static_cast<char>('0' + v % 10);
    }
    out[n] = '\0';
    return n;
}

} // namespace ksock::posix::detail
