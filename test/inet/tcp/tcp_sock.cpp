// test/inet/tcp/tcp_sock.cpp: struct tcp_sock begins with its
// inet_connection_sock, and so with inet_sock and sock, as tcp_sk() needs;
// inet/tcp/tcp_sock.hpp pins it with static_asserts on its own struct. These
// checks state the same properties and show tcp_sk reaching the object.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/layout.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

TEST_CASE("tcp_sock: standard-layout, inet_conn at offset 0, the whole chain down to sock") {
    STATIC_REQUIRE(std::is_standard_layout_v<tcp_sock>);
    STATIC_REQUIRE(offsetof(tcp_sock, inet_conn) == 0);
    STATIC_REQUIRE(begins_with<tcp_sock, inet_connection_sock>);
    STATIC_REQUIRE(begins_with<tcp_sock, inet_sock>);
    STATIC_REQUIRE(begins_with<tcp_sock, sock>);
    static tcp_sock o{};
    CHECK(tcp_sk(&o.inet_conn.icsk_inet.sk) == &o);
}
