// ksock/inet/ip/in_device.hpp: the IPv4 addresses of the devices
// (net/ipv4/devinet.c): `ip addr add` and `ip addr del` (inet_rtm_newaddr,
// __inet_insert_ifa, __inet_del_ifa), the address classes they give
// (inet_addr_type: local, broadcast, multicast, unicast) and the source
// address choice (inet_select_addr).
//
// Addresses keep their order of addition per device; one in the subnet of
// an earlier one of the same device is a secondary (IFA_F_SECONDARY), as
// Linux makes it. lo gets 127.0.0.1/8 (scope host) when the stack boots, as
// inetdev_event gives it when lo comes up.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/ip/rt_cache_flush.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/rtnetlink.hpp>

namespace ksock::inet {

//! inet_make_mask: the netmask of \p plen bits, network order.
constexpr std::uint32_t inet_make_mask(unsigned plen) noexcept {
    return ksock::cpu_to_be32(plen ? ~0u << (32 - plen) : 0u);
}
//! ipv4_is_loopback: in 127.0.0.0/8 (\p a in network order).
constexpr bool ipv4_is_loopback(std::uint32_t a) noexcept {
    return (ksock::be32_to_cpu(a) >> 24) == 127;
}
//! ipv4_is_multicast: in 224.0.0.0/4.
constexpr bool ipv4_is_multicast(std::uint32_t a) noexcept {
    return (ksock::be32_to_cpu(a) >> 28) == 0xe;
}
//! ipv4_is_lbcast: 255.255.255.255.
constexpr bool ipv4_is_lbcast(std::uint32_t a) noexcept {
    return a == 0xffffffffu;
}
//! ipv4_is_zeronet: in 0.0.0.0/8.
constexpr bool ipv4_is_zeronet(std::uint32_t a) noexcept {
    return (ksock::be32_to_cpu(a) >> 24) == 0;
}
//! inet_ifa_match: is \p addr in \p ifa's subnet?
constexpr bool inet_ifa_match(std::uint32_t addr, const in_ifaddr& ifa) noexcept {
    return ((addr ^ ifa.ifa_address) & ifa.ifa_mask) == 0;
}
//! The subnet broadcast fib_add_ifaddr routes for a primary address: the
//! one given, or the prefix's last address when the prefix is shorter than
//! /31; 0 when there is none.
constexpr std::uint32_t ifa_subnet_broadcast(const in_ifaddr& ifa) noexcept {
    if (ifa.ifa_broadcast && ifa.ifa_broadcast != 0xffffffffu)
        return ifa.ifa_broadcast;
    return ifa.ifa_prefixlen < 31 ? (ifa.ifa_local & ifa.ifa_mask) | ~ifa.ifa_mask : 0;
}

//! Is device \p ifindex up?
template <class Ctx>
bool inet_dev_up(Ctx& ctx, int ifindex) noexcept {
    const net_device_state* st = ctx.dev_get_by_index(ifindex);
    return st && (st->flags & iff_up);
}

//! Recompute the fast path's flag: lo up with a primary in 127.0.0.0/8.
template <class Ctx>
void inet_update_lo_net(Ctx& ctx) noexcept {
    auto& t = ipv4_tables(ctx);
    t.lo_net_local = false;
    if (!inet_dev_up(ctx, 1))
        return;
    t.lo_mtu = ctx.dev_get_by_index(1)->mtu;
    for (const in_ifaddr& ifa : t.addrs)
        if (ifa.ifa_index == 1 && !(ifa.ifa_flags & ifa_f_secondary) &&
            ifa.ifa_mask == inet_make_mask(8) && ipv4_is_loopback(ifa.ifa_local)) {
            t.lo_net_local = true;
            t.lo_prefsrc = ifa.ifa_local;
            return;
        }
}

//! inet_addr_type (the local table, any device): 0.0.0.0/8 and
//! 255.255.255.255 are broadcast, 224.0.0.0/4 multicast; an address of a
//! device, or one in a loopback device's prefix, is local; the subnet
//! broadcast of an up device's primary address is broadcast; anything else
//! is unicast.
template <class Ctx>
rtn_type inet_addr_type(Ctx& ctx, std::uint32_t addr) noexcept {
    if (ipv4_is_zeronet(addr) || ipv4_is_lbcast(addr))
        return rtn_broadcast;
    if (ipv4_is_multicast(addr))
        return rtn_multicast;
    auto& t = ipv4_tables(ctx);
    if (ipv4_is_loopback(addr) && t.lo_net_local && addr != lo_broadcast())
        return rtn_local;
    rtn_type type = rtn_unicast;
    for (const in_ifaddr& ifa : t.addrs) {
        if (!ifa.ifa_index)
            break;
        if (ifa.ifa_local == addr)
            return rtn_local;
        if (!(ifa.ifa_flags & ifa_f_secondary) && inet_dev_up(ctx, ifa.ifa_index)) {
            if (ifa_subnet_broadcast(ifa) == addr)
                type = rtn_broadcast;
            else if (ifa.ifa_index == 1 && inet_ifa_match(addr, ifa))
                type = rtn_local; // a loopback device's prefix route is local
        }
    }
    return type;
}

//! The primary address of device \p ifindex for \p dst's subnet, else its
//! first primary address of scope at most \p scope, else 0
//! (inet_select_addr's first part).
template <class Ctx>
std::uint32_t in_dev_select_addr(Ctx& ctx, int ifindex, std::uint32_t dst,
                                 std::uint8_t scope) noexcept {
    std::uint32_t addr = 0;
    for (const in_ifaddr& ifa : ipv4_tables(ctx).addrs) {
        if (!ifa.ifa_index)
            break;
        if (ifa.ifa_index != ifindex || (ifa.ifa_flags & ifa_f_secondary) || ifa.ifa_scope > scope)
            continue;
        if (!dst || inet_ifa_match(dst, ifa))
            return ifa.ifa_local;
        if (!addr)
            addr = ifa.ifa_local;
    }
    return addr;
}

//! inet_select_addr: a source address for \p dst out of device \p ifindex
//! at \p scope: the device's, else the first primary address of scope
//! below RT_SCOPE_LINK on any device, lo first (so never lo's 127.0.0.1,
//! which is scope host).
template <class Ctx>
std::uint32_t inet_select_addr(Ctx& ctx, int ifindex, std::uint32_t dst,
                               std::uint8_t scope) noexcept {
    if (const std::uint32_t a = in_dev_select_addr(ctx, ifindex, dst, scope))
        return a;
    if (scope > rt_scope_link)
        scope = rt_scope_link;
    for (int dev = 1; ctx.dev_get_by_index(dev); ++dev)
        for (const in_ifaddr& ifa : ipv4_tables(ctx).addrs) {
            if (!ifa.ifa_index)
                break;
            if (ifa.ifa_index == dev && !(ifa.ifa_flags & ifa_f_secondary) && ifa.ifa_scope < scope)
                return ifa.ifa_local;
        }
    return 0;
}

//! The primary address whose subnet \p ifa (a secondary or itself) is in.
template <class Ctx>
const in_ifaddr& inet_ifa_primary(Ctx& ctx, const in_ifaddr& ifa) noexcept {
    for (const in_ifaddr& p : ipv4_tables(ctx).addrs) {
        if (!p.ifa_index)
            break;
        if (p.ifa_index == ifa.ifa_index && !(p.ifa_flags & ifa_f_secondary) &&
            p.ifa_mask == ifa.ifa_mask && inet_ifa_match(ifa.ifa_local, p))
            return p;
    }
    return ifa;
}

//! `ip addr add LOCAL/PREFIXLEN [broadcast BRD] dev IFINDEX`
//! (inet_rtm_newaddr -> __inet_insert_ifa): ENODEV for no such device,
//! EINVAL for a prefix longer than 32 or an address 0.0.0.0, EEXIST when
//! the device has it already, ENOBUFS when Config::inet_addrs are all
//! taken (ksock's table; Linux allocates). An address in the subnet of one
//! the device has (same mask) is a secondary. 127.0.0.0/8 addresses get
//! scope host, as `ip` gives them. No gratuitous ARP: Linux sends none for
//! a new address (arp_notify announces a device coming up).
template <class Ctx>
int ip_addr_add(Ctx& ctx, int ifindex, std::uint32_t local, unsigned prefixlen,
                std::uint32_t broadcast = 0) noexcept {
    if (!ctx.dev_get_by_index(ifindex))
        return -enodev;
    if (prefixlen > 32 || !local)
        return -einval;
    in_ifaddr ifa{};
    ifa.ifa_local = ifa.ifa_address = local;
    ifa.ifa_prefixlen = static_cast<std::uint8_t>(prefixlen);
    ifa.ifa_mask = inet_make_mask(prefixlen);
    ifa.ifa_broadcast = broadcast;
    ifa.ifa_index = ifindex;
    ifa.ifa_scope = ipv4_is_loopback(local) ? rt_scope_host : rt_scope_universe;
    auto& t = ipv4_tables(ctx);
    std::size_t n = 0;
    for (; n < sizeof t.addrs / sizeof t.addrs[0] && t.addrs[n].ifa_index; ++n) {
        const in_ifaddr& o = t.addrs[n];
        if (o.ifa_index != ifindex || o.ifa_mask != ifa.ifa_mask ||
            !inet_ifa_match(o.ifa_address, ifa))
            continue;
        if (o.ifa_local == local)
            return -eexist;
        if (o.ifa_scope != ifa.ifa_scope)
            return -einval;
        ifa.ifa_flags |= ifa_f_secondary;
    }
    if (n == sizeof t.addrs / sizeof t.addrs[0])
        return -enobufs;
    t.addrs[n] = ifa;
    inet_update_lo_net(ctx);
    rt_cache_flush(ctx); // fib_add_ifaddr's routes came
    return 0;
}

//! `ip addr del LOCAL/PREFIXLEN dev IFINDEX` (inet_rtm_deladdr ->
//! __inet_del_ifa): EADDRNOTAVAIL when the device has no such address.
//! A primary takes the secondaries of its subnet with it
//! (promote_secondaries is 0 by default). Sockets bound to it stay bound.
template <class Ctx>
int ip_addr_del(Ctx& ctx, int ifindex, std::uint32_t local, unsigned prefixlen) noexcept {
    auto& t = ipv4_tables(ctx);
    constexpr std::size_t cap = sizeof t.addrs / sizeof t.addrs[0];
    std::size_t at = cap;
    for (std::size_t i = 0; i < cap && t.addrs[i].ifa_index; ++i)
        if (t.addrs[i].ifa_index == ifindex && t.addrs[i].ifa_local == local &&
            t.addrs[i].ifa_prefixlen == prefixlen)
            at = i;
    if (at == cap)
        return -eaddrnotavail;
    const in_ifaddr gone = t.addrs[at];
    const bool primary = !(gone.ifa_flags & ifa_f_secondary);
    std::size_t w = 0;
    for (std::size_t r = 0; r < cap && t.addrs[r].ifa_index; ++r) {
        const in_ifaddr& a = t.addrs[r];
        const bool drop =
            r == at || (primary && a.ifa_index == ifindex && (a.ifa_flags & ifa_f_secondary) &&
                        a.ifa_mask == gone.ifa_mask && inet_ifa_match(a.ifa_local, gone));
        if (!drop)
            t.addrs[w++] = a;
    }
    for (; w < cap; ++w)
        t.addrs[w] = in_ifaddr{};
    inet_update_lo_net(ctx);
    rt_cache_flush(ctx); // fib_del_ifaddr's routes went
    return 0;
}

} // namespace ksock::inet
