// ksock/inet/ip/ip_loopback.hpp: what the IPv4 layer keeps with a packet and
// does to it on every device, lo's included (net/ipv4/ip_output.c,
// ip_input.c, core/sock.c): the control block (inet_skb_cb), the truesize
// of an IP packet, the sender's skb (sock_alloc_send_skb), clones for
// receivers, the IPv4 header with its id and checksum, and the receive
// queue's rule. The path itself is ip_output.hpp's (out: route, neighbour,
// device or lo) and ip_input.hpp's (in: ip_rcv's checks, reassembly, the
// protocols).
//
// A packet is an skb chain holding the whole IP datagram, header first;
// what each layer knows about it is kept in skb->cb (inet_skb_cb). The
// receivers are defined in their own headers (raw.hpp, icmp.hpp,
// udp_input.hpp) and declared here or in inet_protos.hpp, since they send
// packets in turn.
#pragma once

#include <climits>
#include <cstddef>
#include <cstdint>

#include <ksock/core/datagram.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_alloc_send.hpp>
#include <ksock/core/sock_wait.hpp>
#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/ip/inet_protos.hpp>
#include <ksock/inet/ip/ip_hdr.hpp>
#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/platform.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock::inet {

//! What the IP layer records in skb->cb for the receiving protocol (IPCB
//! plus the transport's view): addresses and ports in network order, and
//! data_off, Linux's skb->data: where the bytes a recvmsg returns begin.
struct inet_skb_cb {
    std::uint32_t saddr;    //!< source address
    std::uint32_t daddr;    //!< destination address
    std::uint16_t sport;    //!< source port (UDP; 0 for other protocols)
    std::uint16_t dport;    //!< destination port
    std::uint16_t data_off; //!< where the data a recvmsg returns begins (skb->data)
    std::uint16_t tot_len;  //!< the datagram's length from the IP header
    std::uint8_t ihl;       //!< header length in bytes
    std::uint8_t protocol;  //!< IPPROTO_* of the payload
    std::uint8_t broadcast; //!< sent to a broadcast address (RTCF_BROADCAST)
    std::uint8_t pkt_type;  //!< PACKET_HOST ... as the link saw it
    std::uint8_t local;     //!< addressed to one of our addresses (RTCF_LOCAL)
    std::uint8_t frag_mf;   //!< IP_MF: more fragments follow (reassembly)
    std::uint16_t frag_off; //!< the fragment's offset in bytes (reassembly)
    int iif;                //!< the device it came in on (IPCB(skb)->iif)
};

//!@{
//! skb->cb as the IP layer's control block (skb_cb<inet_skb_cb> without a
//! cast that -Wcast-align flags on Cortex-M: cb is 8-byte aligned).
inline inet_skb_cb& inet_cb(sk_buff& skb) noexcept {
    static_assert(sizeof(inet_skb_cb) <= sizeof(sk_buff::cb) && alignof(inet_skb_cb) <= 8,
                  "ksock::inet::inet_skb_cb: must fit skb->cb (48 bytes, 8-aligned)");
    return *static_cast<inet_skb_cb*>(static_cast<void*>(skb.cb));
}
inline const inet_skb_cb& inet_cb(const sk_buff& skb) noexcept {
    return *static_cast<const inet_skb_cb*>(static_cast<const void*>(skb.cb));
}
//!@}

// The raw sockets' receiver and ICMP's error sender (defined in raw.hpp and
// icmp.hpp; the protocols' receivers are inet_protos' handlers).
template <class Ctx>
bool raw_v4_input(Ctx& ctx, const sk_buff* skb, std::uint8_t protocol, std::uint32_t saddr,
                  std::uint32_t daddr);
template <class Ctx>
void icmp_send(Ctx& ctx, const sk_buff* skb_in, std::uint8_t type, std::uint8_t code,
               std::uint32_t info = 0);

//! The truesize Linux (x86-64, SLUB, 4 KiB pages) gives the skb
//! ip_append_data builds for a datagram of \p tot_len bytes whose IP and
//! transport headers take \p hdr_len: lo's 16 bytes of link-layer room and
//! 15 of alignment are added; up to SKB_MAX_ALLOC (16064) the whole datagram
//! is linear, beyond it only the headers are and the payload goes in page
//! fragments counted byte for byte. The linear part plus skb_shared_info
//! comes from the 576-byte small-head cache or the next power-of-two
//! kmalloc bucket (pages above 8 KiB); SKB_TRUESIZE adds the sk_buff (256).
//! Receive buffers then fill exactly as on the host (probed: 832 bytes for
//! up to 197 payload bytes of UDP, 1280 to 453, 2304 to 1469 ...).
constexpr std::uint32_t ip_truesize(std::size_t tot_len, std::size_t hdr_len) noexcept {
    constexpr std::size_t extra = 16 + 15;
    constexpr std::size_t skb_max_alloc = 16384 - 320;
    std::size_t linear = tot_len + extra;
    std::size_t paged = 0;
    if (linear >= skb_max_alloc) {
        linear = hdr_len + extra;
        paged = tot_len - hdr_len;
    }
    return skb_truesize(static_cast<std::uint32_t>(linear), true) +
           static_cast<std::uint32_t>(paged);
}

//! Give each chunk of a fresh chain its share of \p len bytes.
inline void skb_set_chain_len(sk_buff* skb, std::size_t len) noexcept {
    for (sk_buff* s = skb; s; s = s->frag_next) {
        const std::size_t k = len < s->cap ? len : s->cap;
        s->len = static_cast<std::uint32_t>(k);
        len -= k;
    }
}

//! A kernel-made packet of \p len bytes (ICMP replies, raw clones), charged
//! to nobody; null when the skb pool is out.
template <class Ctx>
sk_buff* ip_alloc_packet(Ctx& ctx, std::size_t len, std::uint32_t truesize) noexcept {
    sk_buff* skb = alloc_skb(ctx, len);
    if (!skb)
        return nullptr;
    skb_set_chain_len(skb, len);
    skb->truesize = truesize;
    return skb;
}

//! skb_clone for a receiver: a copy of the whole message with the same
//! truesize (a clone shares the data in Linux but is charged in full).
template <class Ctx>
sk_buff* skb_clone(Ctx& ctx, const sk_buff* skb) noexcept {
    sk_buff* c = ip_alloc_packet(ctx, skb->msg_len, skb->truesize);
    if (!c)
        return nullptr;
    std::size_t off = 0;
    for (const sk_buff* s = skb; s; s = s->frag_next) {
        skb_store_bits(c, off, s->head, s->len);
        off += s->len;
    }
    for (std::size_t i = 0; i < sizeof c->cb; ++i)
        c->cb[i] = skb->cb[i];
    return c;
}

//! sock_alloc_send_skb: sock_alloc_send_pskb for a whole IPv4 packet of
//! \p len bytes, every chunk's length set (the packet is written in place).
template <class Ctx>
sk_buff* sock_alloc_send_skb(Ctx& ctx, sock& sk, std::size_t len, std::uint32_t truesize,
                             bool noblock, int* err) {
    sk_buff* skb = sock_alloc_send_pskb(ctx, sk, len, truesize, noblock, err);
    if (skb)
        skb_set_chain_len(skb, len);
    return skb;
}

//! The TTL of a socket's packets: IP_TTL, else net.ipv4.ip_default_ttl.
inline std::uint8_t ip_select_ttl(const inet_sock& inet, const ipv4_sysctl& s) noexcept {
    return static_cast<std::uint8_t>(inet.uc_ttl < 0 ? s.ip_default_ttl : inet.uc_ttl);
}
//! Whether __ip_make_skb sets DF on a datagram of \p len bytes over a
//! route of \p mtu: always for IP_PMTUDISC_DO and _PROBE; for _WANT when it
//! fits the route (no route's MTU is locked here), so a larger one goes out
//! in fragments without DF.
constexpr bool ip_sets_df(const inet_sock& inet, std::size_t len, unsigned mtu) noexcept {
    return inet.pmtudisc == ip_pmtudisc_do || inet.pmtudisc == ip_pmtudisc_probe ||
           (inet.pmtudisc == ip_pmtudisc_want && len <= mtu);
}
//! ip_sk_ignore_df: may the socket's datagrams be fragmented locally (IP_
//! PMTUDISC_DONT and _WANT, and _OMIT)? If not, one larger than the route's
//! MTU is EMSGSIZE.
constexpr bool ip_sk_ignore_df(const inet_sock& inet) noexcept {
    return inet.pmtudisc < ip_pmtudisc_do || inet.pmtudisc == ip_pmtudisc_omit;
}

//! ip_select_ident: a packet's id, the namespace's pseudo-random number
//! (Linux's ids are random on the host too), in network order.
template <class Ctx>
inline std::uint16_t ip_select_ident(Ctx& ctx) noexcept {
    return ksock::cpu_to_be16(static_cast<std::uint16_t>(ctx.net().prandom_u32() >> 16));
}

//! ip_send_check: write IPv4 header \p h at the start of \p skb with its
//! checksum, taken over the \p ihl header bytes there (options included).
inline void ip_send_check(sk_buff* skb, iphdr& h, std::size_t ihl) noexcept {
    h.check = 0;
    skb_store_bits(skb, 0, &h, sizeof h);
    h.check = ksock::cpu_to_be16(csum_fold(skb_checksum(skb, 0, ihl, 0)));
    skb_store_bits(skb, 0, &h, sizeof h);
}

//! Write the 20-byte IPv4 header at the start of \p skb, checksum included.
template <class Ctx>
KSOCK_ALWAYS_INLINE inline void ip_build_header(Ctx& ctx, sk_buff* skb, std::size_t tot_len,
                                                std::uint8_t tos, bool df, std::uint8_t ttl,
                                                std::uint8_t protocol, std::uint32_t saddr,
                                                std::uint32_t daddr) noexcept {
    iphdr h{};
    h.ver_ihl = 0x45;
    h.tos = tos;
    h.tot_len = ksock::cpu_to_be16(static_cast<std::uint16_t>(tot_len));
    h.id = ip_select_ident(ctx);
    h.frag_off = ksock::cpu_to_be16(df ? ip_df : 0);
    h.ttl = ttl;
    h.protocol = protocol;
    h.saddr = saddr;
    h.daddr = daddr;
    ip_send_check(skb, h, sizeof h);
}

//! The end of every datagram enqueue (__sock_queue_rcv_skb's, and
//! __udp_enqueue_schedule_skb's after its own memory rule): a datagram
//! the rule \p refused is dropped (sk_drops counts it), one it took is
//! charged, queued, and the reader woken.
template <class Ctx>
inline int sk_queue_rcv_or_drop(Ctx& ctx, sock& sk, sk_buff* skb, bool refused) {
    if (refused) {
        ++sk.sk_drops;
        kfree_skb(ctx, skb);
        return -enomem;
    }
    skb_set_owner_r(skb, sk);
    skb_queue_tail(sk.sk_receive_queue, skb);
    if (!sock_flag(sk, sock_dead))
        ctx.sk_data_ready(sk);
    return 0;
}

//! sock_queue_rcv_skb (raw and ping receivers): refused when the receive
//! memory has reached sk_rcvbuf.
template <class Ctx>
int sock_queue_rcv_skb(Ctx& ctx, sock& sk, sk_buff* skb) {
    return sk_queue_rcv_or_drop(ctx, sk, skb, sk.sk_rmem_alloc >= sk.sk_rcvbuf);
}

} // namespace ksock::inet
