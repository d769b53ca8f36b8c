// ksock/objects/skb_list.hpp: a singly linked FIFO of skbs through skb->next,
// the shape of Linux's sk->sk_backlog (head, tail, len) and of a CPU's
// backlog (softnet_data's input_pkt_queue). All zero is empty, so it needs
// no initialisation and may live in an object that is copied while empty.
#pragma once

#include <cstdint>

#include <ksock/objects/sk_buff.hpp>

namespace ksock {

//! A FIFO of skbs linked through skb->next (Linux's sk_backlog shape).
struct skb_list {
    sk_buff* head;     //!< the oldest skb, taken first (null when empty)
    sk_buff* tail;     //!< the newest skb, where the next one joins
    std::uint32_t len; //!< truesize of the skbs held (sk_backlog.len)
};

//! __sk_add_backlog: \p skb joins the tail.
inline void skb_list_add_tail(skb_list& l, sk_buff* skb) noexcept {
    skb->next = nullptr;
    if (l.tail)
        l.tail->next = skb;
    else
        l.head = skb;
    l.tail = skb;
    l.len += skb->truesize;
}

//! The head, taken off (null when empty).
inline sk_buff* skb_list_pop(skb_list& l) noexcept {
    sk_buff* skb = l.head;
    if (!skb)
        return nullptr;
    l.head = skb->next;
    if (!l.head)
        l.tail = nullptr;
    l.len -= skb->truesize;
    skb->next = nullptr;
    return skb;
}

} // namespace ksock
