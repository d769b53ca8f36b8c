// ksock/inet/ip/dst_cache.hpp: a connected socket's cached route
// (sk->sk_dst_cache; include/net/sock.h, net/ipv4/route.c): __sk_dst_check
// before each packet, sk_dst_set after a lookup, and the route of a
// connected socket's packet (ip_queue_xmit for TCP, udp_sendmsg's
// "connected" case) that uses them.
//
// Why: a FIB lookup scans the addresses and the routes (ip_route_output_slow,
// a few hundred instructions), and a connected socket asks for the same
// route with every segment; Linux keeps the answer in the socket. The
// cached route is used only while it is of the current generation
// (ipv4_dst_check: rt_genid, which rt_cache_flush bumps on every change of
// addresses, routes or devices), so a stale route is never used: the next
// packet after a change looks the route up again and follows the new one,
// or gets the lookup's error.
//
// Routes to 127.0.0.0/8 take route.hpp's fast path and are never cached;
// a stack with lo alone has no slots (inet_config::dst_entries is 0) and
// these functions are ip_route_output's.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/in_device.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/ip/rtable.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/platform.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! Whether the stack of \p Ctx caches routes at all.
template <class Ctx>
inline constexpr bool ip_dst_cache_enabled = inet_config<typename Ctx::config>::dst_entries > 0;

//! __sk_dst_check: the route \p sk caches when it is still the route from
//! \p saddr to \p daddr and of the current generation; otherwise null, and
//! the socket forgets it (__sk_dst_reset). A slot another route took over
//! since fails the address check.
template <class Ctx>
KSOCK_ALWAYS_INLINE inline const rtable* sk_dst_check(Ctx& ctx, sock& sk, std::uint32_t daddr,
                                                      std::uint32_t saddr) noexcept {
    const auto* d = static_cast<const dst_entry*>(sk.sk_dst_cache);
    if (!d)
        return nullptr;
    if (KSOCK_LIKELY(d->genid == ipv4_tables(ctx).rt_genid && d->rt.daddr == daddr &&
                     d->key_saddr == saddr))
        return &d->rt;
    sk.sk_dst_cache = nullptr;
    return nullptr;
}

//! sk_dst_set: \p sk caches \p rt, the route from \p saddr (as asked) to
//! rt.daddr. The slot of the same route of this generation is shared;
//! else a stale or unused slot is taken, else the next in turn (the socket
//! that cached the route there finds it gone and looks it up again).
template <class Ctx>
void sk_dst_set(Ctx& ctx, sock& sk, const rtable& rt, std::uint32_t saddr) noexcept {
    if constexpr (ip_dst_cache_enabled<Ctx>) {
        auto& t = ipv4_tables(ctx);
        constexpr std::size_t n = inet_config<typename Ctx::config>::dst_entries;
        dst_entry* same = nullptr;
        dst_entry* stale = nullptr;
        for (dst_entry& e : t.dst.slot) {
            if (e.genid != t.rt_genid) {
                if (!stale)
                    stale = &e;
            } else if (e.rt.daddr == rt.daddr && e.key_saddr == saddr) {
                same = &e;
                break;
            }
        }
        dst_entry* d = same ? same : stale;
        if (!d) {
            d = &t.dst.slot[t.dst.next];
            t.dst.next = static_cast<std::uint32_t>((t.dst.next + 1) % n);
        }
        *d = dst_entry{rt, saddr, t.rt_genid};
        sk.sk_dst_cache = d;
    } else {
        (void)ctx;
        (void)sk;
        (void)rt;
        (void)saddr;
    }
}

//! The route of \p sk's packet from \p saddr to \p daddr: the cached one
//! while it is valid, else what \p lookup (the caller's lookup, filling
//! \p rt) finds, which the socket then caches: not a route to 127.0.0.0/8,
//! nor one whose destination the lookup rewrote (0.0.0.0). 0 or the
//! lookup's error (nothing cached then).
template <class Ctx, class Lookup>
KSOCK_ALWAYS_INLINE inline int sk_dst_route(Ctx& ctx, sock& sk, std::uint32_t daddr,
                                            std::uint32_t saddr, rtable& rt,
                                            Lookup&& lookup) noexcept {
    if constexpr (ip_dst_cache_enabled<Ctx>) {
        if (const rtable* c = sk_dst_check(ctx, sk, daddr, saddr)) {
            rt = *c;
            return 0;
        }
    }
    const int err = lookup();
    if (ip_dst_cache_enabled<Ctx> && !err && !ipv4_is_loopback(daddr) && rt.daddr == daddr)
        sk_dst_set(ctx, sk, rt, saddr);
    return err;
}

//! ip_queue_xmit's route for a connection's segment ("rt =
//! __sk_dst_check(sk, 0); if (!rt) { rt = ip_route_output_ports(...);
//! sk_setup_caps(sk, &rt->dst); }"): sk_dst_route over ip_route_output.
template <class Ctx>
KSOCK_ALWAYS_INLINE inline int ip_route_output_sk(Ctx& ctx, sock& sk, std::uint32_t daddr,
                                                  std::uint32_t saddr, rtable& rt) noexcept {
    return sk_dst_route(ctx, sk, daddr, saddr, rt,
                        [&] { return ip_route_output(ctx, daddr, saddr, rt); });
}

//! udp_sendmsg's route for a connected socket's datagram (no msg_name):
//! sk_dst_route over ip_route_output_flow (OutNoRoutes, SO_BROADCAST's
//! EACCES), so a route is cached once it passed. As in Linux, a cached
//! route is not checked against SO_BROADCAST again.
template <class Ctx>
KSOCK_ALWAYS_INLINE inline int
ip_route_output_flow_connected(Ctx& ctx, sock& sk, std::uint32_t daddr, rtable& rt) noexcept {
    return sk_dst_route(ctx, sk, daddr, inet_sk(&sk)->inet_saddr, rt,
                        [&] { return ip_route_output_flow(ctx, sk, daddr, rt); });
}

} // namespace ksock::inet
