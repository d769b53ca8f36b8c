// test/inet/ip/ip_hdr.cpp: the IPv4, UDP and ICMP headers have their wire
// sizes and field offsets (RFC 791, 768, 792); inet/ip/ip_hdr.hpp pins the
// sizes with static_asserts on its own structs. These checks state them with
// the offsets of the wire format.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>

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

namespace {

//! RFC 1071 by the book: big-endian 16-bit words, an odd last byte padded.
std::uint32_t reference_sum(const unsigned char* p, std::size_t n, std::uint32_t sum) {
    std::uint64_t acc = sum;
    for (std::size_t i = 0; i < n; i += 2)
        acc += (static_cast<std::uint32_t>(p[i]) << 8) | (i + 1 < n ? p[i + 1] : 0u);
    while (acc >> 16)
        acc = (acc & 0xffffu) + (acc >> 16);
    return static_cast<std::uint32_t>(acc);
}

std::uint32_t fold(std::uint32_t s) {
    while (s >> 16)
        s = (s & 0xffffu) + (s >> 16);
    return s;
}

} // namespace

TEST_CASE("skb_checksum: RFC 1071's sum over any chunking, offset and length") {
    // A message of 3 chunks whose lengths are odd and even, at every start
    // address alignment: the word-at-a-time sum (the host's byte order,
    // swapped once; a chunk that starts mid-word swapped) must equal the
    // byte-by-byte reference, incl. the folded 0xffff a sum can reach.
    alignas(8) unsigned char mem[3][80];
    std::uint32_t x = 12345;
    for (auto& m : mem)
        for (unsigned char& b : m) {
            x = x * 1103515245u + 12345u;
            b = static_cast<unsigned char>(x >> 16);
        }
    unsigned long cases = 0;
    for (std::size_t a0 : {0u, 1u, 2u, 3u})
        for (std::size_t l0 : {0u, 1u, 2u, 5u, 7u, 8u, 33u})
            for (std::size_t l1 : {1u, 4u, 6u, 13u})
                for (std::size_t l2 : {3u, 16u}) {
                    ksock::sk_buff s[3]{};
                    const std::size_t lens[3] = {l0, l1, l2};
                    unsigned char flat[200];
                    std::size_t total = 0;
                    for (int i = 0; i < 3; ++i) {
                        s[i].head = mem[i] + (i == 0 ? a0 : static_cast<std::size_t>(i));
                        s[i].len = s[i].cap = static_cast<std::uint32_t>(lens[i]);
                        s[i].frag_next = i < 2 ? &s[i + 1] : nullptr;
                        std::memcpy(flat + total, s[i].head, lens[i]);
                        total += lens[i];
                    }
                    for (std::size_t off = 0; off < 4 && off <= total; ++off) {
                        const std::size_t len = total - off;
                        CAPTURE(a0);
                        CAPTURE(l0);
                        CAPTURE(l1);
                        CAPTURE(l2);
                        CAPTURE(off);
                        CHECK(fold(skb_checksum(s, off, len, 0x1234u)) ==
                              reference_sum(flat + off, len, 0x1234u));
                        ++cases;
                    }
                }
    CHECK(cases > 400);
    // All-ones data sums to the negative zero, 0xffff, never to 0.
    unsigned char ones[6];
    std::memset(ones, 0xff, sizeof ones);
    ksock::sk_buff one{};
    one.head = ones;
    one.len = one.cap = sizeof ones;
    CHECK(fold(skb_checksum(&one, 0, sizeof ones, 0)) == 0xffffu);
    CHECK(csum_fold(skb_checksum(&one, 0, sizeof ones, 0)) == 0);
}
