// ksock/core/dev.hpp: the device layer of net/core/dev.c over the stack's
// devices (Config::devices): a device's state at registration
// (register_netdevice + its link type's setup), the transmit path
// (dev_queue_xmit into the device's pfifo qdisc, qdisc_run offering the
// head frame to the driver's start_xmit until it is busy), the receive
// path (the NAPI sink a driver's poll fills, the link layer's
// classification, the family's packet_type receiver) and dev_open /
// dev_close.
//
// Every function takes the kernel context (kernel/context.hpp), which
// holds the driver instances and the device states; a driver is reached
// through the generated switch over Config::devices.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/core/eth.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/if_packet.hpp>

namespace ksock {

//! NAPI_POLL_WEIGHT and netdev_budget (net.core.netdev_budget): frames one
//! device's poll may take per round, and all devices together.
//!@{
inline constexpr int napi_poll_weight = 64;
inline constexpr int netdev_budget = 300;
//!@}

//! Copy device \p D's hardware address into its state.
template <class D>
void netdev_read_addr(const D& d, net_device_state& st) noexcept {
    std::memset(st.dev_addr, 0, sizeof st.dev_addr);
    if constexpr (D::addr_len > 0) { // ETH_ALEN: net_device<D> allows no other length
        if (const unsigned char* a = d.dev_addr())
            std::memcpy(st.dev_addr, a, D::addr_len);
    }
}

//! register_netdevice for device \p D as ifindex \p ifindex: its MTU and
//! queue length, the flags of its link type (Ethernet: broadcast and
//! multicast; ARPHRD_NONE: point-to-point without ARP, as a TUN device;
//! lo: loopback, and up, as every host's init brings it up at boot). Every
//! other device starts down, as Linux registers it: dev_open brings it up.
template <class D>
void netdev_register(const D& d, net_device_state& st, int ifindex) noexcept {
    st = net_device_state{};
    st.ifindex = ifindex;
    st.type = D::type;
    st.hard_header_len = D::hard_header_len;
    st.addr_len = D::addr_len;
    st.mtu = D::mtu;
    st.tx_queue_len = D::tx_queue_len;
    netdev_read_addr(d, st);
    skb_queue_head_init(st.qdisc);
    if constexpr (D::type == arphrd_loopback)
        st.flags = iff_loopback | iff_up | iff_running | iff_lower_up;
    else if constexpr (D::type == arphrd_ether)
        st.flags = iff_broadcast | iff_multicast;
    else
        st.flags = iff_pointopoint | iff_noarp | iff_multicast;
}

//! The qdisc's control block of a queued skb: the hard header built for it
//! (the frame's first bytes; the skb holds the packet from its network
//! header on, as Linux's holds it after skb_push).
struct dev_xmit_cb {
    unsigned char hh[ll_max_header]; //!< the hard header, hh_len bytes
    std::uint8_t hh_len;             //!< its length, 0 on ARPHRD_NONE media
    std::uint16_t protocol;          //!< ETH_P_*, for a loopback device's receive side
};

// --- receive ------------------------------------------------------------------------

//! __netif_receive_skb: the frame goes to the registered families' receiver
//! of its protocol; a protocol nobody takes is dropped and counted in
//! rx_dropped, as Linux counts it.
template <class Ctx>
void netif_receive_skb(Ctx& ctx, sk_buff* skb, const netif_rx& rx) {
    if (!detail::deliver_packet(typename Ctx::registry::packet_types{}, ctx, skb, rx)) {
        if (net_device_state* st = ctx.dev_get_by_index(rx.ifindex))
            ++st->stats.rx_dropped;
        kfree_skb(ctx, skb);
    }
}

//! The link layer's part of a frame device \p D received: a frame shorter
//! than the hard header is a length error; Ethernet classifies and pulls
//! its header (eth_type_trans); an IP-only device's frame is IPv4 or IPv6
//! by its version nibble (tun without packet information).
template <class D, class Ctx>
void netdev_rx_frame(Ctx& ctx, net_device_state& st, sk_buff* skb) {
    if (skb->msg_len < D::hard_header_len || skb->msg_len == 0) {
        ++st.stats.rx_errors;
        ++st.stats.rx_length_errors;
        kfree_skb(ctx, skb);
        return;
    }
    netif_rx rx{st.ifindex, 0, packet_host};
    if constexpr (D::type == arphrd_none) {
        std::uint8_t v = 0;
        skb_copy_bits(skb, 0, &v, 1);
        rx.protocol = (v >> 4) == 4 ? eth_p_ip : (v >> 4) == 6 ? eth_p_ipv6 : 0;
    } else {
        rx = eth_type_trans(skb, st.dev_addr, st.ifindex);
    }
    if (rx.pkt_type == packet_multicast || rx.pkt_type == packet_broadcast)
        ++st.stats.multicast;
    netif_receive_skb(ctx, skb, rx);
}

//! The receive sink a driver's poll is handed (the NAPI context plus the
//! skb allocator a driver calls: napi_alloc_skb, napi_gro_receive).
template <class D, class Ctx>
class netdev_rx_sink {
public:
    //! The sink of device state \p st for one poll on \p ctx.
    netdev_rx_sink(Ctx& ctx, net_device_state& st) noexcept : ctx_(ctx), st_(st) {}

    //! An skb chain for a frame of \p len bytes (their lengths set, to be
    //! filled with skb_store_bits), charged as Linux charges a frame of
    //! that length on the equivalent device; null when the pool is out,
    //! counted in rx_dropped.
    sk_buff* alloc(std::size_t len) noexcept {
        sk_buff* skb = len ? alloc_skb(ctx_, len) : nullptr;
        if (!skb) {
            ++st_.stats.rx_dropped;
            return nullptr;
        }
        std::size_t left = len;
        for (sk_buff* s = skb; s; s = s->frag_next) {
            const std::size_t k = left < s->cap ? left : s->cap;
            s->len = static_cast<std::uint32_t>(k);
            left -= k;
        }
        skb->truesize = D::rx_truesize(len);
        return skb;
    }
    //! The filled frame goes up the stack.
    void receive(sk_buff* skb) {
        ++st_.stats.rx_packets;
        st_.stats.rx_bytes += skb->msg_len;
        ++taken_;
        netdev_rx_frame<D>(ctx_, st_, skb);
    }
    //! A frame the hardware received bad.
    void rx_error(netdev_rx_error kind) noexcept {
        ++st_.stats.rx_errors;
        switch (kind) {
        case netdev_rx_error::length:
            ++st_.stats.rx_length_errors;
            break;
        case netdev_rx_error::over:
            ++st_.stats.rx_over_errors;
            break;
        case netdev_rx_error::crc:
            ++st_.stats.rx_crc_errors;
            break;
        case netdev_rx_error::frame:
            ++st_.stats.rx_frame_errors;
            break;
        case netdev_rx_error::fifo:
            ++st_.stats.rx_fifo_errors;
            break;
        case netdev_rx_error::missed:
            ++st_.stats.rx_missed_errors;
            break;
        }
    }
    //! Frames handed up through receive (a driver that says it took more
    //! than the budget is held to the budget).
    int taken() const noexcept { return taken_; }

private:
    Ctx& ctx_;
    net_device_state& st_;
    int taken_ = 0;
};

// --- transmit -----------------------------------------------------------------------

//! qdisc_run -> qdisc_restart -> sch_direct_xmit for device \p D: the
//! frames at the head of its queue go to start_xmit until the queue is
//! empty or the driver is busy (the frame stays first, counted as a
//! requeue). Each frame taken is counted and its skb freed (consumed).
template <class D, class Ctx>
void qdisc_run(Ctx& ctx, D& dev, net_device_state& st) {
    while (sk_buff* skb = skb_peek(st.qdisc)) {
        const dev_xmit_cb& cb = skb_cb<dev_xmit_cb>(*skb);
        const netdev_frame frame(cb.hh, cb.hh_len, skb, skb->msg_len);
        if (dev.start_xmit(frame) == netdev_tx::busy) {
            ++st.qstats.requeues;
            return;
        }
        skb_unlink(skb, st.qdisc);
        --st.qstats.qlen;
        st.qstats.backlog -= static_cast<std::uint32_t>(frame.len());
        ++st.qstats.packets;
        st.qstats.bytes += frame.len();
        ++st.stats.tx_packets;
        st.stats.tx_bytes += frame.len();
        kfree_skb(ctx, skb);
    }
}

//! loopback_xmit: the skb itself turns round (orphaned: its sender's
//! memory comes back, as __netif_rx's caller drops the socket reference),
//! counted out and in, and is received.
template <class Ctx>
void loopback_xmit(Ctx& ctx, net_device_state& st, sk_buff* skb, std::uint16_t protocol) {
    skb_orphan(ctx, skb);
    const std::uint32_t len = skb->msg_len + eth_hlen;
    ++st.stats.tx_packets;
    st.stats.tx_bytes += len;
    ++st.stats.rx_packets;
    st.stats.rx_bytes += len;
    netif_receive_skb(ctx, skb, netif_rx{st.ifindex, protocol, packet_host});
}

//! dev_queue_xmit for device \p D: \p skb (the packet from its network
//! header on) with hard header \p hh of \p hh_len bytes. A device that is
//! down refuses it (ENETDOWN, tx_dropped); one without carrier drops it as
//! Linux's deactivated qdisc does (tx_dropped; the sender is not told); a
//! full queue drops it (the qdisc's drops; ENOBUFS, NET_XMIT_DROP's errno).
//! Otherwise it joins the queue and the queue runs. The skb is consumed in
//! every case.
template <class D, class Ctx>
int dev_queue_xmit(Ctx& ctx, D& dev, net_device_state& st, sk_buff* skb, const unsigned char* hh,
                   std::size_t hh_len, std::uint16_t protocol) {
    if (!(st.flags & iff_up)) {
        ++st.stats.tx_dropped;
        kfree_skb(ctx, skb);
        return -enetdown;
    }
    if constexpr (D::type == arphrd_loopback) {
        (void)dev;
        (void)hh;
        (void)hh_len;
        loopback_xmit(ctx, st, skb, protocol);
        return 0;
    } else {
        if (!(st.flags & iff_lower_up)) {
            ++st.stats.tx_dropped;
            kfree_skb(ctx, skb);
            return 0;
        }
        if (skb_queue_len(st.qdisc) >= st.tx_queue_len) {
            ++st.qstats.drops;
            kfree_skb(ctx, skb);
            return -enobufs;
        }
        dev_xmit_cb& cb = skb_cb<dev_xmit_cb>(*skb);
        if (hh_len)
            std::memcpy(cb.hh, hh, hh_len);
        cb.hh_len = static_cast<std::uint8_t>(hh_len);
        cb.protocol = protocol;
        skb_queue_tail(st.qdisc, skb);
        ++st.qstats.qlen;
        st.qstats.backlog += static_cast<std::uint32_t>(hh_len + skb->msg_len);
        qdisc_run(ctx, dev, st);
        return 0;
    }
}

} // namespace ksock
