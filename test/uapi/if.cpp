// test/uapi/if.cpp: struct ifreq with Linux's size and offsets, the
// properties uapi/if.hpp pins with a static_assert on its own struct.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/if.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("ifreq: a 16-byte name, then the union of the request's values") {
    STATIC_REQUIRE(ifnamsiz == 16);
    STATIC_REQUIRE(offsetof(ifreq, ifr_ifru) == 16);
    STATIC_REQUIRE(sizeof(ifreq) == (sizeof(long) == 8 ? 40 : 32));
    STATIC_REQUIRE(sizeof(ifreq::ifr_ifrn) == 16);
}
