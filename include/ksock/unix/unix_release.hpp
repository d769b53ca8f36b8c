// ksock/unix/unix_release.hpp: closing and shutting down a PF_UNIX socket
// (net/unix/af_unix.c: unix_release_sock, unix_dgram_disconnected,
// unix_shutdown).
#pragma once

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/unix_common.hpp>
#include <ksock/unix/unix_scm.hpp>

namespace ksock::unix_domain {

//! unix_release_sock: the name leaves the table, the sock is shut and
//! closed; a connected stream/seqpacket peer sees both directions shut, and
//! ECONNRESET when we leave unread data behind (or were never accepted:
//! \p embrion). An empty skb at the head is not unread data: a stream's
//! out-of-band byte already read (its skb stays queued as the mark) or a
//! zero-length seqpacket record; only an skb after it counts (6.18's
//! "af_unix: Don't set -ECONNRESET for consumed OOB skb" tests unix_skb_len
//! whatever the type). A listener releases the connections still waiting in
//! its queue; every queued skb is freed (each gives its charge back to its
//! sender and puts the files it carries: the stack defers the releases
//! that may cause, see stack::fput); the reference the socket held goes.
template <class Ctx>
void unix_release_sock(Ctx& ctx, sock& sk, bool embrion) {
    unix_sock* u = unix_sk(&sk);
    u->hashed = false; // unix_remove_socket
    sock_orphan(sk);
    sk.sk_shutdown = shutdown_mask;
    const std::uint8_t state = sk.sk_state();
    sk.sk_state() = tcp_close;
    sock* skpair = unix_peer(sk);
    unix_peer(sk) = nullptr;
    u->oob_skb = nullptr;
    // wake_up_interruptible_all(&u->peer_wait): connects waiting for our
    // backlog and senders waiting for our queue look again (the sock is
    // orphaned: only sleepers hear it, no readiness callback).
    ctx.sk_state_change(sk);
    if (skpair) {
        if (sk.sk_type == sock_stream || sk.sk_type == sock_seqpacket) {
            const sk_buff* skb = skb_peek(sk.sk_receive_queue);
            if (skb && !skb->remaining())
                skb = skb_peek_next(skb, sk.sk_receive_queue);
            skpair->sk_shutdown = shutdown_mask;
            if (skb || embrion)
                skpair->sk_err = econnreset;
            ctx.sk_state_change(*skpair);
        }
        unix_sock_put(ctx, *skpair); // it may now die
    }
    while (sk_buff* skb = skb_dequeue(sk.sk_receive_queue)) {
        if (state == tcp_listen && skb->sk)
            unix_release_sock(ctx, *skb->sk, true); // an embryo never accepted
        unix_kfree_skb(ctx, skb);                   // the files it carries are put
    }
    unix_sock_put(ctx, sk);
}

//! unix_dgram_disconnected: a datagram socket leaving \p other drops what it
//! had queued; if \p other was connected back to it, \p other learns of
//! the lost messages (ECONNRESET).
template <class Ctx>
void unix_dgram_disconnected(Ctx& ctx, sock& sk, sock& other) {
    if (skb_queue_empty(sk.sk_receive_queue))
        return;
    unix_skb_queue_purge(ctx, sk.sk_receive_queue);
    if (!sock_flag(other, sock_dead) && unix_peer(other) == &sk) {
        other.sk_err = econnreset;
        ctx.sk_error_report(other);
    }
}

//! unix_shutdown: SHUT_RD/WR/RDWR become RCV/SEND/both; a connected
//! stream/seqpacket peer gets the mirror image. Not being connected is no
//! error for PF_UNIX.
template <class Ctx>
int unix_shutdown(Ctx& ctx, sock& sk, int how) {
    if (how < shut_rd || how > shut_rdwr)
        return -einval;
    const auto mode = static_cast<std::uint8_t>(how + 1);
    sk.sk_shutdown = static_cast<std::uint8_t>(sk.sk_shutdown | mode);
    sock* other = unix_peer(sk);
    ctx.sk_state_change(sk);
    if (other && (sk.sk_type == sock_stream || sk.sk_type == sock_seqpacket)) {
        std::uint8_t peer_mode = 0;
        if (mode & rcv_shutdown)
            peer_mode |= send_shutdown;
        if (mode & send_shutdown)
            peer_mode |= rcv_shutdown;
        other->sk_shutdown = static_cast<std::uint8_t>(other->sk_shutdown | peer_mode);
        ctx.sk_state_change(*other);
    }
    return 0;
}

} // namespace ksock::unix_domain
