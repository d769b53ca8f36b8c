// ksock/unix/unix_stream.hpp: connection-oriented PF_UNIX (SOCK_STREAM and
// SOCK_SEQPACKET; net/unix/af_unix.c): unix_listen, unix_stream_connect,
// unix_accept, unix_stream_sendmsg, unix_stream_recvmsg.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/unix_bind.hpp>
#include <ksock/unix/unix_common.hpp>
#include <ksock/unix/unix_release.hpp>
#include <ksock/unix/unix_scm.hpp>

namespace ksock::unix_domain {

//! unix_listen: only a bound socket listens (EINVAL), and only from CLOSE
//! or LISTEN (a connected one: EINVAL); the backlog becomes
//! sk_max_ack_backlog (the queue is full beyond it, see unix_recvq_full).
//! The caller's credentials become the listener's SO_PEERCRED, which each
//! connecting socket copies (update_peercred).
template <class Ctx>
int unix_listen(Ctx& ctx, sock& sk, int backlog) {
    if (!unix_sk(&sk)->addr)
        return -einval;
    if (sk.sk_state() != tcp_close && sk.sk_state() != tcp_listen)
        return -einval;
    sk.sk_max_ack_backlog = static_cast<std::uint32_t>(backlog);
    sk.sk_state() = tcp_listen;
    init_peercred(ctx, sk);
    return 0;
}

//! unix_stream_connect, in Linux's order: the address checked (and an
//! autobind with SO_PASSCRED); the server
//! end (a new sock, counted in sock_inuse) and the one-byte skb that carries
//! it to the listener allocated (ENOMEM, ENOBUFS); the listener found (its
//! name's errors), listening (ECONNREFUSED), with room in its backlog
//! (EAGAIN without a timeout); only then our own state (EISCONN when
//! connected, EINVAL when listening). Both ends are ESTABLISHED at once: the
//! connection exists before accept.
template <class P, class Ctx>
int unix_stream_connect(Ctx& ctx, ksock::socket& so, const sockaddr* addr, int addr_len,
                        int flags) {
    sock& sk = *so.sk;
    if (const int err = unix_validate_addr(addr, addr_len))
        return err;
    if (const int err = unix_passcred_autobind(ctx, sk))
        return err;
    long timeo = sock_sndtimeo<Ctx>(sk, (flags & o_nonblock) != 0);
    sock* newsk = unix_create1<P>(ctx, sk.sk_type);
    if (!newsk)
        return -enomem;
    sk_buff* skb = alloc_skb(ctx, 1); // sock_wmalloc(newsk, 1, ...)
    int err = 0;
    if (!skb) {
        err = -enobufs;
    } else {
        skb->msg_len = 0; // carries the sock, no data
        skb->truesize = detail::unix_truesize(1, 0);
        skb_set_owner_w(skb, *newsk);
    }
    sock* other = nullptr;
    while (!err) {
        other = unix_find_other(ctx, addr, addr_len, sk.sk_type, &err);
        if (!other)
            break;
        if (other->sk_state() != tcp_listen || (other->sk_shutdown & rcv_shutdown)) {
            err = -econnrefused;
            break;
        }
        if (unix_recvq_full(*other)) {
            err = -eagain;
            if (!timeo)
                break;
            const bool room = sk_wait_event(ctx, timeo, [&] {
                return !unix_recvq_full(*other) || other->sk_state() != tcp_listen;
            });
            if (ctx.signal_pending()) {
                err = sock_intr_errno(timeo);
                break;
            }
            if (!room)
                break;
            err = 0;
            continue; // restart: look the name up again
        }
        const std::uint8_t st = sk.sk_state();
        if (st != tcp_close) {
            err = st == tcp_established ? -eisconn : -einval;
            break;
        }
        break;
    }
    if (err) {
        if (skb)
            kfree_skb(ctx, skb);
        unix_release_sock(ctx, *newsk, false);
        return err;
    }
    // The server end: connected to us, named as the listener, not hashed.
    unix_sock* newu = unix_sk(newsk);
    newsk->sk_state() = tcp_established;
    newu->listener = other;
    if (const unix_address* la = unix_sk(other)->addr) {
        newu->addr_store = *la;
        newu->addr = &newu->addr_store;
    }
    sock_hold(sk);
    unix_peer(*newsk) = &sk;
    init_peercred(ctx, *newsk); // the server end's peer: us
    copy_peercred(sk, *other);  // ours: the listener's, as at listen()
    so.state = ss_connected;
    sk.sk_state() = tcp_established;
    sock_hold(*newsk);
    unix_peer(sk) = newsk;
    skb_queue_tail(other->sk_receive_queue, skb);
    ctx.sk_data_ready(*other);
    return 0;
}

//! sock_graft: \p sk becomes \p so's sock.
inline void unix_sock_graft(sock& sk, ksock::socket& so) noexcept {
    sk.sk_wq = &so.wq;
    so.sk = &sk;
    sk.sk_socket = &so;
    const inode* ino = SOCK_INODE(&so);
    sk.sk_ino = ino->i_ino;
    sk.sk_uid = ino->i_uid;
}

//! unix_accept: EINVAL unless listening; the first waiting connection (EAGAIN
//! when none and the listener's file is non-blocking, or the stack cannot
//! block); its server end is grafted onto \p newsock, connected.
template <class Ctx>
int unix_accept(Ctx& ctx, ksock::socket& so, ksock::socket& newsock, int flags) {
    sock& sk = *so.sk;
    if (sk.sk_state() != tcp_listen)
        return -einval;
    int err = 0;
    sk_buff* skb = skb_recv_datagram(ctx, sk, (flags & o_nonblock) ? msg_dontwait : 0, &err);
    if (!skb) {
        // No skb and no error: the listener was shut for reading (Linux:
        // "This means receive shutdown", EINVAL). Returning 0 handed out a
        // socket with no sock.
        return err ? err : -einval;
    }
    sock& tsk = *skb->sk;
    kfree_skb(ctx, skb); // skb_free_datagram: the embryo's charge goes
    newsock.state = ss_connected;
    unix_sock_graft(tsk, newsock);
    return 0;
}

namespace detail {
//! unix_stream_sendmsg's size choice: at most half the send buffer less 64
//! ("keep two messages in the pipe") and one head page plus 32 KiB of page
//! frags; the part beyond the head page goes to frags (whole pages).
constexpr std::size_t unix_stream_chunk(std::size_t left, int sndbuf,
                                        std::uint32_t* data_len) noexcept {
    long size = left > 0x7fffffffUL ? 0x7fffffffL : static_cast<long>(left);
    const long half = static_cast<long>(sndbuf >> 1) - 64;
    if (size > half)
        size = half;
    if (size > static_cast<long>(skb_max_head + unix_skb_frags_sz))
        size = static_cast<long>(skb_max_head + unix_skb_frags_sz);
    if (size < 0)
        size = 0;
    const auto s = static_cast<std::uint32_t>(size);
    const std::uint32_t over = s > skb_max_head ? s - skb_max_head : 0;
    const std::uint32_t aligned = page_align(over);
    *data_len = s < aligned ? s : aligned;
    return s;
}
} // namespace detail

//! queue_oob: one byte in an skb of its own, which becomes the receiver's
//! oob_skb (a previous one turns into ordinary data).
template <class Ctx>
long queue_oob(Ctx& ctx, sock& sk, kmsghdr& msg, sock& other, scm_cookie& scm, bool fds_sent) {
    long err = 0;
    sk_buff* skb = unix_alloc_send_skb(ctx, sk, 1, 0, (msg.msg_flags & msg_dontwait) != 0, &err);
    if (!skb)
        return err;
    unix_scm_to_skb(scm, skb, !fds_sent);
    if (skb_copy_from_iter(skb, msg.msg_iter, 1) < 1) {
        // A bad buffer: EFAULT, the skb goes unsent (Linux checks
        // skb_copy_datagram_from_iter's result; ignoring it sent stale bytes).
        unix_kfree_skb(ctx, skb);
        return -efault;
    }
    if (sock_flag(other, sock_dead) || (other.sk_shutdown & rcv_shutdown)) {
        unix_kfree_skb(ctx, skb);
        return -epipe;
    }
    maybe_add_creds(ctx, skb, sk, other);
    scm_stat_add(other, skb);
    unix_sock* ou = unix_sk(&other);
    ou->oob_skb = skb;
    ou->inq_len += 1;
    skb_queue_tail(other.sk_receive_queue, skb);
    ctx.sk_data_ready(other);
    return 0;
}

//! unix_stream_sendmsg: the byte stream, cut into skbs as Linux cuts it and
//! charged to the sender until read; an address is EISCONN (connected) or
//! EOPNOTSUPP; ENOTCONN without a peer; EPIPE once either side shut the
//! direction (what was sent before counts). With MSG_OOB the last byte goes
//! on its own as the out-of-band byte (queue_oob); an empty MSG_OOB send is
//! EOPNOTSUPP. Control messages are parsed first (scm_send); the files go
//! with the first skb only, the credentials with every one.
template <class Ctx>
long unix_stream_sendmsg_scm(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t len,
                             scm_cookie& scm) {
    sock& sk = *so.sk;
    const int flags = msg.msg_flags;
    if (flags & msg_oob) {
        if (!len)
            return -eopnotsupp;
        --len;
    }
    if (msg.msg_namelen)
        return sk.sk_state() == tcp_established ? -eisconn : -eopnotsupp;
    sock* other = unix_peer(sk);
    if (!other)
        return -enotconn;
    if (sk.sk_shutdown & send_shutdown)
        return -epipe;
    std::size_t sent = 0;
    long err = 0;
    bool fds_sent = false;
    while (sent < len) {
        std::uint32_t data_len = 0;
        const std::size_t size = detail::unix_stream_chunk(len - sent, sk.sk_sndbuf, &data_len);
        sk_buff* skb =
            unix_alloc_send_skb(ctx, sk, size, data_len, (flags & msg_dontwait) != 0, &err);
        if (!skb)
            break;
        unix_scm_to_skb(scm, skb, !fds_sent);
        fds_sent = true;
        if (skb_copy_from_iter(skb, msg.msg_iter, size) < size) {
            // A bad buffer: EFAULT, or what earlier skbs sent; this skb goes
            // unsent (ignoring the short copy sent stale pool bytes).
            unix_kfree_skb(ctx, skb);
            err = -efault;
            break;
        }
        if (sock_flag(*other, sock_dead) || (other->sk_shutdown & rcv_shutdown)) {
            unix_kfree_skb(ctx, skb);
            err = -epipe;
            break;
        }
        maybe_add_creds(ctx, skb, sk, *other);
        scm_stat_add(*other, skb);
        unix_sk(other)->inq_len += static_cast<int>(size);
        skb_queue_tail(other->sk_receive_queue, skb);
        ctx.sk_data_ready(*other);
        sent += size;
    }
    if (!err && (flags & msg_oob)) {
        err = queue_oob(ctx, sk, msg, *other, scm, fds_sent);
        if (!err)
            ++sent;
    }
    return sent ? static_cast<long>(sent) : err;
}

//! unix_stream_sendmsg: queue \p len bytes of \p msg to the peer, in skbs
//! sized by the send buffer (unix_stream_chunk); bytes sent or -errno.
template <class Ctx>
long unix_stream_sendmsg(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t len) {
    scm_cookie scm;
    if (const int err = scm_send(ctx, so, msg, scm))
        return err;
    const long ret = unix_stream_sendmsg_scm(ctx, so, msg, len, scm);
    scm_destroy(ctx, scm); // files no skb took (an empty send, an error)
    return ret;
}

//! manage_oob: what a read meets at \p skb. A read stops at the
//! out-of-band mark once it has data; a fully read skb (left by a MSG_OOB
//! read) is dropped; the out-of-band byte itself is skipped and dropped
//! (kept and read as data with SO_OOBINLINE) and the mark cleared. Null:
//! stop here.
template <class Ctx>
sk_buff* manage_oob(Ctx& ctx, sk_buff* skb, sock& sk, int flags, std::size_t copied) {
    unix_sock* u = unix_sk(&sk);
    if (skb->remaining() && skb != u->oob_skb)
        return skb;
    sk_buff* read_skb = nullptr;
    sk_buff* unread_skb = nullptr;
    if (!skb->remaining()) {
        if (copied && (!u->oob_skb || skb == u->oob_skb)) {
            skb = nullptr;
        } else if (flags & msg_peek) {
            skb = skb_peek_next(skb, sk.sk_receive_queue);
        } else {
            read_skb = skb;
            skb = skb_peek_next(skb, sk.sk_receive_queue);
            skb_unlink(read_skb, sk.sk_receive_queue);
        }
    }
    if (skb && skb == u->oob_skb) {
        if (copied) {
            skb = nullptr;
        } else if (!(flags & msg_peek)) {
            u->oob_skb = nullptr;
            if (!sock_flag(sk, sock_urginline)) {
                skb_unlink(skb, sk.sk_receive_queue);
                unread_skb = skb;
                skb = skb_peek(sk.sk_receive_queue);
            }
        } else if (!sock_flag(sk, sock_urginline)) {
            skb = skb_peek_next(skb, sk.sk_receive_queue);
        }
    }
    if (read_skb)
        unix_kfree_skb(ctx, read_skb);
    if (unread_skb)
        unix_kfree_skb(ctx, unread_skb);
    return skb;
}

//! unix_stream_recv_urg: the out-of-band byte (EINVAL when none, or with
//! SO_OOBINLINE); it stays queued, read, until a normal read passes it.
template <class Ctx>
long unix_stream_recv_urg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t size, int flags) {
    unix_sock* u = unix_sk(&sk);
    sk_buff* oob = u->oob_skb;
    if (sock_flag(sk, sock_urginline) || !oob)
        return -einval;
    sk_buff* read_skb = nullptr;
    if (!(flags & msg_peek)) {
        u->oob_skb = nullptr;
        u->inq_len -= 1; // the byte leaves the count now; its skb stays queued
        if (oob->prev != skb_queue_marker(sk.sk_receive_queue) && !oob->prev->remaining()) {
            read_skb = oob->prev;
            skb_unlink(read_skb, sk.sk_receive_queue);
        }
    }
    // One byte, or none into an empty buffer: the call still returns 1.
    const bool fault =
        skb_copy_to_iter(oob, oob->consumed, msg.msg_iter, size ? 1 : 0) < (size ? 1u : 0u);
    if (!(flags & msg_peek))
        oob->consumed += 1;
    if (read_skb)
        unix_kfree_skb(ctx, read_skb);
    // A bad buffer: the byte is taken all the same, the call is EFAULT
    // (unix_stream_recv_urg checks the actor's result last).
    if (fault)
        return -efault;
    msg.msg_flags |= msg_oob;
    return 1;
}

//! unix_stream_read_generic's state: Linux's struct unix_stream_read_state
//! (the request) and the locals its steps share (what the read has got).
//! The scm_cookie stays apart: its address goes to calls that are not
//! inlined, and a struct holding it would live in memory as a whole.
struct unix_stream_read_state {
    sock& sk;           //!< the sock read
    kmsghdr& msg;       //!< the caller's message
    std::size_t size;   //!< what the buffer still takes
    int flags;          //!< the recvmsg flags
    std::size_t target; //!< sock_rcvlowat: what the read waits for
    long timeo;         //!< how long the read may wait (sock_rcvtimeo)
    //! Linux's skip: what a peek passes over before it reads, SO_PEEK_OFF
    //! at first, less every skb it walked past (which a peek that waited
    //! does not take back), 0 once it goes on to the next skb. A read: 0.
    std::size_t skip;
    std::size_t copied = 0; //!< bytes copied so far
    long err = 0;           //!< the error to report when nothing was copied
    //! A peek that read an skb goes on with the next one (Linux's
    //! `goto again`), whatever room the buffer has left; else null.
    sk_buff* again = nullptr;
    bool addr_done = false;   //!< the sender's address is written
    bool check_creds = false; //!< creds taken from the first skb: later ones must match
};

namespace detail {
//! sock_rcvlowat (include/net/sock.h): a read waits for the whole length
//! with MSG_WAITALL, else for SO_RCVLOWAT bytes (at most the length), and
//! for at least one byte.
inline std::size_t sock_rcvlowat(const sock& sk, bool waitall, std::size_t len) noexcept {
    const std::size_t low = sk.sk_rcvlowat > 0 ? static_cast<std::size_t>(sk.sk_rcvlowat) : 0;
    const std::size_t target = waitall ? len : (low < len ? low : len);
    return target ? target : 1;
}
} // namespace detail

//! The `redo:` / `again:` part of unix_stream_read_generic: the skb the read
//! goes on from, and st.skip of it already seen. A read starts at the head
//! (`redo:`), a peek that read an skb at the next one (`again:`); manage_oob
//! looks at that skb only, then SO_PEEK_OFF's skip walks past whole skbs,
//! the out-of-band one too, as Linux's walk does. Null with \p at_mark
//! set: the read has data and stops at the out-of-band mark; null
//! otherwise: nothing (more) to read.
template <class Ctx>
inline sk_buff* unix_stream_skb_at(Ctx& ctx, unix_stream_read_state& st, bool& at_mark) {
    sock& sk = st.sk;
    sk_buff* skb = st.again ? st.again : skb_peek(sk.sk_receive_queue);
    st.again = nullptr;
    if (skb) {
        skb = manage_oob(ctx, skb, sk, st.flags, st.copied);
        if (!skb && st.copied) {
            at_mark = true;
            return nullptr;
        }
    }
    while (skb && st.skip >= skb->remaining()) {
        st.skip -= skb->remaining();
        skb = skb_peek_next(skb, sk.sk_receive_queue);
    }
    return skb;
}

//! Nothing to read: the checks POSIX 1003.1g orders (enough copied, a
//! pending error, shut for reading, no time to wait), then
//! unix_stream_data_wait until the queue, the error or the shutdown
//! changes. True: look again; false: the read ends (with st.err).
template <class Ctx>
inline bool unix_stream_data_wait(Ctx& ctx, unix_stream_read_state& st) {
    sock& sk = st.sk;
    if (st.copied >= st.target)
        return false;
    if (const int e = sock_error(sk)) {
        st.err = e;
        return false;
    }
    if (sk.sk_shutdown & rcv_shutdown)
        return false;
    if (!st.timeo) {
        st.err = -eagain;
        return false;
    }
    const std::uint32_t qlen = skb_queue_len(sk.sk_receive_queue);
    const bool more = sk_wait_event(ctx, st.timeo, [&] {
        return skb_queue_len(sk.sk_receive_queue) != qlen || sk.sk_err ||
               (sk.sk_shutdown & rcv_shutdown);
    });
    // As unix_stream_read_generic: a signal ends the read even when data
    // came with it (the bytes read so far are returned, else EINTR).
    if (ctx.signal_pending()) {
        st.err = sock_intr_errno(st.timeo);
        return false;
    }
    if (!more) {
        st.err = -eagain;
        return false;
    }
    return true;
}

//! The sender's credentials (SO_PASSCRED) and name, taken from the first
//! skb a read meets. False: \p skb is another writer's, and the read ends
//! before it (never glue messages from different writers).
inline bool unix_stream_read_scm(unix_stream_read_state& st, scm_cookie& scm,
                                 sk_buff* skb) noexcept {
    if (st.check_creds) {
        if (!unix_skb_scm_eq(skb, scm))
            return false;
    } else if (unix_may_passcred(st.sk)) {
        scm_set_cred(scm, unixcb(skb));
        st.check_creds = true;
    }
    if (st.msg.msg_name && !st.addr_done) { // copy the address just once
        if (skb->sk)
            unix_copy_addr(st.msg, *skb->sk);
        st.addr_done = true;
    }
    return true;
}

//! Mark read part of skb as used: a read consumes the chunk (the files come
//! with the first bytes) and frees the skb once it is empty; a peek moves
//! SO_PEEK_OFF on (and installs the files too) and goes on to the next skb
//! even when the buffer is full: a peek of 0 bytes, or one that filled
//! its buffer, still meets what comes next (the files of the next skb, the
//! out-of-band mark). False: the read ends after this skb (data left in it,
//! files taken, or a peek at the queue's end).
template <class Ctx>
inline bool unix_stream_mark_read(Ctx& ctx, unix_stream_read_state& st, scm_cookie& scm,
                                  sk_buff* skb, std::size_t chunk) {
    sock& sk = st.sk;
    if (!(st.flags & msg_peek)) {
        skb->consumed += static_cast<std::uint32_t>(chunk);
        sk_peek_offset_bwd(sk, static_cast<int>(chunk));
        if (unixcb(skb).fp) {
            scm_stat_del(sk, skb);
            unix_detach_fds(scm, skb); // with the first bytes read
        }
        // What was read leaves SIOCINQ's count at once, a partial read too
        // (6.18 stable: "af_unix: Fix inq_len update problem in partial read").
        unix_sk(&sk)->inq_len -= static_cast<int>(chunk);
        if (skb->remaining())
            return false;
        skb_unlink(skb, sk.sk_receive_queue);
        unix_kfree_skb(ctx, skb); // consume_skb: the sender's charge goes
        return !scm.fp;
    }
    if (unixcb(skb).fp)
        unix_peek_fds(scm, skb);
    sk_peek_offset_fwd(sk, static_cast<int>(chunk));
    if (unixcb(skb).fp)
        return false;
    st.skip = 0;
    st.again = skb_peek_next(skb, sk.sk_receive_queue);
    return st.again != nullptr; // a peek does not wait for more
}

//! unix_stream_read_generic for recvmsg: EINVAL unless ESTABLISHED; reads
//! across skbs until the buffer is full or the queue empty; waits (MSG_WAITALL:
//! for the whole length, else SO_RCVLOWAT) as the timeout allows; a pending
//! error (ECONNRESET from a peer that left data unread) is reported only
//! when nothing is queued; 0 at end of stream. MSG_PEEK reads from
//! SO_PEEK_OFF and moves it forward. A read ends after an skb that carried
//! files (they come with it, in msg_control; a peek installs them too), and
//! with SO_PASSCRED never glues skbs of different writers.
template <class Ctx>
long unix_stream_recvmsg(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t size, int flags) {
    sock& sk = *so.sk;
    if (sk.sk_state() != tcp_established)
        return -einval;
    if (flags & msg_oob)
        return unix_stream_recv_urg(ctx, sk, msg, size, flags);
    const int peek_off = sk_peek_offset(sk, flags);
    unix_stream_read_state st{sk,
                              msg,
                              size,
                              flags,
                              detail::sock_rcvlowat(sk, (flags & msg_waitall) != 0, size),
                              sock_rcvtimeo<Ctx>(sk, (flags & msg_dontwait) != 0),
                              static_cast<std::size_t>(peek_off > 0 ? peek_off : 0)};
    scm_cookie scm{}; // memset: a read that meets no skb reports {0, 0, 0}
    for (;;) {
        bool at_mark = false;
        sk_buff* skb = unix_stream_skb_at(ctx, st, at_mark);
        if (at_mark)
            break;
        if (!skb) {
            if (unix_stream_data_wait(ctx, st))
                continue; // `goto redo`
            break;
        }
        if (!unix_stream_read_scm(st, scm, skb))
            break;
        const std::size_t left = skb->remaining() - st.skip;
        const std::size_t chunk = left < st.size ? left : st.size;
        if (skb_copy_to_iter(skb, skb->consumed + st.skip, msg.msg_iter, chunk) < chunk) {
            // unix_stream_read_actor failed (a bad buffer): the read ends
            // with what earlier skbs gave, EFAULT when none; this skb stays
            // unread. (Going on, a peek met the same bytes for ever.)
            st.err = -efault;
            break;
        }
        st.copied += chunk;
        st.size -= chunk;
        if (!unix_stream_mark_read(ctx, st, scm, skb, chunk))
            break;
        // `while (size)`: only a read comes back here; a peek goes `again`.
        if (!st.again && !st.size)
            break;
    }
    scm_recv_unix(ctx, so, msg, scm);
    return st.copied ? static_cast<long>(st.copied) : st.err;
}

} // namespace ksock::unix_domain
