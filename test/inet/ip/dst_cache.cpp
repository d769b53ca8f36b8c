// test/inet/ip/dst_cache.cpp: the route a connected socket caches
// (inet/ip/dst_cache.hpp) over the virtual link of wire_fixture.hpp. A
// connected UDP socket and a TCP connection keep their route, and every
// change of routes, addresses or devices makes the next packet look it up
// again: it follows the new route, or gets the errno the host gives. The
// UDP errors are the host's (6.18, a TUN device in a private namespace,
// 192.0.2.1/24 on it, a socket connected through "198.51.100.0/24 via
// 192.0.2.2"): route deleted ENETUNREACH, unreachable EHOSTUNREACH,
// prohibit EACCES, blackhole EINVAL, device down ENETUNREACH (and the
// route through it gone when it comes back up), source address deleted
// ENETUNREACH. A TCP segment without a route does not leave (OutNoRoutes);
// the data waits and goes by the new route when the timer sends it again.
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/ip/dst_cache.hpp>
#include <ksock/inet/ip/fib.hpp>
#include <ksock/inet/ip/rt_cache_flush.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"
#include "support/wire_fixture.hpp"
#include "support/wire_tcp.hpp"

using namespace ksock_test;
namespace in = ksock::inet;
namespace ipr = ksock::inet::iproute;

namespace {

constexpr std::uint32_t far_net = in::ipv4(198, 51, 100, 0); // behind b
constexpr std::uint32_t far_b = in::ipv4(198, 51, 100, 1);   // b's address there
constexpr std::uint32_t nobody = in::ipv4(192, 0, 2, 3);     // no host answers ARP for it

//! The route socket \p fd of stack \p s caches, or null.
template <class S>
const in::dst_entry* cached(S& s, int fd) {
    return static_cast<const in::dst_entry*>(s.socket_of(fd)->sk->sk_dst_cache);
}

//! ARP requests a sent for \p target since the log was cleared.
std::size_t arp_requests_for(const wire_log& log, std::uint32_t target) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < log.n; ++i)
        n += log.e[i].from == 0 && log.e[i].arp_op() == 1 && log.e[i].ip_at(14 + 24) == target;
    return n;
}

//! A datagram of one byte sent on connected socket \p fd of a: 1 or -errno.
long send1(wire_pair& p, int fd) {
    return p.a.send(fd, "x", 1, ksock::msg_dontwait);
}

//! Datagrams waiting on b's socket \p fd, read.
int drain(wire_pair& p, int fd) {
    int n = 0;
    char buf[64];
    while (p.b.recv(fd, buf, sizeof buf, ksock::msg_dontwait) > 0)
        ++n;
    return n;
}

//! connect(AF_UNSPEC) on socket \p fd of a: 0 or -errno.
int disconnect(wire_pair& p, int fd) {
    ksock::sockaddr unspec{};
    unspec.sa_family = ksock::af_unspec;
    return p.a.connect(fd, &unspec, sizeof unspec);
}

unsigned long no_routes(wire_pair& p) {
    return ipr::snmp(p.a).ip.out_no_routes;
}

//! A stack with only lo, and one with a device whose cache is turned off.
struct lo_only_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback>;
};
struct no_cache_config : wire_config<0> {
    static constexpr std::size_t dst_entries = 0;
};

} // namespace

TEST_CASE("dst_cache: no slots with lo alone (routes to 127/8 need none), 4 with a device") {
    STATIC_REQUIRE(in::inet_config<lo_only_config>::dst_entries == 0);
    STATIC_REQUIRE(in::inet_config<wire_config<0>>::dst_entries == 4);
    STATIC_REQUIRE(in::inet_config<no_cache_config>::dst_entries == 0);
    // The slots are the only RAM the cache costs (sk_dst_cache was in
    // struct sock already): none at all when there are none.
    STATIC_REQUIRE(std::is_empty_v<in::detail::dst_table<0>>);
    STATIC_REQUIRE(sizeof(in::dst_entry) == 32);
    STATIC_REQUIRE(sizeof(in::netns_ipv4_tables<wire_config<0>>) >=
                   sizeof(in::netns_ipv4_tables<no_cache_config>) + 4 * sizeof(in::dst_entry));
    STATIC_REQUIRE(sizeof(in::netns_ipv4_tables<wire_config<0>>) <=
                   sizeof(in::netns_ipv4_tables<no_cache_config>) + 4 * sizeof(in::dst_entry) + 8);
}

TEST_CASE("rt_cache_flush: a new generation each time, never 0") {
    wire_pair& p = wire_pair::fresh();
    auto& t = in::ipv4_tables(p.a.context());
    const std::uint32_t g = t.rt_genid;
    CHECK(g != 0);
    CHECK(ipr::route_add(p.a, far_net, 24, addr_b, eth0) == 0);
    CHECK(t.rt_genid == g + 1);
    CHECK(ipr::route_del(p.a, far_net, 24) == 0);
    CHECK(t.rt_genid == g + 2);
    t.rt_genid = 0xffffffffu;
    in::rt_cache_flush(p.a.context());
    CHECK(t.rt_genid == 1);
}

TEST_CASE("dst_cache: a connected UDP socket follows every route change, errors as the host's") {
    wire_pair& p = wire_pair::fresh();
    REQUIRE(ipr::addr_add(p.b, eth0, far_b, 32) == 0);
    REQUIRE(ipr::route_add(p.a, far_net, 24, addr_b, eth0) == 0);
    const int rb = udp_bound(p.b, 0, 9000);
    REQUIRE(rb >= 0);
    const int u = p.a.socket(ksock::af_inet, ksock::sock_dgram, 0);
    const auto to = sin_of(far_b, 9000);
    REQUIRE(p.a.connect(u, sa(to), sizeof to) == 0);
    // connect cached the route it found: through b, out of eth0.
    const in::dst_entry* d = cached(p.a, u);
    REQUIRE(d != nullptr);
    CHECK(d->rt.oif == eth0);
    CHECK(d->rt.nexthop == addr_b);
    CHECK(d->rt.saddr == addr_a);
    for (int i = 0; i < 3; ++i)
        CHECK(send1(p, u) == 1);
    p.run(2);
    CHECK(drain(p, rb) == 3);
    CHECK(cached(p.a, u) == d); // used, not looked up again

    // ip route del: ENETUNREACH, counted, nothing cached.
    REQUIRE(ipr::route_del(p.a, far_net, 24) == 0);
    const unsigned long nr = no_routes(p);
    CHECK(send1(p, u) == -ksock::enetunreach);
    CHECK(no_routes(p) == nr + 1);
    CHECK(cached(p.a, u) == nullptr);
    // The typed routes' errors.
    REQUIRE(ipr::route_add(p.a, far_net, 24, 0, eth0, 0, 0, in::rtn_unreachable) == 0);
    CHECK(send1(p, u) == -ksock::ehostunreach);
    REQUIRE(ipr::route_del(p.a, far_net, 24) == 0);
    REQUIRE(ipr::route_add(p.a, far_net, 24, 0, eth0, 0, 0, in::rtn_prohibit) == 0);
    CHECK(send1(p, u) == -ksock::eacces);
    REQUIRE(ipr::route_del(p.a, far_net, 24) == 0);
    REQUIRE(ipr::route_add(p.a, far_net, 24, 0, eth0, 0, 0, in::rtn_blackhole) == 0);
    CHECK(send1(p, u) == -ksock::einval);
    REQUIRE(ipr::route_del(p.a, far_net, 24) == 0);

    // A new gateway: the next datagram asks for it (ARP), b gets nothing.
    REQUIRE(ipr::route_add(p.a, far_net, 24, nobody, eth0) == 0);
    p.log.clear();
    CHECK(send1(p, u) == 1);
    p.run(2);
    CHECK(arp_requests_for(p.log, nobody) == 1);
    CHECK(drain(p, rb) == 0);
    REQUIRE(cached(p.a, u) != nullptr);
    CHECK(cached(p.a, u)->rt.nexthop == nobody);
    // Back through b.
    REQUIRE(ipr::route_del(p.a, far_net, 24) == 0);
    REQUIRE(ipr::route_add(p.a, far_net, 24, addr_b, eth0) == 0);
    CHECK(send1(p, u) == 1);
    p.run(2);
    CHECK(drain(p, rb) == 1);

    // A socket connected on the subnet, for what follows.
    const int v = p.a.socket(ksock::af_inet, ksock::sock_dgram, 0);
    const auto to_b = sin_of(addr_b, 9000);
    REQUIRE(p.a.connect(v, sa(to_b), sizeof to_b) == 0);
    CHECK(send1(p, v) == 1);
    p.run(2);
    CHECK(drain(p, rb) == 1);

    // The device goes down: no route at all; up again: the subnet's route
    // is back, the one through b went with the device.
    REQUIRE(p.a.dev_close(eth0) == 0);
    CHECK(send1(p, u) == -ksock::enetunreach);
    CHECK(send1(p, v) == -ksock::enetunreach);
    REQUIRE(p.a.dev_open(eth0) == 0);
    CHECK(send1(p, u) == -ksock::enetunreach);
    CHECK(send1(p, v) == 1);
    p.run(1100); // ARP again (the neighbour went with the device)
    CHECK(drain(p, rb) == 1);

    // The source address goes: ENETUNREACH; it comes back: sent again.
    REQUIRE(ipr::addr_del(p.a, eth0, addr_a, 24) == 0);
    CHECK(send1(p, v) == -ksock::enetunreach);
    REQUIRE(ipr::addr_add(p.a, eth0, addr_a, 24) == 0);
    CHECK(send1(p, v) == 1);
    p.run(2);
    CHECK(drain(p, rb) == 1);

    // connect(AF_UNSPEC) forgets the route.
    REQUIRE(disconnect(p, v) == 0);
    CHECK(cached(p.a, v) == nullptr);
    CHECK(p.a.close(u) == 0);
    CHECK(p.a.close(v) == 0);
    CHECK(p.b.close(rb) == 0);
}

TEST_CASE("dst_cache: more routes than slots, each datagram still takes its own route") {
    wire_pair& p = wire_pair::fresh();
    REQUIRE(ipr::route_add(p.a, far_net, 24, addr_b, eth0) == 0);
    // Three destinations behind b for the sockets (Config::proto_objects
    // is 4 UDP sockets), three more for a stand-in socket: six routes,
    // four slots. Each lookup takes a slot from another socket, which
    // finds it gone and looks its route up again.
    std::uint32_t dst[6];
    for (unsigned i = 0; i < 6; ++i)
        dst[i] = in::ipv4(198, 51, 100, 10 + i);
    const std::uint32_t to_of[4] = {dst[0], dst[1], dst[2], dst[2]};
    int fd[4];
    for (int i = 0; i < 4; ++i) {
        fd[i] = p.a.socket(ksock::af_inet, ksock::sock_dgram, 0);
        REQUIRE(fd[i] >= 0);
        const auto to = sin_of(to_of[i], 9000);
        REQUIRE(p.a.connect(fd[i], sa(to), sizeof to) == 0);
    }
    // Two sockets with the same addresses share the slot of their route.
    CHECK(cached(p.a, fd[2]) == cached(p.a, fd[3]));
    static ksock::sock other{};
    p.log.clear();
    for (unsigned round = 0; round < 3; ++round)
        for (int i = 0; i < 4; ++i) {
            CHECK(send1(p, fd[i]) == 1);
            REQUIRE(cached(p.a, fd[i]) != nullptr);
            CHECK(cached(p.a, fd[i])->rt.daddr == to_of[i]);
            in::rtable rt{};
            const std::uint32_t d = dst[3 + (round * 4 + static_cast<unsigned>(i)) % 3];
            REQUIRE(p.a.locked([&](auto& ctx) {
                return in::ip_route_output_sk(ctx, other, d, addr_a, rt);
            }) == 0);
            CHECK(other.sk_dst_cache != nullptr);
            p.run(1);
        }
    // Every datagram left for its own destination, in order (b drops them:
    // the addresses are not its).
    REQUIRE(p.log.n == 12);
    for (std::size_t k = 0; k < 12; ++k) {
        CHECK(p.log.e[k].ethertype() == 0x0800);
        CHECK(p.log.e[k].ip_at(14 + 16) == to_of[k % 4]);
    }
    for (int f : fd)
        CHECK(p.a.close(f) == 0);
}

TEST_CASE("dst_cache: a TCP connection's segments follow a new route, wait without one") {
    wire_pair& p = wire_pair::fresh();
    const conn k = connect_pair(p, 7100);
    const int c = k.c;
    const int s = k.s;
    REQUIRE(transfer(p, p.a, c, p.b, s, 3000, 100));
    const in::dst_entry* d = cached(p.a, c);
    REQUIRE(d != nullptr); // the SYN's lookup, used since
    CHECK(d->rt.nexthop == addr_b);
    CHECK(d->rt.oif == eth0);

    // A host route to b through a gateway nobody answers for: the next
    // segment asks ARP for the gateway, b hears nothing.
    REQUIRE(ipr::route_add(p.a, addr_b, 32, nobody, eth0) == 0);
    p.log.clear();
    REQUIRE(p.a.send(c, "route", 5, ksock::msg_dontwait) == 5);
    p.run(5);
    CHECK(arp_requests_for(p.log, nobody) == 1);
    char buf[64];
    CHECK(p.b.recv(s, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain);
    REQUIRE(cached(p.a, c) != nullptr);
    CHECK(cached(p.a, c)->rt.nexthop == nobody);
    // The route goes: the retransmission goes to b directly.
    REQUIRE(ipr::route_del(p.a, addr_b, 32) == 0);
    p.run(3000);
    CHECK(p.b.recv(s, buf, sizeof buf, ksock::msg_dontwait) == 5);

    // The device goes down: the segment finds no route and stays queued
    // (send succeeds, OutNoRoutes counts each try); up again, it arrives.
    REQUIRE(p.a.dev_close(eth0) == 0);
    unsigned long nr = no_routes(p);
    REQUIRE(p.a.send(c, "down", 4, ksock::msg_dontwait) == 4);
    p.run(5);
    CHECK(no_routes(p) > nr);
    CHECK(cached(p.a, c) == nullptr);
    REQUIRE(p.a.dev_open(eth0) == 0);
    p.run(5000);
    CHECK(p.b.recv(s, buf, sizeof buf, ksock::msg_dontwait) == 4);

    // The source address goes: no route from it (ENETUNREACH inside);
    // it comes back: the data arrives.
    REQUIRE(ipr::addr_del(p.a, eth0, addr_a, 24) == 0);
    nr = no_routes(p);
    REQUIRE(p.a.send(c, "addr", 4, ksock::msg_dontwait) == 4);
    p.run(5);
    CHECK(no_routes(p) > nr);
    CHECK(p.b.recv(s, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain);
    REQUIRE(ipr::addr_add(p.a, eth0, addr_a, 24) == 0);
    p.run(5000);
    CHECK(p.b.recv(s, buf, sizeof buf, ksock::msg_dontwait) == 4);

    // connect(AF_UNSPEC) (tcp_disconnect) forgets the route.
    REQUIRE(cached(p.a, k.c) != nullptr);
    CHECK(disconnect(p, k.c) == 0);
    CHECK(cached(p.a, k.c) == nullptr);
    close_conn(p, k);
}
