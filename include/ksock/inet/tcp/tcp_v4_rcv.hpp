// ksock/inet/tcp/tcp_v4_rcv.hpp: a TCP segment arriving from a device
// (net/ipv4/tcp_ipv4.c's tcp_v4_rcv): the header and the checksum checked
// (InErrs, InCsumErrors), the options parsed, then the socket: a
// connection's, a TIME_WAIT mini-sock's (tcp_timewait_state_process), a
// listener's (tcp_conn_request: a child in SYN_RECV and its SYN-ACK), or
// nobody's (an RST, tcp_v4_send_reset).
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/tcp_ipv4.hpp>
#include <ksock/inet/tcp/tcp_timer.hpp>

namespace ksock::inet {

//! Keep the first \p n bytes of a received message (a frame's padding, or
//! what an overlap cut).
inline void skb_trim_msg(sk_buff* skb, std::uint32_t n) noexcept {
    skb->msg_len = n;
    for (sk_buff* s = skb; s; s = s->frag_next) {
        if (s->len > n)
            s->len = n;
        n -= s->len;
    }
}

//! tcp_conn_request: a SYN at a listener. It is dropped when the accept
//! queue is full or the SYN queue (the children in SYN_RECV) has reached the
//! backlog (Linux answers with a SYN cookie then; ksock drops), or the pool
//! is out; else a child answers with its SYN-ACK. \p isn: TIME_WAIT's
//! choice for a reused 4-tuple (0: a fresh one).
template <class P, class Ctx>
void tcp_conn_request(Ctx& ctx, sock& l, tcp_seg& s, const tcp_tuple& t, std::uint32_t isn) {
    if (l.sk_ack_backlog > l.sk_max_ack_backlog)
        return; // sk_acceptq_is_full: ListenOverflows
    std::uint32_t qlen = 0;
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        qlen += o.parent == &l && o.inet_conn.icsk_inet.sk.sk_state() == tcp_syn_recv ? 1u : 0u;
    });
    if (qlen >= l.sk_max_ack_backlog && l.sk_max_ack_backlog > 0)
        return;
    rtable rt{};
    if (ip_route_output(ctx, t.daddr, t.saddr, rt))
        return;
    sock* c = tcp_create_child<P>(ctx, l, t.saddr, t.daddr, t.dport, 0);
    if (!c)
        return;
    sock& sk = *c;
    tcp_sock& tp = tcp_of(sk);
    inet_sock& i = *inet_sk(&sk);
    tp.segments = 1;
    i.inet_id = static_cast<std::uint16_t>(ctx.net().prandom_u32());
    tcp_take_syn_options(ctx, tp, s.opt);
    const ipv4_sysctl& sc = ipv4_net(ctx).sysctl;
    tp.rx_opt = tcp_options_received{};
    tp.rx_opt.tstamp_ok = s.opt.saw_tstamp;
    tp.rx_opt.sack_ok = s.opt.sack_ok;
    tp.rx_opt.wscale_ok = s.opt.wscale_ok;
    tp.rx_opt.snd_wscale = s.opt.wscale_ok ? s.opt.snd_wscale : 0;
    if (tp.rx_opt.tstamp_ok) {
        tp.rx_opt.ts_recent = s.opt.rcv_tsval;
        tp.rx_opt.ts_recent_stamp = tcp_seconds(ctx);
        tp.tsoffset = secure_tcp_ts_off<P>(ctx, t.saddr, t.daddr);
    } else {
        tp.tsoffset = 0;
    }
    tp.tcp_header_len = static_cast<std::uint16_t>(
        tcp_header_size + (tp.rx_opt.tstamp_ok ? tcpolen_tstamp_aligned : 0));
    // tcp_openreq_init_rwin: the window for the advertised MSS less the
    // timestamp, scaled only if the SYN offered scaling.
    tp.advmss = tcp_mss_clamp(tp, ipv4_default_advmss(rt.mtu));
    tp.window_clamp = tcp_of(l).window_clamp;
    {
        ipv4_sysctl ws = sc;
        ws.tcp_window_scaling = tp.rx_opt.wscale_ok;
        tcp_init_rwin(tp,
                      static_cast<std::uint32_t>(
                          tp.advmss - (tp.rx_opt.tstamp_ok ? tcpolen_tstamp_aligned : 0)),
                      ws, ctx.net().sysctl.rmem_max);
    }
    if (!tp.rx_opt.wscale_ok && tp.window_clamp > 65535u)
        tp.window_clamp = 65535u;
    const std::uint32_t my_isn =
        isn ? isn : secure_tcp_seq<P>(ctx, t.saddr, t.daddr, t.sport, t.dport);
    tp.rcv_nxt = tp.rcv_wup = tp.copied_seq = s.seq + 1;
    tp.snd_una = tp.snd_sml = tp.snd_up = my_isn;
    tp.snd_nxt = tp.write_seq = tp.pushed_seq = my_isn + 1;
    tp.snd_wl1 = s.seq;
    tp.snd_wnd = s.window; // (the SYN's window is never scaled)
    tp.max_window = 0;
    tp.segs_in = 1;
    tcp_sync_mss(tp, rt.mtu, sc);
    tcp_initialize_rcv_mss(tp);
    tp.inet_conn.icsk_rto = tcp_timeout_init;
    tp.inet_conn.icsk_ack.lrcvtime = static_cast<std::uint32_t>(ctx.jiffies());
    tp.lsndtime = tcp_clock_ms(ctx);
    tp.retrans_stamp = tcp_clock_ms(ctx);
    tp.packets_out = 1;
    tcp_send_synack<P>(ctx, sk);
    tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, tcp_timeout_init);
}

//! tcp_timewait_state_process: a segment for a TIME_WAIT (or FIN_WAIT2)
//! mini-sock. Returns the ISN for a new connection a SYN may open (0: none).
template <class P, class Ctx>
std::uint32_t tcp_timewait_rcv(Ctx& ctx, inet_timewait_sock& tw, const tcp_seg& s,
                               const tcp_tuple& reply) {
    const bool rst = s.flags & tcphdr_rst;
    const bool paws_reject = tw.tw_tstamp_ok && s.opt.saw_tstamp &&
                             static_cast<std::int32_t>(tw.tw_ts_recent - s.opt.rcv_tsval) > 1;
    if (tw.tw_substate == tcp_fin_wait2) {
        if (paws_reject || !seq_between(s.seq, tw.tw_rcv_nxt, tw.tw_rcv_nxt + tw.tw_rcv_wnd)) {
            if (!rst)
                tcp_v4_send_tw_ack(ctx, tw);
            return 0;
        }
        if (rst) {
            tw.tw_live = 0;
            return 0;
        }
        if ((s.flags & tcphdr_syn) || s.end_seq != s.seq + ((s.flags & tcphdr_fin) ? 1u : 0u) ||
            (s.flags & tcphdr_fin) == 0) {
            if (s.end_seq != s.seq) { // data, or a SYN: abort
                tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
                tw.tw_live = 0;
            }
            return 0;
        }
        // The FIN: TIME_WAIT, and its ACK.
        tw.tw_substate = tcp_time_wait;
        tw.tw_rcv_nxt = s.end_seq;
        if (s.opt.saw_tstamp) {
            tw.tw_ts_recent = s.opt.rcv_tsval;
            tw.tw_ts_recent_stamp = tcp_seconds(ctx);
        }
        tw.tw_expires = ctx.jiffies() + tcp_timewait_len;
        tcp_v4_send_tw_ack(ctx, tw);
        return 0;
    }
    // TIME_WAIT proper.
    if (!paws_reject && s.seq == tw.tw_rcv_nxt && (s.seq == s.end_seq || rst)) {
        if (rst) {
            tw.tw_live = 0; // (net.ipv4.tcp_rfc1337 is 0)
            return 0;
        }
        tw.tw_expires = ctx.jiffies() + tcp_timewait_len;
        return 0;
    }
    // A new SYN above the old connection's numbers may reuse the 4-tuple.
    if ((s.flags & tcphdr_syn) && !rst && !(s.flags & tcphdr_ack) &&
        (after(s.seq, tw.tw_rcv_nxt) ||
         (tw.tw_tstamp_ok && s.opt.saw_tstamp &&
          static_cast<std::int32_t>(tw.tw_ts_recent - s.opt.rcv_tsval) < 0))) {
        std::uint32_t isn = tw.tw_snd_nxt + 65535 + 2;
        if (!isn)
            isn = 1;
        tw.tw_live = 0;
        return isn;
    }
    if (!rst) {
        if (paws_reject || (s.flags & tcphdr_ack))
            tw.tw_expires = ctx.jiffies() + tcp_timewait_len;
        tcp_v4_send_tw_ack(ctx, tw);
    }
    return 0;
}

//! The segment whose \p doff-byte header \p th is at \p ihl in \p skb,
//! \p tcp_len bytes from there: its numbers and options, its headers
//! pulled and its numbers kept in skb->cb (tcp_skb_cb; the IP layer's
//! control block there is gone after this).
inline tcp_seg tcp_seg_take(sk_buff* skb, const tcphdr& th, std::size_t ihl,
                            std::size_t tcp_len) noexcept {
    const std::size_t doff = tcp_hdrlen(th);
    unsigned char optbuf[40];
    const std::size_t optlen = doff - sizeof th;
    skb_copy_bits(skb, ihl + sizeof th, optbuf, optlen);
    tcp_seg s{};
    s.flags = tcp_flags_of(th);
    s.seq = ksock::be32_to_cpu(th.seq);
    s.ack_seq = ksock::be32_to_cpu(th.ack_seq);
    s.window = ksock::be16_to_cpu(th.window);
    s.urg_ptr = ksock::be16_to_cpu(th.urg_ptr);
    s.len = static_cast<std::uint32_t>(tcp_len - doff);
    s.end_seq =
        s.seq + s.len + ((s.flags & tcphdr_syn) ? 1u : 0u) + ((s.flags & tcphdr_fin) ? 1u : 0u);
    s.opt = tcp_parse_options(optbuf, optlen, s.flags & tcphdr_syn);
    skb_pull(skb, static_cast<std::uint32_t>(ihl + doff));
    skb_trim_msg(skb, s.len);
    skb->consumed = 0;
    tcp_cb(*skb) = tcp_skb_cb{s.seq, s.end_seq, 0, s.flags, 0, 0, 0};
    return s;
}

//! tcp_v4_do_rcv: a checked segment (its headers still on) for connection
//! \p sk, which no system call owns: SYN_SENT's processing or the state
//! machine's. The skb is taken.
template <class P, class Ctx>
void tcp_v4_do_rcv(Ctx& ctx, sock& sk, sk_buff* skb) {
    const inet_skb_cb& icb = inet_cb(*skb);
    const std::size_t ihl = icb.ihl;
    const std::size_t tcp_len = icb.tot_len - ihl;
    tcphdr th{};
    skb_copy_bits(skb, ihl, &th, sizeof th);
    const tcp_tuple reply{icb.daddr, icb.saddr, th.dest, th.source};
    tcp_seg s = tcp_seg_take(skb, th, ihl, tcp_len);
    if (sk.sk_state() == tcp_syn_sent) {
        ++tcp_of(sk).segs_in;
        tcp_rcv_synsent<P>(ctx, sk, s, reply);
        kfree_skb(ctx, skb);
        return;
    }
    tcp_rcv_state_process<P>(ctx, sk, s, skb, static_cast<std::uint32_t>(tcp_hdrlen(th)));
}

//! tcp_add_backlog: a segment for a connection a system call owns waits
//! in its backlog for release_sock, up to twice the receive buffer, half
//! the send buffer and 64 KiB counting what the receive queue holds
//! (sk_add_backlog's sk_rcvqueues_full); beyond that it is dropped, as
//! Linux's TCPBacklogDrop. The skb is taken.
template <class Ctx>
void tcp_add_backlog(Ctx& ctx, sock& sk, sk_buff* skb) {
    const std::uint64_t limit = (static_cast<std::uint64_t>(sk.sk_rcvbuf) << 1) +
                                (static_cast<std::uint64_t>(sk.sk_sndbuf) >> 1) + 64 * 1024;
    const std::uint64_t qsize = static_cast<std::uint64_t>(sk.sk_backlog.len) +
                                static_cast<std::uint64_t>(sk.sk_rmem_alloc);
    if (qsize > limit) {
        kfree_skb(ctx, skb);
        return;
    }
    skb_list_add_tail(sk.sk_backlog, skb);
}

//! tcp_v4_rcv for a segment from a device or lo.
template <class P, class Ctx>
void tcp_v4_rcv(Ctx& ctx, sk_buff* skb) {
    inet_skb_cb& icb = inet_cb(*skb);
    tcp_mib& mib = ipv4_net(ctx).mib.tcp;
    if (icb.pkt_type != 0 || icb.broadcast) {
        kfree_skb(ctx, skb);
        return;
    }
    const std::size_t ihl = icb.ihl;
    const std::size_t tcp_len = icb.tot_len > ihl ? icb.tot_len - ihl : 0;
    ++mib.in_segs;
    tcphdr th{};
    if (tcp_len < sizeof th) {
        kfree_skb(ctx, skb);
        return;
    }
    skb_copy_bits(skb, ihl, &th, sizeof th);
    const std::size_t doff = tcp_hdrlen(th);
    if (doff < sizeof th || doff > tcp_len) {
        ++mib.in_errs;
        kfree_skb(ctx, skb);
        return;
    }
    const std::uint32_t saddr = icb.saddr, daddr = icb.daddr;
    if (skb->ip_summed != checksum_partial) {
        std::uint32_t sum =
            csum_tcpudp_nofold(saddr, daddr, static_cast<std::uint32_t>(tcp_len), ipproto_tcp);
        sum = skb_checksum(skb, ihl, tcp_len, sum);
        if (csum_fold(sum) != 0) {
            ++mib.in_csum_errors;
            ++mib.in_errs;
            kfree_skb(ctx, skb);
            return;
        }
    }
    const std::uint16_t lport = ksock::be16_to_cpu(th.dest);
    if (sock* sk = inet_lookup_established<P>(ctx, daddr, lport, saddr, th.source)) {
        if (sk->sk_lock.owned)
            tcp_add_backlog(ctx, *sk, skb);
        else
            tcp_v4_do_rcv<P>(ctx, *sk, skb);
        return;
    }
    const tcp_tuple reply{daddr, saddr, th.dest, th.source};
    tcp_seg s = tcp_seg_take(skb, th, ihl, tcp_len);
    std::uint32_t isn = 0;
    if (inet_timewait_sock* tw = inet_lookup_tw<P>(ctx, daddr, lport, saddr, th.source)) {
        isn = tw->tw_segments ? tcp_timewait_rcv<P>(ctx, *tw, s, reply) : 0;
        if (!isn) {
            kfree_skb(ctx, skb);
            return;
        }
    }
    sock* l = inet_lookup_listener<P>(ctx, daddr, lport);
    // (A SYN with a FIN is dropped: tcp_rcv_state_process's LISTEN case.)
    if (l && (s.flags & tcphdr_syn) && !(s.flags & (tcphdr_ack | tcphdr_rst | tcphdr_fin))) {
        tcp_conn_request<P>(ctx, *l, s, reply, isn);
    } else if (l && (s.flags & tcphdr_ack) && !(s.flags & tcphdr_rst)) {
        // An ACK for no request (no SYN cookies here), a SYN-ACK: RST.
        tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
    } else if (!l) {
        tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
    }
    kfree_skb(ctx, skb);
}

} // namespace ksock::inet
