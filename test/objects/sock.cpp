// test/objects/sock.cpp: struct sock_common and struct sock keep the layout
// the layout casts rely on. objects/sock.hpp pins it with static_asserts on
// its own structs, which no test can make fail; these checks state the same
// properties with the values, so they are tested and counted.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/objects/sock.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("sock_common: standard-layout and trivially copyable") {
    // The pools zero and copy objects as bytes (pool.hpp, the images).
    STATIC_REQUIRE(std::is_standard_layout_v<sock_common>);
    STATIC_REQUIRE(std::is_trivially_copyable_v<sock_common>);
}

TEST_CASE("sock: standard-layout and trivially copyable, sock_common at offset 0") {
    STATIC_REQUIRE(std::is_standard_layout_v<sock>);
    STATIC_REQUIRE(std::is_trivially_copyable_v<sock>);
    // sk->sk_common is the sock itself, as Linux's sk_common macros assume.
    STATIC_REQUIRE(offsetof(sock, sk_common) == 0);
    sock sk{};
    CHECK(static_cast<void*>(&sk.sk_common) == static_cast<void*>(&sk));
}
