// ksock/inet/tcp/tcp_recovery.hpp: RACK's time-based loss detection and
// the tail loss probe's bookkeeping (net/ipv4/tcp_recovery.c, the TLP part
// of tcp_input.c): a segment is lost once a segment sent after it has been
// delivered and more than the recent RTT plus a reordering window has
// passed since it left; the reordering window is a quarter of the minimum
// RTT, 0 once recovery began or enough segments were SACKed. (Linux's
// default, net.ipv4.tcp_recovery = 1.)
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/tcp_write_xmit.hpp>

namespace ksock::inet {

inline constexpr int tcp_rack_loss_detection = 1; //!< TCP_RACK_LOSS_DETECTION
inline constexpr int tcp_rack_no_dupthresh = 4;   //!< TCP_RACK_NO_DUPTHRESH

//! tcp_skb_sent_after: \p t1 (with \p seq1) was sent after \p t2 (\p seq2).
constexpr bool tcp_skb_sent_after(std::uint64_t t1, std::uint64_t t2, std::uint32_t seq1,
                                  std::uint32_t seq2) noexcept {
    return t1 > t2 || (t1 == t2 && after(seq1, seq2));
}

//! tcp_min_rtt in µs (~0 before a sample).
inline std::uint32_t tcp_min_rtt(const tcp_sock& tp) noexcept {
    return tp.rtt_min.s[0].v;
}

//! tcp_rack_advance: a segment sent at \p xmit_ms ending at \p end_seq was
//! just delivered (ACKed or SACKed). A retransmission counts only if its
//! RTT cannot be the original's (at least the minimum RTT).
template <class Ctx>
void tcp_rack_advance(Ctx& ctx, tcp_sock& tp, std::uint8_t sacked, std::uint32_t end_seq,
                      std::uint32_t xmit_ms) noexcept {
    const std::uint32_t rtt_us = (tcp_clock_ms(ctx) - xmit_ms) * 1000u;
    if ((sacked & tcpcb_ever_retrans) && rtt_us < tcp_min_rtt(tp))
        return;
    tp.rack.advanced = 1;
    tp.rack.rtt_us = rtt_us;
    if (tcp_skb_sent_after(xmit_ms, tp.rack.mstamp, end_seq, tp.rack.end_seq)) {
        tp.rack.mstamp = xmit_ms;
        tp.rack.end_seq = end_seq;
    }
}

//! tcp_rack_reo_wnd in µs.
template <class Ctx>
std::uint32_t tcp_rack_reo_wnd(Ctx& ctx, const tcp_sock& tp) noexcept {
    if (!tp.reord_seen) {
        if (tp.inet_conn.icsk_ca_state >= 3 /* Recovery */)
            return 0;
        if (tp.sacked_out >= tp.reordering &&
            !(ipv4_net(ctx).sysctl.tcp_recovery & tcp_rack_no_dupthresh))
            return 0;
    }
    const std::uint32_t min_rtt = tcp_min_rtt(tp) == ~0u ? 0 : tcp_min_rtt(tp);
    const std::uint32_t w = (min_rtt >> 2) * (tp.rack.reo_wnd_steps ? tp.rack.reo_wnd_steps : 1);
    const std::uint32_t srtt = tp.srtt_us >> 3;
    return w < srtt ? w : srtt;
}

//! tcp_rack_detect_loss: mark lost what RACK deems lost; returns the µs
//! until the next segment may be deemed lost (0: none waits).
template <class Ctx>
std::uint32_t tcp_rack_detect_loss(Ctx& ctx, sock& sk) noexcept {
    tcp_sock& tp = tcp_of(sk);
    const std::uint32_t reo_wnd = tcp_rack_reo_wnd(ctx, tp);
    const std::uint32_t now = tcp_clock_ms(ctx);
    std::uint32_t reo_timeout = 0;
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent)
            break;
        if (cb.sacked & tcpcb_sacked_acked)
            continue;
        if ((cb.sacked & tcpcb_lost) && !(cb.sacked & tcpcb_sacked_retrans))
            continue;
        if (!tcp_skb_sent_after(tp.rack.mstamp, cb.when, tp.rack.end_seq, cb.end_seq))
            continue;
        const auto remaining = static_cast<std::int64_t>(tp.rack.rtt_us) + reo_wnd -
                               static_cast<std::int64_t>(now - cb.when) * 1000;
        if (remaining <= 0) {
            // tcp_mark_skb_lost: a retransmission that is lost again is
            // no longer in flight.
            if (cb.sacked & tcpcb_sacked_retrans) {
                cb.sacked &= static_cast<std::uint8_t>(~tcpcb_sacked_retrans);
                --tp.retrans_out;
            }
            if (!(cb.sacked & tcpcb_lost)) {
                cb.sacked |= tcpcb_lost;
                ++tp.lost_out;
            }
        } else if (static_cast<std::uint32_t>(remaining) > reo_timeout) {
            reo_timeout = static_cast<std::uint32_t>(remaining);
        }
    }
    return reo_timeout;
}

//! tcp_rack_mark_lost: RACK after an ACK that delivered something; a
//! segment not yet overdue arms the reordering timer.
template <class Ctx>
void tcp_rack_mark_lost(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    if (!tp.rack.advanced)
        return;
    tp.rack.advanced = 0;
    const std::uint32_t wait = tcp_rack_detect_loss(ctx, sk);
    if (wait) {
        const auto j = static_cast<unsigned long>(units_to_jiffies<1000000>(wait));
        const unsigned long rto = tp.inet_conn.icsk_rto;
        tcp_reset_xmit_timer(ctx, tp, icsk_time_reo_timeout, j < rto ? j : rto);
    }
}

//! tcp_process_tlp_ack: the ACK of a tail loss probe. Both the original
//! and the probe arrived (a duplicate ACK, or the probe was new data): no
//! loss. Otherwise the probe repaired a loss: the window comes down once
//! (CWR).
inline void tcp_process_tlp_ack(tcp_sock& tp, std::uint32_t ack, unsigned flag, bool dup,
                                bool dsack) noexcept {
    if (!tp.tlp_high_seq || before(ack, tp.tlp_high_seq))
        return;
    if (!tp.tlp_retrans || dsack || after(ack, tp.tlp_high_seq) || dup) {
        tp.tlp_high_seq = 0;
        return;
    }
    (void)flag;
    // tcp_init_cwnd_reduction + CWR + tcp_end_cwnd_reduction
    tp.high_seq = tp.snd_nxt;
    tp.prior_cwnd = tp.snd_cwnd;
    tp.prior_ssthresh = tp.snd_ssthresh;
    tp.snd_ssthresh = tcp_ca_ssthresh(tp);
    tp.snd_cwnd = tp.snd_ssthresh;
    tcp_ecn_queue_cwr(tp);
    tp.inet_conn.icsk_ca_state = 0; // tcp_try_keep_open: back to Open
    tp.tlp_high_seq = 0;
}

} // namespace ksock::inet
