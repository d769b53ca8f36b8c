// ksock/proto_ops.hpp: the proto_ops concept (the socket-layer operations of
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
// Entry is the protosw entry that created the socket: it plays the role of
// Linux's sk->sk_prot, known statically in each case of the dispatch switch,
// so `Entry::prot::close(...)` is a direct call, never a pointer.
// A member O does not define is Linux's sock_no_* (or the NULL member the
// syscall layer turns into EOPNOTSUPP).
#pragma once

#include <ksock/context.hpp>
#include <ksock/errno.hpp>
#include <ksock/socket.hpp>
#include <ksock/uapi.hpp>

namespace ksock {

namespace archetypes {
struct proto {};
//! The minimal protosw entry an ops member is instantiated with in checks.
struct entry {
    using prot = archetypes::proto;
    static constexpr int type = 1;
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
};
} // namespace archetypes

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

} // namespace ksock
