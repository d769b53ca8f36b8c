// ksock/inet/inet_stream_ops.hpp: inet_stream_ops, the proto_ops of TCP
// sockets (net/ipv4/af_inet.c): inet_stream_connect, inet_listen,
// inet_accept and tcp_poll over the members every inet table shares.
#pragma once

#include <ksock/inet/inet_ops.hpp>
#include <ksock/inet/tcp_sockopt.hpp>

namespace ksock::inet {

struct inet_stream_ops : inet_common_ops {
    static constexpr const char* name = "inet_stream_ops";
    static int set_peek_off(sock& sk, int val) { return sk_set_peek_off(sk, val); }
    static int set_rcvlowat(sock& sk, int val) { return tcp_set_rcvlowat(sk, val); }
};

} // namespace ksock::inet
