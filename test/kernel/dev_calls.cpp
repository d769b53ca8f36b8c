// test/kernel/dev_calls.cpp: the stack's devices at work (kernel/
// dev_calls.hpp, core/dev.hpp), on a virtual link: a driver that is busy
// holds frames on the device's queue (back-pressure, nothing lost), a full
// queue drops (ENOBUFS with IP_RECVERR, SndbufErrors without, as UDP on the
// host), carrier loss and return, dev_open's and dev_close's answers, the
// receive errors and allocation failures a driver reports, next_timer.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/iproute.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"

using namespace ksock_test;
namespace ipr = ksock::inet::iproute;

TEST_CASE("dev: a busy driver holds frames on the queue; they all go, in order") {
    wire_pair& p = wire_pair::fresh();
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to = sin_of(addr_b, 5000);
    const auto tx0 = p.a.netdev(eth0)->stats.tx_packets; // the warm-up's
    p.w.ring[0] = 1;
    for (char c = '0'; c < '6'; ++c)
        REQUIRE(p.a.sendto(ua, &c, 1, 0, sa(to), sizeof to) == 1);
    const ksock::net_device_state* st = p.a.netdev(eth0);
    CHECK(st->qstats.qlen == 5);
    CHECK(st->qstats.requeues >= 5);
    CHECK(st->qstats.drops == 0);
    CHECK(st->stats.tx_packets == tx0 + 1);
    p.run(20);
    for (char c = '0'; c < '6'; ++c) {
        char got = 0;
        REQUIRE(p.b.recv(ub, &got, 1, ksock::msg_dontwait) == 1);
        CHECK(got == c);
    }
    CHECK(st->qstats.qlen == 0);
    CHECK(st->stats.tx_packets == tx0 + 6);
    CHECK(st->stats.tx_dropped == 0);
    p.a.close(ua);
    p.b.close(ub);
}

TEST_CASE("dev: a full queue drops: SndbufErrors without IP_RECVERR, ENOBUFS with it") {
    wire_pair& p = wire_pair::fresh();
    const int ua = udp_bound(p.a, 0, 0);
    const int ue = udp_bound(p.a, 0, 0);
    const int one = 1;
    REQUIRE(p.a.setsockopt(ue, ksock::sol_ip, ksock::ip_recverr, &one, sizeof one) == 0);
    const auto to = sin_of(addr_b, 5000);
    const auto tx0 = p.a.netdev(eth0)->stats.tx_packets;
    p.w.ring[0] = 0;             // the driver takes nothing
    for (int i = 0; i < 16; ++i) // tx_queue_len of vdev
        REQUIRE(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    const std::size_t skbs = p.a.skbs_in_use();
    CHECK(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1); // dropped, not told
    CHECK(p.a.sendto(ue, "x", 1, 0, sa(to), sizeof to) == -ksock::enobufs);
    CHECK(p.a.skbs_in_use() == skbs);
    const ksock::net_device_state* st = p.a.netdev(eth0);
    CHECK(st->qstats.drops == 2);
    const auto m = ipr::snmp(p.a);
    CHECK(m.udp.sndbuf_errors == 1);
    CHECK(m.udp.out_datagrams == 16);
    CHECK(m.ip.out_discards == 2);
    // The driver takes frames again: the queue drains.
    p.w.ring[0] = 8;
    p.run(20);
    CHECK(st->qstats.qlen == 0);
    CHECK(st->stats.tx_packets == tx0 + 16);
    p.a.close(ua);
    p.a.close(ue);
    p.run(1);
    CHECK(p.a.skbs_in_use() == 0);
}

TEST_CASE("dev: carrier lost and back; dev_open and dev_close") {
    wire_pair& p = wire_pair::fresh();
    const ksock::net_device_state* st = p.a.netdev(eth0);
    CHECK((st->flags & (ksock::iff_up | ksock::iff_running | ksock::iff_lower_up)) ==
          (ksock::iff_up | ksock::iff_running | ksock::iff_lower_up));
    p.w.carrier[0] = false;
    p.run(1);
    CHECK((st->flags & (ksock::iff_running | ksock::iff_lower_up)) == 0);
    CHECK((st->flags & ksock::iff_up) != 0);
    const int ua = udp_bound(p.a, 0, 0);
    const auto to = sin_of(addr_b, 9);
    // Without carrier the frame is dropped (tx_dropped), the sender not told.
    CHECK(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    CHECK(st->stats.tx_dropped == 1);
    p.w.carrier[0] = true;
    p.run(1);
    CHECK((st->flags & ksock::iff_lower_up) != 0);
    CHECK(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    CHECK(st->stats.tx_dropped == 1);
    // dev_open / dev_close answers.
    CHECK(p.a.dev_open(eth0) == 0); // up already
    CHECK(p.a.dev_open(9) == -ksock::enodev);
    CHECK(p.a.dev_close(9) == -ksock::enodev);
    CHECK(p.a.dev_close(eth0) == 0);
    CHECK(p.a.dev_close(eth0) == 0);
    CHECK((st->flags & ksock::iff_up) == 0);
    CHECK(!p.a.device<vdev<0>>().opened);
    p.a.device<vdev<0>>().open_error = -ksock::ebusy;
    CHECK(p.a.dev_open(eth0) == -ksock::ebusy);
    CHECK((st->flags & ksock::iff_up) == 0);
    p.a.device<vdev<0>>().open_error = 0;
    CHECK(p.a.dev_open(eth0) == 0);
    CHECK(p.a.device<vdev<0>>().opened);
    p.a.close(ua);
}

TEST_CASE("dev: receive errors and a pool that is out, counted as Linux counts them") {
    wire_pair& p = wire_pair::fresh();
    const ksock::net_device_state* st = p.b.netdev(eth0);
    p.b.device<vdev<1>>().rx_errors_pending = 2;
    p.b.device<vdev<1>>().rx_error_kind = ksock::netdev_rx_error::crc;
    p.run(1);
    CHECK(st->stats.rx_errors == 2);
    CHECK(st->stats.rx_crc_errors == 2);
    p.b.device<vdev<1>>().rx_errors_pending = 1;
    p.b.device<vdev<1>>().rx_error_kind = ksock::netdev_rx_error::fifo;
    p.run(1);
    CHECK(st->stats.rx_fifo_errors == 1);
    // b's pool fails the next allocation: the frame is dropped (rx_dropped).
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to = sin_of(addr_b, 5000);
    REQUIRE(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    const auto before = st->stats.rx_dropped;
    p.b.fault().reset(1);
    p.run(2);
    p.b.fault().reset(0);
    CHECK(st->stats.rx_dropped == before + 1);
    char c;
    CHECK(p.b.recv(ub, &c, 1, ksock::msg_dontwait) == -ksock::eagain);
    CHECK(p.b.skbs_in_use() == 0);
    p.a.close(ua);
    p.b.close(ub);
}

TEST_CASE("dev: next_timer is the earliest armed timer of any proto or table") {
    wire_pair& p = wire_pair::fresh(true);
    CHECK(p.a.next_timer() == -1); // nothing armed
    // A TCP connection closed first by one side: TIME_WAIT's 60 s.
    const int l = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto la = sin_of(ksock::inet::ipv4(127, 0, 0, 1), 7000);
    REQUIRE(p.a.bind(l, sa(la), sizeof la) == 0);
    REQUIRE(p.a.listen(l, 1) == 0);
    const int c = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    p.a.connect(c, sa(la), sizeof la);
    const int s = p.a.accept4(l, nullptr, nullptr, 0);
    REQUIRE(s >= 0);
    p.a.close(c);
    p.a.close(s);
    p.a.close(l);
    p.a.advance(1000);
    const long t = p.a.next_timer();
    CHECK(t > 0);
    CHECK(t <= 60000);
    // An address being resolved: its next probe, 1 s.
    const int ua = udp_bound(p.a, 0, 0);
    const auto to = sin_of(addr_b, 9);
    REQUIRE(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    CHECK(p.a.next_timer() == 1000);
    p.a.close(ua);
    p.run(61000);
    CHECK(p.a.empty());
}
