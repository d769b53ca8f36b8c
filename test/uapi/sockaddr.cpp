// test/uapi/sockaddr.cpp: the socket addresses with Linux's sizes and
// sockaddr_in's offsets, the properties uapi/sockaddr.hpp pins with
// static_asserts on its own structs.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/sockaddr.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("sockaddr: Linux's sizes") {
    STATIC_REQUIRE(sizeof(sockaddr) == 16);
    STATIC_REQUIRE(sizeof(sockaddr_in) == 16);
    STATIC_REQUIRE(sizeof(sockaddr_storage) == 128);
    STATIC_REQUIRE(sizeof(sockaddr_un) == 110);
}

TEST_CASE("sockaddr_in: family, port, address at Linux's offsets") {
    STATIC_REQUIRE(offsetof(sockaddr_in, sin_port) == 2);
    STATIC_REQUIRE(offsetof(sockaddr_in, sin_addr) == 4);
}
