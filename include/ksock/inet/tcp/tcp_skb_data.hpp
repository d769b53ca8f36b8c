// ksock/inet/tcp/tcp_skb_data.hpp: the bytes of a segment in the write
// queue, held in a chain of pool chunks.
//
// A write-queue skb is one segment, as Linux's is without TSO; its bytes
// sit in the skb's own chunk and, when a segment is longer than a chunk
// (lo's MSS of 65 483 bytes against a pool chunk of Config::skb_data_size),
// in chunks linked through frag_next. skb->msg_len is the segment's length
// (end_seq - seq without a FIN), skb->len that of the first chunk only, and
// skb->truesize the charge of the whole chain: one skb_truesize(cap) per
// chunk, so a chunk that goes takes exactly its share with it.
//
// The bytes are in order chunk after chunk, each chunk's from its start; a
// chunk may hold fewer than it could (the first one after a trim), so
// appending always goes to the last chunk.
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/core/skbuff.hpp>
#include <ksock/inet/tcp/tcp_skb_cb.hpp>
#include <ksock/objects/sock.hpp>

namespace ksock::inet {

//! The last chunk of a segment's chain (where appended bytes go).
inline sk_buff* tcp_skb_last_chunk(sk_buff* skb) noexcept {
    while (skb->frag_next)
        skb = skb->frag_next;
    return skb;
}

//! Whether \p n more bytes fit the room of the segment's last chunk.
inline bool tcp_skb_fits_last(sk_buff* skb, std::uint32_t n) noexcept {
    const sk_buff* last = tcp_skb_last_chunk(skb);
    return last->cap - last->len >= n;
}

//! A chunk leaves \p skb's chain: its charge comes off the segment and the
//! socket's queued memory, and it goes back to the pool.
template <class Ctx>
void tcp_skb_free_chunk(Ctx& ctx, sock& sk, sk_buff* skb, sk_buff* chunk) noexcept {
    const std::uint32_t t = skb_truesize(chunk->cap);
    skb->truesize -= t;
    sk.sk_wmem_queued -= static_cast<int>(t);
    chunk->frag_next = nullptr;
    ctx.skb_free(chunk);
}

//! tcp_trim_head: the first \p n bytes of the segment go (acknowledged, or
//! moved to the segment before it); chunks emptied after the first are
//! given back. Precondition: n <= skb->msg_len.
template <class Ctx>
void tcp_skb_pull(Ctx& ctx, sock& sk, sk_buff* skb, std::uint32_t n) noexcept {
    std::uint32_t left = n;
    const std::uint32_t k = left < skb->len ? left : skb->len;
    std::memmove(skb->head, skb->head + k, skb->len - k);
    skb->len -= k;
    left -= k;
    while (left && skb->frag_next) {
        sk_buff* c = skb->frag_next;
        if (left >= c->len) {
            left -= c->len;
            skb->frag_next = c->frag_next;
            tcp_skb_free_chunk(ctx, sk, skb, c);
            continue;
        }
        std::memmove(c->head, c->head + left, c->len - left);
        c->len -= left;
        left = 0;
    }
    skb->msg_len -= n;
    tcp_cb(*skb).seq += n;
}

//! Cut the segment to its first \p len bytes (the chunks past them given
//! back). Precondition: len <= skb->msg_len.
template <class Ctx>
void tcp_skb_cut(Ctx& ctx, sock& sk, sk_buff* skb, std::uint32_t len) noexcept {
    for (sk_buff* c = skb_cut_chain(skb, len); c;) {
        sk_buff* n = c->frag_next;
        tcp_skb_free_chunk(ctx, sk, skb, c);
        c = n;
    }
}

//! Append \p n bytes of \p src's segment from \p off to \p skb's: into the
//! room of its last chunk, then into new chunks. Returns the bytes
//! appended (fewer when the pool runs out).
template <class Ctx>
std::uint32_t tcp_skb_append(Ctx& ctx, sock& sk, sk_buff* skb, const sk_buff* src,
                             std::uint32_t off, std::uint32_t n) noexcept {
    sk_buff* last = tcp_skb_last_chunk(skb);
    std::uint32_t done = 0;
    skb_walk(src, off, n, [&](const unsigned char* p, std::size_t k) {
        std::size_t took = 0;
        while (took < k) {
            if (last->len == last->cap) {
                sk_buff* c = ctx.skb_alloc();
                if (!c)
                    return took;
                c->len = 0;
                last->frag_next = c;
                last = c;
                const std::uint32_t t = skb_truesize(c->cap);
                skb->truesize += t;
                sk.sk_wmem_queued += static_cast<int>(t);
            }
            std::size_t m = last->cap - last->len;
            if (m > k - took)
                m = k - took;
            std::memcpy(last->head + last->len, p + took, m);
            last->len += static_cast<std::uint32_t>(m);
            took += m;
            done += static_cast<std::uint32_t>(m);
        }
        return took;
    });
    skb->msg_len += done;
    return done;
}

//! \p next, a whole segment already unlinked from the write queue, joins
//! \p skb's chain after its bytes (its charge moves with it).
inline void tcp_skb_link(sk_buff* skb, sk_buff* next) noexcept {
    tcp_skb_last_chunk(skb)->frag_next = next;
    skb->msg_len += next->msg_len;
    skb->truesize += next->truesize;
    next->next = next->prev = nullptr;
}

} // namespace ksock::inet
