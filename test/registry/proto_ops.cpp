// test/registry/proto_ops.cpp: the proto_ops concept (release is the one
// required member), the per-member checks has_M (M with the right signature)
// and names_M (a member template called M, whatever its signature) of the 13
// optional members, the SOL_SOCKET helpers, and the dispatch ops_M, which
// calls M or falls back to Linux's sock_no_M.
//
// (a) the minimal model toy_ops (release only) and a complete model;
// (b) every ops type of the default stack, each member it defines well-typed;
// (c) near-misses: release missing or mistyped; each optional member with a
//     wrong parameter list or result: not has_M, but names_M (which is what
//     makes ops_M refuse it with a message instead of silently falling back
//     to EOPNOTSUPP, see test/fail/registry/ops_*_signature.cpp).
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace proto_ops_test {

using namespace ksock;
using ksock_test::toy_ops;
using ctx = archetypes::context;

//! Every optional member with the right signature; each returns its own
//! number so that the dispatch can be seen to reach it.
struct all_ops : toy_ops {
    // clang-format off
    template <class E, class C> static int socketpair(C&, ksock::socket&, ksock::socket&) { return 1; }
    template <class E, class C> static int getsockopt(C&, ksock::socket&, int, int, void*, socklen_t*) { return 2; }
    template <class E, class C> static int setsockopt(C&, ksock::socket&, int, int, const void*, socklen_t) { return 3; }
    template <class E, class C> static int bind(C&, ksock::socket&, const sockaddr*, int) { return 4; }
    template <class E, class C> static int connect(C&, ksock::socket&, const sockaddr*, int, int) { return 5; }
    template <class E, class C> static int listen(C&, ksock::socket&, int) { return 6; }
    template <class E, class C> static int accept(C&, ksock::socket&, ksock::socket&, int) { return 7; }
    template <class E, class C> static int getname(C&, ksock::socket&, sockaddr*, int) { return 8; }
    template <class E, class C> static unsigned poll(C&, ksock::socket&) { return 9; }
    template <class E, class C> static int shutdown(C&, ksock::socket&, int) { return 10; }
    template <class E, class C> static long sendmsg(C&, ksock::socket&, kmsghdr&, std::size_t) { return 11; }
    template <class E, class C> static long recvmsg(C&, ksock::socket&, kmsghdr&, std::size_t, int) { return 12; }
    template <class E, class C> static int ioctl(C&, ksock::socket&, unsigned long, void*) { return 13; }
    static int set_peek_off(sock&, int) { return 14; }
    template <class C> static int set_rcvlowat(C&, sock&, int) { return 15; }
    // clang-format on
};

//! Every optional member named, each with a mistake Linux code ported by
//! hand could make (the parameter lists of older kernels, a wrong result).
struct mistyped_ops : toy_ops {
    // clang-format off
    template <class E, class C> static int socketpair(C&, ksock::socket&);                        // no peer
    template <class E, class C> static int getsockopt(C&, ksock::socket&, int, int, void*, socklen_t); // optlen by value
    template <class E, class C> static int setsockopt(C&, ksock::socket&, int, int, void*, socklen_t);  // optval not const
    template <class E, class C> static int bind(C&, ksock::socket&, const sockaddr*);             // no addrlen
    template <class E, class C> static int connect(C&, ksock::socket&, const sockaddr*, int);     // no flags
    template <class E, class C> static void listen(C&, ksock::socket&, int);                      // no result
    template <class E, class C> static int accept(C&, ksock::socket&, ksock::socket&);            // no flags (pre-4.10)
    template <class E, class C> static int getname(C&, ksock::socket&, sockaddr*, int*, int);     // length pointer (pre-4.17)
    template <class E, class C> static int poll(C&, ksock::socket&);                              // not __poll_t
    template <class E, class C> static int shutdown(C&, ksock::socket&);                          // no how
    template <class E, class C> static int sendmsg(C&, ksock::socket&, kmsghdr&, std::size_t);    // int, not ssize_t
    template <class E, class C> static long recvmsg(C&, ksock::socket&, kmsghdr&, std::size_t);   // no flags
    template <class E, class C> static int ioctl(C&, ksock::socket&, unsigned long, unsigned long); // Linux's integer arg
    static int set_peek_off(sock&);                                                                // no value
    static int set_rcvlowat(sock&, int);                                                           // no context
    // clang-format on
};

//! release missing, or without the entry, or without a result.
struct no_release {};
struct release_without_entry {
    template <class C>
    static int release(C&, ksock::socket&);
};
struct release_returns_void {
    template <class E, class C>
    static void release(C&, ksock::socket&);
};

//! has_M and names_M of all 13 members, in the order of proto_ops.hpp.
template <class O>
constexpr bool has_all() {
    using namespace detail;
    return has_socketpair<O> && has_getsockopt<O> && has_setsockopt<O> && has_bind<O> &&
           has_connect<O> && has_listen<O> && has_accept<O> && has_getname<O> && has_poll<O> &&
           has_shutdown<O> && has_sendmsg<O> && has_recvmsg<O> && has_ioctl<O>;
}
template <class O>
constexpr bool has_none() {
    using namespace detail;
    return !has_socketpair<O> && !has_getsockopt<O> && !has_setsockopt<O> && !has_bind<O> &&
           !has_connect<O> && !has_listen<O> && !has_accept<O> && !has_getname<O> && !has_poll<O> &&
           !has_shutdown<O> && !has_sendmsg<O> && !has_recvmsg<O> && !has_ioctl<O>;
}
template <class O>
constexpr bool names_all() {
    using namespace detail;
    return names_socketpair<O> && names_getsockopt<O> && names_setsockopt<O> && names_bind<O> &&
           names_connect<O> && names_listen<O> && names_accept<O> && names_getname<O> &&
           names_poll<O> && names_shutdown<O> && names_sendmsg<O> && names_recvmsg<O> &&
           names_ioctl<O>;
}
template <class O>
constexpr bool names_none() {
    using namespace detail;
    return !names_socketpair<O> && !names_getsockopt<O> && !names_setsockopt<O> && !names_bind<O> &&
           !names_connect<O> && !names_listen<O> && !names_accept<O> && !names_getname<O> &&
           !names_poll<O> && !names_shutdown<O> && !names_sendmsg<O> && !names_recvmsg<O> &&
           !names_ioctl<O>;
}
//! Every member O names, it defines with the right signature.
template <class O>
constexpr bool well_typed() {
    using namespace detail;
    return has_socketpair<O> == names_socketpair<O> && has_getsockopt<O> == names_getsockopt<O> &&
           has_setsockopt<O> == names_setsockopt<O> && has_bind<O> == names_bind<O> &&
           has_connect<O> == names_connect<O> && has_listen<O> == names_listen<O> &&
           has_accept<O> == names_accept<O> && has_getname<O> == names_getname<O> &&
           has_poll<O> == names_poll<O> && has_shutdown<O> == names_shutdown<O> &&
           has_sendmsg<O> == names_sendmsg<O> && has_recvmsg<O> == names_recvmsg<O> &&
           has_ioctl<O> == names_ioctl<O>;
}

// The real ops, through the default stack's resolution.
using reg = registry<default_config::families>;
using tcp_ops = reg::resolve<pf_inet, sock_stream, 0>::ops;
using udp_ops = reg::resolve<pf_inet, sock_dgram, 0>::ops;
using raw_ops = reg::resolve<pf_inet, sock_raw, ipproto_raw>::ops;
using unix_stream_ops = reg::resolve<pf_unix, sock_stream, 0>::ops;
using unix_dgram_ops = reg::resolve<pf_unix, sock_dgram, 0>::ops;

template <class... Es>
constexpr bool all_entries_ops(type_list<Es...>) {
    return ((proto_ops<typename Es::ops> && well_typed<typename Es::ops>()) && ...);
}

using toy_entry = ksock_test::toy_protosw;
using all_entry = protosw<sock_dgram, 1, ksock_test::toy_prot, all_ops>;

} // namespace proto_ops_test

using namespace proto_ops_test;

TEST_CASE("proto_ops: the minimal model and a complete one") {
    STATIC_REQUIRE(proto_ops<toy_ops>);
    STATIC_REQUIRE(check_proto_ops<toy_ops>());
    STATIC_REQUIRE(proto_ops<all_ops>);
    STATIC_REQUIRE(proto_ops<mistyped_ops>); // release alone makes an ops type
}

TEST_CASE("proto_ops: every ops type of the default stack, every member well-typed") {
    STATIC_REQUIRE(reg::entries::size == 8);
    STATIC_REQUIRE(all_entries_ops(reg::entries{}));
}

TEST_CASE("proto_ops: release missing, without the entry, or without a result") {
    STATIC_REQUIRE(!proto_ops<no_release>);
    STATIC_REQUIRE(!proto_ops<release_without_entry>);
    STATIC_REQUIRE(!proto_ops<release_returns_void>);
    STATIC_REQUIRE(!proto_ops<int>);
}

namespace {
//! Pointer parameters where the signature has numbers: a probe of 0 would
//! accept them, the typed probes do not.
struct pointer_params_ops {
    template <class Entry, class Ctx>
    static int listen(Ctx&, socket&, int*) {
        return 0;
    }
    template <class Entry, class Ctx>
    static int ioctl(Ctx&, socket&, void*, void*) {
        return 0;
    }
};
} // namespace

TEST_CASE("proto_ops: has_M and names_M of the 13 optional members") {
    STATIC_REQUIRE(!detail::has_listen<pointer_params_ops>);
    STATIC_REQUIRE(detail::names_listen<pointer_params_ops>);
    STATIC_REQUIRE(!detail::has_ioctl<pointer_params_ops>);
    STATIC_REQUIRE(detail::names_ioctl<pointer_params_ops>);
    // Right signatures: has and names.
    STATIC_REQUIRE(has_all<all_ops>());
    STATIC_REQUIRE(names_all<all_ops>());
    // None defined: neither.
    STATIC_REQUIRE(has_none<toy_ops>());
    STATIC_REQUIRE(names_none<toy_ops>());
    // Wrong signatures: names, but not has; for example a setsockopt whose
    // optval is not const.
    STATIC_REQUIRE(!detail::has_setsockopt<mistyped_ops>);
    STATIC_REQUIRE(detail::names_setsockopt<mistyped_ops>);
    STATIC_REQUIRE(has_none<mistyped_ops>());
    STATIC_REQUIRE(names_all<mistyped_ops>());
    STATIC_REQUIRE(!well_typed<mistyped_ops>());
}

TEST_CASE("proto_ops: the SOL_SOCKET helpers set_peek_off and set_rcvlowat") {
    STATIC_REQUIRE(detail::has_set_peek_off<all_ops>);
    STATIC_REQUIRE(detail::has_set_rcvlowat<all_ops>);
    STATIC_REQUIRE(!detail::has_set_peek_off<toy_ops>);
    STATIC_REQUIRE(!detail::has_set_rcvlowat<toy_ops>);
    STATIC_REQUIRE(!detail::has_set_peek_off<mistyped_ops>);
    STATIC_REQUIRE(!detail::has_set_rcvlowat<mistyped_ops>);
}

TEST_CASE("proto_ops: the real ops types define what their Linux tables define") {
    namespace d = ksock::detail;
    // inet_stream_ops: the connection calls, SO_PEEK_OFF and SO_RCVLOWAT; no
    // socketpair (sock_no_socketpair).
    STATIC_REQUIRE(d::has_connect<tcp_ops>);
    STATIC_REQUIRE(d::has_listen<tcp_ops>);
    STATIC_REQUIRE(d::has_accept<tcp_ops>);
    STATIC_REQUIRE(d::has_poll<tcp_ops>);
    STATIC_REQUIRE(d::has_setsockopt<tcp_ops>);
    STATIC_REQUIRE(!d::names_socketpair<tcp_ops>);
    STATIC_REQUIRE(d::has_set_peek_off<tcp_ops>);
    STATIC_REQUIRE(d::has_set_rcvlowat<tcp_ops>);
    // inet_dgram_ops: no listen, no accept (sock_no_listen, sock_no_accept).
    STATIC_REQUIRE(d::has_connect<udp_ops>);
    STATIC_REQUIRE(!d::names_listen<udp_ops>);
    STATIC_REQUIRE(!d::names_accept<udp_ops>);
    STATIC_REQUIRE(d::has_set_peek_off<udp_ops>);
    // inet_sockraw_ops: no SO_PEEK_OFF.
    STATIC_REQUIRE(!d::has_set_peek_off<raw_ops>);
    // PF_UNIX: socketpair, and no option level of its own.
    STATIC_REQUIRE(d::has_socketpair<unix_stream_ops>);
    STATIC_REQUIRE(d::has_socketpair<unix_dgram_ops>);
    STATIC_REQUIRE(d::has_listen<unix_stream_ops>);
    STATIC_REQUIRE(!d::names_listen<unix_dgram_ops>);
    STATIC_REQUIRE(!d::names_getsockopt<unix_stream_ops>);
    STATIC_REQUIRE(d::has_set_peek_off<unix_stream_ops>);
}

TEST_CASE("ops_M: a member that is defined is called") {
    ctx c;
    ksock::socket s{};
    kmsghdr m{};
    CHECK(ops_socketpair<all_entry>(c, s, s) == 1);
    CHECK(ops_getsockopt<all_entry>(c, s, 0, 0, nullptr, nullptr) == 2);
    CHECK(ops_setsockopt<all_entry>(c, s, 0, 0, nullptr, 0) == 3);
    CHECK(ops_bind<all_entry>(c, s, nullptr, 0) == 4);
    CHECK(ops_connect<all_entry>(c, s, nullptr, 0, 0) == 5);
    CHECK(ops_listen<all_entry>(c, s, 0) == 6);
    CHECK(ops_accept<all_entry>(c, s, s, 0) == 7);
    CHECK(ops_getname<all_entry>(c, s, nullptr, 0) == 8);
    CHECK(ops_poll<all_entry>(c, s) == 9u);
    CHECK(ops_shutdown<all_entry>(c, s, 0) == 10);
    CHECK(ops_sendmsg<all_entry>(c, s, m, 0) == 11);
    CHECK(ops_recvmsg<all_entry>(c, s, m, 0, 0) == 12);
    CHECK(ops_ioctl<all_entry>(c, s, 0, nullptr) == 13);
}

TEST_CASE("ops_M: a member that is not defined is Linux's sock_no_M") {
    ctx c;
    ksock::socket s{};
    kmsghdr m{};
    CHECK(ops_socketpair<toy_entry>(c, s, s) == -eopnotsupp);
    CHECK(ops_getsockopt<toy_entry>(c, s, 0, 0, nullptr, nullptr) == -eopnotsupp);
    CHECK(ops_setsockopt<toy_entry>(c, s, 0, 0, nullptr, 0) == -eopnotsupp);
    CHECK(ops_bind<toy_entry>(c, s, nullptr, 0) == -eopnotsupp);
    CHECK(ops_connect<toy_entry>(c, s, nullptr, 0, 0) == -eopnotsupp);
    CHECK(ops_listen<toy_entry>(c, s, 0) == -eopnotsupp);
    CHECK(ops_accept<toy_entry>(c, s, s, 0) == -eopnotsupp);
    CHECK(ops_getname<toy_entry>(c, s, nullptr, 0) == -eopnotsupp);
    CHECK(ops_poll<toy_entry>(c, s) == 0u); // sock_poll of a table without ->poll
    CHECK(ops_shutdown<toy_entry>(c, s, 0) == -eopnotsupp);
    CHECK(ops_sendmsg<toy_entry>(c, s, m, 0) == -eopnotsupp);
    CHECK(ops_recvmsg<toy_entry>(c, s, m, 0, 0) == -eopnotsupp);
    CHECK(ops_ioctl<toy_entry>(c, s, 0, nullptr) == -enoioctlcmd); // sock_no_ioctl
}
