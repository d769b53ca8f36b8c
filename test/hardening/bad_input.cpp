// test/hardening/bad_input.cpp: every public call with every argument at its
// extremes (INT_MIN, -1, 0, INT_MAX, huge lengths, null pointers, buffers at
// odd addresses) returns a value >= 0 or -errno and does nothing undefined:
// the asan presets run this under AddressSanitizer + UBSan without recovery.
// Where Linux would say EFAULT for a bad user pointer, ksock says EFAULT for
// a null one; other bad pointers cannot be detected (README, Reliability).
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include <doctest/doctest.h>

#include <ksock/ksock.hpp>

namespace {

using namespace ksock;

struct bad_config : default_config {
    static constexpr std::size_t max_fds = 16;
    static constexpr std::size_t max_sockets = 24;
    static constexpr std::size_t tasks = 2;
    //! Enough UNIX datagram sockets to fill a task's table.
    template <class P>
    static constexpr std::size_t proto_objects =
        std::is_same_v<P, unix_domain::unix_dgram_proto> ? 20 : 4;
};
using S = stack<bad_config>;
constexpr int nfds = static_cast<int>(bad_config::max_fds);

constexpr int extremes[] = {INT_MIN, INT_MIN + 1, -4096, -65536,  -2,          -1,     0,
                            1,       2,           3,     4,       5,           6,      10,
                            11,      15,          16,    17,      41,          46,     255,
                            256,     65535,       65536, 1 << 20, INT_MAX - 1, INT_MAX};
constexpr long long_extremes[] = {
    LONG_MIN, LONG_MIN + 1, INT_MIN, -1, 0, 1, 2, 15, 16, INT_MAX, static_cast<long>(0xffffffffUL),
    LONG_MAX};
// The flag bits socket() accepts, alone and with stray bits.
constexpr int type_flags[] = {0,    sock_nonblock, sock_cloexec, sock_nonblock | sock_cloexec,
                              0x10, 0x100,         INT_MIN};

//! A kernel-style result: >= 0, or -errno with a user-visible errno (the
//! kernel-internal ERESTART* codes start at 512).
bool valid(int r) {
    return r >= 0 || (r <= -1 && r > -512);
}

unsigned long calls = 0;

//! The fds of the base set: one socket of every proto.
void open_base(S& s) {
    s.net().sysctl.ping_group_range[0] = 0;
    s.net().sysctl.ping_group_range[1] = 0;
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    REQUIRE(s.socket(pf_inet, sock_dgram, 0) == 1);
    REQUIRE(s.socket(pf_inet, sock_dgram, ipproto_icmp) == 2);
    REQUIRE(s.socket(pf_inet, sock_raw, 255) == 3);
    REQUIRE(s.socket(pf_unix, sock_stream, 0) == 4);
    REQUIRE(s.socket(pf_unix, sock_dgram, 0) == 5);
}
constexpr int base_fds = 6;

//! Close every fd at or above \p from in the calling task.
void close_from(S& s, int from) {
    for (int fd = from; fd < nfds; ++fd)
        if (s.current().files.fd_is_open(static_cast<unsigned>(fd)))
            REQUIRE(s.close(fd) == 0);
}

void check_state(S& s) {
    const auto inv = s.check_invariants();
    REQUIRE_MESSAGE(inv.ok, inv.what);
}

TEST_CASE("bad input: socket() with every extreme family, type and protocol") {
    S s;
    s.net().sysctl.ping_group_range[0] = 0;
    s.net().sysctl.ping_group_range[1] = 0;
    for (int family : extremes)
        for (int type : extremes)
            for (int flags : type_flags)
                for (int protocol : extremes) {
                    const int r = s.socket(family, type | flags, protocol);
                    ++calls;
                    if (!valid(r) || r >= nfds) {
                        CAPTURE(family);
                        CAPTURE(type);
                        CAPTURE(flags);
                        CAPTURE(protocol);
                        FAIL_CHECK("socket() returned " << r);
                    }
                    if (r >= 0)
                        REQUIRE(s.close(r) == 0);
                }
    check_state(s);
    CHECK(s.empty());
}

TEST_CASE("bad input: socketpair() with extremes and a null sv") {
    S s;
    for (int family : {INT_MIN, -1, 0, 1, 2, 46, INT_MAX})
        for (int type : extremes)
            for (int flags : type_flags)
                for (int protocol : {INT_MIN, -1, 0, 1, 6, 17, 255, INT_MAX}) {
                    CAPTURE(family);
                    CAPTURE(type);
                    CAPTURE(flags);
                    CAPTURE(protocol);
                    int sv[2] = {-1, -1};
                    const int r = s.socketpair(family, type | flags, protocol, sv);
                    ++calls;
                    REQUIRE(valid(r));
                    REQUIRE(r <= 0);
                    if (r == 0) {
                        REQUIRE(s.close(sv[0]) == 0);
                        REQUIRE(s.close(sv[1]) == 0);
                    }
                    // Null sv: never written, never a success.
                    const int n = s.socketpair(family, type | flags, protocol, nullptr);
                    ++calls;
                    REQUIRE(valid(n));
                    REQUIRE(n < 0);
                    REQUIRE(s.empty());
                }
    CHECK(s.socketpair(af_unix, sock_stream, 0, nullptr) == -efault);
    check_state(s);
}

TEST_CASE("bad input: close, dup, dup2 and fcntl with extreme descriptors and arguments") {
    S s;
    open_base(s);
    for (int fd : extremes) {
        CAPTURE(fd);
        const int d = s.dup(fd);
        ++calls;
        REQUIRE(valid(d));
        if (d >= 0) {
            REQUIRE(fd >= 0);
            REQUIRE(fd < base_fds);
            REQUIRE(d == base_fds);
        }
        close_from(s, base_fds);
        if (fd < 0 || fd >= base_fds) {
            REQUIRE(s.close(fd) == -ebadf);
            ++calls;
        }
    }
    // dup2 onto every extreme: the base set is rebuilt after each call.
    for (int oldfd : extremes)
        for (int newfd : extremes) {
            CAPTURE(oldfd);
            CAPTURE(newfd);
            const int r = s.dup2(oldfd, newfd);
            ++calls;
            REQUIRE(valid(r));
            if (r >= 0)
                REQUIRE(r == newfd);
            check_state(s);
            close_from(s, 0);
            REQUIRE(s.empty());
            open_base(s);
        }
    // fcntl: every descriptor, command and argument.
    constexpr int extra_cmds[] = {f_dupfd, f_getfd, f_setfd, f_getfl, f_setfl, 5,    6,
                                  7,       8,       9,       10,      11,      12,   1024,
                                  1025,    1026,    1029,    1030,    1031,    1033, 1034};
    for (int fd : {INT_MIN, -1, 0, 1, 3, 5, 6, 15, 16, INT_MAX})
        for (int cmd : extremes)
            for (long arg : long_extremes) {
                const int r1 = s.fcntl(fd, cmd, arg);
                ++calls;
                if (!valid(r1)) {
                    CAPTURE(fd);
                    CAPTURE(cmd);
                    CAPTURE(arg);
                    FAIL("fcntl returned " << r1);
                }
                close_from(s, base_fds);
            }
    for (int fd : {0, 2, 4, 5})
        for (int cmd : extra_cmds)
            for (long arg : long_extremes) {
                CAPTURE(fd);
                CAPTURE(cmd);
                CAPTURE(arg);
                const int r = s.fcntl(fd, cmd, arg);
                ++calls;
                REQUIRE(valid(r));
                if ((cmd == f_dupfd || cmd == f_dupfd_cloexec) && r >= 0) {
                    REQUIRE(arg >= 0);
                    REQUIRE(r >= arg);
                }
                close_from(s, base_fds);
            }
    check_state(s);
    close_from(s, 0);
    CHECK(s.empty());
}

//! A buffer with a canary pattern, larger than any option (struct tcp_info
//! is the largest, 280 bytes): what a call wrote is visible.
struct guarded {
    static constexpr std::size_t size = 512;
    alignas(16) unsigned char bytes[size];
    void fill(unsigned char c) { std::memset(bytes, c, sizeof bytes); }
    //! No byte at or after \p from differs from \p c.
    bool untouched_from(std::size_t from, unsigned char c) const {
        for (std::size_t i = from; i < sizeof bytes; ++i)
            if (bytes[i] != c)
                return false;
        return true;
    }
};

// The levels ksock serves, then levels nobody serves.
constexpr int real_levels[] = {sol_ip, sol_socket, sol_tcp, sol_udp, sol_raw};
constexpr int bogus_levels[] = {INT_MIN, -1, 2, 41, 263, 280, INT_MAX};
constexpr int high_optnames[] = {-1, INT_MIN, 255, 256, 1000, 65535, INT_MAX};
constexpr unsigned lengths[] = {
    0U,  1U,   2U,   3U,   4U,   5U,    7U,          8U,          12U,         16U,
    64U, 255U, 280U, 281U, 512U, 4096U, 0x7fffffffU, 0x80000000U, 0xfffffffcU, 0xffffffffU};
constexpr std::size_t offsets[] = {0, 1, 3};

//! Each optname of 0..99 (every option of every level is below 100) and
//! the extremes.
template <class F>
void for_each_optname(F f) {
    for (int optname = 0; optname < 100; ++optname)
        f(optname);
    for (int optname : high_optnames)
        f(optname);
}

struct sockopt_sweep {
    S& s;
    guarded buf{};
    // optlen inside a char array at an odd address, as a user pointer may be.
    alignas(8) unsigned char lenbox[16]{};

    //! getsockopt with null pointers: an error, never a success.
    void get_null(int fd, int level, int optname) {
        const int a = s.getsockopt(fd, level, optname, nullptr, nullptr);
        socklen_t len = 4;
        const int b = s.getsockopt(fd, level, optname, nullptr, &len);
        len = 0;
        const int c = s.getsockopt(fd, level, optname, nullptr, &len);
        const int d = s.getsockopt(fd, level, optname, buf.bytes, nullptr);
        calls += 4;
        if (!valid(a) || !valid(b) || !valid(c) || !valid(d) || a == 0 || d == 0) {
            CAPTURE(fd);
            CAPTURE(level);
            CAPTURE(optname);
            FAIL("null pointers: " << a << ' ' << b << ' ' << c << ' ' << d);
        }
    }

    //! getsockopt with *optlen = \p in, both pointers \p off bytes past an
    //! aligned address: a valid result, a length no larger than given, and
    //! nothing written past it.
    void get(int fd, int level, int optname, std::size_t off, unsigned in) {
        buf.fill(0xa5);
        std::memcpy(lenbox + off, &in, sizeof in);
        // copy_from_user works at any address; ksock moves optlen with memcpy.
        auto* plen = static_cast<socklen_t*>(static_cast<void*>(lenbox + off));
        const int r = s.getsockopt(fd, level, optname, buf.bytes + off, plen);
        ++calls;
        unsigned out = 0;
        std::memcpy(&out, lenbox + off, sizeof out);
        const bool negative = static_cast<int>(in) < 0;
        const std::size_t room = negative ? off : off + in;
        bool ok = valid(r);
        if (r == 0)
            ok = ok && !negative && static_cast<int>(out) >= 0 && out <= in &&
                 buf.untouched_from(off + out, 0xa5);
        else
            ok = ok && (room >= sizeof buf.bytes || buf.untouched_from(room, 0xa5));
        if (!ok) {
            CAPTURE(fd);
            CAPTURE(level);
            CAPTURE(optname);
            CAPTURE(off);
            CAPTURE(in);
            CAPTURE(out);
            FAIL("getsockopt returned " << r);
        }
    }

    //! setsockopt with \p v at an odd or aligned address and length \p len.
    void set(int fd, int level, int optname, std::size_t off, int v, unsigned len) {
        buf.fill(v < 0 ? 0xff : 0);
        std::memcpy(buf.bytes + off, &v, sizeof v);
        const int r = s.setsockopt(fd, level, optname, buf.bytes + off, len);
        ++calls;
        if (!valid(r)) {
            CAPTURE(fd);
            CAPTURE(level);
            CAPTURE(optname);
            CAPTURE(v);
            CAPTURE(off);
            CAPTURE(len);
            FAIL("setsockopt returned " << r);
        }
    }
    void set_null(int fd, int level, int optname) {
        for (unsigned len : {0U, 4U, 16U, 0x80000000U, 0xffffffffU}) {
            const int n = s.setsockopt(fd, level, optname, nullptr, len);
            ++calls;
            if (!valid(n)) {
                CAPTURE(fd);
                CAPTURE(level);
                CAPTURE(optname);
                CAPTURE(len);
                FAIL("setsockopt(null) returned " << n);
            }
        }
    }
};

TEST_CASE("bad input: getsockopt with extreme levels, names, lengths and pointers") {
    S s;
    open_base(s);
    sockopt_sweep w{s};
    for (int fd = 0; fd < base_fds; ++fd) {
        for (int level : real_levels)
            for_each_optname([&](int optname) {
                w.get_null(fd, level, optname);
                for (std::size_t off : offsets)
                    for (unsigned in : lengths)
                        w.get(fd, level, optname, off, in);
            });
        for (int level : bogus_levels)
            for_each_optname([&](int optname) {
                w.get_null(fd, level, optname);
                w.get(fd, level, optname, 1, 4);
                w.get(fd, level, optname, 0, 0xffffffffU);
            });
    }
    check_state(s);
    // What ksock says for null pointers (README, Reliability).
    socklen_t len = sizeof(int);
    CHECK(s.getsockopt(0, sol_socket, so_type, nullptr, &len) == -efault);
    CHECK(s.getsockopt(0, sol_socket, so_type, w.buf.bytes, nullptr) == -efault);
    len = 0;
    CHECK(s.getsockopt(0, sol_socket, so_type, nullptr, &len) == 0); // nothing to move
    close_from(s, 0);
    CHECK(s.empty());
}

TEST_CASE("bad input: setsockopt with extreme levels, names, values, lengths and pointers") {
    S s;
    open_base(s);
    sockopt_sweep w{s};
    constexpr int values[] = {INT_MIN, -1, 0, 1, 2, 255, 65536, INT_MAX};
    constexpr std::size_t nvalues = sizeof values / sizeof values[0];
    for (int fd = 0; fd < base_fds; ++fd) {
        for (int level : real_levels)
            for_each_optname([&](int optname) {
                w.set_null(fd, level, optname);
                // Every length (value and address rotating), then every value
                // at an odd address with the length of an int.
                std::size_t i = static_cast<std::size_t>(optname) & 0xffU;
                for (unsigned len : lengths) {
                    w.set(fd, level, optname, offsets[i % 3], values[i % nvalues], len);
                    ++i;
                }
                for (int v : values)
                    w.set(fd, level, optname, 1, v, sizeof(int));
            });
        for (int level : bogus_levels)
            for_each_optname([&](int optname) {
                w.set_null(fd, level, optname);
                w.set(fd, level, optname, 3, INT_MIN, 0x7fffffffU);
            });
    }
    check_state(s);
    CHECK(s.setsockopt(0, sol_socket, so_rcvbuf, nullptr, sizeof(int)) == -efault);
    close_from(s, 0);
    CHECK(s.empty());
}

TEST_CASE("bad input: option buffers of exactly the given length") {
    // Each buffer is a heap block of exactly optlen bytes: AddressSanitizer
    // (asan presets) reports any byte ksock reads or writes past it.
    S s;
    open_base(s);
    constexpr std::size_t exact[] = {1, 2, 3, 4, 5, 7, 8, 12, 16, 20, 24, 64, 279, 280};
    for (int fd = 0; fd < base_fds; ++fd)
        for (int level : real_levels)
            for_each_optname([&](int optname) {
                for (std::size_t n : exact) {
                    std::vector<unsigned char> buf(n, 0xff);
                    const int w =
                        s.setsockopt(fd, level, optname, buf.data(), static_cast<socklen_t>(n));
                    auto len = static_cast<socklen_t>(n);
                    const int r = s.getsockopt(fd, level, optname, buf.data(), &len);
                    calls += 2;
                    if (!valid(w) || !valid(r) || (r == 0 && len > n)) {
                        CAPTURE(fd);
                        CAPTURE(level);
                        CAPTURE(optname);
                        CAPTURE(n);
                        FAIL("setsockopt " << w << ", getsockopt " << r << " len " << len);
                    }
                }
            });
    check_state(s);
    close_from(s, 0);
    CHECK(s.empty());
}

TEST_CASE("bad input: tasks and lookups with extreme indexes and descriptors") {
    S s;
    open_base(s);
    for (std::size_t i : {SIZE_MAX, std::size_t{2}, std::size_t{1} << 31, std::size_t{1000}}) {
        s.set_current(i); // ignored
        CHECK(s.current().pid == 1);
    }
    for (int fd : extremes) {
        CAPTURE(fd);
        const bool base = fd >= 0 && fd < base_fds;
        CHECK((s.socket_of(fd) != nullptr) == base);
        CHECK((s.sk_of_fd(fd) != nullptr) == base);
        CHECK((s.file_of(fd) != nullptr) == base);
        calls += 3;
    }
    // The other task sees none of them.
    s.set_current(1);
    for (int fd : extremes) {
        CHECK(s.socket_of(fd) == nullptr);
        CHECK(s.close(fd) == -ebadf);
        calls += 2;
    }
    // RLIMIT_NOFILE at its extremes: 0 (every fd EMFILE) and above the table.
    for (unsigned lim : {0U, 1U, 15U, 16U, 17U, UINT_MAX}) {
        CAPTURE(lim);
        s.current().rlimit_nofile = lim;
        int opened = 0;
        for (;;) {
            const int fd = s.socket(pf_unix, sock_dgram, 0);
            ++calls;
            REQUIRE(valid(fd));
            if (fd < 0) {
                CHECK(fd == -emfile);
                break;
            }
            ++opened;
        }
        CHECK(opened == static_cast<int>(lim < 16U ? lim : 16U));
        for (int fcmd : {f_dupfd, f_dupfd_cloexec})
            CHECK(s.fcntl(0, fcmd, 0) == (lim == 0 ? -ebadf : -emfile));
        close_from(s, 0);
    }
    s.set_current(0);
    check_state(s);
    close_from(s, 0);
    CHECK(s.empty());
}

TEST_CASE("bad input: the posix facade with extremes") {
    S s;
    posix::api api{s};
    for (int family : extremes)
        for (int type : {INT_MIN, -1, 0, 1, 2, 3, 16, INT_MAX}) {
            errno = 0;
            const int r = api.socket(family, type, 0);
            ++calls;
            if (r >= 0) {
                CHECK(api.close(r) == 0);
            } else {
                CHECK(r == -1);
                CHECK(errno > 0);
            }
        }
    CHECK(api.socketpair(af_unix, sock_stream, 0, nullptr) == -1);
    CHECK(errno == EFAULT);
    CHECK(api.fcntl(INT_MIN, INT_MIN, LONG_MIN) == -1);
    CHECK(errno == EBADF);
    CHECK(api.dup2(INT_MAX, INT_MIN) == -1);
    CHECK(api.getsockopt(INT_MAX, INT_MAX, INT_MAX, nullptr, nullptr) == -1);
    CHECK(api.setsockopt(INT_MIN, INT_MIN, INT_MIN, nullptr, 0xffffffffU) == -1);
    CHECK(s.empty());
    MESSAGE("bad input: " << calls << " calls with extreme arguments, every result valid");
}

} // namespace
