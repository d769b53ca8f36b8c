// test/inet/udp/udp_sock.cpp: struct udp_sock begins with its inet_sock, as
// udp_sk() needs; inet/udp/udp_sock.hpp pins it with static_asserts on its
// own struct. These checks state the same properties and show udp_sk
// reaching the object.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/objects/layout.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

TEST_CASE("udp_sock: standard-layout, inet at offset 0, begins with inet_sock") {
    STATIC_REQUIRE(std::is_standard_layout_v<udp_sock>);
    STATIC_REQUIRE(offsetof(udp_sock, inet) == 0);
    STATIC_REQUIRE(begins_with<udp_sock, inet_sock>);
    STATIC_REQUIRE(sock_object<udp_sock>);
    static udp_sock o{};
    CHECK(udp_sk(&o.inet.sk) == &o);
}
