// ksock/inet/inet_dgram_ops.hpp: inet_dgram_ops, the proto_ops of UDP
// sockets (net/ipv4/af_inet.c): inet_dgram_connect and udp_poll over the
// members every inet table shares; listen and accept are sock_no_*.
#pragma once

#include <ksock/inet/inet_ops.hpp>
#include <ksock/inet/udp_sockopt.hpp>

namespace ksock::inet {

struct inet_dgram_ops : inet_common_ops {
    static constexpr const char* name = "inet_dgram_ops";
    static int set_peek_off(sock& sk, int val) { return udp_set_peek_off(sk, val); }
};

} // namespace ksock::inet
