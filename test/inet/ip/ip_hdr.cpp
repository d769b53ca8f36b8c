// test/inet/ip/ip_hdr.cpp: the IPv4, UDP and ICMP headers have their wire
// sizes and field offsets (RFC 791, 768, 792); inet/ip/ip_hdr.hpp pins the
// sizes with static_asserts on its own structs. These checks state them with
// the offsets of the wire format.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/inet/ip/ip_hdr.hpp>

#include "support/static_require.hpp"

using namespace ksock::inet;

TEST_CASE("iphdr: the 20 bytes of the wire header, fields at their offsets") {
    STATIC_REQUIRE(sizeof(iphdr) == 20);
    CHECK(offsetof(iphdr, tot_len) == 2);
    CHECK(offsetof(iphdr, frag_off) == 6);
    CHECK(offsetof(iphdr, ttl) == 8);
    CHECK(offsetof(iphdr, protocol) == 9);
    CHECK(offsetof(iphdr, check) == 10);
    CHECK(offsetof(iphdr, saddr) == 12);
    CHECK(offsetof(iphdr, daddr) == 16);
}

TEST_CASE("udphdr and icmphdr: 8 bytes each") {
    STATIC_REQUIRE(sizeof(udphdr) == 8);
    CHECK(offsetof(udphdr, len) == 4);
    CHECK(offsetof(udphdr, check) == 6);
    STATIC_REQUIRE(sizeof(icmphdr) == 8);
    CHECK(offsetof(icmphdr, checksum) == 2);
    CHECK(offsetof(icmphdr, sequence) == 6);
}
