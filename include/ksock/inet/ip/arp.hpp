// ksock/inet/ip/arp.hpp: ARP (net/ipv4/arp.c), arp_tbl's protocol: requests
// for an address being resolved (arp_solicit: broadcast while INCOMPLETE,
// unicast to the known address while PROBE), the answer to a request for
// one of our addresses (arp_process), learning from what arrives (existing
// entries are updated; arp_accept 0 creates none from unsolicited
// packets), the report of a packet that will never leave (arp_error_report:
// ICMP host unreachable to its sender), and the way a packet leaves once
// its next hop is known (the neighbour's output, with the Ethernet header
// built from the entry).
//
// Every field of a received ARP packet is checked before it is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/core/eth.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/inet/ip/in_device.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/ip/neighbour.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/if_packet.hpp>
#include <ksock/uapi/in.hpp>

namespace ksock::inet {

//! An ARP packet for IPv4 over Ethernet: 28 bytes.
inline constexpr std::size_t arp_eth_ip_len = sizeof(arphdr) + 2 * (eth_alen + 4);

//! arp_create + arp_xmit: an ARP packet of \p op (for \p dest_ip, from
//! \p src_ip) on device \p ifindex, to \p dest_hw (null: broadcast) from
//! our address, with target hardware address \p target_hw (null: zeros).
//! Nothing is sent when the skb pool is out.
template <class Ctx>
void arp_send(Ctx& ctx, std::uint16_t op, std::uint32_t dest_ip, int ifindex, std::uint32_t src_ip,
              const unsigned char* dest_hw, const unsigned char* target_hw) {
    const net_device_state* st = ctx.dev_get_by_index(ifindex);
    if (!st || (st->flags & iff_noarp) || st->type != arphrd_ether)
        return;
    sk_buff* skb = alloc_skb(ctx, arp_eth_ip_len);
    if (!skb)
        return;
    unsigned char p[arp_eth_ip_len];
    const arphdr h{ksock::cpu_to_be16(arphrd_ether), ksock::cpu_to_be16(eth_p_ip), eth_alen, 4,
                   ksock::cpu_to_be16(op)};
    std::memcpy(p, &h, sizeof h);
    std::memcpy(p + 8, st->dev_addr, eth_alen);
    std::memcpy(p + 14, &src_ip, 4);
    if (target_hw)
        std::memcpy(p + 18, target_hw, eth_alen);
    else
        std::memset(p + 18, 0, eth_alen);
    std::memcpy(p + 24, &dest_ip, 4);
    skb_put_data(skb, p, sizeof p);
    skb->truesize = skb_truesize(static_cast<std::uint32_t>(arp_eth_ip_len + eth_hlen + 16));
    unsigned char hh[eth_hlen];
    eth_header(hh, dest_hw, st->dev_addr, eth_p_arp);
    ctx.dev_queue_xmit(ifindex, skb, hh, eth_hlen, eth_p_arp);
}

//! arp_solicit: a request for \p n's address, from the source of the
//! packet that waits (when it is ours: arp_announce 0), else the device's
//! address for it; broadcast while the multicast probes last, unicast to
//! the address known (PROBE) before.
template <class Ctx>
void arp_solicit(Ctx& ctx, neighbour& n, const sk_buff* skb) {
    std::uint32_t saddr = 0;
    if (skb && skb->msg_len >= sizeof(iphdr)) {
        iphdr h{};
        skb_copy_bits(skb, 0, &h, sizeof h);
        if (inet_addr_type(ctx, h.saddr) == rtn_local)
            saddr = h.saddr;
    }
    if (!saddr)
        saddr = inet_select_addr(ctx, n.ifindex, n.primary_key, rt_scope_link);
    const neigh_parms& p = ipv4_net(ctx).neigh;
    int probes = n.probes - p.ucast_solicit;
    const unsigned char* dst_hw = nullptr;
    if (probes < 0) {
        dst_hw = n.ha;
    } else if (probes - p.app_solicit < 0) {
        return; // neigh_app_ns: a user-space resolver would be asked
    }
    arp_send(ctx, arpop_request, n.primary_key, n.ifindex, saddr, dst_hw, nullptr);
}

//! Fill a packet's control block from its own IPv4 header (a packet on its
//! way out, for icmp_send): not local, not broadcast, from us.
inline void ip_cb_from_header(sk_buff* skb) noexcept {
    iphdr h{};
    skb_copy_bits(skb, 0, &h, sizeof h);
    inet_skb_cb& cb = inet_cb(*skb);
    cb = inet_skb_cb{};
    cb.saddr = h.saddr;
    cb.daddr = h.daddr;
    cb.ihl = static_cast<std::uint8_t>((h.ver_ihl & 0x0f) * 4u);
    cb.tot_len = ksock::be16_to_cpu(h.tot_len);
    cb.protocol = h.protocol;
    cb.frag_off = static_cast<std::uint16_t>((ksock::be16_to_cpu(h.frag_off) & ip_offset) << 3);
}

//! arp_error_report -> ipv4_link_failure: the packet's sender hears ICMP
//! host unreachable (it goes to our own address: a connected UDP socket
//! with IP_RECVERR reads EHOSTUNREACH, raw ICMP sockets see it); the
//! packet is dropped.
template <class Ctx>
void arp_error_report(Ctx& ctx, sk_buff* skb) {
    skb_orphan(ctx, skb);
    ip_cb_from_header(skb);
    icmp_send(ctx, skb, icmp_t_dest_unreach, 1 /* ICMP_HOST_UNREACH */);
    kfree_skb(ctx, skb);
}

//! neigh_resolve_output / neigh_connected_output once the address is
//! known: the Ethernet header from the entry, then the device.
template <class Ctx>
int neigh_xmit(Ctx& ctx, const neighbour& n, sk_buff* skb) {
    const net_device_state* st = ctx.dev_get_by_index(n.ifindex);
    unsigned char hh[eth_hlen];
    eth_header(hh, n.ha, st->dev_addr, eth_p_ip);
    return ctx.dev_queue_xmit(n.ifindex, skb, hh, eth_hlen, eth_p_ip);
}

//! ip_eth_mc_map: 01:00:5e and the group's low 23 bits.
inline void ip_eth_mc_map(std::uint32_t addr, unsigned char* mac) noexcept {
    const std::uint32_t a = ksock::be32_to_cpu(addr);
    mac[0] = 0x01;
    mac[1] = 0x00;
    mac[2] = 0x5e;
    mac[3] = static_cast<unsigned char>((a >> 16) & 0x7f);
    mac[4] = static_cast<unsigned char>(a >> 8);
    mac[5] = static_cast<unsigned char>(a);
}

//! ip_finish_output2's neighbour part for an IPv4 packet to \p nexthop
//! out of device \p ifindex: IP-only links take it as it is; a broadcast
//! goes to ff:ff:ff:ff:ff:ff and a multicast to its mapped address without
//! ARP (Linux's NOARP entries, which ksock does not store); otherwise the
//! neighbour entry (made if new: the table full is EINVAL, as Linux's
//! "no neighbour" drop) sends it, or parks it while it resolves.
template <class Ctx>
int ip_neigh_output(Ctx& ctx, sk_buff* skb, int ifindex, std::uint32_t nexthop, bool broadcast,
                    bool multicast) {
    const net_device_state* st = ctx.dev_get_by_index(ifindex);
    if (st->type == arphrd_none || (st->flags & iff_noarp))
        return ctx.dev_queue_xmit(ifindex, skb, nullptr, 0, eth_p_ip);
    unsigned char hh[eth_hlen];
    if (broadcast || multicast) {
        unsigned char mc[eth_alen];
        if (multicast)
            ip_eth_mc_map(nexthop, mc);
        eth_header(hh, broadcast ? nullptr : mc, st->dev_addr, eth_p_ip);
        return ctx.dev_queue_xmit(ifindex, skb, hh, eth_hlen, eth_p_ip);
    }
    neighbour* n = neigh_lookup(ctx, ifindex, nexthop);
    if (!n)
        n = neigh_create(ctx, ifindex, nexthop);
    if (!n) {
        kfree_skb(ctx, skb);
        return -einval;
    }
    if (neigh_event_send(ctx, *n, skb))
        return 0; // parked (or dropped, as Linux does without telling)
    return neigh_xmit(ctx, *n, skb);
}

//! arp_rcv -> arp_process for an ARP packet device rx.ifindex received. Dropped
//! when the device does not do ARP, the frame was for someone else, the
//! packet is short or not IPv4-over-Ethernet, its opcode is neither
//! request nor reply, the sender's address is multicast or the target's
//! multicast or loopback. A request for one of our addresses (from any
//! device: arp_ignore 0) is answered, and its sender learnt (STALE); a
//! duplicate-address probe (sender 0.0.0.0) is answered too. Then an entry
//! we have for the sender is updated: REACHABLE on a reply to us, STALE
//! otherwise, a new address taken only after locktime.
template <class Ctx>
void arp_process(Ctx& ctx, sk_buff* skb, const netif_rx& rx) {
    net_device_state* st = ctx.dev_get_by_index(rx.ifindex);
    unsigned char p[arp_eth_ip_len];
    const bool ok = st && !(st->flags & iff_noarp) && st->type == arphrd_ether &&
                    rx.pkt_type != packet_otherhost && rx.pkt_type != packet_loopback &&
                    skb->msg_len >= arp_eth_ip_len;
    if (!ok) {
        kfree_skb(ctx, skb);
        return;
    }
    skb_copy_bits(skb, 0, p, sizeof p);
    kfree_skb(ctx, skb);
    arphdr h{};
    std::memcpy(&h, p, sizeof h);
    const std::uint16_t op = ksock::be16_to_cpu(h.ar_op);
    if (h.ar_hln != eth_alen || h.ar_pln != 4 || ksock::be16_to_cpu(h.ar_hrd) != arphrd_ether ||
        ksock::be16_to_cpu(h.ar_pro) != eth_p_ip || (op != arpop_request && op != arpop_reply))
        return;
    unsigned char sha[eth_alen];
    std::uint32_t sip = 0;
    std::uint32_t tip = 0;
    std::memcpy(sha, p + 8, eth_alen);
    std::memcpy(&sip, p + 14, 4);
    std::memcpy(&tip, p + 24, 4);
    if (ipv4_is_multicast(tip) || ipv4_is_loopback(tip) || ipv4_is_multicast(sip))
        return;
    const int dev = rx.ifindex;
    if (!sip) { // RFC 2131 duplicate-address detection
        if (op == arpop_request && inet_addr_type(ctx, tip) == rtn_local)
            arp_send(ctx, arpop_reply, sip, dev, tip, sha, sha);
        return;
    }
    if (op == arpop_request && inet_addr_type(ctx, tip) == rtn_local) {
        neighbour* n = neigh_lookup(ctx, dev, sip);
        if (!n)
            n = neigh_create(ctx, dev, sip);
        if (n) {
            neigh_update(ctx, *n, sha, nud_stale, neigh_update_f_override);
            arp_send(ctx, arpop_reply, sip, dev, tip, sha, sha);
        }
        return;
    }
    neighbour* n = neigh_lookup(ctx, dev, sip);
    // arp_is_garp: an announcement of the sender's own address (a reply
    // names its sender as target too), from an address that is not ours.
    const bool garp = sip == tip &&
                      (op == arpop_request || std::memcmp(sha, p + 18, eth_alen) == 0) &&
                      inet_addr_type(ctx, sip) == rtn_unicast;
    if (!n && ipv4_net(ctx).sysctl.arp_accept &&
        (garp || (op == arpop_reply && inet_addr_type(ctx, sip) == rtn_unicast)))
        n = neigh_create(ctx, dev, sip);
    if (!n)
        return;
    const unsigned long locktime = 10ul * static_cast<unsigned long>(ipv4_net(ctx).neigh.locktime);
    const bool override = static_cast<long>(ctx.jiffies() - (n->updated + locktime)) > 0 || garp;
    const std::uint8_t state =
        op != arpop_reply || rx.pkt_type != packet_host ? nud_stale : nud_reachable;
    neigh_update(ctx, *n, sha, state, override ? neigh_update_f_override : 0);
}

//! inetdev_send_gratuitous_arp: with arp_notify, a device that comes up
//! announces each of its addresses (a broadcast request for itself).
template <class Ctx>
void arp_announce_dev(Ctx& ctx, int ifindex) {
    if (!ipv4_net(ctx).sysctl.arp_notify)
        return;
    for (const in_ifaddr& ifa : ipv4_tables(ctx).addrs) {
        if (!ifa.ifa_index)
            break;
        if (ifa.ifa_index == ifindex)
            arp_send(ctx, arpop_request, ifa.ifa_local, ifindex, ifa.ifa_local, nullptr, nullptr);
    }
}

//! arp_packet_type: PF_INET's receiver of ETH_P_ARP.
struct arp_packet_type {
    static constexpr std::uint16_t type = eth_p_arp; //!< takes ARP frames
    //! arp_rcv: check the packet, then answer a request or learn the sender.
    template <class Ctx>
    static void func(Ctx& ctx, sk_buff* skb, const netif_rx& rx) {
        arp_process(ctx, skb, rx);
    }
};

} // namespace ksock::inet
