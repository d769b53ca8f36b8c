// ksock/inet/tcp/tcp_input.hpp: what happens when a segment arrives on lo
// (net/ipv4/tcp_input.c, tcp_ipv4.c, tcp_minisocks.c, tcp_output.c): the
// handshake (SYN at a listener, SYN-ACK at the client, the final ACK that
// queues the child), FIN and its (delayed) ACK, RST, TIME_WAIT, and the
// state changes with their callbacks. The transmit path (data moving from
// the sender's write queue into the receiver's receive queue) is in
// tcp_xmit.hpp, included at the end.
//
// ksock's loopback delivers a segment by calling the receiver's handler at
// once, as the softirq does for a socket nobody owns; the one socket ever
// "owned by user" while a segment reaches it is a connecting client, whose
// SYN-ACK or RST waits in tp->rx_deferred until release_sock
// (tcp_release_cb), as in Linux.
//
// Everything is a template on P, the proto (tcp_prot), whose pool holds the
// socks and whose state holds the TIME_WAIT entries.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/inet_hashtables.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/inet/tcp/tcp_output.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/msghdr.hpp>

namespace ksock::inet {

//! A connection's sequence space starts at 0 on both ends (ksock needs no
//! ISN: the counts are what TCP_INFO and the urgent pointer use).
inline void tcp_reset_seq(tcp_sock& tp) noexcept {
    tp.write_seq = tp.snd_nxt = tp.snd_una = tp.snd_up = 0;
    tp.rcv_nxt = tp.copied_seq = tp.urg_seq = 0;
    tp.urg_data = 0;
}

//! Segments a connecting client receives while it owns its socket.
enum tcp_rx_deferred : std::uint8_t {
    tcp_rx_none = 0,
    tcp_rx_synack = 1,
    tcp_rx_rst = 2,
    tcp_rx_self = 3, //!< a SYN to its own port: simultaneous open with itself
};

//! inet_csk_clear_xmit_timers, for ksock's stand-ins of the timers and
//! pending segments: nothing deferred, no ACK owed, no FIN queued, no SYN
//! retransmitted yet, no timer armed (a new child, a disconnect).
inline void tcp_clear_xmit_timers(tcp_sock& tp) noexcept {
    tp.rx_deferred = tcp_rx_none;
    tp.ack_owed = 0;
    tp.fin_queued = 0;
    tp.syn_retries = 0;
    tp.timer_at = 0;
    tp.probe_at = 0;
    tp.dack_at = 0;
}

//! TCP_ATO_MIN / TCP_DELACK_MIN: the delayed ACK of a lone FIN (40 ms).
inline constexpr unsigned long tcp_delack_min = hz / 25;

//! tcp_send_delayed_ack's timeout: icsk_ack.ato, which stays 0 until data
//! arrives (tcp_event_data_recv sets TCP_ATO_MIN then). A timer due "now"
//! runs at the timer wheel's next tick, so a socket that received no data
//! ACKs a FIN within a jiffy, one that did after 40 ms.
inline unsigned long tcp_delack_timeout(const tcp_sock& tp) noexcept {
    const unsigned long ato = tp.inet_conn.icsk_ack.ato;
    return ato ? (ato < tcp_delack_min ? ato : tcp_delack_min) : 1;
}

inline tcp_sock& tcp_of(sock& sk) noexcept {
    return *tcp_sk(&sk);
}

//! The bytes waiting in a receive queue.
inline std::size_t tcp_inq(const sock& sk) noexcept {
    std::size_t n = 0;
    for (const sk_buff* s = skb_peek(sk.sk_receive_queue); s;
         s = skb_peek_next(s, sk.sk_receive_queue))
        n += s->remaining();
    return n;
}

//! tcp_set_state: entering CLOSE unhashes the socket and gives back a port
//! the user did not choose (inet_put_port).
template <class P, class Ctx>
void tcp_set_state(Ctx&, sock& sk, std::uint8_t state) noexcept {
    if (state == tcp_close && !(sk.sk_userlocks & sock_bind_port_lock))
        inet_sk(&sk)->inet_num() = 0;
    sk.sk_state() = state;
}

//! inet_csk_destroy_sock: the proto's destroy, the queues emptied, the
//! protocol's reference dropped.
template <class P, class Ctx>
void inet_csk_destroy_sock(Ctx& ctx, sock& sk) noexcept {
    P::destroy(ctx, sk);
    skb_queue_purge(ctx, sk.sk_receive_queue);
    skb_queue_purge(ctx, sk.sk_write_queue);
    sk.sk_wmem_queued = 0;
    sock_put<P>(ctx, sk);
}

//! tcp_done: CLOSE, both directions shut; an orphan is destroyed, a socket
//! with an owner hears of it.
template <class P, class Ctx>
void tcp_done(Ctx& ctx, sock& sk) noexcept {
    tcp_set_state<P>(ctx, sk, tcp_close);
    tcp_of(sk).fin_queued = 0;
    tcp_of(sk).ack_owed = 0;
    sk.sk_shutdown = shutdown_mask;
    if (!sock_flag(sk, sock_dead))
        ctx.sk_state_change(sk);
    else
        inet_csk_destroy_sock<P>(ctx, sk);
}

//! tcp_done_with_error.
template <class P, class Ctx>
void tcp_done_with_error(Ctx& ctx, sock& sk, int err) noexcept {
    sk.sk_err = err;
    skb_queue_purge(ctx, sk.sk_write_queue); // tcp_write_queue_purge
    sk.sk_wmem_queued = 0;
    const bool dead = sock_flag(sk, sock_dead);
    tcp_done<P>(ctx, sk);
    if (!dead)
        ctx.sk_error_report(sk);
}

//! tcp_reset: an RST arrived. The error depends on the state it finds.
template <class P, class Ctx>
void tcp_reset(Ctx& ctx, sock& sk) noexcept {
    int err;
    switch (sk.sk_state()) {
    case tcp_syn_sent:
        err = econnrefused;
        break;
    case tcp_close_wait:
        err = epipe;
        break;
    case tcp_close:
        return;
    default:
        err = econnreset;
    }
    tcp_done_with_error<P>(ctx, sk, err);
}

//! The other end of \p sk on lo: its full sock (null when there is none).
//! The hint of the last lookup is taken when it still names a referenced
//! sock of the same 4-tuple (a pool slot stays a tcp_sock; a freed one has
//! no reference left), else the pool is searched and the hint renewed.
template <class P, class Ctx>
sock* tcp_peer(Ctx& ctx, const sock& sk) {
    const inet_sock& i = *inet_sk(&sk);
    sock*& hint = const_cast<tcp_sock*>(tcp_sk(&sk))->peer_hint;
    if (hint) {
        const inet_sock& h = *inet_sk(hint);
        const std::uint8_t st = hint->sk_state();
        if (hint->sk_refcnt() > 0 && st != tcp_listen && st != tcp_close &&
            h.inet_num() == ksock::be16_to_cpu(i.inet_dport()) &&
            h.inet_dport() == ksock::cpu_to_be16(i.inet_num()) &&
            h.inet_daddr() == i.inet_rcv_saddr() && h.inet_rcv_saddr() == i.inet_daddr())
            return hint;
    }
    hint = inet_lookup_established<P>(ctx, i.inet_daddr(), ksock::be16_to_cpu(i.inet_dport()),
                                      i.inet_rcv_saddr(), ksock::cpu_to_be16(i.inet_num()));
    return hint;
}
template <class P, class Ctx>
inet_timewait_sock* tcp_peer_tw(Ctx& ctx, const sock& sk) {
    const inet_sock& i = *inet_sk(&sk);
    return inet_lookup_tw<P>(ctx, i.inet_daddr(), ksock::be16_to_cpu(i.inet_dport()),
                             i.inet_rcv_saddr(), ksock::cpu_to_be16(i.inet_num()));
}

//! tcp_send_active_reset / tcp_v4_send_reset: the peer's full sock is
//! reset; a TIME_WAIT entry hit by an RST goes (tcp_timewait_state_process).
template <class P, class Ctx>
void tcp_send_reset(Ctx& ctx, sock& sk) {
    if (sock* peer = tcp_peer<P>(ctx, sk))
        tcp_reset<P>(ctx, *peer);
    else if (inet_timewait_sock* tw = tcp_peer_tw<P>(ctx, sk))
        tw->tw_live = 0;
}

//! tcp_time_wait (named tcp_enter_time_wait: TCP_TIME_WAIT is the state): a TIME_WAIT (or
//! FIN_WAIT2) mini-sock takes over the 4-tuple and the port; the full sock is done (an owner still
//! holding it reads TCP_CLOSE).
template <class P, class Ctx>
void tcp_enter_time_wait(Ctx& ctx, sock& sk, std::uint8_t substate, unsigned long timeo) {
    const inet_sock& i = *inet_sk(&sk);
    for (inet_timewait_sock& tw : ctx.template proto_state<P>().tw) {
        if (tw.tw_live)
            continue;
        tw = inet_timewait_sock{
            i.inet_rcv_saddr(), i.inet_daddr(),    i.inet_num(), i.inet_dport(),       1, substate,
            sk.sk_reuse(),      sk.sk_reuseport(), sk.sk_uid,    ctx.jiffies() + timeo};
        break;
    }
    tcp_done<P>(ctx, sk);
}

template <class P, class Ctx>
void tcp_rcv_fin_ack(Ctx& ctx, sock& sk, bool fin_follows);

//! tcp_send_ack: an ACK owed for the peer's FIN goes now (alone, or on a
//! segment the socket sends anyway).
template <class P, class Ctx>
void tcp_send_ack(Ctx& ctx, sock& sk, bool fin_follows = false) {
    tcp_sock& tp = tcp_of(sk);
    if (!tp.ack_owed)
        return;
    tp.ack_owed = 0;
    if (sock* peer = tcp_peer<P>(ctx, sk)) {
        tcp_ack_update_window(tcp_of(*peer), tcp_adv_window(tp), ipv4_net(ctx).sysctl);
        tcp_rcv_fin_ack<P>(ctx, *peer, fin_follows);
    }
}

//! Our FIN is acknowledged (tcp_rcv_state_process, the ACK part).
template <class P, class Ctx>
void tcp_rcv_fin_ack(Ctx& ctx, sock& sk, bool fin_follows) {
    tcp_sock& tp = tcp_of(sk);
    if (tp.fin_queued)
        return;              // the FIN has not left yet: nothing of it to acknowledge
    tp.snd_una = tp.snd_nxt; // SIOCOUTQ no longer counts the FIN
    switch (sk.sk_state()) {
    case tcp_fin_wait1: {
        tcp_set_state<P>(ctx, sk, tcp_fin_wait2);
        sk.sk_shutdown |= send_shutdown;
        if (!sock_flag(sk, sock_dead)) {
            ctx.sk_state_change(sk);
            break;
        }
        // An orphan: tcp_fin_time() is not above TCP_TIMEWAIT_LEN unless
        // TCP_LINGER2 says so, so a FIN_WAIT2 mini-sock takes over.
        if (tp.linger2 < 0) {
            tcp_send_reset<P>(ctx, sk);
            tcp_done<P>(ctx, sk);
            break;
        }
        const unsigned long tmo =
            tp.linger2 ? static_cast<unsigned long>(tp.linger2)
                       : static_cast<unsigned long>(ipv4_net(ctx).sysctl.tcp_fin_timeout) * hz;
        if (tmo > tcp_timewait_len || fin_follows)
            tp.timer_at = ctx.jiffies() + tmo;
        else
            tcp_enter_time_wait<P>(ctx, sk, tcp_fin_wait2, tmo);
        break;
    }
    case tcp_closing:
        tcp_enter_time_wait<P>(ctx, sk, tcp_time_wait, tcp_timewait_len);
        break;
    case tcp_last_ack:
        tcp_done<P>(ctx, sk);
        break;
    default:
        break;
    }
}

//! tcp_fin: the peer's FIN (after all its data).
template <class P, class Ctx>
void tcp_fin(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    sk.sk_shutdown |= rcv_shutdown;
    sock_set_flag(sk, sock_done);
    switch (sk.sk_state()) {
    case tcp_syn_recv:
    case tcp_established:
        // Move to CLOSE_WAIT in delayed-ACK ("pingpong") mode, so the
        // ACK waits (TCP_QUICKACK reads 0 until the delayed-ACK timer
        // sends it and leaves the mode).
        tcp_set_state<P>(ctx, sk, tcp_close_wait);
        inet_csk_enter_pingpong_mode(tp.inet_conn);
        tp.ack_owed = 1;
        tp.timer_at = ctx.jiffies() + tcp_delack_timeout(tp);
        break;
    case tcp_fin_wait1:
        // Simultaneous close: ACK at once.
        tp.ack_owed = 1;
        tcp_set_state<P>(ctx, sk, tcp_closing);
        tcp_send_ack<P>(ctx, sk);
        break;
    case tcp_fin_wait2:
        tp.ack_owed = 1;
        tcp_send_ack<P>(ctx, sk);
        tcp_enter_time_wait<P>(ctx, sk, tcp_time_wait, tcp_timewait_len);
        return;
    default:
        break;
    }
    if (!sock_flag(sk, sock_dead))
        ctx.sk_state_change(sk);
}

//! A FIN for the peer's TIME_WAIT/FIN_WAIT2 mini-sock: a FIN_WAIT2 one
//! becomes TIME_WAIT and ACKs (tcp_timewait_state_process).
template <class P, class Ctx>
void tcp_tw_rcv_fin(Ctx& ctx, sock& sk, inet_timewait_sock& tw) {
    if (tw.tw_substate == tcp_fin_wait2) {
        tw.tw_substate = tcp_time_wait;
        tw.tw_expires = ctx.jiffies() + tcp_timewait_len;
        tcp_rcv_fin_ack<P>(ctx, sk, false);
    }
}

//! The byte \p off bytes after the first unread one, or -1.
inline int tcp_byte_at(const sock& sk, std::size_t off) noexcept {
    for (const sk_buff* s = skb_peek(sk.sk_receive_queue); s;
         s = skb_peek_next(s, sk.sk_receive_queue)) {
        if (off < s->remaining()) {
            std::size_t at = s->consumed + off;
            for (const sk_buff* c = s; c; c = c->frag_next) {
                if (at < c->len)
                    return c->head[at];
                at -= c->len;
            }
            return -1;
        }
        off -= s->remaining();
    }
    return -1;
}

//! Take the first unread byte out of the receive queue (an urgent byte
//! skipped).
template <class Ctx>
void tcp_eat_byte(Ctx& ctx, sock& sk) noexcept {
    sk_buff* skb = skb_peek(sk.sk_receive_queue);
    if (!skb)
        return;
    ++skb->consumed;
    ++tcp_of(sk).copied_seq;
    if (skb->remaining() == 0) {
        skb_unlink(skb, sk.sk_receive_queue);
        kfree_skb(ctx, skb);
    }
}

//! tcp_check_urg + tcp_urg: the urgent pointer \p ptr (receive sequence of
//! the urgent byte) arrived with data already queued (\p rcv_nxt_before:
//! where the queue ended before).
template <class Ctx>
void tcp_urg(Ctx& ctx, sock& sk, std::uint32_t ptr, std::uint32_t rcv_nxt_before) {
    tcp_sock& tp = tcp_of(sk);
    if (tp.urg_data && static_cast<std::int32_t>(ptr - tp.urg_seq) <= 0)
        return;
    // An old urgent byte not read yet and not inline is skipped.
    if (tp.urg_seq == tp.copied_seq && tp.urg_data && !sock_flag(sk, sock_urginline) &&
        tp.copied_seq != rcv_nxt_before)
        tcp_eat_byte(ctx, sk);
    tp.urg_data = tcp_urg_notyet;
    tp.urg_seq = ptr;
    const int c = tcp_byte_at(sk, ptr - tp.copied_seq);
    if (c >= 0) {
        tp.urg_data = static_cast<std::uint16_t>(tcp_urg_valid | static_cast<unsigned>(c));
        if (!sock_flag(sk, sock_dead))
            ctx.sk_data_ready(sk);
    }
}

//! What a write queue meets when nothing but an RST answers it: Linux
//! sends what is queued (the FIN too) and the RST comes back, so SIOCOUTQNSD
//! reads 0 and SIOCOUTQ what was never acknowledged.
template <class P, class Ctx>
void tcp_xmit_reset(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    tp.snd_nxt = tp.write_seq;
    tcp_reset<P>(ctx, sk);
}

//! The transmit path over lo (tcp_xmit.hpp, included at the end of this
//! header): what the write queue may send now and the FIN after it.
template <class P, class Ctx>
void tcp_xmit(Ctx& ctx, sock& sk, int nonagle = -1);
template <class P, class Ctx>
void tcp_data_snd_check(Ctx& ctx, sock& sk, int nonagle = -1);
template <class P, class Ctx>
void tcp_send_fin(Ctx& ctx, sock& sk);

//! tcp_close_state: the state a close or SHUT_WR moves to; true when a FIN
//! is to be sent.
template <class P, class Ctx>
bool tcp_close_state(Ctx& ctx, sock& sk) {
    switch (sk.sk_state()) {
    case tcp_established:
    case tcp_syn_recv:
        tcp_set_state<P>(ctx, sk, tcp_fin_wait1);
        return true;
    case tcp_close_wait:
        tcp_set_state<P>(ctx, sk, tcp_last_ack);
        return true;
    case tcp_syn_sent:
    case tcp_listen:
    case tcp_close:
        tcp_set_state<P>(ctx, sk, tcp_close);
        return false;
    default:
        return false;
    }
}

//! tcp_shutdown: SHUT_WR sends the FIN (after the queued data).
template <class P, class Ctx>
void tcp_shutdown(Ctx& ctx, sock& sk, int how) {
    if (!(how & send_shutdown))
        return;
    if ((1u << sk.sk_state()) &
        ((1u << tcp_established) | (1u << tcp_syn_sent) | (1u << tcp_close_wait))) {
        if (tcp_close_state<P>(ctx, sk))
            tcp_send_fin<P>(ctx, sk);
    }
}

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
void tcp_window_update(Ctx& ctx, sock& sk) {
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

//! tcp_disconnect (the ABORT of RFC 793): CLOSE, an RST to the peer where
//! a connection exists, queues emptied, ready to connect again.
template <class P, class Ctx>
void inet_csk_listen_stop(Ctx& ctx, sock& sk);

inline bool tcp_need_reset(std::uint8_t state) noexcept {
    return (1u << state) & ((1u << tcp_established) | (1u << tcp_close_wait) |
                            (1u << tcp_fin_wait1) | (1u << tcp_fin_wait2) | (1u << tcp_syn_recv));
}

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
            tcp_send_reset<P>(ctx, child);
            sock_orphan(child);
            tcp_done<P>(ctx, child);
        }
    });
}

} // namespace ksock::inet

// The transmit path's definitions (it calls into this header as well).
#include <ksock/inet/tcp/tcp_xmit.hpp>
