// ksock/inet/raw.hpp: raw_prot (net/ipv4/raw.c): raw IP sockets, hashed by
// protocol number when created (raw_hash_sk), with raw_sk_init and raw_close.
#pragma once

#include <cstddef>

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/raw_sockopt.hpp>
#include <ksock/layout.hpp>
#include <ksock/list.hpp>
#include <ksock/raw_sock.hpp>

namespace ksock::inet {

//! RAW_HTABLE_SIZE: Linux hashes raw sockets by protocol into 256 chains.
inline constexpr std::size_t raw_htable_size = 256;

//! struct raw_hashinfo: the chains of raw sockets, one per stack.
struct raw_hashinfo {
    hlist_head ht[raw_htable_size];
    int count;
};

struct raw_prot {
    static constexpr const char* name = "RAW";
    using obj_type = raw_sock;
    static constexpr std::size_t obj_size = sizeof(raw_sock);
    static constexpr kfunc backlog_rcv = kfunc::raw_rcv_skb;
    using state_type = raw_hashinfo;

    //! The image of socket(AF_INET, SOCK_RAW, IPPROTO_RAW).
    static const raw_sock defaults;

    //! raw_hash_sk: add to the chain of inet_num, taking a reference.
    template <class Ctx>
    static int hash(Ctx& ctx, sock& sk) {
        raw_hashinfo& h = ctx.template proto_state<raw_prot>();
        hlist_head& head = h.ht[inet_sk(&sk)->inet_num() & (raw_htable_size - 1)];
        hlist_node& n = sk.__sk_common.skc_node;
        n.next = head.first;
        if (head.first)
            head.first->pprev = &n.next;
        head.first = &n;
        n.pprev = &head.first;
        ++h.count;
        sock_hold(sk);
        return 0;
    }

    //! raw_unhash_sk: drop from the chain and the reference hash took.
    template <class Ctx>
    static void unhash(Ctx& ctx, sock& sk) {
        hlist_node& n = sk.__sk_common.skc_node;
        if (hlist_unhashed(n))
            return;
        *n.pprev = n.next;
        if (n.next)
            n.next->pprev = n.pprev;
        n = hlist_node{};
        --ctx.template proto_state<raw_prot>().count;
        --sk.sk_refcnt(); // __sock_put: never the last reference here
    }

    //! raw_sk_init: an ICMP raw socket starts with an empty ICMP filter.
    template <class Ctx>
    static int init(Ctx&, sock& sk) {
        raw_sock& rp = *raw_sk(&sk);
        if (rp.inet.inet_num() == ipproto_icmp)
            rp.filter.data = 0;
        return 0;
    }

    //! raw_close: no router-alert entry to drop; sk_common_release.
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long /*timeout*/) {
        sk_common_release<raw_prot>(ctx, sk);
    }

    static int getsockopt(ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen, const cred& cr) {
        return raw_getsockopt(so, level, optname, optval, optlen, cr);
    }
    template <class Ops>
    static int setsockopt(ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr) {
        return raw_setsockopt(so, level, optname, optval, optlen, cr);
    }
};

} // namespace ksock::inet
