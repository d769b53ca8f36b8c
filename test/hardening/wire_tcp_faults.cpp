// test/hardening/wire_tcp_faults.cpp: every allocation point of a TCP
// connection's life on the wire fails once (fail_nth), on either stack of
// a virtual link: ARP for the SYN, the handshake (the SYN, the listener's
// child, the SYN-ACK, the ACK), the accept, data both ways in many
// segments with their ACKs, a half close, the other side's close, and
// TIME_WAIT running out; again with the server answering with SYN cookies
// (the request made only to send the SYN-ACK, the child the cookie's ACK
// makes: an ACK that finds no room is dropped, and the client's first
// data, which carries the cookie again, makes the connection). TCP is what makes the rest of a lost
// allocation good: each run must still connect, move every byte unchanged and see both ends' EOF
// within bounds the timers give (a lost SYN is sent again after 1 s, a lost segment after the RTO,
// a lost ARP request after its retransmit time). A call that took the failure returns Linux's errno
// for it and may be made again: connect ENOBUFS (tcp_connect's SYN), accept ENFILE or EMFILE
// (sock_alloc, alloc_file, get_unused_fd before the child leaves the queue), a non-blocking send
// EAGAIN. Afterwards no skb is left anywhere and check_invariants() holds on both stacks.
#include <cstddef>
#include <string>

#include <doctest/doctest.h>

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_tcp.hpp"

using namespace ksock_test;

namespace {

//! How far one run got, and what its calls returned.
struct outcome {
    long connect = 0;    //!< the first connect()
    long accept_err = 0; //!< the accept error met before the child came (0: none)
    bool accepted = false;
    bool there = false; //!< a -> b, all bytes, unchanged
    bool back = false;  //!< b -> a
    bool b_eof = false; //!< b read a's FIN
    bool a_eof = false; //!< a read b's FIN
};

//! recv() on \p fd of \p s until it reads EOF (0), within \p bound_ms.
template <class S>
bool eof_within(wire_pair& p, S& s, int fd, unsigned long bound_ms) {
    char buf[64];
    for (unsigned long t = 0; t < bound_ms; t += 10) {
        const long r = s.recv(fd, buf, sizeof buf, ksock::msg_dontwait);
        if (r == 0)
            return true;
        if (r != -ksock::eagain)
            return false;
        p.run(10);
    }
    return false;
}

//! Through a SYN cookie, the client speaks first: \p n bytes of the
//! pattern from \p c once it is connected (0 until then), so that a lost
//! cookie's ACK is made good by the data that carries the cookie again.
long speak_first(wire_pair& p, int c, std::size_t n) {
    static unsigned char out[128];
    for (std::size_t i = 0; i < n && i < sizeof out; ++i)
        out[i] = wire_byte(i);
    const long w = p.a.send(c, out, n, ksock::msg_dontwait);
    return w > 0 ? w : 0; // (EAGAIN: not connected yet, or no skb: again later)
}

//! The client's first \p n bytes read on \p s, within \p bound_ms.
bool heard_first(wire_pair& p, int s, std::size_t n, unsigned long bound_ms) {
    unsigned char in[128];
    std::size_t got = 0;
    for (unsigned long t = 0; t < bound_ms && got < n; t += 10) {
        const long r = p.b.recv(s, in + got, n - got, ksock::msg_dontwait);
        if (r > 0)
            got += static_cast<std::size_t>(r);
        else
            p.run(10);
    }
    for (std::size_t i = 0; i < got; ++i)
        if (in[i] != wire_byte(i))
            return false;
    return got == n;
}

//! The connection's life, with the fault armed once both sockets exist;
//! with \p cookies the server answers every SYN with a SYN cookie.
template <class Arm>
outcome scenario(wire_pair& p, Arm&& arm, bool cookies) {
    outcome o;
    ksock::inet::ipv4_net(p.b).sysctl.tcp_syncookies = cookies ? 2 : 1;
    constexpr std::size_t first = 100;
    long spoke = cookies ? 0 : static_cast<long>(first);
    const int l = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const int c = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    REQUIRE(l >= 0);
    REQUIRE(c >= 0);
    const auto at = sin_of(addr_b, 80);
    REQUIRE(p.b.bind(l, sa(at), sizeof at) == 0);
    REQUIRE(p.b.listen(l, 4) == 0);
    arm();
    o.connect = p.a.connect(c, sa(at), sizeof at);
    if (o.connect == -ksock::enobufs) // the SYN had no skb: CLOSE again, as before the call
        CHECK(p.a.connect(c, sa(at), sizeof at) == -ksock::einprogress);
    int s = -1;
    for (int t = 0; t < 100 && s < 0; ++t) { // 10 s
        p.run(100);
        if (!spoke)
            spoke = speak_first(p, c, first);
        s = p.b.accept4(l, nullptr, nullptr, ksock::sock_nonblock);
        if (s < 0 && s != -ksock::eagain && !o.accept_err)
            o.accept_err = s;
    }
    o.accepted = s >= 0;
    if (o.accepted) {
        o.there = (cookies ? heard_first(p, s, first, 30000) : spoke == static_cast<long>(first)) &&
                  transfer(p, p.a, c, p.b, s, 6000, 30000);
        o.back = transfer(p, p.b, s, p.a, c, 3000, 30000);
        CHECK(p.a.shutdown(c, ksock::shut_wr) == 0);
        o.b_eof = eof_within(p, p.b, s, 30000);
        CHECK(p.b.close(s) == 0);
        o.a_eof = eof_within(p, p.a, c, 30000);
    }
    CHECK(p.a.close(c) == 0);
    CHECK(p.b.close(l) == 0);
    p.run(65000); // TIME_WAIT's 60 s, and every other timer
    return o;
}

template <class S>
void check_clean(S& s) {
    CHECK(s.skbs_in_use() == 0);
    CHECK(s.check_invariants().ok);
    CHECK(s.empty());
    const ksock::net_device_state* st = s.netdev(eth0);
    CHECK(st->qstats.qlen == 0);
    CHECK(skb_queue_empty(st->qdisc));
}

void check_whole(const outcome& o) {
    CHECK(o.accepted);
    CHECK(o.there);
    CHECK(o.back);
    CHECK(o.b_eof);
    CHECK(o.a_eof);
}

} // namespace

namespace {

//! Every allocation point of scenario() fails once, on each side in turn.
void every_point_fails_once(bool cookies) {
    unsigned long points[2] = {};
    {
        wire_pair& p = wire_pair::fresh(true);
        const outcome o = scenario(
            p,
            [&] {
                p.a.fault().reset(0);
                p.b.fault().reset(0);
            },
            cookies);
        CHECK(o.connect == -ksock::einprogress);
        CHECK(o.accept_err == 0);
        check_whole(o);
        points[0] = p.a.fault().count;
        points[1] = p.b.fault().count;
        check_clean(p.a);
        check_clean(p.b);
    }
    INFO("allocation points: a " << points[0] << ", b " << points[1]);
    // Each side: ARP, its SYN or SYN-ACK, data segments and ACKs, the FIN.
    CHECK(points[0] >= 20);
    CHECK(points[1] >= 20);
    unsigned long failed = 0, retried_connect = 0, retried_accept = 0;
    for (int side = 0; side < 2; ++side)
        for (unsigned long n = 1; n <= points[side]; ++n) {
            wire_pair& p = wire_pair::fresh(true);
            CAPTURE(side);
            CAPTURE(n);
            const outcome o = scenario(
                p,
                [&] {
                    if (side == 0)
                        p.a.fault().reset(n);
                    else
                        p.b.fault().reset(n);
                },
                cookies);
            failed += side == 0 ? p.a.fault().failed : p.b.fault().failed;
            CHECK(
                (o.connect == -ksock::einprogress || (side == 0 && o.connect == -ksock::enobufs)));
            CHECK((o.accept_err == 0 || (side == 1 && (o.accept_err == -ksock::enfile ||
                                                       o.accept_err == -ksock::emfile))));
            retried_connect += o.connect == -ksock::enobufs;
            retried_accept += o.accept_err != 0;
            check_whole(o);
            p.a.fault().reset(0);
            p.b.fault().reset(0);
            check_clean(p.a);
            check_clean(p.b);
        }
    CHECK(failed == points[0] + points[1]);
    CHECK(retried_connect == 1); // the SYN's skb
    CHECK(retried_accept >= 1);  // the accepted socket's file, inode or fd
    MESSAGE("wire TCP fault points" << std::string(cookies ? " (SYN cookies)" : "") << ": "
                                    << points[0] << " on the client, " << points[1]
                                    << " on the server");
}

} // namespace

TEST_CASE("wire TCP faults: every allocation point of a connection's life fails once, TCP "
          "recovers, nothing leaks") {
    every_point_fails_once(false);
}

TEST_CASE("wire TCP faults: through a SYN cookie too (the SYN-ACK's request, the child the "
          "cookie's ACK makes)") {
    every_point_fails_once(true);
}
