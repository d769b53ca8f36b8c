// ksock/inet/iproute.hpp: `ip addr`, `ip route`, `ip neigh` and
// /proc/net/snmp for a program (iproute2's view of rtnetlink, over a
// stack): each call takes the stack's lock and runs the kernel function
// (inet_rtm_newaddr ...) on its context, so a firmware can set its
// addresses and routes at run time, and read its counters and neighbours.
//
//   ksock::inet::iproute::addr_add(s, 2, ksock::inet::ipv4(192, 0, 2, 2), 24);
//   s.dev_open(2);
//   ksock::inet::iproute::route_add(s, 0, 0, ksock::inet::ipv4(192, 0, 2, 1), 2);
//
// Addresses are in network order, as in a sockaddr_in.
#pragma once

#include <cstdint>

#include <ksock/inet/ip/fib.hpp>
#include <ksock/inet/ip/in_device.hpp>
#include <ksock/inet/ip/neighbour.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/inet/snmp.hpp>
#include <ksock/uapi/byteorder.hpp>

namespace ksock::inet {

//! The IPv4 address a.b.c.d in network order.
constexpr std::uint32_t ipv4(unsigned a, unsigned b, unsigned c, unsigned d) noexcept {
    return ksock::cpu_to_be32((a & 0xff) << 24 | (b & 0xff) << 16 | (c & 0xff) << 8 | (d & 0xff));
}

namespace iproute {

//! `ip addr add ADDR/PLEN [broadcast BRD] dev IFINDEX` (ip_addr_add).
template <class S>
int addr_add(S& s, int ifindex, std::uint32_t addr, unsigned plen, std::uint32_t brd = 0) {
    return s.locked([&](auto& ctx) { return ip_addr_add(ctx, ifindex, addr, plen, brd); });
}
//! `ip addr del ADDR/PLEN dev IFINDEX` (ip_addr_del).
template <class S>
int addr_del(S& s, int ifindex, std::uint32_t addr, unsigned plen) {
    return s.locked([&](auto& ctx) { return ip_addr_del(ctx, ifindex, addr, plen); });
}
//! `ip route add [TYPE] DST/LEN [via GW] dev OIF [metric M] [src S]` (ip_route_add).
template <class S>
int route_add(S& s, std::uint32_t dst, unsigned len, std::uint32_t gw, int oif,
              std::uint32_t metric = 0, std::uint32_t src = 0, std::uint8_t type = rtn_unicast) {
    return s.locked(
        [&](auto& ctx) { return ip_route_add(ctx, dst, len, gw, oif, metric, src, type); });
}
//! `ip route del DST/LEN [metric M]` (ip_route_del).
template <class S>
int route_del(S& s, std::uint32_t dst, unsigned len, std::uint32_t metric = 0) {
    return s.locked([&](auto& ctx) { return ip_route_del(ctx, dst, len, metric); });
}
//! `ip route get DST`: the route ip_route_output finds (0 or -errno).
template <class S>
int route_get(S& s, std::uint32_t dst, rtable& rt, std::uint32_t src = 0) {
    return s.locked([&](auto& ctx) { return ip_route_output(ctx, dst, src, rt); });
}
//! `ip neigh get ADDR dev IFINDEX`: a copy of the entry (false: none).
template <class S>
bool neigh_get(S& s, int ifindex, std::uint32_t addr, neighbour& out) {
    return s.locked([&](auto& ctx) {
        const auto& t = ipv4_tables(ctx);
        for (const neighbour& n : t.neigh)
            if (n.ifindex == ifindex && n.primary_key == addr) {
                out = n;
                return true;
            }
        return false;
    });
}
//! The neighbour entries in use (`ip neigh | wc -l`).
template <class S>
unsigned neigh_count(S& s) {
    return s.locked([&](auto& ctx) {
        unsigned n = 0;
        for (const neighbour& e : ipv4_tables(ctx).neigh)
            n += e.ifindex != 0;
        return n;
    });
}
//! /proc/net/snmp's Ip:, Icmp:, Udp: counters, a copy.
template <class S>
ipv4_mib snmp(S& s) {
    return s.locked([&](auto& ctx) { return ipv4_net(ctx).mib; });
}

} // namespace iproute
} // namespace ksock::inet
