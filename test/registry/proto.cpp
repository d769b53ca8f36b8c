// test/registry/proto.cpp: the proto concept (struct proto as a type), its
// optional parts (gc, on_tick, keepalive, getsockopt, setsockopt,
// init_after_image) and the
// detail checks check_proto() reports one by one.
//
// (a) toy_prot (test/support/toy_family.hpp), the five required members and
//     nothing else, is a proto and has none of the optional parts;
// (b) every proto of the default stack is a proto, and has the optional
//     parts its Linux counterpart has (TCP's timers and keepalive, UNIX's
//     garbage collector, the inet protos' option levels), checked with the
//     archetype context and with the real kernel context;
// (c) near-misses: one member missing, or present with a wrong signature.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/kernel/context.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace {

using namespace ksock;
using ksock_test::toy_prot;
using ksock_test::toy_sock;

// The real protos, found through the default stack's resolution so that
// the test names socket triples, not the families' class names.
using reg = registry<default_config::families>;
using tcp = reg::resolve<pf_inet, sock_stream, 0>::prot;
using udp = reg::resolve<pf_inet, sock_dgram, 0>::prot;
using ping = reg::resolve<pf_inet, sock_dgram, ipproto_icmp>::prot;
using raw = reg::resolve<pf_inet, sock_raw, ipproto_raw>::prot;
using unix_stream = reg::resolve<pf_unix, sock_stream, 0>::prot;
using unix_dgram = reg::resolve<pf_unix, sock_dgram, 0>::prot;
using kctx = kernel::context<default_config>;

template <class... Ps>
constexpr bool all_protos(type_list<Ps...>) {
    return (proto<Ps> && ...) && (check_proto<Ps>() && ...);
}

// --- near-misses: toy_prot with one thing wrong -----------------------------------

struct no_name {
    using obj_type = toy_sock;
    static constexpr std::size_t obj_size = sizeof(toy_sock);
    template <class Ctx>
    static int init(Ctx&, sock&);
    template <class Ctx>
    static void close(Ctx&, sock&, long);
};
struct name_not_a_string : no_name {
    static constexpr int name = 6;
};
struct no_obj_type {
    static constexpr const char* name = "NO-OBJ-TYPE";
    static constexpr std::size_t obj_size = sizeof(toy_sock);
    template <class Ctx>
    static int init(Ctx&, sock&);
    template <class Ctx>
    static void close(Ctx&, sock&, long);
};
struct no_obj_size {
    static constexpr const char* name = "NO-OBJ-SIZE";
    using obj_type = toy_sock;
    template <class Ctx>
    static int init(Ctx&, sock&);
    template <class Ctx>
    static void close(Ctx&, sock&, long);
};
//! obj_size of the embedded sock, not of the object: the pool would be short.
struct obj_size_of_sock : toy_prot {
    static constexpr std::size_t obj_size = sizeof(sock);
};
//! The sock is not first.
struct sock_second {
    int channel;
    sock sk;
};
struct obj_not_sock_first : toy_prot {
    using obj_type = sock_second;
    static constexpr std::size_t obj_size = sizeof(sock_second);
};
struct no_init {
    static constexpr const char* name = "NO-INIT";
    using obj_type = toy_sock;
    static constexpr std::size_t obj_size = sizeof(toy_sock);
    template <class Ctx>
    static void close(Ctx&, sock&, long);
};
//! init without a result: the create path could not unwind a failure.
struct init_returns_void : no_init {
    template <class Ctx>
    static void init(Ctx&, sock&);
};
struct no_close {
    static constexpr const char* name = "NO-CLOSE";
    using obj_type = toy_sock;
    static constexpr std::size_t obj_size = sizeof(toy_sock);
    template <class Ctx>
    static int init(Ctx&, sock&);
};
//! close without the linger timeout inet_release passes.
struct close_without_timeout : no_close {
    template <class Ctx>
    static void close(Ctx&, sock&);
};

// --- the optional parts ---------------------------------------------------------------

struct with_options : toy_prot {
    template <class Ctx>
    static bool gc(Ctx&);
    template <class Ctx>
    static void on_tick(Ctx&);
    template <class Ctx>
    static void keepalive(Ctx&, sock&, bool);
    template <class Ctx>
    static int hash(Ctx&, sock&);
    template <class Ctx>
    static void unhash(Ctx&, sock&);
    template <class Ctx>
    static void destroy(Ctx&, sock&);
    using state_type = int;
    template <class Entry, class Ctx>
    static int getsockopt(Ctx&, ksock::socket&, int, int, void*, socklen_t*);
    template <class Entry, class Ctx>
    static int setsockopt(Ctx&, ksock::socket&, int, int, const void*, socklen_t);
    template <class Ctx>
    static int init_after_image(Ctx&, sock&);
};
struct with_wrong_options : toy_prot {
    //! gc says whether it freed something; a void gc cannot.
    template <class Ctx>
    static void gc(Ctx&);
    //! on_tick is a void run of the timers.
    template <class Ctx>
    static int on_tick(Ctx&);
    //! keepalive gets the new value of SO_KEEPALIVE.
    template <class Ctx>
    static void keepalive(Ctx&, sock&);
    //! hash returns an errno (EADDRINUSE).
    template <class Ctx>
    static void hash(Ctx&, sock&);
    //! unhash and destroy get the sock.
    template <class Ctx>
    static void unhash(Ctx&);
    template <class Ctx>
    static void destroy(Ctx&);
    //! The option members take the entry first (template <class Entry, class Ctx>).
    template <class Ctx>
    static int getsockopt(Ctx&, ksock::socket&, int, int, void*, socklen_t*);
    //! optval is read-only: a mutable void* does not accept it.
    template <class Entry, class Ctx>
    static int setsockopt(Ctx&, ksock::socket&, int, int, void*, socklen_t);
};
//! optlen by value: getsockopt could not report the length it wrote.
struct getsockopt_optlen_by_value : toy_prot {
    template <class Entry, class Ctx>
    static int getsockopt(Ctx&, ksock::socket&, int, int, void*, socklen_t);
};

} // namespace

TEST_CASE("proto: the minimal model, toy_prot") {
    STATIC_REQUIRE(proto<toy_prot>);
    STATIC_REQUIRE(check_proto<toy_prot>());
    STATIC_REQUIRE(detail::has_name<toy_prot>);
    STATIC_REQUIRE(detail::has_obj_type<toy_prot>);
    STATIC_REQUIRE(detail::has_obj_size<toy_prot>);
    STATIC_REQUIRE(detail::has_init<toy_prot>);
    STATIC_REQUIRE(detail::has_close<toy_prot>);
}

TEST_CASE("proto: every proto of the default stack") {
    STATIC_REQUIRE(reg::protos::size == 7);
    STATIC_REQUIRE(all_protos(reg::protos{}));
    STATIC_REQUIRE(proto<tcp>);
    STATIC_REQUIRE(proto<unix_dgram>);
}

TEST_CASE("proto: one member missing or mistyped is not a proto") {
    // Each near-miss has everything else (a sized object, a name).
    STATIC_REQUIRE(no_name::obj_size == sizeof(toy_sock));
    STATIC_REQUIRE(no_obj_type::obj_size == sizeof(toy_sock));
    STATIC_REQUIRE(!proto<no_name>);
    STATIC_REQUIRE(!detail::has_name<no_name>);
    STATIC_REQUIRE(!proto<name_not_a_string>);
    STATIC_REQUIRE(!detail::has_name<name_not_a_string>);
    STATIC_REQUIRE(!proto<no_obj_type>);
    STATIC_REQUIRE(!detail::has_obj_type<no_obj_type>);
    STATIC_REQUIRE(!proto<no_obj_size>);
    STATIC_REQUIRE(!detail::has_obj_size<no_obj_size>);
    STATIC_REQUIRE(!proto<obj_size_of_sock>);
    STATIC_REQUIRE(detail::has_obj_size<obj_size_of_sock>); // present, but wrong
    STATIC_REQUIRE(!proto<obj_not_sock_first>);
    STATIC_REQUIRE(!proto<no_init>);
    STATIC_REQUIRE(!detail::has_init<no_init>);
    STATIC_REQUIRE(!proto<init_returns_void>);
    STATIC_REQUIRE(!detail::has_init<init_returns_void>);
    STATIC_REQUIRE(!proto<no_close>);
    STATIC_REQUIRE(!detail::has_close<no_close>);
    STATIC_REQUIRE(!proto<close_without_timeout>);
    STATIC_REQUIRE(!detail::has_close<close_without_timeout>);
    STATIC_REQUIRE(!proto<int>);
}

TEST_CASE("proto: the optional members, present with the right signatures") {
    STATIC_REQUIRE(proto_has_gc<with_options>);
    STATIC_REQUIRE(proto_has_timers<with_options>);
    STATIC_REQUIRE(proto_has_keepalive<with_options>);
    STATIC_REQUIRE(proto_has_getsockopt<with_options>);
    STATIC_REQUIRE(proto_has_setsockopt<with_options>);
    STATIC_REQUIRE(detail::has_hash<with_options>);
    STATIC_REQUIRE(detail::has_unhash<with_options>);
    STATIC_REQUIRE(detail::has_destroy<with_options>);
    STATIC_REQUIRE(detail::has_state<with_options>);
    STATIC_REQUIRE(proto_has_init_after_image<with_options>);
}

TEST_CASE("proto: the minimal model has no optional member") {
    STATIC_REQUIRE(!proto_has_gc<toy_prot>);
    STATIC_REQUIRE(!proto_has_timers<toy_prot>);
    STATIC_REQUIRE(!proto_has_keepalive<toy_prot>);
    STATIC_REQUIRE(!proto_has_getsockopt<toy_prot>);
    STATIC_REQUIRE(!proto_has_setsockopt<toy_prot>);
    STATIC_REQUIRE(!detail::has_hash<toy_prot>);
    STATIC_REQUIRE(!detail::has_unhash<toy_prot>);
    STATIC_REQUIRE(!detail::has_destroy<toy_prot>);
    STATIC_REQUIRE(!detail::has_state<toy_prot>);
    STATIC_REQUIRE(!proto_has_init_after_image<toy_prot>);
}

TEST_CASE("proto: an optional member with a wrong signature is not that member") {
    STATIC_REQUIRE(!proto_has_gc<with_wrong_options>);
    STATIC_REQUIRE(!proto_has_timers<with_wrong_options>);
    STATIC_REQUIRE(!proto_has_keepalive<with_wrong_options>);
    STATIC_REQUIRE(!proto_has_getsockopt<with_wrong_options>);
    STATIC_REQUIRE(!proto_has_setsockopt<with_wrong_options>);
    STATIC_REQUIRE(!proto_has_getsockopt<getsockopt_optlen_by_value>);
    STATIC_REQUIRE(!detail::has_hash<with_wrong_options>);
    STATIC_REQUIRE(!detail::has_unhash<with_wrong_options>);
    STATIC_REQUIRE(!detail::has_destroy<with_wrong_options>);
    STATIC_REQUIRE(!proto_has_init_after_image<with_wrong_options>);
    // The required part is untouched: still a proto.
    STATIC_REQUIRE(proto<with_wrong_options>);
}

TEST_CASE("proto: every proto of the default stack is built from its image") {
    // Each has what init still does on a copy of its image; with the
    // families' images (tested in inet/inet_create.cpp) an untraced stack
    // copies instead of writing every value.
    STATIC_REQUIRE(proto_has_init_after_image<tcp, kctx>);
    STATIC_REQUIRE(proto_has_init_after_image<udp, kctx>);
    STATIC_REQUIRE(proto_has_init_after_image<ping, kctx>);
    STATIC_REQUIRE(proto_has_init_after_image<raw, kctx>);
    STATIC_REQUIRE(proto_has_init_after_image<unix_stream, kctx>);
    STATIC_REQUIRE(proto_has_init_after_image<unix_dgram, kctx>);
    STATIC_REQUIRE(proto_has_init_after_image<tcp>); // the archetype context suffices
}

TEST_CASE("proto: the real protos' optional members, as in Linux") {
    // TCP: timers (TIME_WAIT, retransmission), SO_KEEPALIVE's hook, its own
    // option level, a destroy (tcp_v4_destroy_sock) and its hash tables.
    STATIC_REQUIRE(proto_has_timers<tcp>);
    STATIC_REQUIRE(proto_has_timers<tcp, kctx>);
    STATIC_REQUIRE(proto_has_keepalive<tcp>);
    STATIC_REQUIRE(proto_has_keepalive<tcp, kctx>);
    STATIC_REQUIRE(proto_has_getsockopt<tcp>);
    STATIC_REQUIRE(proto_has_setsockopt<tcp>);
    STATIC_REQUIRE(detail::has_destroy<tcp>);
    STATIC_REQUIRE(detail::has_state<tcp>);
    STATIC_REQUIRE(!proto_has_gc<tcp>);
    // UDP, PING, RAW: an option level each, no timers, no keepalive.
    STATIC_REQUIRE(proto_has_getsockopt<udp>);
    STATIC_REQUIRE(proto_has_setsockopt<udp>);
    STATIC_REQUIRE(proto_has_getsockopt<ping>);
    STATIC_REQUIRE(proto_has_setsockopt<ping>);
    STATIC_REQUIRE(proto_has_getsockopt<raw>);
    STATIC_REQUIRE(proto_has_setsockopt<raw>);
    STATIC_REQUIRE(!proto_has_timers<udp>);
    STATIC_REQUIRE(!proto_has_keepalive<udp>);
    STATIC_REQUIRE(detail::has_hash<raw>);
    STATIC_REQUIRE(detail::has_unhash<raw>);
    // PF_UNIX: the garbage collector of in-flight sockets (unix_gc), no
    // option level of its own.
    STATIC_REQUIRE(proto_has_gc<unix_stream>);
    STATIC_REQUIRE(proto_has_gc<unix_dgram>);
    STATIC_REQUIRE(proto_has_gc<unix_dgram, kctx>);
    STATIC_REQUIRE(!proto_has_getsockopt<unix_stream>);
    STATIC_REQUIRE(!proto_has_timers<unix_stream>);
}

TEST_CASE("proto: proto_desc_v names the proto and sizes its object") {
    const proto_desc* d = proto_desc_v<toy_prot>;
    CHECK(d->obj_size == sizeof(toy_sock));
    CHECK(d->name[0] == 'T');
}
