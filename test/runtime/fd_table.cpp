// test/runtime/fd_table.cpp: the descriptor side of the socket path (spec
// §3.3, §8): lowest free fd, RLIMIT_NOFILE, close, dup/dup2, fcntl, several
// tasks; plus the zero-cost claims (null_trace, constinit, static_ram).
#include <climits>
#include <cstddef>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;
using namespace ksock::inet;
using namespace ksock::unix_domain;
using S = default_stack;

// A namespace-scope stack, constant-initialised (it lands in .bss).
constinit S g_stack;

struct two_tasks : default_config {
    static constexpr std::size_t tasks = 2;
};
struct traced : default_config {
    using trace = print_trace;
};

} // namespace

TEST_CASE("fd table: lowest free fd, close, reuse (spec §3.3 probe)") {
    S s;
    for (int i = 0; i < 5; ++i)
        REQUIRE(s.socket(pf_inet, sock_stream, 0) == i);
    CHECK(s.close(1) == 0);
    CHECK(s.close(3) == 0);
    CHECK(s.socket(pf_inet, sock_dgram, 0) == 1);
    CHECK(s.socket(pf_unix, sock_stream, 0) == 3);
    CHECK(s.socket(pf_inet, sock_stream, 0) == 5);
    CHECK(s.current().files.count_open() == 6);

    SUBCASE("failed socket() and socketpair() consume no fd") {
        CHECK(s.close(2) == 0);
        CHECK(s.socket(pf_inet, sock_raw, 0) == -eprotonosupport);
        CHECK(s.socket(pf_inet6, sock_stream, 0) == -eafnosupport);
        CHECK(s.socket(pf_inet, sock_dgram, ipproto_icmp) == -eacces);
        int sv[2] = {-7, -7};
        CHECK(s.socketpair(pf_inet, sock_stream, 0, sv) == -eopnotsupp);
        CHECK(s.socketpair(pf_inet, sock_stream, 0, nullptr) == -efault);
        CHECK(s.socketpair(pf_inet6, sock_stream, 0, sv) == -eafnosupport);
        CHECK(s.current().files.count_open() == 5);
        CHECK(s.socket(pf_inet, sock_stream, 0) == 2);
        CHECK(s.socket(pf_inet, sock_stream, 0) == 6);
    }
    SUBCASE("close of bad descriptors is EBADF") {
        CHECK(s.close(-1) == -ebadf);
        CHECK(s.close(64) == -ebadf);
        CHECK(s.close(INT_MAX) == -ebadf);
        CHECK(s.close(INT_MIN) == -ebadf);
        CHECK(s.close(6) == -ebadf); // in range, not open
        CHECK(s.close(5) == 0);
        CHECK(s.close(5) == -ebadf);
    }
}

TEST_CASE("fd table: RLIMIT_NOFILE gives EMFILE, nothing leaks") {
    S s;
    SUBCASE("rlimit 0") {
        s.current().rlimit_nofile = 0;
        CHECK(s.socket(pf_inet, sock_stream, 0) == -emfile);
        CHECK(s.socket(pf_unix, sock_dgram, 0) == -emfile);
        int sv[2];
        CHECK(s.socketpair(pf_unix, sock_stream, 0, sv) == -emfile);
        // socketpair reserves fds before looking at the family (spec §8.2).
        CHECK(s.socketpair(-1, sock_stream, 0, sv) == -emfile);
        CHECK(s.socket(-1, sock_stream, 0) == -eafnosupport);
    }
    SUBCASE("rlimit 4 with 0, 1, 2 open") {
        s.current().rlimit_nofile = 4;
        for (int i = 0; i < 3; ++i)
            REQUIRE(s.socket(pf_unix, sock_stream, 0) == i);
        int sv[2];
        CHECK(s.socketpair(pf_unix, sock_stream, 0, sv) == -emfile); // one slot free
        CHECK(s.current().files.count_open() == 3);
        CHECK(s.socket(pf_inet, sock_stream, 0) == 3);
        CHECK(s.socket(pf_inet, sock_stream, 0) == -emfile);
        CHECK(s.dup(0) == -emfile);
        CHECK(s.sockets_in_use() == 4);
        CHECK(s.objects_in_use<inet::tcp_prot>() == 1);
        CHECK(s.net().sockets_allocated == 1);
    }
    SUBCASE("a full table (64 fds) without any limit") {
        // 32 objects per proto: alternate the two unix protos.
        for (int i = 0; i < 64; ++i)
            REQUIRE(s.socket(pf_unix, i % 2 ? sock_dgram : sock_stream, 0) == i);
        // 64 sockets is also sockfs' capacity: sock_alloc fails first.
        CHECK(s.socket(pf_inet, sock_dgram, 0) == -enfile);
        CHECK(s.dup(0) == -emfile);
        CHECK(s.fcntl(0, f_dupfd, 0) == -emfile);
        CHECK(s.objects_in_use<inet::udp_prot>() == 0);
        CHECK(s.close(40) == 0);
        CHECK(s.socket(pf_unix, sock_stream, 0) == 40);
    }
    CHECK(s.sockets_in_use() == s.current().files.count_open());
    CHECK(s.files_in_use() == s.current().files.count_open());
}

TEST_CASE("dup, dup2: shared file, reference counts") {
    S s;
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    REQUIRE(s.socket(pf_inet, sock_dgram, 0) == 1);

    SUBCASE("dup shares the file; the object lives until the last close") {
        const int d = s.dup(0);
        CHECK(d == 2);
        CHECK(s.file_of(d) == s.file_of(0));
        CHECK(s.file_of(0)->f_count == 2);
        CHECK(s.close(0) == 0);
        CHECK(s.objects_in_use<inet::tcp_prot>() == 1);
        CHECK(s.file_of(d)->f_count == 1);
        CHECK(s.sk_of_fd(d)->sk_protocol == ipproto_tcp);
        CHECK(s.dup(1) == 0); // lowest free again
        CHECK(s.close(d) == 0);
        CHECK(s.objects_in_use<inet::tcp_prot>() == 0);
        CHECK(s.sockets_in_use() == 1);
        CHECK(s.files_in_use() == 1);
    }
    SUBCASE("dup2 onto an open fd closes it") {
        CHECK(s.dup2(0, 1) == 1);
        CHECK(s.objects_in_use<inet::udp_prot>() == 0);
        CHECK(s.file_of(1) == s.file_of(0));
        CHECK(s.file_of(0)->f_count == 2);
        CHECK(s.sockets_in_use() == 1);
        CHECK(s.dup2(0, 10) == 10);
        CHECK(s.file_of(0)->f_count == 3);
        CHECK(s.socket(pf_unix, sock_stream, 0) == 2); // dup2 targets leave lower holes
        CHECK(s.close(0) == 0);
        CHECK(s.close(1) == 0);
        CHECK(s.objects_in_use<inet::tcp_prot>() == 1);
        CHECK(s.close(10) == 0);
        CHECK(s.objects_in_use<inet::tcp_prot>() == 0);
    }
    SUBCASE("dup2 edge cases") {
        CHECK(s.dup2(0, 0) == 0);
        CHECK(s.file_of(0)->f_count == 1);
        CHECK(s.dup2(5, 5) == -ebadf);
        CHECK(s.dup2(0, 64) == -ebadf);
        CHECK(s.dup2(0, -1) == -ebadf);
        s.current().rlimit_nofile = 8;
        CHECK(s.dup2(0, 8) == -ebadf);
        CHECK(s.dup2(0, 7) == 7);
        CHECK(s.dup2(9, 3) == -ebadf);
        CHECK(s.dup(-1) == -ebadf);
        CHECK(s.dup(63) == -ebadf);
        CHECK(s.dup(INT_MAX) == -ebadf);
    }
    SUBCASE("dup and dup2 clear close-on-exec") {
        const int c = s.socket(pf_inet, sock_stream | sock_cloexec, 0);
        REQUIRE(c == 2);
        CHECK(s.fcntl(c, f_getfd) == fd_cloexec);
        CHECK(s.fcntl(s.dup(c), f_getfd) == 0);
        CHECK(s.fcntl(s.dup2(c, 20), f_getfd) == 0);
    }
}

TEST_CASE("fcntl on a socket file") {
    S s;
    const int nb = s.socket(pf_inet, sock_stream | sock_nonblock, 0);
    const int ce = s.socket(pf_inet, sock_dgram | sock_cloexec, 0);
    const int pl = s.socket(pf_unix, sock_stream, 0);
    REQUIRE(nb == 0);
    REQUIRE(ce == 1);
    REQUIRE(pl == 2);
    CHECK(s.fcntl(nb, f_getfl) == (o_rdwr | o_nonblock));
    CHECK(s.fcntl(ce, f_getfl) == o_rdwr);
    CHECK(s.fcntl(pl, f_getfl) == o_rdwr);
    CHECK(s.fcntl(nb, f_getfd) == 0);
    CHECK(s.fcntl(ce, f_getfd) == fd_cloexec);
    // F_SETFL round trip; access mode bits are ignored.
    CHECK(s.fcntl(nb, f_setfl, 0) == 0);
    CHECK(s.fcntl(nb, f_getfl) == o_rdwr);
    CHECK(s.fcntl(nb, f_setfl, o_nonblock | o_wronly) == 0);
    CHECK(s.fcntl(nb, f_getfl) == (o_rdwr | o_nonblock));
    CHECK(s.fcntl(nb, f_setfl, o_direct) == -einval);
    CHECK(s.fcntl(nb, f_getfl) == (o_rdwr | o_nonblock));
    // F_SETFD
    CHECK(s.fcntl(ce, f_setfd, 0) == 0);
    CHECK(s.fcntl(ce, f_getfd) == 0);
    CHECK(s.fcntl(pl, f_setfd, fd_cloexec) == 0);
    CHECK(s.fcntl(pl, f_getfd) == fd_cloexec);
    // F_DUPFD from n
    CHECK(s.fcntl(nb, f_dupfd, 10) == 10);
    CHECK(s.fcntl(nb, f_dupfd, 10) == 11);
    CHECK(s.fcntl(nb, f_dupfd, 0) == 3);
    CHECK(s.fcntl(nb, f_getfd) == 0);
    CHECK(s.fcntl(nb, f_dupfd_cloexec, 30) == 30);
    CHECK(s.fcntl(30, f_getfd) == fd_cloexec);
    CHECK(s.fcntl(30, f_getfl) == (o_rdwr | o_nonblock)); // shared file status
    CHECK(s.file_of(nb)->f_count == 5);
    CHECK(s.fcntl(nb, f_dupfd, 64) == -einval);
    CHECK(s.fcntl(nb, f_dupfd, -1) == -einval);
    // bad command, bad fd
    CHECK(s.fcntl(nb, 9999) == -einval);
    CHECK(s.fcntl(nb, -1) == -einval);
    CHECK(s.fcntl(50, f_getfl) == -ebadf);
    CHECK(s.fcntl(-1, f_getfd) == -ebadf);
}

TEST_CASE("tasks: each task has its own fd table") {
    stack<two_tasks> s;
    STATIC_REQUIRE(stack<two_tasks>::task_count() == 2);
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 1);
    s.set_current(1);
    CHECK(s.close(0) == -ebadf);
    CHECK(s.fcntl(1, f_getfl) == -ebadf);
    CHECK(s.dup(0) == -ebadf);
    CHECK(s.sk_of_fd(0) == nullptr);
    CHECK(s.socket(pf_unix, sock_dgram, 0) == 0);
    CHECK(s.current().files.count_open() == 1);
    CHECK(s.task(0).files.count_open() == 2);
    CHECK(s.current().pid == 2);
    s.set_current(0);
    CHECK(s.sk_of_fd(0)->sk_family() == pf_inet);
    CHECK(s.socket(pf_unix, sock_dgram, 0) == 2);
    CHECK(s.sockets_in_use() == 4);
    // Unknown task index: ignored.
    s.set_current(7);
    CHECK(s.current().pid == 1);
}

TEST_CASE("fdtable: the lowest free fd, with and without full_fds_bits") {
    // One word (24 fds fit in a long on every target): the word is its own
    // summary.
    fdtable<24> one;
    STATIC_REQUIRE(!fdtable<24>::keeps_full_bits);
    for (int i = 0; i < 24; ++i)
        REQUIRE(one.alloc_fd(0, 24, 0) == i);
    CHECK(one.alloc_fd(0, 24, 0) == -emfile); // the table is full
    one.put_unused_fd(7);
    CHECK(one.next_fd == 7);
    CHECK(one.alloc_fd(0, 24, o_cloexec) == 7);
    CHECK(one.is_close_on_exec(7));
    CHECK(one.alloc_fd(0, 24, 0) == -emfile);
    one.put_unused_fd(3);
    CHECK(one.alloc_fd(0, 3, 0) == -emfile); // the soft limit is below it
    CHECK(one.alloc_fd(0, 4, 0) == 3);
    CHECK_FALSE(one.is_close_on_exec(3));
    // Several words: full ones are skipped through full_fds_bits.
    fdtable<200> many;
    STATIC_REQUIRE(fdtable<200>::keeps_full_bits);
    // Two full words and part of a third, whatever a long's width.
    constexpr int b = static_cast<int>(fdtable<200>::bits);
    constexpr int n = 2 * b + 22;
    for (int i = 0; i < n; ++i)
        REQUIRE(many.alloc_fd(0, 200, 0) == i);
    CHECK(many.full_fds_bits[0] == 0b11);
    many.put_unused_fd(static_cast<unsigned>(b + 6));
    CHECK(many.full_fds_bits[0] == 0b01);
    CHECK(many.alloc_fd(0, 200, 0) == b + 6);
    CHECK(many.alloc_fd(0, 200, 0) == n);
    CHECK(many.alloc_fd(n + 10, 200, 0) == n + 10); // a start above next_fd
    CHECK(many.alloc_fd(0, 200, 0) == n + 1);       // below it, next_fd's place
    many.put_unused_fd(5);
    CHECK(many.alloc_fd(0, 200, 0) == 5);
}

TEST_CASE("zero cost: null_trace, constinit, static_ram") {
    STATIC_REQUIRE(std::is_empty_v<null_trace>);
    STATIC_REQUIRE(!std::is_empty_v<print_trace>);
    constexpr std::size_t a = alignof(S);
    constexpr std::size_t extra = (sizeof(print_trace) + a - 1) / a * a;
    // >=: print_trace may fit in the stack's tail padding (it does on 32-bit ARM).
    STATIC_REQUIRE(sizeof(stack<traced>) >= sizeof(S));
    STATIC_REQUIRE(sizeof(stack<traced>) - sizeof(S) <= extra);
    STATIC_REQUIRE(S::static_ram() == sizeof(S));
    STATIC_REQUIRE(stack<traced>::static_ram() == sizeof(stack<traced>));
    STATIC_REQUIRE(S::proto_pool_ram() < S::static_ram());
    STATIC_REQUIRE(S::proto_pool_ram() >=
                   32 * (sizeof(tcp_sock) + sizeof(udp_sock) + sizeof(inet_sock) +
                         sizeof(raw_sock) + 2 * sizeof(unix_sock)));

    // A traced stack runs the same path (its output goes to stdout).
    stack<traced> t;
    CHECK(t.socket(pf_inet, sock_stream, 0) == 0);
    CHECK(t.socket(pf_inet, sock_dgram, ipproto_icmp) == -eacces);
    CHECK(t.close(0) == 0);
    CHECK(t.sockets_in_use() == 0);

    // The constinit stack works like any other.
    const int fd = g_stack.socket(pf_inet, sock_stream, 0);
    REQUIRE(fd >= 0);
    CHECK(g_stack.sk_of_fd(fd)->sk_protocol == ipproto_tcp);
    CHECK(g_stack.close(fd) == 0);
    CHECK(g_stack.sockets_in_use() == 0);
}
