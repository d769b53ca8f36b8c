// ksock/inet/ip/icmp.hpp: the stack's ICMP (net/ipv4/icmp.c) over lo: icmp_rcv
// answers an echo request with an echo reply (icmp_echo), hands echo
// replies to the ping sockets (ping_rcv) and errors to the protocol of the
// datagram they are about (their err_handler); icmp_send builds the errors
// (port and protocol unreachable) the stack sends back.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/inet_protos.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/in.hpp>

namespace ksock::inet {

// Defined in ping.hpp.
template <class Ctx>
void ping_rcv(Ctx& ctx, const sk_buff* skb);

//! IPTOS_PREC_INTERNETCONTROL, the precedence of ICMP errors.
inline constexpr std::uint8_t iptos_prec_internetcontrol = 0xc0;
//! How much of an ICMP error may be: 576 bytes (RFC 1812 4.3.2.3).
inline constexpr std::size_t icmp_error_max = 576;

//! Write an ICMP message's checksum over bytes [\p off, \p off + \p len).
inline void icmp_set_checksum(sk_buff* skb, std::size_t off, std::size_t len) noexcept {
    icmphdr h{};
    skb_copy_bits(skb, off, &h, sizeof h);
    h.checksum = 0;
    skb_store_bits(skb, off, &h, sizeof h);
    h.checksum = ksock::cpu_to_be16(csum_fold(skb_checksum(skb, off, len, 0)));
    skb_store_bits(skb, off, &h, sizeof h);
}

//! Send an ICMP message from the namespace's ICMP socket: \p hdr and then
//! \p data_len bytes of \p data_skb from \p data_off, to \p daddr from
//! \p saddr, with TTL ip_default_ttl and no DF (the ICMP socket's pmtudisc
//! is IP_PMTUDISC_DONT). Nothing is sent when the skb pool is out.
template <class Ctx>
void icmp_push_reply(Ctx& ctx, const icmphdr& hdr, const sk_buff* data_skb, std::size_t data_off,
                     std::size_t data_len, std::uint8_t tos, std::uint32_t saddr,
                     std::uint32_t daddr) {
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
                    saddr, daddr);
    ip_rcv(ctx, skb);
}

//! __icmp_send: an error about \p skb_in back to its sender: never about
//! a broadcast, a fragment or an ICMP error; TOS 0xc0; as much of the
//! original datagram as fits 576 bytes. (Linux's rate limits let every
//! error through to lo.)
template <class Ctx>
void icmp_send(Ctx& ctx, const sk_buff* skb_in, std::uint8_t type, std::uint8_t code) {
    const inet_skb_cb& cb = inet_cb(*skb_in);
    if (cb.broadcast)
        return;
    if (cb.protocol == ipproto_icmp) {
        std::uint8_t inner_type = 0;
        if (cb.tot_len < cb.ihl + sizeof(icmphdr))
            return;
        skb_copy_bits(skb_in, cb.ihl, &inner_type, 1);
        if (icmp_is_err(inner_type))
            return;
    }
    std::uint8_t tos = 0;
    skb_copy_bits(skb_in, 1, &tos, 1);
    icmphdr h{type, code, 0, 0, 0};
    constexpr std::size_t room = icmp_error_max - sizeof(iphdr) - sizeof(icmphdr);
    const std::size_t data_len = cb.tot_len < room ? cb.tot_len : room;
    icmp_push_reply(ctx, h, skb_in, 0, data_len,
                    static_cast<std::uint8_t>((tos & 0x1e) | iptos_prec_internetcontrol), cb.daddr,
                    cb.saddr);
}

//! icmp_echo: the reply carries the request's id, sequence and data, from
//! the address the request was sent to, unless net.ipv4.icmp_echo_ignore_all
//! says no, or the request went to a broadcast address and
//! icmp_echo_ignore_broadcasts (1 by default) says no.
template <class Ctx>
void icmp_echo(Ctx& ctx, const sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    const ipv4_sysctl& sys = ipv4_net(ctx).sysctl;
    if (sys.icmp_echo_ignore_all || (cb.broadcast && sys.icmp_echo_ignore_broadcasts))
        return;
    icmphdr h{};
    skb_copy_bits(skb, cb.ihl, &h, sizeof h);
    h.type = icmp_t_echoreply;
    h.code = 0;
    h.checksum = 0;
    std::uint8_t tos = 0;
    skb_copy_bits(skb, 1, &tos, 1);
    icmp_push_reply(ctx, h, skb, cb.ihl + sizeof(icmphdr), cb.tot_len - cb.ihl - sizeof(icmphdr),
                    tos, cb.daddr, cb.saddr);
}

//! icmp_unreach and friends: the error goes to the protocol of the
//! datagram it quotes (icmp_socket_deliver: UDP's __udp4_lib_err ...).
template <class Ctx>
void icmp_unreach(Ctx& ctx, const sk_buff* skb, std::uint8_t type, std::uint8_t code) {
    const inet_skb_cb& cb = inet_cb(*skb);
    const std::size_t inner = cb.ihl + sizeof(icmphdr);
    iphdr iph{};
    if (cb.tot_len < inner + sizeof iph)
        return;
    skb_copy_bits(skb, inner, &iph, sizeof iph);
    const std::size_t ihl = static_cast<std::size_t>(iph.ver_ihl & 0x0f) * 4u;
    if (ihl < sizeof iph || cb.tot_len < inner + ihl + 8)
        return;
    inet_protocol_err(ctx, skb, inner, iph.protocol, type, code);
}

//! icmp_rcv: a message with a bad checksum or shorter than its header is
//! dropped; echo requests are answered, echo replies go to ping sockets,
//! errors to their protocol. The skb is consumed.
template <class Ctx>
void icmp_rcv(Ctx& ctx, sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    icmphdr h{};
    if (cb.tot_len >= cb.ihl + sizeof h &&
        csum_fold(skb_checksum(skb, cb.ihl, cb.tot_len - cb.ihl, 0)) == 0) {
        skb_copy_bits(skb, cb.ihl, &h, sizeof h);
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
            break;
        }
    }
    kfree_skb(ctx, skb);
}

} // namespace ksock::inet
