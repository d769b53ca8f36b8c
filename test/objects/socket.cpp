// test/objects/socket.cpp: struct socket_alloc keeps the socket first, as
// SOCKET_I / SOCK_INODE (container_of over it) need. objects/socket.hpp pins
// it with static_asserts on its own struct; these checks state the same
// properties with the values.
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/objects/socket.hpp>

#include "support/static_require.hpp"

using namespace ksock;

TEST_CASE("socket_alloc: standard-layout, the socket at offset 0, the inode after it") {
    STATIC_REQUIRE(std::is_standard_layout_v<socket_alloc>);
    STATIC_REQUIRE(offsetof(socket_alloc, socket) == 0);
    STATIC_REQUIRE(offsetof(socket_alloc, vfs_inode) >= sizeof(ksock::socket));
    socket_alloc sa{};
    CHECK(static_cast<void*>(&sa.socket) == static_cast<void*>(&sa));
}
