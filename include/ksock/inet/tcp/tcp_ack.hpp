// ksock/inet/tcp/tcp_ack.hpp: what an acknowledgement does
// (net/ipv4/tcp_input.c's tcp_ack): the peer's window, the SACK blocks
// marked on the write queue (tcp_sacktag_write_queue), the acknowledged
// segments freed with an RTT sample (tcp_clean_rtx_queue), loss detection
// and recovery (tcp_fastretrans_alert: NewReno's duplicate ACKs without
// SACK, the SACK scoreboard with it), the congestion window
// (tcp_cong_control: proportional rate reduction in recovery, the
// algorithm's growth otherwise) and the retransmission timer.
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/tcp_recovery.hpp>
#include <ksock/inet/tcp/tcp_write_xmit.hpp>

namespace ksock::inet {

//! tcp_ack's flags (FLAG_*, net/ipv4/tcp_input.c): the ACK came with data; it updated the window;
//! it acknowledged new data, retransmitted data, the SYN; it SACKed new data; it carried ECE; it
//! carried a D-SACK; it advanced snd_una. FLAG_ACKED and FLAG_NOT_DUP combine them.
//!@{
inline constexpr unsigned flag_data = 0x01;
inline constexpr unsigned flag_win_update = 0x02;
inline constexpr unsigned flag_data_acked = 0x04;
inline constexpr unsigned flag_retrans_data_acked = 0x08;
inline constexpr unsigned flag_syn_acked = 0x10;
inline constexpr unsigned flag_data_sacked = 0x20;
inline constexpr unsigned flag_ece = 0x40;
inline constexpr unsigned flag_dsacking_ack = 0x800;
inline constexpr unsigned flag_snd_una_advanced = 0x400;
inline constexpr unsigned flag_acked = flag_data_acked | flag_syn_acked;
inline constexpr unsigned flag_not_dup = flag_data | flag_win_update | flag_acked;
//!@}

//! A received segment as TCP's input reads it (header fields in host
//! order, options parsed).
struct tcp_seg {
    //! The segment's sequence number.
    std::uint32_t seq;
    std::uint32_t end_seq; //!< seq + data + SYN + FIN
    //! The acknowledgment number.
    std::uint32_t ack_seq;
    std::uint16_t window; //!< the raw field
    //! The urgent pointer.
    std::uint16_t urg_ptr;
    //! TCPHDR_* flags.
    std::uint8_t flags;
    std::uint32_t len; //!< data bytes
    //! The TOS byte of the segment's IP header (TCP_SKB_CB's ip_dsfield),
    //! and whether a reserved bit of the TCP header was set (th->res1).
    //!@{
    std::uint8_t ip_dsfield;
    std::uint8_t res1;
    //!@}
    //! The options, parsed.
    tcp_options_in opt;
};

//! tcp_fast_path_check: header prediction comes on again when nothing
//! stands in its way (no hole in the out-of-order queue, an open window,
//! room, no urgent byte).
inline void tcp_fast_path_check(sock& sk) noexcept {
    tcp_sock& tp = tcp_of(sk);
    if (!tp.out_of_order_queue.rb_node && tp.rcv_wnd && sk.sk_rmem_alloc < sk.sk_rcvbuf &&
        !tp.urg_data)
        tp.pred_on = 1;
}

//! tcp_may_update_window / tcp_ack_update_window: a newer segment (by
//! ACK, by sequence, or the same with a larger window) sets the send
//! window; a larger maximum window re-bounds the MSS.
template <class Ctx>
unsigned tcp_ack_update_window_dev(Ctx& ctx, sock& sk, const tcp_seg& s) noexcept {
    tcp_sock& tp = tcp_of(sk);
    unsigned flag = 0;
    std::uint32_t nwin = s.window;
    if (!(s.flags & tcphdr_syn))
        nwin <<= tp.rx_opt.snd_wscale;
    if (after(s.ack_seq, tp.snd_una) || after(s.seq, tp.snd_wl1) ||
        (s.seq == tp.snd_wl1 && (nwin > tp.snd_wnd || !nwin))) {
        flag |= flag_win_update;
        tp.snd_wl1 = s.seq;
        if (tp.snd_wnd != nwin) {
            tp.snd_wnd = nwin;
            // Header prediction follows the new window (pred_flags = 0,
            // tcp_fast_path_check).
            tp.pred_on = 0;
            tcp_fast_path_check(sk);
            if (nwin > tp.max_window) {
                tp.max_window = nwin;
                tcp_sync_mss(tp, tp.inet_conn.icsk_pmtu_cookie, ipv4_net(ctx).sysctl);
            }
        }
    }
    return flag;
}

//! tcp_sacktag_write_queue, reduced to the scoreboard: every sent segment
//! a block of \p s covers is SACKed (counted in sacked_out; a lost one is
//! no longer lost, a retransmitted one no longer in flight). Blocks below
//! the ACK (a D-SACK) mark nothing.
template <class Ctx>
unsigned tcp_sacktag(Ctx& ctx, sock& sk, const tcp_seg& s) noexcept {
    tcp_sock& tp = tcp_of(sk);
    unsigned flag = 0;
    // tcp_check_dsack: a first block starting below the ACK, or inside the
    // second, reports data received twice; tcp_dsack_seen counts its
    // segments, unless the range is dubious (empty, larger than any window,
    // or more duplicates than were ever retransmitted).
    if (s.opt.num_sacks) {
        const tcp_sack_block& b0 = s.opt.sacks[0];
        if (before(b0.start_seq, s.ack_seq) ||
            (s.opt.num_sacks > 1 && !before(b0.start_seq, s.opt.sacks[1].start_seq) &&
             !after(b0.end_seq, s.opt.sacks[1].end_seq))) {
            const std::uint32_t len = b0.end_seq - b0.start_seq;
            if (before(b0.start_seq, b0.end_seq) && len <= tp.max_window) {
                const std::uint32_t mss = tp.mss_cache ? tp.mss_cache : 1;
                tp.dsack_dups += len > mss ? (len + mss - 1) / mss : 1;
                if (tp.dsack_dups <= tp.total_retrans)
                    flag |= flag_dsacking_ack;
            }
        }
    }
    for (std::size_t b = 0; b < s.opt.num_sacks; ++b) {
        const tcp_sack_block& blk = s.opt.sacks[b];
        if (!after(blk.end_seq, s.ack_seq) || !before(blk.start_seq, blk.end_seq) ||
            after(blk.end_seq, tp.snd_nxt))
            continue;
        for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
             skb = skb_peek_next(skb, sk.sk_write_queue)) {
            tcp_skb_cb& cb = tcp_cb(*skb);
            if (!cb.sent)
                break;
            if (before(cb.seq, blk.start_seq) || after(cb.end_seq, blk.end_seq))
                continue;
            if (cb.sacked & tcpcb_sacked_acked)
                continue;
            if (cb.sacked & tcpcb_lost) {
                cb.sacked &= static_cast<std::uint8_t>(~tcpcb_lost);
                --tp.lost_out;
            }
            if (cb.sacked & tcpcb_sacked_retrans) {
                cb.sacked &= static_cast<std::uint8_t>(~tcpcb_sacked_retrans);
                --tp.retrans_out;
            }
            tcp_rack_advance(ctx, tp, cb.sacked, cb.end_seq, cb.when);
            cb.sacked |= tcpcb_sacked_acked;
            ++tp.sacked_out;
            ++tp.delivered;
            flag |= flag_data_sacked;
        }
    }
    return flag;
}

//! The outcome of tcp_clean_rtx_queue.
struct tcp_acked {
    //! FLAG_* bits the cleaning set.
    unsigned flag;
    std::uint32_t pkts;   //!< segments acknowledged
    long seq_rtt_us;      //!< the RTT of the oldest never-retransmitted one, or -1
    std::uint32_t sacked; //!< of them, already SACKed
};

//! tcp_clean_rtx_queue: free what the ACK covers. A segment acknowledged
//! only in part stays (tcp_retransmit_skb trims it). The RTT comes from
//! the oldest segment never sent twice (Karn).
template <class Ctx>
tcp_acked tcp_clean_rtx_queue(Ctx& ctx, sock& sk, std::uint32_t ack) {
    tcp_sock& tp = tcp_of(sk);
    tcp_acked r{0, 0, -1, 0};
    const std::uint32_t now = tcp_clock_ms(ctx);
    bool first = true;
    while (sk_buff* skb = skb_peek(sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent || after(cb.end_seq, ack))
            break;
        if (cb.sacked & tcpcb_sacked_retrans)
            --tp.retrans_out;
        if (cb.sacked & tcpcb_lost)
            --tp.lost_out;
        if (cb.sacked & tcpcb_sacked_acked) {
            --tp.sacked_out;
            ++r.sacked;
        } else {
            ++tp.delivered;
            tcp_rack_advance(ctx, tp, cb.sacked, cb.end_seq, cb.when);
        }
        if (cb.sacked & tcpcb_ever_retrans) {
            r.flag |= flag_retrans_data_acked;
        } else if (first && !(cb.sacked & tcpcb_sacked_acked)) {
            r.seq_rtt_us = static_cast<long>(now - cb.when) * 1000;
            first = false;
        }
        // The FIN rode on this segment and the ACK stops short of it: it
        // stays in flight, on its own now (Linux keeps the skb, trimmed to
        // the FIN), so the retransmission timer still has it to send.
        if (tcp_fin_in_seq(sk) && !skb_peek_next(skb, sk.sk_write_queue) &&
            cb.end_seq == tcp_data_end(sk) && after(tp.snd_nxt, cb.end_seq) &&
            before(ack, tp.write_seq))
            tp.fin_alone = 1;
        else
            --tp.packets_out;
        ++r.pkts;
        tp.bytes_acked += skb->msg_len;
        r.flag |= flag_data_acked;
        skb_unlink(skb, sk.sk_write_queue);
        sk.sk_wmem_queued -= static_cast<int>(skb->truesize);
        kfree_skb(ctx, skb);
    }
    // The lone FIN.
    if (tp.fin_alone && !before(ack, tp.write_seq)) {
        tp.fin_alone = 0;
        --tp.packets_out;
        ++r.pkts;
        r.flag |= flag_data_acked;
    }
    return r;
}

//! tcp_ack_update_rtt: a sample from the segments (Karn), else from the
//! timestamp echo of an ACK that acknowledged something; the RTO follows
//! and the backoff ends ("only reset backoff on valid RTT measurement").
template <class Ctx>
bool tcp_ack_update_rtt(Ctx& ctx, tcp_sock& tp, unsigned flag, long seq_rtt_us,
                        const tcp_seg* s) noexcept {
    if (seq_rtt_us < 0 && s && s->opt.saw_tstamp && s->opt.rcv_tsecr && (flag & flag_acked)) {
        const std::uint32_t d = tcp_clock_ms(ctx) + tp.tsoffset - s->opt.rcv_tsecr;
        if (static_cast<std::int32_t>(d) >= 0)
            seq_rtt_us = static_cast<long>(d ? d : 1) * 1000;
    }
    if (seq_rtt_us < 0)
        return false;
    if (seq_rtt_us == 0)
        seq_rtt_us = 1;
    tcp_rtt_estimator(tp, seq_rtt_us);
    tcp_ca_pkts_acked(tp, seq_rtt_us);
    tp.inet_conn.icsk_backoff = 0;
    return true;
}

//! tcp_set_ca_state.
inline void tcp_set_ca_state(tcp_sock& tp, std::uint8_t st) noexcept {
    tp.inet_conn.icsk_ca_state = st;
}

//! tcp_mark_skb_lost for the first segment not SACKed: it is lost.
inline bool tcp_mark_head_lost(sock& sk) noexcept {
    tcp_sock& tp = tcp_of(sk);
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent)
            return false;
        if (cb.sacked & tcpcb_sacked_acked)
            continue;
        if (cb.sacked & (tcpcb_lost | tcpcb_sacked_retrans))
            return false;
        cb.sacked |= tcpcb_lost;
        ++tp.lost_out;
        return true;
    }
    return false;
}

//! With SACK: every segment below the highest SACKed one that is not
//! SACKed is lost once enough segments above it are (the duplicate-ACK
//! threshold, tp->reordering).
inline void tcp_mark_sack_lost(sock& sk) noexcept {
    tcp_sock& tp = tcp_of(sk);
    if (tp.sacked_out < tp.reordering)
        return;
    std::uint32_t high = 0;
    bool any = false;
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        const tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent)
            break;
        if (cb.sacked & tcpcb_sacked_acked) {
            high = cb.end_seq;
            any = true;
        }
    }
    if (!any)
        return;
    for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
         skb = skb_peek_next(skb, sk.sk_write_queue)) {
        tcp_skb_cb& cb = tcp_cb(*skb);
        if (!cb.sent || !before(cb.seq, high))
            break;
        if (cb.sacked & (tcpcb_sacked_acked | tcpcb_lost | tcpcb_sacked_retrans))
            continue;
        cb.sacked |= tcpcb_lost;
        ++tp.lost_out;
    }
}

//! tcp_init_cwnd_reduction: recovery starts; PRR from the window before.
inline void tcp_init_cwnd_reduction(tcp_sock& tp) noexcept {
    tp.high_seq = tp.snd_nxt;
    tp.snd_cwnd_cnt = 0;
    tp.prior_cwnd = tp.snd_cwnd;
    tp.prr_delivered = 0;
    tp.prr_out = 0;
    tp.prior_ssthresh = tp.snd_ssthresh;
    tp.snd_ssthresh = tcp_ca_ssthresh(tp);
    tcp_ecn_queue_cwr(tp);
}

//! tcp_enter_cwr: the peer echoed a congestion mark: the window comes down
//! once (PRR toward ssthresh, CWR state until high_seq is passed), with no
//! undo, and the next new data carries CWR. Nothing when already reducing.
inline void tcp_enter_cwr(tcp_sock& tp) noexcept {
    if (tp.inet_conn.icsk_ca_state >= tcp_ca_cwr)
        return;
    tp.undo_marker = 0;
    tcp_init_cwnd_reduction(tp);
    tp.prior_ssthresh = 0;
    tcp_set_ca_state(tp, tcp_ca_cwr);
}

//! tcp_cwnd_reduction (PRR, RFC 6937): in recovery the window follows
//! what was delivered, toward ssthresh. Below ssthresh (slow-start
//! reduction bound) one segment more goes only for an ACK that advanced
//! snd_una and marked nothing newly lost (\p una_advanced_no_loss): a
//! SACK or a RACK timeout sends no more than was delivered.
inline void tcp_cwnd_reduction(tcp_sock& tp, std::uint32_t newly_acked_sacked,
                               bool una_advanced_no_loss) noexcept {
    if (!newly_acked_sacked || !tp.prior_cwnd)
        return;
    tp.prr_delivered += newly_acked_sacked;
    const auto delta = static_cast<std::int64_t>(tp.snd_ssthresh) -
                       static_cast<std::int64_t>(tcp_packets_in_flight(tp));
    std::int64_t sndcnt;
    if (delta < 0) {
        const std::uint64_t dividend =
            static_cast<std::uint64_t>(tp.snd_ssthresh) * tp.prr_delivered + tp.prior_cwnd - 1;
        sndcnt = static_cast<std::int64_t>(dividend / tp.prior_cwnd) - tp.prr_out;
    } else {
        std::int64_t most = static_cast<std::int64_t>(tp.prr_delivered) - tp.prr_out;
        if (most < newly_acked_sacked)
            most = newly_acked_sacked;
        if (una_advanced_no_loss)
            ++most;
        sndcnt = delta < most ? delta : most;
    }
    const std::int64_t least = tp.prr_out ? 0 : 1;
    if (sndcnt < least)
        sndcnt = least;
    tp.snd_cwnd = static_cast<std::uint32_t>(tcp_packets_in_flight(tp) + sndcnt);
}

//! tcp_fastretrans_alert + tcp_cong_control: the recovery state machine
//! after an ACK (\p dup: a duplicate ACK), then the window.
template <class P, class Ctx>
void tcp_fastretrans_alert(Ctx& ctx, sock& sk, unsigned flag, bool dup, std::uint32_t acked_sacked,
                           bool delayed) {
    tcp_sock& tp = tcp_of(sk);
    const bool sack = tp.rx_opt.sack_ok;
    std::uint8_t st = tp.inet_conn.icsk_ca_state;
    // tcp_process_loss's tcp_try_undo_loss: an ACK that moves snd_una
    // while the episode may be undone (no retransmission went, or the ACK
    // echoes a time before the first: tcp_packet_delayed, Eifel) shows the
    // RTO spurious: nothing is lost, the window is back (tcp_reno_undo_cwnd)
    // and the connection open again (Reno holds Loss at high_seq).
    if (st == tcp_ca_loss && (flag & flag_snd_una_advanced) && tp.undo_marker &&
        (!tp.undo_retrans || delayed)) {
        for (sk_buff* skb = skb_peek(sk.sk_write_queue); skb;
             skb = skb_peek_next(skb, sk.sk_write_queue))
            tcp_cb(*skb).sacked &= static_cast<std::uint8_t>(~tcpcb_lost);
        tp.lost_out = 0;
        if (tp.prior_ssthresh) {
            if (tp.prior_cwnd > tp.snd_cwnd)
                tp.snd_cwnd = tp.prior_cwnd;
            if (tp.prior_ssthresh > tp.snd_ssthresh) {
                tp.snd_ssthresh = tp.prior_ssthresh;
                // tcp_ecn_withdraw_cwr: no reduction left to announce.
                tp.ecn_flags = static_cast<std::uint8_t>(tp.ecn_flags & ~tcp_ecn_queued_cwr);
            }
        }
        tp.snd_cwnd_stamp = tcp_clock_ms(ctx);
        tp.undo_marker = 0;
        tp.inet_conn.icsk_retransmits = 0;
        if (sack || tp.snd_una != tp.high_seq) {
            tcp_set_ca_state(tp, tcp_ca_open);
            st = tcp_ca_open;
        }
    }
    const std::uint32_t lost_before = tp.lost_out;
    // D. Exit conditions: high_seq acknowledged.
    // Reno (no SACK) holds Recovery and Loss until something above high_seq
    // is ACKed: duplicate ACKs of high_seq could start a false fast
    // retransmit (RFC 6582; tcp_try_undo_recovery). The window reduction
    // goes on meanwhile.
    const bool reno_hold = !sack && tp.snd_una == tp.high_seq;
    if (st == tcp_ca_recovery && reno_hold) {
        tp.sacked_out = 0; // tcp_reset_reno_sack
        if (!tp.retrans_out)
            tp.retrans_stamp = 0;
    } else if (st != tcp_ca_open && !before(tp.snd_una, tp.high_seq) &&
               // CWR ends only once data above high_seq is ACKed: the CWR
               // flag rode on it, so the peer has seen it.
               !(st == tcp_ca_cwr && tp.snd_una == tp.high_seq)) {
        if (st == tcp_ca_recovery || st == tcp_ca_cwr) {
            // tcp_end_cwnd_reduction
            if (tp.snd_ssthresh < tcp_infinite_ssthresh)
                tp.snd_cwnd = tp.snd_ssthresh;
            tp.snd_cwnd_stamp = tcp_clock_ms(ctx);
            if (!sack)
                tp.sacked_out = 0; // tcp_reset_reno_sack
        }
        if (st == tcp_ca_loss && reno_hold) {
        } else {
            tcp_set_ca_state(tp, tcp_ca_open);
            st = tcp_ca_open;
            if (!tp.retrans_out)
                tp.retrans_stamp = 0;
        }
    }
    if (!sack && dup && st != tcp_ca_loss) {
        // tcp_add_reno_sack: a duplicate ACK stands for a segment that left.
        if (tp.sacked_out + 1 < tp.packets_out)
            ++tp.sacked_out;
    }
    // tcp_identify_packet_loss: NewReno's rule without SACK; with it RACK
    // (net.ipv4.tcp_recovery), or the duplicate-ACK threshold without RACK.
    const bool rack = ipv4_net(ctx).sysctl.tcp_recovery & tcp_rack_loss_detection;
    if (st == tcp_ca_recovery) {
        // NewReno: a partial ACK means the next hole is lost too.
        if (!sack && (flag & flag_snd_una_advanced))
            tcp_mark_head_lost(sk);
        if (sack) {
            if (rack)
                tcp_rack_mark_lost(ctx, sk);
            else
                tcp_mark_sack_lost(sk);
        }
    } else if (st != tcp_ca_loss) {
        if (sack && rack)
            tcp_rack_mark_lost(ctx, sk);
        else if (sack)
            tcp_mark_sack_lost(sk);
        else if (tp.sacked_out >= tp.reordering)
            tcp_mark_head_lost(sk);
        if (tp.lost_out) {
            // tcp_enter_recovery (a reduction CWR began goes on)
            if (st < tcp_ca_cwr)
                tcp_init_cwnd_reduction(tp);
            tcp_set_ca_state(tp, tcp_ca_recovery);
            st = tcp_ca_recovery;
        } else if (flag & flag_ece && st < tcp_ca_cwr) {
            // tcp_try_to_open
            tcp_enter_cwr(tp);
            st = tcp_ca_cwr;
        } else if (st != tcp_ca_cwr && (tp.sacked_out || (flag & flag_data_sacked))) {
            tcp_set_ca_state(tp, tcp_ca_disorder);
            st = tcp_ca_disorder;
        }
    }
    // tcp_cong_control
    if (st == tcp_ca_recovery || st == tcp_ca_cwr) {
        tcp_cwnd_reduction(tp, acked_sacked,
                           (flag & flag_snd_una_advanced) && tp.lost_out <= lost_before);
    } else if (flag & flag_data_acked) {
        tcp_ca_cong_avoid(tp, acked_sacked, tcp_clock_ms(ctx));
    }
    if (st == tcp_ca_recovery || st == tcp_ca_loss)
        tcp_xmit_retransmit_queue<P>(ctx, sk);
}

//! tcp_ack: \p s's acknowledgement. Returns -1 for an ACK of data never
//! sent (the segment is dropped after the caller answers it), 0 for an old
//! one (its data may still be taken), 1 when processed.
template <class P, class Ctx>
int tcp_ack(Ctx& ctx, sock& sk, const tcp_seg& s) {
    tcp_sock& tp = tcp_of(sk);
    const std::uint32_t prior_snd_una = tp.snd_una;
    const std::uint32_t prior_packets = tp.packets_out;
    const std::uint32_t ack = s.ack_seq;
    if (before(ack, prior_snd_una))
        return 0;
    if (after(ack, tp.snd_nxt))
        return -1;
    unsigned flag = 0;
    if (after(ack, prior_snd_una)) {
        flag |= flag_snd_una_advanced;
        tp.inet_conn.icsk_retransmits = 0;
    }
    if (s.len || (s.flags & (tcphdr_syn | tcphdr_fin)))
        flag |= flag_data;
    flag |= tcp_ack_update_window_dev(ctx, sk, s);
    if (tcp_ecn_rcv_ecn_echo(tp, s.flags))
        flag |= flag_ece;
    const std::uint32_t delivered_before = tp.delivered;
    tp.snd_una = ack;
    // "We passed data and got it acked, remove any soft error log.
    // Something worked...": also what keepalive probes counted.
    sk.sk_err_soft = 0;
    tp.inet_conn.icsk_probes_out = 0;
    tp.rcv_tstamp = static_cast<std::uint32_t>(ctx.jiffies());
    // What this ACK newly SACKs counts as delivered (PRR's newly_acked_sacked).
    const std::uint32_t sacked_before = tp.sacked_out;
    if (tp.rx_opt.sack_ok && s.opt.num_sacks)
        flag |= tcp_sacktag(ctx, sk, s);
    if (!prior_packets) {
        // Nothing was in flight: a zero-window probe's answer, a window update.
        if (tp.inet_conn.icsk_pending == icsk_time_probe0 && tp.snd_wnd) {
            tcp_clear_xmit_timer(tp);
            tp.inet_conn.icsk_backoff = 0;
            tp.inet_conn.icsk_probes_out = 0;
        }
        return 1;
    }
    const tcp_acked r = tcp_clean_rtx_queue(ctx, sk, ack);
    flag |= r.flag;
    // tcp_count_delivered: what an ECE ACK delivers was marked on the way.
    if (flag & flag_ece)
        tp.delivered_ce += tp.delivered - delivered_before;
    if (flag & flag_acked) {
        tcp_ack_update_rtt(ctx, tp, flag, r.seq_rtt_us, &s);
        tp.inet_conn.icsk_probes_out = 0;
        tcp_set_xmit_timer(ctx, sk);
    }
    const bool dup = !(flag & flag_not_dup) && ack == prior_snd_una;
    tcp_process_tlp_ack(tp, ack, flag, dup && !(flag & flag_data_sacked), flag & flag_dsacking_ack);
    std::uint32_t acked_sacked = r.pkts - r.sacked;
    if (tp.sacked_out > sacked_before)
        acked_sacked += tp.sacked_out - sacked_before;
    if (!tp.rx_opt.sack_ok && (flag & flag_data_acked) && tp.sacked_out) {
        // tcp_remove_reno_sacks: an ACK that moves on takes duplicates with it.
        tp.sacked_out = r.pkts - 1 < tp.sacked_out ? tp.sacked_out - (r.pkts - 1) : 0;
        if (tp.sacked_out + 1 > tp.packets_out)
            tp.sacked_out = tp.packets_out ? tp.packets_out - 1 : 0;
    }
    // tcp_packet_delayed: the ACK echoes a time before the first
    // retransmission (the original answered).
    const bool delayed = tp.retrans_stamp && s.opt.saw_tstamp && s.opt.rcv_tsecr &&
                         before(s.opt.rcv_tsecr - tp.tsoffset, tp.retrans_stamp);
    tcp_fastretrans_alert<P>(ctx, sk, flag, dup, acked_sacked, delayed);
    if (!tp.packets_out)
        tcp_clear_xmit_timer(tp);
    return 1;
}

} // namespace ksock::inet
