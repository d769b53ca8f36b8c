// ksock/inet/inet_ops.hpp: PF_INET's proto_ops tables (net/ipv4/af_inet.c):
// inet_stream_ops, inet_dgram_ops and inet_sockraw_ops, as far as socket
// creation, options and release reach them. socketpair is absent from all
// three: it falls back to sock_no_socketpair (EOPNOTSUPP), as in Linux.
#pragma once

#include <ksock/core/sock_init.hpp>
#include <ksock/inet/tcp_sockopt.hpp>
#include <ksock/inet/udp_sockopt.hpp>
#include <ksock/sock_sockopt.hpp>
#include <ksock/socket.hpp>
#include <ksock/uapi.hpp>

namespace ksock::inet {

//! The members the three tables share (they differ only in what they add).
struct inet_common_ops {
    static constexpr int family = pf_inet;

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
        return Entry::prot::getsockopt(so, level, optname, optval, optlen, ctx.current_cred());
    }

    //! sock_common_setsockopt: sk->sk_prot->setsockopt.
    template <class Entry, class Ctx>
    static int setsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen) {
        return Entry::prot::template setsockopt<typename Entry::ops>(so, level, optname, optval,
                                                                     optlen, ctx.current_cred());
    }
};

//! inet_stream_ops (TCP).
struct inet_stream_ops : inet_common_ops {
    static constexpr const char* name = "inet_stream_ops";
    static int set_peek_off(sock& sk, int val) { return sk_set_peek_off(sk, val); }
    static int set_rcvlowat(sock& sk, int val) { return tcp_set_rcvlowat(sk, val); }
};

//! inet_dgram_ops (UDP).
struct inet_dgram_ops : inet_common_ops {
    static constexpr const char* name = "inet_dgram_ops";
    static int set_peek_off(sock& sk, int val) { return udp_set_peek_off(sk, val); }
};

//! inet_sockraw_ops (RAW and PING): no set_peek_off, so SO_PEEK_OFF is
//! EOPNOTSUPP on these sockets.
struct inet_sockraw_ops : inet_common_ops {
    static constexpr const char* name = "inet_sockraw_ops";
};

} // namespace ksock::inet
