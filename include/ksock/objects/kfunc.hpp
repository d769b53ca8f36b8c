// ksock/objects/kfunc.hpp: names of the kernel functions that Linux stores in a
// socket's callback, timer and destructor pointers.
//
// Linux keeps function pointers in `struct sock` (sk_data_ready, sk_destruct,
// timer handlers, icsk_af_ops ...). ksock has no function pointers on its
// objects: it records *which* kernel function Linux would have installed as a
// small enum, so the value is constexpr, fits the default images, can be
// compared in tests and printed by the trace, and is dispatched by a switch
// where a later layer needs to call it.
#pragma once

#include <cstdint>

namespace ksock {

enum class kfunc : std::uint8_t {
    none = 0,
    // sock_init_data
    sock_def_wakeup,
    sock_def_readable,
    sock_def_write_space,
    sock_def_error_report,
    sock_def_destruct,
    // inet / tcp / udp / unix overrides
    inet_sock_destruct,
    sk_stream_write_space,
    udp_destruct_sock,
    unix_sock_destructor,
    unix_write_space,
    unix_dgram_peer_wake_relay,
    // backlog_rcv
    tcp_v4_do_rcv,
    udp_queue_rcv_skb,
    raw_rcv_skb,
    ping_queue_rcv_skb,
    // timers
    tcp_write_timer,
    tcp_delack_timer,
    tcp_keepalive_timer,
    tcp_pace_kick,
    tcp_compressed_ack_kick,
    // connection-socket af ops, mss sync
    ipv4_specific,
    tcp_sync_mss,
};

//! The kernel's name for \p f, for traces and layout reports.
constexpr const char* kfunc_name(kfunc f) noexcept {
    switch (f) {
    case kfunc::none:
        return "NULL";
    case kfunc::sock_def_wakeup:
        return "sock_def_wakeup";
    case kfunc::sock_def_readable:
        return "sock_def_readable";
    case kfunc::sock_def_write_space:
        return "sock_def_write_space";
    case kfunc::sock_def_error_report:
        return "sock_def_error_report";
    case kfunc::sock_def_destruct:
        return "sock_def_destruct";
    case kfunc::inet_sock_destruct:
        return "inet_sock_destruct";
    case kfunc::sk_stream_write_space:
        return "sk_stream_write_space";
    case kfunc::udp_destruct_sock:
        return "udp_destruct_sock";
    case kfunc::unix_sock_destructor:
        return "unix_sock_destructor";
    case kfunc::unix_write_space:
        return "unix_write_space";
    case kfunc::unix_dgram_peer_wake_relay:
        return "unix_dgram_peer_wake_relay";
    case kfunc::tcp_v4_do_rcv:
        return "tcp_v4_do_rcv";
    case kfunc::udp_queue_rcv_skb:
        return "udp_queue_rcv_skb";
    case kfunc::raw_rcv_skb:
        return "raw_rcv_skb";
    case kfunc::ping_queue_rcv_skb:
        return "ping_queue_rcv_skb";
    case kfunc::tcp_write_timer:
        return "tcp_write_timer";
    case kfunc::tcp_delack_timer:
        return "tcp_delack_timer";
    case kfunc::tcp_keepalive_timer:
        return "tcp_keepalive_timer";
    case kfunc::tcp_pace_kick:
        return "tcp_pace_kick";
    case kfunc::tcp_compressed_ack_kick:
        return "tcp_compressed_ack_kick";
    case kfunc::ipv4_specific:
        return "ipv4_specific";
    case kfunc::tcp_sync_mss:
        return "tcp_sync_mss";
    }
    return "?";
}

} // namespace ksock
