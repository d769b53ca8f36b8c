// ksock/context.hpp: what a stack offers to the code its registries plug in
// (family create policies, protos, ops): Linux's `current`, `sock_net(sk)`,
// the slab caches and the tracepoints, as one context object.
#pragma once

#include <concepts>
#include <cstdint>

#include <ksock/cred.hpp>
#include <ksock/net.hpp>
#include <ksock/sk_buff.hpp>
#include <ksock/sock.hpp>
#include <ksock/trace.hpp>

namespace ksock {

//! A stack context C provides:
//!   c.net()                      the net namespace (sysctls, counters)
//!   c.current_cred()             credentials of the calling task
//!   c.cgroup_classid(), c.cgroup_prioidx()   the calling task's cgroup ids
//!   c.trace()                    the trace policy object
//!   c.template obj_alloc<P>()    a zeroed P::obj_type from P's pool, or null
//!   c.template obj_free<P>(o)    return it
//!   c.template proto_state<P>()  P's per-stack state (P::state_type), if any
//!   c.template for_each_obj<P>(f)   f(P::obj_type&) for every live object of P
//! and for the data path:
//!   C::can_block                 whether a call may sleep (the wait policy)
//!   c.wait(long& timeo)          sleep until a wake-up or timeo jiffies (if can_block)
//!   c.jiffies()                  the stack's clock
//!   c.skb_alloc() / c.skb_free(s)   one skb chunk from the pool / back
//!   c.sk_free_any(sk)            __sk_free for a sock of any proto
//!   c.sk_data_ready(sk), c.sk_write_space(sk), c.sk_state_change(sk),
//!   c.sk_error_report(sk)        the sock's callbacks: wake its waiters
template <class C>
concept stack_context = requires(C& c) {
    { c.net() } -> std::same_as<net&>;
    { c.current_cred() } -> std::same_as<const cred&>;
    { c.cgroup_classid() } -> std::convertible_to<std::uint32_t>;
    { c.cgroup_prioidx() } -> std::convertible_to<std::uint16_t>;
    c.trace();
};

namespace archetypes {
//! The minimal stack context: extension points are checked against it, so a
//! family, proto or ops type that needs more than the concept gives fails at
//! its own definition, not deep inside a stack.
struct context {
    ksock::net& net();
    const ksock::cred& current_cred();
    std::uint32_t cgroup_classid();
    std::uint16_t cgroup_prioidx();
    null_trace& trace();
    template <class P>
    typename P::obj_type* obj_alloc();
    template <class P>
    void obj_free(typename P::obj_type*);
    template <class P>
    typename P::state_type& proto_state();
    template <class P, class F>
    void for_each_obj(F&&);
    static constexpr bool can_block = false;
    unsigned long jiffies();
    sk_buff* skb_alloc();
    void skb_free(sk_buff*);
    void sk_free_any(sock&);
    void sk_data_ready(sock&);
    void sk_write_space(sock&);
    void sk_state_change(sock&);
    void sk_error_report(sock&);
};
static_assert(stack_context<context>);
} // namespace archetypes

} // namespace ksock
