// ksock/inet/tcp/tcp_rcv.hpp: a segment arriving at a connection that
// sends real segments (net/ipv4/tcp_input.c): tcp_validate_incoming (PAWS,
// the sequence check, RST and SYN under RFC 5961's challenge ACKs),
// tcp_ack, the state changes an ACK of the FIN brings, the data
// (tcp_data_queue: in order to the receive queue, out of order to a sorted
// queue with SACK and D-SACK blocks), the FIN, and the ACK decision (quick
// ACKs, every second full segment, the delayed ACK).
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/tcp_ack.hpp>

namespace ksock::inet {

inline constexpr std::uint32_t tcp_paws_24days = 60 * 60 * 24 * 24; //!< TCP_PAWS_24DAYS (s)
inline constexpr unsigned long tcp_invalid_ratelimit = hz / 2; //!< net.ipv4.tcp_invalid_ratelimit
inline constexpr std::uint8_t icsk_ack_now = 0x20;             //!< ICSK_ACK_NOW

//! The seconds clock of ts_recent_stamp (ktime_get_seconds).
template <class Ctx>
std::uint32_t tcp_seconds(Ctx& ctx) noexcept {
    return static_cast<std::uint32_t>(ctx.jiffies() / static_cast<unsigned long>(hz));
}

//! The out-of-order queue: a list sorted by sequence through skb->next,
//! its head in out_of_order_queue (Linux's rbtree).
inline sk_buff*& tcp_ofo_head(tcp_sock& tp) noexcept {
    return *static_cast<sk_buff**>(static_cast<void*>(&tp.out_of_order_queue.rb_node));
}

//! sk_forward_alloc as Linux would have it: memory is reserved in whole
//! pages and given back whenever a page is free, so what is left of the
//! last page is the reserve (the queues charged as Linux's skbs).
inline std::uint32_t tcp_forward_alloc(const sock& sk) noexcept {
    std::uint32_t charged = static_cast<std::uint32_t>(sk.sk_rmem_alloc);
    for (const sk_buff* s = skb_peek(sk.sk_write_queue); s; s = skb_peek_next(s, sk.sk_write_queue))
        charged += tcp_linux_truesize(s->msg_len);
    constexpr std::uint32_t page = 4096;
    return (page - charged % page) % page;
}

//! tcp_rcv_established's header prediction, for data that acknowledges
//! nothing new: the prediction is on and the header is the one predicted
//! (the ACK flag alone but for PSH, tcp_header_len, the window as
//! recorded), it is the next in sequence with a timestamp not older than
//! ts_recent, and the socket's page reserve takes its truesize. Linux then
//! queues it without tcp_ack and without tcp_data_snd_check: what a cork
//! or Nagle holds stays held.
inline bool tcp_header_predicted(const sock& sk, const tcp_sock& tp, const tcp_seg& s,
                                 std::uint32_t hdrlen, std::uint32_t truesize) noexcept {
    if (!tp.pred_on || sk.sk_state() != tcp_established || hdrlen != tp.tcp_header_len ||
        (s.flags & static_cast<std::uint8_t>(~tcphdr_psh)) != tcphdr_ack ||
        s.window != static_cast<std::uint16_t>(tp.snd_wnd >> tp.rx_opt.snd_wscale) ||
        s.seq != tp.rcv_nxt || s.ack_seq != tp.snd_una || !s.len)
        return false;
    if (tp.rx_opt.tstamp_ok &&
        (!s.opt.saw_tstamp || static_cast<std::int32_t>(s.opt.rcv_tsval - tp.rx_opt.ts_recent) < 0))
        return false;
    return truesize <= tcp_forward_alloc(sk);
}

//! skb_rbtree_purge of the out-of-order queue.
template <class Ctx>
void tcp_ofo_purge(Ctx& ctx, sock& sk) noexcept {
    sk_buff*& head = tcp_ofo_head(tcp_of(sk));
    while (sk_buff* skb = head) {
        head = skb->next;
        skb->next = skb->prev = nullptr;
        kfree_skb(ctx, skb);
    }
}

//! tcp_incr_quickack / tcp_enter_quickack_mode: ACK the next segments at
//! once (up to half the window's worth of full segments, at most \p max).
//!@{
inline void tcp_incr_quickack(tcp_sock& tp, std::uint32_t max) noexcept {
    auto& ack = tp.inet_conn.icsk_ack;
    std::uint32_t q = ack.rcv_mss ? tp.rcv_wnd / (2u * ack.rcv_mss) : 0;
    if (!q)
        q = 2;
    if (q > max)
        q = max;
    if (q > ack.quick)
        ack.quick = static_cast<std::uint8_t>(q);
}
inline void tcp_enter_quickack_mode(tcp_sock& tp, std::uint32_t max) noexcept {
    tcp_incr_quickack(tp, max);
    tp.inet_conn.icsk_ack.pingpong = 0;
    tp.inet_conn.icsk_ack.ato = static_cast<std::uint32_t>(tcp_delack_min);
}
//!@}

//! tcp_data_ecn_check (__tcp_ecn_check_ce): the ECN field of data
//! received on an ECN connection. CE: ECE goes on every segment until the
//! peer's CWR, and the next two ACKs go at once (the sender may have a
//! small window); ECT: marks are seen; Not-ECT after marks were seen is
//! likely a retransmission: quick ACKs too.
inline void tcp_ecn_check_ce(tcp_sock& tp, std::uint8_t dsfield) noexcept {
    if (!(tp.ecn_flags & tcp_ecn_ok))
        return;
    switch (dsfield & inet_ecn_field) {
    case inet_ecn_not_ect:
        if (tp.ecn_flags & tcp_ecn_seen)
            tcp_enter_quickack_mode(tp, 2);
        break;
    case inet_ecn_ce:
        if (!(tp.ecn_flags & tcp_ecn_demand_cwr)) {
            tcp_enter_quickack_mode(tp, 2);
            tp.ecn_flags |= tcp_ecn_demand_cwr;
        }
        tp.ecn_flags |= tcp_ecn_seen;
        break;
    default:
        tp.ecn_flags |= tcp_ecn_seen;
        break;
    }
}

//! tcp_initialize_rcv_mss: a first guess of the peer's segment size.
inline void tcp_initialize_rcv_mss(tcp_sock& tp) noexcept {
    std::uint32_t hint = tp.advmss < tp.mss_cache ? tp.advmss : tp.mss_cache;
    if (hint > tp.rcv_wnd / 2)
        hint = tp.rcv_wnd / 2;
    if (hint > tcp_mss_default)
        hint = tcp_mss_default;
    if (hint < static_cast<std::uint32_t>(tcp_min_mss))
        hint = static_cast<std::uint32_t>(tcp_min_mss);
    tp.inet_conn.icsk_ack.rcv_mss = static_cast<std::uint16_t>(hint);
}

//! tcp_measure_rcv_mss: the peer's segment size from what arrives, and
//! the scaling ratio (payload per truesize) from a full one.
inline void tcp_measure_rcv_mss(tcp_sock& tp, std::uint32_t truesize, std::uint32_t len,
                                std::uint32_t hdrlen) noexcept {
    auto& ack = tp.inet_conn.icsk_ack;
    const std::uint32_t lss = ack.last_seg_size;
    ack.last_seg_size = 0;
    if (len >= ack.rcv_mss) {
        if (len != ack.rcv_mss && truesize) {
            const std::uint64_t v = (std::uint64_t{len} << tcp_rmem_to_win_scale) / truesize;
            const std::uint8_t old_ratio = tp.scaling_ratio;
            tp.scaling_ratio = static_cast<std::uint8_t>(v ? (v > 255 ? 255 : v) : 1);
            if (old_ratio != tp.scaling_ratio) {
                // The window the buffer can offer changed: its clamp follows
                // (tcp_set_window_clamp), rcv_ssthresh no higher.
                const sock& sk = tp.inet_conn.icsk_inet.sk;
                std::uint32_t clamp =
                    static_cast<std::uint32_t>(tcp_win_from_space(tp, sk.sk_rcvbuf));
                if (clamp < 2304) // SOCK_MIN_RCVBUF / 2
                    clamp = 2304;
                if (clamp < tp.window_clamp) {
                    tp.window_clamp = clamp;
                    if (tp.rcv_ssthresh > clamp)
                        tp.rcv_ssthresh = clamp;
                } else if (clamp > tp.window_clamp) {
                    tp.window_clamp = clamp;
                    const std::uint32_t r = tp.rcv_wnd < clamp ? tp.rcv_wnd : clamp;
                    if (r > tp.rcv_ssthresh)
                        tp.rcv_ssthresh = r;
                }
            }
        }
        ack.rcv_mss = static_cast<std::uint16_t>(len < tp.advmss ? len : tp.advmss);
        ack.pending &= static_cast<std::uint8_t>(~icsk_ack_pushed);
        return;
    }
    const std::uint32_t full = len + hdrlen;
    if (full >= tcp_mss_default + tcp_header_size) {
        const std::uint32_t l = full - tp.tcp_header_len;
        ack.last_seg_size = static_cast<std::uint16_t>(l);
        if (l == lss) {
            ack.rcv_mss = static_cast<std::uint16_t>(l);
            return;
        }
    }
    if (ack.pending & icsk_ack_pushed)
        ack.pending |= icsk_ack_pushed2;
    ack.pending |= icsk_ack_pushed;
}

//! __tcp_grow_window: a segment of poor payload per truesize still lets
//! the window grow by two segments while the window is small against what
//! the buffer could become (tcp_rmem[2], \p rmem_max): each halving of
//! that allows a segment with twice the overhead.
inline std::uint32_t tcp_grow_window_slow(const tcp_sock& tp, std::uint32_t truesize,
                                          std::uint32_t len, int rmem_max) noexcept {
    int ts = tcp_win_from_space(tp, static_cast<int>(truesize)) >> 1;
    int window = tcp_win_from_space(tp, rmem_max) >> 1;
    while (static_cast<int>(tp.rcv_ssthresh) <= window) {
        if (ts <= static_cast<int>(len))
            return 2u * tp.inet_conn.icsk_ack.rcv_mss;
        ts >>= 1;
        window >>= 1;
    }
    return 0;
}

//! tcp_grow_window: in-order data lets rcv_ssthresh (the cap of the window
//! offered) grow by two segments, no further than the clamp and the space
//! left in the receive buffer (the segment already charged to it); the
//! next ACK goes at once (quick).
inline void tcp_grow_window(tcp_sock& tp, std::uint32_t truesize, std::uint32_t len,
                            int rmem_max) noexcept {
    const int clamp = static_cast<int>(tp.window_clamp);
    const int space = tcp_space(tp);
    const int room = (clamp < space ? clamp : space) - static_cast<int>(tp.rcv_ssthresh);
    if (room <= 0)
        return;
    std::uint32_t incr = tcp_win_from_space(tp, static_cast<int>(truesize)) <= static_cast<int>(len)
                             ? 2u * tp.advmss
                             : tcp_grow_window_slow(tp, truesize, len, rmem_max);
    if (!incr)
        return;
    if (incr < 2 * len)
        incr = 2 * len;
    tp.rcv_ssthresh +=
        incr < static_cast<std::uint32_t>(room) ? incr : static_cast<std::uint32_t>(room);
    tp.inet_conn.icsk_ack.quick |= 1;
}

//! tcp_event_data_recv: data arrived: an ACK is due, the peer's MSS is
//! measured, and ato adapts to the gaps between arrivals.
template <class Ctx>
void tcp_event_data_recv(Ctx& ctx, tcp_sock& tp, std::uint32_t truesize, std::uint32_t len,
                         std::uint32_t hdrlen) noexcept {
    auto& ack = tp.inet_conn.icsk_ack;
    ack.pending |= icsk_ack_sched;
    tcp_measure_rcv_mss(tp, truesize, len, hdrlen);
    const auto now = static_cast<std::uint32_t>(ctx.jiffies());
    if (!ack.ato) {
        tcp_incr_quickack(tp, tcp_max_quickacks);
        ack.ato = static_cast<std::uint32_t>(tcp_delack_min);
    } else {
        const std::uint32_t m = now - ack.lrcvtime;
        if (m <= tcp_delack_min / 2) {
            ack.ato = (ack.ato >> 1) + static_cast<std::uint32_t>(tcp_delack_min / 2);
        } else if (m < ack.ato) {
            ack.ato = (ack.ato >> 1) + m;
            if (ack.ato > tp.inet_conn.icsk_rto)
                ack.ato = tp.inet_conn.icsk_rto;
        } else if (m > tp.inet_conn.icsk_rto) {
            tcp_incr_quickack(tp, tcp_max_quickacks);
        }
    }
    ack.lrcvtime = now;
    if (len >= 128)
        tcp_grow_window(tp, truesize, len, ipv4_net(ctx).sysctl.tcp_rmem[2]);
}

//! tcp_dsack_set: the next ACK reports [seq, end_seq) as received twice.
template <class Ctx>
void tcp_dsack_set(Ctx& ctx, tcp_sock& tp, std::uint32_t seq, std::uint32_t end_seq) noexcept {
    if (tp.rx_opt.sack_ok && ipv4_net(ctx).sysctl.tcp_dsack) {
        tp.rx_opt.dsack = 1;
        tp.rx_opt.duplicate_sack[0] = {seq, end_seq};
    }
}

//! tcp_sack_new_ofo_skb: the block that holds a new out-of-order segment
//! goes first (grown, or a new one; the oldest falls off a full list).
inline void tcp_sack_new_ofo(tcp_sock& tp, std::uint32_t seq, std::uint32_t end_seq) noexcept {
    tcp_options_received& rx = tp.rx_opt;
    tcp_sack_block* sp = rx.selective_acks;
    std::size_t n = rx.num_sacks;
    for (std::size_t i = 0; i < n; ++i) {
        if (!after(seq, sp[i].end_seq) && !after(sp[i].start_seq, end_seq)) {
            if (before(seq, sp[i].start_seq))
                sp[i].start_seq = seq;
            if (after(end_seq, sp[i].end_seq))
                sp[i].end_seq = end_seq;
            const tcp_sack_block b = sp[i];
            for (std::size_t k = i; k > 0; --k)
                sp[k] = sp[k - 1];
            sp[0] = b;
            // tcp_sack_maybe_coalesce: blocks the first now overlaps merge.
            for (std::size_t k = 1; k < rx.num_sacks;) {
                if (!after(sp[k].start_seq, sp[0].end_seq) &&
                    !after(sp[0].start_seq, sp[k].end_seq)) {
                    if (before(sp[k].start_seq, sp[0].start_seq))
                        sp[0].start_seq = sp[k].start_seq;
                    if (after(sp[k].end_seq, sp[0].end_seq))
                        sp[0].end_seq = sp[k].end_seq;
                    for (std::size_t j = k + 1; j < rx.num_sacks; ++j)
                        sp[j - 1] = sp[j];
                    --rx.num_sacks;
                } else {
                    ++k;
                }
            }
            return;
        }
    }
    if (n >= tcp_max_sack_blocks)
        n = tcp_max_sack_blocks - 1;
    for (std::size_t k = n; k > 0; --k)
        sp[k] = sp[k - 1];
    sp[0] = {seq, end_seq};
    rx.num_sacks = static_cast<std::uint8_t>(n + 1);
}

//! tcp_sack_remove: blocks rcv_nxt has reached are gone.
inline void tcp_sack_remove(tcp_sock& tp) noexcept {
    tcp_options_received& rx = tp.rx_opt;
    if (!tcp_ofo_head(tp)) {
        rx.num_sacks = 0;
        return;
    }
    for (std::size_t i = 0; i < rx.num_sacks;) {
        if (!before(tp.rcv_nxt, rx.selective_acks[i].start_seq)) {
            for (std::size_t k = i + 1; k < rx.num_sacks; ++k)
                rx.selective_acks[k - 1] = rx.selective_acks[k];
            --rx.num_sacks;
        } else {
            ++i;
        }
    }
}

//! tcp_queue_rcv: in-order bytes to the receive queue (joined to the tail
//! skb when they fit there: tcp_try_coalesce), rcv_nxt moved on.
template <class Ctx>
void tcp_queue_rcv(Ctx& ctx, sock& sk, sk_buff* skb) {
    tcp_sock& tp = tcp_of(sk);
    const std::uint32_t len = skb->msg_len;
    tp.rcv_nxt = tcp_cb(*skb).end_seq;
    tp.bytes_received += len;
    if (!len) {
        kfree_skb(ctx, skb);
        return;
    }
    sk_buff* tail = skb_peek_tail(sk.sk_receive_queue);
    if (tail && !tail->frag_next && !skb->frag_next && tail->consumed == 0 &&
        tail->cap - tail->len >= len && !(tcp_cb(*tail).tcp_flags & tcphdr_fin)) {
        skb_copy_bits(skb, 0, tail->head + tail->len, len);
        tail->len += len;
        tail->msg_len += len;
        tcp_cb(*tail).end_seq = tcp_cb(*skb).end_seq;
        kfree_skb(ctx, skb);
        return;
    }
    skb_set_owner_r(skb, sk);
    skb_queue_tail(sk.sk_receive_queue, skb);
}

template <class P, class Ctx>
void tcp_fin_dev(Ctx& ctx, sock& sk);

//! tcp_ofo_queue: what the out-of-order queue holds that rcv_nxt reached
//! moves to the receive queue (the part already there reported as D-SACK).
template <class P, class Ctx>
void tcp_ofo_queue(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    sk_buff*& head = tcp_ofo_head(tp);
    while (sk_buff* skb = head) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (after(cb.seq, tp.rcv_nxt))
            break;
        head = skb->next;
        skb->next = skb->prev = nullptr;
        skb_orphan(ctx, skb);
        if (!after(cb.end_seq, tp.rcv_nxt)) {
            kfree_skb(ctx, skb);
            continue;
        }
        const bool fin = cb.tcp_flags & tcphdr_fin;
        if (before(cb.seq, tp.rcv_nxt)) {
            skb_pull(skb, tp.rcv_nxt - cb.seq);
            cb.seq = tp.rcv_nxt;
        }
        tcp_queue_rcv(ctx, sk, skb);
        if (fin) {
            tcp_fin_dev<P>(ctx, sk);
            break;
        }
    }
}

//! The pool chunks an skb chain holds.
inline std::size_t skb_chunks(const sk_buff* skb) noexcept {
    std::size_t n = 0;
    for (; skb; skb = skb->frag_next)
        ++n;
    return n;
}

//! tcp_prune_ofo_queue, for a static pool: the out-of-order queue may hold
//! at most a quarter of the stack's skb chunks (Linux prunes it when the
//! receive memory runs over; here the pool is the memory, and a queue that
//! took it all would leave no skb for the segment that fills the hole).
//! Segments go from the highest sequence down, as Linux's pruning goes,
//! but never one below the incoming segment at \p in_seq: one that would
//! land last is dropped itself (Linux's pruning stops there, in_skb), or
//! every segment past a hole would evict the one SACKed before it, and the
//! sender would see the receiver renege on each. The
//! SACK blocks are rebuilt from what arrives next. True when \p need more
//! chunks fit.
template <class Ctx>
bool tcp_prune_ofo_queue(Ctx& ctx, sock& sk, std::size_t need, std::uint32_t in_seq) {
    tcp_sock& tp = tcp_of(sk);
    const std::size_t limit = Ctx::skbs_capacity / 4 ? Ctx::skbs_capacity / 4 : 1;
    for (;;) {
        std::size_t held = 0;
        sk_buff** last = nullptr;
        for (sk_buff** l = &tcp_ofo_head(tp); *l; l = &(*l)->next) {
            held += skb_chunks(*l);
            last = l;
        }
        if (held + need <= limit)
            return true;
        if (!last || after(in_seq, tcp_cb(**last).seq))
            return false;
        sk_buff* drop = *last;
        *last = nullptr;
        drop->next = nullptr;
        kfree_skb(ctx, drop);
        tp.rx_opt.num_sacks = 0;
    }
}

//! tcp_data_queue_ofo: a segment beyond rcv_nxt waits in order; one the
//! queue already holds is a D-SACK; one that overlaps is trimmed to what is
//! new. A SACK block reports it. False when there was no room.
template <class Ctx>
void tcp_data_queue_ofo(Ctx& ctx, sock& sk, sk_buff* skb) {
    tcp_sock& tp = tcp_of(sk);
    tcp_skb_cb& cb = tcp_cb(*skb);
    tcp_ecn_check_ce(tp, cb.ip_dsfield);
    tp.inet_conn.icsk_ack.pending |= icsk_ack_sched;
    if (sk.sk_rmem_alloc > sk.sk_rcvbuf || !tcp_prune_ofo_queue(ctx, sk, skb_chunks(skb), cb.seq)) {
        kfree_skb(ctx, skb); // tcp_try_rmem_schedule failed: LINUX_MIB_TCPOFODROP
        return;
    }
    sk_buff** link = &tcp_ofo_head(tp);
    sk_buff* prev = nullptr;
    while (*link && !after(tcp_cb(**link).seq, cb.seq)) {
        prev = *link;
        link = &(*link)->next;
    }
    if (prev && !before(tcp_cb(*prev).end_seq, cb.end_seq)) {
        // All of it is queued already.
        tcp_dsack_set(ctx, tp, cb.seq, cb.end_seq);
        kfree_skb(ctx, skb);
        return;
    }
    if (prev && after(tcp_cb(*prev).end_seq, cb.seq)) {
        tcp_dsack_set(ctx, tp, cb.seq, tcp_cb(*prev).end_seq);
        const std::uint32_t cut = tcp_cb(*prev).end_seq - cb.seq;
        skb_pull(skb, cut);
        cb.seq += cut;
    }
    // Later segments it covers go; one it overlaps keeps its bytes.
    while (sk_buff* next = *link) {
        tcp_skb_cb& nc = tcp_cb(*next);
        if (!after(cb.end_seq, nc.seq))
            break;
        if (after(nc.end_seq, cb.end_seq)) {
            // Its chunks too keep only the first bytes: a reader walks them.
            std::uint32_t keep = nc.seq - cb.seq;
            skb->msg_len = keep;
            for (sk_buff* c = skb; c; c = c->frag_next) {
                if (c->len > keep)
                    c->len = keep;
                keep -= c->len;
            }
            cb.end_seq = nc.seq;
            break;
        }
        tcp_dsack_set(ctx, tp, nc.seq, nc.end_seq);
        *link = next->next;
        next->next = nullptr;
        kfree_skb(ctx, next);
    }
    skb->next = *link;
    *link = skb;
    skb_set_owner_r(skb, sk);
    if (tp.rx_opt.sack_ok)
        tcp_sack_new_ofo(tp, cb.seq, cb.end_seq);
}

//! tcp_data_queue: \p skb's data (its headers pulled, cb filled).
template <class P, class Ctx>
void tcp_data_queue(Ctx& ctx, sock& sk, sk_buff* skb, std::uint32_t hdrlen) {
    tcp_sock& tp = tcp_of(sk);
    tcp_skb_cb& cb = tcp_cb(*skb);
    if (cb.seq == cb.end_seq) {
        kfree_skb(ctx, skb);
        return;
    }
    if (tcp_ecn_accept_cwr(tp, cb.tcp_flags, true))
        tp.inet_conn.icsk_ack.pending |= icsk_ack_now;
    tp.rx_opt.dsack = 0;
    auto out_of_window = [&] {
        tcp_enter_quickack_mode(tp, tcp_max_quickacks);
        tp.inet_conn.icsk_ack.pending |= icsk_ack_sched;
        kfree_skb(ctx, skb);
    };
    if (before(cb.seq, tp.rcv_nxt) && after(cb.end_seq, tp.rcv_nxt)) {
        // Partly old: D-SACK the old part, keep the rest.
        tcp_dsack_set(ctx, tp, cb.seq, tp.rcv_nxt);
        if (!tcp_receive_window(tp)) {
            out_of_window();
            return;
        }
        skb_pull(skb, tp.rcv_nxt - cb.seq);
        cb.seq = tp.rcv_nxt;
    }
    if (cb.seq == tp.rcv_nxt) {
        const bool fin = cb.tcp_flags & tcphdr_fin;
        const std::uint32_t len = skb->msg_len;
        if (!tcp_receive_window(tp) && !(fin && !len)) {
            out_of_window();
            return;
        }
        if (len && sk.sk_rmem_alloc > sk.sk_rcvbuf && !skb_queue_empty(sk.sk_receive_queue)) {
            // tcp_try_rmem_schedule failed (the memory already over the
            // buffer: one segment may overshoot it, as in Linux) with data
            // queued: dropped, and
            // the ACK says the window is closed (ICSK_ACK_NOW).
            tp.inet_conn.icsk_ack.pending |= icsk_ack_sched | icsk_ack_now;
            kfree_skb(ctx, skb);
            return;
        }
        const std::uint32_t end = cb.end_seq;
        (void)end;
        // Queued (and charged) first, then measured: the window may grow
        // only into the room the segment leaves (tcp_data_queue).
        const std::uint32_t truesize = skb->truesize;
        const std::uint8_t dsfield = cb.ip_dsfield;
        tcp_queue_rcv(ctx, sk, skb);
        if (len) {
            tcp_event_data_recv(ctx, tp, truesize, len, hdrlen);
            tcp_ecn_check_ce(tp, dsfield);
        }
        if (fin)
            tcp_fin_dev<P>(ctx, sk);
        if (tcp_ofo_head(tp)) {
            tcp_ofo_queue<P>(ctx, sk);
            if (!tcp_ofo_head(tp))
                tp.inet_conn.icsk_ack.pending |= icsk_ack_now;
        }
        if (tp.rx_opt.num_sacks)
            tcp_sack_remove(tp);
        tcp_fast_path_check(sk);
        if (!sock_flag(sk, sock_dead) && len)
            ctx.sk_data_ready(sk);
        return;
    }
    if (!after(cb.end_seq, tp.rcv_nxt)) {
        // A retransmission of what arrived: ACK at once, with a D-SACK.
        tcp_dsack_set(ctx, tp, cb.seq, cb.end_seq);
        out_of_window();
        return;
    }
    if (!before(cb.seq, tp.rcv_nxt + tcp_receive_window(tp))) {
        out_of_window(); // beyond the window (a zero-window probe)
        return;
    }
    tp.pred_on = 0; // tcp_data_queue_ofo: no prediction while a hole is open
    tcp_data_queue_ofo(ctx, sk, skb);
}

//! tcp_fin for a connection on a device: the peer sent everything.
template <class P, class Ctx>
void tcp_fin_dev(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    tp.inet_conn.icsk_ack.pending |= icsk_ack_sched;
    sk.sk_shutdown |= rcv_shutdown;
    sock_set_flag(sk, sock_done);
    switch (sk.sk_state()) {
    case tcp_syn_recv:
    case tcp_established:
        tcp_set_state<P>(ctx, sk, tcp_close_wait);
        inet_csk_enter_pingpong_mode(tp.inet_conn);
        break;
    case tcp_fin_wait1:
        // Simultaneous close: ACK it, CLOSING.
        tcp_send_ack_now<P>(ctx, sk);
        tcp_set_state<P>(ctx, sk, tcp_closing);
        break;
    case tcp_fin_wait2:
        tcp_send_ack_now<P>(ctx, sk);
        tcp_enter_time_wait<P>(ctx, sk, tcp_time_wait, tcp_timewait_len);
        return;
    default:
        break;
    }
    tcp_ofo_purge(ctx, sk);
    tp.rx_opt.num_sacks = 0;
    if (!sock_flag(sk, sock_dead))
        ctx.sk_state_change(sk);
}

//! __tcp_ack_snd_check: ACK now (more than a full segment since the last
//! ACK and the window would not shrink; quick-ACK mode; a state that asks
//! for it; data out of order), else the delayed ACK.
template <class P, class Ctx>
void tcp_ack_snd_check(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    auto& ack = tp.inet_conn.icsk_ack;
    if (!(ack.pending & icsk_ack_sched))
        return;
    const bool quick = ack.quick && ack.pingpong < tcp_pingpong_thresh;
    if ((tp.rcv_nxt - tp.rcv_wup > ack.rcv_mss && tcp_select_window_space(tp) >= tp.rcv_wnd) ||
        quick || (ack.pending & icsk_ack_now) || tcp_ofo_head(tp)) {
        tcp_send_ack_now<P>(ctx, sk);
        return;
    }
    tcp_send_delayed_ack<P>(ctx, sk);
}

//! __tcp_oow_rate_limited: true when an out-of-window ACK went less than
//! net.ipv4.tcp_invalid_ratelimit ago; else the time of this one is kept.
template <class Ctx>
bool tcp_oow_limited_now(Ctx& ctx, tcp_sock& tp) noexcept {
    const auto now = static_cast<std::uint32_t>(ctx.jiffies());
    if (tp.last_oow_ack_time && static_cast<std::int32_t>(now - tp.last_oow_ack_time) <
                                    static_cast<std::int32_t>(tcp_invalid_ratelimit))
        return true;
    tp.last_oow_ack_time = now ? now : 1;
    return false;
}

//! tcp_oow_rate_limited: ACKs to out-of-window segments (and challenge
//! ACKs) at most one per net.ipv4.tcp_invalid_ratelimit per connection;
//! data without a SYN is never limited.
template <class Ctx>
bool tcp_oow_rate_limited(Ctx& ctx, tcp_sock& tp, const tcp_seg& s) noexcept {
    if (s.seq != s.end_seq && !(s.flags & tcphdr_syn))
        return false;
    return tcp_oow_limited_now(ctx, tp);
}

//! tcp_send_dupack: an old retransmission is answered at once with a
//! D-SACK; any out-of-window segment with an ACK.
template <class P, class Ctx>
void tcp_send_dupack(Ctx& ctx, sock& sk, const tcp_seg& s) {
    tcp_sock& tp = tcp_of(sk);
    if (s.end_seq != s.seq && before(s.seq, tp.rcv_nxt)) {
        tcp_enter_quickack_mode(tp, tcp_max_quickacks);
        tcp_dsack_set(ctx, tp, s.seq, after(s.end_seq, tp.rcv_nxt) ? tp.rcv_nxt : s.end_seq);
    }
    tcp_send_ack_now<P>(ctx, sk);
}

//! tcp_send_challenge_ack (RFC 5961): rate-limited per connection.
template <class P, class Ctx>
void tcp_send_challenge_ack(Ctx& ctx, sock& sk, const tcp_seg& s) {
    (void)s;
    if (!tcp_oow_limited_now(ctx, tcp_of(sk)))
        tcp_send_ack_now<P>(ctx, sk);
}

//! tcp_paws_check: the segment's TS val is not older than ts_recent (by
//! more than \p win), or ts_recent is stale (24 days) or 0.
template <class Ctx>
bool tcp_paws_check(Ctx& ctx, const tcp_options_received& rx, const tcp_seg& s, int win) noexcept {
    if (static_cast<std::int32_t>(rx.ts_recent - s.opt.rcv_tsval) <= win)
        return true;
    if (static_cast<std::int32_t>(tcp_seconds(ctx) - (rx.ts_recent_stamp + tcp_paws_24days)) >= 0)
        return true;
    return !rx.ts_recent;
}

//! tcp_sequence: the segment overlaps the window (the right edge counts
//! only while the receive queue is empty).
inline bool tcp_sequence_ok(const sock& sk, const tcp_sock& tp, const tcp_seg& s) noexcept {
    if (before(s.end_seq, tp.rcv_wup))
        return false;
    const std::uint32_t edge = tp.rcv_nxt + tcp_receive_window(tp);
    if (after(s.end_seq, edge)) {
        if (after(s.seq, edge))
            return false;
        if (!skb_queue_empty(sk.sk_receive_queue))
            return false;
    }
    return true;
}

} // namespace ksock::inet
