// test/registry/context.cpp: the stack_context concept, what families, protos
// and ops are handed as Ctx&.
//
// (a) archetypes::context, the minimal model the extension points are
//     checked against, satisfies it (registry/context.hpp pins that);
// (b) the kernel context of real stacks satisfies it: the default config,
//     a config of the tests' own family only, a blocking config (the
//     stack.hpp assert that can never fire on its own, tested here; with
//     std::mutex and condvar_wait in policy/condvar_wait.cpp, host only);
// (c) a context without any one of the 30 members the concept lists, or
//     with one of them mistyped, does not: the concept checks every member.
#include <cstddef>
#include <cstdint>
#include <utility>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/kernel/context.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/policy/lock.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/net.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace {

using namespace ksock;

//! The members stack_context requires, in the order of its requires-list.
enum member : int {
    m_net,
    m_pernet,
    m_current_cred,
    m_cgroup_classid,
    m_cgroup_prioidx,
    m_trace,
    m_obj_alloc,
    m_obj_take,
    m_obj_free,
    m_proto_state,
    m_for_each_obj,
    m_can_block,
    m_signal_pending,
    m_jiffies,
    m_skb_alloc,
    m_skb_free,
    m_sk_free_any,
    m_sk_data_ready,
    m_sk_write_space,
    m_sk_state_change,
    m_sk_error_report,
    m_dev_get_by_index,
    m_dev_queue_xmit,
    m_current_pid,
    m_find_pid,
    m_fget_raw,
    m_fput_file,
    m_install_fd,
    m_scm_fp_alloc,
    m_scm_fp_free,
    m_count,
    m_none = -1,
};
constexpr const char* member_names[m_count] = {"net",
                                               "pernet",
                                               "current_cred",
                                               "cgroup_classid",
                                               "cgroup_prioidx",
                                               "trace",
                                               "obj_alloc",
                                               "obj_take",
                                               "obj_free",
                                               "proto_state",
                                               "for_each_obj",
                                               "can_block",
                                               "signal_pending",
                                               "jiffies",
                                               "skb_alloc",
                                               "skb_free",
                                               "sk_free_any",
                                               "sk_data_ready",
                                               "sk_write_space",
                                               "sk_state_change",
                                               "sk_error_report",
                                               "dev_get_by_index",
                                               "dev_queue_xmit",
                                               "current_pid",
                                               "find_pid",
                                               "fget_raw",
                                               "fput_file",
                                               "install_fd",
                                               "scm_fp_alloc",
                                               "scm_fp_free"};

template <bool Has, bool CanBlock>
struct can_block_member {
    static constexpr bool can_block = CanBlock;
};
template <bool CanBlock>
struct can_block_member<false, CanBlock> {};

//! archetypes::context with member Drop taken away (its constraint is
//! false), a can_block of CanBlock and a wait() if HasWait. Declarations
//! only: a concept never calls them.
template <int Drop, bool CanBlock = false, bool HasWait = false>
struct context_without : can_block_member<Drop != m_can_block, CanBlock> {
    ksock::net& net() requires(Drop != m_net);
    template <class T>
    T& pernet() requires(Drop != m_pernet);
    const ksock::cred& current_cred() requires(Drop != m_current_cred);
    std::uint32_t cgroup_classid() requires(Drop != m_cgroup_classid);
    std::uint16_t cgroup_prioidx() requires(Drop != m_cgroup_prioidx);
    null_trace& trace() requires(Drop != m_trace);
    template <class P>
    typename P::obj_type* obj_alloc() requires(Drop != m_obj_alloc);
    template <class P>
    typename P::obj_type* obj_take() requires(Drop != m_obj_take);
    template <class P>
    void obj_free(typename P::obj_type*) requires(Drop != m_obj_free);
    template <class P>
    typename P::state_type& proto_state() requires(Drop != m_proto_state);
    template <class P, class F>
    void for_each_obj(F&&) requires(Drop != m_for_each_obj);
    bool signal_pending() requires(Drop != m_signal_pending);
    unsigned long jiffies() const requires(Drop != m_jiffies);
    sk_buff* skb_alloc() requires(Drop != m_skb_alloc);
    void skb_free(sk_buff*) requires(Drop != m_skb_free);
    void sk_free_any(sock&) requires(Drop != m_sk_free_any);
    void sk_data_ready(sock&) requires(Drop != m_sk_data_ready);
    void sk_write_space(sock&) requires(Drop != m_sk_write_space);
    void sk_state_change(sock&) requires(Drop != m_sk_state_change);
    void sk_error_report(sock&) requires(Drop != m_sk_error_report);
    net_device_state* dev_get_by_index(int) requires(Drop != m_dev_get_by_index);
    int dev_queue_xmit(int, sk_buff*, const unsigned char*, std::size_t,
                       std::uint16_t) requires(Drop != m_dev_queue_xmit);
    int current_pid() requires(Drop != m_current_pid);
    bool find_pid(int) requires(Drop != m_find_pid);
    ksock::file* fget_raw(int) requires(Drop != m_fget_raw);
    void fput_file(ksock::file*) requires(Drop != m_fput_file);
    int install_fd(ksock::file*, unsigned) requires(Drop != m_install_fd);
    scm_fp_list* scm_fp_alloc() requires(Drop != m_scm_fp_alloc);
    void scm_fp_free(scm_fp_list*) requires(Drop != m_scm_fp_free);
    void wait(long&) requires HasWait;
};

//! Whether stack_context holds with each member taken away in turn.
template <int... I>
constexpr auto without_each(std::integer_sequence<int, I...>) {
    struct result {
        bool models[sizeof...(I)];
    };
    return result{{stack_context<context_without<I>>...}};
}
constexpr auto without = without_each(std::make_integer_sequence<int, m_count>{});

// Mistyped members: the complete double with one member hidden by another
// of the same name and a wrong signature.
struct net_by_value : context_without<m_none> {
    ksock::net net(); // a copy of the namespace: its counters would be lost
};
struct obj_alloc_untyped : context_without<m_none> {
    template <class P>
    void* obj_alloc(); // not P::obj_type*
};
struct obj_take_untyped : context_without<m_none> {
    template <class P>
    void* obj_take(); // not P::obj_type*
};
struct jiffies_not_const : context_without<m_none> {
    unsigned long jiffies(); // the clock is read through a const context
};
struct data_ready_on_skb : context_without<m_none> {
    void sk_data_ready(sk_buff&); // the callback is the sock's, not the skb's
};
struct xmit_without_protocol : context_without<m_none> {
    int dev_queue_xmit(int, sk_buff*, const unsigned char*, std::size_t); // no ETH_P_*
};
struct skb_alloc_untyped : context_without<m_none> {
    void* skb_alloc();
};
//! Pointer parameters where the concept means numbers: a literal 0 would
//! pass them, the concept's typed probes do not.
struct fget_by_pointer : context_without<m_none> {
    ksock::file* fget_raw(int*);
};
struct find_pid_by_pointer : context_without<m_none> {
    bool find_pid(int*);
};

//! A wait policy that may block (the target has no condvar_wait: no threads).
struct blocking_wait {
    static constexpr bool can_block = true;
    void wake_all() {}
    template <class Lock>
    void wait(Lock&, long&) {}
};
struct blocking_config : default_config {
    using lock = spinlock;
    using wait = blocking_wait;
};

} // namespace

TEST_CASE("stack_context: the archetype and the complete test double model it") {
    STATIC_REQUIRE(stack_context<archetypes::context>);
    STATIC_REQUIRE(stack_context<context_without<m_none>>);
    STATIC_REQUIRE(!archetypes::context::can_block);
}

TEST_CASE("stack_context: the kernel context of real stacks models it") {
    STATIC_REQUIRE(stack_context<kernel::context<default_config>>);
    STATIC_REQUIRE(stack_context<kernel::context<ksock_test::toy_config>>);
    // can_block: wait(timeo) is required too, and there.
    STATIC_REQUIRE(kernel::context<blocking_config>::can_block);
    STATIC_REQUIRE(stack_context<kernel::context<blocking_config>>);
}

TEST_CASE("stack_context: a context without any one member does not model it") {
    for (int i = 0; i < m_count; ++i) {
        INFO("without " << doctest::String(member_names[i]));
        CHECK_FALSE(without.models[i]);
    }
    STATIC_REQUIRE(!stack_context<context_without<m_net>>);
    STATIC_REQUIRE(!stack_context<context_without<m_pernet>>);
    STATIC_REQUIRE(!stack_context<context_without<m_can_block>>);
    STATIC_REQUIRE(!stack_context<context_without<m_scm_fp_free>>);
}

TEST_CASE("stack_context: a context that can block needs wait(timeo)") {
    STATIC_REQUIRE(!stack_context<context_without<m_none, true, false>>);
    STATIC_REQUIRE(stack_context<context_without<m_none, true, true>>);
    // One that never blocks needs none (archetypes::context has none).
    STATIC_REQUIRE(stack_context<context_without<m_none, false, false>>);
}

TEST_CASE("stack_context: a member with a wrong signature does not model it") {
    STATIC_REQUIRE(!stack_context<net_by_value>);
    STATIC_REQUIRE(!stack_context<obj_alloc_untyped>);
    STATIC_REQUIRE(!stack_context<obj_take_untyped>);
    STATIC_REQUIRE(!stack_context<jiffies_not_const>);
    STATIC_REQUIRE(!stack_context<data_ready_on_skb>);
    STATIC_REQUIRE(!stack_context<skb_alloc_untyped>);
    STATIC_REQUIRE(!stack_context<xmit_without_protocol>);
    STATIC_REQUIRE(!stack_context<fget_by_pointer>);
    STATIC_REQUIRE(!stack_context<find_pid_by_pointer>);
}
