// ksock/posix/inet_addr.hpp: IPv4 addresses as text and the byte-order
// functions (<arpa/inet.h>, <netinet/in.h>), as glibc parses and prints
// them. Pure functions; no stack.
//
// inet_pton and inet_ntop take AF_INET and, as text only (the stack has no
// IPv6 sockets), AF_INET6 (inet6_addr.hpp); any other family fails with
// EAFNOSUPPORT.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include <ksock/posix.hpp>
#include <ksock/posix/dotted_quad.hpp>
#include <ksock/posix/inet6_addr.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::posix {

using in_addr_t = std::uint32_t; //!< an IPv4 address (network byte order in sin_addr)
using in_port_t = std::uint16_t; //!< a port (network byte order in sin_port)

//! INET_ADDRSTRLEN: "255.255.255.255" and its NUL.
inline constexpr std::size_t inet_addrstrlen = 16;
//! INADDR_NONE: what inet_addr returns for text it cannot read.
inline constexpr in_addr_t inaddr_none = 0xffffffffu;

namespace bsd {

//! htons, ntohs, htonl, ntohl: host to network byte order and back.
//!@{
constexpr std::uint16_t htons(std::uint16_t v) noexcept {
    return cpu_to_be16(v);
}
constexpr std::uint16_t ntohs(std::uint16_t v) noexcept {
    return be16_to_cpu(v);
}
constexpr std::uint32_t htonl(std::uint32_t v) noexcept {
    return cpu_to_be32(v);
}
constexpr std::uint32_t ntohl(std::uint32_t v) noexcept {
    return be32_to_cpu(v);
}
//!@}

//! A digit of a hexadecimal number.
constexpr bool is_hex_digit(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

//! inet_aton(3): "a.b.c.d", "a.b.c" (c 16 bits), "a.b" (b 24 bits) or "a"
//! (32 bits), each part decimal, octal (leading 0) or hex (0x); text after
//! the address only if it starts with white space. 1 and the address in
//! network order, or 0.
constexpr int inet_aton(const char* cp, in_addr* out) noexcept {
    if (cp == nullptr)
        return 0;
    std::uint32_t parts[4] = {};
    int n = 0;
    const char* p = cp;
    for (;;) {
        if (!(*p >= '0' && *p <= '9'))
            return 0; // every part starts with a digit
        std::uint64_t v = 0;
        unsigned base = 10;
        if (*p == '0') {
            base = 8;
            ++p;
            if ((*p == 'x' || *p == 'X') && is_hex_digit(p[1])) {
                base = 16; // "0x" with no digit after is the number 0 and then an 'x'
                ++p;
            }
        }
        for (;; ++p) {
            unsigned d = 0;
            if (*p >= '0' && *p <= '9')
                d = static_cast<unsigned>(*p - '0');
            else if (base == 16 && *p >= 'a' && *p <= 'f')
                d = static_cast<unsigned>(*p - 'a' + 10);
            else if (base == 16 && *p >= 'A' && *p <= 'F')
                d = static_cast<unsigned>(*p - 'A' + 10);
            else
                break;
            if (d >= base)
                return 0; // 8 or 9 in an octal part
            v = v * base + d;
            if (v > 0xffffffffu)
                return 0;
        }
        parts[n++] = static_cast<std::uint32_t>(v);
        if (*p != '.')
            break;
        if (n == 4)
            return 0;
        ++p;
    }
    if (*p != '\0' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\v' && *p != '\f' &&
        *p != '\r')
        return 0;
    // The last part fills what the earlier ones leave.
    std::uint32_t addr = 0;
    for (int i = 0; i < n - 1; ++i) {
        if (parts[i] > 0xff)
            return 0;
        addr |= parts[i] << (24 - 8 * i);
    }
    const int left_bits = 32 - 8 * (n - 1);
    if (left_bits < 32 && parts[n - 1] >> left_bits != 0)
        return 0;
    addr |= parts[n - 1];
    if (out != nullptr)
        out->s_addr = cpu_to_be32(addr);
    return 1;
}

//! inet_addr(3): inet_aton's address, or INADDR_NONE.
constexpr in_addr_t inet_addr(const char* cp) noexcept {
    in_addr a{};
    return inet_aton(cp, &a) ? a.s_addr : inaddr_none;
}

//! inet_pton(3): 1 and the address (an in_addr for AF_INET, an in6_addr
//! for AF_INET6), 0 for text that is not one, -1 and EAFNOSUPPORT for
//! another family.
inline int inet_pton(int af, const char* src, void* dst) noexcept {
    if (af == af_inet) {
        std::uint32_t be = 0;
        if (!detail::parse_dotted_quad(src, be))
            return 0;
        static_cast<in_addr*>(dst)->s_addr = be;
        return 1;
    }
    if (af == af_inet6) {
        std::uint8_t a[16] = {};
        if (!detail::parse_in6(src, a))
            return 0;
        auto* out = static_cast<in6_addr*>(dst);
        for (std::size_t i = 0; i < 16; ++i)
            out->in6_u.u6_addr8[i] = a[i];
        return 1;
    }
    errno = to_host_errno(eafnosupport);
    return -1;
}

//! inet_ntop(3): \p dst, or null and ENOSPC when \p size cannot hold the
//! text and its NUL, EAFNOSUPPORT for a family other than AF_INET and
//! AF_INET6.
inline const char* inet_ntop(int af, const void* src, char* dst, socklen_t size) noexcept {
    char text[inet6_addrstrlen] = {};
    std::size_t n = 0;
    if (af == af_inet) {
        n = detail::format_dotted_quad(be32_to_cpu(static_cast<const in_addr*>(src)->s_addr), text);
    } else if (af == af_inet6) {
        std::uint8_t a[16] = {};
        for (std::size_t i = 0; i < 16; ++i)
            a[i] = static_cast<const in6_addr*>(src)->in6_u.u6_addr8[i];
        n = detail::format_in6(a, text);
    } else {
        errno = to_host_errno(eafnosupport);
        return nullptr;
    }
    if (n + 1 > size) {
        errno = to_host_errno(enospc);
        return nullptr;
    }
    for (std::size_t i = 0; i <= n; ++i)
        dst[i] = text[i];
    return dst;
}

//! inet_ntoa(3): the address as text in one static buffer, overwritten by
//! the next call (POSIX does not ask it to be thread-safe, and a bare-metal
//! target has no thread-local storage to give it).
inline char* inet_ntoa(in_addr a) noexcept {
    static char buf[inet_addrstrlen];
    inet_ntop(af_inet, &a, buf, sizeof buf);
    return buf;
}

} // namespace bsd
} // namespace ksock::posix
