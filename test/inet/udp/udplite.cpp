// test/inet/udp/udplite.cpp: UDP-Lite on the wire (RFC 3828, net/ipv4/udplite.c):
// the header's length field is the checksum coverage and the checksum sums
// what it covers; the receiver drops a datagram whose coverage is illegal
// or whose checksum is wrong, and one covered less than it asked for.
//
// The header values were read on a Linux 6.18 host with a raw
// IPPROTO_UDPLITE socket, for a 36-byte datagram from 127.0.0.1:40000 to
// 127.0.0.1:40001 after setsockopt(UDPLITE_SEND_CSCOV) of the value named
// (none: the option never set).
#include <cstddef>
#include <cstring>
#include <memory>

#include <ksock/inet/udp/udp_input.hpp>
#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/udp.hpp>

#include "inet/udp/fixture.hpp"
#include "support/static_require.hpp"

using namespace inet_test;

namespace {

constexpr char payload[] = "0123456789abcdefghijklmnopqrstuvwxyz"; // 36 bytes

int lite_socket(S& s, std::uint16_t port) {
    const int fd = s.socket(af_inet, sock_dgram | sock_nonblock, ipproto_udplite);
    REQUIRE(fd >= 0);
    const auto a = lo(port);
    REQUIRE(s.bind(fd, sa(a), sin_len) == 0);
    return fd;
}

struct lite_header {
    std::uint16_t len, check;
};

//! The UDP-Lite header of the next datagram the raw socket \p r sees.
lite_header next_header(S& s, int r) {
    unsigned char b[128];
    const long n = s.recv(r, b, sizeof b, 0);
    REQUIRE(n == 20 + 8 + 36);
    CHECK(b[9] == ipproto_udplite);
    CHECK(((b[20] << 8) | b[21]) == 40000);
    CHECK(((b[22] << 8) | b[23]) == 40001);
    return {static_cast<std::uint16_t>((b[24] << 8) | b[25]),
            static_cast<std::uint16_t>((b[26] << 8) | b[27])};
}

//! An IPv4 packet 127.0.0.1:40000 -> 127.0.0.1:40001 of protocol
//! UDP-Lite with the given length field and checksum and the payload;
//! the stack fills in the IP header's length, id and checksum.
std::size_t craft(unsigned char* p, std::uint16_t len_field, std::uint16_t check) {
    const unsigned char ip[20] = {0x45, 0, 0,   0, 0, 0, 0x40, 0, 64, ipproto_udplite,
                                  0,    0, 127, 0, 0, 1, 127,  0, 0,  1};
    std::memcpy(p, ip, 20);
    const unsigned char uh[8] = {0x9c,
                                 0x40,
                                 0x9c,
                                 0x41,
                                 static_cast<unsigned char>(len_field >> 8),
                                 static_cast<unsigned char>(len_field),
                                 static_cast<unsigned char>(check >> 8),
                                 static_cast<unsigned char>(check)};
    std::memcpy(p + 20, uh, 8);
    std::memcpy(p + 28, payload, 36);
    return 64;
}

} // namespace

TEST_CASE("udplite: UDP_SKB_CB, the IP layer's block then the coverage, fits skb->cb") {
    using ksock::inet::udp_skb_cb;
    STATIC_REQUIRE(sizeof(udp_skb_cb) <= sizeof(sk_buff::cb));
    STATIC_REQUIRE(alignof(udp_skb_cb) <= 8);
    STATIC_REQUIRE(offsetof(udp_skb_cb, header) == 0);
}

TEST_CASE("udplite: the coverage goes into the length field, the checksum sums what it covers") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r = s.socket(af_inet, sock_raw | sock_nonblock, ipproto_udplite);
    REQUIRE(r >= 0);
    const int a = lite_socket(s, 40001);
    const int b = lite_socket(s, 40000);
    const auto to = lo(40001);
    struct probe {
        int cscov; //!< -1: not set
        lite_header host;
    };
    const probe probes[] = {
        {-1, {44, 0x34f5}}, // the whole datagram, its length in the field
        {0, {0, 0x3521}},   // 0: the whole datagram, and 0 in the field
        {4, {8, 0xc8be}},   // raised to 8: the header alone
        {20, {20, 0x6246}}, // the header and 12 bytes of data
        {100, {44, 0x34f5}} // more than the datagram: the whole of it
    };
    char got[64];
    for (const probe& p : probes) {
        CAPTURE(p.cscov);
        if (p.cscov >= 0)
            REQUIRE(s.setsockopt(b, sol_udplite, udplite_send_cscov, &p.cscov, sizeof p.cscov) ==
                    0);
        REQUIRE(s.sendto(b, payload, 36, 0, sa(to), sin_len) == 36);
        const lite_header h = next_header(s, r);
        CHECK(h.len == p.host.len);
        CHECK(h.check == p.host.check);
        CHECK(s.recv(a, got, sizeof got, 0) == 36);
    }
    for (int fd : {r, a, b})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}

TEST_CASE("udplite: hostile headers are dropped, a good one is delivered") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int rr = s.socket(af_inet, sock_raw | sock_nonblock, ipproto_raw);
    REQUIRE(rr >= 0);
    const int a = lite_socket(s, 40001);
    const auto to = lo(40001);
    unsigned char p[64];
    char got[64];
    struct bad {
        const char* what;
        std::uint16_t len_field, check;
    };
    const bad bads[] = {
        {"a zero checksum (UDP-Lite mandates one)", 20, 0},
        {"coverage 5, inside the header", 5, 0x6246},
        {"coverage past the datagram's end", 45, 0x6246},
        {"a wrong checksum", 20, 0x6247},
        {"a checksum of another coverage", 8, 0x6246},
    };
    for (const bad& x : bads) {
        CAPTURE(x.what);
        const std::size_t n = craft(p, x.len_field, x.check);
        CHECK(s.sendto(rr, p, n, 0, sa(to), sin_len) == static_cast<long>(n));
        CHECK(s.recv(a, got, sizeof got, 0) == -eagain);
    }
    // The host's own datagram, byte for byte: taken.
    for (const lite_header h : {lite_header{20, 0x6246}, lite_header{0, 0x3521},
                                lite_header{44, 0x34f5}, lite_header{8, 0xc8be}}) {
        CAPTURE(h.len);
        const std::size_t n = craft(p, h.len, h.check);
        CHECK(s.sendto(rr, p, n, 0, sa(to), sin_len) == static_cast<long>(n));
        CHECK(s.recv(a, got, sizeof got, 0) == 36);
        CHECK(std::memcmp(got, payload, 36) == 0);
    }
    for (int fd : {rr, a})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}

TEST_CASE("udplite: a receiver's minimum coverage drops what is covered less (sk_drops)") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int a = lite_socket(s, 40001);
    const int b = lite_socket(s, 40000);
    const auto to = lo(40001);
    char got[64];
    int v = 20;
    REQUIRE(s.setsockopt(a, sol_udplite, udplite_recv_cscov, &v, sizeof v) == 0);
    v = 8; // the header alone: 8 < 20
    REQUIRE(s.setsockopt(b, sol_udplite, udplite_send_cscov, &v, sizeof v) == 0);
    CHECK(s.sendto(b, payload, 36, 0, sa(to), sin_len) == 36);
    CHECK(s.recv(a, got, sizeof got, 0) == -eagain);
    CHECK(s.sk_of_fd(a)->sk_drops == 1);
    v = 20; // 20 >= 20
    REQUIRE(s.setsockopt(b, sol_udplite, udplite_send_cscov, &v, sizeof v) == 0);
    CHECK(s.sendto(b, payload, 36, 0, sa(to), sin_len) == 36);
    CHECK(s.recv(a, got, sizeof got, 0) == 36);
    // Full coverage asked (0): any partial coverage is dropped, a whole one
    // (a datagram shorter than the sender's coverage) is taken.
    v = 0;
    REQUIRE(s.setsockopt(a, sol_udplite, udplite_recv_cscov, &v, sizeof v) == 0);
    CHECK(s.sendto(b, payload, 36, 0, sa(to), sin_len) == 36);
    CHECK(s.recv(a, got, sizeof got, 0) == -eagain);
    CHECK(s.sk_of_fd(a)->sk_drops == 2);
    CHECK(s.sendto(b, payload, 5, 0, sa(to), sin_len) == 5);
    CHECK(s.recv(a, got, sizeof got, 0) == 5);
    for (int fd : {a, b})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}
