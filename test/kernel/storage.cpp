// test/kernel/storage.cpp: how a stack's static memory is laid out
// (kernel/storage.hpp). sockfs' slot holds a socket_alloc and the file
// sock_alloc_file gives its socket: a socket's file is always its own
// slot's, both go back together, and a socket without a file (one being
// built, or failing) has no live file.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/kernel/storage.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

struct faulty : default_config {
    using fault = fail_nth;
};

} // namespace

TEST_CASE("sockfs_slot: socket_alloc first, then the file") {
    STATIC_REQUIRE(std::is_standard_layout_v<kernel::sockfs_slot>);
    STATIC_REQUIRE(offsetof(kernel::sockfs_slot, alloc) == 0);
    STATIC_REQUIRE(offsetof(kernel::sockfs_slot, file) >= sizeof(socket_alloc));
}

TEST_CASE("sockfs_slot: a socket's file is its slot's, and goes with it") {
    default_stack s;
    const int a = s.socket(pf_inet, sock_stream, 0);
    const int b = s.socket(pf_unix, sock_dgram, 0);
    REQUIRE(a >= 0);
    REQUIRE(b >= 0);
    for (const int fd : {a, b}) {
        ksock::socket* so = s.socket_of(fd);
        CHECK(s.file_of(fd) == &reinterpret_cast<kernel::sockfs_slot*>(so)->file);
        CHECK(so->file == s.file_of(fd));
    }
    CHECK(s.files_in_use() == 2);
    CHECK(s.dup(a) == 2); // a second fd, the same file
    CHECK(s.files_in_use() == 2);
    CHECK(s.close(a) == 0);
    CHECK(s.files_in_use() == 2); // fd 2 still holds it
    CHECK(s.close(2) == 0);
    CHECK(s.files_in_use() == 1);
    CHECK(s.sockets_in_use() == 1);
    CHECK(s.close(b) == 0);
    CHECK(s.empty());
}

TEST_CASE("sockfs_slot: a file that could not be made leaves no live file") {
    stack<faulty> s;
    // Count socket()'s allocation points, then fail the file's.
    s.fault().reset(0);
    REQUIRE(s.socket(pf_inet, sock_dgram, 0) == 0);
    const unsigned long points = s.fault().count;
    REQUIRE(s.close(0) == 0);
    for (unsigned long n = 1; n <= points; ++n) {
        s.fault().reset(n);
        const int fd = s.socket(pf_inet, sock_dgram, 0);
        INFO("failing allocation point " << n);
        if (fd >= 0) {
            CHECK_FALSE(s.fault().failed);
            CHECK(s.close(fd) == 0);
        } else if (s.fault().last_failed == fault_site::file_alloc) {
            CHECK(fd == -enfile);
        }
        CHECK(s.files_in_use() == 0);
        CHECK(s.sockets_in_use() == 0);
        CHECK(s.check_invariants());
    }
}
