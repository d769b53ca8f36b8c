// ksock/inet/inet_ops.hpp: what PF_INET's three proto_ops tables share
// (net/ipv4/af_inet.c). The tables themselves, inet_stream_ops,
// inet_dgram_ops and inet_sockraw_ops, are in their own headers. socketpair
// is absent from all three: it falls back to sock_no_socketpair
// (EOPNOTSUPP), as in Linux.
#pragma once

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/inet/udp/udp_sockopt.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! The members the three tables share (they differ only in what they add).
struct inet_common_ops {
    static constexpr int family = pf_inet; //!< the family these ops serve

    //! inet_release: leave multicast groups (none yet), close the sock with
    //! the SO_LINGER time, detach it from the socket.
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        if (sock* sk = so.sk) {
            trace_scope ts(ctx.trace(), "inet_release");
            const long timeout = sock_flag(*sk, sock_linger) ? sk->sk_lingertime : 0;
            Entry::prot::close(ctx, *sk, timeout);
            so.sk = nullptr;
        }
        return 0;
    }

    //! sock_common_getsockopt: sk->sk_prot->getsockopt.
    template <class Entry, class Ctx>
    static int getsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, void* optval,
                          socklen_t* optlen) {
        return Entry::prot::template getsockopt<Entry>(ctx, so, level, optname, optval, optlen);
    }

    //! sock_common_setsockopt: sk->sk_prot->setsockopt.
    template <class Entry, class Ctx>
    static int setsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen) {
        return Entry::prot::template setsockopt<Entry>(ctx, so, level, optname, optval, optlen);
    }

    //! ->bind (inet_bind).
    template <class Entry, class Ctx>
    static int bind(Ctx& ctx, ksock::socket& so, const sockaddr* a, int len) {
        return inet_bind<Entry>(ctx, so, a, len);
    }
    //! ->getname (inet_getname).
    template <class Entry, class Ctx>
    static int getname(Ctx& ctx, ksock::socket& so, sockaddr* a, int peer) {
        return inet_getname<Entry>(ctx, so, a, peer);
    }
    //! ->shutdown (inet_shutdown).
    template <class Entry, class Ctx>
    static int shutdown(Ctx& ctx, ksock::socket& so, int how) {
        return inet_shutdown<Entry>(ctx, so, how);
    }
    //! ->sendmsg (inet_sendmsg): the proto's sendmsg.
    template <class Entry, class Ctx>
    static long sendmsg(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t len) {
        return inet_sendmsg<Entry>(ctx, so, msg, len);
    }
    //! ->recvmsg (inet_recvmsg): the proto's recvmsg.
    template <class Entry, class Ctx>
    static long recvmsg(Ctx& ctx, ksock::socket& so, kmsghdr& msg, std::size_t len, int flags) {
        return inet_recvmsg<Entry>(ctx, so, msg, len, flags);
    }
    //! ->ioctl (inet_ioctl).
    template <class Entry, class Ctx>
    static int ioctl(Ctx& ctx, ksock::socket& so, unsigned long cmd, void* arg) {
        return inet_ioctl<Entry>(ctx, so, cmd, arg);
    }
};

} // namespace ksock::inet
