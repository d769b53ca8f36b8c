// test/posix/bsd_headers.cpp: the POSIX headers as a ported program sees
// them: free functions on the program's stack, the C library's errno and
// O_* numbers (newlib's too, when this runs on the Cortex-M), select().
#include <cerrno>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/posix/arpa/inet.h>
#include <ksock/posix/fcntl.h>
#include <ksock/posix/netdb.h>
#include <ksock/posix/netinet/in.h>
#include <ksock/posix/poll.h>
#include <ksock/posix/sys/ioctl.h>
#include <ksock/posix/sys/select.h>
#include <ksock/posix/sys/socket.h>
#include <ksock/posix/unistd.h>

namespace {

//! The test's own stack as the program's, for one test case.
struct own_stack {
    ksock::default_stack s;
    own_stack() { ksock::posix::use_stack(s); }
    ~own_stack() { ksock::posix::detail::bound_stack = nullptr; }
    own_stack(const own_stack&) = delete;
    own_stack& operator=(const own_stack&) = delete;
};

sockaddr_in loopback(in_port_t port) {
    sockaddr_in a;
    std::memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

} // namespace

TEST_CASE("posix headers: the calls reach the stack the program named") {
    own_stack st;
    const int fd = socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(fd >= 0);
    CHECK(st.s.socket_of(fd) != nullptr);
    CHECK(close(fd) == 0);
    CHECK(st.s.empty());
}

TEST_CASE("posix headers: -1 and the C library's errno") {
    own_stack st;
    errno = 0;
    CHECK(socket(46, SOCK_STREAM, 0) == -1);
    CHECK(errno == EAFNOSUPPORT);
    CHECK(close(5) == -1);
    CHECK(errno == EBADF);
    char b[4];
    CHECK(read(5, b, 0) == -1); // the descriptor is checked before the zero count
    CHECK(errno == EBADF);
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(fd >= 0);
    CHECK(read(fd, b, 0) == 0);
    CHECK(read(fd, b, sizeof b) == -1);
    CHECK(errno == ENOTCONN);
    CHECK(write(fd, "x", 1) == -1);
    CHECK(errno == EPIPE);
    CHECK(close(fd) == 0);
}

// The C library's flags survive the trip through Linux's and back; a bit
// the table does not know is dropped on the way in.
static_assert(ksock::posix::flags_to_host(ksock::posix::flags_to_linux(O_NONBLOCK | O_RDWR)) ==
              (O_NONBLOCK | O_RDWR));
static_assert(ksock::posix::flags_to_linux(O_NONBLOCK) == ksock::o_nonblock);
static_assert(ksock::posix::flags_to_linux(0x10000000) == 0);

TEST_CASE("posix headers: O_NONBLOCK in the C library's number, Linux's in the stack") {
    own_stack st;
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    const int flags = fcntl(fd, F_GETFL, 0);
    CHECK(flags == O_RDWR);
    CHECK(fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0);
    CHECK(fcntl(fd, F_GETFL, 0) == (O_RDWR | O_NONBLOCK));
    // The stack holds Linux's bit, whatever the C library calls it.
    CHECK(st.s.fcntl(fd, ksock::f_getfl) == (ksock::o_rdwr | ksock::o_nonblock));
    // A non-blocking accept with nothing queued: EAGAIN, as the flag says.
    const sockaddr_in a = loopback(7000);
    REQUIRE(bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(fd, SOMAXCONN) == 0);
    errno = 0;
    CHECK(accept(fd, nullptr, nullptr) == -1);
    CHECK(errno == EAGAIN);
    CHECK(fcntl(fd, F_SETFL, 0) == 0);
    CHECK(st.s.fcntl(fd, ksock::f_getfl) == ksock::o_rdwr);
    const int dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 10);
    CHECK(dup_fd == 10);
    CHECK(fcntl(dup_fd, F_GETFD, 0) == FD_CLOEXEC);
    CHECK(close(dup_fd) == 0);
    CHECK(close(fd) == 0);
}

TEST_CASE("posix headers: select over a connected pair, and its errors") {
    own_stack st;
    const int l = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const sockaddr_in a = loopback(7001);
    REQUIRE(bind(l, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0);
    REQUIRE(listen(l, 4) == 0);
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    errno = 0;
    CHECK(connect(c, reinterpret_cast<const sockaddr*>(&a), sizeof a) == -1);
    CHECK(errno == EINPROGRESS);

    fd_set r, w;
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(l, &r);
    FD_SET(c, &r);
    FD_SET(c, &w);
    FD_SET(900, &r); // past the table: not looked at, and cleared
    timeval tv{0, 0};
    CHECK(select(FD_SETSIZE, &r, &w, nullptr, &tv) == 2);
    CHECK(FD_ISSET(l, &r));
    CHECK(!FD_ISSET(c, &r));
    CHECK(FD_ISSET(c, &w));
    CHECK(!FD_ISSET(900, &r));

    int err = -1;
    socklen_t len = sizeof err;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
    CHECK(err == 0);
    const int s = accept(l, nullptr, nullptr);
    REQUIRE(s >= 0);
    CHECK(send(c, "ping", 4, 0) == 4);
    FD_ZERO(&r);
    FD_SET(s, &r);
    FD_SET(c, &r);
    CHECK(select(s + 1, &r, nullptr, nullptr, nullptr) == 1);
    CHECK(FD_ISSET(s, &r));
    CHECK(!FD_ISSET(c, &r));
    int queued = 0;
    CHECK(ioctl(s, FIONREAD, &queued) == 0);
    CHECK(queued == 4);

    // A set bit below n without an open descriptor; a bad n or timeout.
    FD_ZERO(&r);
    FD_SET(s + 1, &r);
    errno = 0;
    CHECK(select(s + 2, &r, nullptr, nullptr, &tv) == -1);
    CHECK(errno == EBADF);
    CHECK(select(-1, nullptr, nullptr, nullptr, &tv) == -1);
    CHECK(errno == EINVAL);
    timeval bad{0, 1000000};
    CHECK(select(1, nullptr, nullptr, nullptr, &bad) == -1);
    CHECK(errno == EINVAL);
    // Nothing ready: 0, and the timeout reads as run out.
    FD_ZERO(&r);
    FD_SET(c, &r);
    timeval wait{2, 5};
    CHECK(select(c + 1, &r, nullptr, nullptr, &wait) == 0);
    CHECK((wait.tv_sec == 0 && wait.tv_usec == 0));

    pollfd p{s, POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 1);
    CHECK((p.revents & POLLIN) == POLLIN);
    CHECK(close(s) == 0);
    CHECK(close(c) == 0);
    CHECK(close(l) == 0);
    CHECK(st.s.empty());
}

TEST_CASE("posix headers: SO_ERROR carries the C library's errno number") {
    own_stack st;
    const int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const sockaddr_in a = loopback(7002); // nobody listens
    errno = 0;
    const int r = connect(c, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    CHECK(r == -1);
    CHECK(errno == EINPROGRESS);
    int err = 0;
    socklen_t len = sizeof err;
    CHECK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len) == 0);
    CHECK(err == ECONNREFUSED);
    CHECK(close(c) == 0);
}

TEST_CASE("posix headers: text addresses and getaddrinfo") {
    in_addr a{};
    CHECK(inet_pton(AF_INET, "192.0.2.7", &a) == 1);
    CHECK(a.s_addr == htonl(0xc0000207));
    char text[INET_ADDRSTRLEN];
    CHECK(std::strcmp(inet_ntop(AF_INET, &a, text, sizeof text), "192.0.2.7") == 0);
    errno = 0;
    CHECK(inet_ntop(AF_INET, &a, text, 9) == nullptr);
    CHECK(errno == ENOSPC);
    CHECK(inet_pton(AF_INET, "192.0.2.07", &a) == 0);
    CHECK(inet_pton(AF_UNIX, "::1", &a) == -1);
    CHECK(errno == EAFNOSUPPORT);
    in6_addr a6{};
    CHECK(inet_pton(AF_INET6, "::ffff:192.0.2.7", &a6) == 1);
    CHECK(a6.s6_addr[10] == 0xff);
    CHECK(a6.s6_addr[15] == 7);
    char text6[INET6_ADDRSTRLEN];
    CHECK(std::strcmp(inet_ntop(AF_INET6, &a6, text6, sizeof text6), "::ffff:192.0.2.7") == 0);
    CHECK(inet_addr("0x7f.1") == htonl(0x7f000001));
    CHECK(inet_addr("256.1.1.1") == INADDR_NONE);
    CHECK(std::strcmp(inet_ntoa(a), "192.0.2.7") == 0);

    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    REQUIRE(getaddrinfo("localhost", "7", &hints, &res) == 0);
    REQUIRE(res != nullptr);
    CHECK(res->ai_next == nullptr);
    CHECK(res->ai_protocol == IPPROTO_TCP);
    CHECK(res->ai_addrlen == sizeof(sockaddr_in));
    sockaddr_in sin; // copied out: sockaddr is less aligned than sockaddr_in (-Wcast-align)
    std::memcpy(&sin, res->ai_addr, sizeof sin);
    CHECK(sin.sin_port == htons(7));
    CHECK(sin.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
    freeaddrinfo(res);
    CHECK(getaddrinfo("no.such.host", "7", &hints, &res) == EAI_NONAME);
    CHECK(getaddrinfo("127.0.0.1", "echo", &hints, &res) == 0); // from the services table
    CHECK(res->ai_next == nullptr);
    std::memcpy(&sin, res->ai_addr, sizeof sin);
    CHECK(sin.sin_port == htons(7));
    freeaddrinfo(res);
    hints.ai_flags = AI_NUMERICSERV;
    CHECK(getaddrinfo("127.0.0.1", "echo", &hints, &res) == EAI_NONAME);
    hints.ai_flags = 0;
    CHECK(getaddrinfo("127.0.0.1", "no-such-service", &hints, &res) == EAI_SERVICE);
    const struct servent* se = getservbyname("https", "tcp");
    REQUIRE(se != nullptr);
    CHECK(se->s_port == htons(443));
    se = getservbyport(htons(53), "udp");
    REQUIRE(se != nullptr);
    CHECK(std::strcmp(se->s_name, "domain") == 0);
    CHECK(std::strcmp(gai_strerror(EAI_NONAME), "Name or service not known") == 0);

    static const ksock::posix::host_entry table[] = {{"sensor", 0xc0000209}};
    ksock::posix::set_hosts(table);
    REQUIRE(getaddrinfo("sensor", nullptr, &hints, &res) == 0);
    std::memcpy(&sin, res->ai_addr, sizeof sin);
    CHECK(sin.sin_addr.s_addr == htonl(0xc0000209));
    freeaddrinfo(res);
    ksock::posix::set_hosts(ksock::posix::detail::default_hosts);
}
