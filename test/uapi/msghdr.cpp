// test/uapi/msghdr.cpp: struct iovec and struct msghdr with Linux's layout
// (include/linux/socket.h's user_msghdr), the property uapi/msghdr.hpp pins
// with a static_assert on its own structs, stated here with the field
// offsets of the LP64 and ILP32 ABIs.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/msghdr.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("iovec: a base pointer and a length, two words") {
    STATIC_REQUIRE(sizeof(iovec) == 2 * sizeof(void*));
    STATIC_REQUIRE(offsetof(iovec, iov_len) == sizeof(void*));
}

TEST_CASE("msghdr: seven words, Linux's field offsets") {
    STATIC_REQUIRE(sizeof(msghdr) == 7 * sizeof(void*));
    const std::size_t w = sizeof(void*);
    CHECK(offsetof(msghdr, msg_name) == 0);
    CHECK(offsetof(msghdr, msg_namelen) == w);
    CHECK(offsetof(msghdr, msg_iov) == 2 * w);
    CHECK(offsetof(msghdr, msg_iovlen) == 3 * w);
    CHECK(offsetof(msghdr, msg_control) == 4 * w);
    CHECK(offsetof(msghdr, msg_controllen) == 5 * w);
    CHECK(offsetof(msghdr, msg_flags) == 6 * w);
    if constexpr (sizeof(void*) == 8)
        CHECK(sizeof(msghdr) == 56); // x86-64, arm64
    else
        CHECK(sizeof(msghdr) == 28); // i386, arm
}
