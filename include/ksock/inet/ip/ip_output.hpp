// ksock/inet/ip/ip_output.hpp: an IPv4 packet out (net/ipv4/ip_output.c):
// where a socket's datagram goes (the destination the senders work out
// alike), ip_make_skb (ip_append_data's part: the size rules, the skb
// charged to the sender), ip_push_pending_frames (the header), then
// ip_output: fragments when the datagram is larger than the route's MTU
// (ip_do_fragment), and ip_finish_output2 per packet: over lo back into
// ip_rcv, through a device via its neighbour (arp.hpp). A broadcast out of
// a device is also looped back to this host (ip_mc_output).
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/arp.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_input.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/skb_list.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/platform.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if_ether.hpp>
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
//! IPv4's 16-bit length, or would not fit the route's MTU on a socket that
//! may not fragment (IP_PMTUDISC_DO, _PROBE: __ip_append_data), the
//! allocation's error (sock_alloc_send_skb, which MSG_DONTWAIT makes
//! non-blocking), or EFAULT for a bad buffer (the skb freed).
template <class Ctx>
inline sk_buff* ip_make_skb(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t transhdr_len,
                            std::size_t len, const rtable& rt, int* err) {
    const std::size_t hdr_len = sizeof(iphdr) + transhdr_len;
    if (len > ip_max_len - hdr_len || (!ip_sk_ignore_df(*inet_sk(&sk)) && hdr_len + len > rt.mtu)) {
        *err = -emsgsize;
        return nullptr;
    }
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

//! icmp_out_count: an ICMP message leaves (OutMsgs, and its type's column),
//! its header at \p off.
template <class Ctx>
void icmp_out_count(Ctx& ctx, const sk_buff* skb, std::size_t off) noexcept {
    std::uint8_t type = 0;
    skb_copy_bits(skb, off, &type, 1);
    icmp_mib& m = ipv4_net(ctx).mib.icmp;
    ++m.out_msgs;
    if (unsigned long* c = icmp_type_counter(m, type, true))
        ++*c;
}

//! ip_local_out over lo: loopback_xmit orphans the skb (the sender's
//! send memory comes back now, and sk_write_space runs), lo counts it out
//! and in, and __netif_rx queues it on the CPU's backlog. The outermost
//! call then receives every packet queued, in order (the softirq that
//! local_bh_enable runs at the end of dev_queue_xmit): a packet that
//! receiving one sends (an ICMP error, a TCP ACK) waits for it to be done
//! rather than being received inside it, so nothing recurses.
template <class Ctx>
inline void ip_local_out(Ctx& ctx, sk_buff* skb) {
    skb_orphan(ctx, skb);
    net_device_state& lo = *ctx.dev_get_by_index(1);
    const std::uint64_t len = skb->msg_len + eth_hlen;
    ++lo.stats.tx_packets;
    lo.stats.tx_bytes += len;
    ++lo.stats.rx_packets;
    lo.stats.rx_bytes += len;
    netns_ipv4& ns = ipv4_net(ctx);
    skb_list_add_tail(ns.lo_backlog, skb);
    if (ns.lo_backlog_running)
        return;
    ns.lo_backlog_running = 1;
    while (sk_buff* s = skb_list_pop(ns.lo_backlog))
        ip_rcv(ctx, s);
    ns.lo_backlog_running = 0;
}

//! ip_finish_output2 for one packet (a whole datagram or a fragment):
//! OutTransmits; over lo, back in; through a device, its neighbour. A
//! broadcast through a device is first looped back to this host, as
//! ip_mc_output does. 0 or the device's error.
template <class Ctx>
int ip_finish_output2(Ctx& ctx, sk_buff* skb, const rtable& rt) {
    ++ipv4_net(ctx).mib.ip.out_transmits;
    if (rt.oif == 1) {
        ip_local_out(ctx, skb);
        return 0;
    }
    if (rt.broadcast)
        if (sk_buff* c = skb_clone(ctx, skb))
            ip_local_out(ctx, c);
    return ip_neigh_output(ctx, skb, rt.oif, rt.nexthop, rt.broadcast, rt.multicast);
}

//! ip_do_fragment (the copying path): the datagram \p skb goes out in
//! fragments of at most \p mtu bytes, each payload a multiple of 8 but the
//! last, each a copy charged to the sender with the header (same id, MF
//! and offset set, checksum again): FragCreates each, FragOKs once. A
//! fragment the pool cannot hold ends it: ENOMEM, FragFails, what was sent
//! stays sent. The original is freed.
template <class Ctx>
int ip_fragment(Ctx& ctx, sk_buff* skb, const rtable& rt) {
    ip_mib& mib = ipv4_net(ctx).mib.ip;
    iphdr h{};
    skb_copy_bits(skb, 0, &h, sizeof h);
    const std::size_t hlen = static_cast<std::size_t>(h.ver_ihl & 0x0f) * 4u;
    const std::size_t total = skb->msg_len - hlen;
    const std::size_t step = (rt.mtu - hlen) & ~std::size_t{7};
    const std::uint16_t base = ksock::be16_to_cpu(h.frag_off);
    unsigned char opts[40];
    skb_copy_bits(skb, sizeof h, opts, hlen - sizeof h);
    int err = 0;
    for (std::size_t off = 0; off < total && !err; off += step) {
        const std::size_t len = total - off < step ? total - off : step;
        sk_buff* f = ip_alloc_packet(ctx, hlen + len, ip_truesize(hlen + len, hlen));
        if (!f) {
            err = -enomem;
            break;
        }
        if (skb->sk)
            skb_set_owner_w(f, *skb->sk);
        unsigned char buf[64];
        for (std::size_t done = 0; done < len;) {
            const std::size_t k = len - done < sizeof buf ? len - done : sizeof buf;
            skb_copy_bits(skb, hlen + off + done, buf, k);
            skb_store_bits(f, hlen + done, buf, k);
            done += k;
        }
        iphdr fh = h;
        const bool more = off + len < total || (base & ip_mf);
        fh.frag_off = ksock::cpu_to_be16(
            static_cast<std::uint16_t>(((base & ip_offset) + (off >> 3)) | (more ? ip_mf : 0)));
        fh.tot_len = ksock::cpu_to_be16(static_cast<std::uint16_t>(hlen + len));
        skb_store_bits(f, sizeof fh, opts, hlen - sizeof fh);
        ip_send_check(f, fh, hlen);
        f->ip_summed = skb->ip_summed;
        ++mib.frag_creates;
        err = ip_finish_output2(ctx, f, rt);
    }
    if (err)
        ++mib.frag_fails;
    else
        ++mib.frag_oks;
    kfree_skb(ctx, skb);
    return err;
}

//! ip_output through a device: a datagram larger than the route's MTU is
//! fragmented unless it says DF (then it is dropped: FragFails, EMSGSIZE,
//! as ip_fragment does); the rest go as they are.
template <class Ctx>
KSOCK_NOINLINE int ip_output_dev(Ctx& ctx, sk_buff* skb, const rtable& rt) {
    if (skb->msg_len > rt.mtu) {
        std::uint16_t frag = 0;
        skb_copy_bits(skb, 6, &frag, 2);
        if (ksock::be16_to_cpu(frag) & ip_df) {
            ++ipv4_net(ctx).mib.ip.frag_fails;
            kfree_skb(ctx, skb);
            return -emsgsize;
        }
        return ip_fragment(ctx, skb, rt);
    }
    return ip_finish_output2(ctx, skb, rt);
}

//! ip_output -> ip_finish_output: OutRequests, then over lo straight back in
//! (no datagram is larger than lo's 64 KiB; OutTransmits), through a
//! device as ip_output_dev says.
template <class Ctx>
KSOCK_ALWAYS_INLINE inline int ip_output(Ctx& ctx, sk_buff* skb, const rtable& rt) {
    ip_mib& mib = ipv4_net(ctx).mib.ip;
    ++mib.out_requests;
    if (KSOCK_LIKELY(rt.oif == 1)) {
        ++mib.out_transmits;
        ip_local_out(ctx, skb);
        return 0;
    }
    return ip_output_dev(ctx, skb, rt);
}

//! ip_push_pending_frames for that datagram: the IPv4 header (__ip_make_skb:
//! the socket's TOS, DF from IP_MTU_DISCOVER and the size, its TTL,
//! \p protocol, the route's addresses), then ip_send_skb -> ip_output: 0 or
//! the error (OutDiscards counted).
template <class Ctx>
KSOCK_ALWAYS_INLINE inline int ip_push_pending_frames(Ctx& ctx, const inet_sock& inet, sk_buff* skb,
                                                      std::uint8_t protocol, const rtable& rt) {
    ip_build_header(ctx, skb, skb->msg_len, inet.tos, ip_sets_df(inet, skb->msg_len, rt.mtu),
                    ip_select_ttl(inet, ipv4_net(ctx).sysctl), protocol, rt.saddr, rt.daddr);
    if (protocol == ipproto_icmp)
        icmp_out_count(ctx, skb, sizeof(iphdr));
    const int err = ip_output(ctx, skb, rt);
    if (KSOCK_UNLIKELY(err))
        ++ipv4_net(ctx).mib.ip.out_discards;
    return err;
}

} // namespace ksock::inet
