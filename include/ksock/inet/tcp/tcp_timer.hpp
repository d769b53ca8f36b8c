// ksock/inet/tcp/tcp_timer.hpp: the timers of a connection that sends
// real segments (net/ipv4/tcp_timer.c): retransmission with exponential
// backoff (linear for the first SYNs, net.ipv4.tcp_syn_linear_timeouts),
// the give-up rules (tcp_write_timeout: SYN retries, tcp_retries2's time
// model, TCP_USER_TIMEOUT, an orphan's retries), the zero-window probe,
// the delayed ACK, keepalive, and the SYN-ACK of a child in SYN_RECV.
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/tcp_ack.hpp>
#include <ksock/inet/tcp/tcp_keepalive.hpp>
#include <ksock/inet/tcp/tcp_write_xmit.hpp>

namespace ksock::inet {

//! tcp_model_timeout: how long \p boundary retransmissions take from
//! \p rto_base with backoff up to rto_max, in ms.
constexpr std::uint32_t tcp_model_timeout(std::uint32_t boundary, std::uint32_t rto_base,
                                          std::uint32_t rto_max) noexcept {
    std::uint32_t thresh = 0;
    while ((rto_base << (thresh + 1)) <= rto_max && thresh < 31)
        ++thresh; // ilog2(rto_max / rto_base)
    std::uint64_t t;
    if (boundary <= thresh)
        t = ((2ull << boundary) - 1) * rto_base;
    else
        t = ((2ull << thresh) - 1) * rto_base + std::uint64_t{boundary - thresh} * rto_max;
    return static_cast<std::uint32_t>(t * 1000 / static_cast<std::uint64_t>(hz));
}

//! retransmits_timed_out: the time since the first retransmission's
//! segment left has reached \p timeout ms (0: the model of \p boundary).
template <class Ctx>
bool retransmits_timed_out(Ctx& ctx, const sock& sk, std::uint32_t boundary,
                           std::uint32_t timeout) noexcept {
    const tcp_sock& tp = *tcp_sk(&sk);
    if (!tp.inet_conn.icsk_retransmits)
        return false;
    if (!timeout) {
        const bool syn = (1u << sk.sk_state()) & ((1u << tcp_syn_sent) | (1u << tcp_syn_recv));
        timeout = tcp_model_timeout(boundary, syn ? tcp_timeout_init : tcp_rto_min,
                                    tp.inet_conn.icsk_rto_max);
    }
    return static_cast<std::int32_t>(tcp_clock_ms(ctx) - tp.retrans_stamp - timeout) >= 0;
}

//! tcp_write_err: the connection timed out (or the soft error it had).
template <class P, class Ctx>
void tcp_write_err(Ctx& ctx, sock& sk) {
    const int err = sk.sk_err_soft ? sk.sk_err_soft : etimedout;
    if (sk.sk_state() == tcp_syn_sent)
        ++ipv4_net(ctx).mib.tcp.attempt_fails;
    tcp_done_with_error<P>(ctx, sk, err);
}

//! The listener's TCP_DEFER_ACCEPT, in SYN-ACK retransmissions, for a
//! child still in SYN_RECV (0 for any other socket).
inline std::uint8_t tcp_defer_accept_of(const sock& sk) noexcept {
    const tcp_sock& tp = *tcp_sk(&sk);
    if (sk.sk_state() != tcp_syn_recv || !tp.parent)
        return 0;
    return tcp_sk(tp.parent)->inet_conn.icsk_accept_queue.rskq_defer_accept;
}

//! tcp_write_timeout: true when the connection was given up.
template <class P, class Ctx>
bool tcp_write_timeout(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    const ipv4_sysctl& sc = ipv4_net(ctx).sysctl;
    const inet_connection_sock& icsk = tp.inet_conn;
    bool expired = false;
    std::uint32_t retry_until;
    if ((1u << sk.sk_state()) & ((1u << tcp_syn_sent) | (1u << tcp_syn_recv))) {
        retry_until =
            icsk.icsk_syn_retries
                ? icsk.icsk_syn_retries
                : static_cast<std::uint32_t>(sk.sk_state() == tcp_syn_recv ? sc.tcp_synack_retries
                                                                           : sc.tcp_syn_retries);
        std::uint32_t most = retry_until;
        if (sk.sk_state() == tcp_syn_sent)
            most += static_cast<std::uint32_t>(sc.tcp_syn_linear_timeouts);
        expired = icsk.icsk_retransmits >= most;
        // syn_ack_recalc: a deferred request lives at least its deferring
        // period, and one whose ACK came waits that long for the data.
        if (const std::uint32_t defer = tcp_defer_accept_of(sk)) {
            most = most > defer ? most : defer;
            expired =
                icsk.icsk_retransmits >= most && (!tp.req_acked || icsk.icsk_retransmits >= defer);
        }
    } else {
        retry_until = static_cast<std::uint32_t>(sc.tcp_retries2);
        if (sock_flag(sk, sock_dead)) {
            const bool alive = icsk.icsk_rto < icsk.icsk_rto_max;
            // tcp_orphan_retries: 0 means 8, and a dead end (RTO at its
            // maximum) gets none.
            std::uint32_t r = static_cast<std::uint32_t>(sc.tcp_orphan_retries);
            if (!r && alive)
                r = 8;
            retry_until = r;
        }
    }
    if (!expired)
        expired = retransmits_timed_out(ctx, sk, retry_until, icsk.icsk_user_timeout);
    if (expired)
        tcp_write_err<P>(ctx, sk);
    return expired;
}

//! TCP_THIN_LINEAR_RETRIES: the retransmissions a thin stream makes
//! without backoff.
inline constexpr std::uint32_t tcp_thin_linear_retries = 6;

//! tcp_stream_is_thin: fewer than four segments out, past the initial slow
//! start (ssthresh set).
constexpr bool tcp_stream_is_thin(const tcp_sock& tp) noexcept {
    return tp.packets_out < 4 && tp.snd_ssthresh < tcp_infinite_ssthresh;
}

//! tcp_enter_loss: an RTO. ssthresh from the algorithm (unless this
//! window already reduced it), every segment out marked lost (the head
//! always), cwnd one more than what is still in flight, state Loss.
template <class Ctx>
void tcp_enter_loss(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    inet_connection_sock& icsk = tp.inet_conn;
    if (icsk.icsk_ca_state <= tcp_ca_disorder || !after(tp.high_seq, tp.snd_una) ||
        (icsk.icsk_ca_state == tcp_ca_loss && !icsk.icsk_retransmits)) {
        tp.prior_ssthresh = tp.snd_ssthresh;
        tp.prior_cwnd = tp.snd_cwnd;
        tp.snd_ssthresh = tcp_ca_ssthresh(tp);
        // tcp_init_undo: the episode may prove spurious and be undone.
        tp.undo_marker = tp.snd_una;
        tp.undo_retrans =
            static_cast<std::int32_t>(tp.retrans_out) + (tp.tlp_high_seq && tp.tlp_retrans ? 1 : 0);
        if (!tp.undo_retrans)
            tp.undo_retrans = -1;
    }
    // The ACK stands at a segment the peer SACKed: it dropped what it had
    // reported (reneging, tcp_check_sack_reneging), so no SACK is trusted.
    const sk_buff* head = skb_peek(sk.sk_write_queue);
    const bool reneg = head && tcp_cb(*head).sent && (tcp_cb(*head).sacked & tcpcb_sacked_acked);
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent)
            break;
        if (reneg && (cb.sacked & tcpcb_sacked_acked)) {
            cb.sacked &= static_cast<std::uint8_t>(~tcpcb_sacked_acked);
            --tp.sacked_out;
        }
        if (cb.sacked & tcpcb_sacked_retrans) {
            cb.sacked &= static_cast<std::uint8_t>(~tcpcb_sacked_retrans);
            --tp.retrans_out;
        }
        if (!(cb.sacked & (tcpcb_lost | tcpcb_sacked_acked))) {
            cb.sacked |= tcpcb_lost;
            ++tp.lost_out;
        }
    }
    tp.snd_cwnd = tcp_packets_in_flight(tp) + 1;
    tp.snd_cwnd_cnt = 0;
    tp.snd_cwnd_stamp = tcp_clock_ms(ctx);
    icsk.icsk_ca_state = tcp_ca_loss;
    tp.high_seq = tp.snd_nxt;
    tcp_ecn_queue_cwr(tp);
}

//! The segment the retransmission timer sends: the SYN, the SYN-ACK, the
//! head of the write queue, or the lone FIN.
template <class P, class Ctx>
int tcp_retransmit_head(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    const std::uint8_t st = sk.sk_state();
    if (st == tcp_syn_sent || st == tcp_syn_recv) {
        // A request whose bare ACK came under TCP_DEFER_ACCEPT waits for
        // data without SYN-ACKs, until the last timeout of its deferring
        // period gives the peer a last chance (syn_ack_recalc's resend).
        if (tp.req_acked && tp.inet_conn.icsk_retransmits < tcp_defer_accept_of(sk))
            return 0;
        tcp_transmit<P>(ctx, sk, tp.snd_una, 0,
                        st == tcp_syn_sent ? tcphdr_syn : tcphdr_syn | tcphdr_ack);
        ++tp.total_retrans;
        ++ipv4_net(ctx).mib.tcp.retrans_segs;
        return 0;
    }
    if (sk_buff* skb = skb_peek(sk.sk_write_queue); skb && tcp_cb(*skb).sent)
        return tcp_retransmit_skb<P>(ctx, sk, skb);
    if (tp.fin_alone)
        tcp_retransmit_fin<P>(ctx, sk);
    return 0;
}

//! tcp_rack_reo_timeout: a segment RACK was waiting for is overdue: it
//! is lost, recovery starts (PRR from one delivered), the lost go again.
template <class P, class Ctx>
void tcp_rack_reo_timeout(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    const std::uint32_t prior_inflight = tcp_packets_in_flight(tp);
    tcp_rack_detect_loss(ctx, sk);
    if (prior_inflight != tcp_packets_in_flight(tp)) {
        if (tp.inet_conn.icsk_ca_state != tcp_ca_recovery) {
            tcp_init_cwnd_reduction(tp);
            tp.inet_conn.icsk_ca_state = tcp_ca_recovery;
            tcp_cwnd_reduction(tp, 1, false);
        }
        tcp_xmit_retransmit_queue<P>(ctx, sk);
    }
    if (tp.inet_conn.icsk_pending != icsk_time_retrans)
        tcp_rearm_rto(ctx, tp);
}

//! tcp_send_loss_probe: new data if the window lets one segment go, else
//! the last segment sent again; one probe per episode (tlp_high_seq).
template <class P, class Ctx>
void tcp_send_loss_probe(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    if (!tp.tlp_high_seq) {
        tp.tlp_retrans = 0;
        const std::uint32_t before_out = tp.packets_out;
        tcp_write_xmit<P>(ctx, sk, tcp_nagle_off, true);
        bool sent = tp.packets_out > before_out;
        if (!sent) {
            sk_buff* last = nullptr;
            for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb && tcp_cb(*skb).sent;
                 skb = skb_peek_next(skb, sk.sk_write_queue))
                last = skb;
            if (last && tcp_retransmit_skb<P>(ctx, sk, last) == 0) {
                // __tcp_retransmit_skb: a probe, not a retransmission in flight.
                tcp_skb_cb& cb = tcp_cb(*last);
                if (cb.sacked & tcpcb_sacked_retrans) {
                    cb.sacked &= static_cast<std::uint8_t>(~tcpcb_sacked_retrans);
                    --tp.retrans_out;
                }
                tp.tlp_retrans = 1;
                sent = true;
            }
        }
        if (sent) {
            tp.tlp_high_seq = tp.snd_nxt;
            tp.inet_conn.icsk_pending = 0;
        }
    }
    tcp_rearm_rto(ctx, tp);
}

//! tcp_retransmit_timer.
template <class P, class Ctx>
void tcp_retransmit_timer(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    inet_connection_sock& icsk = tp.inet_conn;
    if (!tp.packets_out)
        return;
    tp.tlp_high_seq = 0;
    const std::uint8_t st = sk.sk_state();
    const bool syn = st == tcp_syn_sent || st == tcp_syn_recv;
    if (!tp.snd_wnd && !sock_flag(sk, sock_dead) && !syn) {
        // The peer shrank its window to nothing: the retransmissions are
        // probes, and do not time the connection out (until rto_max
        // passes without an answer).
        if (static_cast<std::int32_t>(static_cast<std::uint32_t>(ctx.jiffies()) - tp.rcv_tstamp) >
            static_cast<std::int32_t>(jiffies_to_msecs(icsk.icsk_rto_max))) {
            tcp_write_err<P>(ctx, sk);
            return;
        }
        tcp_enter_loss(ctx, sk);
        tcp_retransmit_head<P>(ctx, sk);
    } else {
        if (tcp_write_timeout<P>(ctx, sk))
            return;
        if (!syn)
            tcp_enter_loss(ctx, sk);
        else if (st == tcp_syn_sent)
            tcp_ecn_queue_cwr(tp); // (Linux's tcp_enter_loss runs here too)
        // tcp_update_rto_stats
        if (!icsk.icsk_retransmits)
            ++tp.total_rto_recoveries;
        ++icsk.icsk_retransmits;
        ++tp.total_rto;
        if (!tp.retrans_stamp)
            tp.retrans_stamp = tcp_clock_ms(ctx);
        if (tcp_retransmit_head<P>(ctx, sk) == -enobufs) {
            tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, tcp_resource_probe_interval);
            return;
        }
    }
    if (st == tcp_established && (tp.thin_lto || ipv4_net(ctx).sysctl.tcp_thin_linear_timeouts) &&
        tcp_stream_is_thin(tp) && icsk.icsk_retransmits <= tcp_thin_linear_retries) {
        // A thin stream (a few segments out, past the initial slow start)
        // keeps its RTO for the first retransmissions: with too few
        // segments for a fast retransmit, the timer is its only recovery.
        icsk.icsk_backoff = 0;
        const std::uint64_t rto = units_to_jiffies<1000000>((tp.srtt_us >> 3) + tp.rttvar_us);
        const std::uint32_t lo = icsk.icsk_rto_min;
        const std::uint32_t hi = icsk.icsk_rto_max;
        icsk.icsk_rto = rto < lo ? lo : rto > hi ? hi : static_cast<std::uint32_t>(rto);
    } else if (st != tcp_syn_sent ||
               tp.total_rto >
                   static_cast<std::uint32_t>(ipv4_net(ctx).sysctl.tcp_syn_linear_timeouts)) {
        ++icsk.icsk_backoff;
        icsk.icsk_rto =
            icsk.icsk_rto << 1 < icsk.icsk_rto_max ? icsk.icsk_rto << 1 : icsk.icsk_rto_max;
    }
    tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, tcp_clamp_rto_to_user_timeout(ctx, tp));
}

//! tcp_probe_timer + tcp_send_probe0: data waits behind a zero window.
//! A probe (a segment one below snd_una: an ACK the peer must answer with
//! its window), with backoff; given up like retransmissions are.
template <class P, class Ctx>
void tcp_probe_timer(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    inet_connection_sock& icsk = tp.inet_conn;
    if (tp.packets_out || skb_queue_empty(sk.sk_write_queue)) {
        icsk.icsk_probes_out = 0;
        icsk.icsk_probes_tstamp = 0;
        return;
    }
    if (!icsk.icsk_probes_tstamp)
        icsk.icsk_probes_tstamp = tcp_clock_ms(ctx);
    else if (icsk.icsk_user_timeout &&
             tcp_clock_ms(ctx) - icsk.icsk_probes_tstamp >= icsk.icsk_user_timeout) {
        tcp_write_err<P>(ctx, sk);
        return;
    }
    std::uint32_t max_probes = static_cast<std::uint32_t>(ipv4_net(ctx).sysctl.tcp_retries2);
    if (icsk.icsk_probes_out >= max_probes) {
        tcp_write_err<P>(ctx, sk);
        return;
    }
    // tcp_write_wakeup: what of the next segment the window takes (the
    // rest split off, PSH on the part sent), else the zero-window probe:
    // an old sequence number the peer must answer with its window.
    sk_buff* head = nullptr;
    for (sk_buff* s = skb_peek(sk.sk_write_queue); s; s = skb_peek_next(s, sk.sk_write_queue))
        if (!tcp_cb(*s).sent) {
            head = s;
            break;
        }
    const std::uint32_t wnd_end = tp.snd_una + tp.snd_wnd;
    if (head && before(tcp_cb(*head).seq, wnd_end)) {
        const std::uint32_t room = wnd_end - tcp_cb(*head).seq;
        if (room < head->msg_len)
            tcp_fragment(ctx, sk, head, room);
        if (head->msg_len <= room) {
            tcp_cb(*head).tcp_flags |= tcphdr_psh;
            tcp_write_xmit<P>(ctx, sk, tcp_nagle_push, true);
        }
    }
    if (tp.packets_out) {
        // Data went: the retransmission timer now guards it; the probe
        // count stays until an ACK comes back (tcp_ack clears it).
        return;
    }
    tcp_transmit<P>(ctx, sk, tp.snd_una - 1, 0, tcphdr_ack);
    if (icsk.icsk_backoff < 255)
        ++icsk.icsk_backoff;
    ++icsk.icsk_probes_out;
    unsigned long when = icsk.icsk_rto < icsk.icsk_rto_min ? icsk.icsk_rto_min : icsk.icsk_rto;
    when <<= icsk.icsk_backoff;
    // tcp_clamp_probe0_to_user_timeout: with TCP_USER_TIMEOUT the next
    // probe comes no later than the timeout, counted from the first probe
    // (at least TCP_TIMEOUT_MIN), where the check above gives up.
    if (const std::uint32_t ut = icsk.icsk_user_timeout; ut && icsk.icsk_probes_tstamp) {
        const auto elapsed = static_cast<std::int32_t>(tcp_clock_ms(ctx) - icsk.icsk_probes_tstamp);
        const std::uint32_t done = elapsed > 0 ? static_cast<std::uint32_t>(elapsed) : 0u;
        const std::uint64_t least = usecs_to_jiffies(tcp_timeout_min_us);
        std::uint64_t left = static_cast<std::uint64_t>(msecs_to_jiffies(ut)) - done;
        if (done > msecs_to_jiffies(ut) || left < least)
            left = least;
        if (left < when)
            when = static_cast<unsigned long>(left);
    }
    tcp_reset_xmit_timer(ctx, tp, icsk_time_probe0, when);
}

//! tcp_delack_timer_handler: the delayed ACK goes; pingpong mode ends
//! ("Delayed ACK missed"), the next ACKs are quicker (ato halves ... ).
template <class P, class Ctx>
void tcp_delack_timer(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    auto& ack = tp.inet_conn.icsk_ack;
    tp.inet_conn.icsk_delack_timer.pending = 0;
    if (!(ack.pending & icsk_ack_timer))
        return;
    ack.pending &= static_cast<std::uint8_t>(~icsk_ack_timer);
    if (ack.pending & icsk_ack_sched) {
        if (ack.pingpong >= tcp_pingpong_thresh) {
            ack.pingpong = 0; // inet_csk_exit_pingpong_mode
            ack.ato = static_cast<std::uint32_t>(tcp_delack_min);
        } else {
            // Delayed ACK missed: inflate ato.
            ack.ato <<= 1;
            if (ack.ato > tp.inet_conn.icsk_rto)
                ack.ato = tp.inet_conn.icsk_rto;
        }
        tcp_send_ack_now<P>(ctx, sk);
    }
}

//! The keepalive timer of a connection on a device, armed from now.
template <class Ctx>
void tcp_reset_keepalive_timer(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    const auto when = static_cast<unsigned long>(keepalive_time_when(tp, ipv4_net(ctx)));
    inet_csk_reset_keepalive_timer(sk, when);
    tp.keepalive_at = ctx.jiffies() + when;
}

//! tcp_keepalive_timer for an established connection on a device: after
//! the idle time a probe (an ACK one below snd_una); after the probes go
//! unanswered (or TCP_USER_TIMEOUT passes), ETIMEDOUT.
template <class P, class Ctx>
void tcp_keepalive_fire(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    inet_connection_sock& icsk = tp.inet_conn;
    const netns_ipv4& ns = ipv4_net(ctx);
    tp.keepalive_at = 0;
    if (!sock_flag(sk, sock_keepopen) || sk.sk_state() == tcp_close ||
        !((1u << sk.sk_state()) & ((1u << tcp_established) | (1u << tcp_close_wait) |
                                   (1u << tcp_fin_wait1) | (1u << tcp_fin_wait2))))
        return;
    const auto when = static_cast<std::uint32_t>(keepalive_time_when(tp, ns));
    if (tp.packets_out || !skb_queue_empty(sk.sk_write_queue)) {
        tp.keepalive_at = ctx.jiffies() + when;
        return;
    }
    const std::uint32_t last =
        icsk.icsk_ack.lrcvtime > tp.rcv_tstamp ? icsk.icsk_ack.lrcvtime : tp.rcv_tstamp;
    const std::uint32_t elapsed = static_cast<std::uint32_t>(ctx.jiffies()) - last;
    if (elapsed >= when) {
        const std::uint32_t ut = icsk.icsk_user_timeout;
        if ((ut && elapsed >= msecs_to_jiffies(ut) && icsk.icsk_probes_out > 0) ||
            (!ut && icsk.icsk_probes_out >= static_cast<std::uint8_t>(keepalive_probes(tp, ns)))) {
            tcp_send_active_reset_dev<P>(ctx, sk); // SK_RST_REASON_TCP_KEEPALIVE_TIMEOUT
            tcp_write_err<P>(ctx, sk);
            return;
        }
        tcp_transmit<P>(ctx, sk, tp.snd_una - 1, 0, tcphdr_ack);
        ++icsk.icsk_probes_out;
        tp.keepalive_at = ctx.jiffies() + static_cast<unsigned long>(keepalive_intvl_when(tp, ns));
    } else {
        tp.keepalive_at = ctx.jiffies() + (when - elapsed);
    }
}

//! The timers of one connection on a device that are due at \p now.
template <class P, class Ctx>
void tcp_dev_timers(Ctx& ctx, sock& sk, unsigned long now) {
    tcp_sock& tp = tcp_of(sk);
    inet_connection_sock& icsk = tp.inet_conn;
    if (sk.sk_state() == tcp_close || sk.sk_state() == tcp_listen)
        return;
    if (icsk.icsk_delack_timer.pending &&
        static_cast<long>(now - icsk.icsk_delack_timer.expires) >= 0)
        tcp_delack_timer<P>(ctx, sk);
    if (sk.sk_state() == tcp_close)
        return;
    if (icsk.icsk_retransmit_timer.pending &&
        static_cast<long>(now - icsk.icsk_retransmit_timer.expires) >= 0) {
        icsk.icsk_retransmit_timer.pending = 0;
        const std::uint8_t what = icsk.icsk_pending;
        icsk.icsk_pending = 0;
        if (what == icsk_time_probe0)
            tcp_probe_timer<P>(ctx, sk);
        else if (what == icsk_time_reo_timeout)
            tcp_rack_reo_timeout<P>(ctx, sk);
        else if (what == icsk_time_loss_probe)
            tcp_send_loss_probe<P>(ctx, sk);
        else
            tcp_retransmit_timer<P>(ctx, sk);
    }
    if (sk.sk_state() == tcp_close)
        return;
    if (tp.keepalive_at && static_cast<long>(now - tp.keepalive_at) >= 0)
        tcp_keepalive_fire<P>(ctx, sk);
}

//! The earliest of a device connection's timers (jiffies), or 0.
inline unsigned long tcp_dev_next_timer(const tcp_sock& tp) noexcept {
    unsigned long best = 0;
    auto take = [&](unsigned long at) {
        if (!best || static_cast<long>(at - best) < 0)
            best = at;
    };
    const inet_connection_sock& icsk = tp.inet_conn;
    if (icsk.icsk_delack_timer.pending)
        take(icsk.icsk_delack_timer.expires);
    if (icsk.icsk_retransmit_timer.pending)
        take(icsk.icsk_retransmit_timer.expires);
    if (tp.keepalive_at)
        take(tp.keepalive_at);
    return best;
}

} // namespace ksock::inet
