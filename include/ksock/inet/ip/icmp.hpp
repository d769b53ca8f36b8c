// ksock/inet/ip/icmp.hpp: the stack's ICMP (net/ipv4/icmp.c): icmp_rcv answers
// an echo request with an echo reply (icmp_echo), hands echo replies to the
// ping sockets (ping_rcv) and errors to the protocol of the datagram they
// are about (their err_handler); icmp_send builds the errors the stack sends back
// (port, protocol and host unreachable, fragment reassembly time exceeded,
// parameter problem). Replies and errors are routed like any packet: back
// over lo, or out of a device. /proc/net/snmp's Icmp: counters are kept.
// There is no rate limit (Linux's icmp_ratelimit lets a burst of 6 per
// destination through, then one a second; never to lo).
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/inet_protos.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/ip_output.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/if_packet.hpp>
#include <ksock/uapi/in.hpp>

namespace ksock::inet {

// Defined in ping.hpp.
template <class Ctx>
void ping_rcv(Ctx& ctx, const sk_buff* skb);

//! IPTOS_PREC_INTERNETCONTROL, the precedence of ICMP errors.
inline constexpr std::uint8_t iptos_prec_internetcontrol = 0xc0;
//! How much of an ICMP error may be: 576 bytes (RFC 1812 4.3.2.3).
inline constexpr std::size_t icmp_error_max = 576;
//! NR_ICMP_TYPES: the largest type icmp_rcv knows.
inline constexpr std::uint8_t nr_icmp_types = 18;

//! Write an ICMP message's checksum over bytes [\p off, \p off + \p len).
inline void icmp_set_checksum(sk_buff* skb, std::size_t off, std::size_t len) noexcept {
    icmphdr h{};
    skb_copy_bits(skb, off, &h, sizeof h);
    h.checksum = 0;
    skb_store_bits(skb, off, &h, sizeof h);
    h.checksum = ksock::cpu_to_be16(csum_fold(skb_checksum(skb, off, len, 0)));
    skb_store_bits(skb, off, &h, sizeof h);
}

//! Send an ICMP message from the namespace's ICMP socket along route
//! \p rt: \p hdr and then \p data_len bytes of \p data_skb from
//! \p data_off, with TTL ip_default_ttl and no DF (the ICMP socket's
//! pmtudisc is IP_PMTUDISC_DONT). Nothing is sent when the skb pool is out.
template <class Ctx>
void icmp_push_reply(Ctx& ctx, const icmphdr& hdr, const sk_buff* data_skb, std::size_t data_off,
                     std::size_t data_len, std::uint8_t tos, const rtable& rt) {
    const std::size_t tot = sizeof(iphdr) + sizeof(icmphdr) + data_len;
    sk_buff* skb = ip_alloc_packet(ctx, tot, ip_truesize(tot, sizeof(iphdr) + sizeof(icmphdr)));
    if (!skb)
        return;
    skb_store_bits(skb, sizeof(iphdr), &hdr, sizeof hdr);
    std::size_t pos = sizeof(iphdr) + sizeof(icmphdr);
    unsigned char buf[64];
    for (std::size_t done = 0; done < data_len;) {
        const std::size_t k = data_len - done < sizeof buf ? data_len - done : sizeof buf;
        skb_copy_bits(data_skb, data_off + done, buf, k);
        skb_store_bits(skb, pos, buf, k);
        pos += k;
        done += k;
    }
    icmp_set_checksum(skb, sizeof(iphdr), tot - sizeof(iphdr));
    ip_build_header(ctx, skb, tot, tos, false,
                    static_cast<std::uint8_t>(ipv4_net(ctx).sysctl.ip_default_ttl), ipproto_icmp,
                    rt.saddr, rt.daddr);
    icmp_out_count(ctx, skb, sizeof(iphdr));
    ip_output(ctx, skb, rt);
}

//! __icmp_send: an error about \p skb_in back to its sender: never about
//! a packet to a broadcast address, a frame the link had not addressed to
//! us alone, a fragment but the first, or an ICMP error; from the address
//! it was sent to when that is ours (else the route chooses), TOS 0xc0, as
//! much of the original datagram as fits 576 bytes and the route. \p info
//! is the message's second word (a parameter problem's pointer).
template <class Ctx>
void icmp_send(Ctx& ctx, const sk_buff* skb_in, std::uint8_t type, std::uint8_t code,
               std::uint32_t info) {
    const inet_skb_cb& cb = inet_cb(*skb_in);
    if (cb.broadcast || cb.pkt_type != packet_host || cb.frag_off)
        return;
    if (cb.protocol == ipproto_icmp) {
        std::uint8_t inner_type = 0;
        if (cb.tot_len < cb.ihl + sizeof(icmphdr))
            return;
        skb_copy_bits(skb_in, cb.ihl, &inner_type, 1);
        if (inner_type > nr_icmp_types || icmp_is_err(inner_type))
            return;
    }
    rtable rt{};
    if (ip_route_output(ctx, cb.saddr, cb.local ? cb.daddr : 0, rt))
        return;
    std::uint8_t tos = 0;
    skb_copy_bits(skb_in, 1, &tos, 1);
    icmphdr h{type, code, 0, 0, 0};
    h.id = ksock::cpu_to_be16(static_cast<std::uint16_t>(info >> 16));
    h.sequence = ksock::cpu_to_be16(static_cast<std::uint16_t>(info & 0xffff));
    std::size_t room = rt.mtu < icmp_error_max ? rt.mtu : icmp_error_max;
    room -= sizeof(iphdr) + sizeof(icmphdr);
    const std::size_t data_len = cb.tot_len < room ? cb.tot_len : room;
    icmp_push_reply(ctx, h, skb_in, 0, data_len,
                    static_cast<std::uint8_t>((tos & 0x1e) | iptos_prec_internetcontrol), rt);
}

//! icmp_echo: the reply carries the request's id, sequence and data, from
//! the address the request was sent to (its device's address when that was
//! a broadcast), unless net.ipv4.icmp_echo_ignore_all says no.
template <class Ctx>
void icmp_echo(Ctx& ctx, const sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    if (ipv4_net(ctx).sysctl.icmp_echo_ignore_all)
        return;
    // fib_compute_spec_dst: the destination when it was ours, else an
    // address of the device it came in on.
    const std::uint32_t saddr =
        cb.local ? cb.daddr : inet_select_addr(ctx, cb.iif, cb.saddr, rt_scope_link);
    rtable rt{};
    if (ip_route_output(ctx, cb.saddr, saddr, rt))
        return;
    icmphdr h{};
    skb_copy_bits(skb, cb.ihl, &h, sizeof h);
    h.type = icmp_t_echoreply;
    h.code = 0;
    h.checksum = 0;
    std::uint8_t tos = 0;
    skb_copy_bits(skb, 1, &tos, 1);
    icmp_push_reply(ctx, h, skb, cb.ihl + sizeof(icmphdr), cb.tot_len - cb.ihl - sizeof(icmphdr),
                    tos, rt);
}

//! icmp_unreach and friends: one that quotes less than a header and 8
//! bytes, or a header with ihl < 5, is dropped and counted in InErrors
//! (icmp_unreach's out_err, icmp_socket_deliver's short pull); the rest go
//! to the err_handler of the protocol of the datagram they quote
//! (icmp_socket_deliver: UDP's and UDP-Lite's __udp4_lib_err).
template <class Ctx>
void icmp_unreach(Ctx& ctx, const sk_buff* skb, std::uint8_t type, std::uint8_t code) {
    const inet_skb_cb& cb = inet_cb(*skb);
    const std::size_t inner = cb.ihl + sizeof(icmphdr);
    iphdr iph{};
    if (cb.tot_len < inner + sizeof iph) {
        ++ipv4_net(ctx).mib.icmp.in_errors;
        return;
    }
    skb_copy_bits(skb, inner, &iph, sizeof iph);
    const std::size_t ihl = static_cast<std::size_t>(iph.ver_ihl & 0x0f) * 4u;
    if (ihl < sizeof iph || cb.tot_len < inner + ihl + 8) {
        ++ipv4_net(ctx).mib.icmp.in_errors;
        return;
    }
    inet_protocol_err(ctx, skb, inner, iph.protocol, type, code);
}

//! icmp_rcv: InMsgs; a message shorter than its header or with a bad
//! checksum is an error (InErrors, InCsumErrors); the type is counted;
//! to a broadcast address only echo (unless icmp_echo_ignore_broadcasts),
//! timestamp and address mask are taken, and no type past NR_ICMP_TYPES
//! (InErrors); echo requests are answered, echo replies go to ping
//! sockets, errors to their protocol. The skb is consumed.
template <class Ctx>
void icmp_rcv(Ctx& ctx, sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    icmp_mib& mib = ipv4_net(ctx).mib.icmp;
    ++mib.in_msgs;
    icmphdr h{};
    if (cb.tot_len < cb.ihl + sizeof h) {
        ++mib.in_errors;
    } else if (csum_fold(skb_checksum(skb, cb.ihl, cb.tot_len - cb.ihl, 0)) != 0) {
        ++mib.in_csum_errors;
        ++mib.in_errors;
    } else {
        skb_copy_bits(skb, cb.ihl, &h, sizeof h);
        if (unsigned long* c = icmp_type_counter(mib, h.type, false))
            ++*c;
        // RFC 1122 3.2.2.6, 3.2.2.8: to a broadcast address only echo,
        // timestamp and address-mask messages are taken, echo and timestamp
        // not when icmp_echo_ignore_broadcasts says so.
        const bool echo_like = h.type == icmp_t_echo || h.type == 13;
        if (cb.broadcast && ((echo_like && ipv4_net(ctx).sysctl.icmp_echo_ignore_broadcasts) ||
                             (!echo_like && h.type != 17 && h.type != 18)))
            h.type = 0xff; // an error, below
        switch (h.type) {
        case icmp_t_echo:
            icmp_echo(ctx, skb);
            break;
        case icmp_t_echoreply:
            ping_rcv(ctx, skb);
            break;
        case icmp_t_dest_unreach:
        case icmp_t_time_exceeded:
        case icmp_t_parameterprob:
            icmp_unreach(ctx, skb, h.type, h.code);
            break;
        default:
            if (h.type > nr_icmp_types)
                ++mib.in_errors;
            break;
        }
    }
    kfree_skb(ctx, skb);
}

} // namespace ksock::inet
