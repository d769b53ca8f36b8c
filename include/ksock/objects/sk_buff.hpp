// ksock/objects/sk_buff.hpp: the socket buffer (struct sk_buff, include/linux/
// skbuff.h) as ksock's static pools hand it out, and the queue operations
// on an sk_buff_head.
//
// An sk_buff is a header from the stack's skb pool plus one fixed-size data
// chunk (Config::skb_data_size bytes). A message longer than one chunk is a
// chain of them through `frag_next` (Linux's frag_list): only the first is
// queued, and it carries the message's length and its truesize, the memory
// charged to a socket for the whole chain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/sk_buff_head.hpp>

namespace ksock {

struct sock;

//! Who pays for an skb, undone when it is freed (skb->destructor).
enum class skb_destructor : std::uint8_t {
    none,
    sock_rfree, //!< charged to sk_rmem_alloc (a receive queue)
    sock_wfree, //!< charged to sk_wmem_alloc (the sender, until consumed)
};

//! SKB_DATA_ALIGN(sizeof(struct sk_buff)) and ...(struct skb_shared_info)
//! on x86-64 Linux 6.18.
inline constexpr std::uint32_t skb_head_overhead = 256;
inline constexpr std::uint32_t skb_shinfo_size = 320; //!< the shared info's share of it

//! kmalloc_size_roundup: the slab bucket a request lands in (8 ... 8192:
//! powers of two plus 96 and 192), then whole pages rounded to a power of
//! two, as large kmallocs are.
constexpr std::uint32_t kmalloc_size_roundup(std::uint32_t n) noexcept {
    if (n <= 96 && n > 64)
        return 96;
    if (n <= 192 && n > 128)
        return 192;
    std::uint32_t b = 8;
    while (b < n)
        b <<= 1;
    return b;
}

//! SKB_SMALL_HEAD_CACHE_SIZE (x86-64, 6.18): a head this small comes from its
//! own cache, unless the allocation is memcg-accounted (unix sockets' are).
inline constexpr std::uint32_t skb_small_head_size = 576;

//! The memory Linux charges for an skb whose linear part holds \p linear
//! bytes (__alloc_skb: the data area, SKB_DATA_ALIGNed with the shared info
//! behind it, from the small-head cache when allowed and it fits, else
//! rounded up to its kmalloc bucket; plus the sk_buff itself). Page frags
//! are the caller's to add. A 3-byte unix stream send is charged 768 bytes
//! and a small UDP datagram 832, as on a 6.18 host.
constexpr std::uint32_t skb_truesize(std::uint32_t linear, bool small_head_cache = false) noexcept {
    const std::uint32_t h = ((linear + 63u) & ~63u) + skb_shinfo_size;
    const std::uint32_t alloc = small_head_cache && h <= skb_small_head_size
                                    ? skb_small_head_size
                                    : kmalloc_size_roundup(h);
    return alloc + skb_head_overhead;
}

//! struct sk_buff (include/linux/skbuff.h), as ksock carries a message: a chain of fixed-size pool
//! chunks, the first holding the message's length, charge and control block.
struct sk_buff {
    sk_buff* next;             //!< in an sk_buff_head (first two members, as Linux)
    sk_buff* prev;             //!< in an sk_buff_head
    sk_buff* frag_next;        //!< the next chunk of this message, or null
    sock* sk;                  //!< the sock charged for it (skb->sk)
    unsigned char* head;       //!< this chunk's data (the pool's, fixed size)
    std::uint32_t cap;         //!< bytes in head
    std::uint32_t len;         //!< payload bytes in this chunk
    std::uint32_t msg_len;     //!< the whole message (first chunk only)
    std::uint32_t consumed;    //!< bytes of the message already read (streams)
    std::uint32_t truesize;    //!< charged for the whole chain (first chunk)
    skb_destructor destructor; //!< what kfree_skb undoes: the charge to sk (skb->destructor)
    std::uint8_t eor;          //!< ends a record (seqpacket MSG_EOR)
    //! skb->ip_summed: CHECKSUM_PARTIAL (3) when the sender left only the
    //! pseudo-header sum in the transport checksum, as Linux does on lo
    //! (the receiver then does not verify it); 0 (CHECKSUM_NONE) otherwise.
    std::uint8_t ip_summed;
    //! The protocol's control block (UNIXCB, the UDP source, TCP_SKB_CB):
    //! 48 bytes, as Linux's skb->cb.
    alignas(8) unsigned char cb[48];

    //! The message's bytes not yet read.
    constexpr std::uint32_t remaining() const noexcept { return msg_len - consumed; }
};

//! skb->ip_summed's values (include/linux/skbuff.h) that ksock uses: CHECKSUM_NONE,
//! CHECKSUM_PARTIAL.
//!@{
inline constexpr std::uint8_t checksum_none = 0;
inline constexpr std::uint8_t checksum_partial = 3;
//!@}

//! Visit \p len bytes of the message from \p off, chunk by chunk (the walk
//! every copy and checksum over a chain shares): \p f(p, k) gets each run
//! of k bytes at p and returns how many it took; a short count ends the
//! walk. Returns the bytes taken.
template <class F>
std::size_t skb_walk(const sk_buff* skb, std::size_t off, std::size_t len, F&& f) noexcept {
    std::size_t done = 0;
    for (const sk_buff* s = skb; s && done < len; s = s->frag_next) {
        if (off >= s->len) {
            off -= s->len;
            continue;
        }
        std::size_t k = s->len - off;
        if (k > len - done)
            k = len - done;
        const std::size_t got = f(s->head + off, k);
        done += got;
        off = 0;
        if (got < k)
            break;
    }
    return done;
}

//! skb_copy_bits (also the drivers' way to read a received frame): \p len bytes of the message from
//! \p off into \p to.
inline void skb_copy_bits(const sk_buff* skb, std::size_t off, void* to, std::size_t len) noexcept {
    auto* out = static_cast<unsigned char*>(to);
    skb_walk(skb, off, len, [&](const unsigned char* p, std::size_t k) {
        std::memcpy(out, p, k);
        out += k;
        return k;
    });
}

//! skb_store_bits (also the drivers' way to fill a frame sink.alloc gave): write \p len bytes at \p
//! off of the message.
inline void skb_store_bits(sk_buff* skb, std::size_t off, const void* from,
                           std::size_t len) noexcept {
    const auto* in = static_cast<const unsigned char*>(from);
    skb_walk(skb, off, len, [&](unsigned char* p, std::size_t k) {
        std::memcpy(p, in, k);
        in += k;
        return k;
    });
}

//! __skb_pull: drop \p len bytes from the front of the message (a link
//! header read off a received frame, the IP header of a fragment joined to
//! its datagram). A chunk's data then starts later: its head moves (an
//! emptied chunk stays in the chain with no bytes, which every walk skips),
//! and the pool gives the chunk its whole area back when it is freed.
//! Precondition: len <= msg_len.
inline void skb_pull(sk_buff* skb, std::uint32_t len) noexcept {
    skb->msg_len -= len;
    for (sk_buff* s = skb; s && len; s = s->frag_next) {
        const std::uint32_t k = len < s->len ? len : s->len;
        s->head += k;
        s->cap -= k;
        s->len -= k;
        len -= k;
    }
}

//! A protocol's control block type stored in skb->cb.
//!@{
template <class CB>
CB& skb_cb(sk_buff& skb) noexcept {
    static_assert(sizeof(CB) <= sizeof(sk_buff::cb), "ksock::skb_cb<CB>: CB must fit in 48 bytes");
    return *static_cast<CB*>(static_cast<void*>(skb.cb)); // cb is 8-aligned
}
template <class CB>
const CB& skb_cb(const sk_buff& skb) noexcept {
    static_assert(sizeof(CB) <= sizeof(sk_buff::cb), "ksock::skb_cb<CB>: CB must fit in 48 bytes");
    return *static_cast<const CB*>(static_cast<const void*>(skb.cb));
}
//!@}

// --- queues --------------------------------------------------------------

//! The queue's end marker: the head's own address (Linux casts the head to
//! an sk_buff*); compared, never dereferenced as an sk_buff.
//!@{
inline sk_buff* skb_queue_marker(sk_buff_head& q) noexcept {
    return static_cast<sk_buff*>(static_cast<void*>(&q));
}
inline const sk_buff* skb_queue_marker(const sk_buff_head& q) noexcept {
    return static_cast<const sk_buff*>(static_cast<const void*>(&q));
}
//!@}
//! skb_queue_len: the skbs on \p q.
inline std::uint32_t skb_queue_len(const sk_buff_head& q) noexcept {
    return q.qlen;
}
//! skb_peek: the first skb, or null.
inline sk_buff* skb_peek(const sk_buff_head& q) noexcept {
    return skb_queue_empty(q) ? nullptr : q.next;
}
//! skb_peek_tail: the last skb, or null.
inline sk_buff* skb_peek_tail(const sk_buff_head& q) noexcept {
    return skb_queue_empty(q) ? nullptr : q.prev;
}
//! The skb after \p skb in \p q, or null at the end.
inline sk_buff* skb_peek_next(const sk_buff* skb, const sk_buff_head& q) noexcept {
    return skb->next == skb_queue_marker(q) ? nullptr : skb->next;
}

//! Append \p skb (the hot path: written out, the marker known).
inline void skb_queue_tail(sk_buff_head& q, sk_buff* skb) noexcept {
    sk_buff* const m = skb_queue_marker(q);
    skb->next = m;
    skb->prev = q.prev;
    if (q.prev == m)
        q.next = skb;
    else
        q.prev->next = skb;
    q.prev = skb;
    ++q.qlen;
}
//! __skb_insert: link \p skb between \p prev and \p next of \p q; either
//! may be the head's marker, whose links are the head's own.
inline void skb_insert_between(sk_buff* skb, sk_buff* prev, sk_buff* next,
                               sk_buff_head& q) noexcept {
    const sk_buff* const m = skb_queue_marker(q);
    skb->next = next;
    skb->prev = prev;
    (next == m ? q.prev : next->prev) = skb;
    (prev == m ? q.next : prev->next) = skb;
    ++q.qlen;
}
//! Prepend \p skb.
inline void skb_queue_head(sk_buff_head& q, sk_buff* skb) noexcept {
    skb_insert_between(skb, skb_queue_marker(q), q.next, q);
}
//! skb_unlink: take \p skb out of \p q.
inline void skb_unlink(sk_buff* skb, sk_buff_head& q) noexcept {
    sk_buff* const m = skb_queue_marker(q);
    if (skb->prev == m)
        q.next = skb->next;
    else
        skb->prev->next = skb->next;
    if (skb->next == m)
        q.prev = skb->prev;
    else
        skb->next->prev = skb->prev;
    skb->next = skb->prev = nullptr;
    --q.qlen;
}
//! skb_dequeue: the first skb, unlinked, or null.
inline sk_buff* skb_dequeue(sk_buff_head& q) noexcept {
    sk_buff* skb = skb_peek(q);
    if (skb)
        skb_unlink(skb, q);
    return skb;
}

} // namespace ksock
