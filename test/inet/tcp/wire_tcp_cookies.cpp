// test/inet/tcp/wire_tcp_cookies.cpp: SYN cookies (net.ipv4.tcp_syncookies)
// between two stacks on the virtual link and against a scripted peer: a
// connection made through a cookie (always, with 2; when the SYN queue is
// full, with 1; never, with 0: the SYN is dropped), the options the
// timestamp's echo brings back, the MSS table, and the ACKs Linux does not
// take for a cookie's (forged, stale, with no recent overflow) and what
// they get: an RST, and SyncookiesFailed when a cookie was checked.
#include <cstddef>
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/inet/ip/neighbour.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/inet/tcp/tcp.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/rtnetlink.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_peer.hpp"
#include "support/wire_tcp.hpp"

using namespace ksock_test;
using ksock::inet::tcphdr_ack;
using ksock::inet::tcphdr_rst;
using ksock::inet::tcphdr_syn;

namespace {

//! A fresh pair whose stack b has net.ipv4.tcp_syncookies = \p mode.
wire_pair& fresh_cookies(int mode) {
    wire_pair& p = wire_pair::fresh();
    ksock::inet::ipv4_net(p.b).sysctl.tcp_syncookies = mode;
    return p;
}

//! Stack b's SYN cookie counters.
ksock::inet::linux_mib ext_b(wire_pair& p) {
    return ksock::inet::iproute::snmp(p.b).ext;
}

//! The TCP sockets of stack b in SYN_RECV: the requests it keeps.
std::size_t syn_recv_b(wire_pair& p) {
    return p.b.locked([](auto& ctx) {
        std::size_t n = 0;
        ctx.template for_each_obj<ksock::inet::tcp_prot>([&](auto& o) {
            n += o.inet_conn.icsk_inet.sk.sk_state() == ksock::tcp_syn_recv ? 1u : 0u;
        });
        return n;
    });
}

//! The options length of the last SYN-ACK stack b sent in the link's log
//! (-1: none seen).
int synack_optlen(const wire_pair& p) {
    int len = -1;
    for (std::size_t i = 0; i < p.log.n; ++i) {
        const wire_log::entry& e = p.log.e[i];
        if (e.from != 1 || e.ethertype() != 0x0800 || e.head[14 + 9] != 6)
            continue;
        const unsigned char* t = e.head + 14 + 20;
        if (t[13] == (tcphdr_syn | tcphdr_ack))
            len = (t[12] >> 4) * 4 - 20;
    }
    return len;
}

//! A listener of stack b on \p port with \p backlog.
int listen_b(wire_pair& p, std::uint16_t port, int backlog) {
    const int l = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto at = sin_of(addr_b, port);
    REQUIRE(p.b.bind(l, sa(at), sizeof at) == 0);
    REQUIRE(p.b.listen(l, backlog) == 0);
    return l;
}

//! SYN cookies always on stack b, a listener there, the script as the
//! peer.
struct scripted {
    wire_pair& p = fresh_cookies(2);
    int l;
    script peer{p};
    scripted(std::uint16_t port, int backlog) : l(listen_b(p, port, backlog)) {}
    ~scripted() { CHECK(p.b.close(l) == 0); }
    scripted(const scripted&) = delete;
    scripted& operator=(const scripted&) = delete;
};

//! Stack a connects to b's \p port from port 30000 (below a script's
//! ports): the socket, the handshake run 10 ms.
int connect_a(wire_pair& p, std::uint16_t port) {
    const int c = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto from = sin_of(addr_a, 30000);
    REQUIRE(p.a.bind(c, sa(from), sizeof from) == 0);
    const auto at = sin_of(addr_b, port);
    REQUIRE(p.a.connect(c, sa(at), sizeof at) == -ksock::einprogress);
    p.run(10);
    return c;
}

//! Data both ways over a connection made through a cookie, then closed.
void exchange_and_close(wire_pair& p, int c, int s, int l) {
    CHECK(transfer(p, p.a, c, p.b, s, 20000, 5000));
    CHECK(transfer(p, p.b, s, p.a, c, 20000, 5000));
    CHECK(p.a.close(c) == 0);
    CHECK(p.b.close(s) == 0);
    CHECK(p.b.close(l) == 0);
}

//! Stack a's address a permanent neighbour of b: minutes of b's clock
//! with the script dropping b's ARP do not lose it.
void pin_neighbour_b(wire_pair& p) {
    p.b.locked([](auto& ctx) {
        ksock::inet::neighbour* n = ksock::inet::neigh_lookup(ctx, eth0, addr_a);
        if (!n)
            n = ksock::inet::neigh_create(ctx, eth0, addr_a);
        REQUIRE(n != nullptr);
        ksock::inet::neigh_update(ctx, *n, mac_a, ksock::nud_permanent,
                                  ksock::inet::neigh_update_f_admin |
                                      ksock::inet::neigh_update_f_override);
        return 0;
    });
}

//! The script's SYNs from ports 40000 and 40001 (ISNs 1000 and 2000) to
//! b's \p port: the cookies b's SYN-ACKs carry, \p c0 and \p c1.
void two_syns(wire_pair& p, script& peer, std::uint16_t port, std::uint32_t& c0,
              std::uint32_t& c1) {
    peer.send(40000, port, 1000, 0, tcphdr_syn, 65535);
    peer.send(40001, port, 2000, 0, tcphdr_syn, 65535);
    p.run(2);
    REQUIRE(peer.n == 2);
    c0 = peer.log[0].seq;
    c1 = peer.log[1].seq;
}

//! Stack b's clock to the start of the next minute of the cookie counter
//! (the link stays idle), so that a test knows the minute a cookie is in.
void to_next_minute(wire_pair& p) {
    const unsigned long j = p.b.locked([](auto& ctx) { return ctx.jiffies(); });
    p.b.advance(60000 - j % 60000);
}

} // namespace

TEST_CASE("SYN cookies: tcp_syncookies 2 keeps no request; the timestamp's echo brings back "
          "window scaling and SACK") {
    wire_pair& p = fresh_cookies(2);
    const int l = listen_b(p, 7200, 4);
    const int c = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto at = sin_of(addr_b, 7200);
    REQUIRE(p.a.connect(c, sa(at), sizeof at) == -ksock::einprogress);
    // The SYN crosses, the SYN-ACK goes: b holds nothing for it.
    p.run(1);
    CHECK(ext_b(p).syncookies_sent == 1);
    CHECK(syn_recv_b(p) == 0);
    p.run(10);
    // MSS, SACK-permitted, timestamps, NOP, window scale: what the SYN
    // offered, as without cookies (the options ride in the TS val's bits).
    CHECK(synack_optlen(p) == 20);
    const int s = p.b.accept(l, nullptr, nullptr);
    REQUIRE(s >= 0);
    CHECK(ext_b(p).syncookies_recv == 1);
    CHECK(ext_b(p).syncookies_failed == 0);
    const ksock::tcp_info_t is = info_of(p.b, s);
    CHECK(is.tcpi_state == 1); // TCP_ESTABLISHED
    CHECK(is.tcpi_options ==
          (ksock::tcpi_opt_timestamps | ksock::tcpi_opt_sack | ksock::tcpi_opt_wscale));
    CHECK(int{is.tcpi_snd_wscale} == 7);
    CHECK(int{is.tcpi_rcv_wscale} == 7);
    CHECK(is.tcpi_snd_mss == 1448); // 1460 from the table, less the timestamp
    CHECK(is.tcpi_rtt > 0);         // from the echo: no SYN-ACK was timed
    const ksock::tcp_info_t ic = info_of(p.a, c);
    CHECK(int{ic.tcpi_snd_wscale} == 7);
    exchange_and_close(p, c, s, l);
}

TEST_CASE("SYN cookies: without timestamps a cookie carries only the MSS") {
    wire_pair& p = fresh_cookies(2);
    ksock::inet::ipv4_net(p.b).sysctl.tcp_timestamps = 0;
    const int l = listen_b(p, 7201, 4);
    const int c = connect_a(p, 7201);
    CHECK(synack_optlen(p) == 4); // the MSS alone
    const int s = p.b.accept(l, nullptr, nullptr);
    REQUIRE(s >= 0);
    const ksock::tcp_info_t is = info_of(p.b, s);
    CHECK(is.tcpi_options == 0);
    CHECK(int{is.tcpi_snd_wscale} == 0);
    CHECK(int{is.tcpi_rcv_wscale} == 0);
    CHECK(is.tcpi_snd_mss == 1460);
    CHECK(info_of(p.a, c).tcpi_options == 0); // the client agreed to nothing more
    CHECK(ext_b(p).syncookies_sent == 1);
    CHECK(ext_b(p).syncookies_recv == 1);
    exchange_and_close(p, c, s, l);
}

TEST_CASE("SYN cookies: tcp_syncookies 1 answers with a cookie once the SYN queue is full, 0 "
          "drops the SYN") {
    for (const int mode : {1, 0}) {
        CAPTURE(mode);
        wire_pair& p = fresh_cookies(mode);
        // listen(fd, 0) holds one request (Linux 6.18: full above the
        // backlog); the scripted peer's SYN, never acknowledged, is it.
        const int l = listen_b(p, 7202, 0);
        script peer(p);
        peer.first_port = 40000;
        peer.send(40000, 7202, 5000, 0, tcphdr_syn, 65535);
        p.run(2);
        REQUIRE(peer.n == 1);
        CHECK(peer.last().flags == (tcphdr_syn | tcphdr_ack));
        CHECK(syn_recv_b(p) == 1);
        CHECK(ext_b(p).syncookies_sent == 0);
        const int c = connect_a(p, 7202);
        if (mode == 0) {
            CHECK(info_of(p.a, c).tcpi_state == 2); // SYN_SENT: no SYN-ACK came
            CHECK(ext_b(p).syncookies_sent == 0);
            CHECK(p.a.close(c) == 0);
            CHECK(p.b.close(l) == 0);
            continue;
        }
        CHECK(ext_b(p).syncookies_sent == 1);
        CHECK(syn_recv_b(p) == 1); // the peer's request only
        CHECK(ext_b(p).syncookies_recv == 1);
        CHECK(ext_b(p).syncookies_failed == 0);
        CHECK(info_of(p.a, c).tcpi_state == 1);
        const int s = p.b.accept(l, nullptr, nullptr);
        REQUIRE(s >= 0);
        CHECK(ext_b(p).syncookies_recv == 1);
        CHECK(int{info_of(p.b, s).tcpi_snd_wscale} == 7);
        exchange_and_close(p, c, s, l);
    }
}

TEST_CASE("SYN cookies: a forged cookie's ACK gets an RST and counts SyncookiesFailed; the MSS "
          "comes from the table") {
    scripted b(7203, 4);
    auto& [p, l, peer] = b;
    // No option: the peer's MSS is 536, the table's first.
    peer.send(40000, 7203, 1000, 0, tcphdr_syn, 65535);
    p.run(2);
    REQUIRE(peer.n == 1);
    REQUIRE(peer.last().flags == (tcphdr_syn | tcphdr_ack));
    const std::uint32_t cookie = peer.last().seq;
    CHECK(peer.last().ack == 1001);
    CHECK(syn_recv_b(p) == 0);
    // A cookie's low 24 bits carry the MSS's index plus a hash: 2^23 more
    // names no index (one more would name the next MSS, as on Linux).
    const std::uint32_t forged = cookie + 1 + (1u << 23);
    peer.send(40000, 7203, 1001, forged, tcphdr_ack, 65535);
    p.run(2);
    REQUIRE(peer.n == 2);
    CHECK(peer.last().flags == tcphdr_rst);
    CHECK(peer.last().seq == forged);
    CHECK(ext_b(p).syncookies_failed == 1);
    CHECK(ext_b(p).syncookies_recv == 0);
    CHECK(p.b.accept(l, nullptr, nullptr) == -ksock::eagain);
    // The wrong sequence number breaks it too (the cookie hashes the
    // peer's ISN).
    peer.send(40000, 7203, 1002, cookie + 1, tcphdr_ack, 65535);
    p.run(2);
    CHECK(peer.last().flags == tcphdr_rst);
    CHECK(ext_b(p).syncookies_failed == 2);
    // The right ACK: the connection, its MSS the cookie's.
    peer.send(40000, 7203, 1001, cookie + 1, tcphdr_ack, 65535);
    p.run(2);
    CHECK(peer.n == 3); // nothing answers it
    const int s = p.b.accept(l, nullptr, nullptr);
    REQUIRE(s >= 0);
    CHECK(ext_b(p).syncookies_recv == 1);
    CHECK(info_of(p.b, s).tcpi_snd_mss == 536);
    CHECK(p.b.close(s) == 0);
}

TEST_CASE("SYN cookies: a cookie's ACK that finds the accept queue full is dropped in silence; "
          "the next segment brings the cookie again") {
    scripted b(7205, 0);
    auto& [p, l, peer] = b;
    // The first connection fills the accept queue (backlog 0 holds one).
    std::uint32_t c0 = 0, c1 = 0;
    two_syns(p, peer, 7205, c0, c1);
    peer.send(40000, 7205, 1001, c0 + 1, tcphdr_ack, 65535);
    peer.send(40001, 7205, 2001, c1 + 1, tcphdr_ack, 65535);
    p.run(2);
    CHECK(peer.n == 2); // neither answered
    CHECK(ext_b(p).syncookies_recv == 2);
    CHECK(syn_recv_b(p) == 0);
    const int s0 = p.b.accept(l, nullptr, nullptr);
    REQUIRE(s0 >= 0);
    CHECK(p.b.accept(l, nullptr, nullptr) == -ksock::eagain);
    // Room again: the second peer's data carries the cookie back.
    peer.send(40001, 7205, 2001, c1 + 1, tcphdr_ack, 65535, 10);
    p.run(2);
    CHECK(ext_b(p).syncookies_recv == 3);
    const int s1 = p.b.accept(l, nullptr, nullptr);
    REQUIRE(s1 >= 0);
    unsigned char buf[16] = {};
    CHECK(p.b.recv(s1, buf, sizeof buf, ksock::msg_dontwait) == 10);
    CHECK(buf[0] == static_cast<unsigned char>(2001));
    CHECK(p.b.close(s0) == 0);
    CHECK(p.b.close(s1) == 0);
}

TEST_CASE("SYN cookies: a cookie is good for the minute it was made in and the next; an ACK "
          "after no overflow in two minutes is not taken for a cookie's") {
    scripted b(7204, 4);
    auto& [p, l, peer] = b;
    pin_neighbour_b(p);
    to_next_minute(p);
    std::uint32_t c0 = 0, c1 = 0;
    two_syns(p, peer, 7204, c0, c1);
    // 119 s later, in the next minute: still good.
    p.b.advance(119000);
    peer.send(40000, 7204, 1001, c0 + 1, tcphdr_ack, 65535);
    p.run(2);
    CHECK(peer.n == 2);
    CHECK(ext_b(p).syncookies_recv == 1);
    const int s = p.b.accept(l, nullptr, nullptr);
    REQUIRE(s >= 0);
    // A fresh overflow (a third SYN) keeps the listener taking cookies, but
    // the second cookie's minute is two behind now: stale.
    p.b.advance(2000);
    peer.send(40002, 7204, 3000, 0, tcphdr_syn, 65535);
    p.run(2);
    REQUIRE(peer.n == 3);
    const std::uint32_t c2 = peer.last().seq;
    peer.send(40001, 7204, 2001, c1 + 1, tcphdr_ack, 65535);
    p.run(2);
    REQUIRE(peer.n == 4);
    CHECK(peer.last().flags == tcphdr_rst);
    CHECK(ext_b(p).syncookies_failed == 1);
    // Over two minutes (and a second) with no cookie sent: an ACK is a
    // stray one, RST, and no cookie is checked (the third SYN's is
    // stale by then anyway).
    p.b.advance(122000);
    peer.send(40002, 7204, 3001, c2 + 1, tcphdr_ack, 65535);
    p.run(2);
    REQUIRE(peer.n == 5);
    CHECK(peer.last().flags == tcphdr_rst);
    CHECK(ext_b(p).syncookies_failed == 1);
    CHECK(ext_b(p).syncookies_recv == 1);
    CHECK(p.b.close(s) == 0);
}
