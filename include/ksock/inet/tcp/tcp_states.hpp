// ksock/inet/tcp/tcp_states.hpp: the steps of TCP's state machine over lo
// (net/ipv4/tcp.c, tcp_input.c, tcp_minisocks.c): tcp_set_state, tcp_done,
// an RST arriving or sent, TIME_WAIT, the FIN and its (delayed) ACK, and
// urgent data arriving. The segments that carry them are tcp_xmit.hpp's;
// the handshake, windows and disconnect are tcp_input.hpp's.
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

//! tcp_sk(sk) as a reference.
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

//! tcp_clear_xmit_timers for a connection on a device: the retransmission,
//! delayed-ACK and keepalive timers stop.
inline void tcp_clear_dev_timers(tcp_sock& tp) noexcept {
    tp.inet_conn.icsk_pending = 0;
    tp.inet_conn.icsk_retransmit_timer.pending = 0;
    tp.inet_conn.icsk_delack_timer.pending = 0;
    tp.inet_conn.icsk_ack.pending = 0;
    tp.keepalive_at = 0;
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
KSOCK_ALWAYS_INLINE inline void inet_csk_destroy_sock(Ctx& ctx, sock& sk) noexcept {
    P::destroy(ctx, sk);
    skb_queue_purge(ctx, sk.sk_receive_queue);
    skb_queue_purge(ctx, sk.sk_write_queue);
    sk.sk_wmem_queued = 0;
    sock_put<P>(ctx, sk);
}

template <class Ctx>
void tcp_ofo_purge(Ctx& ctx, sock& sk) noexcept; // tcp_rcv.hpp

//! tcp_done: CLOSE, both directions shut; an orphan is destroyed, a socket
//! with an owner hears of it.
template <class P, class Ctx>
void tcp_done(Ctx& ctx, sock& sk) noexcept {
    tcp_set_state<P>(ctx, sk, tcp_close);
    tcp_of(sk).fin_queued = 0;
    tcp_of(sk).ack_owed = 0;
    if (tcp_on_device<Ctx>(tcp_of(sk))) {
        // A connection on a device: its timers stop and the segments that
        // waited out of order go (tcp_done's inet_csk_clear_xmit_timers, and
        // the queue a destroyed sock frees).
        tcp_clear_dev_timers(tcp_of(sk));
        tcp_ofo_purge(ctx, sk);
    }
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
//! The TIME_WAIT entry of \p sk's 4-tuple seen from the other end, or null.
template <class P, class Ctx>
inet_timewait_sock* tcp_peer_tw(Ctx& ctx, const sock& sk) {
    const inet_sock& i = *inet_sk(&sk);
    return inet_lookup_tw<P>(ctx, i.inet_daddr(), ksock::be16_to_cpu(i.inet_dport()),
                             i.inet_rcv_saddr(), ksock::cpu_to_be16(i.inet_num()));
}

template <class P, class Ctx>
void tcp_send_active_reset_dev(Ctx& ctx, sock& sk); // tcp_transmit.hpp

//! tcp_send_active_reset / tcp_v4_send_reset: the peer's full sock is
//! reset; a TIME_WAIT entry hit by an RST goes (tcp_timewait_state_process).
//! A connection on a device sends its RST segment.
template <class P, class Ctx>
void tcp_send_reset(Ctx& ctx, sock& sk) {
    if (tcp_on_device<Ctx>(tcp_of(sk))) {
        tcp_send_active_reset_dev<P>(ctx, sk);
        return;
    }
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
        tw = inet_timewait_sock{};
        tw.tw_rcv_saddr = i.inet_rcv_saddr();
        tw.tw_daddr = i.inet_daddr();
        tw.tw_num = i.inet_num();
        tw.tw_dport = i.inet_dport();
        tw.tw_live = 1;
        tw.tw_substate = substate;
        tw.tw_reuse = sk.sk_reuse();
        tw.tw_reuseport = sk.sk_reuseport();
        tw.tw_uid = sk.sk_uid;
        tw.tw_expires = ctx.jiffies() + timeo;
        const tcp_sock& tp = tcp_of(sk);
        if (tcp_on_device<Ctx>(tp)) {
            // tcp_time_wait: what the mini-sock answers with.
            tw.tw_segments = 1;
            tw.tw_tstamp_ok = tp.rx_opt.tstamp_ok;
            tw.tw_rcv_wscale = tp.rcv_wscale;
            tw.tw_snd_nxt = tp.snd_nxt;
            tw.tw_rcv_nxt = tp.rcv_nxt;
            tw.tw_rcv_wnd = tp.rcv_wnd;
            tw.tw_ts_recent = tp.rx_opt.ts_recent;
            tw.tw_ts_recent_stamp = tp.rx_opt.ts_recent_stamp;
            tw.tw_ts_offset = tp.tsoffset;
        }
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
    tp.pred_on = 0; // tcp_check_urg: no header prediction
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

//! tcp_event_data_sent: a reply within ato of the last data received counts
//! toward pingpong mode (TCP_QUICKACK reads 0 in it); the delayed ACK rides
//! on it, its timer no longer due.
inline void tcp_event_data_sent(tcp_sock& tp, unsigned long now) noexcept {
    auto& ack = tp.inet_conn.icsk_ack;
    if (static_cast<std::uint32_t>(now) - ack.lrcvtime < ack.ato && ack.pingpong < 255)
        ++ack.pingpong;
    tp.dack_at = 0;
}

//! tcp_urg runs before the segment's text is looked at (step 6, then 7):
//! a segment that will reset a receiver which shut its reading side still
//! marks its urgent byte valid there, so POLLPRI shows on the closed socket.
//! (The segment is one mss_cache of the write queue, which ksock keeps in
//! skbs of its own size.)
inline void tcp_urg_before_reset(const sock& sk, const tcp_sock& tp, sock& peer) noexcept {
    std::uint32_t off = tp.snd_up - 1 - tp.snd_nxt;
    if (!tp.snd_up || static_cast<std::int32_t>(tp.snd_up - tp.snd_nxt) <= 0 || off >= tp.mss_cache)
        return;
    tcp_sock& ptp = tcp_of(peer);
    const std::uint32_t ptr = ptp.rcv_nxt + off;
    if (ptp.urg_data && static_cast<std::int32_t>(ptr - ptp.urg_seq) <= 0)
        return;
    for (const sk_buff* s = skb_peek(sk.sk_write_queue); s;
         s = skb_peek_next(s, sk.sk_write_queue)) {
        if (off < s->len) {
            ptp.urg_seq = ptr;
            ptp.urg_data = static_cast<std::uint16_t>(tcp_urg_valid | s->head[off]);
            return;
        }
        off -= s->len;
    }
}

//! Room in the receiver for one more skb of \p truesize (its window).
inline bool tcp_rcv_room(const sock& peer, std::uint32_t truesize) noexcept {
    return peer.sk_rmem_alloc == 0 ||
           peer.sk_rmem_alloc + static_cast<int>(truesize) <= peer.sk_rcvbuf;
}

//! tcp_urg_mode: urgent data not yet acknowledged.
inline bool tcp_urg_mode(const tcp_sock& tp) noexcept {
    return tp.snd_up && static_cast<std::int32_t>(tp.snd_up - tp.snd_una) > 0;
}

} // namespace ksock::inet
