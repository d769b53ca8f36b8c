// ksock/registry/context.hpp: what a stack offers to the code its registries plug in
// (family create policies, protos, ops): Linux's `current`, `sock_net(sk)`,
// the slab caches and the tracepoints, as one context object.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <utility>

#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/net.hpp>

namespace ksock {

struct file;
struct scm_fp_list;

//! A stack context C provides:
//!   c.net()                      the net namespace (net.core sysctls, counters)
//!   c.template pernet<T>()       a family's part of it (T: its pernet_type)
//!   c.current_cred()             credentials of the calling task
//!   c.cgroup_classid(), c.cgroup_prioidx()   the calling task's cgroup ids
//!   c.trace()                    the trace policy object
//!   c.template obj_alloc<P>()    a zeroed P::obj_type from P's pool, or null
//!   c.template obj_take<P>()     the same, not zeroed (its caller writes it all)
//!   c.template obj_free<P>(o)    return it
//!   c.template proto_state<P>()  P's per-stack state (P::state_type), if any
//!   c.template for_each_obj<P>(f)   f(P::obj_type&) for every live object of P
//! and for the data path:
//!   C::can_block                 whether a call may sleep (the wait policy)
//!   c.wait(long& timeo)          sleep until a wake-up or timeo jiffies (if can_block)
//!   c.signal_pending()           the calling task was interrupted (a wait ends;
//!                                always false when the stack cannot sleep)
//!   c.jiffies()                  the stack's clock
//!   c.skb_alloc() / c.skb_free(s)   one skb chunk from the pool / back
//!   c.sk_free_any(sk)            sk_free_final for a sock of any proto
//!   c.sk_data_ready(sk), c.sk_write_space(sk), c.sk_state_change(sk),
//!   c.sk_error_report(sk)        the sock's callbacks: wake its waiters
//! and for the devices (Config::devices, core/dev.hpp):
//!   c.dev_get_by_index(ifindex)  the stack's state of a device, or null
//!   c.dev_queue_xmit(ifindex, skb, hh, hh_len, protocol)   the packet
//!                                (network header on) with its hard header
//!                                onto the device's queue: 0 or -errno, the
//!                                skb consumed either way
//! and for ancillary data (SCM_RIGHTS, SCM_CREDENTIALS, SO_PEERCRED):
//!   c.current_pid(), c.find_pid(pid)   the caller's pid; does a task have pid?
//!   c.fget_raw(fd)               the caller's file at fd with a new reference, or null
//!   c.fput_file(f)               drop such a reference (a release it causes is deferred)
//!   c.install_fd(f, flags)       a new fd (lowest free, O_CLOEXEC) with its own
//!                                reference, or -EMFILE
//!   c.scm_fp_alloc() / c.scm_fp_free(l)   an scm_fp_list from the stack's pool
//!                                (null: ENOMEM) / back
//! The concept checks every one of them, with archetypes::proto standing for
//! a proto and archetypes::pernet for a pernet_type.
template <class C>
concept stack_context = requires(C& c, const C& cc, long& timeo, sock& sk, sk_buff* skb,
                                 ksock::file* f, scm_fp_list* l, archetypes::proto::obj_type* o,
                                 void (*each)(archetypes::proto::obj_type&),
                                 const unsigned char* hh) {
    { c.net() } -> std::same_as<net&>;
    { c.template pernet<archetypes::pernet>() } -> std::same_as<archetypes::pernet&>;
    { c.current_cred() } -> std::same_as<const cred&>;
    { c.cgroup_classid() } -> std::convertible_to<std::uint32_t>;
    { c.cgroup_prioidx() } -> std::convertible_to<std::uint16_t>;
    c.trace();
    { c.template obj_alloc<archetypes::proto>() } -> std::same_as<archetypes::proto::obj_type*>;
    { c.template obj_take<archetypes::proto>() } -> std::same_as<archetypes::proto::obj_type*>;
    c.template obj_free<archetypes::proto>(o);
    { c.template proto_state<archetypes::proto>() } -> std::same_as<archetypes::proto::state_type&>;
    c.template for_each_obj<archetypes::proto>(each);
    { C::can_block } -> std::convertible_to<bool>;
    { c.signal_pending() } -> std::convertible_to<bool>;
    { cc.jiffies() } -> std::convertible_to<unsigned long>;
    { c.skb_alloc() } -> std::same_as<sk_buff*>;
    c.skb_free(skb);
    c.sk_free_any(sk);
    c.sk_data_ready(sk);
    c.sk_write_space(sk);
    c.sk_state_change(sk);
    c.sk_error_report(sk);
    { c.dev_get_by_index(std::declval<int>()) } -> std::same_as<net_device_state*>;
    {
        c.dev_queue_xmit(std::declval<int>(), skb, hh, std::size_t{}, std::uint16_t{})
        } -> std::same_as<int>;
    { c.current_pid() } -> std::convertible_to<int>;
    { c.find_pid(std::declval<int>()) } -> std::convertible_to<bool>;
    { c.fget_raw(std::declval<int>()) } -> std::same_as<ksock::file*>;
    c.fput_file(f);
    { c.install_fd(f, std::declval<unsigned>()) } -> std::convertible_to<int>;
    { c.scm_fp_alloc() } -> std::same_as<scm_fp_list*>;
    c.scm_fp_free(l);
}
&&(!C::can_block || requires(C & c, long& timeo) { c.wait(timeo); });

namespace archetypes {
//! The minimal stack context: extension points are checked against it, so a
//! family, proto or ops type that needs more than the concept gives fails at
//! its own definition, not deep inside a stack.
struct context {
    //! The members stack_context requires, declared and never defined: what a family, proto or ops
    //! type may call on its context, and nothing more (registry/context.hpp's concept says what
    //! each returns).
    //!@{
    ksock::net& net();
    template <class T>
    T& pernet();
    const ksock::cred& current_cred();
    std::uint32_t cgroup_classid();
    std::uint16_t cgroup_prioidx();
    null_trace& trace();
    template <class P>
    typename P::obj_type* obj_alloc();
    template <class P>
    typename P::obj_type* obj_take();
    template <class P>
    void obj_free(typename P::obj_type*);
    template <class P>
    typename P::state_type& proto_state();
    template <class P, class F>
    void for_each_obj(F&&);
    static constexpr bool can_block = false;
    bool signal_pending();
    unsigned long jiffies() const;
    sk_buff* skb_alloc();
    void skb_free(sk_buff*);
    void sk_free_any(sock&);
    void sk_data_ready(sock&);
    void sk_write_space(sock&);
    void sk_state_change(sock&);
    void sk_error_report(sock&);
    net_device_state* dev_get_by_index(int);
    int dev_queue_xmit(int, sk_buff*, const unsigned char*, std::size_t, std::uint16_t);
    int current_pid();
    bool find_pid(int);
    ksock::file* fget_raw(int);
    void fput_file(ksock::file*);
    int install_fd(ksock::file*, unsigned);
    scm_fp_list* scm_fp_alloc();
    void scm_fp_free(scm_fp_list*);
    //!@}
};
// That context models stack_context is asserted by the concept's test
// (test/registry/context.cpp), not here: the check instantiates all 30
// members and is 1% of the compile time of every translation unit that
// includes ksock.
} // namespace archetypes

} // namespace ksock
