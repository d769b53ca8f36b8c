// test/uapi/byteorder.cpp: network byte order. uapi/byteorder.hpp checks only
// that the conversions are their own inverses; here the stored bytes are
// checked too, which is what makes them big-endian.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/uapi/byteorder.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("byteorder: the conversions are their own inverses") {
    STATIC_REQUIRE(be16_to_cpu(cpu_to_be16(0x1234)) == 0x1234);
    STATIC_REQUIRE(be32_to_cpu(cpu_to_be32(0x12345678u)) == 0x12345678u);
}

TEST_CASE("byteorder: a converted value is stored most significant byte first") {
    const std::uint16_t port = cpu_to_be16(0x1234);
    unsigned char b16[2];
    std::memcpy(b16, &port, sizeof b16);
    CHECK(b16[0] == 0x12);
    CHECK(b16[1] == 0x34);

    const std::uint32_t addr = cpu_to_be32(0x7f000001u); // 127.0.0.1
    unsigned char b32[4];
    std::memcpy(b32, &addr, sizeof b32);
    CHECK(b32[0] == 127);
    CHECK(b32[1] == 0);
    CHECK(b32[2] == 0);
    CHECK(b32[3] == 1);
}
