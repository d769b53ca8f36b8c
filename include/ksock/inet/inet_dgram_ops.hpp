// ksock/inet/inet_dgram_ops.hpp: inet_dgram_ops, the proto_ops of UDP
// sockets (net/ipv4/af_inet.c): inet_dgram_connect and udp_poll over the
// members every inet table shares; listen and accept are sock_no_*.
#pragma once

#include <ksock/core/datagram.hpp>
#include <ksock/inet/inet_ops.hpp>
#include <ksock/inet/ip/ip_datagram.hpp>
#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/inet/udp/udp_sockopt.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock::inet {

//! inet_dgram_ops (net/ipv4/af_inet.c): the socket-level operations of SOCK_DGRAM UDP and UDP-Lite.
struct inet_dgram_ops : inet_common_ops {
    static constexpr const char* name = "inet_dgram_ops"; //!< the ops table's name in Linux
    //! SO_PEEK_OFF (udp_set_peek_off).
    static int set_peek_off(sock& sk, int val) { return udp_set_peek_off(sk, val); }

    //! ->connect (inet_dgram_connect).
    template <class Entry, class Ctx>
    static int connect(Ctx& ctx, ksock::socket& so, const sockaddr* a, int len, int flags) {
        return inet_dgram_connect<Entry>(ctx, so, a, len, flags);
    }

    //! udp_poll: datagram_poll, and readable while UDP's reader queue holds
    //! a datagram too.
    template <class Entry, class Ctx>
    static unsigned poll(Ctx&, ksock::socket& so) {
        unsigned mask = datagram_poll(so);
        if (!skb_queue_empty(udp_sk(so.sk)->reader_queue))
            mask |= pollin | pollrdnorm;
        return mask;
    }
};

} // namespace ksock::inet
