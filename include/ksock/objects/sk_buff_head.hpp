// ksock/objects/sk_buff_head.hpp: a socket buffer queue head (struct sk_buff_head,
// include/linux/skbuff.h) as the creation path leaves it: empty, locked by
// its own spinlock.
#pragma once

#include <cstdint>

#include <ksock/objects/spinlock.hpp>

namespace ksock {

struct sk_buff;

//! struct sk_buff_head (include/linux/skbuff.h): a queue of skbs, empty when its links point at the
//! head itself.
struct sk_buff_head {
    sk_buff* next;      //!< the first skb, or the head's marker when empty
    sk_buff* prev;      //!< the last skb, or the head's marker when empty
    std::uint32_t qlen; //!< skbs on the queue
    spinlock_t lock;    //!< the queue's lock (skb_queue_tail and friends take it in Linux)
};

//! skb_queue_head_init: the empty queue points at its own head.
inline void skb_queue_head_init(sk_buff_head& q) noexcept {
    // Linux casts the head to an sk_buff*: the head shares the first two
    // members of sk_buff. ksock stores the head's address as an opaque
    // marker and never dereferences it as an sk_buff.
    q.next = reinterpret_cast<sk_buff*>(&q);
    q.prev = reinterpret_cast<sk_buff*>(&q);
    q.qlen = 0;
    spin_lock_init(q.lock);
}

//! The links of an empty queue alone, for a head whose length and lock are
//! already zero and initialised (a sock's queues after sock_init_data's
//! values, or copied from an image).
inline void skb_queue_head_link(sk_buff_head& q) noexcept {
    q.next = reinterpret_cast<sk_buff*>(&q);
    q.prev = reinterpret_cast<sk_buff*>(&q);
}

//! skb_queue_empty: the links point at the head itself.
inline bool skb_queue_empty(const sk_buff_head& q) noexcept {
    return q.next == reinterpret_cast<const sk_buff*>(&q);
}

} // namespace ksock
