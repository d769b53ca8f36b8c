// ksock/inet/tcp/tcp_transmit.hpp: a TCP segment onto a device
// (net/ipv4/tcp_output.c, tcp_ipv4.c): the connection's clock and its
// keyed initial numbers (secure_tcp_seq, secure_tcp_ts_off), the window it
// offers (tcp_select_window), the header with its options
// (__tcp_transmit_skb), and the segments a socket or the stack sends
// without data: the ACK, the SYN and SYN-ACK, the RST (tcp_v4_send_reset)
// and a TIME_WAIT's ACK (tcp_v4_send_ack).
//
// The packet is built whole in a pool skb (IPv4 header, TCP header and
// options, the payload copied from the write queue) and handed to
// ip_output with the connection's route: the one the socket caches while
// it is valid (ip/dst_cache.hpp, as ip_queue_xmit uses sk_dst_cache), else
// a FIB lookup.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/ip/dst_cache.hpp>
#include <ksock/inet/ip/ip_output.hpp>
#include <ksock/inet/tcp/tcp_ecn.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/inet/tcp/tcp_skb_cb.hpp>
#include <ksock/inet/tcp/tcp_states.hpp>

namespace ksock::inet {

//! tcp_clock_ms / tcp_time_stamp_ms: the millisecond clock of timestamps
//! and RTT samples (jiffies at HZ 1000), one ahead: a stamp of 0 means
//! "none" (retrans_stamp, lsndtime), and Linux's clock is never 0 when a
//! connection starts, where ksock's is at boot.
template <class Ctx>
std::uint32_t tcp_clock_ms(Ctx& ctx) noexcept {
    return static_cast<std::uint32_t>(ctx.jiffies() * 1000u / static_cast<unsigned long>(hz)) + 1u;
}

//! One round of a 32-bit mixing function (a finaliser in the manner of
//! murmur3): enough to spread a 4-tuple under a key. Not a secret: ksock's
//! numbers are deterministic by design (the namespace's generator).
constexpr std::uint32_t tcp_mix(std::uint32_t h, std::uint32_t v) noexcept {
    h ^= v;
    h *= 0x9e3779b1u;
    h ^= h >> 15;
    h *= 0x85ebca77u;
    h ^= h >> 13;
    return h;
}

//! The keys, drawn from the namespace's generator the first time a
//! connection needs them (net_secret's lazy init).
template <class P, class Ctx>
const std::uint32_t* tcp_secret(Ctx& ctx) noexcept {
    std::uint32_t* k = ctx.template proto_state<P>().isn_key;
    if (!k[0]) {
        k[0] = ctx.net().prandom_u32() | 1u;
        k[1] = ctx.net().prandom_u32() | 1u;
    }
    return k;
}

//! secure_tcp_seq: a keyed hash of the 4-tuple plus a clock that ticks
//! every 64 ns (ms * 15625), so a new incarnation of a 4-tuple starts above
//! the old one. Never 0.
template <class P, class Ctx>
std::uint32_t secure_tcp_seq(Ctx& ctx, std::uint32_t saddr, std::uint32_t daddr,
                             std::uint16_t sport, std::uint16_t dport) noexcept {
    const std::uint32_t* k = tcp_secret<P>(ctx);
    std::uint32_t h = tcp_mix(k[0], saddr);
    h = tcp_mix(h, daddr);
    h = tcp_mix(h, (std::uint32_t{sport} << 16) | dport);
    const std::uint32_t isn = h + tcp_clock_ms(ctx) * 15625u;
    return isn ? isn : 1u;
}

//! secure_tcp_ts_off: the offset of this pair of hosts' timestamps. Never 0.
template <class P, class Ctx>
std::uint32_t secure_tcp_ts_off(Ctx& ctx, std::uint32_t saddr, std::uint32_t daddr) noexcept {
    const std::uint32_t* k = tcp_secret<P>(ctx);
    const std::uint32_t h = tcp_mix(tcp_mix(k[1], saddr), daddr);
    return h ? h : 1u;
}

//! tcp_win_from_space: the window \p space bytes of buffer offer at the
//! socket's scaling ratio.
constexpr int tcp_win_from_space(const tcp_sock& tp, int space) noexcept {
    return static_cast<int>((static_cast<std::int64_t>(space) * tp.scaling_ratio) >>
                            tcp_rmem_to_win_scale);
}
//! tcp_space: the window the free part of the receive buffer offers.
constexpr int tcp_space(const tcp_sock& tp) noexcept {
    const sock& sk = tp.inet_conn.icsk_inet.sk;
    return tcp_win_from_space(tp, sk.sk_rcvbuf - sk.sk_rmem_alloc);
}
//! tcp_receive_window: what is left of the window last offered.
constexpr std::uint32_t tcp_receive_window(const tcp_sock& tp) noexcept {
    const std::int32_t w = static_cast<std::int32_t>(tp.rcv_wup + tp.rcv_wnd - tp.rcv_nxt);
    return w < 0 ? 0u : static_cast<std::uint32_t>(w);
}

//! __tcp_select_window: the window the free space allows, never growing it
//! past rcv_ssthresh; without scaling a multiple of the peer's MSS, with
//! scaling rounded up so that the scale does not hide it; 0 when less than
//! half the space is free and what is left is below one MSS or 1/16 of it.
constexpr std::uint32_t tcp_select_window_space(tcp_sock& tp) noexcept {
    int mss = tp.inet_conn.icsk_ack.rcv_mss;
    int free_space = tcp_space(tp);
    const int allowed = tcp_full_space(tp);
    const int clamp = static_cast<int>(tp.window_clamp);
    const int full = clamp < allowed ? clamp : allowed;
    if (mss > full) {
        mss = full;
        if (mss <= 0)
            return 0;
    }
    if (free_space < (full >> 1)) {
        tp.inet_conn.icsk_ack.quick = 0;
        free_space &= ~((1 << tp.rcv_wscale) - 1);
        if (free_space < (allowed >> 4) || free_space < mss)
            return 0;
    }
    if (free_space > static_cast<int>(tp.rcv_ssthresh))
        free_space = static_cast<int>(tp.rcv_ssthresh);
    if (tp.rcv_wscale) {
        const int unit = 1 << tp.rcv_wscale;
        return static_cast<std::uint32_t>((free_space + unit - 1) & ~(unit - 1));
    }
    auto window = static_cast<int>(tp.rcv_wnd);
    if (window <= free_space - mss || window > free_space)
        window = mss ? free_space / mss * mss : free_space;
    else if (mss == full && free_space > window + (full >> 1))
        window = free_space;
    return static_cast<std::uint32_t>(window);
}

//! tcp_select_window: the window field of a segment. The offer never
//! shrinks below what the last one still promises; it is remembered
//! (rcv_wnd from rcv_wup = rcv_nxt) and sent scaled.
constexpr std::uint16_t tcp_select_window(tcp_sock& tp) noexcept {
    const std::uint32_t cur = tcp_receive_window(tp);
    std::uint32_t w = tcp_select_window_space(tp);
    if (w < cur) {
        const std::uint32_t unit = 1u << tp.rcv_wscale;
        w = (cur + unit - 1) & ~(unit - 1);
    }
    tp.rcv_wnd = w;
    tp.rcv_wup = tp.rcv_nxt;
    const std::uint32_t most = 65535u << tp.rcv_wscale;
    if (w > most)
        w = most;
    return static_cast<std::uint16_t>(w >> tp.rcv_wscale);
}

//! The addresses and ports of a segment (network order).
struct tcp_tuple {
    //! Source and destination address and port, network order.
    //!@{
    std::uint32_t saddr;
    std::uint32_t daddr;
    std::uint16_t sport;
    std::uint16_t dport;
    //!@}
};

//! The header fields of a segment to send.
struct tcp_out_seg {
    //! The sequence and acknowledgment numbers, host order.
    //!@{
    std::uint32_t seq;
    std::uint32_t ack;
    //!@}
    //! TCPHDR_* flags.
    std::uint8_t flags;
    std::uint16_t window; //!< the field, scaled
    //! The urgent pointer.
    std::uint16_t urg_ptr;
};

//! The IP-level choices of a segment's sender.
struct tcp_out_ip {
    //! The TOS byte, the TTL, and whether DF is set.
    //!@{
    std::uint8_t tos;
    std::uint8_t ttl;
    bool df;
    //!@}
    std::uint16_t id; //!< network order
};

//! ip_queue_xmit / ip_send_unicast_reply for a segment: the route (the one
//! \p sk caches for a connection's segment), the packet (IPv4 header, TCP
//! header, options, \p paylen bytes that \p fill writes at the offset it
//! is given), its checksum, ip_output. OutSegs counts it. 0, or the
//! Linux's skb for \p len bytes of TCP data (a small head for the
//! headers, the data in page frags charged byte for byte): 832 + len on a
//! 6.18 host, in the send and the receive queues alike (SO_MEMINFO).
constexpr std::uint32_t tcp_linux_truesize(std::uint32_t len) noexcept {
    return skb_truesize(0, true) + len;
}

//! route's or the device's error (ENOBUFS when the pool has no skb).
template <class Ctx, class Fill>
int tcp_v4_emit(Ctx& ctx, const tcp_tuple& t, const tcp_out_seg& seg, const tcp_options_out& opt,
                std::size_t paylen, const tcp_out_ip& ipc, Fill&& fill, sock* sk = nullptr) {
    rtable rt{};
    if (const int err = sk ? ip_route_output_sk(ctx, *sk, t.daddr, t.saddr, rt)
                           : ip_route_output(ctx, t.daddr, t.saddr, rt)) {
        if (err == -enetunreach)
            ++ipv4_net(ctx).mib.ip.out_no_routes;
        return err;
    }
    const std::size_t optlen = tcp_options_size(opt);
    const std::size_t thlen = sizeof(tcphdr) + optlen;
    const std::size_t tot = sizeof(iphdr) + thlen + paylen;
    // Linux's TCP skb, which lo hands to the receiver as it is.
    sk_buff* skb =
        ip_alloc_packet(ctx, tot, tcp_linux_truesize(static_cast<std::uint32_t>(paylen)));
    if (!skb)
        return -enobufs;
    unsigned char hdr[sizeof(tcphdr) + 40] = {};
    tcphdr th{};
    th.source = t.sport;
    th.dest = t.dport;
    th.seq = ksock::cpu_to_be32(seg.seq);
    th.ack_seq = ksock::cpu_to_be32((seg.flags & tcphdr_ack) ? seg.ack : 0u);
    th.doff_flags = ksock::cpu_to_be16(static_cast<std::uint16_t>((thlen / 4) << 12 | seg.flags));
    th.window = ksock::cpu_to_be16(seg.window);
    th.urg_ptr = ksock::cpu_to_be16(seg.urg_ptr);
    std::memcpy(hdr, &th, sizeof th);
    tcp_options_write(hdr + sizeof th, opt);
    skb_store_bits(skb, sizeof(iphdr), hdr, thlen);
    if (paylen)
        fill(skb, sizeof(iphdr) + thlen);
    const auto tcp_len = static_cast<std::uint32_t>(thlen + paylen);
    std::uint32_t sum = csum_tcpudp_nofold(t.saddr, t.daddr, tcp_len, ipproto_tcp);
    sum = skb_checksum(skb, sizeof(iphdr), tcp_len, sum);
    const std::uint16_t check = ksock::cpu_to_be16(csum_fold(sum));
    skb_store_bits(skb, sizeof(iphdr) + 16, &check, sizeof check);
    iphdr h{};
    h.ver_ihl = 0x45;
    h.tos = ipc.tos;
    h.tot_len = ksock::cpu_to_be16(static_cast<std::uint16_t>(tot));
    h.id = ipc.id;
    h.frag_off = ksock::cpu_to_be16(ipc.df ? ip_df : 0);
    h.ttl = ipc.ttl;
    h.protocol = ipproto_tcp;
    h.saddr = t.saddr;
    h.daddr = t.daddr;
    ip_send_check(skb, h, sizeof h);
    ++ipv4_net(ctx).mib.tcp.out_segs;
    if (seg.flags & tcphdr_rst)
        ++ipv4_net(ctx).mib.tcp.out_rsts;
    ++ipv4_net(ctx).mib.ip.out_requests;
    const int err = ip_output_dev(ctx, skb, rt);
    if (err)
        ++ipv4_net(ctx).mib.ip.out_discards;
    return err;
}

//! A socket's 4-tuple, as its segments carry it.
inline tcp_tuple tcp_tuple_of(const sock& sk) noexcept {
    const inet_sock& i = *inet_sk(&sk);
    return {i.inet_saddr, i.inet_daddr(), i.inet_sport, i.inet_dport()};
}

//! ip_queue_xmit for a connection's segment: tcp_v4_emit from \p sk's
//! 4-tuple, with the route \p sk caches.
template <class Ctx, class Fill>
int tcp_v4_xmit(Ctx& ctx, sock& sk, const tcp_out_seg& seg, const tcp_options_out& opt,
                std::size_t paylen, const tcp_out_ip& ipc, Fill&& fill) {
    return tcp_v4_emit(ctx, tcp_tuple_of(sk), seg, opt, paylen, ipc, static_cast<Fill&&>(fill),
                       &sk);
}

//! The IP choices of a connection's segments: its TOS and TTL, DF unless
//! IP_MTU_DISCOVER says DONT (ip_dont_fragment), the id from the
//! connection's counter (ip_select_ident_segs for a connected socket).
template <class Ctx>
tcp_out_ip tcp_ip_of(Ctx& ctx, sock& sk) noexcept {
    inet_sock& i = *inet_sk(&sk);
    const std::uint16_t id = i.inet_id++;
    return {i.tos, ip_select_ttl(i, ipv4_net(ctx).sysctl),
            i.pmtudisc == ip_pmtudisc_do || i.pmtudisc == ip_pmtudisc_want ||
                i.pmtudisc == ip_pmtudisc_probe,
            ksock::cpu_to_be16(id)};
}

//! The options of a connection's segment: on a SYN the MSS this side
//! advertises, SACK-permitted, the timestamp and the window scale as
//! agreed (an active SYN offers what the sysctls allow); after the
//! handshake the timestamp, then the SACK blocks (a D-SACK first).
template <class Ctx>
tcp_options_out tcp_options_of(Ctx& ctx, tcp_sock& tp, bool syn, tcp_sack_block* blocks) noexcept {
    tcp_options_out o{};
    const tcp_options_received& rx = tp.rx_opt;
    if (rx.tstamp_ok) {
        o.tstamp = true;
        o.tsval = tcp_clock_ms(ctx) + tp.tsoffset;
        o.tsecr = rx.ts_recent;
    }
    if (syn) {
        o.mss = tp.advmss;
        o.sack_perm = rx.sack_ok;
        o.wscale = rx.wscale_ok;
        o.ws = tp.rcv_wscale;
        return o;
    }
    if (rx.sack_ok && (rx.num_sacks || rx.dsack)) {
        std::size_t n = 0;
        const std::size_t room = rx.tstamp_ok ? 3 : 4; // 40 option bytes
        if (rx.dsack)
            blocks[n++] = rx.duplicate_sack[0];
        for (std::size_t b = 0; b < rx.num_sacks && n < room; ++b)
            blocks[n++] = rx.selective_acks[b];
        o.num_sacks = static_cast<std::uint8_t>(n);
        o.sacks = blocks;
    }
    return o;
}

//! tcp_event_ack_sent: an ACK left, so none is pending: the delayed-ACK
//! timer stops and, when it acknowledged data an ACK was scheduled for, one
//! quick ACK is used up (tcp_dec_quickack_mode; a window update or a probe's
//! answer uses none).
inline void tcp_event_ack_sent(tcp_sock& tp) noexcept {
    auto& ack = tp.inet_conn.icsk_ack;
    if (ack.quick && (ack.pending & icsk_ack_sched)) {
        if (ack.quick <= 1) {
            ack.quick = 0;
            ack.ato = static_cast<std::uint32_t>(tcp_delack_min);
        } else {
            --ack.quick;
        }
    }
    ack.pending = 0;
    tp.inet_conn.icsk_delack_timer.pending = 0;
    tp.rx_opt.dsack = 0;
}

//! __tcp_transmit_skb for a connection: a segment of \p len bytes from
//! sequence \p seq of the write queue (0 for a bare ACK, SYN or FIN), with
//! \p flags; the ACK field is rcv_nxt, the window the one
//! tcp_select_window offers (a SYN's unscaled). Counts segs_out; an ACK
//! sent ends the delayed ACK.
template <class P, class Ctx>
int tcp_transmit(Ctx& ctx, sock& sk, std::uint32_t seq, std::uint32_t len, std::uint8_t flags) {
    tcp_sock& tp = tcp_of(sk);
    const bool syn = flags & tcphdr_syn;
    tcp_sack_block blocks[tcp_max_sack_blocks];
    tcp_options_out opt = tcp_options_of(ctx, tp, syn, blocks);
    // A full segment has no room for all the SACK blocks due (Linux shrinks
    // the segment, tcp_current_mss): ksock sends fewer blocks instead, the
    // newest first, so a segment never outgrows the path MTU and no skb is
    // taken to split one (with a static pool, splitting every segment while
    // SACKs were due ran the pool dry under load).
    if (const std::uint32_t pmtu = tp.inet_conn.icsk_pmtu_cookie; pmtu && opt.num_sacks)
        while (opt.num_sacks && 20u + 20u + tcp_options_size(opt) + len > pmtu)
            --opt.num_sacks;
    tcp_out_seg seg{};
    seg.seq = seq;
    seg.ack = tp.rcv_nxt;
    seg.flags = flags;
    if (syn) {
        seg.window = static_cast<std::uint16_t>(tp.rcv_wnd < 65535u ? tp.rcv_wnd : 65535u);
    } else if (sk.sk_state() == tcp_syn_recv && tp.parent) {
        // A request sock's ACK (tcp_v4_reqsk_send_ack): its window scaled
        // down, not rounded up.
        seg.window = static_cast<std::uint16_t>(tp.rcv_wnd >> tp.rcv_wscale);
    } else {
        seg.window = tcp_select_window(tp);
    }
    // The urgent pointer (one past the urgent byte) on segments before it.
    if (tcp_urg_mode(tp) && before(seq, tp.snd_up) && !syn) {
        if (before(tp.snd_up, seq + 0x10000)) {
            seg.urg_ptr = static_cast<std::uint16_t>(tp.snd_up - seq);
            seg.flags |= tcphdr_urg;
        } else if (after(seq + 0xffff, tp.snd_nxt)) {
            seg.urg_ptr = 0xffff;
            seg.flags |= tcphdr_urg;
        }
    }
    // ECN's flags, and the TOS's ECT mark for this segment.
    if (syn)
        seg.flags |= tcp_ecn_syn_flags(tp, flags & tcphdr_ack, tp.inet_conn.icsk_retransmits != 0,
                                       ipv4_net(ctx).sysctl.tcp_ecn_fallback);
    else
        seg.flags |= tcp_ecn_send(tp, *inet_sk(&sk), seq, len);
    const std::uint32_t off = seq - tp.snd_una;
    const int err =
        tcp_v4_xmit(ctx, sk, seg, opt, len, tcp_ip_of(ctx, sk), // sk_dst_cache
                    [&](sk_buff* pkt, std::size_t at) {
                        // The bytes of the write queue from off.
                        std::uint32_t skip = off;
                        std::size_t done = 0;
                        for (sk_buff* s = skb_peek(sk.sk_write_queue); s && done < len;
                             s = skb_peek_next(s, sk.sk_write_queue)) {
                            if (skip >= s->msg_len) {
                                skip -= s->msg_len;
                                continue;
                            }
                            std::size_t k = s->msg_len - skip;
                            if (k > len - done)
                                k = len - done;
                            // (A segment longer than a chunk is a chain.)
                            skb_walk(s, skip, k, [&](const unsigned char* p, std::size_t m) {
                                skb_store_bits(pkt, at + done, p, m);
                                done += m;
                                return m;
                            });
                            skip = 0;
                        }
                    });
    ++tp.segs_out;
    if (len)
        ++tp.data_segs_out;
    if (flags & tcphdr_ack)
        tcp_event_ack_sent(tp);
    return err;
}

//! tcp_send_ack: a bare ACK of everything received.
template <class P, class Ctx>
void tcp_send_ack_now(Ctx& ctx, sock& sk) {
    if (sk.sk_state() == tcp_close)
        return;
    const tcp_sock& tp = tcp_of(sk);
    tcp_transmit<P>(ctx, sk, tp.snd_nxt, 0, tcphdr_ack);
}

//! tcp_send_active_reset: an RST with the next sequence number, the ACK of
//! what was received.
template <class P, class Ctx>
void tcp_send_active_reset_dev(Ctx& ctx, sock& sk) {
    const tcp_sock& tp = tcp_of(sk);
    tcp_transmit<P>(ctx, sk, tp.snd_nxt, 0, tcphdr_rst | tcphdr_ack);
    ++ipv4_net(ctx).mib.tcp.estab_resets;
}

//! tcp_v4_send_reset: the answer to a segment no socket takes (or one a
//! socket refuses): after an ACK, an RST with that ACK's number; otherwise
//! an RST+ACK of the segment's sequence space. Never to an RST. \p t is the
//! received segment's tuple seen from this side.
template <class Ctx>
void tcp_v4_send_reset(Ctx& ctx, const tcp_tuple& t, std::uint32_t seq, std::uint32_t ack_seq,
                       std::uint8_t flags, std::uint32_t seg_len) {
    if (flags & tcphdr_rst)
        return;
    tcp_out_seg seg{};
    if (flags & tcphdr_ack) {
        seg.seq = ack_seq;
        seg.flags = tcphdr_rst;
    } else {
        seg.ack =
            seq + seg_len + ((flags & tcphdr_syn) ? 1u : 0u) + ((flags & tcphdr_fin) ? 1u : 0u);
        seg.flags = tcphdr_rst | tcphdr_ack;
    }
    // The namespace's control socket: default TTL, DF, id 0 (a DF packet
    // without a connection, ip_select_ident_segs).
    const tcp_out_ip ipc{0, static_cast<std::uint8_t>(ipv4_net(ctx).sysctl.ip_default_ttl), true,
                         0};
    tcp_v4_emit(ctx, t, seg, tcp_options_out{}, 0, ipc, [](sk_buff*, std::size_t) {});
}

//! tcp_v4_send_ack for a TIME_WAIT mini-sock: its numbers, its window, its
//! timestamp echo.
template <class Ctx>
void tcp_v4_send_tw_ack(Ctx& ctx, inet_timewait_sock& tw) {
    tcp_out_seg seg{};
    seg.seq = tw.tw_snd_nxt;
    seg.ack = tw.tw_rcv_nxt;
    seg.flags = tcphdr_ack;
    seg.window = static_cast<std::uint16_t>(tw.tw_rcv_wnd >> tw.tw_rcv_wscale);
    tcp_options_out o{};
    if (tw.tw_tstamp_ok) {
        o.tstamp = true;
        o.tsval = tcp_clock_ms(ctx) + tw.tw_ts_offset;
        o.tsecr = tw.tw_ts_recent;
    }
    const tcp_tuple t{tw.tw_rcv_saddr, tw.tw_daddr, ksock::cpu_to_be16(tw.tw_num), tw.tw_dport};
    const tcp_out_ip ipc{0, static_cast<std::uint8_t>(ipv4_net(ctx).sysctl.ip_default_ttl), true,
                         0};
    tcp_v4_emit(ctx, t, seg, o, 0, ipc, [](sk_buff*, std::size_t) {});
}

} // namespace ksock::inet
