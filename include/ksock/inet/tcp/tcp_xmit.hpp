// ksock/inet/tcp/tcp_xmit.hpp: a segment's way over lo (net/ipv4/tcp_output.c's
// tcp_write_xmit, then the receiver's tcp_v4_rcv / tcp_data_queue / tcp_fin):
// the Nagle and cork test, the bytes the receive window allows moving from
// the sender's write queue into the receiver's receive queue, the ACK that
// comes back at once, the FIN once the queue is empty; tcp_send_fin,
// tcp_close_state and tcp_shutdown.
//
// ksock's loopback delivers a segment by calling the receiver's handler at
// once, as the softirq does for a socket nobody owns.
#pragma once

#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/inet/tcp/tcp_states.hpp>
#include <ksock/inet/tcp/tcp_write_xmit.hpp>

namespace ksock::inet {

//! tcp_write_xmit's Nagle test (tcp_nagle_test, tcp_mss_split_point) under
//! \p nonagle: corked (TCP_CORK, or the MSG_MORE of the send that pushes),
//! the bytes past the last whole segment of mss_cache stay in the write
//! queue, unless the push forces them (TCP_NAGLE_PUSH), urgent data is
//! pending or the FIN follows. (Nagle's own rule, holding a small segment
//! while one is unacknowledged, never holds over ksock's loopback: every
//! segment is acknowledged at once.) Returns how many unsent bytes may go.
inline std::uint32_t tcp_xmit_allowance(const tcp_sock& tp, std::uint8_t nonagle) noexcept {
    const std::uint32_t unsent = tp.write_seq - tp.snd_nxt - (tp.fin_queued ? 1u : 0u);
    if (!(nonagle & tcp_nagle_cork) || (nonagle & tcp_nagle_push) || tcp_urg_mode(tp) ||
        tp.fin_queued || !tp.mss_cache)
        return unsent;
    return unsent - unsent % tp.mss_cache;
}

//! tcp_probe0_base: the RTO, no less than TCP_RTO_MIN. ksock takes no RTT
//! samples: on lo Linux's RTO is rto_min plus the round trip's few
//! microseconds, a jiffy more.
inline unsigned long tcp_probe0_base(const tcp_sock& tp) noexcept {
    return static_cast<unsigned long>(tp.inet_conn.icsk_rto_min) + 1;
}

template <class P, class Ctx>
void tcp_xmit(Ctx& ctx, sock& sk, int nonagle = -1);

//! tcp_data_snd_check: a segment arrived (data, or an ACK alone), and what
//! the write queue holds is pushed under tp->nonagle: data MSG_MORE held
//! goes, TCP_CORK keeps holding it.
template <class P, class Ctx>
void tcp_data_snd_check(Ctx& ctx, sock& sk, int nonagle = -1) {
    const std::uint8_t st = sk.sk_state();
    if (!skb_queue_empty(sk.sk_write_queue) && (st == tcp_established || st == tcp_close_wait))
        tcp_xmit<P>(ctx, sk, nonagle);
}

//! \p n bytes off the front of an skb of the write queue (the rest stays).
inline void tcp_trim_head(sk_buff* skb, std::uint32_t n) noexcept {
    std::memmove(skb->head, skb->head + n, skb->len - n);
    skb->len -= n;
    skb->msg_len = skb->len;
}

//! tcp_write_xmit's one segment and the receiver's tcp_data_queue: at most
//! \p allow bytes of \p skb, the head of \p sk's write queue, into \p peer's
//! receive queue, joined to its tail skb (tcp_try_coalesce), in an skb of
//! their own when the segment ends inside \p skb (tso_fragment), or as the
//! whole skb. The bytes moved; 0 when the receiver has no room
//! (rwnd_limited) or the pool no skb.
template <class P, class Ctx>
std::uint32_t tcp_xmit_segment(Ctx& ctx, sock& sk, sock& peer_sk, sk_buff* skb,
                               std::uint32_t allow) {
    tcp_sock& tp = tcp_of(sk);
    sock* peer = &peer_sk;
    sk_buff* tail = skb_peek_tail(peer->sk_receive_queue);
    const std::uint32_t len = skb->len < allow ? skb->len : allow;
    trace_scope ts(ctx.trace(), "tcp_write_xmit -> lo -> tcp_v4_rcv -> tcp_data_queue");
    if constexpr (std::remove_reference_t<decltype(ctx.trace())>::enabled) {
        ctx.trace().field("segment: seq", tp.snd_nxt);
        ctx.trace().field("segment: len", len);
        ctx.trace().field("receiver sk_rmem_alloc", peer->sk_rmem_alloc);
        ctx.trace().field("receiver sk_rcvbuf", peer->sk_rcvbuf);
    }
    if (tail && !tail->frag_next && tail->cap - tail->len >= len) {
        // tcp_try_coalesce: the bytes join the tail skb.
        std::memcpy(tail->head + tail->len, skb->head, len);
        tail->len += len;
        tail->msg_len += len;
        if (len < skb->len) {
            tcp_trim_head(skb, len);
            skb = nullptr;
        }
    } else if (len < skb->len) {
        // The segment ends inside this skb (tso_fragment): its first
        // bytes go in an skb of their own.
        if (!tcp_rcv_room(*peer, skb->truesize)) {
            tp.rwnd_limited = 1;
            return 0;
        }
        sk_buff* seg = ctx.skb_alloc();
        if (!seg)
            return 0;
        std::memcpy(seg->head, skb->head, len);
        seg->len = seg->msg_len = len;
        seg->truesize = skb_truesize(seg->cap);
        skb_set_owner_r(seg, *peer);
        skb_queue_tail(peer->sk_receive_queue, seg);
        tcp_trim_head(skb, len);
        skb = nullptr;
    } else if (tcp_rcv_room(*peer, skb->truesize)) {
        skb_unlink(skb, sk.sk_write_queue);
        sk.sk_wmem_queued -= static_cast<int>(skb->truesize);
        skb_set_owner_r(skb, *peer);
        skb_queue_tail(peer->sk_receive_queue, skb);
        skb = nullptr;
    } else {
        tp.rwnd_limited = 1;
        return 0; // zero window: the rest waits for the reader
    }
    if (skb) {
        skb_unlink(skb, sk.sk_write_queue);
        sk.sk_wmem_queued -= static_cast<int>(skb->truesize);
        kfree_skb(ctx, skb);
    }
    return len;
}

//! A segment of \p len bytes left \p sk and reached \p peer: both ends'
//! sequence numbers and counts (acknowledged at once over ksock's loopback),
//! the receiver's delayed ACK (tcp_event_data_recv, pingpong), and the
//! urgent pointer when the segment carries its byte.
template <class Ctx>
void tcp_segment_sent(Ctx& ctx, sock& sk, sock& peer, std::uint32_t len) {
    tcp_sock& tp = tcp_of(sk);
    tcp_sock& ptp = tcp_of(peer);
    const std::uint32_t sent_before = tp.snd_nxt;
    const std::uint32_t rcv_before = ptp.rcv_nxt;
    tp.bytes_sent += len;
    tp.bytes_acked += len;
    ++tp.segs_out;
    ++tp.data_segs_out;
    tp.snd_nxt += len;
    tp.snd_una = tp.snd_nxt;
    ptp.bytes_received += len;
    ++ptp.segs_in;
    ++ptp.data_segs_in;
    ptp.rcv_nxt += len;
    if (!ptp.inet_conn.icsk_ack.ato) // tcp_event_data_recv
        ptp.inet_conn.icsk_ack.ato = static_cast<std::uint32_t>(tcp_delack_min);
    ptp.inet_conn.icsk_ack.lrcvtime = static_cast<std::uint32_t>(ctx.jiffies());
    // In pingpong mode the receiver's ACK waits for a reply to ride on
    // (tcp_send_delayed_ack); if none comes the timer leaves the mode.
    if (inet_csk_in_pingpong_mode(ptp.inet_conn) && !ptp.dack_at)
        ptp.dack_at = ctx.jiffies() + tcp_delack_timeout(ptp);
    // The urgent pointer rides on the segment that carries its byte.
    if (tp.snd_up && static_cast<std::int32_t>(tp.snd_up - sent_before) > 0 &&
        static_cast<std::int32_t>(tp.snd_up - tp.snd_nxt) <= 0)
        tcp_urg(ctx, peer, rcv_before + (tp.snd_up - 1 - sent_before), rcv_before);
}

//! tcp_write_xmit + the receiver's tcp_data_queue / tcp_fin: move what the
//! receive window and the Nagle test allow from \p sk's write queue into
//! the peer's receive queue, then the FIN once the queue is empty.
//! \p nonagle is the push's (tcp_push: TCP_NAGLE_CORK for MSG_MORE), else
//! tp->nonagle (tcp_push_pending_frames).
template <class P, class Ctx>
void tcp_xmit(Ctx& ctx, sock& sk, int nonagle) {
    tcp_sock& tp = tcp_of(sk);
    if (tcp_on_device<Ctx>(tp)) {
        // A connection on a device: real segments (tcp_write_xmit.hpp).
        tcp_push_dev<P>(ctx, sk, static_cast<std::uint8_t>(nonagle < 0 ? tp.nonagle : nonagle));
        return;
    }
    if (skb_queue_empty(sk.sk_write_queue) && !tp.fin_queued)
        return;
    const auto push_nonagle = static_cast<std::uint8_t>(nonagle < 0 ? tp.nonagle : nonagle);
    sock* peer = tcp_peer<P>(ctx, sk);
    if (!peer) {
        // Nothing owns the 4-tuple but perhaps a mini-sock: a FIN_WAIT2 one
        // takes a FIN, anything else answers with an RST.
        inet_timewait_sock* tw = tcp_peer_tw<P>(ctx, sk);
        if (tw && skb_queue_empty(sk.sk_write_queue)) {
            tp.fin_queued = 0;
            tp.ack_owed = 0;
            tp.snd_nxt = tp.write_seq; // the FIN left
            tcp_tw_rcv_fin<P>(ctx, sk, *tw);
            return;
        }
        tcp_xmit_reset<P>(ctx, sk);
        return;
    }
    bool moved = false;
    std::uint32_t allow = tcp_xmit_allowance(tp, push_nonagle);
    tp.rwnd_limited = 0;
    while (sk_buff* skb = skb_peek(sk.sk_write_queue)) {
        if (!allow)
            break;
        const std::uint8_t ps = peer->sk_state();
        if ((ps == tcp_fin_wait1 || ps == tcp_fin_wait2) && (peer->sk_shutdown & rcv_shutdown)) {
            // tcp_rcv_state_process: data after the receiver shut its
            // reading side and sent its FIN: abort both ends. The segment's
            // ACK is taken first (tcp_ack): an ACK owed for that FIN rides
            // on it, so the receiver's SIOCOUTQ no longer counts the FIN.
            if (!sock_flag(*peer, sock_dead))
                tcp_send_ack<P>(ctx, sk);
            tcp_urg_before_reset(sk, tp, *peer);
            tcp_reset<P>(ctx, *peer);
            tcp_xmit_reset<P>(ctx, sk);
            return;
        }
        const std::uint32_t len = tcp_xmit_segment<P>(ctx, sk, *peer, skb, allow);
        if (!len)
            break;
        tcp_segment_sent(ctx, sk, *peer, len);
        allow -= len;
        moved = true;
    }
    if (moved && nonagle >= 0 && push_nonagle != tp.nonagle) {
        // The ACK came back (at once over ksock's loopback): tcp_ack's
        // tcp_data_snd_check pushes again under tp->nonagle, so what only
        // this send's MSG_MORE held goes too.
        tcp_xmit<P>(ctx, sk);
        return;
    }
    // The probe0 timer (tcp_check_probe_timer): corked bytes held with
    // nothing in flight leave when it fires.
    if (skb_queue_empty(sk.sk_write_queue))
        tp.probe_at = 0;
    else if (!tp.probe_at && !allow)
        tp.probe_at = ctx.jiffies() + tcp_probe0_base(tp);
    if (moved) {
        tcp_event_data_sent(tp, ctx.jiffies());
        // The segments carry this side's window, the receiver's ACK its own.
        const bool slow =
            tcp_ack_update_window(tcp_of(*peer), tcp_adv_window(tp), ipv4_net(ctx).sysctl);
        tcp_ack_update_window(tp, tcp_adv_window(tcp_of(*peer)), ipv4_net(ctx).sysctl);
        tcp_send_ack<P>(ctx, sk); // piggybacked
        if (!sock_flag(*peer, sock_dead))
            ctx.sk_data_ready(*peer);
        if (!sock_flag(sk, sock_dead))
            ctx.sk_write_space(sk); // sk_stream_write_space
        // Data that acknowledges nothing new takes the fast path, which
        // pushes nothing; a window that changed sends it the slow way.
        if (slow)
            tcp_data_snd_check<P>(ctx, *peer);
    }
    if (skb_queue_empty(sk.sk_write_queue) && tp.fin_queued) {
        tp.fin_queued = 0;
        tp.snd_nxt = tp.write_seq; // the FIN left
        tcp_ack_update_window(tcp_of(*peer), tcp_adv_window(tp), ipv4_net(ctx).sysctl);
        tcp_send_ack<P>(ctx, sk, true);
        tcp_fin<P>(ctx, *peer);
        tcp_data_snd_check<P>(ctx, *peer);
    }
}

//! tcp_send_fin: the FIN follows the queued data.
template <class P, class Ctx>
void tcp_send_fin(Ctx& ctx, sock& sk) {
    tcp_sock& tp = tcp_of(sk);
    ++tp.write_seq; // the FIN takes a sequence number: SIOCOUTQ counts it
    tp.fin_queued = 1;
    tcp_xmit<P>(ctx, sk); // (the FIN passes the Nagle test: all of it goes)
}

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

} // namespace ksock::inet
