// test/uapi/cmsg.cpp: struct cmsghdr and struct ucred with Linux's layout,
// the property uapi/cmsg.hpp pins with a static_assert on its own structs.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/cmsg.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("cmsghdr: a length word and two ints, already aligned") {
    // CMSG_DATA follows the header directly: it needs no padding.
    STATIC_REQUIRE(sizeof(cmsghdr) == cmsg_align(sizeof(cmsghdr)));
    STATIC_REQUIRE(sizeof(cmsghdr) == sizeof(std::size_t) + 2 * sizeof(int));
    CHECK(cmsg_len(sizeof(int)) == sizeof(cmsghdr) + sizeof(int));
}

TEST_CASE("ucred: pid, uid, gid in 12 bytes") {
    STATIC_REQUIRE(sizeof(ucred) == 12);
    CHECK(offsetof(ucred, pid) == 0);
    CHECK(offsetof(ucred, uid) == 4);
    CHECK(offsetof(ucred, gid) == 8);
}
