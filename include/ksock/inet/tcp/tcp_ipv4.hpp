// ksock/inet/tcp/tcp_ipv4.hpp: TCP over IPv4 on a device
// (net/ipv4/tcp_ipv4.c, tcp_input.c, tcp_minisocks.c, tcp_output.c):
// tcp_v4_rcv (the header and checksum checked, the socket found: a
// connection, a TIME_WAIT mini-sock, a listener, or nobody and an RST),
// the listener's SYN (tcp_conn_request: a child in SYN_RECV answers with
// a SYN-ACK), the client's SYN-ACK (tcp_rcv_synsent_state_process), every
// later segment (tcp_rcv_state_process), TIME_WAIT's answers
// (tcp_timewait_state_process), and connect() through a device
// (tcp_v4_connect's second half, tcp_connect_init, tcp_connect).
//
// A connection whose route leaves through a device sends real segments
// (tp->segments); those on lo keep ksock's loopback model for now.
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/tcp_input.hpp>
#include <ksock/inet/tcp/tcp_rcv.hpp>
#include <ksock/inet/tcp/tcp_timer.hpp>

namespace ksock::inet {

//! tcp_store_ts_recent.
template <class Ctx>
void tcp_store_ts_recent(Ctx& ctx, tcp_sock& tp, const tcp_seg& s) noexcept {
    tp.rx_opt.ts_recent = s.opt.rcv_tsval;
    tp.rx_opt.ts_recent_stamp = tcp_seconds(ctx);
}

//! tcp_init_transfer: the connection is established: buffers, the
//! congestion control, the initial window (TCP_INIT_CWND).
template <class Ctx>
void tcp_init_transfer_dev(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    tcp_init_buffer_space(ctx, sk);
    tcp_ca_init(tp);
    // tcp_init_metrics: no RTT sample from a handshake that was resent:
    // "Reset the RTO back to 3sec from 1sec" (TCP_TIMEOUT_FALLBACK); and
    // more than one SYN or SYN-ACK resent starts from one segment (RFC 5681).
    if (!tp.srtt_us && tp.total_retrans)
        tp.inet_conn.icsk_rto = 3 * hz;
    tp.snd_cwnd = tp.total_retrans > 1 ? 1 : tcp_init_cwnd;
    tp.snd_cwnd_stamp = tcp_clock_ms(ctx);
    tp.lsndtime = tcp_clock_ms(ctx);
}

//! The options of a SYN as this side's sysctls let it take them
//! (tcp_parse_options' gates): timestamps, window scaling, SACK, and the
//! MSS no larger than TCP_MAXSEG's.
template <class Ctx>
void tcp_take_syn_options(Ctx& ctx, tcp_sock& tp, tcp_options_in& o) noexcept {
    const ipv4_sysctl& sc = ipv4_net(ctx).sysctl;
    if (!sc.tcp_timestamps)
        o.saw_tstamp = 0;
    if (!sc.tcp_window_scaling)
        o.wscale_ok = 0;
    if (!sc.tcp_sack)
        o.sack_ok = 0;
    std::uint16_t mss = tcp_mss_default;
    if (o.mss)
        mss = tp.user_mss && tp.user_mss < o.mss ? tp.user_mss : o.mss;
    tp.mss_clamp = mss;
}

//! tcp_connect_init for a route of MTU \p mtu, then tcp_connect: the SYN
//! with this side's options, SYN_SENT's retransmission timer
//! (TCP_TIMEOUT_INIT). ENOBUFS when the pool has no skb for the SYN
//! (tcp_connect's tcp_stream_alloc_skb), write_seq as it was: the caller
//! undoes the rest, as tcp_v4_connect's failure path does.
template <class P, class Ctx>
int tcp_connect_dev(Ctx& ctx, sock& sk, unsigned mtu) {
    tcp_sock& tp = tcp_of(sk);
    const ipv4_sysctl& sc = ipv4_net(ctx).sysctl;
    tp.segments = 1;
    tp.tcp_header_len = static_cast<std::uint16_t>(
        tcp_header_size + (sc.tcp_timestamps ? tcpolen_tstamp_aligned : 0));
    if (tp.user_mss)
        tp.mss_clamp = tp.user_mss;
    tp.max_window = 0;
    tcp_sync_mss(tp, mtu, sc);
    tp.advmss = tcp_mss_clamp(tp, ipv4_default_advmss(mtu));
    tcp_init_rwin(tp, tp.advmss, sc, ctx.net().sysctl.rmem_max);
    tcp_initialize_rcv_mss(tp);
    tp.rx_opt = tcp_options_received{};
    tp.rx_opt.tstamp_ok = sc.tcp_timestamps != 0;
    tp.rx_opt.sack_ok = sc.tcp_sack != 0;
    tp.rx_opt.wscale_ok = sc.tcp_window_scaling != 0;
    if (!tp.rx_opt.wscale_ok)
        tp.rcv_wscale = 0;
    sk.sk_err = 0;
    sock_reset_flag(sk, sock_done);
    tp.snd_wnd = 0;
    tp.snd_wl1 = 0;
    tp.snd_una = tp.snd_sml = tp.snd_up = tp.snd_nxt = tp.write_seq;
    tp.rcv_nxt = tp.rcv_wup = tp.copied_seq = 0;
    tp.urg_data = 0;
    tp.inet_conn.icsk_rto = tcp_timeout_init;
    tp.inet_conn.icsk_retransmits = 0;
    tp.inet_conn.icsk_backoff = 0;
    tp.retrans_out = tp.lost_out = tp.sacked_out = tp.packets_out = 0;
    tp.fin_alone = 0;
    tcp_ecn_send_syn(tp, sc.tcp_ecn);
    // tcp_connect: the SYN takes write_seq. Linux keeps the SYN's skb and
    // sends a clone, so only that first allocation can fail the call; ksock
    // builds the SYN's packet in one allocation, and OutSegs counts a
    // segment once it is built: a SYN that was built and then dropped on
    // its way out (a full qdisc) is sent again by the timer, as Linux's is.
    const unsigned long built = ipv4_net(ctx).mib.tcp.out_segs;
    tp.retrans_stamp = tcp_clock_ms(ctx);
    ++tp.write_seq;
    tcp_transmit<P>(ctx, sk, tp.snd_una, 0, tcphdr_syn);
    if (ipv4_net(ctx).mib.tcp.out_segs == built) {
        --tp.write_seq;
        tp.retrans_stamp = 0;
        tp.segments = 0; // (a connect to lo after this one takes the model)
        return -enobufs;
    }
    tp.snd_nxt = tp.pushed_seq = tp.write_seq;
    tp.packets_out = 1;
    ++ipv4_net(ctx).mib.tcp.active_opens;
    tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, tp.inet_conn.icsk_rto);
    return 0;
}

//! tcp_v4_connect's second half for a route through a device: the ISN
//! (unless a disconnect left one), the timestamp offset and the IP id from
//! the keyed hashes and the generator, then the SYN.
template <class P, class Ctx>
int tcp_v4_connect_dev(Ctx& ctx, sock& sk, unsigned mtu) {
    tcp_sock& tp = tcp_of(sk);
    inet_sock& i = *inet_sk(&sk);
    if (!tp.write_seq)
        tp.write_seq =
            secure_tcp_seq<P>(ctx, i.inet_saddr, i.inet_daddr(), i.inet_sport, i.inet_dport());
    tp.tsoffset = secure_tcp_ts_off<P>(ctx, i.inet_saddr, i.inet_daddr());
    i.inet_id = static_cast<std::uint16_t>(ctx.net().prandom_u32());
    return tcp_connect_dev<P>(ctx, sk, mtu);
}

//! The SYN-ACK of a child in SYN_RECV (also a retransmission of it).
template <class P, class Ctx>
void tcp_send_synack(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    tcp_transmit<P>(ctx, sk, tp.snd_una, 0, tcphdr_syn | tcphdr_ack);
}

//! tcp_finish_connect after a SYN-ACK \p s: the SYN acknowledged (its
//! RTT taken unless it was sent again), the peer's options agreed, the MSS
//! and windows set, ESTABLISHED, and the ACK.
template <class P, class Ctx>
void tcp_rcv_synack_dev(Ctx& ctx, sock& sk, tcp_seg& s) {
    tcp_sock& tp = tcp_of(sk);
    tcp_take_syn_options(ctx, tp, s.opt);
    tcp_ecn_rcv_synack(tp, s.flags);
    tp.snd_una = s.ack_seq;
    tp.packets_out = 0;
    tcp_clear_xmit_timer(tp);
    // The SYN's RTT (Karn: not if it was resent), else the timestamp echo.
    const long syn_rtt = !tp.inet_conn.icsk_retransmits && tp.retrans_stamp
                             ? static_cast<long>(tcp_clock_ms(ctx) - tp.retrans_stamp) * 1000
                             : -1;
    tcp_ack_update_rtt(ctx, tp, flag_syn_acked, syn_rtt,
                       tp.rx_opt.tstamp_ok && s.opt.saw_tstamp ? &s : nullptr);
    tp.inet_conn.icsk_retransmits = 0;
    tp.retrans_stamp = 0;
    tp.snd_wl1 = s.seq;
    tp.rcv_nxt = tp.rcv_wup = tp.copied_seq = s.seq + 1;
    tp.snd_wnd = s.window;
    tp.max_window = 0;
    tp.rx_opt.sack_ok = tp.rx_opt.sack_ok && s.opt.sack_ok;
    if (tp.rx_opt.wscale_ok && s.opt.wscale_ok) {
        tp.rx_opt.snd_wscale = s.opt.snd_wscale;
    } else {
        tp.rx_opt.wscale_ok = 0;
        tp.rx_opt.snd_wscale = tp.rcv_wscale = 0;
        if (tp.window_clamp > 65535u)
            tp.window_clamp = 65535u;
    }
    if (tp.rx_opt.tstamp_ok && s.opt.saw_tstamp) {
        tp.tcp_header_len = tcp_header_size + tcpolen_tstamp_aligned;
        tp.advmss = static_cast<std::uint16_t>(tp.advmss - tcpolen_tstamp_aligned);
        tcp_store_ts_recent(ctx, tp, s);
    } else {
        tp.rx_opt.tstamp_ok = 0;
        tp.tcp_header_len = tcp_header_size;
    }
    tcp_sync_mss(tp, tp.inet_conn.icsk_pmtu_cookie, ipv4_net(ctx).sysctl);
    if (tp.snd_wnd > tp.max_window) {
        tp.max_window = tp.snd_wnd;
        tcp_sync_mss(tp, tp.inet_conn.icsk_pmtu_cookie, ipv4_net(ctx).sysctl);
    }
    tcp_initialize_rcv_mss(tp);
    tcp_set_state<P>(ctx, sk, tcp_established);
    // Header prediction from the start only without window scaling: the
    // SYN-ACK's window was not scaled (tcp_rcv_synsent_state_process).
    tp.pred_on = tp.rx_opt.snd_wscale ? 0 : 1;
    tp.inet_conn.icsk_ack.lrcvtime = static_cast<std::uint32_t>(ctx.jiffies());
    tcp_init_transfer_dev(ctx, sk);
    if (!sock_flag(sk, sock_dead))
        ctx.sk_state_change(sk);
    if (sock_flag(sk, sock_keepopen))
        tcp_reset_keepalive_timer(ctx, sk);
    tcp_send_ack_now<P>(ctx, sk);
    // (A SHUT_WR from before connect() sends no FIN here: Linux's active
    // opener stays ESTABLISHED, only SYN_RECV's way in sends it.)
    tcp_push_dev<P>(ctx, sk, tp.nonagle);
}

//! tcp_rcv_synsent_state_process: an ACK must acknowledge the SYN (else
//! an RST answers it); an RST with it refuses the connection; a SYN-ACK
//! establishes it; a SYN alone is a simultaneous open (SYN_RECV, SYN-ACK).
template <class P, class Ctx>
void tcp_rcv_synsent(Ctx& ctx, sock& sk, tcp_seg& s, const tcp_tuple& reply) {
    tcp_sock& tp = tcp_of(sk);
    if (s.flags & tcphdr_ack) {
        if (!after(s.ack_seq, tp.snd_una) || after(s.ack_seq, tp.snd_nxt)) {
            // "Previous FIN/ACK or SYN/ACK may have been lost": the SYN goes
            // again at TCP_TIMEOUT_MIN (2 jiffies) if it was not resent yet.
            if (!tp.inet_conn.icsk_retransmits)
                tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, 2);
            if (!(s.flags & tcphdr_rst))
                tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
            return;
        }
        if (tp.rx_opt.tstamp_ok && s.opt.saw_tstamp && s.opt.rcv_tsecr &&
            !seq_between(s.opt.rcv_tsecr, tp.retrans_stamp + tp.tsoffset,
                         tcp_clock_ms(ctx) + tp.tsoffset))
            return; // PAWS on the SYN-ACK (PAWSActiveRejected)
        if (s.flags & tcphdr_rst) {
            tcp_reset<P>(ctx, sk);
            ++ipv4_net(ctx).mib.tcp.attempt_fails;
            return;
        }
        if (!(s.flags & tcphdr_syn))
            return;
        tcp_rcv_synack_dev<P>(ctx, sk, s);
        return;
    }
    if (s.flags & tcphdr_rst)
        return;
    if (s.flags & tcphdr_syn) {
        // Simultaneous open.
        tcp_take_syn_options(ctx, tp, s.opt);
        tcp_ecn_rcv_syn(tp, s.flags);
        tcp_set_state<P>(ctx, sk, tcp_syn_recv);
        tp.rcv_nxt = tp.rcv_wup = tp.copied_seq = s.seq + 1;
        tp.snd_wnd = s.window;
        tp.snd_wl1 = s.seq;
        tp.rx_opt.sack_ok = tp.rx_opt.sack_ok && s.opt.sack_ok;
        if (!(tp.rx_opt.wscale_ok && s.opt.wscale_ok)) {
            tp.rx_opt.wscale_ok = 0;
            tp.rcv_wscale = tp.rx_opt.snd_wscale = 0;
        } else {
            tp.rx_opt.snd_wscale = s.opt.snd_wscale;
        }
        if (tp.rx_opt.tstamp_ok && s.opt.saw_tstamp)
            tcp_store_ts_recent(ctx, tp, s);
        else
            tp.rx_opt.tstamp_ok = 0;
        tcp_send_synack<P>(ctx, sk);
    }
}

//! The ACK that completes a passive open: the child is ESTABLISHED and
//! joins its listener's accept queue; the SYN-ACK's RTT is taken.
template <class P, class Ctx>
bool tcp_child_established(Ctx& ctx, sock& sk, const tcp_seg& s) {
    tcp_sock& tp = tcp_of(sk);
    // tcp_synack_rtt_meas: the SYN-ACK's RTT unless it was resent; with
    // timestamps the echo gives it either way.
    if (!tp.srtt_us) {
        long rtt = -1;
        if (!tp.inet_conn.icsk_retransmits && tp.retrans_stamp)
            rtt = static_cast<long>(tcp_clock_ms(ctx) - tp.retrans_stamp) * 1000;
        else if (s.opt.saw_tstamp && s.opt.rcv_tsecr)
            rtt = static_cast<long>(tcp_clock_ms(ctx) + tp.tsoffset - s.opt.rcv_tsecr) * 1000;
        if (rtt >= 0)
            tcp_ack_update_rtt(ctx, tp, flag_syn_acked, rtt, nullptr);
    }
    tp.retrans_stamp = 0;
    tp.segs_out = 0; // the SYN-ACKs were the request sock's
    tp.inet_conn.icsk_retransmits = 0;
    tp.packets_out = 0;
    tcp_clear_xmit_timer(tp);
    tp.snd_una = s.ack_seq;
    tp.snd_wnd = static_cast<std::uint32_t>(s.window) << tp.rx_opt.snd_wscale;
    tp.snd_wl1 = s.seq;
    if (tp.rx_opt.tstamp_ok)
        tp.advmss = static_cast<std::uint16_t>(tp.advmss - tcpolen_tstamp_aligned);
    if (tp.snd_wnd > tp.max_window) {
        tp.max_window = tp.snd_wnd;
        tcp_sync_mss(tp, tp.inet_conn.icsk_pmtu_cookie, ipv4_net(ctx).sysctl);
    }
    tcp_initialize_rcv_mss(tp);
    tcp_set_state<P>(ctx, sk, tcp_established);
    tp.pred_on = 1; // tcp_fast_path_on, at the end of SYN_RECV
    tcp_init_transfer_dev(ctx, sk);
    ++ipv4_net(ctx).mib.tcp.passive_opens;
    sock* l = tp.parent;
    if (!l) {
        // A simultaneous open: the socket's own. A SHUT_WR from before
        // connect() sends its FIN now, as for a child below.
        if (!sock_flag(sk, sock_dead))
            ctx.sk_state_change(sk);
        if (sk.sk_shutdown & send_shutdown)
            tcp_shutdown<P>(ctx, sk, send_shutdown);
        return true;
    }
    if (l->sk_state() != tcp_listen) {
        tp.parent = nullptr;
        tcp_send_active_reset_dev<P>(ctx, sk);
        sock_orphan(sk);
        tcp_done<P>(ctx, sk);
        return false;
    }
    request_sock_queue& q = tcp_of(*l).inet_conn.icsk_accept_queue;
    if (auto* t = static_cast<tcp_sock*>(q.rskq_accept_tail))
        t->accept_next = &tp;
    else
        q.rskq_accept_head = &tp;
    q.rskq_accept_tail = &tp;
    ++l->sk_ack_backlog;
    if (sock_flag(*l, sock_keepopen))
        tcp_reset_keepalive_timer(ctx, sk);
    if (sk.sk_shutdown & send_shutdown)
        tcp_shutdown<P>(ctx, sk, send_shutdown);
    ctx.sk_data_ready(*l);
    return true;
}

//! tcp_validate_incoming: PAWS, the sequence check, RST and SYN (RFC 5961
//! 3.2 and 4.2). False when the segment ends here.
template <class P, class Ctx>
bool tcp_validate_incoming(Ctx& ctx, sock& sk, const tcp_seg& s) {
    tcp_sock& tp = tcp_of(sk);
    const bool rst = s.flags & tcphdr_rst;
    if (tp.rx_opt.tstamp_ok && s.opt.saw_tstamp && !tcp_paws_check(ctx, tp.rx_opt, s, 1) && !rst) {
        if (s.flags & tcphdr_syn) {
            tcp_send_challenge_ack<P>(ctx, sk, s);
            return false;
        }
        if (!tcp_oow_rate_limited(ctx, tp, s))
            tcp_send_dupack<P>(ctx, sk, s);
        return false;
    }
    const bool reset_check = s.seq == tp.rcv_nxt - 1 &&
                             ((1u << sk.sk_state()) & ((1u << tcp_close_wait) |
                                                       (1u << tcp_last_ack) | (1u << tcp_closing)));
    if (!tcp_sequence_ok(sk, tp, s)) {
        if (!rst) {
            if (s.flags & tcphdr_syn) {
                tcp_send_challenge_ack<P>(ctx, sk, s);
                return false;
            }
            if (!tcp_oow_rate_limited(ctx, tp, s))
                tcp_send_dupack<P>(ctx, sk, s);
        } else if (reset_check) {
            tcp_reset<P>(ctx, sk);
            ++ipv4_net(ctx).mib.tcp.estab_resets;
        }
        return false;
    }
    if (rst) {
        std::uint32_t max_sack = tp.rcv_nxt;
        for (std::size_t i = 0; i < tp.rx_opt.num_sacks; ++i)
            if (after(tp.rx_opt.selective_acks[i].end_seq, max_sack))
                max_sack = tp.rx_opt.selective_acks[i].end_seq;
        if (s.seq == tp.rcv_nxt || reset_check || (tp.rx_opt.num_sacks && s.seq == max_sack)) {
            if ((1u << sk.sk_state()) & ((1u << tcp_established) | (1u << tcp_close_wait)))
                ++ipv4_net(ctx).mib.tcp.estab_resets;
            tcp_reset<P>(ctx, sk);
        } else {
            tcp_send_challenge_ack<P>(ctx, sk, s);
        }
        return false;
    }
    if (s.flags & tcphdr_syn) {
        if (sk.sk_state() == tcp_syn_recv && (s.flags & tcphdr_ack) && s.seq + 1 == s.end_seq &&
            s.seq + 1 == tp.rcv_nxt && s.ack_seq == tp.snd_nxt)
            return true;
        ++ipv4_net(ctx).mib.tcp.in_errs;
        tcp_send_challenge_ack<P>(ctx, sk, s);
        return false;
    }
    return true;
}

//! tcp_rcv_state_process step 5's end: the ACK of our FIN moves the state.
//! False when the socket is gone (TIME_WAIT, done).
template <class P, class Ctx>
bool tcp_fin_acked_dev(Ctx& ctx, sock& sk, const tcp_seg& s) {
    tcp_sock& tp = tcp_of(sk);
    if (tp.snd_una != tp.write_seq || !tcp_fin_in_seq(sk) || tp.fin_queued)
        return true;
    switch (sk.sk_state()) {
    case tcp_fin_wait1: {
        tcp_set_state<P>(ctx, sk, tcp_fin_wait2);
        sk.sk_shutdown |= send_shutdown;
        if (!sock_flag(sk, sock_dead)) {
            ctx.sk_state_change(sk);
            return true;
        }
        // TCPAbortOnData: with no FIN_WAIT2 to wait in, or data after
        // close(), the orphan is done and the segment answered with an RST
        // (tcp_rcv_state_process returns 1: tcp_v4_do_rcv's "goto reset").
        if (tp.linger2 < 0 || (s.end_seq != s.seq &&
                               after(s.end_seq - ((s.flags & tcphdr_fin) ? 1u : 0u), tp.rcv_nxt))) {
            const tcp_tuple reply = tcp_tuple_of(sk);
            tcp_done<P>(ctx, sk);
            tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
            return false;
        }
        const unsigned long tmo =
            tp.linger2 ? static_cast<unsigned long>(tp.linger2)
                       : static_cast<unsigned long>(ipv4_net(ctx).sysctl.tcp_fin_timeout) * hz;
        if (tmo > tcp_timewait_len || (s.flags & tcphdr_fin)) {
            tp.timer_at = ctx.jiffies() + (tmo > tcp_timewait_len ? tmo - tcp_timewait_len : tmo);
            return true;
        }
        tcp_enter_time_wait<P>(ctx, sk, tcp_fin_wait2, tmo);
        return false;
    }
    case tcp_closing:
        tcp_enter_time_wait<P>(ctx, sk, tcp_time_wait, tcp_timewait_len);
        return false;
    case tcp_last_ack:
        tcp_done<P>(ctx, sk);
        return false;
    default:
        return true;
    }
}

//! tcp_rcv_state_process for a synchronized connection (and a child in
//! SYN_RECV): validation, the ACK, the state changes, the data, then what
//! can be sent and the ACK decision. \p skb holds the segment's data (its
//! headers pulled); it is taken.
template <class P, class Ctx>
void tcp_rcv_state_process(Ctx& ctx, sock& sk, tcp_seg& s, sk_buff* skb, std::uint32_t hdrlen) {
    tcp_sock& tp = tcp_of(sk);
    ++tp.segs_in;
    if (s.len)
        ++tp.data_segs_in;
    // tcp_rcv_established's fast path: judged on the state the segment
    // found (before tcp_ack and the timestamp update).
    const bool predicted = tcp_header_predicted(sk, tp, s, hdrlen, skb->truesize);
    if (!(s.flags & tcphdr_ack) && !(s.flags & tcphdr_rst) && !(s.flags & tcphdr_syn)) {
        kfree_skb(ctx, skb); // no ACK: discarded
        return;
    }
    if (sk.sk_state() == tcp_syn_recv && tp.parent && s.flags == tcphdr_syn &&
        s.seq + 1 == tp.rcv_nxt) {
        // tcp_check_req: the peer's SYN again (our SYN-ACK was lost): the
        // SYN-ACK again (inet_rtx_syn_ack).
        tcp_send_synack<P>(ctx, sk);
        ++tp.total_retrans;
        ++tp.inet_conn.icsk_retransmits;
        ++ipv4_net(ctx).mib.tcp.retrans_segs;
        kfree_skb(ctx, skb);
        return;
    }
    if (!tcp_validate_incoming<P>(ctx, sk, s)) {
        kfree_skb(ctx, skb);
        return;
    }
    // 6.18 notes any ECT or CE mark on a synchronized connection's segment,
    // pure ACKs too, whether or not ECN was agreed (tcp_ecn_received_counters):
    // TCPI_OPT_ECN_SEEN. (The handshake's last ACK does not count.)
    if ((s.ip_dsfield & inet_ecn_field) && sk.sk_state() != tcp_syn_recv)
        tp.ecn_flags |= tcp_ecn_seen;
    if (!(s.flags & tcphdr_ack)) {
        kfree_skb(ctx, skb);
        return;
    }
    if (sk.sk_state() == tcp_syn_recv) {
        if (before(s.ack_seq, tp.snd_una) || after(s.ack_seq, tp.snd_nxt) ||
            s.ack_seq == tp.snd_una) {
            tcp_v4_send_reset(ctx, tcp_tuple_of(sk), s.seq, s.ack_seq, s.flags, s.len);
            kfree_skb(ctx, skb);
            return;
        }
        // tcp_check_req: while the listener's TCP_DEFER_ACCEPT lasts, the
        // bare ACK does not complete the handshake: the request waits for
        // data (TCPDeferAcceptDrop).
        if (tp.parent && s.end_seq == tp.rcv_nxt &&
            tp.inet_conn.icsk_retransmits <
                tcp_sk(tp.parent)->inet_conn.icsk_accept_queue.rskq_defer_accept) {
            tp.req_acked = 1;
            kfree_skb(ctx, skb);
            return;
        }
        if (!tcp_child_established<P>(ctx, sk, s)) {
            kfree_skb(ctx, skb);
            return;
        }
    }
    const int acked = tcp_ack<P>(ctx, sk, s);
    if (acked < 0) {
        // An ACK of data never sent: answered, dropped.
        tcp_send_ack_now<P>(ctx, sk);
        kfree_skb(ctx, skb);
        return;
    }
    if (acked == 0 && before(s.ack_seq, tp.snd_una - tp.max_window)) {
        tcp_send_challenge_ack<P>(ctx, sk, s);
        kfree_skb(ctx, skb);
        return;
    }
    // tcp_replace_ts_recent
    if (tp.rx_opt.tstamp_ok && s.opt.saw_tstamp && !after(s.seq, tp.rcv_wup) &&
        tcp_paws_check(ctx, tp.rx_opt, s, 0))
        tcp_store_ts_recent(ctx, tp, s);
    if (!tcp_fin_acked_dev<P>(ctx, sk, s)) {
        kfree_skb(ctx, skb);
        return;
    }
    // Step 6's pointer (tcp_check_urg): it names the byte after the urgent
    // one (RFC 793's reading, net.ipv4.tcp_stdurg 0), or the urgent byte
    // itself (RFC 1122's, tcp_stdurg 1); a pointer of 0 names the
    // segment's first byte either way.
    const bool urg = s.flags & tcphdr_urg;
    const std::uint32_t urg_ptr =
        s.seq + s.urg_ptr - (s.urg_ptr && !ipv4_net(ctx).sysctl.tcp_stdurg ? 1u : 0u);
    // Step 7: the text.
    const std::uint8_t st = sk.sk_state();
    const bool has_data = s.end_seq != s.seq;
    if ((st == tcp_close_wait || st == tcp_closing || st == tcp_last_ack) &&
        !before(s.seq, tp.rcv_nxt)) {
        kfree_skb(ctx, skb);
    } else if ((st == tcp_fin_wait1 || st == tcp_fin_wait2 || st == tcp_close_wait ||
                st == tcp_closing || st == tcp_last_ack) &&
               (sk.sk_shutdown & rcv_shutdown) && has_data &&
               after(s.end_seq - ((s.flags & tcphdr_fin) ? 1u : 0u), tp.rcv_nxt)) {
        // Data for a side that will never read it: RST (RFC 1122). Step 6
        // came first: an urgent byte in it is marked all the same (POLLPRI
        // stays on the reset socket, as Linux's tcp_urg leaves it).
        if (urg) {
            const std::uint32_t ptr = urg_ptr;
            if (!after(tp.copied_seq, ptr) && !before(ptr, tp.rcv_nxt) &&
                !(tp.urg_data && !after(ptr, tp.urg_seq))) {
                tp.urg_data = tcp_urg_notyet;
                tp.urg_seq = ptr;
                unsigned char c = 0;
                if (skb_walk(skb, ptr - s.seq, 1, [&](const unsigned char* p, std::size_t) {
                        c = *p;
                        return std::size_t{1};
                    }) == 1) {
                    tp.urg_data = static_cast<std::uint16_t>(tcp_urg_valid | c);
                    if (!sock_flag(sk, sock_dead))
                        ctx.sk_data_ready(sk);
                }
            }
        }
        kfree_skb(ctx, skb);
        tcp_send_active_reset_dev<P>(ctx, sk);
        tcp_reset<P>(ctx, sk);
        return;
    } else {
        const std::uint32_t rcv_before = tp.rcv_nxt;
        tcp_data_queue<P>(ctx, sk, skb, hdrlen);
        // Step 6, the URG bit (tcp_check_urg + tcp_urg), after the data
        // it names is queued: one already read or behind rcv_nxt's old
        // value is not replayed.
        if (urg && !after(tp.copied_seq, urg_ptr) && !before(urg_ptr, rcv_before))
            tcp_urg(ctx, sk, urg_ptr, rcv_before);
    }
    if (sk.sk_state() != tcp_close) {
        // (The fast path sends nothing: no tcp_data_snd_check.)
        if (!predicted) {
            tcp_push_dev<P>(ctx, sk, tp.nonagle);
            if (!sock_flag(sk, sock_dead) && sk_stream_is_writeable(ctx, sk))
                ctx.sk_write_space(sk);
        }
        tcp_ack_snd_check<P>(ctx, sk);
    }
}

//! tcp_v4_connect: the route, the implicit bind, SYN_SENT, the SYN
//! (tcp_v4_connect_dev, for lo as for every device).
template <class P, class Ctx>
int tcp_v4_connect(Ctx& ctx, sock& sk, const sockaddr* uaddr, int addr_len) {
    sockaddr_in usin;
    if (const int err = sockaddr_in_from(uaddr, addr_len, usin))
        return err;
    if (usin.sin_family != af_inet)
        return -eafnosupport;
    inet_sock& inet = *inet_sk(&sk);
    // ip_route_connect, from the socket's source address (0 for one bound
    // to ANY or to a broadcast address): 0.0.0.0 means that source or this
    // host; a route that is not unicast ends here ("if (rt->rt_flags &
    // (RTCF_MULTICAST | RTCF_BROADCAST)) return -ENETUNREACH"). A local
    // destination takes ksock's loopback model, a route out of a device
    // real segments (tcp_connect_dev).
    rtable rt{};
    if (const int err = ip_route_output(ctx, usin.sin_addr.s_addr, inet.inet_saddr, rt)) {
        if (err == -enetunreach)
            ++ipv4_net(ctx).mib.ip.out_no_routes;
        return err;
    }
    if (rt.broadcast || rt.multicast || (rt.type != rtn_local && rt.type != rtn_unicast))
        return -enetunreach;
    const std::uint32_t daddr = rt.daddr;
    // inet_bhash2_update_saddr: a socket without a source address takes the
    // route's as both its source and its bound address.
    if (!inet.inet_saddr)
        inet.inet_saddr = inet.inet_rcv_saddr() = rt.saddr;
    inet.inet_dport() = usin.sin_port;
    inet.inet_daddr() = daddr;
    auto fail = [&](int err) {
        tcp_set_state<P>(ctx, sk, tcp_close);
        // inet_bhash2_reset_saddr: an address the user did not bind goes.
        if (!(sk.sk_userlocks & sock_bind_lock))
            inet.inet_saddr = inet.inet_rcv_saddr() = 0;
        inet.inet_dport() = 0;
        inet.inet_daddr() = 0;
        return err;
    };
    // inet_hash_connect: an ephemeral port (even first), or the bound one
    // if its 4-tuple is free. (Still CLOSE, the socket is not among those
    // the check finds: Linux hashes it only after __inet_check_established.)
    if (!inet.inet_num()) {
        const std::uint16_t port = inet_hash_connect_port<P>(ctx);
        if (!port)
            return fail(-eaddrnotavail);
        inet.inet_num() = port;
        inet.inet_sport = ksock::cpu_to_be16(port);
    } else {
        sock* other = inet_lookup_established<P>(ctx, inet.inet_rcv_saddr(), inet.inet_num(), daddr,
                                                 usin.sin_port);
        if ((other && other != &sk) ||
            inet_lookup_tw<P>(ctx, inet.inet_rcv_saddr(), inet.inet_num(), daddr, usin.sin_port))
            return fail(-eaddrnotavail);
    }
    tcp_set_state<P>(ctx, sk, tcp_syn_sent);
    if (const int err = tcp_v4_connect_dev<P>(ctx, sk, rt.mtu))
        return fail(err);
    return 0;
}

} // namespace ksock::inet
