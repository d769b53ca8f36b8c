// ksock/inet/inet_sockraw_ops.hpp: inet_sockraw_ops, the proto_ops of RAW
// and PING sockets (net/ipv4/af_inet.c): inet_dgram_connect and
// datagram_poll over the members every inet table shares. It has no
// set_peek_off, so SO_PEEK_OFF is EOPNOTSUPP on these sockets.
#pragma once

#include <ksock/core/datagram.hpp>
#include <ksock/inet/inet_ops.hpp>
#include <ksock/inet/ip/ip_datagram.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock::inet {

//! inet_sockraw_ops (net/ipv4/af_inet.c): the socket-level operations of SOCK_RAW and of ping
//! sockets.
struct inet_sockraw_ops : inet_common_ops {
    static constexpr const char* name = "inet_sockraw_ops"; //!< the ops table's name in Linux

    //! ->connect (inet_dgram_connect).
    template <class Entry, class Ctx>
    static int connect(Ctx& ctx, ksock::socket& so, const sockaddr* a, int len, int flags) {
        return inet_dgram_connect<Entry>(ctx, so, a, len, flags);
    }
    //! ->poll (datagram_poll).
    template <class Entry, class Ctx>
    static unsigned poll(Ctx&, ksock::socket& so) {
        return datagram_poll(so);
    }
};

} // namespace ksock::inet
