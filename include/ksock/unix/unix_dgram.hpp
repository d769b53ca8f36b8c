// ksock/unix/unix_dgram.hpp: message-oriented PF_UNIX (net/unix/af_unix.c):
// unix_dgram_connect, unix_dgram_sendmsg / unix_dgram_recvmsg, and the
// SOCK_SEQPACKET wrappers around them.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/unix_bind.hpp>
#include <ksock/unix/unix_common.hpp>
#include <ksock/unix/unix_release.hpp>
#include <ksock/unix/unix_scm.hpp>

namespace ksock::unix_domain {

//! unix_may_send: \p other takes messages from anyone while it has no peer,
//! else only from its peer (EPERM).
inline bool unix_may_send(sock& sk, sock& other) noexcept {
    return unix_peer(other) == nullptr || unix_peer(other) == &sk;
}

//! unix_dgram_connect: set (or with AF_UNSPEC clear) the default peer. The
//! target must accept us (EPERM); both become ESTABLISHED, as in 6.18. A
//! previous peer we leave drops what it had sent us
//! (unix_dgram_disconnected) and is CLOSE again if nothing is connected to it.
template <class Ctx>
int unix_dgram_connect(Ctx& ctx, ksock::socket& so, const sockaddr* addr, int alen) {
    sock& sk = *so.sk;
    if (alen < static_cast<int>(sizeof(sa_family_t)))
        return -einval;
    sock* other = nullptr;
    if (addr->sa_family != af_unspec) {
        if (const int err = unix_validate_addr(addr, alen))
            return err;
        if (const int err = unix_passcred_autobind(ctx, sk))
            return err;
        int err = 0;
        other = unix_find_other(ctx, addr, alen, sk.sk_type, &err);
        if (!other)
            return err;
        if (!unix_may_send(sk, *other))
            return -eperm;
        sk.sk_state() = tcp_established;
        other->sk_state() = tcp_established;
        sock_hold(*other);
    }
    sock* old_peer = unix_peer(sk);
    unix_peer(sk) = other;
    if (old_peer) {
        if (!other)
            sk.sk_state() = tcp_close;
        if (other != old_peer) {
            unix_dgram_disconnected(ctx, sk, *old_peer);
            if (!unix_peer(*old_peer))
                old_peer->sk_state() = tcp_close;
        }
        unix_sock_put(ctx, *old_peer);
    }
    return 0;
}

namespace detail {
//! The part of a datagram of \p len bytes that goes in page frags: what is
//! above SKB_MAX_ALLOC, at most MAX_SKB_FRAGS pages, in whole pages.
constexpr std::uint32_t unix_dgram_data_len(std::size_t len) noexcept {
    if (len <= skb_max_alloc)
        return 0;
    const std::size_t over = len - skb_max_alloc;
    const std::size_t cap = max_skb_frags * page_size;
    return page_align(static_cast<std::uint32_t>(over < cap ? over : cap));
}
} // namespace detail

//! The destination is dead ("check with 1003.1g"): EPIPE for seqpacket; our
//! own peer is dropped (the socket disconnected, what it had sent us gone)
//! with ECONNREFUSED; a named destination is never dead in the table
//! (ECONNRESET).
template <class Ctx>
inline long unix_dgram_peer_dead(Ctx& ctx, sock& sk, sock& other) {
    if (sk.sk_type == sock_seqpacket)
        return -epipe;
    if (unix_peer(sk) != &other)
        return -econnreset;
    unix_peer(sk) = nullptr;
    sk.sk_state() = tcp_close;
    unix_dgram_disconnected(ctx, sk, other);
    unix_sock_put(ctx, other);
    return -econnrefused;
}

//! unix_wait_for_peer: sleep until \p other's queue has room, or it dies or
//! is shut for reading. False when \p timeo runs out first.
template <class Ctx>
inline bool unix_wait_for_peer(Ctx& ctx, sock& other, long& timeo) {
    return sk_wait_event(ctx, timeo, [&] {
        return !unix_recvq_full(other) || sock_flag(other, sock_dead) ||
               (other.sk_shutdown & rcv_shutdown);
    });
}

//! unix_dgram_sendmsg: one message, whole or not at all. In 6.18's order: a
//! bad address (EINVAL); EMSGSIZE above sk_sndbuf - 32; the send buffer
//! (EAGAIN, EPIPE after SHUT_WR, a pending error); ENOTCONN without an
//! address or peer; the destination's name; EPERM when
//! it is connected elsewhere; a dead peer: ECONNREFUSED once and the socket
//! is disconnected (EPIPE for seqpacket); EPIPE when it is shut for reading;
//! EAGAIN while its queue holds more than net.unix.max_dgram_qlen, unless it
//! is connected back to us.
template <class Ctx>
long unix_dgram_sendmsg_scm(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, scm_cookie& scm) {
    const int flags = msg.msg_flags;
    if (flags & msg_oob)
        return -eopnotsupp;
    const auto* sunaddr = static_cast<const sockaddr*>(msg.msg_name);
    if (msg.msg_namelen) {
        if (const int err = unix_validate_addr(sunaddr, msg.msg_namelen))
            return err;
    } else {
        sunaddr = nullptr;
    }
    if (const int err = unix_passcred_autobind(ctx, sk))
        return err;
    if (sk.sk_sndbuf < 32 || len > static_cast<std::size_t>(sk.sk_sndbuf - 32))
        return -emsgsize;
    long err = 0;
    sk_buff* skb = unix_alloc_send_skb(ctx, sk, len, detail::unix_dgram_data_len(len),
                                       (flags & msg_dontwait) != 0, &err);
    if (!skb)
        return err;
    unix_scm_to_skb(scm, skb, true);
    if (skb_copy_from_iter(skb, msg.msg_iter, len) < len) {
        // A bad buffer: EFAULT, nothing sent (goto out_free; ignoring the
        // short copy sent stale pool bytes).
        unix_kfree_skb(ctx, skb);
        return -efault;
    }
    // Only now the destination (6.18's order: a full send buffer is EAGAIN
    // and a message too long EMSGSIZE even without one).
    sock* other = nullptr;
    if (!sunaddr) {
        other = unix_peer(sk);
        if (!other) {
            unix_kfree_skb(ctx, skb);
            return -enotconn;
        }
    }
    long timeo = sock_sndtimeo<Ctx>(sk, (flags & msg_dontwait) != 0);
    for (;;) {
        if (!other) {
            int e = 0;
            other = unix_find_other(ctx, sunaddr, msg.msg_namelen, sk.sk_type, &e);
            if (!other) {
                err = e;
                break;
            }
        }
        if (!unix_may_send(sk, *other)) {
            err = -eperm;
            break;
        }
        if (sock_flag(*other, sock_dead)) {
            err = unix_dgram_peer_dead(ctx, sk, *other);
            break;
        }
        if (other->sk_shutdown & rcv_shutdown) {
            err = -epipe;
            break;
        }
        if (other != &sk && unix_peer(*other) != &sk && unix_recvq_full(*other)) {
            err = -eagain;
            if (!timeo)
                break;
            const bool room = unix_wait_for_peer(ctx, *other, timeo);
            if (ctx.signal_pending()) {
                err = sock_intr_errno(timeo);
                break;
            }
            if (!room)
                break;
            other = sunaddr ? nullptr : unix_peer(sk);
            if (!other && !sunaddr) {
                err = -enotconn;
                break;
            }
            err = 0;
            continue;
        }
        maybe_add_creds(ctx, skb, sk, *other);
        scm_stat_add(*other, skb);
        skb_queue_tail(other->sk_receive_queue, skb);
        ctx.sk_data_ready(*other);
        return static_cast<long>(len);
    }
    unix_kfree_skb(ctx, skb);
    return err;
}

//! unix_dgram_sendmsg: scm_send first (a bad control message fails before
//! anything else), then the message; the files go with the skb, or back
//! (scm_destroy) when it is not sent.
template <class Ctx>
long unix_dgram_sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len) {
    scm_cookie scm;
    if (const int err = scm_send(ctx, *sk.sk_socket, msg, scm))
        return err;
    const long ret = unix_dgram_sendmsg_scm(ctx, sk, msg, len, scm);
    scm_destroy(ctx, scm);
    return ret;
}

//! unix_dgram_recvmsg: one message; a pending error first; with a buffer
//! too short the rest is lost and MSG_TRUNC set (MSG_TRUNC in flags returns
//! the whole length); MSG_PEEK honours SO_PEEK_OFF. A seqpacket socket shut
//! for reading reads 0 instead of EAGAIN. The sender's credentials (with
//! SO_PASSCRED) and files follow in msg_control; a peek installs the files
//! as new fds too, and leaves them in the message.
template <class Ctx>
long unix_dgram_recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t size, int flags) {
    if (flags & msg_oob)
        return -eopnotsupp;
    int off = sk_peek_offset(sk, flags);
    int err = 0;
    sk_buff* skb = skb_recv_datagram_from(ctx, sk, sk.sk_receive_queue, flags, &off, &err);
    if (!skb) {
        if (sk.sk_type == sock_seqpacket && err == -eagain && (sk.sk_shutdown & rcv_shutdown))
            err = 0;
        return err;
    }
    if (msg.msg_name) {
        if (skb->sk)
            unix_copy_addr(msg, *skb->sk);
        else
            msg.msg_namelen = 0;
    }
    const std::size_t skip = static_cast<std::size_t>(off);
    const std::size_t avail = skb->msg_len - skip;
    if (size > avail)
        size = avail;
    else if (size < avail)
        msg.msg_flags |= msg_trunc;
    if (skb_copy_to_iter(skb, skip, msg.msg_iter, size) < size) {
        // skb_copy_datagram_msg failed (a bad buffer): EFAULT, the message
        // taken is freed and SO_PEEK_OFF stays (goto out_free).
        if (!(flags & msg_peek))
            unix_kfree_skb(ctx, skb);
        return -efault;
    }
    scm_cookie scm{};
    scm_set_cred(scm, unixcb(skb));
    if (!(flags & msg_peek)) {
        if (unixcb(skb).fp) {
            scm_stat_del(sk, skb);
            unix_detach_fds(scm, skb);
        }
        sk_peek_offset_bwd(sk, static_cast<int>(skb->msg_len));
    } else {
        sk_peek_offset_fwd(sk, static_cast<int>(size));
        if (unixcb(skb).fp)
            unix_peek_fds(scm, skb); // a peek installs the files too
    }
    const long ret = (flags & msg_trunc) ? static_cast<long>(avail) : static_cast<long>(size);
    scm_recv_unix(ctx, *sk.sk_socket, msg, scm);
    if (!(flags & msg_peek))
        unix_kfree_skb(ctx, skb); // skb_free_datagram: the sender's charge goes
    return ret;
}

//! unix_seqpacket_sendmsg: a pending error first (the ECONNRESET of a peer
//! that closed with data unread), taken as every sock_error() takes it,
//! before the control messages, MSG_OOB or SO_PASSCRED's autobind are
//! looked at; ENOTCONN unless ESTABLISHED; any address is ignored; then a
//! datagram to the peer.
template <class Ctx>
long unix_seqpacket_sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len) {
    if (const int err = sock_error(sk))
        return err;
    if (sk.sk_state() != tcp_established)
        return -enotconn;
    msg.msg_namelen = 0;
    return unix_dgram_sendmsg(ctx, sk, msg, len);
}

//! unix_seqpacket_recvmsg: ENOTCONN unless ESTABLISHED.
template <class Ctx>
long unix_seqpacket_recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t size, int flags) {
    if (sk.sk_state() != tcp_established)
        return -enotconn;
    return unix_dgram_recvmsg(ctx, sk, msg, size, flags);
}

} // namespace ksock::unix_domain
