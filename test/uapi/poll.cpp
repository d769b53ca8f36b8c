// test/uapi/poll.cpp: struct pollfd with Linux's layout, the property
// uapi/poll.hpp pins with a static_assert on its own struct.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/poll.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("pollfd: fd, events, revents in 8 bytes") {
    STATIC_REQUIRE(sizeof(pollfd) == 8);
    CHECK(offsetof(pollfd, fd) == 0);
    CHECK(offsetof(pollfd, events) == 4);
    CHECK(offsetof(pollfd, revents) == 6);
}
