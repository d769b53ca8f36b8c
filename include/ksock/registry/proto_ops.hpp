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
// and two SOL_SOCKET helpers:
//   static int set_peek_off(sock&, int);
//   template <class Ctx> static int set_rcvlowat(Ctx&, sock&, int);
// Entry is the protosw entry that created the socket: it plays the role of
// Linux's sk->sk_prot, known statically in each case of the dispatch switch,
// so `Entry::prot::close(...)` is a direct call, never a pointer.
// A member O does not define is Linux's sock_no_* (or the NULL member the
// syscall layer turns into EOPNOTSUPP); a member O defines with another
// signature is a compile error naming the signature required.
#pragma once

#include <concepts>
#include <cstddef>
#include <utility>

#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

namespace detail {
template <class O>
concept has_release = requires(archetypes::context& c, socket& s) {
    { O::template release<archetypes::entry>(c, s) } -> std::same_as<int>;
};

//! The two SOL_SOCKET helpers an ops type may define.
template <class Ops>
concept has_set_peek_off = requires(sock& sk) {
    { Ops::set_peek_off(sk, std::declval<int>()) } -> std::same_as<int>;
};
template <class Ops>
concept has_set_rcvlowat = requires(archetypes::context& c, sock& sk) {
    { Ops::set_rcvlowat(c, sk, std::declval<int>()) } -> std::same_as<int>;
};
} // namespace detail

namespace detail {
//! Whether protosw entry \p E takes one of SOL_SOCKET's options itself:
//! SO_PEEK_OFF or SO_RCVLOWAT through its ops, SO_KEEPALIVE through its
//! proto (registry/proto.hpp). The others share sk_setsockopt whole.
template <class E>
inline constexpr bool sk_setsockopt_hooks =
    has_set_peek_off<typename E::ops> || has_set_rcvlowat<typename E::ops> ||
    proto_has_keepalive<typename E::prot>;
} // namespace detail

//! The proto_ops concept: release is the one member every socket needs.
template <class O>
concept proto_ops = detail::has_release<O>;

//! check_proto_ops<O>(): true, or a compile error that spells the release
//! member O must define (for a static_assert at an ops type's definition).
template <class O>
constexpr bool check_proto_ops() {
    static_assert(detail::has_release<O>,
                  "ksock::proto_ops<O>: O must define template <class Entry, class Ctx> static "
                  "int release(Ctx&, socket&) (every socket is released)");
    return true;
}

// Every optional member M is checked and dispatched the same way: has_M (the
// member with the right signature), names_M (a member template of that name,
// whatever its signature), and ops_M<Entry>(ctx, s, ...), which calls
// O::M<Entry>, refuses a member of the wrong signature with a message that
// spells the right one, and otherwise falls back to Linux's sock_no_M. The
// fifteen lines that do it are written once, as this macro (#undef'd below):
// thirteen copies would hide the one thing that differs, the signature.
//   RET, NAME      the member's return type and name
//   FALLBACK       what a table without it gives (sock_no_*)
//   SIG            the signature required, for the message
//   PARAMS, ARGS   the parameters after (Ctx&, socket&), and their names
//   PROBE          arguments of those types, to check a member's signature (std::declval<int>(),
//   not
//                  0: a literal 0 would also pass for a pointer parameter)
#define KSOCK_PROTO_OPS_MEMBER(RET, NAME, FALLBACK, SIG, PARAMS, ARGS, PROBE)                      \
    namespace detail {                                                                             \
    template <class O>                                                                             \
    concept has_##NAME = requires(archetypes::context & c, socket& s) {                            \
        { O::template NAME<archetypes::entry>(c, s PROBE) } -> std::same_as<RET>;                  \
    };                                                                                             \
    template <class O>                                                                             \
    concept names_##NAME = requires {                                                              \
        &O::template NAME<archetypes::entry, archetypes::context>;                                 \
    };                                                                                             \
    }                                                                                              \
    template <class Entry, class Ctx>                                                              \
    RET ops_##NAME(Ctx& ctx, socket& s PARAMS) {                                                   \
        using O = typename Entry::ops;                                                             \
        static_assert(detail::has_##NAME<O> || !detail::names_##NAME<O>,                           \
                      "ksock::proto_ops: Entry::ops::" #NAME                                       \
                      " must be template <class Entry, class Ctx> static " SIG);                   \
        if constexpr (detail::has_##NAME<O>)                                                       \
            return O::template NAME<Entry>(ctx, s ARGS);                                           \
        else                                                                                       \
            return FALLBACK;                                                                       \
    }
#define KSOCK_P(...) , __VA_ARGS__

//! ops_M<Entry>(ctx, s, ...): the proto_ops member M of Entry::ops called
//! for socket \p s, or what Linux gives a table without it: sock_no_M or
//! the syscall layer's EOPNOTSUPP for a NULL member, 0 for poll, ENOIOCTLCMD
//! for ioctl. A member of the wrong signature fails to compile.
//!@{

// sock_no_socketpair, and the NULL getsockopt / setsockopt do_sock_*sockopt
// turn into EOPNOTSUPP.
KSOCK_PROTO_OPS_MEMBER(int, socketpair, -eopnotsupp, "int socketpair(Ctx&, socket&, socket&)",
                       KSOCK_P(socket& b), KSOCK_P(b), KSOCK_P(s))
KSOCK_PROTO_OPS_MEMBER(int, getsockopt, -eopnotsupp,
                       "int getsockopt(Ctx&, socket&, int level, int optname, void*, socklen_t*)",
                       KSOCK_P(int level, int optname, void* optval, socklen_t* optlen),
                       KSOCK_P(level, optname, optval, optlen),
                       KSOCK_P(std::declval<int>(), std::declval<int>(),
                               static_cast<void*>(nullptr), static_cast<socklen_t*>(nullptr)))
KSOCK_PROTO_OPS_MEMBER(
    int, setsockopt, -eopnotsupp,
    "int setsockopt(Ctx&, socket&, int level, int optname, const void*, socklen_t)",
    KSOCK_P(int level, int optname, const void* optval, socklen_t optlen),
    KSOCK_P(level, optname, optval, optlen),
    KSOCK_P(std::declval<int>(), std::declval<int>(), static_cast<const void*>(nullptr),
            socklen_t{}))
// The data path. Linux's tables name sock_no_bind, sock_no_connect,
// sock_no_listen, sock_no_accept, sock_no_getname, sock_no_shutdown,
// sock_no_sendmsg and sock_no_recvmsg for what a socket type cannot do; all
// return EOPNOTSUPP. A table without ->poll polls as 0 (sock_poll), one
// without ->ioctl knows no request (sock_no_ioctl: -ENOIOCTLCMD).
KSOCK_PROTO_OPS_MEMBER(int, bind, -eopnotsupp,
                       "int bind(Ctx&, socket&, const sockaddr*, int addrlen)",
                       KSOCK_P(const sockaddr* a, int len), KSOCK_P(a, len),
                       KSOCK_P(static_cast<const sockaddr*>(nullptr), std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(int, connect, -eopnotsupp,
                       "int connect(Ctx&, socket&, const sockaddr*, int addrlen, int flags)",
                       KSOCK_P(const sockaddr* a, int len, int flags), KSOCK_P(a, len, flags),
                       KSOCK_P(static_cast<const sockaddr*>(nullptr), std::declval<int>(),
                               std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(int, listen, -eopnotsupp, "int listen(Ctx&, socket&, int backlog)",
                       KSOCK_P(int backlog), KSOCK_P(backlog), KSOCK_P(std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(int, accept, -eopnotsupp,
                       "int accept(Ctx&, socket&, socket& newsock, int flags)",
                       KSOCK_P(socket& newsock, int flags), KSOCK_P(newsock, flags),
                       KSOCK_P(s, std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(int, getname, -eopnotsupp, "int getname(Ctx&, socket&, sockaddr*, int peer)",
                       KSOCK_P(sockaddr* out, int peer), KSOCK_P(out, peer),
                       KSOCK_P(static_cast<sockaddr*>(nullptr), std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(unsigned, poll, 0u, "unsigned poll(Ctx&, socket&)", , , )
KSOCK_PROTO_OPS_MEMBER(int, shutdown, -eopnotsupp, "int shutdown(Ctx&, socket&, int how)",
                       KSOCK_P(int how), KSOCK_P(how), KSOCK_P(std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(long, sendmsg, -eopnotsupp,
                       "long sendmsg(Ctx&, socket&, kmsghdr&, std::size_t len)",
                       KSOCK_P(kmsghdr& m, std::size_t len), KSOCK_P(m, len),
                       KSOCK_P(std::declval<kmsghdr&>(), std::size_t{}))
KSOCK_PROTO_OPS_MEMBER(long, recvmsg, -eopnotsupp,
                       "long recvmsg(Ctx&, socket&, kmsghdr&, std::size_t len, int flags)",
                       KSOCK_P(kmsghdr& m, std::size_t len, int flags), KSOCK_P(m, len, flags),
                       KSOCK_P(std::declval<kmsghdr&>(), std::size_t{}, std::declval<int>()))
KSOCK_PROTO_OPS_MEMBER(int, ioctl, -enoioctlcmd,
                       "int ioctl(Ctx&, socket&, unsigned long cmd, void* arg)",
                       KSOCK_P(unsigned long cmd, void* arg), KSOCK_P(cmd, arg),
                       KSOCK_P(std::declval<unsigned long>(), static_cast<void*>(nullptr)))
//!@}
#undef KSOCK_P
#undef KSOCK_PROTO_OPS_MEMBER

} // namespace ksock
