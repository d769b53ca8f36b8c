// test/uapi/cmsg.cpp: the CMSG_* functions of uapi/cmsg.hpp, with Linux's values
// for the target's word size, and against the host's own macros where the
// host is Linux; struct cmsghdr and struct ucred with Linux's layout, the
// property uapi/cmsg.hpp pins with a static_assert on its own structs.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/msghdr.hpp>

#if defined(__linux__) && __has_include(<sys/socket.h>)
#include <sys/socket.h>
#define KSOCK_TEST_HOST_CMSG 1
#endif

#include "support/static_require.hpp"

TEST_CASE("cmsg: lengths have Linux's values") {
#if __SIZEOF_LONG__ == 8
    STATIC_REQUIRE(sizeof(ksock::cmsghdr) == 16);
    STATIC_REQUIRE(ksock::cmsg_len(4) == 20);
    STATIC_REQUIRE(ksock::cmsg_space(4) == 24);
    STATIC_REQUIRE(ksock::cmsg_space(sizeof(ksock::ucred)) == 32);
#else
    STATIC_REQUIRE(sizeof(ksock::cmsghdr) == 12);
    STATIC_REQUIRE(ksock::cmsg_len(4) == 16);
    STATIC_REQUIRE(ksock::cmsg_space(4) == 16);
#endif
    STATIC_REQUIRE(ksock::cmsg_align(1) == sizeof(long));
    STATIC_REQUIRE(sizeof(ksock::ucred) == 12);
#ifdef KSOCK_TEST_HOST_CMSG
    CHECK(ksock::cmsg_len(7) == CMSG_LEN(7));
    CHECK(ksock::cmsg_space(7) == CMSG_SPACE(7));
    CHECK(ksock::scm_rights == SCM_RIGHTS);
    CHECK(ksock::scm_credentials == SCM_CREDENTIALS);
#endif
}

TEST_CASE("cmsg: walking a control buffer") {
    alignas(ksock::cmsghdr) unsigned char buf[2 * ksock::cmsg_space(sizeof(int))]{};
    ksock::msghdr m{};
    m.msg_control = buf;
    m.msg_controllen = sizeof buf;
    ksock::cmsghdr* c = ksock::cmsg_firsthdr(m);
    REQUIRE(c != nullptr);
    c->cmsg_len = ksock::cmsg_len(sizeof(int));
    CHECK(ksock::cmsg_data(c) == buf + ksock::cmsg_align(sizeof(ksock::cmsghdr)));
    ksock::cmsghdr* n = ksock::cmsg_nxthdr(m, c);
    REQUIRE(n != nullptr);
    CHECK(reinterpret_cast<unsigned char*>(n) == buf + ksock::cmsg_space(sizeof(int)));
    n->cmsg_len = ksock::cmsg_len(sizeof(int));
    CHECK(ksock::cmsg_nxthdr(m, n) == nullptr); // no room for a third header
    m.msg_controllen = sizeof(ksock::cmsghdr) - 1;
    CHECK(ksock::cmsg_firsthdr(m) == nullptr);
}

TEST_CASE("ksock::cmsghdr: a length word and two ints, already aligned") {
    // CMSG_DATA follows the header directly: it needs no padding.
    STATIC_REQUIRE(sizeof(ksock::cmsghdr) == ksock::cmsg_align(sizeof(ksock::cmsghdr)));
    STATIC_REQUIRE(sizeof(ksock::cmsghdr) == sizeof(std::size_t) + 2 * sizeof(int));
    CHECK(ksock::cmsg_len(sizeof(int)) == sizeof(ksock::cmsghdr) + sizeof(int));
}

TEST_CASE("ksock::ucred: pid, uid, gid in 12 bytes") {
    STATIC_REQUIRE(sizeof(ksock::ucred) == 12);
    CHECK(offsetof(ksock::ucred, pid) == 0);
    CHECK(offsetof(ksock::ucred, uid) == 4);
    CHECK(offsetof(ksock::ucred, gid) == 8);
}
