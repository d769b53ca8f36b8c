// test/unix/unix_sock.cpp: struct unix_sock begins with its sock, as
// unix_sk() needs; unix/unix_sock.hpp pins it with static_asserts on its own
// struct, which no test can make fail. These checks state the same
// properties and show unix_sk reaching the object.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/objects/layout.hpp>
#include <ksock/unix/unix_sock.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::unix_domain;

TEST_CASE("unix_sock: standard-layout, sk at offset 0, begins with sock") {
    STATIC_REQUIRE(std::is_standard_layout_v<unix_sock>);
    STATIC_REQUIRE(offsetof(unix_sock, sk) == 0);
    STATIC_REQUIRE(begins_with<unix_sock, sock>);
    static unix_sock o{};
    CHECK(unix_sk(&o.sk) == &o);
}
