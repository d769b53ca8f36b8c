// test/inet/ip/icmp.cpp: ICMP between two stacks on a virtual link
// (inet/ip/icmp.hpp): ping both ways (a raw ICMP socket and a ping socket
// sending, the other stack answering), port unreachable both ways
// (ECONNREFUSED on a connected UDP socket, as on the host), protocol
// unreachable, an echo to a broadcast address ignored, and the Icmp:
// counters of /proc/net/snmp on both sides.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/iproute.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"

using namespace ksock_test;
namespace in = ksock::inet;

namespace {
//! An echo request of id, sequence and payload, checksummed.
std::size_t echo_request(unsigned char* out, unsigned id, unsigned seq, const char* data,
                         std::size_t n) {
    frame_buf f;
    icmp_pkt(f, 8, 0, id, seq, data, n);
    std::memcpy(out, f.b, f.n);
    return f.n;
}

template <class S, class T>
void ping_raw(wire_pair& p, S& from, T& to, std::uint32_t dst, std::uint32_t src) {
    const int raw =
        from.socket(ksock::af_inet, ksock::sock_raw | ksock::sock_nonblock, ksock::ipproto_icmp);
    REQUIRE(raw >= 0);
    unsigned char req[64];
    const std::size_t n = echo_request(req, 0x4242, 7, "payload!", 8);
    const auto d = sin_of(dst, 0);
    REQUIRE(from.sendto(raw, req, n, 0, sa(d), sizeof d) == static_cast<long>(n));
    p.run(3);
    unsigned char buf[128];
    // The raw socket sees its own request? No: it went out. It sees the reply.
    const long got = from.recv(raw, buf, sizeof buf, ksock::msg_dontwait);
    REQUIRE(got == 20 + 8 + 8);
    std::uint32_t s = 0;
    std::memcpy(&s, buf + 12, 4);
    CHECK(s == dst);
    std::memcpy(&s, buf + 16, 4);
    CHECK(s == src);
    CHECK(buf[20] == 0); // echo reply
    CHECK(buf[24] == 0x42);
    CHECK(buf[27] == 7);
    CHECK(std::memcmp(buf + 28, "payload!", 8) == 0);
    CHECK(inet_csum(buf + 20, 16) == 0);
    CHECK(from.recv(raw, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain);
    from.close(raw);
    (void)to;
}
} // namespace

TEST_CASE("icmp: ping both ways from raw sockets; the stack answers") {
    wire_pair& p = wire_pair::fresh();
    ping_raw(p, p.a, p.b, addr_b, addr_a);
    ping_raw(p, p.b, p.a, addr_a, addr_b);
    const auto ma = in::iproute::snmp(p.a);
    const auto mb = in::iproute::snmp(p.b);
    CHECK(ma.icmp.out_echos == 1);
    CHECK(ma.icmp.in_echo_reps == 1);
    CHECK(ma.icmp.in_echos == 1);
    CHECK(ma.icmp.out_echo_reps == 1);
    CHECK(mb.icmp.out_echos == 1);
    CHECK(mb.icmp.in_echos == 1);
    CHECK(ma.icmp.out_msgs == 2);
    CHECK(ma.icmp.in_msgs == 2);
    CHECK(ma.icmp.in_errors == 0);
    CHECK(p.a.empty());
    CHECK(p.b.empty());
}

TEST_CASE("icmp: ping sockets across the link, by identifier") {
    wire_pair& p = wire_pair::fresh();
    in::ipv4_net(p.a).sysctl.ping_group_range[0] = 0;
    in::ipv4_net(p.a).sysctl.ping_group_range[1] = 0;
    const int ps =
        p.a.socket(ksock::af_inet, ksock::sock_dgram | ksock::sock_nonblock, ksock::ipproto_icmp);
    REQUIRE(ps >= 0);
    unsigned char req[32];
    const std::size_t n = echo_request(req, 0, 1, "ping", 4);
    const auto d = sin_of(addr_b, 0);
    REQUIRE(p.a.sendto(ps, req, n, 0, sa(d), sizeof d) == static_cast<long>(n));
    p.run(3);
    unsigned char buf[64];
    ksock::sockaddr_in from{};
    ksock::socklen_t fl = sizeof from;
    REQUIRE(p.a.recvfrom(ps, buf, sizeof buf, ksock::msg_dontwait,
                         reinterpret_cast<ksock::sockaddr*>(&from), &fl) == 12);
    CHECK(buf[0] == 0);
    CHECK(std::memcmp(buf + 8, "ping", 4) == 0);
    CHECK(from.sin_addr.s_addr == addr_b);
    p.a.close(ps);
}

TEST_CASE("icmp: port unreachable both ways: ECONNREFUSED on a connected socket") {
    wire_pair& p = wire_pair::fresh();
    const int ca = udp_bound(p.a, 0, 0);
    const int cb = udp_bound(p.b, 0, 0);
    const auto b_closed = sin_of(addr_b, 7777);
    const auto a_closed = sin_of(addr_a, 7777);
    REQUIRE(p.a.connect(ca, sa(b_closed), sizeof b_closed) == 0);
    REQUIRE(p.b.connect(cb, sa(a_closed), sizeof a_closed) == 0);
    REQUIRE(p.a.send(ca, "x", 1, 0) == 1);
    REQUIRE(p.b.send(cb, "y", 1, 0) == 1);
    p.run(3);
    char buf[8];
    CHECK(p.a.recv(ca, buf, sizeof buf, 0) == -ksock::econnrefused);
    CHECK(p.b.recv(cb, buf, sizeof buf, 0) == -ksock::econnrefused);
    // Reported once; then the socket works again (and is refused again).
    CHECK(p.a.recv(ca, buf, sizeof buf, 0) == -ksock::eagain);
    REQUIRE(p.a.send(ca, "x", 1, 0) == 1);
    p.run(3);
    CHECK(p.a.send(ca, "x", 1, 0) == -ksock::econnrefused);
    const auto ma = in::iproute::snmp(p.a);
    const auto mb = in::iproute::snmp(p.b);
    CHECK(mb.udp.no_ports == 2);
    CHECK(ma.udp.no_ports == 1);
    CHECK(mb.icmp.out_dest_unreachs == 2);
    CHECK(ma.icmp.in_dest_unreachs == 2);
    // An unconnected sender is not told.
    const int ua = udp_bound(p.a, 0, 0);
    REQUIRE(p.a.sendto(ua, "z", 1, 0, sa(b_closed), sizeof b_closed) == 1);
    p.run(3);
    CHECK(p.a.recv(ua, buf, sizeof buf, 0) == -ksock::eagain);
    p.a.close(ca);
    p.a.close(ua);
    p.b.close(cb);
}

TEST_CASE("icmp: protocol unreachable, and echo to a broadcast address ignored") {
    wire_pair& p = wire_pair::fresh();
    const int r99 = p.a.socket(ksock::af_inet, ksock::sock_raw | ksock::sock_nonblock, 99);
    const int ricmp =
        p.a.socket(ksock::af_inet, ksock::sock_raw | ksock::sock_nonblock, ksock::ipproto_icmp);
    REQUIRE(r99 >= 0);
    const auto d = sin_of(addr_b, 0);
    REQUIRE(p.a.sendto(r99, "abc", 3, 0, sa(d), sizeof d) == 3);
    p.run(3);
    unsigned char buf[128];
    REQUIRE(p.a.recv(ricmp, buf, sizeof buf, ksock::msg_dontwait) == 20 + 8 + 20 + 3);
    CHECK(buf[20] == 3);
    CHECK(buf[21] == 2);
    CHECK(in::iproute::snmp(p.b).ip.in_unknown_protos == 1);
    // An echo request to 192.0.2.255: icmp_echo_ignore_broadcasts.
    const int one = 1;
    REQUIRE(p.a.setsockopt(ricmp, ksock::sol_socket, ksock::so_broadcast, &one, sizeof one) == 0);
    unsigned char req[32];
    const std::size_t n = echo_request(req, 1, 1, "b", 1);
    const auto bc = sin_of(in::ipv4(192, 0, 2, 255), 0);
    REQUIRE(p.a.sendto(ricmp, req, n, 0, sa(bc), sizeof bc) == static_cast<long>(n));
    p.run(3);
    // a's own copy (a broadcast is looped back) is ignored by a's ICMP as
    // well: a raw socket still sees it.
    CHECK(p.a.recv(ricmp, buf, sizeof buf, ksock::msg_dontwait) == static_cast<long>(20 + n));
    CHECK(p.a.recv(ricmp, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain);
    CHECK(in::iproute::snmp(p.b).icmp.in_echos == 1);
    CHECK(in::iproute::snmp(p.b).icmp.out_echo_reps == 0);
    CHECK(in::iproute::snmp(p.b).icmp.in_errors == 1);
    p.a.close(r99);
    p.a.close(ricmp);
}

namespace {
//! ICMP port unreachable from b to a, quoting \p quote_len bytes of a UDP
//! datagram a "sent" from port \p sport (the IP header's ihl as \p ihl).
frame_buf unreach_quoting(unsigned sport, std::size_t quote_len, unsigned ihl = 5) {
    frame_buf q;
    ip_opts qo;
    qo.ihl_words = ihl;
    ip_hdr(q, addr_a, addr_b, 17, 8, qo);
    udp_pkt(q, addr_a, addr_b, sport, 9, nullptr, 0);
    frame_buf f;
    eth_hdr(f, mac_a, mac_b, ksock::eth_p_ip);
    ip_hdr(f, addr_b, addr_a, 1, 8 + quote_len);
    icmp_pkt(f, 3, 3, 0, 0, q.b, quote_len);
    return f;
}
} // namespace

TEST_CASE("icmp: an error nobody can take is Icmp InErrors, as the host counts it") {
    // The host's __udp4_lib_err counts an error quoting a datagram no
    // socket sent, and icmp_unreach one that quotes less than a header and
    // 8 bytes or a header with ihl < 5 (interop.tap compares the counts).
    wire_pair& p = wire_pair::fresh();
    const int u = udp_bound(p.a, addr_a, 5555);
    REQUIRE(u >= 0);
    struct {
        unsigned sport;
        std::size_t quote;
        unsigned ihl;
        unsigned long in_errors;
    } const cases[] = {
        {5555, 28, 5, 0}, // a's socket sent it: delivered, no error
        {4444, 28, 5, 1}, // no socket on port 4444
        {5555, 24, 5, 1}, // the quote stops 4 bytes into the UDP header
        {5555, 28, 4, 1}, // the quoted header's ihl is 4
    };
    for (const auto& c : cases) {
        CAPTURE(c.sport);
        CAPTURE(c.quote);
        const auto before = in::iproute::snmp(p.a).icmp;
        const frame_buf f = unreach_quoting(c.sport, c.quote, c.ihl);
        REQUIRE(p.w.inject(0, f.b, f.n));
        p.run(2);
        const auto after = in::iproute::snmp(p.a).icmp;
        CHECK(after.in_msgs - before.in_msgs == 1);
        CHECK(after.in_dest_unreachs - before.in_dest_unreachs == 1);
        CHECK(after.in_errors - before.in_errors == c.in_errors);
    }
    p.a.close(u);
}
