// ksock/inet/tcp/tcp_write_xmit.hpp: a connection's segments going out
// (net/ipv4/tcp_output.c, tcp_timer.c): tcp_write_xmit under the
// congestion window, the peer's window and Nagle; retransmission of a
// segment and of the lost ones; the SYN (tcp_connect), the SYN-ACK, the
// FIN; the delayed ACK; the window update after a read (tcp_cleanup_rbuf);
// and the timers that send (retransmission, zero-window probe, delayed
// ACK, keepalive).
//
// The write queue holds one skb per segment (tcp_skb_cb.hpp): unsent ones
// after the sent ones, which stay until acknowledged. A FIN rides on the
// last segment when that one has not left yet, else it goes alone (then
// tp->fin_alone marks it in flight: it has no skb of its own).
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/inet/tcp/tcp_cong.hpp>
#include <ksock/inet/tcp/tcp_skb_data.hpp>
#include <ksock/inet/tcp/tcp_stream_memory.hpp>
#include <ksock/inet/tcp/tcp_transmit.hpp>

namespace ksock::inet {

// icsk_pending
inline constexpr std::uint8_t icsk_time_retrans = 1;      //!< ICSK_TIME_RETRANS
inline constexpr std::uint8_t icsk_time_probe0 = 3;       //!< ICSK_TIME_PROBE0
inline constexpr std::uint8_t icsk_time_reo_timeout = 4;  //!< ICSK_TIME_REO_TIMEOUT (RACK)
inline constexpr std::uint8_t icsk_time_loss_probe = 5;   //!< ICSK_TIME_LOSS_PROBE (TLP)
inline constexpr std::uint32_t tcp_timeout_min_us = 2000; //!< TCP_TIMEOUT_MIN_US
inline constexpr std::uint8_t icsk_ack_timer = 2;         //!< ICSK_ACK_TIMER
inline constexpr std::uint8_t icsk_ack_pushed2 = 8;       //!< ICSK_ACK_PUSHED2
inline constexpr std::uint32_t tcp_max_quickacks = 16;    //!< TCP_MAX_QUICKACKS
//! TCP_RESOURCE_PROBE_INTERVAL: the retry of a transmit that found no memory.
inline constexpr std::uint32_t tcp_resource_probe_interval = hz / 2;

//! tcp_packets_in_flight: sent, not acknowledged, not SACKed, not lost, or
//! retransmitted.
constexpr std::uint32_t tcp_packets_in_flight(const tcp_sock& tp) noexcept {
    return tp.packets_out - (tp.sacked_out + tp.lost_out) + tp.retrans_out;
}

//! The FIN is part of the sequence space: the socket closed its sending
//! side (the states after tcp_close_state sent or queued it).
inline bool tcp_fin_in_seq(const sock& sk) noexcept {
    return (1u << sk.sk_state()) &
           ((1u << tcp_fin_wait1) | (1u << tcp_fin_wait2) | (1u << tcp_closing) |
            (1u << tcp_last_ack) | (1u << tcp_time_wait));
}

//! inet_csk_reset_xmit_timer: the retransmission timer (one timer, its
//! kind in icsk_pending) fires \p when jiffies from now.
template <class Ctx>
void tcp_reset_xmit_timer(Ctx& ctx, tcp_sock& tp, std::uint8_t what, unsigned long when) noexcept {
    inet_connection_sock& icsk = tp.inet_conn;
    if (when > icsk.icsk_rto_max)
        when = icsk.icsk_rto_max;
    icsk.icsk_pending = what;
    icsk.icsk_timeout = ctx.jiffies() + when;
    icsk.icsk_retransmit_timer.expires = icsk.icsk_timeout;
    icsk.icsk_retransmit_timer.pending = 1;
}
//! inet_csk_clear_xmit_timer: the retransmission timer stops.
inline void tcp_clear_xmit_timer(tcp_sock& tp) noexcept {
    tp.inet_conn.icsk_pending = 0;
    tp.inet_conn.icsk_retransmit_timer.pending = 0;
}

//! tcp_clamp_rto_to_user_timeout: with TCP_USER_TIMEOUT, the next
//! retransmission never waits past it.
template <class Ctx>
unsigned long tcp_clamp_rto_to_user_timeout(Ctx& ctx, const tcp_sock& tp) noexcept {
    const unsigned long rto = tp.inet_conn.icsk_rto;
    const std::uint32_t ut = tp.inet_conn.icsk_user_timeout;
    if (!ut || !tp.retrans_stamp)
        return rto;
    const std::uint32_t elapsed = tcp_clock_ms(ctx) - tp.retrans_stamp;
    if (elapsed >= ut)
        return 1;
    const auto left = static_cast<unsigned long>(msecs_to_jiffies(ut - elapsed));
    return left < rto ? (left ? left : 1) : rto;
}

//! tcp_rearm_rto: the retransmission timer runs while segments are out.
template <class Ctx>
void tcp_rearm_rto(Ctx& ctx, tcp_sock& tp) noexcept {
    if (!tp.packets_out) {
        tcp_clear_xmit_timer(tp);
        return;
    }
    tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, tcp_clamp_rto_to_user_timeout(ctx, tp));
}

//! tcp_rto_delta_us: how far in the future the RTO of the oldest segment
//! out lies (its send time + the RTO), in µs; the RTO itself when none.
template <class Ctx>
long tcp_rto_delta_us(Ctx& ctx, const sock& sk) noexcept {
    const tcp_sock& tp = *tcp_sk(&sk);
    const long rto_us = static_cast<long>(jiffies_to_usecs(tp.inet_conn.icsk_rto));
    const sk_buff* head = skb_peek(sk.sk_write_queue);
    if (!head || !tcp_cb(*head).sent)
        return rto_us;
    const auto since = static_cast<std::int32_t>(tcp_clock_ms(ctx) - tcp_cb(*head).when);
    return rto_us - static_cast<long>(since) * 1000;
}

//! tcp_schedule_loss_probe: with SACK, in Open or CWR, a tail loss probe in
//! two RTTs (plus rto_min when one segment is out, for the peer's delayed
//! ACK; plus 2 ms otherwise), TCP_TIMEOUT_INIT without an RTT, never later
//! than the RTO. False when no probe applies (the RTO stays).
template <class Ctx>
bool tcp_schedule_loss_probe(Ctx& ctx, sock& sk, bool advancing_rto) {
    tcp_sock& tp = tcp_of(sk);
    const int er = ipv4_net(ctx).sysctl.tcp_early_retrans;
    const std::uint8_t ca = tp.inet_conn.icsk_ca_state;
    if ((er != 3 && er != 4) || !tp.packets_out || !tp.rx_opt.sack_ok ||
        (ca != 0 /* Open */ && ca != 2 /* CWR */))
        return false;
    unsigned long timeout;
    if (tp.srtt_us) {
        std::uint32_t us = tp.srtt_us >> 2;
        us +=
            tp.packets_out == 1 ? jiffies_to_usecs(tp.inet_conn.icsk_rto_min) : tcp_timeout_min_us;
        timeout = static_cast<unsigned long>(units_to_jiffies<1000000>(us));
    } else {
        timeout = tcp_timeout_init;
    }
    const long delta = advancing_rto ? static_cast<long>(jiffies_to_usecs(tp.inet_conn.icsk_rto))
                                     : tcp_rto_delta_us(ctx, sk);
    if (delta > 0) {
        const auto d = static_cast<unsigned long>(
            units_to_jiffies<1000000>(static_cast<std::uint32_t>(delta)));
        if (d < timeout)
            timeout = d;
    }
    tcp_reset_xmit_timer(ctx, tp, icsk_time_loss_probe, timeout);
    return true;
}

//! tcp_set_xmit_timer: after an ACK, a loss probe if one applies, else
//! the RTO.
template <class Ctx>
void tcp_set_xmit_timer(Ctx& ctx, sock& sk) {
    if (!tcp_schedule_loss_probe(ctx, sk, true))
        tcp_rearm_rto(ctx, tcp_of(sk));
}

//! tcp_send_delayed_ack: the ACK waits up to ato (no more than the RTT
//! when known, TCP_DELACK_MAX in pingpong mode or after a pushed segment,
//! else HZ/2, and never more than icsk_delack_max); a timer already due
//! within a quarter of that sends it now.
template <class P, class Ctx>
void tcp_send_delayed_ack(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    inet_connection_sock& icsk = tp.inet_conn;
    unsigned long ato = icsk.icsk_ack.ato;
    if (ato > tcp_delack_min) {
        unsigned long max_ato = hz / 2;
        if (icsk.icsk_ack.pingpong >= tcp_pingpong_thresh ||
            (icsk.icsk_ack.pending & icsk_ack_pushed))
            max_ato = tcp_delack_max;
        if (tp.srtt_us) {
            unsigned long rtt =
                static_cast<unsigned long>(units_to_jiffies<1000000>(tp.srtt_us >> 3));
            if (rtt < tcp_delack_min)
                rtt = tcp_delack_min;
            if (rtt < max_ato)
                max_ato = rtt;
        }
        if (ato > max_ato)
            ato = max_ato;
    }
    if (ato > icsk.icsk_delack_max)
        ato = icsk.icsk_delack_max;
    unsigned long timeout = ctx.jiffies() + ato;
    timer_list& t = icsk.icsk_delack_timer;
    if (icsk.icsk_ack.pending & icsk_ack_timer) {
        if (static_cast<long>(t.expires - (ctx.jiffies() + (ato >> 2))) <= 0) {
            tcp_send_ack_now<P>(ctx, sk);
            return;
        }
        if (static_cast<long>(timeout - t.expires) >= 0)
            timeout = t.expires;
    }
    icsk.icsk_ack.pending |= icsk_ack_sched | icsk_ack_timer;
    t.expires = timeout;
    t.pending = 1;
}

//! How many bytes tcp_sendmsg may add to \p tail, the last skb of the write
//! queue: up to one segment (size_goal without TSO; a chain of chunks when
//! the MSS is longer than one), and nothing once it has left.
inline std::size_t tcp_skb_room(const tcp_sock& tp, const sk_buff* tail) noexcept {
    if (!tail)
        return 0;
    if (!tp.segments)
        return tail->cap - tail->len;
    if (tcp_cb(*tail).sent)
        return 0;
    const std::uint32_t goal = tp.mss_cache ? tp.mss_cache : tail->cap;
    return tail->msg_len < goal ? goal - tail->msg_len : 0;
}

//! Whether tcp_sendmsg may take another skb for the write queue. On a
//! device every segment also needs a packet skb to leave, and the ACKs
//! that free the queue need skbs to arrive: a write queue that took the
//! static pool (with the out-of-order queue's quarter) would leave nothing
//! to send it with and no ARP or ACK could come in. So the writer stops
//! while half the pool is in use, as Linux's sendmsg stops at the memory
//! limit (the caller waits, or EAGAIN). lo's model sends from the write
//! queue itself.
template <class Ctx>
bool tcp_may_queue_skb(Ctx& ctx, const tcp_sock& tp) noexcept {
    if constexpr (requires { ctx.skbs_available(); })
        return !tp.segments || ctx.skbs_available() > Ctx::skbs_capacity / 2;
    else
        return true;
}

//! tcp_mark_push: the last segment of a send carries PSH.
inline void tcp_mark_push(tcp_sock& tp, sk_buff* skb) noexcept {
    if (!skb || !tp.segments)
        return;
    tcp_cb(*skb).tcp_flags |= tcphdr_psh;
    tp.pushed_seq = tp.write_seq;
    tp.chunk_segs = 0;
}

//! The pacing rate tcp_update_pacing_rate sets, in bytes per second:
//! twice cwnd * mss per srtt in slow start (below half ssthresh), 1.2 times
//! it after; unlimited before an RTT sample.
inline std::uint64_t tcp_pacing_rate(const tcp_sock& tp) noexcept {
    if (!tp.srtt_us)
        return ~0ULL;
    std::uint64_t rate = std::uint64_t{tp.mss_cache} * ((1000000 / 100) << 3);
    rate *= tp.snd_cwnd < tp.snd_ssthresh / 2 ? 200 : 120;
    rate *= tp.snd_cwnd > tp.packets_out ? tp.snd_cwnd : tp.packets_out;
    return rate / tp.srtt_us;
}

//! tcp_tso_autosize: the segments of one GSO skb, about 1 ms of data at the
//! pacing rate (sk_pacing_shift 10), plus a share of 64 KB on a path whose
//! minimum RTT is short (tcp_tso_rtt_log 9), at least tcp_min_tso_segs (2).
inline std::uint32_t tcp_tso_autosize(const tcp_sock& tp) noexcept {
    constexpr std::uint64_t gso_max_size = 65536;
    const std::uint64_t rate = tcp_pacing_rate(tp);
    std::uint64_t bytes = rate >> 10;
    const std::uint32_t min_rtt = tp.rtt_min.s[0].v;
    const std::uint32_t r = min_rtt >> 9;
    if (r < 32)
        bytes += gso_max_size >> r;
    if (bytes > gso_max_size)
        bytes = gso_max_size;
    const std::uint64_t segs = tp.mss_cache ? bytes / tp.mss_cache : 0;
    return segs > 2 ? static_cast<std::uint32_t>(segs) : 2u;
}

//! A segment of the write queue just became full: where Linux's GSO skb
//! would end, it ends (software GSO gives that segment PSH on the wire).
inline void tcp_segment_filled(tcp_sock& tp, sk_buff* skb) noexcept {
    if (!tp.segments)
        return;
    if (++tp.chunk_segs >= tcp_tso_autosize(tp)) {
        tcp_cb(*skb).gso_end = 1;
        tp.chunk_segs = 0;
    }
}

//! forced_push: more than half the largest window went into the queue
//! since the last PSH; the skb just filled gets one (tcp_sendmsg).
inline bool tcp_forced_push(const tcp_sock& tp) noexcept {
    return after(tp.write_seq, tp.pushed_seq + (tp.max_window >> 1));
}

//! Whether the write queue's last skb of Linux's has begun and is not yet
//! full: it began at goal_seq, or at snd_nxt when tso_fragment sent its
//! head, and takes size_goal bytes.
inline bool tcp_goal_room(const tcp_sock& tp) noexcept {
    const std::uint32_t start = after(tp.snd_nxt, tp.goal_seq) ? tp.snd_nxt : tp.goal_seq;
    return tp.write_seq != start && tp.write_seq - start < tcp_xmit_size_goal(tp);
}

//! A segment of the write queue just became full while a send goes on:
//! when it also fills Linux's skb (size_goal bytes from where that began,
//! or from snd_nxt when tso_fragment sent its head), tcp_sendmsg's forced
//! push may mark it, and the next bytes start a new one.
inline void tcp_goal_filled(tcp_sock& tp, sk_buff* skb) noexcept {
    if (!tp.segments || tcp_goal_room(tp))
        return;
    tp.goal_seq = tp.write_seq;
    if (tcp_forced_push(tp))
        tcp_mark_push(tp, skb);
}

//! The number of bytes of data of the write queue (the FIN excluded).
inline std::uint32_t tcp_data_end(const sock& sk) noexcept {
    const tcp_sock& tp = *tcp_sk(&sk);
    return tp.write_seq - (tcp_fin_in_seq(sk) ? 1u : 0u);
}

//! tcp_event_new_data_sent: \p skb left for the first time.
template <class Ctx>
void tcp_event_new_data_sent(Ctx& ctx, tcp_sock& tp, std::uint32_t end_seq) noexcept {
    const std::uint32_t prior = tp.packets_out;
    if (after(end_seq, tp.snd_nxt))
        tp.snd_nxt = end_seq;
    ++tp.packets_out;
    if (!prior || tp.inet_conn.icsk_pending == icsk_time_loss_probe)
        tcp_rearm_rto(ctx, tp);
}

//! tcp_event_data_sent: a restart after idle (no segment out for an RTO)
//! begins from the initial window again (tcp_cwnd_restart); then the
//! pingpong count (a reply within ato of the last data received).
template <class Ctx>
void tcp_event_data_sent_dev(Ctx& ctx, tcp_sock& tp) noexcept {
    const std::uint32_t now = tcp_clock_ms(ctx);
    if (!tp.packets_out) {
        tcp_ca_tx_start(tp, now);
        const auto delta = static_cast<std::int32_t>(now - tp.lsndtime);
        const auto rto = static_cast<std::int32_t>(tp.inet_conn.icsk_rto);
        if (ipv4_net(ctx).sysctl.tcp_slow_start_after_idle && tp.lsndtime && delta > rto) {
            // tcp_cwnd_restart
            const std::uint32_t ss = tp.snd_ssthresh;
            const std::uint32_t cur = (tp.snd_cwnd >> 1) + (tp.snd_cwnd >> 2);
            tp.snd_ssthresh = ss > cur ? ss : cur; // tcp_current_ssthresh
            std::uint32_t cwnd = tp.snd_cwnd;
            std::int32_t d = delta;
            while ((d -= rto) > 0 && cwnd > tcp_init_cwnd)
                cwnd >>= 1;
            tp.snd_cwnd = cwnd > tcp_init_cwnd ? cwnd : tcp_init_cwnd;
            tp.snd_cwnd_stamp = now;
            tp.snd_cwnd_used = 0;
        }
    }
    tp.lsndtime = now;
    auto& ack = tp.inet_conn.icsk_ack;
    if (static_cast<std::uint32_t>(ctx.jiffies()) - ack.lrcvtime < ack.ato && ack.pingpong < 255)
        ++ack.pingpong;
}

//! The flags of a segment of the write queue: its own (PSH), the FIN
//! when it is the last data and the FIN follows; PSH too when it leaves
//! as the last segment of a GSO skb (\p gso_end).
inline std::uint8_t tcp_seg_flags(const sock& sk, const sk_buff* skb, bool gso_end) noexcept {
    std::uint8_t f = tcphdr_ack | tcp_cb(*skb).tcp_flags;
    if (gso_end)
        f |= tcphdr_psh;
    if (tcp_fin_in_seq(sk) && tcp_cb(*skb).end_seq == tcp_data_end(sk) &&
        skb_peek_next(skb, sk.sk_write_queue) == nullptr)
        f |= tcphdr_fin;
    return f;
}

//! tcp_fragment in the write queue: \p skb keeps its first \p len bytes;
//! the rest moves to a new skb after it (PSH and the flags go with the
//! second part; a sent segment's state and counts with both). False when
//! the pool has no skb.
template <class Ctx>
bool tcp_fragment(Ctx& ctx, sock& sk, sk_buff* skb, std::uint32_t len) {
    sk_buff* rest = ctx.skb_alloc();
    if (!rest)
        return false;
    tcp_sock& tp = tcp_of(sk);
    const std::uint32_t n = skb->msg_len - len;
    rest->len = rest->msg_len = 0;
    rest->truesize = skb_truesize(rest->cap);
    sk.sk_wmem_queued += static_cast<int>(rest->truesize);
    if (tcp_skb_append(ctx, sk, rest, skb, len, n) < n) {
        sk.sk_wmem_queued -= static_cast<int>(rest->truesize);
        kfree_skb(ctx, rest);
        return false;
    }
    tcp_skb_cut(ctx, sk, skb, len);
    tcp_skb_cb& cb = tcp_cb(*skb);
    tcp_cb(*rest) = tcp_skb_cb{cb.seq + len, cb.end_seq, cb.when,    cb.tcp_flags,
                               cb.sacked,    cb.sent,    cb.gso_end, cb.ip_dsfield};
    cb.gso_end = 0;
    cb.end_seq = cb.seq + len;
    cb.tcp_flags = 0;
    skb_insert_between(rest, skb, skb->next, sk.sk_write_queue);
    if (cb.sent) { // tcp_adjust_pcount: one segment became two
        ++tp.packets_out;
        tp.lost_out += (cb.sacked & tcpcb_lost) ? 1u : 0u;
        tp.retrans_out += (cb.sacked & tcpcb_sacked_retrans) ? 1u : 0u;
        tp.sacked_out += (cb.sacked & tcpcb_sacked_acked) ? 1u : 0u;
    }
    return true;
}

//! tcp_grow_skb: an unsent segment shorter than the MSS (the MSS grew
//! after it was queued, or a probe split it) takes the bytes of the unsent
//! ones after it up to the MSS, as Linux's skb grows from the next before
//! it leaves. The flags of the skbs it takes whole join it; those of a part
//! that stays behind go with that part, so a PSH still ends the data it
//! ended (tso_fragment puts it on the second part).
template <class Ctx>
void tcp_grow_skb(Ctx& ctx, sock& sk, sk_buff* skb, std::uint32_t mss) {
    tcp_skb_cb& cb = tcp_cb(*skb);
    while (skb->msg_len < mss) {
        sk_buff* next = skb_peek_next(skb, sk.sk_write_queue);
        if (!next || tcp_cb(*next).sent || !next->msg_len)
            return;
        tcp_skb_cb& ncb = tcp_cb(*next);
        const std::uint32_t want = mss - skb->msg_len;
        const std::uint32_t n = next->msg_len < want ? next->msg_len : want;
        if (n == next->msg_len && !tcp_skb_fits_last(skb, n)) {
            // Taken whole and longer than the room left: its chunks join
            // the chain as they are.
            cb.end_seq += n;
            cb.tcp_flags |= ncb.tcp_flags;
            cb.gso_end |= ncb.gso_end;
            skb_unlink(next, sk.sk_write_queue);
            tcp_skb_link(skb, next);
            continue;
        }
        const std::uint32_t got = tcp_skb_append(ctx, sk, skb, next, 0, n);
        cb.end_seq += got;
        if (got < next->msg_len) {
            if (got)
                tcp_skb_pull(ctx, sk, next, got);
            ncb.tcp_flags |= cb.tcp_flags;
            ncb.gso_end |= cb.gso_end;
            cb.tcp_flags = 0;
            cb.gso_end = 0;
            return;
        }
        cb.tcp_flags |= ncb.tcp_flags;
        cb.gso_end |= ncb.gso_end;
        skb_unlink(next, sk.sk_write_queue);
        sk.sk_wmem_queued -= static_cast<int>(next->truesize);
        kfree_skb(ctx, next);
    }
}

//! tcp_retrans_try_collapse: \p to, shorter than the MSS and the window
//! left, takes the sent segments after it whole while they fit (neither
//! SACKed nor past the window): one segment goes where several were lost
//! (net.ipv4.tcp_retrans_collapse). Each taken leaves flight
//! (tcp_collapse_retrans: its flags, its Karn mark and its counts go).
template <class Ctx>
void tcp_retrans_try_collapse(Ctx& ctx, sock& sk, sk_buff* to) {
    tcp_sock& tp = tcp_of(sk);
    if (!ipv4_net(ctx).sysctl.tcp_retrans_collapse)
        return;
    tcp_skb_cb& cb = tcp_cb(*to);
    const std::uint32_t wnd_end = tp.snd_una + tp.snd_wnd;
    std::uint32_t space = after(wnd_end, cb.seq) ? wnd_end - cb.seq : tp.mss_cache;
    if (space > tp.mss_cache)
        space = tp.mss_cache;
    if (to->msg_len >= space)
        return;
    for (sk_buff* next = skb_peek_next(to, sk.sk_write_queue); next;
         next = skb_peek_next(to, sk.sk_write_queue)) {
        tcp_skb_cb& ncb = tcp_cb(*next);
        if (!ncb.sent || (ncb.sacked & tcpcb_sacked_acked) || next->msg_len > space - to->msg_len ||
            after(ncb.end_seq, wnd_end))
            return;
        cb.end_seq = ncb.end_seq;
        cb.tcp_flags |= ncb.tcp_flags;
        cb.sacked |= ncb.sacked & tcpcb_ever_retrans;
        // tcp_adjust_pcount: the segment taken is no longer out.
        --tp.packets_out;
        tp.lost_out -= (ncb.sacked & tcpcb_lost) ? 1u : 0u;
        tp.retrans_out -= (ncb.sacked & tcpcb_sacked_retrans) ? 1u : 0u;
        skb_unlink(next, sk.sk_write_queue);
        if (tcp_skb_fits_last(to, next->msg_len)) {
            tcp_skb_append(ctx, sk, to, next, 0, next->msg_len);
            sk.sk_wmem_queued -= static_cast<int>(next->truesize);
            kfree_skb(ctx, next);
        } else {
            tcp_skb_link(to, next); // its chunks join the chain as they are
        }
    }
}

//! tcp_retransmit_skb: \p skb again (trimmed of what was acknowledged),
//! counted as a retransmission; retrans_stamp remembers when the episode's
//! first one had been sent.
template <class P, class Ctx>
int tcp_retransmit_skb(Ctx& ctx, sock& sk, sk_buff* skb) {
    tcp_sock& tp = tcp_of(sk);
    tcp_skb_cb& cb = tcp_cb(*skb);
    if (before(cb.seq, tp.snd_una))
        tcp_skb_pull(ctx, sk, skb, tp.snd_una - cb.seq);
    tcp_retrans_try_collapse(ctx, sk, skb);
    const std::uint8_t flags = tcp_seg_flags(sk, skb, false);
    if (!tp.retrans_stamp)
        tp.retrans_stamp = cb.when;
    const int err = tcp_transmit<P>(ctx, sk, cb.seq, skb->msg_len, flags);
    if (err == -enobufs)
        return err;
    cb.when = tcp_clock_ms(ctx);
    if (!(cb.sacked & tcpcb_sacked_retrans)) {
        cb.sacked |= tcpcb_sacked_retrans;
        ++tp.retrans_out;
    }
    cb.sacked |= tcpcb_ever_retrans;
    if (tp.undo_retrans < 0)
        tp.undo_retrans = 0;
    ++tp.undo_retrans;
    ++tp.total_retrans;
    // Sent again: in bytes_sent too, as __tcp_transmit_skb counts every
    // data byte it sends.
    tp.bytes_sent += skb->msg_len;
    tp.bytes_retrans += skb->msg_len;
    ++ipv4_net(ctx).mib.tcp.retrans_segs;
    tp.lsndtime = tcp_clock_ms(ctx);
    return 0;
}

//! Retransmit the lone FIN (no skb carries it).
template <class P, class Ctx>
void tcp_retransmit_fin(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    if (!tp.retrans_stamp)
        tp.retrans_stamp = tcp_clock_ms(ctx);
    tcp_transmit<P>(ctx, sk, tp.write_seq - 1, 0, tcphdr_fin | tcphdr_ack);
    ++tp.total_retrans;
    ++ipv4_net(ctx).mib.tcp.retrans_segs;
}

//! tcp_xmit_retransmit_queue: the segments marked lost and not yet sent
//! again, as far as the congestion window allows. Returns how many went.
template <class P, class Ctx>
std::uint32_t tcp_xmit_retransmit_queue(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    std::uint32_t n = 0;
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent)
            break;
        if (!(cb.sacked & tcpcb_lost) || (cb.sacked & (tcpcb_sacked_retrans | tcpcb_sacked_acked)))
            continue;
        if (tcp_packets_in_flight(tp) >= tp.snd_cwnd)
            break;
        if (tcp_retransmit_skb<P>(ctx, sk, skb))
            break;
        if (tp.inet_conn.icsk_ca_state == tcp_ca_recovery)
            ++tp.prr_out;
        ++n;
        if (skb == skb_peek(sk.sk_write_queue))
            tcp_rearm_rto(ctx, tp);
    }
    return n;
}

//! tcp_cwnd_validate: how much of the window this round used.
template <class Ctx>
void tcp_cwnd_validate(Ctx& ctx, tcp_sock& tp, bool is_cwnd_limited) noexcept {
    if (!before(tp.snd_una, tp.cwnd_usage_seq) || is_cwnd_limited ||
        (!tp.is_cwnd_limited && tp.packets_out > tp.max_packets_out)) {
        tp.is_cwnd_limited = is_cwnd_limited;
        tp.max_packets_out = tp.packets_out;
        tp.cwnd_usage_seq = tp.snd_nxt;
    }
    if (tcp_is_cwnd_limited(tp)) {
        tp.snd_cwnd_used = 0;
        tp.snd_cwnd_stamp = tcp_clock_ms(ctx);
    } else if (tp.packets_out > tp.snd_cwnd_used) {
        tp.snd_cwnd_used = tp.packets_out;
    }
}

//! tcp_nagle_test for the last segment of the queue under \p nonagle:
//! a full segment, a push, urgent data or the FIN may go; a partial one
//! waits while corked, or (Nagle) while a small segment is unacknowledged
//! (tcp_minshall_check).
inline bool tcp_nagle_test(const tcp_sock& tp, const sk_buff* skb, std::uint32_t mss,
                           std::uint8_t nonagle, bool fin) noexcept {
    if (nonagle & tcp_nagle_push)
        return true;
    if (tcp_urg_mode(tp) || fin)
        return true;
    const bool partial = skb->msg_len < mss;
    const bool minshall = after(tp.snd_sml, tp.snd_una) && !after(tp.snd_sml, tp.snd_nxt);
    return !(partial && ((nonagle & tcp_nagle_cork) || (!nonagle && tp.packets_out && minshall)));
}

//! tcp_write_xmit: the unsent segments, in order, while the congestion
//! window (tcp_cwnd_test), the peer's window (tcp_snd_wnd_test) and Nagle
//! allow; then the lone FIN. Returns true when nothing was sent although
//! something waits (the caller arms the zero-window probe).
template <class P, class Ctx>
bool tcp_write_xmit(Ctx& ctx, sock& sk, std::uint8_t nonagle, bool one = false) {
    tcp_sock& tp = tcp_of(sk);
    bool cwnd_limited = false;
    std::uint32_t sent = 0;
    bool blocked = false;
    const std::uint32_t mss = tp.mss_cache;
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (cb.sent)
            continue;
        if (tcp_packets_in_flight(tp) >= tp.snd_cwnd) {
            cwnd_limited = true;
            blocked = true;
            break;
        }
        if (skb->msg_len < mss)
            tcp_grow_skb(ctx, sk, skb, mss);
        std::uint32_t end = cb.end_seq;
        if (after(end, tp.snd_una + tp.snd_wnd)) {
            tp.rwnd_limited = 1;
            blocked = true;
            break;
        }
        const std::uint8_t flags = tcp_seg_flags(sk, skb, cb.gso_end);
        const bool last = skb_peek_next(skb, sk.sk_write_queue) == nullptr;
        if (!tcp_nagle_test(tp, skb, mss, last ? nonagle : tcp_nagle_push, flags & tcphdr_fin)) {
            blocked = true;
            break;
        }
        if (!sent && !tp.packets_out)
            tcp_event_data_sent_dev(ctx, tp);
        if (tcp_transmit<P>(ctx, sk, cb.seq, skb->msg_len, flags) == -enobufs) {
            blocked = true; // the pool is out: the probe timer tries again
            break;
        }
        cb.sent = 1;
        cb.when = tcp_clock_ms(ctx);
        tp.bytes_sent += skb->msg_len;
        if (skb->msg_len < mss)
            tp.snd_sml = cb.end_seq; // tcp_minshall_update
        std::uint32_t e = cb.end_seq;
        if (flags & tcphdr_fin) {
            ++e;
            tp.fin_queued = 0;
        }
        tcp_event_new_data_sent(ctx, tp, e);
        tp.lsndtime = tcp_clock_ms(ctx);
        ++sent;
        if (one)
            break;
    }
    // The FIN alone: all data has left and it has not.
    if (tp.fin_queued && tcp_fin_in_seq(sk) && tp.snd_nxt == tp.write_seq - 1 && !blocked) {
        if (tcp_packets_in_flight(tp) < tp.snd_cwnd || !tp.packets_out) {
            tcp_transmit<P>(ctx, sk, tp.write_seq - 1, 0, tcphdr_fin | tcphdr_ack);
            tp.fin_queued = 0;
            tp.fin_alone = 1;
            tcp_event_new_data_sent(ctx, tp, tp.write_seq);
            tp.lsndtime = tcp_clock_ms(ctx);
            ++sent;
        } else {
            cwnd_limited = true;
        }
    }
    if (sent || cwnd_limited) {
        cwnd_limited |= tcp_packets_in_flight(tp) >= tp.snd_cwnd;
        tcp_cwnd_validate(ctx, tp, cwnd_limited);
    }
    if (sent) {
        if (tp.inet_conn.icsk_ca_state == 3 /* Recovery */ || tp.inet_conn.icsk_ca_state == 2)
            tp.prr_out += sent;
        if (!one) // one loss probe per tail loss episode
            tcp_schedule_loss_probe(ctx, sk, false);
    }
    return !sent && blocked && !tp.packets_out;
}

//! tcp_check_probe_timer: data waits but nothing is in flight to bring an
//! ACK (a zero window): the probe timer, at the RTO no lower than rto_min.
template <class Ctx>
void tcp_check_probe_timer(Ctx& ctx, tcp_sock& tp) noexcept {
    if (!tp.packets_out && !tp.inet_conn.icsk_pending) {
        unsigned long when = tp.inet_conn.icsk_rto;
        if (when < tp.inet_conn.icsk_rto_min)
            when = tp.inet_conn.icsk_rto_min;
        tcp_reset_xmit_timer(ctx, tp, icsk_time_probe0, when << tp.inet_conn.icsk_backoff);
    }
}

//! __tcp_push_pending_frames for a connection on a device. Whatever held
//! the data back with nothing in flight (a zero window, or one open but
//! smaller than the next segment, or the cork), the probe timer runs:
//! no ACK will come to move it.
template <class P, class Ctx>
void tcp_push_dev(Ctx& ctx, sock& sk, std::uint8_t nonagle) {
    const std::uint8_t st = sk.sk_state();
    if (!((1u << st) & ((1u << tcp_established) | (1u << tcp_close_wait) | (1u << tcp_fin_wait1) |
                        (1u << tcp_last_ack) | (1u << tcp_closing))))
        return;
    tcp_sock& tp = tcp_of(sk);
    if (tcp_write_xmit<P>(ctx, sk, nonagle))
        tcp_check_probe_timer(ctx, tp);
}

//! tcp_cleanup_rbuf's window update, after a read: an ACK goes when the
//! window this side may now offer is at least twice what the last one still
//! promises (and at least one segment more), or when an ACK was owed and
//! the reader emptied the queue (a pushed segment waits no longer).
template <class P, class Ctx>
void tcp_cleanup_rbuf_dev(Ctx& ctx, sock& sk, std::size_t copied) {
    tcp_sock& tp = tcp_of(sk);
    if (sk.sk_state() == tcp_close || sk.sk_state() == tcp_syn_sent)
        return;
    auto& ack = tp.inet_conn.icsk_ack;
    bool time_to_ack = false;
    if (ack.pending & icsk_ack_sched) {
        // Once-per-two-segments ACK not sent yet, or the read emptied the
        // buffer of a small pushed segment on a one-way connection.
        const bool pushed = (ack.pending & icsk_ack_pushed2) ||
                            ((ack.pending & icsk_ack_pushed) && ack.pingpong < tcp_pingpong_thresh);
        if (tp.rcv_nxt - tp.rcv_wup > ack.rcv_mss ||
            (copied > 0 && pushed && sk.sk_rmem_alloc == 0))
            time_to_ack = true;
    }
    if (copied > 0 && !time_to_ack && !(sk.sk_shutdown & rcv_shutdown)) {
        const std::uint32_t rcv_window_now = tcp_receive_window(tp);
        if (2 * rcv_window_now <= tp.window_clamp) {
            const std::uint32_t new_window = tcp_select_window_space(tp);
            if (new_window && new_window >= 2 * rcv_window_now)
                time_to_ack = true;
        }
    }
    if (time_to_ack)
        tcp_send_ack_now<P>(ctx, sk);
}

} // namespace ksock::inet
