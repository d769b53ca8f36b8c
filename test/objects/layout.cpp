// test/objects/layout.cpp: the layout concepts begins_with and sock_object,
// and the core's chains that objects/layout.hpp pins (sock begins with
// sock_common, socket_alloc with socket; SOCKET_I / SOCK_INODE).
//
// For each concept: a minimal model satisfies it, ksock's real objects
// satisfy it (every proto's obj_type of the default stack), and near-misses
// (the right type at the wrong place, a layout that is not standard) do not.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/registry.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace {

using namespace ksock;

struct inner {
    int a;
    int b;
};
//! inner first: the minimal model.
struct outer {
    inner in;
    int c;
};
//! outer first, so inner first through two levels.
struct outer2 {
    outer o;
    char d;
};
//! inner present, but not first.
struct inner_second {
    int c;
    inner in;
};
//! inner first, but mixed access control: not standard-layout, so the first
//! member is not guaranteed to sit at offset 0.
class not_standard {
public:
    inner in;

private:
    int c = 0;

public:
    int get() const { return c; }
};
//! A first member that is not a sock but is constructible from one: a
//! conversion is not an embedding.
struct converts_from_sock {
    converts_from_sock(const sock&) {}
    int z;
};
struct sock_by_conversion {
    converts_from_sock n;
    int y;
};
//! A first member an int converts to.
struct long_first {
    long v;
};

//! A sock that is not first: a protocol object written the wrong way round.
struct sock_second {
    int channel;
    sock sk;
};

//! The obj_type of every proto of the default stack (TCP, UDP, PING, RAW,
//! UNIX, UNIX-STREAM).
using default_protos = registry<default_config::families>::protos;
template <class P>
struct obj_of {
    using type = typename P::obj_type;
};
using default_objects = detail::transform_t<obj_of, default_protos>;

template <class... Ts>
constexpr bool all_sock_objects(type_list<Ts...>) {
    return (sock_object<Ts> && ...);
}

} // namespace

TEST_CASE("begins_with: a first member, at any depth, or the type itself") {
    STATIC_REQUIRE(begins_with<outer, inner>);
    STATIC_REQUIRE(begins_with<outer2, outer>);
    STATIC_REQUIRE(begins_with<outer2, inner>);
    STATIC_REQUIRE(begins_with<inner, inner>);
}

TEST_CASE("begins_with: the core's chains (objects/layout.hpp pins them)") {
    STATIC_REQUIRE(begins_with<sock, sock_common>);
    STATIC_REQUIRE(begins_with<socket_alloc, ksock::socket>);
}

TEST_CASE("begins_with: not a later member, not the other way round, not without standard "
          "layout") {
    STATIC_REQUIRE(!begins_with<inner_second, inner>);
    STATIC_REQUIRE(!begins_with<inner, outer>);
    STATIC_REQUIRE(!begins_with<not_standard, inner>);
    STATIC_REQUIRE(!begins_with<sock_common, sock>);
    STATIC_REQUIRE(!begins_with<ksock::socket, socket_alloc>);
    CHECK(not_standard{}.get() == 0);
}

TEST_CASE("sock_object: sock itself, the tests' toy object, every object of the default stack") {
    STATIC_REQUIRE(sock_object<sock>);
    STATIC_REQUIRE(sock_object<ksock_test::toy_sock>);
    STATIC_REQUIRE(default_objects::size == 7); // UDP and UDP-Lite each have a pool of udp_sock
    STATIC_REQUIRE(all_sock_objects(default_objects{}));
}

TEST_CASE("sock_object: near-misses") {
    STATIC_REQUIRE(!sock_object<sock_second>);
    STATIC_REQUIRE(!sock_object<sock_common>);
    STATIC_REQUIRE(!sock_object<socket_alloc>);
    STATIC_REQUIRE(!sock_object<int>);
    // A first member built from a sock, or one an Inner converts to, is no
    // embedding: the probe converts to the Inner type and nothing else.
    STATIC_REQUIRE(!sock_object<sock_by_conversion>);
    STATIC_REQUIRE(!begins_with<long_first, int>);
}

TEST_CASE("SOCKET_I / SOCK_INODE: the socket and its inode find each other") {
    // SOCKET_I's container_of needs socket_alloc to be standard-layout, which
    // it asserts without a message; the round trip is the property.
    STATIC_REQUIRE(std::is_standard_layout_v<socket_alloc>);
    socket_alloc sa{};
    CHECK(SOCK_INODE(&sa.socket) == &sa.vfs_inode);
    CHECK(SOCKET_I(&sa.vfs_inode) == &sa.socket);
    CHECK(SOCKET_I(SOCK_INODE(&sa.socket)) == &sa.socket);
}
