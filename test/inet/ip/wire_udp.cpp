// test/inet/ip/wire_udp.cpp: UDP between two stacks over a virtual Ethernet
// link (test/support/vlink.hpp): datagrams both ways with their data and
// source addresses checked, checksums complete on the wire, and the same
// under seeded loss, duplication and reordering.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/udp.hpp>

#include "support/wire_fixture.hpp"

using namespace ksock_test;

TEST_CASE("wire: UDP both ways, data and addresses checked") {
    wire_pair& p = wire_pair::fresh();
    const int sa_ = p.a.socket(ksock::af_inet, ksock::sock_dgram, 0);
    const int sb = p.b.socket(ksock::af_inet, ksock::sock_dgram, 0);
    const auto a_addr = sin_of(addr_a, 4000);
    const auto b_addr = sin_of(addr_b, 5000);
    REQUIRE(p.a.bind(sa_, sa(a_addr), sizeof a_addr) == 0);
    REQUIRE(p.b.bind(sb, sa(b_addr), sizeof b_addr) == 0);
    char msg[1000];
    for (int i = 0; i < 1000; ++i)
        msg[i] = static_cast<char>(i * 7);
    for (int round = 0; round < 10; ++round) {
        const std::size_t n = 1 + static_cast<std::size_t>(round) * 97;
        REQUIRE(p.a.sendto(sa_, msg, n, 0, sa(b_addr), sizeof b_addr) == static_cast<long>(n));
        p.run(3);
        char got[1000] = {};
        ksock::sockaddr_in from{};
        ksock::socklen_t fl = sizeof from;
        REQUIRE(p.b.recvfrom(sb, got, sizeof got, ksock::msg_dontwait,
                             reinterpret_cast<ksock::sockaddr*>(&from),
                             &fl) == static_cast<long>(n));
        CHECK(std::memcmp(got, msg, n) == 0);
        CHECK(from.sin_addr.s_addr == addr_a);
        CHECK(ksock::be16_to_cpu(from.sin_port) == 4000);
        // and back
        REQUIRE(p.b.sendto(sb, got, n, 0, sa(a_addr), sizeof a_addr) == static_cast<long>(n));
        p.run(3);
        char back[1000] = {};
        REQUIRE(p.a.recv(sa_, back, sizeof back, ksock::msg_dontwait) == static_cast<long>(n));
        CHECK(std::memcmp(back, msg, n) == 0);
    }
    const auto mib_a = ksock::inet::iproute::snmp(p.a);
    const auto mib_b = ksock::inet::iproute::snmp(p.b);
    CHECK(mib_a.udp.out_datagrams >= 10);
    CHECK(mib_b.udp.in_datagrams == 10);
    CHECK(mib_a.udp.in_datagrams == 10);
    CHECK(mib_b.udp.in_errors == 0);
    CHECK(p.a.close(sa_) == 0);
    CHECK(p.b.close(sb) == 0);
    p.run(1);
    CHECK(p.a.empty());
    CHECK(p.b.empty());
}

namespace {
//! The bytes of datagram \p seq: its number, then a pattern of it.
std::size_t make_datagram(unsigned seq, unsigned char* out) {
    const std::size_t n = 8 + (seq * 367) % 2600; // some larger than the MTU
    std::memcpy(out, &seq, sizeof seq);
    for (std::size_t i = sizeof seq; i < n; ++i)
        out[i] = static_cast<unsigned char>(seq * 7 + i * 13);
    return n;
}
} // namespace

TEST_CASE("wire: UDP under seeded loss, duplication and reordering: what arrives is intact") {
    wire_pair& p = wire_pair::fresh(true);
    p.w.rng = 12345;
    p.w.loss = 10;
    p.w.dup = 10;
    p.w.reorder = 30;
    p.w.delay = 2;
    const int ua = udp_bound(p.a, addr_a, 4000);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to = sin_of(addr_b, 5000);
    constexpr unsigned count = 200;
    static bool seen[count];
    for (bool& s : seen)
        s = false;
    unsigned received = 0, duplicates = 0;
    static unsigned char out[2700], in[2700], want[2700];
    auto drain = [&] {
        for (;;) {
            const long n = p.b.recv(ub, in, sizeof in, ksock::msg_dontwait);
            if (n < 0) {
                CHECK(n == -ksock::eagain);
                return;
            }
            unsigned seq = 0;
            REQUIRE(n >= 8);
            std::memcpy(&seq, in, sizeof seq);
            REQUIRE(seq < count);
            const std::size_t len = make_datagram(seq, want);
            REQUIRE(static_cast<std::size_t>(n) == len);
            CHECK(std::memcmp(in, want, len) == 0);
            ++received;
            duplicates += seen[seq];
            seen[seq] = true;
        }
    };
    for (unsigned seq = 0; seq < count; ++seq) {
        const std::size_t n = make_datagram(seq, out);
        const long r = p.a.sendto(ua, out, n, 0, sa(to), sizeof to);
        CHECK((r == static_cast<long>(n) || r == -ksock::enobufs || r == -ksock::eagain));
        p.run(3);
        drain();
    }
    p.run(40000); // every ARP retry and fragment queue runs out
    drain();
    unsigned unique = 0;
    for (bool s : seen)
        unique += s;
    MESSAGE("seeded link: " << p.w.sent[0] << " frames sent, " << p.w.lost << " lost, "
                            << p.w.duplicated << " duplicated, " << p.w.reordered << " reordered; "
                            << unique << " of " << count << " datagrams arrived, " << duplicates
                            << " twice");
    CHECK(unique > count / 2);
    CHECK(unique < count); // the loss must have cost something
    CHECK(p.w.duplicated > 0);
    CHECK(p.w.reordered > 0);
    p.a.close(ua);
    p.b.close(ub);
    p.run(1);
    CHECK(p.a.empty());
    CHECK(p.b.empty());
    CHECK(p.a.check_invariants().ok);
    CHECK(p.b.check_invariants().ok);
}

namespace {
//! The one's-complement sum the receiver checks, computed here from the
//! frame's bytes alone: the pseudo-header (addresses, protocol, the
//! datagram's whole length), then \p cov bytes from the UDP-Lite header.
//! 0xffff when the checksum is right.
std::uint16_t lite_sum(const unsigned char* ip, std::size_t ulen, std::size_t cov) {
    std::uint32_t s = 0;
    for (int i = 12; i < 20; i += 2)
        s += static_cast<std::uint32_t>((ip[i] << 8) | ip[i + 1]);
    s += ksock::ipproto_udplite + static_cast<std::uint32_t>(ulen);
    const unsigned char* u = ip + 20;
    for (std::size_t i = 0; i + 1 < cov; i += 2)
        s += static_cast<std::uint32_t>((u[i] << 8) | u[i + 1]);
    if (cov & 1)
        s += static_cast<std::uint32_t>(u[cov - 1] << 8);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return static_cast<std::uint16_t>(s);
}
} // namespace

TEST_CASE("wire: UDP-Lite over a device: the coverage and its sum on the wire, both ways") {
    wire_pair& p = wire_pair::fresh();
    const int la = p.a.socket(ksock::af_inet, ksock::sock_dgram, ksock::ipproto_udplite);
    const int lb = p.b.socket(ksock::af_inet, ksock::sock_dgram, ksock::ipproto_udplite);
    const auto a_addr = sin_of(addr_a, 4000);
    const auto b_addr = sin_of(addr_b, 5000);
    REQUIRE(p.a.bind(la, sa(a_addr), sizeof a_addr) == 0);
    REQUIRE(p.b.bind(lb, sa(b_addr), sizeof b_addr) == 0);
    const char msg[] = "0123456789abcdefghij"; // 20 bytes: the frame fits the log's 64
    for (int cov : {-1, 0, 8, 12, 100}) {
        CAPTURE(cov);
        if (cov >= 0)
            REQUIRE(p.a.setsockopt(la, ksock::sol_udplite, ksock::udplite_send_cscov, &cov,
                                   sizeof cov) == 0);
        p.log.clear();
        REQUIRE(p.a.sendto(la, msg, 20, 0, sa(b_addr), sizeof b_addr) == 20);
        p.run(3);
        char got[64] = {};
        REQUIRE(p.b.recv(lb, got, sizeof got, ksock::msg_dontwait) == 20);
        CHECK(std::memcmp(got, msg, 20) == 0);
        REQUIRE(p.log.n >= 1);
        const auto& f = p.log.e[0];
        REQUIRE(f.len >= 14 + 20 + 28);
        const unsigned char* ip = f.head + 14;
        CHECK(ip[9] == ksock::ipproto_udplite);
        const unsigned len_field = static_cast<unsigned>((ip[24] << 8) | ip[25]);
        // The field: the whole length (28) unless a coverage shorter than
        // the datagram was set, and then that coverage (0 for 0).
        const unsigned want_field = cov < 0 || cov >= 28 ? 28u : static_cast<unsigned>(cov);
        CHECK(len_field == want_field);
        const std::size_t covered = len_field == 0 ? 28 : len_field;
        CHECK(lite_sum(ip, 28, covered) == 0xffff);
    }
    // And back, with the receiver asking for more coverage than it gets.
    int want = 20;
    REQUIRE(p.a.setsockopt(la, ksock::sol_udplite, ksock::udplite_recv_cscov, &want, sizeof want) ==
            0);
    int cov = 8;
    REQUIRE(p.b.setsockopt(lb, ksock::sol_udplite, ksock::udplite_send_cscov, &cov, sizeof cov) ==
            0);
    REQUIRE(p.b.sendto(lb, msg, 20, 0, sa(a_addr), sizeof a_addr) == 20);
    p.run(3);
    char got[64];
    CHECK(p.a.recv(la, got, sizeof got, ksock::msg_dontwait) == -ksock::eagain);
    cov = 20;
    REQUIRE(p.b.setsockopt(lb, ksock::sol_udplite, ksock::udplite_send_cscov, &cov, sizeof cov) ==
            0);
    REQUIRE(p.b.sendto(lb, msg, 20, 0, sa(a_addr), sizeof a_addr) == 20);
    p.run(3);
    CHECK(p.a.recv(la, got, sizeof got, ksock::msg_dontwait) == 20);
    const auto mib_a = ksock::inet::iproute::snmp(p.a);
    CHECK(mib_a.udplite.in_datagrams == 1);
    CHECK(mib_a.udplite.in_errors == 1); // the short coverage
    CHECK(mib_a.udplite.out_datagrams == 5);
    CHECK(mib_a.udp.out_datagrams == 0);
    CHECK(p.a.close(la) == 0);
    CHECK(p.b.close(lb) == 0);
    p.run(1);
    CHECK(p.a.empty());
    CHECK(p.b.empty());
}
