// ksock/inet/udp/udp_output.hpp: udp_sendmsg (net/ipv4/udp.c): the checks in
// Linux's order, the route, one skb charged to the sender (ip_make_skb ->
// sock_alloc_send_skb), the UDP header with its checksum (partial over lo,
// whole through a device), the IP header, and ip_output.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/ip/dst_cache.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/ip_output.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! udp_csum / udplite_csum, then udp_send_skb's csum_tcpudp_magic: the
//! header stored, the sum over \p cov bytes from it with the pseudo-header
//! of \p ulen bytes of \p proto, and the result stored; a sum of 0 is sent
//! as 0xffff (CSUM_MANGLED_0: 0 means "no checksum").
inline void udp4_csum_store(sk_buff* skb, udphdr& uh, const rtable& rt, std::size_t ulen,
                            std::size_t cov, std::uint8_t proto) noexcept {
    skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
    const std::uint32_t pseudo =
        csum_tcpudp_nofold(rt.saddr, rt.daddr, static_cast<std::uint32_t>(ulen), proto);
    std::uint16_t check = csum_fold(skb_checksum(skb, sizeof(iphdr), cov, pseudo));
    if (!check)
        check = 0xffff;
    uh.check = ksock::cpu_to_be16(check);
    skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
    skb->ip_summed = checksum_none;
}

//! udplite_csum: UDP-Lite has no offload, over lo or a device; it sums what
//! its coverage covers (UDPLITE_SEND_CSCOV, when set and shorter than the
//! datagram, also goes into the length field; 0 there is the whole
//! datagram), with the datagram's whole length in the pseudo-header.
inline void udplite_csum(const sock& sk, sk_buff* skb, udphdr& uh, const rtable& rt,
                         std::size_t ulen) noexcept {
    const udp_sock& up = *udp_sk(&sk);
    std::size_t cov = ulen;
    if (udp_test_bit(up, udp_flags_udplite_send_cc) && up.pcslen < ulen) {
        if (up.pcslen > 0)
            cov = up.pcslen;
        uh.len = ksock::cpu_to_be16(up.pcslen);
    }
    udp4_csum_store(skb, uh, rt, ulen, cov, ipproto_udplite);
}

//! udp_sendmsg (UDP and UDP-Lite). MSG_MORE (corking) is not implemented:
//! each call sends one datagram.
template <class Ctx>
long udp_sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len) {
    trace_scope ts(ctx.trace(), "udp_sendmsg");
    inet_sock& inet = *inet_sk(&sk);
    if (len > 0xffff)
        return ts.result(-emsgsize);
    if (msg.msg_flags & msg_oob)
        return ts.result(-eopnotsupp);
    std::uint32_t daddr = 0;
    std::uint16_t dport = 0;
    if (const int err = ip_datagram_dest(sk, msg, msg.msg_name != nullptr, true, daddr, dport))
        return ts.result(err);
    if (msg.msg_name && dport == 0) // a connected peer's port may be 0
        return ts.result(-einval);
    // A connected socket's datagram takes the route it caches (Linux's
    // "connected" case: no msg_name, no MSG_DONTROUTE or SO_DONTROUTE); a
    // stack without a route cache (lo alone) tests none of it.
    const bool connected = ip_dst_cache_enabled<Ctx> && !msg.msg_name &&
                           !(msg.msg_flags & msg_dontroute) && !sock_flag(sk, sock_localroute);
    rtable rt; // filled by the route lookup when it succeeds
    if (const int err = connected ? ip_route_output_flow_connected(ctx, sk, daddr, rt)
                                  : ip_route_output_flow(ctx, sk, daddr, rt))
        return ts.result(err);
    int err = 0;
    sk_buff* skb = ip_make_skb(ctx, sk, msg, sizeof(udphdr), len, rt, &err);
    if (!skb)
        return ts.result(err);
    const std::size_t ulen = len + sizeof(udphdr);
    udphdr uh{inet.inet_sport, dport, ksock::cpu_to_be16(static_cast<std::uint16_t>(ulen)), 0};
    if (sk.sk_protocol == ipproto_udplite) {
        udplite_csum(sk, skb, uh, rt, ulen);
    } else if (rt.oif == 1) {
        // udp4_hwcsum: lo offloads the checksum (NETIF_F_HW_CSUM), so Linux
        // leaves only the folded pseudo-header sum in the header
        // (CHECKSUM_PARTIAL) and nobody ever sums the payload: a raw socket
        // on the host reads exactly this value.
        const std::uint32_t sum =
            csum_tcpudp_nofold(rt.saddr, rt.daddr, static_cast<std::uint32_t>(ulen), ipproto_udp);
        uh.check = ksock::cpu_to_be16(static_cast<std::uint16_t>(~csum_fold(sum)));
        skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
        skb->ip_summed = checksum_partial;
    } else {
        // udp_csum, as skb_checksum_help completes it for a device: ksock
        // hands every driver a finished frame.
        udp4_csum_store(skb, uh, rt, ulen, ulen, ipproto_udp);
    }
    // udp_send_skb: a full device queue is no error without IP_RECVERR
    // (SndbufErrors); any other is returned (OutDatagrams otherwise).
    err = ip_push_pending_frames(ctx, inet, skb, static_cast<std::uint8_t>(sk.sk_protocol), rt);
    udp_mib& mib = udp_mib_of(ipv4_net(ctx).mib, sk.sk_protocol);
    if (err == -enobufs && !inet_test_bit(inet, inet_flags_recverr)) {
        ++mib.sndbuf_errors;
        err = 0;
    } else if (!err) {
        ++mib.out_datagrams;
    }
    if (err)
        return ts.result(err);
    return static_cast<long>(len);
}

} // namespace ksock::inet
