// test/hardening/wire_faults.cpp: every allocation point of the wire's
// paths fails once (fail_nth), on either stack of a virtual link: a UDP
// datagram of 3000 bytes (three fragments) to an address not yet resolved,
// its ARP request and reply, the fragments received and joined, the
// datagram echoed back, and ICMP port unreachable for a second one to a
// closed port. Each run: the sender's call returns its data or Linux's
// errno for that allocation (ENOBUFS: the pool is out; ENOMEM for a
// fragment), nothing is lost
// that was not dropped at the failure, and once everything has settled and
// the sockets are closed, no skb is left anywhere (queues, neighbours,
// fragment queues, devices) and check_invariants() holds on both stacks.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/iproute.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"

using namespace ksock_test;

namespace {
char data[3000];

//! The scenario, with the fault armed once the sockets exist (\p arm);
//! returns how many datagrams came back to a whole.
template <class Arm>
int scenario(wire_pair& p, long* sent, Arm&& arm) {
    const int ua = udp_bound(p.a, addr_a, 4000);
    const int ub = udp_bound(p.b, addr_b, 5000);
    REQUIRE(ua >= 0);
    REQUIRE(ub >= 0);
    arm();
    const auto to_b = sin_of(addr_b, 5000);
    const auto closed = sin_of(addr_b, 5999);
    sent[0] = p.a.sendto(ua, data, sizeof data, 0, sa(to_b), sizeof to_b);
    p.run(3); // the three fragments wait for ARP (Config::neigh_unres_qlen is 3)
    sent[1] = p.a.sendto(ua, data, 100, 0, sa(closed), sizeof closed);
    p.run(10);
    static char buf[3000];
    ksock::sockaddr_in from{};
    ksock::socklen_t fl = sizeof from;
    const long n = p.b.recvfrom(ub, buf, sizeof buf, ksock::msg_dontwait,
                                reinterpret_cast<ksock::sockaddr*>(&from), &fl);
    if (n > 0) {
        CHECK(n == static_cast<long>(sizeof data));
        CHECK(std::memcmp(buf, data, sizeof data) == 0);
        sent[2] = p.b.sendto(ub, buf, static_cast<std::size_t>(n), 0,
                             reinterpret_cast<ksock::sockaddr*>(&from), fl);
    }
    p.run(10);
    int whole = 0;
    const long m = p.a.recv(ua, buf, sizeof buf, ksock::msg_dontwait);
    if (m > 0) {
        CHECK(m == static_cast<long>(sizeof data));
        CHECK(std::memcmp(buf, data, sizeof data) == 0);
        ++whole;
    }
    // Let every timer run out: ARP failures (3 s), fragment queues (30 s).
    p.run(31000);
    p.a.close(ua);
    p.b.close(ub);
    p.run(1);
    return whole;
}

//! The data sent, or the errno of the allocation that failed: ENOBUFS for
//! the datagram's skb (the pool is out), ENOMEM for a fragment's
//! (ip_do_fragment's alloc_skb, as on Linux).
bool allowed(long r, long len) {
    return r == len || r == -ksock::enobufs || r == -ksock::enomem;
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
} // namespace

TEST_CASE("wire faults: every allocation point of either stack fails once, nothing leaks") {
    for (std::size_t i = 0; i < sizeof data; ++i)
        data[i] = static_cast<char>(i * 31 + 7);
    // Count the points of each side.
    unsigned long points[2] = {};
    {
        wire_pair& p = wire_pair::fresh(true);
        long sent[3] = {};
        CHECK(scenario(p, sent, [&] {
                  p.a.fault().reset(0);
                  p.b.fault().reset(0);
              }) == 1);
        points[0] = p.a.fault().count;
        points[1] = p.b.fault().count;
        check_clean(p.a);
        check_clean(p.b);
    }
    INFO("allocation points: a " << points[0] << ", b " << points[1]);
    CHECK(points[0] >= 8); // 3 + 3 fragments' chunks, ARP, ICMP ...
    CHECK(points[1] >= 8);
    unsigned long failed = 0;
    for (int side = 0; side < 2; ++side)
        for (unsigned long n = 1; n <= points[side]; ++n) {
            wire_pair& p = wire_pair::fresh(true);
            long sent[3] = {-1, -1, -1};
            CAPTURE(side);
            CAPTURE(n);
            const int whole = scenario(p, sent, [&] {
                if (side == 0)
                    p.a.fault().reset(n);
                else
                    p.b.fault().reset(n);
            });
            const bool fired = side == 0 ? p.a.fault().failed : p.b.fault().failed;
            failed += fired;
            CHECK(allowed(sent[0], sizeof data));
            CHECK(allowed(sent[1], 100));
            if (!fired)
                CHECK(whole == 1);
            p.a.fault().reset(0);
            p.b.fault().reset(0);
            check_clean(p.a);
            check_clean(p.b);
        }
    CHECK(failed == points[0] + points[1]);
    MESSAGE("wire fault points: " << points[0] << " on the sender, " << points[1]
                                  << " on the receiver");
}
