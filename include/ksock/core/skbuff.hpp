// ksock/core/skbuff.hpp: allocating, charging, filling, reading and freeing
// socket buffers (net/core/skbuff.c, net/core/sock.c, net/core/datagram.c)
// over the stack's skb pool.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/platform.hpp>

namespace ksock {

//! alloc_skb for a message of \p len bytes: a chain of pool chunks long
//! enough for it (at least one), msg_len and truesize set, nothing charged.
//! Null when the pool runs out (what was taken goes back).
template <class Ctx>
sk_buff* alloc_skb(Ctx& ctx, std::size_t len) noexcept {
    sk_buff* first = ctx.skb_alloc();
    if (!first)
        return nullptr;
    sk_buff* last = first;
    std::size_t have = first->cap;
    while (have < len) {
        sk_buff* more = ctx.skb_alloc();
        if (!more) {
            for (sk_buff* s = first; s;) {
                sk_buff* n = s->frag_next;
                ctx.skb_free(s);
                s = n;
            }
            return nullptr;
        }
        last->frag_next = more;
        last = more;
        have += more->cap;
    }
    first->msg_len = static_cast<std::uint32_t>(len);
    first->truesize = skb_truesize(static_cast<std::uint32_t>(len));
    return first;
}

//! skb_set_owner_r: charge the skb to \p sk's receive memory.
inline void skb_set_owner_r(sk_buff* skb, sock& sk) noexcept {
    skb->sk = &sk;
    skb->destructor = skb_destructor::sock_rfree;
    sk.sk_rmem_alloc += static_cast<int>(skb->truesize);
}
//! skb_set_owner_w: charge the skb to \p sk's send memory; the sock lives
//! at least as long as the skb (sk_wmem_alloc holds it, as in Linux).
inline void skb_set_owner_w(sk_buff* skb, sock& sk) noexcept {
    skb->sk = &sk;
    skb->destructor = skb_destructor::sock_wfree;
    sk.sk_wmem_alloc += static_cast<int>(skb->truesize);
}
//! skb_orphan: run the destructor now, keep the data.
template <class Ctx>
void skb_orphan(Ctx& ctx, sk_buff* skb) noexcept;

//! sk_wmem_alloc_get: send memory in use (without the bias of 1 that keeps
//! a sock alive).
constexpr int sk_wmem_alloc_get(const sock& sk) noexcept {
    return sk.sk_wmem_alloc - 1;
}
//! sock_writeable: less than half the send buffer in use.
constexpr bool sock_writeable(const sock& sk) noexcept {
    return sk_wmem_alloc_get(sk) < (sk.sk_sndbuf >> 1);
}

//! kfree_skb / consume_skb: undo the charge, then give every chunk back. The
//! sender's write space opens (sk_write_space) when a wfree charge goes; a
//! sock kept alive only by this skb is freed with it.
template <class Ctx>
void kfree_skb(Ctx& ctx, sk_buff* skb) noexcept {
    skb_orphan(ctx, skb);
    for (sk_buff* s = skb; s;) {
        sk_buff* n = s->frag_next;
        ctx.skb_free(s);
        s = n;
    }
}

template <class Ctx>
void skb_orphan(Ctx& ctx, sk_buff* skb) noexcept {
    sock* sk = skb->sk;
    const auto d = skb->destructor;
    skb->sk = nullptr;
    skb->destructor = skb_destructor::none;
    if (!sk)
        return;
    if (d == skb_destructor::sock_rfree) {
        sk->sk_rmem_alloc -= static_cast<int>(skb->truesize);
    } else if (d == skb_destructor::sock_wfree) {
        // sock_wfree: keep one unit until sk_write_space has run.
        sk->sk_wmem_alloc -= static_cast<int>(skb->truesize) - 1;
        if (!sock_flag(*sk, sock_dead))
            ctx.sk_write_space(*sk);
        if (--sk->sk_wmem_alloc == 0)
            ctx.sk_free_any(*sk); // sk_free_final: the last user was this skb
    }
}

//! The chunks of a message cut to its first \p len bytes: the last chunk
//! kept ends the chain, and the chunks past it come back as a chain of
//! their own for the caller to free. Precondition: len <= msg_len.
inline sk_buff* skb_cut_chain(sk_buff* skb, std::uint32_t len) noexcept {
    std::uint32_t left = len;
    sk_buff* s = skb;
    for (;; s = s->frag_next) {
        if (s->len > left)
            s->len = left;
        left -= s->len;
        if (!left || !s->frag_next)
            break;
    }
    sk_buff* rest = s->frag_next;
    s->frag_next = nullptr;
    skb->msg_len = len;
    return rest;
}

//! pskb_trim: cut the message to its first \p len bytes (a frame's link
//! padding after the IP datagram), the chunks past them given back.
//! Precondition: len <= msg_len.
template <class Ctx>
void skb_trim(Ctx& ctx, sk_buff* skb, std::uint32_t len) noexcept {
    sk_buff* rest = skb_cut_chain(skb, len);
    while (rest) {
        sk_buff* n = rest->frag_next;
        ctx.skb_free(rest);
        rest = n;
    }
}

//! skb_queue_purge's loop, out of line: most queues a sock is destroyed
//! with are empty.
template <class Ctx>
KSOCK_NOINLINE void skb_queue_purge_all(Ctx& ctx, sk_buff_head& q) noexcept {
    while (sk_buff* skb = skb_dequeue(q))
        kfree_skb(ctx, skb);
}
//! skb_queue_purge: free every skb of \p q (an empty queue costs a test).
template <class Ctx>
KSOCK_ALWAYS_INLINE inline void skb_queue_purge(Ctx& ctx, sk_buff_head& q) noexcept {
    if (!skb_queue_empty(q))
        skb_queue_purge_all(ctx, q);
}

//! skb_copy_datagram_from_iter: fill the message with \p len bytes from the
//! caller, chunk by chunk. Returns the count copied.
inline std::size_t skb_copy_from_iter(sk_buff* skb, iov_iter& from, std::size_t len) noexcept {
    std::size_t done = 0;
    for (sk_buff* s = skb; s && done < len; s = s->frag_next) {
        const std::size_t want = len - done < s->cap ? len - done : s->cap;
        const std::size_t got = from.copy_from(s->head, want);
        s->len = static_cast<std::uint32_t>(got);
        done += got;
        if (got < want)
            break;
    }
    return done;
}

//! skb_copy_datagram_iter: copy \p len bytes of the message from \p offset
//! out to the caller. Returns the count copied.
inline std::size_t skb_copy_to_iter(const sk_buff* skb, std::size_t offset, iov_iter& to,
                                    std::size_t len) noexcept {
    return skb_walk(skb, offset, len,
                    [&](const unsigned char* p, std::size_t k) { return to.copy_to(p, k); });
}

//! Copy \p len bytes from plain memory into a message (kernel-made skbs:
//! ICMP replies, TCP control data).
inline void skb_put_data(sk_buff* skb, const void* data, std::size_t len) noexcept {
    const auto* p = static_cast<const unsigned char*>(data);
    for (sk_buff* s = skb; s && len; s = s->frag_next) {
        const std::size_t k = len < s->cap ? len : s->cap;
        std::memcpy(s->head, p, k);
        s->len = static_cast<std::uint32_t>(k);
        p += k;
        len -= k;
    }
}

} // namespace ksock
