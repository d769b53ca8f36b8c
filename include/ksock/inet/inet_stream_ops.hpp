// ksock/inet/inet_stream_ops.hpp: inet_stream_ops, the proto_ops of TCP
// sockets (net/ipv4/af_inet.c): inet_stream_connect, inet_listen,
// inet_accept and tcp_poll over the members every inet table shares.
#pragma once

#include <ksock/inet/inet_connection_sock_ops.hpp>
#include <ksock/inet/inet_ops.hpp>
#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/inet/tcp/tcp_stream.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock::inet {

//! inet_stream_ops (net/ipv4/af_inet.c): the socket-level operations of SOCK_STREAM (TCP).
struct inet_stream_ops : inet_common_ops {
    static constexpr const char* name = "inet_stream_ops"; //!< the ops table's name in Linux
    //! SO_PEEK_OFF (sk_set_peek_off).
    static int set_peek_off(sock& sk, int val) { return sk_set_peek_off(sk, val); }
    //! SO_RCVLOWAT (tcp_set_rcvlowat).
    template <class Ctx>
    static int set_rcvlowat(Ctx& ctx, sock& sk, int val) {
        return tcp_set_rcvlowat(sk, val, ipv4_net(ctx));
    }

    //! ->connect (inet_stream_connect).
    template <class Entry, class Ctx>
    static int connect(Ctx& ctx, ksock::socket& so, const sockaddr* a, int len, int flags) {
        return inet_stream_connect<typename Entry::prot>(ctx, so, a, len, flags);
    }
    //! ->listen (inet_listen).
    template <class Entry, class Ctx>
    static int listen(Ctx& ctx, ksock::socket& so, int backlog) {
        return inet_listen<typename Entry::prot>(ctx, so, backlog);
    }
    //! ->accept (inet_accept).
    template <class Entry, class Ctx>
    static int accept(Ctx& ctx, ksock::socket& so, ksock::socket& newsock, int flags) {
        return inet_accept<typename Entry::prot>(ctx, so, newsock, flags);
    }
    //! ->poll (tcp_poll).
    template <class Entry, class Ctx>
    static unsigned poll(Ctx& ctx, ksock::socket& so) {
        return tcp_poll(ctx, so);
    }
};

} // namespace ksock::inet
