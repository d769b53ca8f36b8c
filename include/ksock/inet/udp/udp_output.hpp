// ksock/inet/udp/udp_output.hpp: udp_sendmsg (net/ipv4/udp.c): the checks in
// Linux's order, the route over lo, one skb charged to the sender
// (ip_make_skb -> sock_alloc_send_skb), the UDP and IP headers, and the
// loopback.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/ip_output.hpp>
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

//! udplite_csum, then udp_send_skb's csum_tcpudp_magic: UDP-Lite has no
//! offload; it sums what its coverage covers (UDPLITE_SEND_CSCOV, when set
//! and shorter than the datagram, also goes into the length field; 0 there
//! is the whole datagram), with the datagram's whole length in the
//! pseudo-header; a sum of 0 is sent as 0xffff (CSUM_MANGLED_0).
inline void udplite_csum(const sock& sk, sk_buff* skb, udphdr& uh, const rtable& rt,
                         std::size_t ulen) noexcept {
    const udp_sock& up = *udp_sk(&sk);
    std::size_t cov = ulen;
    if (udp_test_bit(up, udp_flags_udplite_send_cc) && up.pcslen < ulen) {
        if (up.pcslen > 0)
            cov = up.pcslen;
        uh.len = ksock::cpu_to_be16(up.pcslen);
    }
    skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
    const std::uint32_t pseudo =
        csum_tcpudp_nofold(rt.saddr, rt.daddr, static_cast<std::uint32_t>(ulen), ipproto_udplite);
    std::uint16_t check = csum_fold(skb_checksum(skb, sizeof(iphdr), cov, pseudo));
    if (!check)
        check = 0xffff;
    uh.check = ksock::cpu_to_be16(check);
    skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
    skb->ip_summed = checksum_none;
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
    rtable rt{};
    if (const int err = ip_route_output_flow(sk, daddr, rt))
        return ts.result(err);
    int err = 0;
    sk_buff* skb = ip_make_skb(ctx, sk, msg, sizeof(udphdr), len, &err);
    if (!skb)
        return ts.result(err);
    const std::size_t ulen = len + sizeof(udphdr);
    udphdr uh{inet.inet_sport, dport, ksock::cpu_to_be16(static_cast<std::uint16_t>(ulen)), 0};
    if (sk.sk_protocol == ipproto_udplite) {
        udplite_csum(sk, skb, uh, rt, ulen);
    } else {
        // udp4_hwcsum: lo offloads the checksum (NETIF_F_HW_CSUM), so Linux
        // leaves only the folded pseudo-header sum in the header
        // (CHECKSUM_PARTIAL) and nobody ever sums the payload: a raw socket
        // on the host reads exactly this value.
        const std::uint32_t sum =
            csum_tcpudp_nofold(rt.saddr, rt.daddr, static_cast<std::uint32_t>(ulen), ipproto_udp);
        uh.check = ksock::cpu_to_be16(static_cast<std::uint16_t>(~csum_fold(sum)));
        skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
        skb->ip_summed = checksum_partial;
    }
    ip_push_pending_frames(ctx, inet, skb, static_cast<std::uint8_t>(sk.sk_protocol), rt);
    return static_cast<long>(len);
}

} // namespace ksock::inet
