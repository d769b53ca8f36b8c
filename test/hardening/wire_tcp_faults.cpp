// test/hardening/wire_tcp_faults.cpp: every allocation point of a TCP
// connection's life on the wire fails once (fail_nth), on either stack of
// a virtual link: ARP for the SYN, the handshake (the SYN, the listener's
// child, the SYN-ACK, the ACK), the accept, data both ways in many
// segments with their ACKs, a half close, the other side's close, and
// TIME_WAIT running out. TCP is what makes the rest of a lost allocation
// good: each run must still connect, move every byte unchanged and see
// both ends' EOF within bounds the timers give (a lost SYN is sent again
// after 1 s, a lost segment after the RTO, a lost ARP request after its
// retransmit time). A call that took the failure returns Linux's errno for
// it and may be made again: connect ENOBUFS (tcp_connect's SYN), accept
// ENFILE or EMFILE (sock_alloc, alloc_file, get_unused_fd before the child
// leaves the queue), a non-blocking send EAGAIN. Afterwards no skb is left
// anywhere and check_invariants() holds on both stacks.
#include <cstddef>

#include <doctest/doctest.h>

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

//! The connection's life, with the fault armed once both sockets exist.
template <class Arm>
outcome scenario(wire_pair& p, Arm&& arm) {
    outcome o;
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
        s = p.b.accept4(l, nullptr, nullptr, ksock::sock_nonblock);
        if (s < 0 && s != -ksock::eagain && !o.accept_err)
            o.accept_err = s;
    }
    o.accepted = s >= 0;
    if (o.accepted) {
        o.there = transfer(p, p.a, c, p.b, s, 6000, 30000);
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

TEST_CASE("wire TCP faults: every allocation point of a connection's life fails once, TCP "
          "recovers, nothing leaks") {
    unsigned long points[2] = {};
    {
        wire_pair& p = wire_pair::fresh(true);
        const outcome o = scenario(p, [&] {
            p.a.fault().reset(0);
            p.b.fault().reset(0);
        });
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
            const outcome o = scenario(p, [&] {
                if (side == 0)
                    p.a.fault().reset(n);
                else
                    p.b.fault().reset(n);
            });
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
    MESSAGE("wire TCP fault points: " << points[0] << " on the client, " << points[1]
                                      << " on the server");
}
