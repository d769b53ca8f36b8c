// test/core/uaccess.cpp: copies to and from "user" memory (core/uaccess.hpp):
// a null pointer with bytes to move is EFAULT, zero bytes never fault;
// move_addr_to_kernel / move_addr_to_user's length rules; copy_msghdr_from_user's
// name, iovec and MAX_RW_COUNT rules.
#include <cstddef>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/core/uaccess.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

namespace {

namespace d = ksock;

} // namespace

TEST_CASE("uaccess: copy_from_user / copy_to_user fault only on a null pointer with bytes") {
    int v = 5;
    int out = 0;
    CHECK(d::copy_from_user(&out, &v, sizeof v));
    CHECK(out == 5);
    CHECK_FALSE(d::copy_from_user(&out, nullptr, sizeof v));
    CHECK(d::copy_from_user(&out, nullptr, 0));
    CHECK_FALSE(d::copy_to_user(nullptr, &v, sizeof v));
    CHECK(d::copy_to_user(nullptr, &v, 0));
    ksock::socklen_t len = 3;
    int l = 0;
    CHECK(d::get_user_len(&len, l));
    CHECK(l == 3);
    CHECK(d::put_len_then_value(&len, 4, &out, &v) == 0);
    CHECK(len == 4);
    CHECK(d::put_len_then_value(&len, 4, nullptr, &v) == -ksock::efault);
}

TEST_CASE("uaccess: move_addr_to_kernel and move_addr_to_user") {
    ksock::sockaddr_storage k{};
    ksock::sockaddr_in a{};
    a.sin_family = ksock::af_inet;
    auto* sa = reinterpret_cast<const ksock::sockaddr*>(&a);
    CHECK(d::move_addr_to_kernel(sa, sizeof a, &k) == 0);
    CHECK(k.ss_family == ksock::af_inet);
    CHECK(d::move_addr_to_kernel(sa, -1, &k) == -ksock::einval);
    CHECK(d::move_addr_to_kernel(sa, sizeof k + 1, &k) == -ksock::einval);
    CHECK(d::move_addr_to_kernel(nullptr, 0, &k) == 0);
    CHECK(d::move_addr_to_kernel(nullptr, 4, &k) == -ksock::efault);
    ksock::sockaddr_in out{};
    ksock::socklen_t ulen = 4; // shorter than the address: truncated, full length back
    CHECK(d::move_addr_to_user(&k, sizeof a, reinterpret_cast<ksock::sockaddr*>(&out), &ulen) == 0);
    CHECK(ulen == sizeof a);
    CHECK(d::move_addr_to_user(&k, sizeof a, nullptr, nullptr) == -ksock::efault);
    ulen = static_cast<ksock::socklen_t>(-1); // negative as an int: EINVAL, as in Linux
    CHECK(d::move_addr_to_user(&k, sizeof a, reinterpret_cast<ksock::sockaddr*>(&out), &ulen) ==
          -ksock::einval);
}

TEST_CASE("uaccess: copy_msghdr_from_user") {
    char buf[8];
    ksock::iovec iov[2] = {{buf, 4}, {buf + 4, 4}};
    ksock::msghdr u{};
    u.msg_iov = iov;
    u.msg_iovlen = 2;
    ksock::kmsghdr k{};
    ksock::sockaddr_storage addr{};
    CHECK(d::copy_msghdr_from_user(u, k, &addr, true) == 0);
    CHECK(k.msg_iter.count == 8);
    u.msg_iovlen = ksock::uio_maxiov + 1;
    CHECK(d::copy_msghdr_from_user(u, k, &addr, true) == -ksock::emsgsize);
    u.msg_iovlen = 1;
    u.msg_iov = nullptr;
    CHECK(d::copy_msghdr_from_user(u, k, &addr, true) == -ksock::efault);
    u.msg_iov = iov;
    iov[0].iov_len = static_cast<std::size_t>(-1); // negative as a long
    CHECK(d::copy_msghdr_from_user(u, k, &addr, true) == -ksock::einval);
    iov[0].iov_len = 4;
    // Without a name the length is ignored, even a "negative" one.
    u.msg_namelen = static_cast<std::uint32_t>(-1);
    CHECK(d::copy_msghdr_from_user(u, k, &addr, true) == 0);
}
