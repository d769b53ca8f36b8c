// test/inet/inet_connection_sock.cpp: struct inet_connection_sock begins with
// its inet_sock (icsk_inet), as inet_csk() needs; inet_connection_sock.hpp
// pins it with static_asserts on its own struct. These checks state the same
// properties and show the named cast reaching the object.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/objects/layout.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

TEST_CASE("inet_connection_sock: standard-layout, icsk_inet at offset 0, begins with inet_sock") {
    STATIC_REQUIRE(std::is_standard_layout_v<inet_connection_sock>);
    STATIC_REQUIRE(offsetof(inet_connection_sock, icsk_inet) == 0);
    STATIC_REQUIRE(begins_with<inet_connection_sock, inet_sock>);
    STATIC_REQUIRE(begins_with<inet_connection_sock, sock>);
    static inet_connection_sock o{};
    CHECK(inet_csk(&o.icsk_inet.sk) == &o);
}
