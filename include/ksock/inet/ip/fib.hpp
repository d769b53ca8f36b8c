// ksock/inet/ip/fib.hpp: the forwarding information base (net/ipv4/
// fib_frontend.c, fib_trie.c, fib_semantics.c): fib_lookup's longest-prefix
// match, and `ip route add` / `ip route del` (inet_rtm_newroute,
// fib_table_insert, fib_check_nh).
//
// Linux keeps two tables. "local" holds what the addresses imply on their
// own: a /32 "local" route per address, lo's "local 127.0.0.0/8", a /32
// "broadcast" route per subnet broadcast of an up device; "main" holds a
// "link" route per primary address's subnet on an up device, and the
// routes `ip route add` makes. ksock derives the addresses' routes from the
// address table as fib_add_ifaddr would have added them (so they come and
// go with the addresses and the devices without being stored), and stores
// only the added ones, Config::fib_entries of them. The local table is
// asked first, then main; in each the longest prefix wins, then the lowest
// metric, then the earliest route.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/ip/in_device.hpp>
#include <ksock/inet/ip/rt_cache_flush.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/rtnetlink.hpp>

namespace ksock::inet {

//! Route types beyond af_inet.hpp's (include/uapi/linux/rtnetlink.h): silently drop, ICMP
//! unreachable, ICMP prohibited.
//!@{
inline constexpr std::uint8_t rtn_blackhole = 6;
inline constexpr std::uint8_t rtn_unreachable = 7;
inline constexpr std::uint8_t rtn_prohibit = 8;
//!@}

//! struct fib_result: what fib_lookup found.
struct fib_result {
    std::uint8_t type;      //!< RTN_*
    std::uint8_t scope;     //!< the nexthop's scope
    std::uint8_t prefixlen; //!< the matched route's prefix length
    int oif;                //!< the nexthop's device
    std::uint32_t gw;       //!< the nexthop's gateway, 0 on the link
    std::uint32_t prefsrc;  //!< the route's preferred source, 0: choose
};

//! fib_check_nh for a route through \p gw on device \p oif: the device must
//! be up, and the gateway on one of its subnets or one of our addresses
//! (fib_check_nh_v4_gw finds it by a route of link or host scope; the host
//! takes both). 0, ENETDOWN or ENETUNREACH.
template <class Ctx>
int fib_check_nh(Ctx& ctx, int oif, std::uint32_t gw) noexcept {
    if (!inet_dev_up(ctx, oif))
        return -enetdown;
    if (!gw)
        return 0;
    for (const in_ifaddr& ifa : ipv4_tables(ctx).addrs) {
        if (!ifa.ifa_index)
            break;
        if (ifa.ifa_local == gw)
            return 0;
        if (ifa.ifa_index == oif && !(ifa.ifa_flags & ifa_f_secondary) && inet_ifa_match(gw, ifa))
            return 0;
    }
    return -enetunreach;
}

namespace detail {
//! The better of two matches: longer prefix, then lower metric.
struct fib_best {
    fib_result res;
    std::uint32_t priority;
    bool found;
    void offer(const fib_result& r, std::uint32_t prio) noexcept {
        if (!found || r.prefixlen > res.prefixlen ||
            (r.prefixlen == res.prefixlen && prio < priority)) {
            res = r;
            priority = prio;
            found = true;
        }
    }
};
} // namespace detail

//! fib_lookup for \p daddr: 0 with \p res filled, or ENETUNREACH.
template <class Ctx>
int fib_lookup(Ctx& ctx, std::uint32_t daddr, fib_result& res) noexcept {
    auto& t = ipv4_tables(ctx);
    // The local table: an address's own /32, a subnet broadcast's /32, a
    // loopback device's prefix.
    detail::fib_best local{};
    for (const in_ifaddr& ifa : t.addrs) {
        if (!ifa.ifa_index)
            break;
        const in_ifaddr& prim = inet_ifa_primary(ctx, ifa);
        if (ifa.ifa_local == daddr)
            local.offer({rtn_local, rt_scope_host, 32, ifa.ifa_index, 0, prim.ifa_local}, 0);
        if ((ifa.ifa_flags & ifa_f_secondary) || !inet_dev_up(ctx, ifa.ifa_index))
            continue;
        if (ifa_subnet_broadcast(ifa) == daddr)
            local.offer({rtn_broadcast, rt_scope_link, 32, ifa.ifa_index, 0, ifa.ifa_local}, 0);
        else if (ifa.ifa_index == 1 && inet_ifa_match(daddr, ifa))
            local.offer({rtn_local, rt_scope_host, ifa.ifa_prefixlen, 1, 0, ifa.ifa_local}, 0);
    }
    if (local.found) {
        res = local.res;
        return 0;
    }
    // The main table: the subnets of the up devices (but lo's), and the
    // routes added, whose nexthop must still be valid.
    detail::fib_best main{};
    for (const in_ifaddr& ifa : t.addrs) {
        if (!ifa.ifa_index)
            break;
        // fib_add_ifaddr: no subnet route for a /32 or for 0.0.0.0/8.
        if (ifa.ifa_index == 1 || (ifa.ifa_flags & ifa_f_secondary) || ifa.ifa_prefixlen == 32 ||
            ipv4_is_zeronet(ifa.ifa_local & ifa.ifa_mask) || !inet_dev_up(ctx, ifa.ifa_index) ||
            !inet_ifa_match(daddr, ifa))
            continue;
        main.offer({rtn_unicast, rt_scope_link, ifa.ifa_prefixlen, ifa.ifa_index, 0, ifa.ifa_local},
                   0);
    }
    for (const fib_route& r : t.routes) {
        if (!r.oif || ((daddr ^ r.dst) & inet_make_mask(r.dst_len)))
            continue;
        if (r.type == rtn_unicast && fib_check_nh(ctx, r.oif, r.gw))
            continue;
        main.offer({r.type, r.scope, r.dst_len, r.oif, r.gw, r.prefsrc}, r.priority);
    }
    if (!main.found)
        return -enetunreach;
    res = main.res;
    return 0;
}

//! `ip route add [TYPE] DST/LEN [via GW] dev OIF [metric PRIO] [src PREFSRC]`
//! (inet_rtm_newroute): EINVAL for a prefix longer than 32 or a
//! destination with bits past it, or a source that is not local; ENODEV
//! for no such device; a unicast route's nexthop must be valid
//! (fib_check_nh: ENETDOWN, ENETUNREACH); EEXIST for a route with the same
//! destination, prefix, metric; ENOBUFS when Config::fib_entries are all
//! taken (ksock's table). Routes added through a device go when it goes down.
template <class Ctx>
int ip_route_add(Ctx& ctx, std::uint32_t dst, unsigned dst_len, std::uint32_t gw, int oif,
                 std::uint32_t priority = 0, std::uint32_t prefsrc = 0,
                 std::uint8_t type = rtn_unicast) noexcept {
    if (dst_len > 32 || (dst & ~inet_make_mask(dst_len)))
        return -einval;
    if (type != rtn_unicast && type != rtn_blackhole && type != rtn_unreachable &&
        type != rtn_prohibit)
        return -einval;
    if (!ctx.dev_get_by_index(oif))
        return -enodev;
    if (prefsrc && inet_addr_type(ctx, prefsrc) != rtn_local)
        return -einval;
    if (type == rtn_unicast)
        if (const int err = fib_check_nh(ctx, oif, gw))
            return err;
    auto& t = ipv4_tables(ctx);
    fib_route* slot = nullptr;
    for (fib_route& r : t.routes) {
        if (r.oif && r.dst == dst && r.dst_len == dst_len && r.priority == priority)
            return -eexist;
        if (!r.oif && !slot)
            slot = &r;
    }
    if (!slot)
        return -enobufs;
    *slot = fib_route{dst,        type == rtn_unicast ? gw : 0,
                      prefsrc,    priority,
                      oif,        static_cast<std::uint8_t>(dst_len),
                      type,       gw ? rt_scope_universe : rt_scope_link,
                      rtprot_boot};
    rt_cache_flush(ctx); // fib_table_insert
    return 0;
}

//! `ip route del DST/LEN [metric PRIO]`: ESRCH when no such route.
template <class Ctx>
int ip_route_del(Ctx& ctx, std::uint32_t dst, unsigned dst_len,
                 std::uint32_t priority = 0) noexcept {
    for (fib_route& r : ipv4_tables(ctx).routes)
        if (r.oif && r.dst == dst && r.dst_len == dst_len && r.priority == priority) {
            r = fib_route{};
            rt_cache_flush(ctx); // fib_table_delete
            return 0;
        }
    return -esrch;
}

//! fib_sync_down_dev + fib_flush for device \p oif going down: the routes
//! added through it are gone.
template <class Ctx>
void fib_flush_dev(Ctx& ctx, int oif) noexcept {
    for (fib_route& r : ipv4_tables(ctx).routes)
        if (r.oif == oif)
            r = fib_route{};
}

} // namespace ksock::inet
