// ksock/unix/unix_scm.hpp: ancillary data on PF_UNIX (net/unix/af_unix.c,
// net/unix/garbage.c): UNIXCB(skb) (the files and credentials a message
// carries), attaching and detaching them, adding the sender's credentials
// when either end has SO_PASSCRED, freeing an skb with its files, the peer
// credentials of SO_PEERCRED, and unix_gc.
//
// unix_gc, ksock's way: Linux keeps a graph of in-flight unix sockets up to
// date on every send and receive and runs Tarjan's algorithm over it from a
// work queue. ksock's pools are small and bounded, so it recounts instead,
// with the older mark-and-sweep of net/unix/garbage.c (before 6.10), each
// time the stack drops a file reference while files are in flight:
//   1. count, for every unix sock, the references to its file held by skbs
//      queued anywhere (inflight);
//   2. a sock whose file has no other reference (f_count == inflight) is a
//      candidate;
//   3. references held by the queues of candidates are discounted (for a
//      listener: the queues of the embryos waiting in it);
//   4. a candidate still referenced from outside (inflight > 0) is alive, and
//      so is every candidate in flight in its queues, transitively;
//   5. the candidates left are reachable by no fd and no live queue: their
//      queues (a listener's: its embryos' queues) are emptied, which puts
//      the files they carried, which releases the sockets (a cycle such as a
//      socket sent over itself, or two sockets sent to each other, goes).
// The stack runs it from its outermost fput, where every release is already
// deferred (see stack::fput), so collecting never recurses.
#pragma once

#include <cstdint>

#include <ksock/core/scm.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/unix/unix_bind.hpp>
#include <ksock/unix/unix_common.hpp>

namespace ksock::unix_domain {

//! struct unix_skb_parms, UNIXCB(skb): who sent it (pid 0: not recorded)
//! and the files it carries.
struct unix_skb_parms {
    scm_fp_list* fp; //!< the files it carries (SCM_RIGHTS), or null
    int pid;         //!< the sender's pid, 0 when not recorded
    uid_t uid;       //!< the sender's uid
    gid_t gid;       //!< the sender's gid
};

//! UNIXCB(skb): the unix control block in skb->cb.
inline unix_skb_parms& unixcb(sk_buff* skb) noexcept {
    return skb_cb<unix_skb_parms>(*skb);
}

//! init_peercred: the calling task's pid and effective ids, for SO_PEERCRED.
template <class Ctx>
void init_peercred(Ctx& ctx, sock& sk) {
    sk.sk_peer_pid = ctx.current_pid();
    sk.sk_peer_cred = {ctx.current_cred().euid, ctx.current_cred().egid};
}
//! copy_peercred: \p sk's peer credentials are \p peersk's own.
inline void copy_peercred(sock& sk, const sock& peersk) noexcept {
    sk.sk_peer_pid = peersk.sk_peer_pid;
    sk.sk_peer_cred = peersk.sk_peer_cred;
}

//! unix_scm_to_skb: the credentials the send parsed (none unless
//! SCM_CREDENTIALS), and the files when \p send_fds (a stream sends them
//! with its first skb only): the list moves from the cookie to the skb.
inline void unix_scm_to_skb(scm_cookie& scm, sk_buff* skb, bool send_fds) noexcept {
    unix_skb_parms& cb = unixcb(skb);
    cb.pid = scm.pid;
    cb.uid = scm.uid;
    cb.gid = scm.gid;
    cb.fp = nullptr;
    if (scm.fp && send_fds) {
        cb.fp = scm.fp;
        scm.fp = nullptr;
    }
}

//! maybe_add_creds: unless the sender gave its own, the calling task's pid
//! and real ids when the sending or the receiving socket has SO_PASSCRED
//! (or SO_PASSPIDFD), or the receiver has no socket yet (an embryo).
template <class Ctx>
void maybe_add_creds(Ctx& ctx, sk_buff* skb, const sock& sk, const sock& other) {
    unix_skb_parms& cb = unixcb(skb);
    if (cb.pid)
        return;
    if (unix_may_passcred(sk) || !other.sk_socket || unix_may_passcred(other)) {
        cb.pid = ctx.current_pid();
        cb.uid = ctx.current_cred().uid;
        cb.gid = ctx.current_cred().gid;
    }
}

//! scm_stat_add / scm_stat_del: the fds queued to a sock.
//!@{
inline void scm_stat_add(sock& sk, sk_buff* skb) noexcept {
    if (const scm_fp_list* fp = unixcb(skb).fp)
        unix_sk(&sk)->scm_stat_nr_fds += fp->count;
}
inline void scm_stat_del(sock& sk, sk_buff* skb) noexcept {
    if (const scm_fp_list* fp = unixcb(skb).fp)
        unix_sk(&sk)->scm_stat_nr_fds -= fp->count;
}
//!@}

//! scm_set_cred: what the receive reports (unix_dgram_recvmsg and
//! unix_stream_read_generic take them from UNIXCB).
inline void scm_set_cred(scm_cookie& scm, const unix_skb_parms& cb) noexcept {
    scm.pid = cb.pid;
    scm.uid = cb.uid;
    scm.gid = cb.gid;
}

//! unix_skb_scm_eq: the same writer (a stream read with SO_PASSCRED never
//! glues skbs of different writers).
inline bool unix_skb_scm_eq(sk_buff* skb, const scm_cookie& scm) noexcept {
    const unix_skb_parms& cb = unixcb(skb);
    return cb.pid == scm.pid && cb.uid == scm.uid && cb.gid == scm.gid;
}

//! unix_detach_fds: the files move from the skb to the receive.
inline void unix_detach_fds(scm_cookie& scm, sk_buff* skb) noexcept {
    scm.fp = unixcb(skb).fp;
    scm.fp_borrowed = false;
    unixcb(skb).fp = nullptr;
}
//! unix_peek_fds: a peek installs the files too but leaves them in the skb
//! (Linux hands the receive a copy of the list; ksock lends it the skb's,
//! so a peek needs no second list and cannot fail for want of one).
inline void unix_peek_fds(scm_cookie& scm, sk_buff* skb) noexcept {
    scm.fp = unixcb(skb).fp;
    scm.fp_borrowed = true;
}

//! kfree_skb with unix_destruct_scm: the files the skb still carries are put.
template <class Ctx>
void unix_kfree_skb(Ctx& ctx, sk_buff* skb) {
    if (unixcb(skb).fp) {
        scm_cookie scm{};
        unix_detach_fds(scm, skb);
        scm_destroy(ctx, scm);
    }
    kfree_skb(ctx, skb);
}

//! skb_queue_purge for a unix queue: every skb, with its files.
template <class Ctx>
void unix_skb_queue_purge(Ctx& ctx, sk_buff_head& q) {
    while (sk_buff* skb = skb_dequeue(q))
        unix_kfree_skb(ctx, skb);
}

namespace detail {

inline unix_sock* unix_sock_of_file(ksock::file* f) noexcept {
    return ksock::detail::file_is_unix_socket(*f)
               ? unix_sk(static_cast<ksock::socket*>(f->private_data)->sk)
               : nullptr;
}

//! f(unix_sock&) for every unix socket file in flight in \p q.
template <class F>
void for_each_queued_unix_file(sk_buff_head& q, F&& f) {
    for (sk_buff* skb = skb_peek(q); skb; skb = skb_peek_next(skb, q))
        if (scm_fp_list* fpl = unixcb(skb).fp; fpl && fpl->count_unix)
            for (short i = 0; i < fpl->count; ++i)
                if (unix_sock* c = unix_sock_of_file(fpl->fp[i]))
                    f(*c);
}

//! The same over what collecting \p u would free: its own queue, or for a
//! listener the queues of the embryos waiting in it.
template <class F>
void for_each_gc_child(unix_sock& u, F&& f) {
    sk_buff_head& q = u.sk.sk_receive_queue;
    if (u.sk.sk_state() != tcp_listen) {
        for_each_queued_unix_file(q, f);
        return;
    }
    for (sk_buff* skb = skb_peek(q); skb; skb = skb_peek_next(skb, q))
        if (skb->sk)
            for_each_queued_unix_file(skb->sk->sk_receive_queue, f);
}

//! Move every skb of \p from to the end of \p to.
inline void skb_queue_splice_tail_init(sk_buff_head& from, sk_buff_head& to) noexcept {
    while (sk_buff* skb = skb_dequeue(from))
        skb_queue_tail(to, skb);
}

} // namespace detail

//! unix_gc (see the top of this file). True when it freed something.
template <class Ctx>
bool unix_gc(Ctx& ctx) {
    unix_for_each(ctx, [](unix_sock& u) {
        u.inflight = 0;
        u.gc_candidate = false;
    });
    unix_for_each(ctx, [](unix_sock& u) {
        detail::for_each_queued_unix_file(u.sk.sk_receive_queue,
                                          [](unix_sock& c) { ++c.inflight; });
    });
    bool any = false;
    unix_for_each(ctx, [&](unix_sock& u) {
        const ksock::file* f = u.sk.sk_socket ? u.sk.sk_socket->file : nullptr;
        if (f && u.inflight && static_cast<unsigned long>(f->f_count) == u.inflight)
            u.gc_candidate = any = true;
    });
    if (!any)
        return false;
    unix_for_each(ctx, [](unix_sock& u) {
        if (u.gc_candidate)
            detail::for_each_gc_child(u, [](unix_sock& c) {
                if (c.gc_candidate)
                    --c.inflight;
            });
    });
    for (bool changed = true; changed;) {
        changed = false;
        unix_for_each(ctx, [&](unix_sock& u) {
            if (!u.gc_candidate || !u.inflight)
                return;
            u.gc_candidate = false;
            changed = true;
            detail::for_each_gc_child(u, [](unix_sock& c) {
                if (c.gc_candidate)
                    ++c.inflight;
            });
        });
    }
    sk_buff_head hitlist;
    skb_queue_head_init(hitlist);
    unix_for_each(ctx, [&](unix_sock& u) {
        if (!u.gc_candidate)
            return;
        u.gc_candidate = false;
        sk_buff_head& q = u.sk.sk_receive_queue;
        if (u.sk.sk_state() == tcp_listen) {
            for (sk_buff* skb = skb_peek(q); skb; skb = skb_peek_next(skb, q))
                if (skb->sk) {
                    unix_sk(skb->sk)->oob_skb = nullptr;
                    detail::skb_queue_splice_tail_init(skb->sk->sk_receive_queue, hitlist);
                }
        } else {
            u.oob_skb = nullptr;
            detail::skb_queue_splice_tail_init(q, hitlist);
        }
    });
    const bool collected = !skb_queue_empty(hitlist);
    while (sk_buff* skb = skb_dequeue(hitlist))
        unix_kfree_skb(ctx, skb);
    return collected;
}

//! The protos' collection hook: the stack calls it while files are in flight.
template <class Ctx>
bool detail::unix_proto_base::gc(Ctx& ctx) {
    return unix_gc(ctx);
}

} // namespace ksock::unix_domain
