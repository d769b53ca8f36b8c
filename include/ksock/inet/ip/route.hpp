// ksock/inet/ip/route.hpp: the route of a packet (net/ipv4/route.c): the
// output route a sender asks for (ip_route_output_key_hash_rcu: its device,
// next hop, source address, type) and the input route of a packet a device
// received (ip_route_input_slow: ours, broadcast, or not ours, since ksock
// never forwards).
//
// The fast path: a destination in 127.0.0.0/8 while lo is up with its
// 127.0.0.1/8 ("local 127.0.0.0/8 dev lo") is local at once, without the
// FIB: lo's traffic costs what it cost when lo was the only device.
#pragma once

#include <cstdint>

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/fib.hpp>
#include <ksock/inet/ip/in_device.hpp>
#include <ksock/inet/ip/rtable.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/platform.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! lo's MTU (loopback_setup: 64 KiB): the MTU TCP's MSS is computed from
//! (its segments go over lo only).
inline constexpr std::uint32_t lo_mtu = 64 * 1024;

//! ipv4_default_advmss: the MSS a route lets TCP advertise, the MTU less
//! the IPv4 and TCP headers, at most IPV4_MAX_PMTU (65535) less them: 65495
//! on lo.
constexpr std::uint16_t ipv4_default_advmss(std::uint32_t mtu) noexcept {
    constexpr std::uint32_t header_size = 20 + 20;
    constexpr std::uint32_t max = 65535 - header_size;
    const std::uint32_t advmss = mtu - header_size;
    return static_cast<std::uint16_t>(advmss < max ? advmss : max);
}

//! ip_route_output_key's slow path: every destination but the fast path's.
template <class Ctx>
KSOCK_NOINLINE int ip_route_output_slow(Ctx& ctx, std::uint32_t daddr, std::uint32_t saddr,
                                        rtable& rt) noexcept {
    auto& t = ipv4_tables(ctx);
    rt = rtable{saddr, daddr, false, false, rtn_local, 1, daddr, 0};
    if (!daddr) {
        rt.daddr = rt.nexthop = saddr ? saddr : htonl_loopback();
        if (!rt.saddr)
            rt.saddr = rt.daddr;
        rt.mtu = ctx.dev_get_by_index(1)->mtu;
        return 0;
    }
    int oif = 0;
    if (saddr) {
        if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || ipv4_is_zeronet(saddr))
            return -einval;
        if (inet_addr_type(ctx, saddr) != rtn_local)
            return -enetunreach;
        // "Special hack": a limited broadcast or multicast from one of our
        // addresses leaves by that address's device.
        if (ipv4_is_lbcast(daddr) || ipv4_is_multicast(daddr))
            for (const in_ifaddr& ifa : t.addrs)
                if (ifa.ifa_index && ifa.ifa_local == saddr && !oif)
                    oif = ifa.ifa_index;
    }
    fib_result res{};
    if (oif && oif != 1) {
        res = fib_result{rtn_unicast, rt_scope_link, 32, oif, 0, saddr};
    } else if (fib_lookup(ctx, daddr, res)) {
        return -enetunreach;
    }
    switch (res.type) {
    case rtn_local:
        if (!rt.saddr)
            rt.saddr = res.prefsrc ? res.prefsrc : daddr;
        rt.mtu = ctx.dev_get_by_index(1)->mtu;
        return 0;
    case rtn_unreachable:
        return -ehostunreach;
    case rtn_prohibit:
        return -eacces;
    case rtn_blackhole:
        return -einval;
    default:
        break;
    }
    rt.type = res.type;
    rt.oif = res.oif;
    rt.broadcast = res.type == rtn_broadcast || ipv4_is_lbcast(daddr);
    rt.multicast = ipv4_is_multicast(daddr);
    if (rt.broadcast)
        rt.type = rtn_broadcast;
    else if (rt.multicast)
        rt.type = rtn_multicast;
    rt.nexthop = res.gw && res.type == rtn_unicast ? res.gw : daddr;
    if (!rt.saddr)
        rt.saddr = res.prefsrc ? res.prefsrc : inet_select_addr(ctx, res.oif, res.gw, res.scope);
    rt.mtu = ctx.dev_get_by_index(res.oif)->mtu;
    return 0;
}

//! ip_route_output_key for \p daddr from \p saddr (0: choose): EINVAL for a
//! source that is multicast, broadcast or 0.0.0.0/8; ENETUNREACH for a
//! source that is no address of ours, or no route; a route's own error for
//! an unreachable (EHOSTUNREACH), prohibit (EACCES) or blackhole (EINVAL)
//! route. 0.0.0.0 is the source address, or 127.0.0.1: local. Inline, the
//! fast path alone: 127.0.0.0/8 while lo has it.
template <class Ctx>
KSOCK_ALWAYS_INLINE inline int ip_route_output(Ctx& ctx, std::uint32_t daddr, std::uint32_t saddr,
                                               rtable& rt) noexcept {
    auto& t = ipv4_tables(ctx);
    if (KSOCK_LIKELY(ipv4_is_loopback(daddr) && t.lo_net_local && daddr != lo_broadcast() &&
                     (!saddr || ipv4_is_loopback(saddr)))) {
        rt.saddr = saddr ? saddr : t.lo_prefsrc;
        rt.daddr = rt.nexthop = daddr;
        rt.broadcast = rt.multicast = false;
        rt.type = rtn_local;
        rt.oif = 1;
        rt.mtu = t.lo_mtu;
        return 0;
    }
    return ip_route_output_slow(ctx, daddr, saddr, rt);
}

//! ip_route_output_flow for a socket's datagram to \p daddr (from its source
//! address), with the check every sender makes of the route it gets
//! (udp_sendmsg, raw_sendmsg, ping_v4_sendmsg, __ip4_datagram_connect): a
//! broadcast route needs SO_BROADCAST, else EACCES. No route is counted
//! (OutNoRoutes).
template <class Ctx>
KSOCK_ALWAYS_INLINE inline int ip_route_output_flow(Ctx& ctx, const sock& sk, std::uint32_t daddr,
                                                    rtable& rt) noexcept {
    if (const int err = ip_route_output(ctx, daddr, inet_sk(&sk)->inet_saddr, rt)) {
        if (err == -enetunreach)
            ++ipv4_net(ctx).mib.ip.out_no_routes;
        return err;
    }
    if (rt.broadcast && !sock_flag(sk, sock_broadcast))
        return -eacces;
    return 0;
}

//! What ip_route_input_noref decides for a packet device \p iif received:
//! RTN_LOCAL or RTN_BROADCAST to deliver it; 0 to drop it: a martian
//! source (multicast, 255.255.255.255, 127.0.0.0/8 from a wire, 0.0.0.0/8
//! but to 255.255.255.255) or destination (0.0.0.0/8, 127.0.0.0/8 from a
//! wire), multicast (ksock joins no group), or not ours: \p not_ours is set
//! then (no forwarding: InAddrErrors).
template <class Ctx>
std::uint8_t ip_route_input(Ctx& ctx, std::uint32_t daddr, std::uint32_t saddr, int iif,
                            bool& not_ours) noexcept {
    not_ours = false;
    const bool wire = iif != 1;
    if (ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) || (wire && ipv4_is_loopback(saddr)))
        return 0;
    if (ipv4_is_lbcast(daddr) || (!daddr && !saddr))
        return rtn_broadcast;
    if (ipv4_is_zeronet(saddr) || ipv4_is_zeronet(daddr) || ipv4_is_multicast(daddr) ||
        (wire && ipv4_is_loopback(daddr)))
        return 0;
    fib_result res{};
    if (!fib_lookup(ctx, daddr, res)) {
        if (res.type == rtn_local)
            return rtn_local;
        if (res.type == rtn_broadcast)
            return rtn_broadcast;
    }
    not_ours = true;
    return 0;
}

} // namespace ksock::inet
