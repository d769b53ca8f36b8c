// ksock/inet/tcp/tcp_v4_rcv.hpp: a TCP segment arriving from a device
// (net/ipv4/tcp_ipv4.c's tcp_v4_rcv): the header and the checksum checked
// (InErrs, InCsumErrors), the options parsed, then the socket: a
// connection's, a TIME_WAIT mini-sock's (tcp_timewait_state_process), a
// listener's (tcp_conn_request: a child in SYN_RECV and its SYN-ACK, or a
// SYN cookie; cookie_v4_check: the ACK of a cookie), or nobody's (an RST,
// tcp_v4_send_reset).
#pragma once

#include <cstdint>

#include <ksock/inet/tcp/syncookies.hpp>
#include <ksock/inet/tcp/tcp_info.hpp>
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

//! The request a SYN (or a cookie's ACK) makes: a child of listener \p l
//! in SYN_RECV for the peer at \p t (the tuple as this side sends it), the
//! options \p o agreed (tcp_openreq_init; \p o as the sysctls let them
//! through), the receive window rounded to the MSS \p rwin_mss
//! (tcp_openreq_init_rwin; 0: the MSS advertised less the timestamp), the
//! numbers from the peer's ISN \p rcv_isn and
//! ours \p snt_isn, and the peer's window \p window. Null when the route
//! or the pool fails. \p rt: the route found.
template <class P, class Ctx>
sock* tcp_openreq_child(Ctx& ctx, sock& l, const tcp_options_in& o, const tcp_tuple& t,
                        std::uint32_t rcv_isn, std::uint32_t snt_isn, std::uint16_t window,
                        std::uint16_t rwin_mss, rtable& rt) {
    if (ip_route_output(ctx, t.daddr, t.saddr, rt))
        return nullptr;
    sock* c = tcp_create_child<P>(ctx, l, t.saddr, t.daddr, t.dport, 0);
    if (!c)
        return nullptr;
    sock& sk = *c;
    tcp_sock& tp = tcp_of(sk);
    inet_sock& i = *inet_sk(&sk);
    tp.segments = 1;
    i.inet_id = static_cast<std::uint16_t>(ctx.net().prandom_u32());
    tcp_options_in opt = o;
    tcp_take_syn_options(ctx, tp, opt);
    const ipv4_sysctl& sc = ipv4_net(ctx).sysctl;
    tp.rx_opt = tcp_options_received{};
    tp.rx_opt.tstamp_ok = opt.saw_tstamp;
    tp.rx_opt.sack_ok = opt.sack_ok;
    tp.rx_opt.wscale_ok = opt.wscale_ok;
    tp.rx_opt.snd_wscale = opt.wscale_ok ? opt.snd_wscale : 0;
    if (tp.rx_opt.tstamp_ok) {
        tp.rx_opt.ts_recent = opt.rcv_tsval;
        tp.rx_opt.ts_recent_stamp = tcp_seconds(ctx);
        tp.tsoffset = secure_tcp_ts_off<P>(ctx, t.saddr, t.daddr);
    } else {
        tp.tsoffset = 0;
    }
    tp.tcp_header_len = static_cast<std::uint16_t>(
        tcp_header_size + (tp.rx_opt.tstamp_ok ? tcpolen_tstamp_aligned : 0));
    // tcp_openreq_init_rwin: the window for the MSS less the timestamp,
    // scaled only if the SYN offered scaling.
    tp.advmss = tcp_mss_clamp(tp, ipv4_default_advmss(rt.mtu));
    tp.window_clamp = tcp_of(l).window_clamp;
    {
        ipv4_sysctl ws = sc;
        ws.tcp_window_scaling = tp.rx_opt.wscale_ok;
        const std::uint32_t mss =
            rwin_mss ? rwin_mss
                     : static_cast<std::uint32_t>(
                           tp.advmss - (tp.rx_opt.tstamp_ok ? tcpolen_tstamp_aligned : 0));
        tcp_init_rwin(tp, mss, ws, ctx.net().sysctl.rmem_max);
    }
    if (!tp.rx_opt.wscale_ok && tp.window_clamp > 65535u)
        tp.window_clamp = 65535u;
    tp.rcv_nxt = tp.rcv_wup = tp.copied_seq = rcv_isn + 1;
    tp.snd_una = tp.snd_sml = tp.snd_up = snt_isn;
    tp.snd_nxt = tp.write_seq = tp.pushed_seq = snt_isn + 1;
    tp.snd_wl1 = rcv_isn;
    tp.snd_wnd = window; // (the SYN's window is never scaled)
    tp.max_window = 0;
    tp.segs_in = 1;
    tcp_sync_mss(tp, rt.mtu, sc);
    tcp_initialize_rcv_mss(tp);
    tp.inet_conn.icsk_rto = tcp_timeout_init;
    tp.inet_conn.icsk_ack.lrcvtime = static_cast<std::uint32_t>(ctx.jiffies());
    tp.lsndtime = tcp_clock_ms(ctx);
    tp.packets_out = 1;
    return c;
}

//! inet_csk_reqsk_queue_is_full: more requests in SYN_RECV than the
//! backlog (Linux 6.18 compares with ">": listen(fd, 1) holds two).
template <class P, class Ctx>
bool tcp_synq_is_full(Ctx& ctx, const sock& l) {
    std::uint32_t qlen = 0;
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        qlen += o.parent == &l && o.inet_conn.icsk_inet.sk.sk_state() == tcp_syn_recv ? 1u : 0u;
    });
    return qlen > l.sk_max_ack_backlog;
}

//! tcp_conn_request: a SYN at a listener. With net.ipv4.tcp_syncookies 2,
//! or 1 and the SYN queue full (0: the SYN is dropped then), the SYN-ACK
//! carries a cookie and nothing is kept (the request is made only to send
//! it, as Linux's is); a full accept queue or an empty pool drops the SYN;
//! else a child answers with its SYN-ACK. \p isn: TIME_WAIT's choice for a
//! reused 4-tuple (0: a fresh one; never a cookie then).
template <class P, class Ctx>
void tcp_conn_request(Ctx& ctx, sock& l, tcp_seg& s, const tcp_tuple& t, std::uint32_t isn) {
    const int syncookies = ipv4_net(ctx).sysctl.tcp_syncookies;
    bool want_cookie = false;
    if (!isn && (syncookies == 2 || tcp_synq_is_full<P>(ctx, l))) {
        if (!syncookies)
            return; // tcp_syn_flood_action: TCPReqQFullDrop
        want_cookie = true;
    }
    if (l.sk_ack_backlog > l.sk_max_ack_backlog)
        return; // sk_acceptq_is_full: ListenOverflows
    if (want_cookie) {
        // "if (want_cookie && !tmp_opt.saw_tstamp) tcp_clear_options":
        // only the timestamp's echo could bring the options back. The
        // cookie names the SYN's MSS, clamped by TCP_MAXSEG
        // (tcp_parse_options), rounded down to the table.
        if (!ipv4_net(ctx).sysctl.tcp_timestamps)
            s.opt.saw_tstamp = 0;
        if (!s.opt.saw_tstamp)
            s.opt.sack_ok = s.opt.wscale_ok = s.opt.snd_wscale = 0;
        const std::uint16_t user = tcp_of(l).user_mss;
        std::uint16_t cookie_mss =
            s.opt.mss ? (user && user < s.opt.mss ? user : s.opt.mss) : tcp_mss_default;
        isn = cookie_v4_init_sequence<P>(ctx, t, s.seq, cookie_mss);
    } else if (!isn) {
        isn = secure_tcp_seq<P>(ctx, t.saddr, t.daddr, t.sport, t.dport);
    }
    rtable rt{};
    sock* c = tcp_openreq_child<P>(ctx, l, s.opt, t, s.seq, isn, s.window, 0, rt);
    if (!c)
        return;
    // tcp_ecn_create_request, then tcp_ecn_openreq_child.
    if (tcp_ecn_syn_ok(s.flags, s.ip_dsfield, s.res1 != 0, ipv4_net(ctx).sysctl.tcp_ecn))
        tcp_of(*c).ecn_flags = tcp_ecn_ok;
    sock& sk = *c;
    tcp_sock& tp = tcp_of(sk);
    if (want_cookie) {
        // The SYN-ACK's TS val is the cookie's (the options in its low
        // bits), then the request goes: tcp_synq_overflow, SyncookiesSent.
        if (tp.rx_opt.tstamp_ok) {
            const std::uint32_t now = tcp_clock_ms(ctx);
            const std::uint32_t ts =
                cookie_init_timestamp(now, tp.rx_opt.wscale_ok, tp.rx_opt.snd_wscale,
                                      tp.rx_opt.sack_ok, (tp.ecn_flags & tcp_ecn_ok) != 0);
            tp.tsoffset += ts - now;
        }
        tcp_send_synack<P>(ctx, sk);
        tcp_synq_overflow(ctx, tcp_of(l));
        ++ipv4_net(ctx).mib.ext.syncookies_sent;
        tp.parent = nullptr;
        sock_orphan(sk);
        tcp_done<P>(ctx, sk);
        return;
    }
    tp.retrans_stamp = tcp_clock_ms(ctx);
    tcp_send_synack<P>(ctx, sk);
    tcp_reset_xmit_timer(ctx, tp, icsk_time_retrans, tcp_timeout_init);
}

//! What cookie_v4_check made of an ACK at a listener.
enum class tcp_cookie_verdict : std::uint8_t {
    not_cookie, //!< not taken for a cookie's, or a bad one: the listener answers (RST)
    dropped,    //!< a good cookie, but no child could be made: dropped in silence
    child,      //!< a child in SYN_RECV, made from the cookie, takes the segment
};

//! cookie_v4_check + tcp_get_cookie_sock: an ACK (no SYN, no RST) at
//! listener \p l whose ACK number may be a cookie's: taken for one only
//! while net.ipv4.tcp_syncookies is on and \p l sent cookies in the last
//! two minutes; a bad cookie counts SyncookiesFailed, a good one
//! SyncookiesRecv and rebuilds the request (the options from the echoed
//! timestamp, the MSS from the table) as a child in SYN_RECV, stored in
//! \p child, that the ACK then establishes. A full accept queue, no route
//! or an empty pool drops the ACK (the peer's next segment carries the
//! cookie again).
template <class P, class Ctx>
tcp_cookie_verdict cookie_v4_check(Ctx& ctx, sock& l, const tcp_seg& s, const tcp_tuple& t,
                                   sock*& child) {
    netns_ipv4& ns = ipv4_net(ctx);
    if (!ns.sysctl.tcp_syncookies || tcp_synq_no_recent_overflow(ctx, tcp_of(l)))
        return tcp_cookie_verdict::not_cookie;
    const std::uint16_t mss = cookie_v4_check_mss<P>(ctx, t, s.seq, s.ack_seq);
    if (!mss) {
        ++ns.mib.ext.syncookies_failed;
        return tcp_cookie_verdict::not_cookie;
    }
    ++ns.mib.ext.syncookies_recv;
    // tcp_parse_options outside a connection sees a timestamp only while
    // the sysctl is on; the echo less the pair's offset is the cookie's.
    tcp_options_in o{};
    o.mss = mss;
    o.saw_tstamp = s.opt.saw_tstamp && ns.sysctl.tcp_timestamps;
    o.rcv_tsval = s.opt.rcv_tsval;
    std::uint32_t tsecr = 0;
    if (o.saw_tstamp && s.opt.rcv_tsecr)
        tsecr = s.opt.rcv_tsecr - secure_tcp_ts_off<P>(ctx, t.saddr, t.daddr);
    if (!cookie_timestamp_decode(ns.sysctl, o, tsecr))
        return tcp_cookie_verdict::not_cookie;
    if (l.sk_ack_backlog > l.sk_max_ack_backlog)
        return tcp_cookie_verdict::dropped; // tcp_v4_syn_recv_sock: ListenOverflows
    rtable rt{};
    // The window is rounded to the cookie's MSS, the timestamp not taken
    // off (cookie_v4_check's tcp_select_initial_window: with timestamps
    // Linux offers 502 << 7 here where a request's child offers 510 << 7);
    // the peer's window is the ACK's (tcp_child_established scales it).
    sock* c = tcp_openreq_child<P>(ctx, l, o, t, s.seq - 1, s.ack_seq - 1, 0, mss, rt);
    if (!c)
        return tcp_cookie_verdict::dropped;
    tcp_sock& tp = tcp_of(*c);
    if ((tsecr & ts_opt_ecn) && o.saw_tstamp && ns.sysctl.tcp_ecn)
        tp.ecn_flags |= tcp_ecn_ok;
    // No SYN-ACK of this request was timed (snt_synack 0): the RTT comes
    // from the echo, if any.
    tp.retrans_stamp = 0;
    child = c;
    return tcp_cookie_verdict::child;
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
        // An RST here is TIME_WAIT assassination (RFC 1337): it kills the
        // mini-sock unless net.ipv4.tcp_rfc1337 says to ignore it (then
        // the timer runs on, not restarted).
        if (rst) {
            if (!ipv4_net(ctx).sysctl.tcp_rfc1337) {
                tw.tw_live = 0;
                return 0;
            }
        } else {
            tw.tw_expires = ctx.jiffies() + tcp_timewait_len;
        }
        if (s.opt.saw_tstamp) {
            tw.tw_ts_recent = s.opt.rcv_tsval;
            tw.tw_ts_recent_stamp = tcp_seconds(ctx);
        }
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
    s.res1 = static_cast<std::uint8_t>((ksock::be16_to_cpu(th.doff_flags) >> 8) & 0x0fu);
    // The TOS byte of the IP header still in front (tcp_v4_fill_cb's
    // ip_dsfield): where a CE mark reaches TCP.
    skb_copy_bits(skb, 1, &s.ip_dsfield, 1);
    skb_pull(skb, static_cast<std::uint32_t>(ihl + doff));
    skb_trim_msg(skb, s.len);
    skb->consumed = 0;
    tcp_cb(*skb) = tcp_skb_cb{s.seq, s.end_seq, 0, s.flags, 0, 0, 0, s.ip_dsfield};
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
        // An ACK for no request: a cookie's (tcp_v4_cookie_check; never
        // with a SYN), else RST, as a SYN-ACK gets.
        sock* child = nullptr;
        const tcp_cookie_verdict v = (s.flags & tcphdr_syn)
                                         ? tcp_cookie_verdict::not_cookie
                                         : cookie_v4_check<P>(ctx, *l, s, reply, child);
        if (v == tcp_cookie_verdict::child) {
            // The ACK establishes the child at once: no request waited for
            // it, so TCP_DEFER_ACCEPT (tcp_check_req's) holds nothing back.
            if (tcp_child_established<P>(ctx, *child, s))
                tcp_rcv_state_process<P>(ctx, *child, s, skb, static_cast<std::uint32_t>(doff));
            else
                kfree_skb(ctx, skb);
            return;
        }
        if (v == tcp_cookie_verdict::not_cookie)
            tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
    } else if (!l) {
        tcp_v4_send_reset(ctx, reply, s.seq, s.ack_seq, s.flags, s.len);
    }
    kfree_skb(ctx, skb);
}

} // namespace ksock::inet
