// ksock/core/datagram.hpp: receiving whole messages from a socket's queue
// and polling a datagram socket (net/core/datagram.c): what UDP, RAW, PING
// and the unix datagram sockets share.
#pragma once

#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_wait.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock {

//! sk_peek_offset: where a MSG_PEEK starts (SO_PEEK_OFF), else 0.
constexpr int sk_peek_offset(const sock& sk, int flags) noexcept {
    return (flags & msg_peek) ? sk.sk_peek_off : 0;
}

//! connection_based: stream and seqpacket sockets.
constexpr bool connection_based(const sock& sk) noexcept {
    return sk.sk_type == sock_seqpacket || sk.sk_type == sock_stream;
}

//! __skb_try_recv_from_queue: the first message (unlinked), or with
//! MSG_PEEK the one \p off bytes into the queue (left in place; *off becomes
//! the offset into it).
inline sk_buff* skb_try_recv_from_queue(sk_buff_head& q, int flags, int* off) noexcept {
    const bool peek_at_off = (flags & msg_peek) && *off >= 0;
    int o = peek_at_off ? *off : 0;
    for (sk_buff* skb = skb_peek(q); skb; skb = skb_peek_next(skb, q)) {
        if (flags & msg_peek) {
            if (peek_at_off && o && o >= static_cast<int>(skb->msg_len)) {
                o -= static_cast<int>(skb->msg_len);
                continue;
            }
        } else {
            skb_unlink(skb, q);
        }
        *off = o;
        return skb;
    }
    return nullptr;
}

//! __skb_wait_for_more_packets: 0 to try again, non-zero to stop (with *err
//! set: a socket error, ENOTCONN for a dropped connection, 0 at shutdown,
//! EAGAIN when the time ran out).
template <class Ctx>
int skb_wait_for_more_packets(Ctx& ctx, sock& sk, sk_buff_head& q, int* err, long& timeo) {
    const std::uint32_t qlen = q.qlen;
    int stop = 0;
    const bool got = sk_wait_event(ctx, timeo, [&] {
        if (sk.sk_err || q.qlen != qlen)
            return true;
        if (sk.sk_shutdown & rcv_shutdown)
            return true;
        return connection_based(sk) &&
               !(sk.sk_state() == tcp_established || sk.sk_state() == tcp_listen);
    });
    if (!got) {
        // Out of time, or interrupted (the signal test comes after the
        // queue's, as __skb_wait_for_more_packets makes it).
        *err = timeo && ctx.signal_pending() ? sock_intr_errno(timeo) : -eagain;
        return 1;
    }
    if (const int e = sock_error(sk)) {
        *err = e;
        stop = 1;
    } else if (q.qlen != qlen) {
        stop = 0;
    } else if (sk.sk_shutdown & rcv_shutdown) {
        *err = 0;
        stop = 1;
    } else {
        *err = -enotconn;
        stop = 1;
    }
    return stop;
}

//! __skb_recv_datagram: a message from \p q, waiting as the socket's
//! receive timeout allows; null with *err set otherwise (-EAGAIN, a socket
//! error, -ENOTCONN, or 0 when the socket was shut down for reading).
template <class Ctx>
sk_buff* skb_recv_datagram_from(Ctx& ctx, sock& sk, sk_buff_head& q, int flags, int* off,
                                int* err) {
    long timeo = sock_rcvtimeo<Ctx>(sk, (flags & msg_dontwait) != 0);
    for (;;) {
        if (const int e = sock_error(sk)) {
            *err = e;
            return nullptr;
        }
        if (sk_buff* skb = skb_try_recv_from_queue(q, flags, off))
            return skb;
        *err = -eagain;
        if (!timeo || skb_wait_for_more_packets(ctx, sk, q, err, timeo))
            return nullptr;
    }
}

//! skb_recv_datagram: from the receive queue, peeking from offset 0.
template <class Ctx>
sk_buff* skb_recv_datagram(Ctx& ctx, sock& sk, int flags, int* err) {
    int off = 0;
    return skb_recv_datagram_from(ctx, sk, sk.sk_receive_queue, flags, &off, err);
}

//! The first half of datagram_poll, which unix_dgram_poll repeats: the
//! exceptional events (POLLERR for a pending error or a queued one, with
//! POLLPRI under SO_SELECT_ERR_QUEUE), the shutdowns (POLLRDHUP|POLLIN|
//! POLLRDNORM once shut for reading, POLLHUP both ways) and readable
//! (POLLIN|POLLRDNORM with data queued).
inline unsigned datagram_poll_rcv(const sock& sk) noexcept {
    unsigned mask = 0;
    if (sk.sk_err || !skb_queue_empty(sk.sk_error_queue))
        mask |= pollerr | (sock_flag(sk, sock_select_err_queue) ? pollpri : 0);
    const std::uint8_t shutdown = sk.sk_shutdown;
    if (shutdown & rcv_shutdown)
        mask |= pollrdhup | pollin | pollrdnorm;
    if (shutdown == shutdown_mask)
        mask |= pollhup;
    if (!skb_queue_empty(sk.sk_receive_queue))
        mask |= pollin | pollrdnorm;
    return mask;
}

//! datagram_poll.
inline unsigned datagram_poll(const ksock::socket& so) noexcept {
    const sock& sk = *so.sk;
    unsigned mask = datagram_poll_rcv(sk);
    if (connection_based(sk)) {
        if (sk.sk_state() == tcp_close)
            mask |= pollhup;
        if (sk.sk_state() == tcp_syn_sent)
            return mask; // the connection has not started yet
    }
    if (sock_writeable(sk))
        mask |= pollout | pollwrnorm | pollwrband;
    return mask;
}

} // namespace ksock
