// ksock/inet/ip/ip_input.hpp: an IPv4 packet received (net/ipv4/ip_input.c,
// ip_options.c): ip_rcv_core's checks, each drop counted where Linux counts
// it (/proc/net/snmp Ip:), the input route (ours, broadcast, or not ours:
// no forwarding), reassembly of fragments (ip_fragment.hpp), and local
// delivery: every matching raw socket first (raw_v4_input), then the
// protocol's handler in inet_protos (udp_rcv, icmp_rcv), or ICMP
// protocol-unreachable when nobody takes it.
//
// Everything comes from a wire and is checked before it is used: the
// header's version, length, checksum, total length and options.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/inet_protos.hpp>
#include <ksock/inet/ip/ip_fragment.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/platform.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/if_packet.hpp>
#include <ksock/uapi/in.hpp>

namespace ksock::inet {

//! The IP options ip_options_compile knows (IPOPT_*, include/uapi/linux/ip.h): end of list, no-op,
//! record route, timestamp, loose and strict source route.
//!@{
inline constexpr std::uint8_t ipopt_end = 0;
inline constexpr std::uint8_t ipopt_noop = 1;
inline constexpr std::uint8_t ipopt_rr = 7;
inline constexpr std::uint8_t ipopt_ts = 68;
inline constexpr std::uint8_t ipopt_lsrr = 131;
inline constexpr std::uint8_t ipopt_ssrr = 137;
//!@}

//! What ip_options_compile makes of a received header's options.
enum class ip_opts_verdict : std::uint8_t {
    ok,           //!< deliver (ksock does not act on them: no RR or TS replies)
    bad,          //!< malformed at offset `pointer`: InHdrErrors, ICMP parameter problem
    source_route, //!< LSRR/SSRR: dropped (accept_source_route is 0)
};

//! ip_options_compile's checks of \p ihl bytes of header in \p skb: every
//! option within the header, lengths of at least 2 (3 for the routes, 4
//! for timestamps), pointers not before their data. \p pointer is the
//! offending byte's offset in the header, as the parameter problem reports
//! it: the option for a bad length, its pointer byte for a bad pointer.
inline ip_opts_verdict ip_options_check(const sk_buff* skb, std::size_t ihl,
                                        std::size_t& pointer) noexcept {
    unsigned char opt[40];
    const std::size_t n = ihl - sizeof(iphdr);
    skb_copy_bits(skb, sizeof(iphdr), opt, n);
    bool srr = false;
    for (std::size_t i = 0; i < n;) {
        const std::uint8_t type = opt[i];
        if (type == ipopt_end)
            break;
        if (type == ipopt_noop) {
            ++i;
            continue;
        }
        pointer = sizeof(iphdr) + i; // a bad length points at the option itself
        if (i + 1 >= n || opt[i + 1] < 2 || opt[i + 1] > n - i)
            return ip_opts_verdict::bad;
        const std::size_t len = opt[i + 1];
        pointer = sizeof(iphdr) + i + 2;
        if (type == ipopt_rr || type == ipopt_lsrr || type == ipopt_ssrr) {
            if (len < 3 || opt[i + 2] < 4)
                return ip_opts_verdict::bad;
            srr = srr || type != ipopt_rr;
        } else if (type == ipopt_ts) {
            if (len < 4 || opt[i + 2] < 5)
                return ip_opts_verdict::bad;
        }
        i += len;
    }
    return srr ? ip_opts_verdict::source_route : ip_opts_verdict::ok;
}

//! ip_local_deliver_finish -> ip_protocol_deliver_rcu: the raw sockets
//! first, then the protocol's handler in inet_protos; a protocol nobody
//! registered is answered with ICMP protocol-unreachable unless a raw
//! socket took the packet (InUnknownProtos).
template <class Ctx>
inline void ip_local_deliver_finish(Ctx& ctx, sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    ip_mib& mib = ipv4_net(ctx).mib.ip;
    const bool raw = raw_v4_input(ctx, skb, cb.protocol, cb.saddr, cb.daddr);
    if (inet_protocol_deliver(ctx, skb, cb.protocol)) {
        ++mib.in_delivers;
        return;
    }
    if (!raw) {
        ++mib.in_unknown_protos;
        icmp_send(ctx, skb, icmp_t_dest_unreach, icmp_prot_unreach);
    } else {
        ++mib.in_delivers;
    }
    kfree_skb(ctx, skb);
}

//! ip_local_deliver: a fragment waits for the rest of its datagram
//! (ip_defrag); a whole datagram is delivered.
template <class Ctx>
inline void ip_local_deliver(Ctx& ctx, sk_buff* skb) {
    const inet_skb_cb& cb = inet_cb(*skb);
    if (cb.frag_mf || cb.frag_off) {
        skb = ip_defrag(ctx, skb);
        if (!skb)
            return;
    }
    ip_local_deliver_finish(ctx, skb);
}

//! Drop a packet ip_rcv refused, counting it in \p counter (if any) and,
//! for a bad checksum, in InCsumErrors too.
template <class Ctx>
inline void ip_rcv_drop(Ctx& ctx, sk_buff* skb, unsigned long* counter) {
    if (counter)
        ++*counter;
    kfree_skb(ctx, skb);
}

//! ip_rcv's options (ihl > 5), out of line: false when the packet was
//! dropped (a source route; or malformed: InHdrErrors and ICMP parameter
//! problem pointing at the bad byte).
template <class Ctx>
KSOCK_NOINLINE bool ip_rcv_options(Ctx& ctx, sk_buff* skb, const iphdr& h, std::size_t ihl,
                                   std::size_t tot, int iif, std::uint8_t pkt_type) {
    std::size_t pointer = 0;
    const ip_opts_verdict v = ip_options_check(skb, ihl, pointer);
    if (v == ip_opts_verdict::ok)
        return true;
    if (v == ip_opts_verdict::bad) {
        inet_cb(*skb) = inet_skb_cb{h.saddr,
                                    h.daddr,
                                    0,
                                    0,
                                    0,
                                    static_cast<std::uint16_t>(tot),
                                    static_cast<std::uint8_t>(ihl),
                                    h.protocol,
                                    0,
                                    pkt_type,
                                    1,
                                    0,
                                    0,
                                    iif};
        icmp_send(ctx, skb, icmp_t_parameterprob, 0, static_cast<std::uint32_t>(pointer) << 24);
        ++ipv4_net(ctx).mib.ip.in_hdr_errors;
    }
    kfree_skb(ctx, skb);
    return false;
}

//! ip_rcv's input route, out of line (lo's 127.0.0.0/8 is decided inline):
//! RTN_LOCAL or RTN_BROADCAST, or 0 to drop. From lo, the route that sent
//! it here said local or broadcast; from a device, ip_route_input decides,
//! and a packet not ours is counted (InAddrErrors).
template <class Ctx>
KSOCK_NOINLINE std::uint8_t ip_rcv_route(Ctx& ctx, const iphdr& h, int iif) noexcept {
    if (iif == 1) {
        const rtn_type t = inet_addr_type(ctx, h.daddr);
        return t == rtn_local || (t == rtn_broadcast && !ipv4_is_zeronet(h.daddr)) ? t : 0;
    }
    bool not_ours = false;
    const std::uint8_t type = ip_route_input(ctx, h.daddr, h.saddr, iif, not_ours);
    if (not_ours)
        ++ipv4_net(ctx).mib.ip.in_addr_errors;
    return type;
}

//! A frame the link addressed to someone else (rx_otherhost_dropped).
template <class Ctx>
KSOCK_NOINLINE void ip_rcv_otherhost(Ctx& ctx, sk_buff* skb, int iif) noexcept {
    if (net_device_state* st = ctx.dev_get_by_index(iif))
        ++st->stats.rx_otherhost_dropped;
    kfree_skb(ctx, skb);
}

//! ip_rcv -> ip_rcv_core -> ip_rcv_finish for a packet from device \p iif
//! (lo: 1) that the link classed \p pkt_type. Someone else's frame is
//! dropped (rx_otherhost_dropped); then InReceives, and in Linux's order:
//! shorter than a header, version or ihl wrong (InHdrErrors), checksum
//! wrong (InCsumErrors and InHdrErrors), shorter than its total length
//! (InTruncatedPkts), a total length below ihl (InHdrErrors); the link's
//! padding goes; the input route: not ours (InAddrErrors) or a martian
//! (dropped); then bad options (InHdrErrors, and ICMP parameter problem)
//! or a source route (dropped). What is left is recorded in skb->cb and
//! delivered. (Checked against a 6.18 host, packet by packet.)
template <class Ctx>
void ip_rcv(Ctx& ctx, sk_buff* skb, int iif = 1, std::uint8_t pkt_type = packet_host) {
    if (KSOCK_UNLIKELY(pkt_type == packet_otherhost))
        return ip_rcv_otherhost(ctx, skb, iif);
    ip_mib& mib = ipv4_net(ctx).mib.ip;
    ++mib.in_receives;
    iphdr h{};
    if (skb->msg_len < sizeof h)
        return ip_rcv_drop(ctx, skb, &mib.in_hdr_errors);
    skb_copy_bits(skb, 0, &h, sizeof h);
    const std::size_t ihl = static_cast<std::size_t>(h.ver_ihl & 0x0f) * 4u;
    if (ihl < sizeof h || (h.ver_ihl >> 4) != 4 || skb->msg_len < ihl)
        return ip_rcv_drop(ctx, skb, &mib.in_hdr_errors);
    if (csum_fold(skb_checksum(skb, 0, ihl, 0)) != 0) {
        ++mib.in_csum_errors;
        return ip_rcv_drop(ctx, skb, &mib.in_hdr_errors);
    }
    const std::size_t tot = ksock::be16_to_cpu(h.tot_len);
    if (tot > skb->msg_len)
        return ip_rcv_drop(ctx, skb, &mib.in_truncated_pkts);
    if (tot < ihl)
        return ip_rcv_drop(ctx, skb, &mib.in_hdr_errors);
    if (KSOCK_UNLIKELY(tot < skb->msg_len))
        skb_trim(ctx, skb, static_cast<std::uint32_t>(tot));
    std::uint8_t type = rtn_local;
    const auto& tab = ipv4_tables(ctx);
    if (!KSOCK_LIKELY(iif == 1 && ipv4_is_loopback(h.daddr) && tab.lo_net_local &&
                      h.daddr != lo_broadcast())) {
        type = ip_rcv_route(ctx, h, iif);
        if (!type)
            return ip_rcv_drop(ctx, skb, nullptr);
    }
    // ip_rcv_finish_core: the options once the route says the packet is ours.
    if (KSOCK_UNLIKELY(ihl > sizeof h) && !ip_rcv_options(ctx, skb, h, ihl, tot, iif, pkt_type))
        return;
    const std::uint16_t frag = ksock::be16_to_cpu(h.frag_off);
    inet_cb(*skb) = inet_skb_cb{h.saddr,
                                h.daddr,
                                0,
                                0,
                                0,
                                static_cast<std::uint16_t>(tot),
                                static_cast<std::uint8_t>(ihl),
                                h.protocol,
                                static_cast<std::uint8_t>(type == rtn_broadcast),
                                pkt_type,
                                static_cast<std::uint8_t>(type == rtn_local),
                                static_cast<std::uint8_t>((frag & ip_mf) != 0),
                                static_cast<std::uint16_t>((frag & ip_offset) << 3),
                                iif};
    ip_local_deliver(ctx, skb);
}

//! ip_packet_type: PF_INET's receiver of ETH_P_IP.
struct ip_packet_type {
    static constexpr std::uint16_t type = eth_p_ip; //!< takes IPv4 frames
    //! ip_rcv: check the header and hand the datagram to its protocol.
    template <class Ctx>
    static void func(Ctx& ctx, sk_buff* skb, const netif_rx& rx) {
        ip_rcv(ctx, skb, rx.ifindex, rx.pkt_type);
    }
};

} // namespace ksock::inet
