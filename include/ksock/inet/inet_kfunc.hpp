// ksock/inet/inet_kfunc.hpp: the callbacks, timers and af ops PF_INET installs
// in its socks (net/ipv4/), as kfunc ids of its own range.
#pragma once

#include <cstdint>

#include <ksock/objects/kfunc.hpp>

namespace ksock::inet::kf {

inline constexpr std::uint8_t base = kfunc_family_base; // 16 .. 16 + count
// destructors
inline constexpr kfunc inet_sock_destruct{base + 0};
inline constexpr kfunc udp_destruct_sock{base + 1};
// sk_backlog_rcv
inline constexpr kfunc tcp_v4_do_rcv{base + 2};
inline constexpr kfunc udp_queue_rcv_skb{base + 3};
inline constexpr kfunc raw_rcv_skb{base + 4};
inline constexpr kfunc ping_queue_rcv_skb{base + 5};
// timers
inline constexpr kfunc tcp_write_timer{base + 6};
inline constexpr kfunc tcp_delack_timer{base + 7};
inline constexpr kfunc tcp_keepalive_timer{base + 8};
inline constexpr kfunc tcp_pace_kick{base + 9};
inline constexpr kfunc tcp_compressed_ack_kick{base + 10};
// connection-socket af ops, mss sync
inline constexpr kfunc ipv4_specific{base + 11};
inline constexpr kfunc tcp_sync_mss{base + 12};

inline constexpr const char* names[] = {
    "inet_sock_destruct",  "udp_destruct_sock",  "tcp_v4_do_rcv",           "udp_queue_rcv_skb",
    "raw_rcv_skb",         "ping_queue_rcv_skb", "tcp_write_timer",         "tcp_delack_timer",
    "tcp_keepalive_timer", "tcp_pace_kick",      "tcp_compressed_ack_kick", "ipv4_specific",
    "tcp_sync_mss"};

//! PF_INET's names, registered with the family (inet_family::kfuncs).
inline constexpr kfunc_table table{base, sizeof names / sizeof names[0], names};

//! The kernel's name of a core or PF_INET callback.
constexpr const char* name(kfunc f) noexcept {
    return kfunc_name(f, table);
}

} // namespace ksock::inet::kf
