// test/inet/raw_sock.cpp: struct raw_sock begins with its inet_sock, as
// raw_sk() needs; inet/raw_sock.hpp pins it with static_asserts on its own
// struct. These checks state the same properties and show raw_sk reaching
// the object.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/inet/raw_sock.hpp>
#include <ksock/objects/layout.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

TEST_CASE("raw_sock: standard-layout, inet at offset 0, begins with inet_sock") {
    STATIC_REQUIRE(std::is_standard_layout_v<raw_sock>);
    STATIC_REQUIRE(offsetof(raw_sock, inet) == 0);
    STATIC_REQUIRE(begins_with<raw_sock, inet_sock>);
    STATIC_REQUIRE(sock_object<raw_sock>);
    static raw_sock o{};
    CHECK(raw_sk(&o.inet.sk) == &o);
}
