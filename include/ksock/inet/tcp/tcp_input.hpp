// ksock/inet/tcp/tcp_input.hpp: the connection's life around its segments
// (net/ipv4/tcp_input.c, tcp_output.c, tcp.c, inet_connection_sock.c): the
// buffer space and MSS a connection starts with, the handshake (SYN at a
// listener, SYN-ACK at the client, the final ACK that queues the child), the
// windows each side offers, release_sock's deferred segments, disconnect and
// a listener's stop. The state machine's steps are tcp_states.hpp's, the
// segments tcp_xmit.hpp's.
//
// The one socket ever "owned by user" while a segment reaches it is a
// connecting client, whose SYN-ACK or RST waits in tp->rx_deferred until
// release_sock (tcp_release_cb), as in Linux.
#pragma once

#include <bit>
#include <cstdint>

#include <ksock/core/sock_opt.hpp>
#include <ksock/inet/ip/dst_cache.hpp>
#include <ksock/inet/tcp/tcp_rcv.hpp>
#include <ksock/inet/tcp/tcp_xmit.hpp>

namespace ksock::inet {

//! MAX_TCP_HEADER on the reference host (x86-64: L1_CACHE_ALIGN(128 +
//! MAX_HEADER), a build without tunnels or wireless: 192; probed, a send
//! buffer's step to the next power of two comes at an MSS of 1537).
inline constexpr std::uint32_t max_tcp_header = 192;

//! tcp_sndbuf_expand: room for the window to grow into. "Worst case is non
//! GSO/TSO: each frame consumes one skb and skb->head is kmalloced using
//! power of two area of memory", for at least the initial window or the
//! reordering degree, times two (Fast Recovery) or the congestion control's
//! own factor; never above net.ipv4.tcp_wmem[2]. On lo (MSS 65495) that is
//! 2 626 560 bytes, or 3 939 840 with BBR.
template <class Ctx>
void tcp_sndbuf_expand(Ctx& ctx, sock& sk) noexcept {
    const tcp_sock& tp = tcp_of(sk);
    const std::uint32_t mss = tp.mss_clamp > tp.mss_cache ? tp.mss_clamp : tp.mss_cache;
    const std::uint32_t per_mss = std::bit_ceil(mss + max_tcp_header + skb_shinfo_size) +
                                  skb_head_overhead; // roundup_pow_of_two
    std::uint32_t nr_segs = tp.snd_cwnd > tcp_init_cwnd ? tp.snd_cwnd : tcp_init_cwnd;
    if (nr_segs < tp.reordering + 1)
        nr_segs = tp.reordering + 1;
    const tcp_congestion_ops* ca = tp.inet_conn.icsk_ca_ops;
    const std::uint64_t factor = ca && ca->sndbuf_expand ? ca->sndbuf_expand : 2;
    const std::uint64_t sndmem = factor * nr_segs * per_mss;
    if (static_cast<std::uint64_t>(sk.sk_sndbuf) < sndmem) {
        const auto max = static_cast<std::uint64_t>(ipv4_net(ctx).sysctl.tcp_wmem[2]);
        sk.sk_sndbuf = static_cast<int>(sndmem < max ? sndmem : max);
    }
}

//! tcp_init_buffer_space (from tcp_init_transfer, when a connection is
//! established): the send buffer grows unless SO_SNDBUF fixed it, and the
//! window clamp comes down to what the receive buffer can offer
//! (tcp_full_space: 65536 for the default 131072), less 1/2^tcp_app_win of
//! it for the application and at least one segment's room ("Force
//! reservation of one segment"). Autotuning would move it later (ksock
//! has none).
template <class Ctx>
void tcp_init_buffer_space(Ctx& ctx, sock& sk) noexcept {
    if (!(sk.sk_userlocks & sock_sndbuf_lock))
        tcp_sndbuf_expand(ctx, sk);
    tcp_sock& tp = tcp_of(sk);
    const int app_win = ipv4_net(ctx).sysctl.tcp_app_win;
    const auto maxwin = static_cast<std::uint32_t>(tcp_full_space(tp));
    const std::uint32_t advmss = tp.advmss;
    if (tp.window_clamp >= maxwin) {
        tp.window_clamp = maxwin;
        if (app_win && maxwin > 4 * advmss) {
            const std::uint32_t kept = maxwin - (maxwin >> app_win);
            tp.window_clamp = kept > 4 * advmss ? kept : 4 * advmss;
        }
    }
    if (app_win && tp.window_clamp > 2 * advmss && tp.window_clamp + advmss > maxwin)
        tp.window_clamp = 2 * advmss > maxwin - advmss ? 2 * advmss : maxwin - advmss;
    if (tp.rcv_ssthresh > tp.window_clamp)
        tp.rcv_ssthresh = tp.window_clamp;
}

//! Both ends use timestamps (rx_opt.tstamp_ok: each end's
//! net.ipv4.tcp_timestamps, one namespace here): once the handshake says
//! so, the MSS this side advertises loses the option's 12 bytes
//! (tcp_rcv_synsent_state_process, and tcp_rcv_state_process's
//! TCP_SYN_RECV case), before tcp_init_transfer sizes the buffers.
template <class Ctx>
void tcp_tstamp_advmss(Ctx& ctx, tcp_sock& tp) noexcept {
    if (ipv4_net(ctx).sysctl.tcp_timestamps)
        tp.advmss = static_cast<std::uint16_t>(tp.advmss - tcpolen_tstamp_aligned);
}

//! tcp_parse_options, the MSS option of a SYN: the peer's MSS, no larger
//! than TCP_MAXSEG's, is the connection's MSS clamp.
inline void tcp_parse_mss(tcp_sock& tp, std::uint16_t in_mss) noexcept {
    if (in_mss)
        tp.mss_clamp = tcp_mss_clamp(tp, in_mss);
}

//! The end of tcp_rcv_state_process's TCP_SYN_RECV case, the socket now
//! ESTABLISHED: tcp_init_transfer sizes its buffers, and a SHUT_WR it
//! carries from before takes effect ("if
//! (sk->sk_shutdown & SEND_SHUTDOWN) tcp_shutdown(sk, SEND_SHUTDOWN)").
//! inet_shutdown sets sk_shutdown even on a socket that is not connected
//! (it returns ENOTCONN all the same) and listen() keeps it, sk_clone_lock
//! copies it into every child, so such a listener's children send their
//! FIN as soon as the handshake ends; a socket connected to itself passes
//! through SYN_RECV too.
template <class P, class Ctx>
void tcp_syn_recv_established(Ctx& ctx, sock& sk) {
    tcp_tstamp_advmss(ctx, tcp_of(sk));
    tcp_init_buffer_space(ctx, sk); // tcp_init_transfer
    if (sk.sk_shutdown & send_shutdown)
        tcp_shutdown<P>(ctx, sk, send_shutdown);
}

//! tcp_cleanup_rbuf after a read: the window opened, and a peer whose
//! last push stopped at it may send. (Linux sends this window update only
//! when the window grew enough; a peer that was not held by the window
//! sees no segment, and what it corks stays.)
template <class P, class Ctx>
void tcp_window_update(Ctx& ctx, sock& sk, std::size_t copied = 0) {
    if (tcp_on_device<Ctx>(tcp_of(sk))) {
        tcp_cleanup_rbuf_dev<P>(ctx, sk, copied);
        return;
    }
    if (sock* peer = tcp_peer<P>(ctx, sk); peer && tcp_of(*peer).rwnd_limited)
        tcp_xmit<P>(ctx, *peer);
}

//! inet_csk_clone_lock + tcp_create_openreq_child: a child of the listener
//! for the connection from raddr:rport to laddr, in SYN_RECV.
template <class P, class Ctx>
sock* tcp_create_child(Ctx& ctx, sock& listener, std::uint32_t laddr, std::uint32_t raddr,
                       std::uint16_t rport, std::uint16_t syn_mss) {
    auto* obj = ctx.template obj_alloc<P>();
    if (!obj)
        return nullptr;
    tcp_sock& ctp = *obj;
    ctp = tcp_of(listener);
    sock& sk = ctp.inet_conn.icsk_inet.sk;
    skb_queue_head_init(sk.sk_receive_queue);
    skb_queue_head_init(sk.sk_write_queue);
    skb_queue_head_init(sk.sk_error_queue);
    init_list_head(ctp.tsq_node);
    init_list_head(ctp.tsorted_sent_queue);
    sk.sk_lock.owned = 0;
    sk.sk_backlog = skb_list{};
    sk.sk_rmem_alloc = 0;
    sk.sk_wmem_alloc = 1;
    sk.sk_wmem_queued = 0;
    sk.sk_forward_alloc = 0;
    sk.sk_refcnt() = 1;
    sk.sk_socket = nullptr;
    sk.sk_wq = nullptr;
    sk.sk_err = 0;
    sk.sk_err_soft = 0;
    // sk_clone_lock: "newsk->sk_userlocks = sk->sk_userlocks &
    // ~SOCK_BINDPORT_LOCK": the port is the listener's, not one the child's
    // user chose, so tcp_set_state gives it back when the child closes (a
    // child a RST closed can be bound again).
    sk.sk_userlocks &= static_cast<std::uint8_t>(~sock_bind_port_lock);
    // (sk_shutdown is copied: a listener shut before listen() passes it on.)
    sk.sk_ack_backlog = 0;
    sock_reset_flag(sk, sock_done);
    sock_reset_flag(sk, sock_dead);
    sk.sk_state() = tcp_syn_recv;
    inet_sock& i = ctp.inet_conn.icsk_inet;
    i.inet_daddr() = raddr;
    i.inet_dport() = rport;
    i.inet_rcv_saddr() = laddr;
    i.inet_saddr = laddr;
    ctp.inet_conn.icsk_accept_queue = request_sock_queue{};
    ctp.accept_next = nullptr;
    ctp.parent = &listener;
    tcp_clear_xmit_timers(ctp);
    tcp_reset_seq(ctp);
    // tcp_conn_request / tcp_v4_syn_recv_sock: the SYN's MSS (clamped by
    // the listener's TCP_MAXSEG) and the MSS this side advertises;
    // tcp_openreq_init_rwin: the window clamp the SYN-ACK is sent with,
    // from the listener's (ctp is its copy).
    ctp.mss_clamp = tcp_mss_default;
    tcp_parse_mss(ctp, syn_mss);
    ctp.advmss = tcp_mss_clamp(ctp, ipv4_default_advmss(lo_mtu));
    // Both ends of lo share net.ipv4.tcp_timestamps: the option is agreed
    // (ireq->tstamp_ok), every segment carries it, and the window is
    // quantized to the MSS without it. No window of the client's seen yet.
    const ipv4_sysctl& sc = ipv4_net(ctx).sysctl;
    const std::uint16_t ts = sc.tcp_timestamps ? tcpolen_tstamp_aligned : 0;
    ctp.tcp_header_len = static_cast<std::uint16_t>(tcp_header_size + ts);
    ctp.max_window = ctp.snd_wnd = 0;
    tcp_init_rwin(ctp, static_cast<std::uint32_t>(ctp.advmss - ts), sc, ctx.net().sysctl.rmem_max);
    if (sk.sk_net_refcnt())
        ++ctx.net().sock_inuse; // sk_clone_lock: sock_inuse_add
    ++ctx.net().sockets_allocated;
    return &sk;
}

//! tcp_v4_rcv for a SYN from \p client: a listener makes a child (or drops
//! the SYN when its accept queue or the pool is full); no listener: RST.
//! Returns what the client will receive.
template <class P, class Ctx>
tcp_rx_deferred tcp_v4_rcv_syn(Ctx& ctx, sock& client) {
    const inet_sock& ci = *inet_sk(&client);
    const std::uint32_t laddr = ci.inet_daddr();
    const std::uint16_t lport = ksock::be16_to_cpu(ci.inet_dport());
    // __inet_lookup_established first: a socket connecting to its own
    // address and port finds itself in SYN_SENT (simultaneous open).
    if (lport == ci.inet_num() && laddr == ci.inet_rcv_saddr())
        return tcp_rx_self;
    sock* l = inet_lookup_listener<P>(ctx, laddr, lport);
    if (!l)
        return tcp_rx_rst;
    if (l->sk_ack_backlog > l->sk_max_ack_backlog) // sk_acceptq_is_full
        return tcp_rx_none;
    if (!tcp_create_child<P>(ctx, *l, laddr, ci.inet_rcv_saddr(), ksock::cpu_to_be16(ci.inet_num()),
                             tcp_of(client).advmss))
        return tcp_rx_none;
    return tcp_rx_synack;
}

//! The client's SYN-ACK (tcp_rcv_synsent_state_process), then its ACK at the
//! child (tcp_check_req): both ESTABLISHED, the child queued for accept().
template <class P, class Ctx>
void tcp_rcv_synack(Ctx& ctx, sock& sk) {
    if (sk.sk_state() != tcp_syn_sent)
        return;
    sock* child = tcp_peer<P>(ctx, sk);
    if (!child || child->sk_state() != tcp_syn_recv) {
        tcp_reset<P>(ctx, sk);
        return;
    }
    tcp_sock& tp = tcp_of(sk);
    tcp_sock& ctp = tcp_of(*child);
    tp.syn_retries = 0;
    tp.timer_at = 0;
    tp.snd_una = tp.snd_nxt; // tcp_ack: the SYN is acknowledged
    tcp_parse_mss(tp, ctp.advmss);
    tcp_ack_update_window(tp, tcp_syn_window(ctp), ipv4_net(ctx).sysctl);
    tcp_tstamp_advmss(ctx, tp);
    tcp_set_state<P>(ctx, sk, tcp_established); // tcp_finish_connect
    tcp_init_buffer_space(ctx, sk);             // tcp_init_transfer
    if (!sock_flag(sk, sock_dead))
        ctx.sk_state_change(sk);
    tcp_set_state<P>(ctx, *child, tcp_established);
    sock* l = ctp.parent;
    if (!l || l->sk_state() != tcp_listen) {
        ctp.parent = nullptr;
        tcp_send_reset<P>(ctx, *child);
        sock_orphan(*child);
        tcp_done<P>(ctx, *child);
        return;
    }
    // inet_csk_reqsk_queue_add: the tail of the accept queue.
    request_sock_queue& q = tcp_of(*l).inet_conn.icsk_accept_queue;
    if (auto* t = static_cast<tcp_sock*>(q.rskq_accept_tail))
        t->accept_next = &ctp;
    else
        q.rskq_accept_head = &ctp;
    q.rskq_accept_tail = &ctp;
    ++l->sk_ack_backlog;
    // tcp_create_openreq_child: the handshake's ACK carries the client's
    // first scaled window, the child's first max_window.
    tcp_ack_update_window(ctp, tcp_adv_window(tp), ipv4_net(ctx).sysctl);
    tcp_syn_recv_established<P>(ctx, *child);
    ctx.sk_data_ready(*l);
}

//! tcp_release_cb: the segment that waited for the owner.
template <class P, class Ctx>
void tcp_release_cb(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    const auto what = tp.rx_deferred;
    tp.rx_deferred = tcp_rx_none;
    if (what == tcp_rx_synack)
        tcp_rcv_synack<P>(ctx, sk);
    else if (what == tcp_rx_rst)
        tcp_reset<P>(ctx, sk);
    else if (what == tcp_rx_self && sk.sk_state() == tcp_syn_sent) {
        // SYN_SENT -> SYN_RECV on its own SYN, ESTABLISHED on its SYN-ACK.
        tp.syn_retries = 0;
        tp.timer_at = 0;
        tp.snd_una = tp.snd_nxt;
        tcp_parse_mss(tp, tp.advmss);
        tcp_ack_update_window(tp, tcp_syn_window(tp), ipv4_net(ctx).sysctl);
        tcp_set_state<P>(ctx, sk, tcp_established);
        if (!sock_flag(sk, sock_dead))
            ctx.sk_state_change(sk);
        tcp_syn_recv_established<P>(ctx, sk);
    }
}

template <class P, class Ctx>
void tcp_v4_do_rcv(Ctx& ctx, sock& sk, sk_buff* skb);

//! lock_sock for a system call on \p sk: segments that reach the socket
//! from now on wait in its backlog (tcp_v4_rcv), as those its own sends
//! provoke on lo do in Linux. False when the caller owns it already (a
//! call made from inside another: the outer one releases it).
inline bool tcp_lock_sock(sock& sk) noexcept {
    if (sk.sk_lock.owned)
        return false;
    sk.sk_lock.owned = 1;
    return true;
}

//! __release_sock: the backlog's segments in arrival order, the socket still
//! owned (one that arrives meanwhile joins the list and is processed in
//! its turn).
template <class P, class Ctx>
void tcp_flush_backlog(Ctx& ctx, sock& sk) {
    while (sk_buff* skb = skb_list_pop(sk.sk_backlog))
        tcp_v4_do_rcv<P>(ctx, sk, skb);
}

//! release_sock: the backlog, tcp_release_cb's deferred work, then the
//! socket is no longer owned.
template <class P, class Ctx>
void tcp_release_sock(Ctx& ctx, sock& sk) {
    tcp_flush_backlog<P>(ctx, sk);
    tcp_release_cb<P>(ctx, sk);
    sk.sk_lock.owned = 0;
}

//! What a call that owns \p sk does while it sleeps (sk_wait_event's
//! release_sock ... lock_sock): \p f runs with the socket released, so what
//! waited in its backlog is processed first and what arrives meanwhile
//! is processed at once.
template <class P, class Ctx, class F>
decltype(auto) tcp_unowned(Ctx& ctx, sock& sk, F&& f) {
    const bool owned = sk.sk_lock.owned != 0;
    if (owned)
        tcp_release_sock<P>(ctx, sk);
    struct relock {
        sock& sk;
        bool owned;
        ~relock() {
            if (owned)
                sk.sk_lock.owned = 1;
        }
    } r{sk, owned};
    return f();
}

//! lock_sock ... release_sock around a system call: the call owns the
//! socket from construction to the end of the scope (unless an outer call
//! owned it already).
template <class P, class Ctx>
class tcp_owner {
public:
    //! lock_sock(\p sk) in \p ctx, if no outer call owns it already.
    tcp_owner(Ctx& ctx, sock& sk) noexcept : ctx_(ctx), sk_(sk), took_(tcp_lock_sock(sk)) {}
    tcp_owner(const tcp_owner&) = delete;
    tcp_owner& operator=(const tcp_owner&) = delete;
    //! release_sock: what waited in the backlog is processed now.
    ~tcp_owner() {
        if (took_)
            tcp_release_sock<P>(ctx_, sk_);
    }

private:
    Ctx& ctx_;
    sock& sk_;
    bool took_;
};

//! tcp_disconnect (the ABORT of RFC 793): CLOSE, an RST to the peer where
//! a connection exists, queues emptied, ready to connect again.
template <class P, class Ctx>
void inet_csk_listen_stop(Ctx& ctx, sock& sk);

//! tcp_disconnect's part for a connection on a device: its timers, the
//! out-of-order queue, the counts of segments out, the estimator and the
//! window go back to a fresh socket's (tcp_write_queue_purge,
//! tcp_clear_retrans, "tp->srtt_us = 0; tp->mdev_us = TCP_TIMEOUT_INIT ...").
template <class Ctx>
void tcp_disconnect_dev(Ctx& ctx, sock& sk) noexcept {
    tcp_sock& tp = tcp_of(sk);
    tcp_clear_dev_timers(tp);
    tcp_ofo_purge(ctx, sk);
    tp.packets_out = tp.retrans_out = tp.lost_out = tp.sacked_out = 0;
    tp.fin_alone = 0;
    tp.segments = 0;
    tp.srtt_us = 0;
    tp.mdev_us = jiffies_to_usecs(tcp_timeout_init);
    tp.rttvar_us = tp.mdev_max_us = 0;
    tp.inet_conn.icsk_rto = tcp_timeout_init;
    tp.inet_conn.icsk_backoff = 0;
    tp.inet_conn.icsk_retransmits = 0;
    tp.inet_conn.icsk_probes_out = 0;
    tp.inet_conn.icsk_ca_state = tcp_ca_open;
    tp.snd_ssthresh = tcp_infinite_ssthresh;
    tp.snd_cwnd = tcp_init_cwnd;
    tp.snd_cwnd_cnt = 0;
    tp.rx_opt = tcp_options_received{};
    tp.retrans_stamp = 0;
    tp.high_seq = 0;
    tp.dsack_dups = 0;
    tp.undo_marker = 0;
}

//! tcp_need_reset: a disconnect from \p state sends an RST (established, closing down, or
//! SYN_RECV).
inline bool tcp_need_reset(std::uint8_t state) noexcept {
    return (1u << state) & ((1u << tcp_established) | (1u << tcp_close_wait) |
                            (1u << tcp_fin_wait1) | (1u << tcp_fin_wait2) | (1u << tcp_syn_recv));
}

//! tcp_disconnect (connect with AF_UNSPEC): reset the connection if it
//! needs one and return the socket to CLOSE, its source address forgotten
//! unless the user bound one.
template <class P, class Ctx>
int tcp_disconnect(Ctx& ctx, sock& sk, int /*flags*/) {
    tcp_sock& tp = tcp_of(sk);
    inet_sock& i = *inet_sk(&sk);
    const std::uint8_t old_state = sk.sk_state();
    const bool reset =
        tcp_need_reset(old_state) || ((old_state == tcp_closing || old_state == tcp_last_ack) &&
                                      (tp.fin_queued || !skb_queue_empty(sk.sk_write_queue)));
    // (The RST goes first here: the 4-tuple it is addressed by loses its
    // port when the state becomes CLOSE.)
    if (reset && old_state != tcp_listen) {
        tp.ack_owed = 0;
        tp.fin_queued = 0;
        tcp_send_reset<P>(ctx, sk);
    }
    if (old_state != tcp_close)
        tcp_set_state<P>(ctx, sk, tcp_close);
    if (old_state == tcp_listen) {
        inet_csk_listen_stop<P>(ctx, sk);
    } else if (reset) {
        sk.sk_err = econnreset;
    } else if (old_state == tcp_syn_sent) {
        sk.sk_err = econnreset;
    }
    tcp_clear_xmit_timers(tp);
    skb_queue_purge(ctx, sk.sk_receive_queue);
    skb_queue_purge(ctx, sk.sk_write_queue);
    sk.sk_wmem_queued = 0;
    if (tcp_on_device<Ctx>(tp))
        tcp_disconnect_dev(ctx, sk);
    if constexpr (ip_dst_cache_enabled<Ctx>)
        ksock::detail::sk_dst_reset(sk); // __sk_dst_reset
    tp.copied_seq = tp.rcv_nxt;
    tp.urg_data = 0;
    // The next connection starts past anything the old one may still have
    // in flight: "seq = tp->write_seq + tp->max_window + 2; if (!seq) seq =
    // 1;". snd_una and snd_nxt stay until tcp_connect_init, so SIOCOUTQ
    // counts the two (3 after a refused SYN, which took one itself).
    std::uint32_t seq = tp.write_seq + tp.max_window + 2;
    if (!seq)
        seq = 1;
    tp.write_seq = seq;
    // "tp->window_clamp = 0", inet_csk_delack_init (no delayed ACK, no
    // pingpong mode: TCP_QUICKACK reads 1 again), rcv_mss = TCP_MIN_MSS, and
    // rx_opt cleared: TCP_MAXSEG's value is forgotten, the next connect
    // starts from the default MSS clamp.
    tp.window_clamp = 0;
    tp.inet_conn.icsk_ack = {};
    tp.inet_conn.icsk_ack.rcv_mss = static_cast<std::uint16_t>(tcp_min_mss);
    tp.user_mss = 0;
    tp.mss_clamp = tcp_mss_default;
    i.inet_dport() = 0;
    if (!(sk.sk_userlocks & sock_bind_lock))
        i.inet_saddr = i.inet_rcv_saddr() = 0;
    sk.sk_shutdown = 0;
    sock_reset_flag(sk, sock_done);
    ctx.sk_error_report(sk);
    return 0;
}

//! inet_csk_listen_stop: every child not yet accepted is aborted (its
//! client gets an RST) and destroyed.
template <class P, class Ctx>
void inet_csk_listen_stop(Ctx& ctx, sock& sk) {
    request_sock_queue& q = tcp_of(sk).inet_conn.icsk_accept_queue;
    auto* c = static_cast<tcp_sock*>(q.rskq_accept_head);
    q.rskq_accept_head = q.rskq_accept_tail = nullptr;
    while (c) {
        tcp_sock* next = c->accept_next;
        c->accept_next = nullptr;
        c->parent = nullptr;
        sock& child = c->inet_conn.icsk_inet.sk;
        // inet_child_forget
        tcp_disconnect<P>(ctx, child, o_nonblock);
        sock_orphan(child);
        inet_csk_destroy_sock<P>(ctx, child);
        c = next;
    }
    sk.sk_ack_backlog = 0;
    // Children still in SYN_RECV (a handshake in flight) go too.
    ctx.template for_each_obj<P>([&](typename P::obj_type& o) {
        if (o.parent == &sk) {
            o.parent = nullptr;
            sock& child = o.inet_conn.icsk_inet.sk;
            // (A request on a device goes silently, as Linux drops its
            // request socks: the peer's ACK then meets no socket and an RST.)
            if (!o.segments)
                tcp_send_reset<P>(ctx, child);
            sock_orphan(child);
            tcp_done<P>(ctx, child);
        }
    });
}

} // namespace ksock::inet
