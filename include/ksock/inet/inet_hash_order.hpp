// ksock/inet/inet_hash_order.hpp: hashing a UDP or PING sock on its port
// (sk_add_node_rcu, sk_del_node_init_rcu of include/net/sock.h) where ksock's
// table is the proto's pool: a sock is hashed while it has a port
// (inet_num), and skc_hash holds the order socks were hashed in, newest
// highest, standing for the head-first chains whose first match Linux takes.
#pragma once

#include <cstdint>

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/objects/sock.hpp>

namespace ksock::inet {

//! sk_add_node_rcu: \p sk takes port \p snum as the newest sock of a table
//! whose order counter is \p hash_seq; the table holds a reference.
inline void inet_sk_add_node(sock& sk, unsigned short snum, std::uint32_t& hash_seq) noexcept {
    inet_sk(&sk)->inet_num() = snum;
    sk.sk_common.skc_hash = ++hash_seq;
    sock_hold(sk);
}

//! sk_del_node_init_rcu: \p sk leaves its table (no port, no place in the
//! order) with the reference the table held, never the last one (__sock_put).
//! False when it was not hashed.
inline bool inet_sk_del_node_init(sock& sk) noexcept {
    inet_sock& inet = *inet_sk(&sk);
    if (!inet.inet_num())
        return false;
    inet.inet_num() = 0;
    sk.sk_common.skc_hash = 0;
    --sk.sk_refcnt();
    return true;
}

} // namespace ksock::inet
