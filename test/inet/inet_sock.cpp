// test/inet/inet_sock.cpp: struct inet_sock begins with its sock, as every
// PF_INET object does; inet/inet_sock.hpp pins it with static_asserts on its
// own struct, which no test can make fail. These checks state the same
// properties and show the named cast inet_sk reaching the object.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/objects/layout.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

TEST_CASE("inet_sock: standard-layout, sk at offset 0, begins with sock") {
    STATIC_REQUIRE(std::is_standard_layout_v<inet_sock>);
    STATIC_REQUIRE(offsetof(inet_sock, sk) == 0);
    STATIC_REQUIRE(begins_with<inet_sock, sock>);
    static inet_sock o{};
    CHECK(inet_sk(&o.sk) == &o);
}
