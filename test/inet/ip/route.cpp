// test/inet/ip/route.cpp: addresses, routes and the source address a
// packet gets (inet/ip/in_device.hpp, fib.hpp, route.hpp), every answer
// checked against `ip addr`, `ip route` and `ip route get` on a 6.18 host
// with the same addresses: 192.0.2.1/24 and 192.0.2.5/24 (a secondary) on
// eth0. Local addresses and broadcast, the connected subnet, a default
// route through a gateway, unreachable/prohibit/blackhole routes, a device
// going down, and every error of ip addr and ip route.
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/ip/fib.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/rtnetlink.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"
#include "support/wire_fixture.hpp"

using namespace ksock_test;
namespace in = ksock::inet;
namespace ipr = ksock::inet::iproute;

namespace {
constexpr std::uint32_t secondary = in::ipv4(192, 0, 2, 5);
constexpr std::uint32_t subnet_bcast = in::ipv4(192, 0, 2, 255);
template <class S>
in::rtn_type addr_type(S& s, std::uint32_t a) {
    return s.locked([&](auto& ctx) { return in::inet_addr_type(ctx, a); });
}
} // namespace

TEST_CASE("in_device: ip addr add and del, their errors, primaries and secondaries") {
    wire_pair& p = wire_pair::fresh();
    CHECK(ipr::addr_add(p.a, eth0, secondary, 24) == 0);
    CHECK(ipr::addr_add(p.a, eth0, addr_a, 24) == -ksock::eexist);
    CHECK(ipr::addr_add(p.a, 9, in::ipv4(10, 0, 0, 1), 8) == -ksock::enodev);
    CHECK(ipr::addr_add(p.a, eth0, in::ipv4(10, 0, 0, 1), 33) == -ksock::einval);
    CHECK(ipr::addr_add(p.a, eth0, 0, 8) == -ksock::einval);
    CHECK(ipr::addr_add(p.a, eth0, in::ipv4(10, 0, 0, 1), 8) == 0);
    // Config::inet_addrs is 4: lo's, a's, the secondary, 10.0.0.1.
    CHECK(ipr::addr_add(p.a, eth0, in::ipv4(10, 0, 0, 2), 8) == -ksock::enobufs);
    CHECK(ipr::addr_del(p.a, eth0, in::ipv4(10, 9, 9, 9), 8) == -ksock::eaddrnotavail);
    CHECK(ipr::addr_del(p.a, eth0, in::ipv4(10, 0, 0, 1), 8) == 0);
    // inet_addr_type over them.
    CHECK(addr_type(p.a, addr_a) == in::rtn_local);
    CHECK(addr_type(p.a, secondary) == in::rtn_local);
    CHECK(addr_type(p.a, subnet_bcast) == in::rtn_broadcast);
    CHECK(addr_type(p.a, addr_b) == in::rtn_unicast);
    CHECK(addr_type(p.a, in::ipv4(127, 0, 0, 9)) == in::rtn_local);
    CHECK(addr_type(p.a, in::ipv4(127, 255, 255, 255)) == in::rtn_broadcast);
    CHECK(addr_type(p.a, in::ipv4(224, 0, 0, 1)) == in::rtn_multicast);
    CHECK(addr_type(p.a, 0xffffffffu) == in::rtn_broadcast);
    // Deleting the primary takes the secondary of its subnet along
    // (promote_secondaries is 0).
    CHECK(ipr::addr_del(p.a, eth0, addr_a, 24) == 0);
    CHECK(addr_type(p.a, secondary) == in::rtn_unicast);
    CHECK(addr_type(p.a, in::ipv4(127, 0, 0, 1)) == in::rtn_local);
}

TEST_CASE("route: ip route get answers as the host's") {
    wire_pair& p = wire_pair::fresh();
    REQUIRE(ipr::addr_add(p.a, eth0, secondary, 24) == 0);
    in::rtable rt{};
    // local 192.0.2.5 dev lo src 192.0.2.1
    REQUIRE(ipr::route_get(p.a, secondary, rt) == 0);
    CHECK(rt.type == in::rtn_local);
    CHECK(rt.oif == 1);
    CHECK(rt.saddr == addr_a);
    // 192.0.2.2 dev eth0 src 192.0.2.1
    REQUIRE(ipr::route_get(p.a, addr_b, rt) == 0);
    CHECK(rt.type == in::rtn_unicast);
    CHECK(rt.oif == eth0);
    CHECK(rt.nexthop == addr_b);
    CHECK(rt.saddr == addr_a);
    CHECK(rt.mtu == 1500);
    // broadcast 192.0.2.255 dev eth0 src 192.0.2.1
    REQUIRE(ipr::route_get(p.a, subnet_bcast, rt) == 0);
    CHECK(rt.broadcast);
    CHECK(rt.oif == eth0);
    CHECK(rt.saddr == addr_a);
    // 127.0.0.9: local, src 127.0.0.1
    REQUIRE(ipr::route_get(p.a, in::ipv4(127, 0, 0, 9), rt) == 0);
    CHECK(rt.oif == 1);
    CHECK(rt.saddr == in::ipv4(127, 0, 0, 1));
    // No default route: 8.8.8.8 and 255.255.255.255 are unreachable.
    CHECK(ipr::route_get(p.a, in::ipv4(8, 8, 8, 8), rt) == -ksock::enetunreach);
    CHECK(ipr::route_get(p.a, 0xffffffffu, rt) == -ksock::enetunreach);
    // default via 192.0.2.2: 8.8.8.8 via 192.0.2.2 dev eth0 src 192.0.2.1
    REQUIRE(ipr::route_add(p.a, 0, 0, addr_b, eth0) == 0);
    REQUIRE(ipr::route_get(p.a, in::ipv4(8, 8, 8, 8), rt) == 0);
    CHECK(rt.nexthop == addr_b);
    CHECK(rt.saddr == addr_a);
    CHECK(rt.oif == eth0);
    // broadcast 255.255.255.255 dev eth0 src 192.0.2.1
    REQUIRE(ipr::route_get(p.a, 0xffffffffu, rt) == 0);
    CHECK(rt.broadcast);
    CHECK(rt.saddr == addr_a);
    // A source that is not ours: ENETUNREACH (IP_FREEBIND does not help).
    CHECK(ipr::route_get(p.a, addr_b, rt, in::ipv4(10, 9, 9, 9)) == -ksock::enetunreach);
    CHECK(ipr::route_get(p.a, in::ipv4(127, 0, 0, 1), rt, in::ipv4(10, 9, 9, 9)) ==
          -ksock::enetunreach);
    CHECK(ipr::route_get(p.a, addr_b, rt, in::ipv4(224, 0, 0, 1)) == -ksock::einval);
}

TEST_CASE("fib: ip route add and del, their errors; typed routes") {
    wire_pair& p = wire_pair::fresh();
    in::rtable rt{};
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 1), 8, addr_b, eth0) == -ksock::einval);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 33, addr_b, eth0) == -ksock::einval);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 8, in::ipv4(10, 1, 1, 1), eth0) ==
          -ksock::enetunreach);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 8, addr_b, 7) == -ksock::enodev);
    // Through our own address: the host takes it.
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 8, addr_a, eth0) == 0);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 8, addr_b, eth0) == -ksock::eexist);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 8, addr_b, eth0, 10) == 0); // other metric
    CHECK(ipr::route_del(p.a, in::ipv4(10, 0, 0, 0), 8) == 0);
    CHECK(ipr::route_del(p.a, in::ipv4(10, 0, 0, 0), 8) == -ksock::esrch);
    // The longest prefix wins, then the lowest metric.
    REQUIRE(ipr::route_add(p.a, in::ipv4(10, 1, 0, 0), 16, addr_a, eth0) == 0);
    REQUIRE(ipr::route_get(p.a, in::ipv4(10, 1, 2, 3), rt) == 0);
    CHECK(rt.nexthop == addr_a);
    REQUIRE(ipr::route_get(p.a, in::ipv4(10, 2, 2, 3), rt) == 0);
    CHECK(rt.nexthop == addr_b);
    // Config::fib_entries is 4.
    CHECK(ipr::route_add(p.a, in::ipv4(10, 3, 0, 0), 16, addr_b, eth0) == 0);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 4, 0, 0), 16, addr_b, eth0) == 0);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 5, 0, 0), 16, addr_b, eth0) == -ksock::enobufs);
    // unreachable, blackhole, prohibit: each its error, as the host's.
    REQUIRE(ipr::route_del(p.a, in::ipv4(10, 3, 0, 0), 16) == 0);
    REQUIRE(ipr::route_del(p.a, in::ipv4(10, 4, 0, 0), 16) == 0);
    REQUIRE(ipr::route_add(p.a, in::ipv4(10, 7, 0, 0), 16, 0, eth0, 0, 0, in::rtn_unreachable) ==
            0);
    REQUIRE(ipr::route_add(p.a, in::ipv4(10, 8, 0, 0), 16, 0, eth0, 0, 0, in::rtn_blackhole) == 0);
    const int u = udp_bound(p.a, 0, 0);
    const auto t7 = sin_of(in::ipv4(10, 7, 1, 1), 9);
    const auto t8 = sin_of(in::ipv4(10, 8, 1, 1), 9);
    CHECK(p.a.sendto(u, "x", 1, 0, sa(t7), sizeof t7) == -ksock::ehostunreach);
    CHECK(p.a.sendto(u, "x", 1, 0, sa(t8), sizeof t8) == -ksock::einval);
    REQUIRE(ipr::route_del(p.a, in::ipv4(10, 8, 0, 0), 16) == 0);
    REQUIRE(ipr::route_add(p.a, in::ipv4(10, 8, 0, 0), 16, 0, eth0, 0, 0, in::rtn_prohibit) == 0);
    CHECK(p.a.sendto(u, "x", 1, 0, sa(t8), sizeof t8) == -ksock::eacces);
    // A device going down takes the routes added through it (for good) and
    // its subnet's (until it comes back); its local addresses stay local.
    REQUIRE(p.a.dev_close(eth0) == 0);
    CHECK(ipr::route_get(p.a, in::ipv4(10, 2, 2, 3), rt) == -ksock::enetunreach);
    CHECK(ipr::route_get(p.a, addr_b, rt) == -ksock::enetunreach);
    REQUIRE(ipr::route_get(p.a, addr_a, rt) == 0);
    CHECK(rt.type == in::rtn_local);
    CHECK(ipr::route_add(p.a, in::ipv4(10, 0, 0, 0), 8, addr_b, eth0) == -ksock::enetdown);
    REQUIRE(p.a.dev_open(eth0) == 0);
    CHECK(ipr::route_get(p.a, addr_b, rt) == 0);
    CHECK(ipr::route_get(p.a, in::ipv4(10, 2, 2, 3), rt) == -ksock::enetunreach);
    p.a.close(u);
}

TEST_CASE("route: sockets on the new addresses: bind, connect, getsockname, UDP and TCP") {
    wire_pair& p = wire_pair::fresh();
    // Binding an address of eth0 (EADDRNOTAVAIL while lo was all there was),
    // its broadcast address, and not someone else's.
    const int u1 = udp_bound(p.a, addr_a, 6000);
    CHECK(u1 >= 0);
    const int u2 = udp_bound(p.a, subnet_bcast, 6001);
    CHECK(u2 >= 0);
    CHECK(udp_bound(p.a, addr_b, 6002) == -ksock::eaddrnotavail);
    // A connected socket takes the route's source.
    const int c = udp_bound(p.a, 0, 0);
    const auto to = sin_of(addr_b, 9);
    REQUIRE(p.a.connect(c, sa(to), sizeof to) == 0);
    ksock::sockaddr_in me{};
    ksock::socklen_t len = sizeof me;
    REQUIRE(p.a.getsockname(c, reinterpret_cast<ksock::sockaddr*>(&me), &len) == 0);
    CHECK(me.sin_addr.s_addr == addr_a);
    // Sending to our own eth0 address goes over lo.
    const auto self = sin_of(addr_a, 6000);
    REQUIRE(p.a.sendto(c, "me", 2, 0, sa(self), sizeof self) == 2);
    char buf[8];
    CHECK(p.a.recv(u1, buf, sizeof buf, ksock::msg_dontwait) == 2);
    CHECK(p.log.n == 0);
    // TCP: to our own address it connects over lo; to another host its SYN
    // leaves through eth0 (EINPROGRESS: b has no listener, its RST refuses it).
    const int l = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto la = sin_of(addr_a, 7000);
    REQUIRE(p.a.bind(l, sa(la), sizeof la) == 0);
    REQUIRE(p.a.listen(l, 4) == 0);
    const int t = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    CHECK(p.a.connect(t, sa(la), sizeof la) == -ksock::einprogress);
    const int acc = p.a.accept4(l, nullptr, nullptr, 0);
    CHECK(acc >= 0);
    REQUIRE(p.a.getsockname(t, reinterpret_cast<ksock::sockaddr*>(&me), &len) == 0);
    CHECK(me.sin_addr.s_addr == addr_a);
    const int t2 = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto remote = sin_of(addr_b, 7000);
    CHECK(p.a.connect(t2, sa(remote), sizeof remote) == -ksock::einprogress);
    p.run(10);
    CHECK(p.a.connect(t2, sa(remote), sizeof remote) == -ksock::econnrefused);
    for (int fd : {u1, u2, c, l, t, t2, acc})
        p.a.close(fd);
    p.run(61000); // TIME_WAIT
    CHECK(p.a.empty());
}

// The routes of a namespace with only lo up, as a 6.18 host answers them
// (from the lo-only days of route.hpp, now over the FIB).
TEST_CASE("ip_route_output: 0.0.0.0 is the source, or 127.0.0.1 for a socket without one") {
    static ksock::default_stack s;
    in::rtable rt{};
    CHECK(ipr::route_get(s, 0, rt) == 0);
    CHECK(rt.daddr == in::ipv4(127, 0, 0, 1));
    CHECK(rt.saddr == in::ipv4(127, 0, 0, 1));
    CHECK(ipr::route_get(s, 0, rt, in::ipv4(127, 0, 0, 5)) == 0);
    CHECK(rt.daddr == in::ipv4(127, 0, 0, 5));
    CHECK(rt.saddr == in::ipv4(127, 0, 0, 5));
    CHECK_FALSE(rt.broadcast);
}

TEST_CASE("ip_route_output: 127.255.255.255 is lo's broadcast route, from 127.0.0.1") {
    static ksock::default_stack s;
    in::rtable rt{};
    CHECK(ipr::route_get(s, in::ipv4(127, 255, 255, 255), rt) == 0);
    CHECK(rt.broadcast);
    CHECK(rt.saddr == in::ipv4(127, 0, 0, 1));
    CHECK(ipr::route_get(s, in::ipv4(127, 0, 0, 2), rt) == 0);
    CHECK_FALSE(rt.broadcast);
    CHECK(rt.daddr == in::ipv4(127, 0, 0, 2));
}

TEST_CASE("ip_route_output: no route but lo's: ENETUNREACH") {
    static ksock::default_stack s;
    in::rtable rt{};
    CHECK(ipr::route_get(s, in::ipv4(10, 1, 2, 3), rt) == -ksock::enetunreach);
    CHECK(ipr::route_get(s, in::ipv4(224, 0, 0, 1), rt) == -ksock::enetunreach);
    CHECK(ipr::route_get(s, in::ipv4(255, 255, 255, 255), rt) == -ksock::enetunreach);
    CHECK(ipr::route_get(s, in::ipv4(0, 255, 255, 255), rt) == -ksock::enetunreach);
}

TEST_CASE("ipv4_default_advmss: lo's 64 KiB MTU advertises 65495") {
    STATIC_REQUIRE(in::ipv4_default_advmss(in::lo_mtu) == 65495);
    STATIC_REQUIRE(in::ipv4_default_advmss(1500) == 1460);
}
