// test/posix/posix.cpp: the BSD-style facade: -1 and the platform's errno.
#include <cerrno>

#include <doctest/doctest.h>

#include <ksock/ksock.hpp>
#include <ksock/posix/file_flags.hpp>

TEST_CASE("posix::api: -1 and errno with the platform's numbers") {
    ksock::default_stack s;
    ksock::posix::api api{s};
    errno = 0;
    CHECK(api.socket(ksock::pf_inet, ksock::sock_raw, 0) == -1);
    CHECK(errno == EPROTONOSUPPORT);
    CHECK(api.socket(46, ksock::sock_stream, 0) == -1);
    CHECK(errno == EAFNOSUPPORT);
    const int fd = api.socket(ksock::pf_inet, ksock::sock_stream, 0);
    CHECK(fd == 0);
    int sv[2];
    CHECK(api.socketpair(ksock::pf_inet, ksock::sock_stream, 0, sv) == -1);
    CHECK(errno == EOPNOTSUPP);
    CHECK(api.close(fd) == 0);
    CHECK(api.close(fd) == -1);
    CHECK(errno == EBADF);
}

TEST_CASE("posix::api: the data path's calls return -1 and errno too") {
    ksock::default_stack s;
    ksock::posix::api api{s};
    char b[4] = {};
    errno = 0;
    CHECK(api.recv(3, b, sizeof b, 0) == -1);
    CHECK(errno == EBADF);
    const int u = api.socket(ksock::pf_inet, ksock::sock_dgram, 0);
    REQUIRE(u >= 0);
    ksock::sockaddr_in a{};
    a.sin_family = ksock::af_inet;
    a.sin_addr.s_addr = ksock::cpu_to_be32(0x0a010203);
    CHECK(api.bind(u, reinterpret_cast<ksock::sockaddr*>(&a), sizeof a) == -1);
    CHECK(errno == EADDRNOTAVAIL);
    CHECK(api.shutdown(u, 7) == -1);
    CHECK(errno == EINVAL);
    ksock::pollfd p{u + 1, 0, 0};
    CHECK(api.poll(&p, 1, 0) == 1);
    CHECK(p.revents == ksock::pollnval);
    CHECK(api.close(u) == 0);
}

#if defined(__linux__) && __has_include(<netinet/in.h>) && __has_include(<sys/un.h>)
#include <cstddef>
#include <poll.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

// ksock's structures are the platform's, so ported code passes its own.
static_assert(sizeof(ksock::sockaddr_in) == sizeof(::sockaddr_in) &&
              offsetof(ksock::sockaddr_in, sin_port) == offsetof(::sockaddr_in, sin_port) &&
              offsetof(ksock::sockaddr_in, sin_addr) == offsetof(::sockaddr_in, sin_addr));
static_assert(sizeof(ksock::sockaddr_un) == sizeof(::sockaddr_un) &&
              offsetof(ksock::sockaddr_un, sun_path) == offsetof(::sockaddr_un, sun_path));
static_assert(sizeof(ksock::sockaddr_storage) == sizeof(::sockaddr_storage));
static_assert(sizeof(ksock::msghdr) == sizeof(::msghdr) &&
              offsetof(ksock::msghdr, msg_iov) == offsetof(::msghdr, msg_iov) &&
              offsetof(ksock::msghdr, msg_flags) == offsetof(::msghdr, msg_flags));
static_assert(sizeof(ksock::pollfd) == sizeof(::pollfd) && ksock::pollrdhup == 0x2000 &&
              ksock::msg_nosignal == MSG_NOSIGNAL && ksock::msg_waitall == MSG_WAITALL &&
              ksock::msg_trunc == MSG_TRUNC && ksock::msg_cmsg_cloexec == MSG_CMSG_CLOEXEC);
#endif

TEST_CASE("posix: file flags survive the round trip through Linux's values") {
    using namespace ksock::posix;
    static_assert(flags_to_host(flags_to_linux(host_o_nonblock | 2)) == (host_o_nonblock | 2));
    CHECK(flags_to_linux(host_o_nonblock) == ksock::o_nonblock);
    CHECK(flags_to_host(ksock::o_nonblock) == host_o_nonblock);
}
