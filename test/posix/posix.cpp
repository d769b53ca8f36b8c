// test/posix/posix.cpp: the BSD-style facade: -1 and the platform's errno.
#include <cerrno>

#include <doctest/doctest.h>

#include <ksock/ksock.hpp>

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
