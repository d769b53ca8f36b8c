// test/inet/inet_create.cpp: inet_create's two ways to the same object
// (inet/inet_create.hpp, core/sk_create.hpp). An untraced stack copies the
// entry's constexpr image and writes what depends on addresses, the caller
// and the namespace's sysctls; a traced stack zeroes the slot and writes
// every value step by step. With every sysctl the creation path reads set
// away from its default, the two leave byte-identical objects (but for the
// fields that point into their own stack), for every proto of the default
// stack: nothing the image fixed is left stale.
#include <cstddef>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/inet/inet_create.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/af_unix.hpp>

namespace {

using namespace ksock;
using namespace ksock::inet;
using namespace ksock::unix_domain;

//! A trace that is on (so the stack takes the step-by-step path) and says
//! nothing.
struct quiet_trace {
    static constexpr bool enabled = true;
    void enter(const char*) {}
    void leave(const char*, int) {}
    void field(const char*, long long) {}
    void field(const char*, long long, value_format) {}
    void text(const char*, const char*) {}
    void note(const char*) {}
};
struct stepwise_config : default_config {
    using trace = quiet_trace;
};

//! Every sysctl socket() reads, away from Linux's default, in stack \p s.
template <class S>
void unusual_sysctls(S& s) {
    net_core_sysctl& c = s.net().sysctl;
    c.rmem_default = 4096 * 3;
    c.wmem_default = 4096 * 5;
    c.busy_read = 50;
    c.txrehash = 0;
    ipv4_sysctl& v4 = ipv4_net(s).sysctl;
    v4.ip_no_pmtu_disc = 1;
    v4.tcp_rto_max_ms = 60001;
    v4.tcp_rto_min_us = 100001;
    v4.tcp_reordering = 7;
    v4.tcp_wmem[1] = 8192 + 3;
    v4.tcp_rmem[1] = 65536 + 5;
    REQUIRE(ipv4_net(s).set_tcp_congestion_control("reno") == 0);
    v4.ping_group_range[0] = 0; // root may open ping sockets
    v4.ping_group_range[1] = 0;
    unix_net(s).sysctl.max_dgram_qlen = 23;
}

//! The fields of a sock that point into its own stack (queue heads, the
//! socket, the namespace), cleared so that two stacks' socks compare.
void clear_links(sock& sk) {
    for (sk_buff_head* q : {&sk.sk_receive_queue, &sk.sk_write_queue, &sk.sk_error_queue})
        q->next = q->prev = nullptr;
    sk.sk_socket = nullptr;
    sk.sk_wq = nullptr;
    sk.sk_net() = nullptr;
}
void clear_links(tcp_sock& tp) {
    clear_links(tp.inet_conn.icsk_inet.sk);
    tp.tsq_node = {};
    tp.tsorted_sent_queue = {};
}
void clear_links(udp_sock& up) {
    clear_links(up.inet.sk);
    up.reader_queue.next = up.reader_queue.prev = nullptr;
    up.tunnel_list = {};
}
void clear_links(raw_sock& rp) {
    clear_links(rp.inet.sk);
    rp.inet.sk.sk_common.skc_node = {}; // raw_hash_sk's chain in its stack
}
void clear_links(inet_sock& inet) {
    clear_links(inet.sk);
}
void clear_links(unix_sock& u) {
    clear_links(u.sk);
}

//! socket(family, type, protocol) on both stacks; the two objects, their
//! links cleared, must be the same bytes. Returns the fast stack's object.
template <class Obj>
Obj same_object(int family, int type, int protocol) {
    default_stack fast;
    stack<stepwise_config> slow;
    unusual_sysctls(fast);
    unusual_sysctls(slow);
    const int a = fast.socket(family, type, protocol);
    const int b = slow.socket(family, type, protocol);
    REQUIRE(a >= 0);
    REQUIRE(b >= 0);
    Obj x, y;
    std::memcpy(static_cast<void*>(&x), fast.sk_of_fd(a), sizeof x);
    std::memcpy(static_cast<void*>(&y), slow.sk_of_fd(b), sizeof y);
    // The links are right in each stack before they are cleared.
    CHECK(fast.sk_of_fd(a)->sk_socket == fast.socket_of(a));
    CHECK(slow.sk_of_fd(b)->sk_socket == slow.socket_of(b));
    clear_links(x);
    clear_links(y);
    const auto* px = reinterpret_cast<const unsigned char*>(&x);
    const auto* py = reinterpret_cast<const unsigned char*>(&y);
    std::size_t first_difference = sizeof x;
    for (std::size_t i = 0; i < sizeof x && first_difference == sizeof x; ++i)
        if (px[i] != py[i])
            first_difference = i;
    INFO("first differing byte at offset " << first_difference);
    CHECK(first_difference == sizeof x);
    CHECK(fast.close(a) == 0);
    CHECK(slow.close(b) == 0);
    CHECK(fast.empty());
    CHECK(slow.empty());
    return x;
}

} // namespace

TEST_CASE("inet_create: the image path and the step-by-step path build the same TCP sock") {
    const tcp_sock tp = same_object<tcp_sock>(pf_inet, sock_stream, 0);
    // The sysctls did reach it.
    CHECK(tp.inet_conn.icsk_inet.sk.sk_rcvbuf == 65536 + 5);
    CHECK(tp.inet_conn.icsk_inet.sk.sk_sndbuf == 8192 + 3);
    CHECK(tp.inet_conn.icsk_inet.sk.sk_ll_usec == 50);
    CHECK(tp.inet_conn.icsk_inet.sk.sk_txrehash == 0);
    CHECK(tp.inet_conn.icsk_inet.pmtudisc == ip_pmtudisc_dont);
    CHECK(tp.inet_conn.icsk_rto_max == 60001);
    CHECK(tp.inet_conn.icsk_rto_min == 101); // usecs_to_jiffies rounds up
    CHECK(tp.reordering == 7);
    CHECK(tp.inet_conn.icsk_ca_ops == &tcp_reno);
}

TEST_CASE("inet_create: the same for UDP, PING and RAW (every protocol of the wildcard)") {
    const udp_sock up = same_object<udp_sock>(pf_inet, sock_dgram, 0);
    CHECK(up.inet.sk.sk_rcvbuf == 4096 * 3);
    CHECK(up.forward_threshold == (4096 * 3) >> 2);
    same_object<inet_sock>(pf_inet, sock_dgram, ipproto_icmp);
    const raw_sock r255 = same_object<raw_sock>(pf_inet, sock_raw, ipproto_raw);
    CHECK(r255.inet.inet_num() == ipproto_raw);
    CHECK(inet_test_bit(r255.inet, inet_flags_hdrincl));
    const raw_sock r1 = same_object<raw_sock>(pf_inet, sock_raw, ipproto_icmp);
    CHECK(r1.inet.inet_num() == ipproto_icmp);
    CHECK(!inet_test_bit(r1.inet, inet_flags_hdrincl));
    same_object<raw_sock>(pf_inet, sock_raw, ipproto_udp);
}

TEST_CASE("sk_create: the same for PF_UNIX's three types") {
    const unix_sock u = same_object<unix_sock>(pf_unix, sock_stream, 0);
    CHECK(u.sk.sk_max_ack_backlog == 23);
    CHECK(u.sk.sk_sndbuf == 4096 * 5);
    same_object<unix_sock>(pf_unix, sock_dgram, 0);
    same_object<unix_sock>(pf_unix, sock_seqpacket, 0);
    same_object<unix_sock>(pf_unix, sock_raw, 0); // served as SOCK_DGRAM
}
