// ksock/inet/ip/ip_datagram.hpp: connecting a datagram socket (UDP, PING, RAW)
// to a default peer (net/ipv4/af_inet.c inet_dgram_connect, net/ipv4/
// datagram.c __ip4_datagram_connect, net/ipv4/udp.c __udp_disconnect).
#pragma once

#include <cstdint>

#include <ksock/core/sock_opt.hpp>
#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/dst_cache.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! __ip4_datagram_connect: the peer's address must be a whole sockaddr_in
//! of family AF_INET; the route (lo only: ENETUNREACH elsewhere; lo's
//! broadcast needs SO_BROADCAST: EACCES) gives the source address a socket
//! bound to ANY takes from now on (127.0.0.1); the socket is ESTABLISHED
//! even when the peer's port is 0.
template <class Ctx>
int ip4_datagram_connect(Ctx& ctx, sock& sk, const sockaddr* uaddr, int addr_len) {
    trace_scope ts(ctx.trace(), "ip4_datagram_connect");
    sockaddr_in usin; // the kernel copy is sockaddr_storage-sized
    if (const int err = sockaddr_in_from(uaddr, addr_len, usin))
        return ts.result(err);
    if (usin.sin_family != af_inet)
        return ts.result(-eafnosupport);
    inet_sock& inet = *inet_sk(&sk);
    ksock::detail::sk_dst_reset(sk);
    rtable rt{};
    if (const int err = ip_route_output_flow(ctx, sk, usin.sin_addr.s_addr, rt))
        return ts.result(err);
    if (!inet.inet_saddr)
        inet.inet_saddr = rt.saddr;
    if (!inet.inet_rcv_saddr())
        inet.inet_rcv_saddr() = rt.saddr; // the rehash is implicit: lookups scan
    inet.inet_daddr() = rt.daddr;
    inet.inet_dport() = usin.sin_port;
    sk.sk_state() = tcp_established;
    inet.inet_id = static_cast<std::uint16_t>(ctx.net().prandom_u32() >> 16);
    // sk_dst_set: the route found is the socket's until it goes stale,
    // cached for the source address its datagrams will ask from. Only a
    // unicast or local route: the same lookup from that address finds it
    // again, where a broadcast or multicast one could leave by the
    // address's own device instead (ip_route_output_slow's "special hack").
    if (!rt.broadcast && !rt.multicast && !ipv4_is_loopback(rt.daddr) &&
        rt.daddr == usin.sin_addr.s_addr)
        sk_dst_set(ctx, sk, rt, inet.inet_saddr);
    return 0;
}

//! __udp_disconnect (UDP, PING and RAW alike): forget the peer; an address
//! not bound explicitly goes back to ANY, a port not bound explicitly is
//! given up (unhash: a raw socket stops receiving, as in Linux).
template <class P, class Ctx>
int udp_disconnect(Ctx& ctx, sock& sk, int /*flags*/) {
    inet_sock& inet = *inet_sk(&sk);
    sk.sk_state() = tcp_close;
    inet.inet_daddr() = 0;
    inet.inet_dport() = 0;
    sk.sk_bound_dev_if() = 0;
    ksock::detail::sk_dst_reset(sk);
    if (!(sk.sk_userlocks & sock_bind_lock)) {
        inet.inet_rcv_saddr() = 0;
        inet.inet_saddr = 0;
    }
    if (!(sk.sk_userlocks & sock_bind_port_lock)) {
        P::unhash(ctx, sk);
        inet.inet_sport = 0;
    }
    return 0;
}

//! inet_dgram_connect: AF_UNSPEC disconnects; anything else autobinds
//! first (so a socket gets its port even when the address is then
//! refused), then the proto's connect.
template <class Entry, class Ctx>
int inet_dgram_connect(Ctx& ctx, ksock::socket& so, const sockaddr* uaddr, int addr_len,
                       int flags) {
    using P = typename Entry::prot;
    sock& sk = *so.sk;
    if (addr_len < static_cast<int>(sizeof(uaddr->sa_family)))
        return -einval;
    if (uaddr->sa_family == af_unspec)
        return P::disconnect(ctx, sk, flags);
    if (!inet_sk(&sk)->inet_num() && inet_autobind<P>(ctx, sk))
        return -eagain;
    return P::connect(ctx, sk, uaddr, addr_len);
}

} // namespace ksock::inet
