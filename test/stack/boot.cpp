// test/stack/boot.cpp: when a stack boots (stack.hpp). No system call tests
// for it on its way: before boot no fd is open, so every call on an fd says
// EBADF without booting; the first socket() finds sockfs' cache not created
// and boots there; socketpair(), the clock and the accessors boot first. A
// constinit stack is zero until then (cmake/arm/ checks it lands in .bss).
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/socket.hpp>

namespace {

using namespace ksock;

struct faulty : default_config {
    using fault = fail_nth;
};
//! A security policy that reads the caller's credentials.
struct root_only {
    int socket_create(const cred& c, int, int, int, int) { return c.euid == 0 ? 0 : -eacces; }
};
struct with_lsm : default_config {
    using security = type_list<root_only>;
};

} // namespace

TEST_CASE("boot: calls on fds say EBADF and leave the stack as it was") {
    default_stack t;
    int v = 0;
    socklen_t len = sizeof v;
    CHECK(t.close(0) == -ebadf);
    CHECK(t.getsockopt(3, sol_socket, so_type, &v, &len) == -ebadf);
    CHECK(t.setsockopt(0, sol_socket, so_rcvbuf, &v, len) == -ebadf);
    CHECK(t.dup(0) == -ebadf);
    CHECK(t.dup2(0, 1) == -ebadf);
    CHECK(t.listen(0, 1) == -ebadf);
    CHECK(t.fcntl(0, 1) == -ebadf);
    pollfd p{0, pollin, 0};
    CHECK(t.poll(&p, 1, 0) == 1);
    CHECK(p.revents == pollnval);
    CHECK(t.sockets_in_use() == 0);
    CHECK(t.files_in_use() == 0);
    // Still not booted: the first socket() does it, and works.
    CHECK(t.socket(pf_inet, sock_stream, 0) == 0);
    CHECK(t.context().booted());
    CHECK(t.sk_of_fd(0)->sk_sndbuf == 16384); // the sysctls were there for it
    CHECK(t.close(0) == 0);
    CHECK(t.empty());
}

TEST_CASE("boot: a socket() that fails before sockfs' cache does not boot; the next one does") {
    default_stack s;
    CHECK(s.socket(pf_inet, sock_stream | 0x100, 0) == -einval);
    CHECK(s.socket(-1, sock_stream, 0) == -eafnosupport);
    // An unregistered family fails after sock_alloc, as in Linux: that boots.
    CHECK(s.socket(pf_inet6, sock_stream, 0) == -eafnosupport);
    CHECK(s.sockets_in_use() == 0);
    CHECK(s.socket(pf_unix, sock_dgram, 0) == 0);
    CHECK(s.close(0) == 0);
}

TEST_CASE("boot: an injected sock_alloc failure on an unbooted stack is ENFILE, then it boots") {
    stack<faulty> s;
    s.fault().reset(1); // the first allocation point fails: sock_alloc
    CHECK(s.socket(pf_inet, sock_dgram, 0) == -enfile);
    s.fault().reset(0);
    CHECK(s.socket(pf_inet, sock_dgram, 0) == 0);
    CHECK(s.close(0) == 0);
}

TEST_CASE("boot: socketpair and security hooks see booted credentials and limits") {
    default_stack s;
    int sv[2] = {-1, -1};
    CHECK(s.socketpair(pf_unix, sock_stream, 0, sv) == 0); // reserves fds first
    CHECK(sv[0] == 0);
    CHECK(sv[1] == 1);
    CHECK(s.close(0) == 0);
    CHECK(s.close(1) == 0);
    stack<with_lsm> l; // the hook reads euid: root once booted
    CHECK(l.socket(pf_inet, sock_stream, 0) == 0);
    CHECK(l.close(0) == 0);
}

TEST_CASE("boot: a stack booted by boot() and one booted by its first socket() agree") {
    default_stack a, b;
    a.boot();
    CHECK(a.socket(pf_inet, sock_stream, 0) == 0);
    CHECK(b.socket(pf_inet, sock_stream, 0) == 0);
    CHECK(a.sk_of_fd(0)->sk_rcvbuf == b.sk_of_fd(0)->sk_rcvbuf);
    CHECK(a.current().pid == b.current().pid);
    CHECK(a.check_invariants());
    CHECK(b.check_invariants());
}
