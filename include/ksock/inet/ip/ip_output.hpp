// ksock/inet/ip/ip_output.hpp: one datagram of a socket out over lo
// (net/ipv4/ip_output.c): where it goes (the destination the senders work
// out alike), ip_make_skb builds it (ip_append_data's part),
// ip_push_pending_frames writes the IPv4 header and sends it. UDP, PING and
// RAW (without IP_HDRINCL) send this way.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! Where a datagram goes, as udp_sendmsg, raw_sendmsg and ping_v4_sendmsg
//! each work it out: when \p named, msg_name's address (a whole
//! sockaddr_in, else EINVAL; AF_INET, or AF_UNSPEC where \p unspec_ok, else
//! EAFNOSUPPORT), otherwise the connected peer's (EDESTADDRREQ when there
//! is none). \p named is whether msg_name is set (UDP, PING) or, for RAW,
//! whether msg_namelen is non-zero.
inline int ip_datagram_dest(const sock& sk, const kmsghdr& msg, bool named, bool unspec_ok,
                            std::uint32_t& daddr, std::uint16_t& dport) noexcept {
    if (named) {
        const auto* usin = static_cast<const sockaddr_in*>(msg.msg_name);
        if (msg.msg_namelen < static_cast<int>(sizeof(sockaddr_in)))
            return -einval;
        if (usin->sin_family != af_inet && !(unspec_ok && usin->sin_family == af_unspec))
            return -eafnosupport;
        daddr = usin->sin_addr.s_addr;
        dport = usin->sin_port;
        return 0;
    }
    if (sk.sk_state() != tcp_established)
        return -edestaddrreq;
    daddr = inet_sk(&sk)->inet_daddr();
    dport = inet_sk(&sk)->inet_dport();
    return 0;
}

//! ip_make_skb for one datagram (no corking): an skb charged to \p sk with
//! room for the IPv4 header and \p transhdr_len bytes of transport header,
//! which the caller writes, then \p len bytes copied from the caller's
//! buffer. Null with *err set: EMSGSIZE when the datagram would not fit
//! IPv4's 16-bit length (__ip_append_data), the allocation's error
//! (sock_alloc_send_skb, which MSG_DONTWAIT makes non-blocking), or EFAULT
//! for a bad buffer (the skb freed).
template <class Ctx>
inline sk_buff* ip_make_skb(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t transhdr_len,
                            std::size_t len, int* err) {
    if (len > ip_max_len - sizeof(iphdr) - transhdr_len) {
        *err = -emsgsize;
        return nullptr;
    }
    const std::size_t hdr_len = sizeof(iphdr) + transhdr_len;
    const std::size_t tot = hdr_len + len;
    sk_buff* skb = sock_alloc_send_skb(ctx, sk, tot, ip_truesize(tot, hdr_len),
                                       (msg.msg_flags & msg_dontwait) != 0, err);
    if (!skb)
        return nullptr;
    if (skb_copy_from_iter_at(skb, hdr_len, msg.msg_iter, len) != len) {
        kfree_skb(ctx, skb);
        *err = -efault;
        return nullptr;
    }
    return skb;
}

//! ip_push_pending_frames for that datagram: the IPv4 header (__ip_make_skb:
//! the socket's TOS, DF from IP_MTU_DISCOVER, its TTL, \p protocol, the
//! route's addresses), then ip_send_skb -> ip_local_out.
template <class Ctx>
inline void ip_push_pending_frames(Ctx& ctx, const inet_sock& inet, sk_buff* skb,
                                   std::uint8_t protocol, const rtable& rt) {
    ip_build_header(ctx, skb, skb->msg_len, inet.tos, ip_sets_df(inet),
                    ip_select_ttl(inet, ipv4_net(ctx).sysctl), protocol, rt.saddr, rt.daddr);
    ip_local_out(ctx, skb);
}

} // namespace ksock::inet
