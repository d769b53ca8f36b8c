// ksock/posix/inet6_addr.hpp: IPv6 addresses as text, for inet_pton and
// inet_ntop with AF_INET6 (inet_addr.hpp), as glibc reads and writes them.
// Text conversion only: the stack has no IPv6 sockets, and so no
// sockaddr_in6.
//
// Read (RFC 4291 2.2): eight groups of one to four hex digits, one "::"
// standing for one or more zero groups, the last 32 bits optionally a
// strict dotted quad. Written (RFC 5952 4, with glibc's one difference):
// lowercase, no leading zeros, the longest run of two or more zero groups
// as "::" (the first of equal runs), and the last 32 bits as a dotted quad
// for a v4-mapped address (::ffff:a.b.c.d) and, as glibc still does, for a
// v4-compatible one (::a.b.c.d, whose first 96 bits are zero and which is
// neither :: nor ::1).
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/posix/dotted_quad.hpp>

namespace ksock::posix {

//! struct in6_addr in Linux's layout and with its member names
//! (include/uapi/linux/in6.h: s6_addr is in6_u.u6_addr8). glibc's
//! <netinet/in.h> has the same layout under the names __in6_u and
//! __u6_addr8, which C++ reserves; so a file that sees glibc's header names
//! ksock's bytes in6_u.u6_addr8, and <ksock/posix/netinet/in.h> defines
//! s6_addr only where no other header did.
struct in6_addr {
    union {
        std::uint8_t u6_addr8[16];  //!< the address's bytes, network order (s6_addr)
        std::uint16_t u6_addr16[8]; //!< Linux's 16-bit view (unused here)
        std::uint32_t u6_addr32[4]; //!< Linux's 32-bit view (unused here)
    } in6_u;                        //!< the address, in three views
};

//! INET6_ADDRSTRLEN: "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" and its NUL.
inline constexpr std::size_t inet6_addrstrlen = 46;

namespace detail {

//! The value of a hex digit, or -1.
constexpr int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

//! The address \p s writes, or false for text that is no IPv6 address.
constexpr bool parse_in6(const char* s, std::uint8_t (&out)[16]) noexcept {
    std::uint8_t b[16] = {};
    std::size_t n = 0;                 // bytes of groups read
    constexpr std::size_t no_gap = 17; // where the "::" stands, if any
    std::size_t gap = no_gap;
    if (*s == ':' && *++s != ':')
        return false;      // a leading colon only as "::"
    const char* group = s; // the start of the group being read
    unsigned v = 0;
    int digits = 0;
    for (;; ++s) {
        if (const int d = hex_value(*s); d >= 0) {
            if (digits == 4)
                return false;
            v = v << 4 | static_cast<unsigned>(d);
            ++digits;
        } else if (*s == ':') {
            group = s + 1;
            if (digits == 0) { // the second colon of "::"
                if (gap != no_gap)
                    return false;
                gap = n;
                continue;
            }
            if (s[1] == '\0' || n + 2 > 16)
                return false; // a trailing single colon; a ninth group
            b[n++] = static_cast<std::uint8_t>(v >> 8);
            b[n++] = static_cast<std::uint8_t>(v);
            v = 0;
            digits = 0;
        } else if (*s == '.') {
            // The group read so far starts a dotted quad, the text's end.
            std::uint32_t be = 0;
            if (n + 4 > 16 || !parse_dotted_quad(group, be))
                return false;
            const std::uint32_t a = be32_to_cpu(be);
            for (int i = 0; i < 4; ++i)
                b[n++] = static_cast<std::uint8_t>(a >> (24 - 8 * i));
            digits = 0;
            break;
        } else if (*s == '\0') {
            break;
        } else {
            return false;
        }
    }
    if (digits > 0) {
        if (n + 2 > 16)
            return false;
        b[n++] = static_cast<std::uint8_t>(v >> 8);
        b[n++] = static_cast<std::uint8_t>(v);
    }
    if (gap != no_gap) {
        if (n == 16)
            return false;                 // "::" must stand for at least one group
        const std::size_t tail = n - gap; // the bytes after "::" go to the end
        for (std::size_t i = 0; i < tail; ++i) {
            b[15 - i] = b[n - 1 - i];
            b[n - 1 - i] = 0;
        }
        n = 16;
    }
    if (n != 16)
        return false;
    for (std::size_t i = 0; i < 16; ++i)
        out[i] = b[i];
    return true;
}

//! The text of the address \p a into \p out: its length, NUL written.
constexpr std::size_t format_in6(const std::uint8_t (&a)[16],
                                 char (&out)[inet6_addrstrlen]) noexcept {
    unsigned w[8] = {};
    for (int i = 0; i < 8; ++i)
        w[i] = static_cast<unsigned>(a[2 * i]) << 8 | a[2 * i + 1];
    // The first longest run of zero groups; one group alone is no run.
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        int j = i;
        while (j < 8 && w[j] == 0)
            ++j;
        if (j - i > best_len) {
            best = i;
            best_len = j - i;
        }
        i = j == i ? i + 1 : j;
    }
    if (best_len < 2)
        best = -1;
    std::size_t n = 0;
    for (int i = 0; i < 8; ++i) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                out[n++] = ':';
            continue;
        }
        if (i != 0)
            out[n++] = ':';
        // v4-mapped (five zero groups, then ffff) or v4-compatible (six).
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && w[5] == 0xffff))) {
            const std::uint32_t v4 = static_cast<std::uint32_t>(w[6]) << 16 | w[7];
            return n + format_dotted_quad(v4, out + n);
        }
        bool started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            const unsigned d = w[i] >> shift & 0xf;
            if (d == 0 && !started && shift > 0)
                continue;
            started = true;
            out[n++] = "0123456789abcdef"[d];
        }
    }
    if (best >= 0 && best + best_len == 8)
        out[n++] = ':'; // a trailing run: its second colon
    out[n] = '\0';
    return n;
}

} // namespace detail
} // namespace ksock::posix
