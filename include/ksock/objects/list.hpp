// ksock/objects/list.hpp: the intrusive list heads Linux embeds in its socket objects
// (include/linux/types.h: list_head, hlist_node; include/linux/rbtree.h: rb_root).
#pragma once

namespace ksock {

//! Doubly linked circular list head; empty when it points at itself.
struct list_head {
    list_head* next; //!< the next entry, or the head itself at the end
    list_head* prev; //!< the previous entry, or the head itself at the start
};

//! INIT_LIST_HEAD: an empty list points at itself, so this needs the object's
//! address and runs on the pool slot, not in a constexpr image.
constexpr void init_list_head(list_head& h) noexcept {
    h.next = &h;
    h.prev = &h;
}

//! list_empty: the head points at itself.
constexpr bool list_empty(const list_head& h) noexcept {
    return h.next == &h;
}

//! Hash-chain node (hlist_node); unhashed when pprev is null.
struct hlist_node {
    hlist_node* next;   //!< the next node in the chain, or null
    hlist_node** pprev; //!< the previous node's next (or the head's first), null when unhashed
};

//! hlist_unhashed: the node is on no chain.
constexpr bool hlist_unhashed(const hlist_node& n) noexcept {
    return n.pprev == nullptr;
}

//! Hash-chain head (hlist_head).
struct hlist_head {
    hlist_node* first; //!< the chain's first node, or null
};

//! Red-black tree root; RB_ROOT is all zero, so a zeroed object is an empty tree.
struct rb_root {
    void* rb_node; //!< the root node, null for an empty tree (RB_ROOT)
};

} // namespace ksock
