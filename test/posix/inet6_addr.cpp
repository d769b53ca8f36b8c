// test/posix/inet6_addr.cpp: IPv6 text (inet6_addr.hpp) read and written
// as glibc does, at compile time and through inet_pton/inet_ntop.
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/posix/inet_addr.hpp>

#include "support/static_require.hpp"

namespace kp = ksock::posix;

namespace {

//! The text inet_ntop writes for the text \p in (which must parse).
constexpr bool round_trips(const char* in, const char* out) {
    std::uint8_t a[16] = {};
    if (!kp::detail::parse_in6(in, a))
        return false;
    char text[kp::inet6_addrstrlen] = {};
    const std::size_t n = kp::detail::format_in6(a, text);
    std::size_t i = 0;
    for (; out[i] != '\0'; ++i)
        if (text[i] != out[i])
            return false;
    return i == n && text[n] == '\0';
}

constexpr bool parses(const char* in) {
    std::uint8_t a[16] = {};
    return kp::detail::parse_in6(in, a);
}

} // namespace

TEST_CASE("inet6 text: RFC 5952's form, glibc's dotted quads") {
    STATIC_REQUIRE(round_trips("::", "::"));
    STATIC_REQUIRE(round_trips("0:0:0:0:0:0:0:1", "::1"));
    STATIC_REQUIRE(round_trips("2001:DB8:0:0:0:0:0:1", "2001:db8::1"));          // lowercase
    STATIC_REQUIRE(round_trips("2001:0db8::0001", "2001:db8::1"));               // no leading zeros
    STATIC_REQUIRE(round_trips("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")); // one zero: kept
    STATIC_REQUIRE(round_trips("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"));          // the longest run
    STATIC_REQUIRE(round_trips("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1")); // the first of equals
    STATIC_REQUIRE(round_trips("1::", "1::"));
    STATIC_REQUIRE(round_trips("::ffff:192.0.2.7", "::ffff:192.0.2.7")); // v4-mapped
    STATIC_REQUIRE(round_trips("::ffff:c000:207", "::ffff:192.0.2.7"));
    STATIC_REQUIRE(round_trips("::c000:207", "::192.0.2.7")); // v4-compatible, as glibc
    STATIC_REQUIRE(round_trips("::0.0.1.2", "::102"));        // ... unless it reads as ::x
    STATIC_REQUIRE(round_trips("64:ff9b::192.0.2.33", "64:ff9b::c000:221"));
    STATIC_REQUIRE(!parses(""));
    STATIC_REQUIRE(!parses(":1"));
    STATIC_REQUIRE(!parses("1:"));
    STATIC_REQUIRE(!parses("1::2::3"));
    STATIC_REQUIRE(!parses("1:2:3:4:5:6:7:8:9"));
    STATIC_REQUIRE(!parses("1:2:3:4:5:6:7::8")); // "::" must stand for a group
    STATIC_REQUIRE(!parses("12345::"));
    STATIC_REQUIRE(!parses("::ffff:192.0.2.07"));
    STATIC_REQUIRE(!parses("::1%eth0"));
}

TEST_CASE("inet6 text: inet_pton and inet_ntop with AF_INET6") {
    kp::in6_addr a{};
    REQUIRE(kp::bsd::inet_pton(ksock::af_inet6, "2001:db8::ff00:42:8329", &a) == 1);
    const std::uint8_t want[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0,    0,    0,
                                   0,    0,    0xff, 0x00, 0, 0x42, 0x83, 0x29};
    CHECK(std::memcmp(a.in6_u.u6_addr8, want, 16) == 0);
    char text[kp::inet6_addrstrlen];
    REQUIRE(kp::bsd::inet_ntop(ksock::af_inet6, &a, text, sizeof text) == text);
    CHECK(std::string(text) == "2001:db8::ff00:42:8329");
    // The text is 22 bytes and a NUL: 22 is ENOSPC, 23 enough.
    errno = 0;
    CHECK(kp::bsd::inet_ntop(ksock::af_inet6, &a, text, 22) == nullptr);
    CHECK(errno == ENOSPC);
    CHECK(kp::bsd::inet_ntop(ksock::af_inet6, &a, text, 23) == text);
    // The longest text fits INET6_ADDRSTRLEN exactly.
    REQUIRE(kp::bsd::inet_pton(ksock::af_inet6, "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255",
                               &a) == 1);
    REQUIRE(kp::bsd::inet_ntop(ksock::af_inet6, &a, text, sizeof text) == text);
    CHECK(std::string(text) == "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    CHECK(kp::bsd::inet_pton(ksock::af_inet6, "::ffff:1.2.3", &a) == 0);
    errno = 0;
    CHECK(kp::bsd::inet_ntop(99, &a, text, sizeof text) == nullptr);
    CHECK(errno == EAFNOSUPPORT);
}
