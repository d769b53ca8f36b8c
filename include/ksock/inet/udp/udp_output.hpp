// ksock/inet/udp/udp_output.hpp: udp_sendmsg (net/ipv4/udp.c): the checks in
// Linux's order, the route over lo, one skb charged to the sender
// (ip_make_skb -> sock_alloc_send_skb), the UDP and IP headers, and the
// loopback.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! The largest UDP payload: 65535 - 20 (IP) - 8 (UDP).
inline constexpr std::size_t udp_max_payload = ip_max_len - sizeof(iphdr) - sizeof(udphdr);

//! udp_sendmsg. MSG_MORE (corking) is not implemented: each call sends one
//! datagram.
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
    if (msg.msg_name) {
        const auto* usin = static_cast<const sockaddr_in*>(msg.msg_name);
        if (msg.msg_namelen < static_cast<int>(sizeof(sockaddr_in)))
            return ts.result(-einval);
        if (usin->sin_family != af_inet && usin->sin_family != af_unspec)
            return ts.result(-eafnosupport);
        daddr = usin->sin_addr.s_addr;
        dport = usin->sin_port;
        if (dport == 0)
            return ts.result(-einval);
    } else {
        if (sk.sk_state() != tcp_established)
            return ts.result(-edestaddrreq);
        daddr = inet.inet_daddr();
        dport = inet.inet_dport();
    }
    rtable rt{};
    if (const int err = ip_route_output(daddr, inet.inet_saddr, rt))
        return ts.result(err);
    if (rt.broadcast && !sock_flag(sk, sock_broadcast))
        return ts.result(-eacces);
    // __ip_append_data: the datagram must fit IPv4's 16-bit length.
    if (len > udp_max_payload)
        return ts.result(-emsgsize);
    const std::size_t ulen = len + sizeof(udphdr);
    const std::size_t tot = ulen + sizeof(iphdr);
    int err = 0;
    sk_buff* skb =
        sock_alloc_send_skb(ctx, sk, tot, ip_truesize(tot, sizeof(iphdr) + sizeof(udphdr)),
                            (msg.msg_flags & msg_dontwait) != 0, &err);
    if (!skb)
        return ts.result(err);
    if (skb_copy_from_iter_at(skb, sizeof(iphdr) + sizeof(udphdr), msg.msg_iter, len) != len) {
        kfree_skb(ctx, skb);
        return ts.result(-efault);
    }
    udphdr uh{inet.inet_sport, dport, ksock::cpu_to_be16(static_cast<std::uint16_t>(ulen)), 0};
    skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
    // udp4_hwcsum: lo offloads the checksum (NETIF_F_HW_CSUM), so Linux
    // leaves only the folded pseudo-header sum in the header
    // (CHECKSUM_PARTIAL) and nobody ever sums the payload: a raw socket on
    // the host reads exactly this value.
    const std::uint32_t s = ksock::be32_to_cpu(rt.saddr);
    const std::uint32_t d = ksock::be32_to_cpu(rt.daddr);
    const std::uint32_t sum = (s >> 16) + (s & 0xffffu) + (d >> 16) + (d & 0xffffu) + ipproto_udp +
                              static_cast<std::uint32_t>(ulen);
    uh.check = ksock::cpu_to_be16(static_cast<std::uint16_t>(~csum_fold(sum)));
    skb_store_bits(skb, sizeof(iphdr), &uh, sizeof uh);
    skb->ip_summed = checksum_partial;
    ip_build_header(ctx, skb, tot, inet.tos, ip_sets_df(inet),
                    ip_select_ttl(inet, ipv4_net(ctx).sysctl), ipproto_udp, rt.saddr, rt.daddr);
    ip_local_out(ctx, skb);
    return static_cast<long>(len);
}

} // namespace ksock::inet
