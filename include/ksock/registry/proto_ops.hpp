// ksock/registry/proto_ops.hpp: the proto_ops concept (the socket-layer operations of
// a socket type: inet_stream_ops, unix_dgram_ops ...) and Linux's sock_no_*
// fallbacks.
//
// An ops type O provides its members as static function templates
//   template <class Entry, class Ctx> static int release(Ctx&, socket&);   // required
//   template <class Entry, class Ctx> static int socketpair(Ctx&, socket&, socket&);
//   template <class Entry, class Ctx> static int getsockopt(Ctx&, socket&, int level,
//                                         int optname, void*, socklen_t*);
//   template <class Entry, class Ctx> static int setsockopt(Ctx&, socket&, int level,
//                                         int optname, const void*, socklen_t);
//   static int set_peek_off(sock&, int);   static int set_rcvlowat(sock&, int);
// and the data path (each `template <class Entry, class Ctx> static`):
//   int bind(Ctx&, socket&, const sockaddr*, int addrlen);
//   int connect(Ctx&, socket&, const sockaddr*, int addrlen, int flags); // f_flags
//   int listen(Ctx&, socket&, int backlog);        // backlog already <= somaxconn
//   int accept(Ctx&, socket& listener, socket& newsock, int flags); // O_NONBLOCK
//   int getname(Ctx&, socket&, sockaddr* out, int peer);  // length or -errno
//   unsigned poll(Ctx&, socket&);                   // POLL* mask
//   int shutdown(Ctx&, socket&, int how);           // SHUT_RD/WR/RDWR, unchecked
//   long sendmsg(Ctx&, socket&, kmsghdr&, std::size_t len); // flags in msg_flags
//   long recvmsg(Ctx&, socket&, kmsghdr&, std::size_t len, int flags);
//   int ioctl(Ctx&, socket&, unsigned long cmd, void* arg);  // -ENOIOCTLCMD: not ours
// Entry is the protosw entry that created the socket: it plays the role of
// Linux's sk->sk_prot, known statically in each case of the dispatch switch,
// so `Entry::prot::close(...)` is a direct call, never a pointer.
// A member O does not define is Linux's sock_no_* (or the NULL member the
// syscall layer turns into EOPNOTSUPP).
#pragma once

#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

namespace detail {
template <class O>
concept has_release = requires(archetypes::context& c, socket& s) {
    { O::template release<archetypes::entry>(c, s) } -> std::same_as<int>;
};
template <class O>
concept has_socketpair = requires(archetypes::context& c, socket& s) {
    { O::template socketpair<archetypes::entry>(c, s, s) } -> std::same_as<int>;
};
template <class O>
concept has_getsockopt = requires(archetypes::context& c, socket& s, void* v, socklen_t* l) {
    { O::template getsockopt<archetypes::entry>(c, s, 0, 0, v, l) } -> std::same_as<int>;
};
template <class O>
concept has_setsockopt = requires(archetypes::context& c, socket& s, const void* v) {
    { O::template setsockopt<archetypes::entry>(c, s, 0, 0, v, socklen_t{}) } -> std::same_as<int>;
};
template <class O>
concept has_bind = requires(archetypes::context& c, socket& s, const sockaddr* a) {
    { O::template bind<archetypes::entry>(c, s, a, 0) } -> std::same_as<int>;
};
template <class O>
concept has_connect = requires(archetypes::context& c, socket& s, const sockaddr* a) {
    { O::template connect<archetypes::entry>(c, s, a, 0, 0) } -> std::same_as<int>;
};
template <class O>
concept has_listen = requires(archetypes::context& c, socket& s) {
    { O::template listen<archetypes::entry>(c, s, 0) } -> std::same_as<int>;
};
template <class O>
concept has_accept = requires(archetypes::context& c, socket& s) {
    { O::template accept<archetypes::entry>(c, s, s, 0) } -> std::same_as<int>;
};
template <class O>
concept has_getname = requires(archetypes::context& c, socket& s, sockaddr* a) {
    { O::template getname<archetypes::entry>(c, s, a, 0) } -> std::same_as<int>;
};
template <class O>
concept has_poll = requires(archetypes::context& c, socket& s) {
    { O::template poll<archetypes::entry>(c, s) } -> std::same_as<unsigned>;
};
template <class O>
concept has_shutdown = requires(archetypes::context& c, socket& s) {
    { O::template shutdown<archetypes::entry>(c, s, 0) } -> std::same_as<int>;
};
template <class O>
concept has_sendmsg = requires(archetypes::context& c, socket& s, kmsghdr& m) {
    { O::template sendmsg<archetypes::entry>(c, s, m, std::size_t{}) } -> std::same_as<long>;
};
template <class O>
concept has_recvmsg = requires(archetypes::context& c, socket& s, kmsghdr& m) {
    { O::template recvmsg<archetypes::entry>(c, s, m, std::size_t{}, 0) } -> std::same_as<long>;
};
//! O has a member template of that name, whatever its signature: a member
//! with a wrong signature is an error, not a silent sock_no_* fallback.
template <class O>
concept names_bind = requires {
    &O::template bind<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_connect = requires {
    &O::template connect<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_listen = requires {
    &O::template listen<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_accept = requires {
    &O::template accept<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_getname = requires {
    &O::template getname<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_poll = requires {
    &O::template poll<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_shutdown = requires {
    &O::template shutdown<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_sendmsg = requires {
    &O::template sendmsg<archetypes::entry, archetypes::context>;
};
template <class O>
concept names_recvmsg = requires {
    &O::template recvmsg<archetypes::entry, archetypes::context>;
};
template <class O>
concept has_ioctl = requires(archetypes::context& c, socket& s, void* a) {
    { O::template ioctl<archetypes::entry>(c, s, 0UL, a) } -> std::same_as<int>;
};
template <class O>
concept names_ioctl = requires {
    &O::template ioctl<archetypes::entry, archetypes::context>;
};
//! The two SOL_SOCKET helpers an ops type may define (set_peek_off,
//! set_rcvlowat): plain static functions of the sock.
template <class Ops>
concept has_set_peek_off = requires(sock& sk) {
    { Ops::set_peek_off(sk, 0) } -> std::same_as<int>;
};
template <class Ops>
concept has_set_rcvlowat = requires(archetypes::context& c, sock& sk) {
    { Ops::set_rcvlowat(c, sk, 0) } -> std::same_as<int>;
};
} // namespace detail

//! The proto_ops concept: release is the one member every socket needs.
template <class O>
concept proto_ops = detail::has_release<O>;

template <class O>
constexpr bool check_proto_ops() {
    static_assert(detail::has_release<O>,
                  "ksock::proto_ops<O>: O must define template <class Entry, class Ctx> static "
                  "int release(Ctx&, socket&) (every socket is released)");
    return true;
}

// Linux's sock_no_* members: the operation does not exist for this socket.
constexpr int sock_no_socketpair(socket&, socket&) noexcept {
    return -eopnotsupp;
}

//! sock->ops->socketpair(a, b), falling back to sock_no_socketpair.
template <class Entry, class Ctx>
constexpr int ops_socketpair(Ctx& ctx, socket& a, socket& b) {
    using O = typename Entry::ops;
    if constexpr (detail::has_socketpair<O>)
        return O::template socketpair<Entry>(ctx, a, b);
    else
        return sock_no_socketpair(a, b);
}

//! sock->ops->getsockopt: a NULL member is EOPNOTSUPP (do_sock_getsockopt).
template <class Entry, class Ctx>
constexpr int ops_getsockopt(Ctx& ctx, socket& s, int level, int optname, void* optval,
                             socklen_t* optlen) {
    using O = typename Entry::ops;
    if constexpr (detail::has_getsockopt<O>)
        return O::template getsockopt<Entry>(ctx, s, level, optname, optval, optlen);
    else
        return -eopnotsupp;
}

//! sock->ops->setsockopt: a NULL member is EOPNOTSUPP (do_sock_setsockopt).
template <class Entry, class Ctx>
constexpr int ops_setsockopt(Ctx& ctx, socket& s, int level, int optname, const void* optval,
                             socklen_t optlen) {
    using O = typename Entry::ops;
    if constexpr (detail::has_setsockopt<O>)
        return O::template setsockopt<Entry>(ctx, s, level, optname, optval, optlen);
    else
        return -eopnotsupp;
}

// The data-path members. Linux's tables name sock_no_bind, sock_no_connect,
// sock_no_listen, sock_no_accept, sock_no_getname, sock_no_shutdown,
// sock_no_sendmsg and sock_no_recvmsg for what a socket type cannot do; all
// return EOPNOTSUPP. A table without ->poll polls as 0 (sock_poll).

template <class Entry, class Ctx>
int ops_bind(Ctx& ctx, socket& s, const sockaddr* a, int len) {
    using O = typename Entry::ops;
    static_assert(detail::has_bind<O> || !detail::names_bind<O>,
                  "ksock::proto_ops: Entry::ops::bind must be template <class Entry, class Ctx> "
                  "static int bind(Ctx&, socket&, const sockaddr*, int addrlen)");
    if constexpr (detail::has_bind<O>)
        return O::template bind<Entry>(ctx, s, a, len);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
int ops_connect(Ctx& ctx, socket& s, const sockaddr* a, int len, int flags) {
    using O = typename Entry::ops;
    static_assert(detail::has_connect<O> || !detail::names_connect<O>,
                  "ksock::proto_ops: Entry::ops::connect must be template <class Entry, class Ctx> "
                  "static int connect(Ctx&, socket&, const sockaddr*, int addrlen, int flags)");
    if constexpr (detail::has_connect<O>)
        return O::template connect<Entry>(ctx, s, a, len, flags);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
int ops_listen(Ctx& ctx, socket& s, int backlog) {
    using O = typename Entry::ops;
    static_assert(detail::has_listen<O> || !detail::names_listen<O>,
                  "ksock::proto_ops: Entry::ops::listen must be template <class Entry, class Ctx> "
                  "static int listen(Ctx&, socket&, int backlog)");
    if constexpr (detail::has_listen<O>)
        return O::template listen<Entry>(ctx, s, backlog);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
int ops_accept(Ctx& ctx, socket& s, socket& newsock, int flags) {
    using O = typename Entry::ops;
    static_assert(detail::has_accept<O> || !detail::names_accept<O>,
                  "ksock::proto_ops: Entry::ops::accept must be template <class Entry, class Ctx> "
                  "static int accept(Ctx&, socket&, socket& newsock, int flags)");
    if constexpr (detail::has_accept<O>)
        return O::template accept<Entry>(ctx, s, newsock, flags);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
int ops_getname(Ctx& ctx, socket& s, sockaddr* out, int peer) {
    using O = typename Entry::ops;
    static_assert(detail::has_getname<O> || !detail::names_getname<O>,
                  "ksock::proto_ops: Entry::ops::getname must be template <class Entry, class Ctx> "
                  "static int getname(Ctx&, socket&, sockaddr*, int peer)");
    if constexpr (detail::has_getname<O>)
        return O::template getname<Entry>(ctx, s, out, peer);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
unsigned ops_poll(Ctx& ctx, socket& s) {
    using O = typename Entry::ops;
    static_assert(detail::has_poll<O> || !detail::names_poll<O>,
                  "ksock::proto_ops: Entry::ops::poll must be template <class Entry, class Ctx> "
                  "static unsigned poll(Ctx&, socket&)");
    if constexpr (detail::has_poll<O>)
        return O::template poll<Entry>(ctx, s);
    else
        return 0;
}
template <class Entry, class Ctx>
int ops_shutdown(Ctx& ctx, socket& s, int how) {
    using O = typename Entry::ops;
    static_assert(
        detail::has_shutdown<O> || !detail::names_shutdown<O>,
        "ksock::proto_ops: Entry::ops::shutdown must be template <class Entry, class Ctx> "
        "static int shutdown(Ctx&, socket&, int how)");
    if constexpr (detail::has_shutdown<O>)
        return O::template shutdown<Entry>(ctx, s, how);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
long ops_sendmsg(Ctx& ctx, socket& s, kmsghdr& m, std::size_t len) {
    using O = typename Entry::ops;
    static_assert(detail::has_sendmsg<O> || !detail::names_sendmsg<O>,
                  "ksock::proto_ops: Entry::ops::sendmsg must be template <class Entry, class Ctx> "
                  "static long sendmsg(Ctx&, socket&, kmsghdr&, std::size_t len)");
    if constexpr (detail::has_sendmsg<O>)
        return O::template sendmsg<Entry>(ctx, s, m, len);
    else
        return -eopnotsupp;
}
template <class Entry, class Ctx>
long ops_recvmsg(Ctx& ctx, socket& s, kmsghdr& m, std::size_t len, int flags) {
    using O = typename Entry::ops;
    static_assert(detail::has_recvmsg<O> || !detail::names_recvmsg<O>,
                  "ksock::proto_ops: Entry::ops::recvmsg must be template <class Entry, class Ctx> "
                  "static long recvmsg(Ctx&, socket&, kmsghdr&, std::size_t len, int flags)");
    if constexpr (detail::has_recvmsg<O>)
        return O::template recvmsg<Entry>(ctx, s, m, len, flags);
    else
        return -eopnotsupp;
}

//! sock->ops->ioctl; a table without one (sock_no_ioctl) knows no request.
template <class Entry, class Ctx>
int ops_ioctl(Ctx& ctx, socket& s, unsigned long cmd, void* arg) {
    using O = typename Entry::ops;
    static_assert(detail::has_ioctl<O> || !detail::names_ioctl<O>,
                  "ksock::proto_ops: Entry::ops::ioctl must be template <class Entry, class Ctx> "
                  "static int ioctl(Ctx&, socket&, unsigned long cmd, void* arg)");
    if constexpr (detail::has_ioctl<O>)
        return O::template ioctl<Entry>(ctx, s, cmd, arg);
    else
        return -enoioctlcmd;
}

} // namespace ksock
