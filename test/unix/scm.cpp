// test/unix/scm.cpp: ancillary data on PF_UNIX (SCM_RIGHTS, SCM_CREDENTIALS,
// SO_PASSCRED), SO_PEERCRED and unix_gc. Expected values were observed on
// the 6.18 host with real AF_UNIX sockets (x86-64: a 16-byte cmsghdr).
#include <vector>

#include "unix/fixture.hpp"

using namespace unix_test;

namespace {

//! The cases with the host's buffer lengths (a 16-byte cmsghdr, 8-byte
//! alignment) are skipped where size_t has 32 bits: there ksock follows a
//! 32-bit kernel (12-byte cmsghdr, 4-byte alignment), as it should.
constexpr bool cmsghdr_is_not_x86_64 = sizeof(cmsghdr) != 16;

//! A control buffer, aligned as CMSG_* wants it.
struct ctl_buf {
    alignas(8) unsigned char b[512]{};
    cmsghdr* at(std::size_t off) { return static_cast<cmsghdr*>(static_cast<void*>(b + off)); }
};

//! Append one cmsg at \p off; returns the offset after it (CMSG_SPACE).
std::size_t put(ctl_buf& c, std::size_t off, int level, int type, const void* data, std::size_t len,
                std::size_t cmsg_len_v = 0) {
    cmsghdr h{cmsg_len_v ? cmsg_len_v : cmsg_len(len), level, type};
    std::memcpy(c.b + off, &h, sizeof h);
    std::memcpy(c.b + off + sizeof h, data, len);
    return off + cmsg_space(len);
}

template <class St>
long send_ctl(St& s, int fd, const char* data, void* ctl, std::size_t ctl_len, int flags = 0) {
    iovec iov{const_cast<char*>(data), std::strlen(data)};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = ctl_len;
    return s.sendmsg(fd, &m, flags);
}
template <class St>
long send_fds(St& s, int fd, const char* data, const int* fds, int n) {
    ctl_buf c;
    const std::size_t len = put(c, 0, sol_socket, scm_rights, fds, sizeof(int) * unsigned(n));
    return send_ctl(s, fd, data, c.b, len);
}

struct received {
    long ret = 0;
    std::string data;
    int flags = 0;
    std::size_t controllen = 0;
    ctl_buf c;
    //! The ints of the cmsg at \p off.
    std::vector<int> ints(std::size_t off = 0) const {
        cmsghdr h;
        std::memcpy(&h, c.b + off, sizeof h);
        std::vector<int> v((h.cmsg_len - sizeof h) / sizeof(int));
        std::memcpy(v.data(), c.b + off + sizeof h, v.size() * sizeof(int));
        return v;
    }
    cmsghdr hdr(std::size_t off = 0) const {
        cmsghdr h;
        std::memcpy(&h, c.b + off, sizeof h);
        return h;
    }
};
template <class St>
received recv_ctl(St& s, int fd, std::size_t ctl_len, int flags = 0, std::size_t n = 100) {
    received r;
    char d[256] = {};
    iovec iov{d, n};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl_len ? r.c.b : nullptr;
    m.msg_controllen = ctl_len;
    r.ret = s.recvmsg(fd, &m, flags | msg_dontwait);
    if (r.ret > 0)
        r.data.assign(d, static_cast<std::size_t>(r.ret));
    r.flags = m.msg_flags;
    r.controllen = m.msg_controllen;
    return r;
}

template <class St>
ucred peercred(St& s, int fd, socklen_t len = sizeof(ucred), socklen_t* out = nullptr) {
    ucred u{111, 222, 333};
    socklen_t l = len;
    REQUIRE(s.getsockopt(fd, sol_socket, so_peercred, &u, &l) == 0);
    if (out)
        *out = l;
    return u;
}

constexpr std::uint32_t none = static_cast<std::uint32_t>(-1);

} // namespace

TEST_CASE("unix scm: SCM_RIGHTS over a datagram socketpair" *
          doctest::skip(cmsghdr_is_not_x86_64)) {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    const int x = s.socket(af_unix, sock_stream, 0);
    REQUIRE(x == 2);
    CHECK(send_fds(s, sv[0], "x", &x, 1) == 1);
    CHECK(s.scm_fp_lists_in_use() == 1);
    s.close(x); // the message holds its own reference
    UNIX_OK(s);
    received r = recv_ctl(s, sv[1], 256);
    CHECK(r.ret == 1);
    CHECK(r.flags == 0);
    CHECK(r.controllen == cmsg_space(sizeof(int)));
    CHECK(r.hdr().cmsg_len == cmsg_len(sizeof(int)));
    CHECK(r.hdr().cmsg_level == sol_socket);
    CHECK(r.hdr().cmsg_type == scm_rights);
    CHECK(r.ints() == std::vector<int>{2}); // lowest free
    CHECK(s.sk_of_fd(2) != nullptr);
    CHECK(s.scm_fp_lists_in_use() == 0);
    UNIX_OK(s);

    // Two SCM_RIGHTS in one message add up.
    {
        ctl_buf c;
        std::size_t off = put(c, 0, sol_socket, scm_rights, &x, sizeof x);
        off = put(c, off, sol_socket, scm_rights, &sv[0], sizeof x);
        CHECK(send_ctl(s, sv[0], "x", c.b, off) == 1);
        r = recv_ctl(s, sv[1], 256);
        CHECK(r.controllen == 24);
        CHECK(r.ints() == std::vector<int>{3, 4});
        s.close(3);
        s.close(4);
    }
    // MSG_PEEK installs the files too, and the read installs them again;
    // MSG_CMSG_CLOEXEC marks the new fds close-on-exec and stays in msg_flags.
    const int two[2] = {x, x};
    CHECK(send_fds(s, sv[0], "x", two, 2) == 1);
    r = recv_ctl(s, sv[1], 256, msg_peek);
    CHECK(r.ints() == std::vector<int>{3, 4});
    r = recv_ctl(s, sv[1], 256, msg_cmsg_cloexec);
    CHECK(r.flags == msg_cmsg_cloexec);
    CHECK(r.ints() == std::vector<int>{5, 6});
    CHECK(s.fcntl(5, f_getfd) == fd_cloexec);
    CHECK(s.fcntl(3, f_getfd) == 0);
    for (int fd = 3; fd <= 6; ++fd)
        s.close(fd);
    // A zero-length buffer: MSG_TRUNC, 0, the files all the same.
    CHECK(send_fds(s, sv[0], "x", two, 2) == 1);
    r = recv_ctl(s, sv[1], 256, 0, 0);
    CHECK(r.ret == 0);
    CHECK(r.flags == msg_trunc);
    CHECK(r.ints() == std::vector<int>{3, 4});
    s.close(3);
    s.close(4);
    UNIX_OK(s);
    s.close(x);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix scm: scm_send_cmsgs's parsing" * doctest::skip(cmsghdr_is_not_x86_64)) {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    const int x = s.socket(af_unix, sock_stream, 0);
    char drop[8];
    auto drain = [&] {
        while (s.recv(sv[1], drop, sizeof drop, msg_dontwait) >= 0) {
        }
    };
    ctl_buf c;
    // cmsg_len one short of an int: no fds, no error; one over: one fd.
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, sol_socket, scm_rights, &x, 4, cmsg_len(4) - 1)) ==
          1);
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, sol_socket, scm_rights, &x, 4, cmsg_len(4) + 1)) ==
          1);
    drain();
    // Past the buffer: EINVAL.
    CHECK(send_ctl(s, sv[0], "x", c.b,
                   put(c, 0, sol_socket, scm_rights, &x, 4, cmsg_space(4) + 1)) == -einval);
    // An empty fd array is fine.
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, sol_socket, scm_rights, &x, 0)) == 1);
    drain();
    const int bad[2] = {999, -1};
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, sol_socket, scm_rights, &bad[0], 4)) == -ebadf);
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, sol_socket, scm_rights, &bad[1], 4)) == -ebadf);
    // A bad fd in a second SCM_RIGHTS: the first one's file goes back.
    {
        std::size_t off = put(c, 0, sol_socket, scm_rights, &x, 4);
        off = put(c, off, sol_socket, scm_rights, &bad[0], 4);
        CHECK(send_ctl(s, sv[0], "x", c.b, off) == -ebadf);
        CHECK(s.file_of(x)->f_count == 1);
    }
    // Unknown SOL_SOCKET types, SCM_SECURITY and SCM_PIDFD: EINVAL.
    for (int type : {99, scm_security, scm_pidfd})
        CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, sol_socket, type, &x, 4)) == -einval);
    // Other levels are skipped, but a short cmsg_len is EINVAL at any level.
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, 0, 99, &x, 4)) == 1);
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, 1234, 99, &x, 4)) == 1);
    CHECK(send_ctl(s, sv[0], "x", c.b, put(c, 0, 1234, 99, &x, 4, 8)) == -einval);
    // A tail shorter than a header is ignored; a zeroed header is EINVAL.
    CHECK(send_ctl(s, sv[0], "x", c.b, 15) == 1);
    std::memset(c.b, 0, sizeof c.b);
    const std::size_t one = put(c, 0, sol_socket, scm_rights, &x, 4);
    CHECK(send_ctl(s, sv[0], "x", c.b, one + 10) == 1);
    CHECK(send_ctl(s, sv[0], "x", c.b, one + 16) == -einval);
    drain();
    // The buffer itself: null is EFAULT, net.core.optmem_max or more ENOBUFS.
    CHECK(send_ctl(s, sv[0], "x", nullptr, 24) == -efault);
    CHECK(send_ctl(s, sv[0], "x", nullptr, 8) == -efault);
    CHECK(send_ctl(s, sv[0], "x", c.b, 131072) == -enobufs);
    CHECK(send_ctl(s, sv[0], "x", c.b, 200000) == -enobufs);
    // More fds than a list holds (Config::scm_max_fd; Linux: 253): EINVAL.
    {
        int many[S::config::scm_max_fd + 1];
        for (int& f : many)
            f = x;
        CHECK(send_fds(s, sv[0], "x", many, int(S::config::scm_max_fd)) == 1);
        CHECK(send_fds(s, sv[0], "x", many, int(S::config::scm_max_fd) + 1) == -einval);
        received r = recv_ctl(s, sv[1], 512);
        CHECK(r.ints().size() == S::config::scm_max_fd);
        for (int fd : r.ints())
            s.close(fd);
    }
    // SCM_RIGHTS on an inet socket: the family is checked (Linux never gets
    // there, inet has no scm_send), so nothing of it is interpreted.
    UNIX_OK(s);
    s.close(x);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix scm: a receive buffer too short, and a full fd table" *
          doctest::skip(cmsghdr_is_not_x86_64)) {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    const int x = s.socket(af_unix, sock_stream, 0);
    const int two[2] = {x, x};
    CHECK(send_fds(s, sv[0], "x", two, 2) == 1);
    received r = recv_ctl(s, sv[1], cmsg_len(4)); // room for one
    CHECK(r.ret == 1);
    CHECK(r.flags == msg_ctrunc);
    CHECK(r.controllen == 20);
    CHECK(r.ints() == std::vector<int>{3});
    s.close(3);
    for (std::size_t len : {std::size_t{16}, std::size_t{10}, std::size_t{0}}) {
        CHECK(send_fds(s, sv[0], "x", two, 2) == 1);
        r = recv_ctl(s, sv[1], len);
        CHECK(r.ret == 1);
        CHECK(r.flags == msg_ctrunc);
        CHECK(r.controllen == 0);
    }
    // recv() has no control buffer: the files are dropped, MSG_CTRUNC.
    CHECK(send_fds(s, sv[0], "x", two, 2) == 1);
    char b[4];
    CHECK(s.recv(sv[1], b, 4, 0) == 1);
    CHECK(s.scm_fp_lists_in_use() == 0);
    CHECK(s.file_of(x)->f_count == 1);
    // EMFILE after one fd: that one is delivered, the rest dropped, CTRUNC.
    const int three[3] = {x, x, x};
    CHECK(send_fds(s, sv[0], "x", three, 3) == 1);
    s.current().rlimit_nofile = 4;
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.ret == 1);
    CHECK(r.flags == msg_ctrunc);
    CHECK(r.controllen == 24);
    CHECK(r.ints() == std::vector<int>{3});
    CHECK(send_fds(s, sv[0], "x", three, 3) == 1);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.ret == 1);
    CHECK(r.flags == msg_ctrunc);
    CHECK(r.controllen == 0);
    s.current().rlimit_nofile = 64;
    s.close(3);
    UNIX_OK(s);
    s.close(x);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix scm: a stream read ends after an skb with files") {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    const int x = s.socket(af_unix, sock_stream, 0);
    CHECK(send_str(s, sv[0], "aa") == 2);
    CHECK(send_fds(s, sv[0], "bb", &x, 1) == 2);
    CHECK(send_str(s, sv[0], "cc") == 2);
    CHECK(send_fds(s, sv[0], "dd", &x, 1) == 2);
    received r = recv_ctl(s, sv[1], 256, msg_peek);
    CHECK(r.data == "aabb");
    CHECK(r.ints() == std::vector<int>{3});
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.data == "aabb");
    CHECK(r.ints() == std::vector<int>{4});
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.data == "ccdd");
    CHECK(r.ints() == std::vector<int>{5});
    // The files come with the first bytes of their skb.
    CHECK(send_fds(s, sv[0], "bbbb", &x, 1) == 4);
    CHECK(send_str(s, sv[0], "cc") == 2);
    r = recv_ctl(s, sv[1], 256, 0, 1);
    CHECK(r.data == "b");
    CHECK(r.ints() == std::vector<int>{6});
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.data == "bbbcc");
    CHECK(r.controllen == 0);
    for (int fd = 3; fd <= 6; ++fd)
        s.close(fd);
    // Data still queued with files when the receiver closes: they go too.
    CHECK(send_fds(s, sv[0], "ee", &x, 1) == 2);
    s.close(sv[1]);
    CHECK(s.scm_fp_lists_in_use() == 0);
    UNIX_OK(s);
    s.close(x);
    s.close(sv[0]);
    CHECK(s.empty());
}

TEST_CASE("unix scm: a peek that fills its buffer still meets the next skb's files" *
          doctest::skip(cmsghdr_is_not_x86_64)) {
    // A peek goes on to the next skb whatever room is left (Linux's
    // `goto again`): it copies nothing more from it, but peeks its files,
    // which a control buffer then receives and a missing one truncates
    // (MSG_CTRUNC). A read that filled its buffer stops (`while (size)`).
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    const int x = s.socket(af_unix, sock_stream, 0);
    CHECK(send_str(s, sv[0], "q") == 1);
    CHECK(send_fds(s, sv[0], "Q", &x, 1) == 1);
    received r = recv_ctl(s, sv[1], 0, msg_peek, 1);
    CHECK(r.data == "q");
    CHECK(r.flags == msg_ctrunc);
    r = recv_ctl(s, sv[1], 0, msg_peek, 0);
    CHECK(r.ret == 0);
    CHECK(r.flags == msg_ctrunc);
    r = recv_ctl(s, sv[1], 256, msg_peek, 1);
    CHECK(r.data == "q");
    CHECK(r.flags == 0);
    CHECK(r.controllen == cmsg_space(sizeof(int))); // 24, as the host reports
    CHECK(r.ints().size() == 1);
    CHECK(s.close(r.ints()[0]) == 0);
    r = recv_ctl(s, sv[1], 256, 0, 1);
    CHECK(r.data == "q");
    CHECK(r.flags == 0);
    CHECK(r.controllen == 0);
    r = recv_ctl(s, sv[1], 0, 0, 1);
    CHECK(r.data == "Q");
    CHECK(r.flags == msg_ctrunc);
    UNIX_OK(s);
    s.close(x);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix scm: SCM_CREDENTIALS and SO_PASSCRED" * doctest::skip(cmsghdr_is_not_x86_64)) {
    S& s = the_stack();
    const int pid = s.current().pid;
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    const int one = 1;
    CHECK(s.setsockopt(sv[1], sol_socket, so_passcred, &one, sizeof one) == 0);
    received r;
    CHECK(send_str(s, sv[0], "h1") == 2);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.controllen == cmsg_space(sizeof(ucred)));
    CHECK(r.hdr().cmsg_len == 28);
    CHECK(r.hdr().cmsg_type == scm_credentials);
    CHECK(r.ints() == std::vector<int>{pid, 0, 0});
    // Explicit credentials (root may claim any ids); a stream read never
    // glues skbs of different writers.
    ctl_buf c;
    ucred cr{pid, 5, 6};
    CHECK(send_str(s, sv[0], "h2") == 2);
    CHECK(send_ctl(s, sv[0], "h3", c.b, put(c, 0, sol_socket, scm_credentials, &cr, sizeof cr)) ==
          2);
    CHECK(send_str(s, sv[0], "h4") == 2);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.data == "h2");
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.data == "h3");
    CHECK(r.ints() == std::vector<int>{pid, 5, 6});
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.data == "h4");
    // Credentials first, then the files.
    const int x = s.socket(af_unix, sock_dgram, 0);
    CHECK(send_fds(s, sv[0], "h5", &x, 1) == 2);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.controllen == 56);
    CHECK(r.ints(0) == std::vector<int>{pid, 0, 0});
    CHECK(r.ints(32) == std::vector<int>{3});
    s.close(3);
    // A buffer too short: what fits of the header and data, MSG_CTRUNC.
    CHECK(send_str(s, sv[0], "h6") == 2);
    r = recv_ctl(s, sv[1], 20);
    CHECK(r.flags == msg_ctrunc);
    CHECK(r.controllen == 20);
    CHECK(r.hdr().cmsg_len == 20);
    CHECK(send_str(s, sv[0], "h7") == 2);
    r = recv_ctl(s, sv[1], 0);
    CHECK(r.flags == msg_ctrunc);
    // scm_check_creds and the pid lookup.
    cr = ucred{999999, 0, 0};
    CHECK(send_ctl(s, sv[0], "z", c.b, put(c, 0, sol_socket, scm_credentials, &cr, 12)) == -esrch);
    cr.pid = 0;
    CHECK(send_ctl(s, sv[0], "z", c.b, put(c, 0, sol_socket, scm_credentials, &cr, 12)) == -esrch);
    cr = ucred{pid, none, 0};
    CHECK(send_ctl(s, sv[0], "z", c.b, put(c, 0, sol_socket, scm_credentials, &cr, 12)) == -einval);
    cr = ucred{pid, 0, none};
    CHECK(send_ctl(s, sv[0], "z", c.b, put(c, 0, sol_socket, scm_credentials, &cr, 12)) == -einval);
    CHECK(send_ctl(s, sv[0], "z", c.b,
                   put(c, 0, sol_socket, scm_credentials, &cr, 12, cmsg_len(12) + 1)) == -einval);
    // An unprivileged sender may only send its own.
    const cred saved = s.current().cred;
    s.current().cred = cred::user(1000, 1000);
    cr = ucred{pid, 1000, 1000};
    CHECK(send_ctl(s, sv[0], "u", c.b, put(c, 0, sol_socket, scm_credentials, &cr, 12)) == 1);
    for (ucred bad : {ucred{pid, 0, 1000}, ucred{pid, 1000, 0}, ucred{pid + 1, 1000, 1000}})
        CHECK(send_ctl(s, sv[0], "u", c.b, put(c, 0, sol_socket, scm_credentials, &bad, 12)) ==
              -eperm);
    s.current().cred = saved;
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.ints() == std::vector<int>{pid, 1000, 1000});
    s.close(x);
    s.close(sv[0]);
    s.close(sv[1]);

    // Datagrams: credentials ride only when an end had SO_PASSCRED at send.
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    CHECK(send_str(s, sv[0], "d1") == 2);
    CHECK(s.setsockopt(sv[1], sol_socket, so_passcred, &one, sizeof one) == 0);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.ints() == std::vector<int>{0, 65534, 65534});
    CHECK(send_str(s, sv[0], "d2") == 2);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.ints() == std::vector<int>{pid, 0, 0});
    const int zero = 0;
    CHECK(s.setsockopt(sv[1], sol_socket, so_passcred, &zero, sizeof zero) == 0);
    CHECK(s.setsockopt(sv[0], sol_socket, so_passcred, &one, sizeof one) == 0);
    CHECK(send_str(s, sv[0], "d3") == 2);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.controllen == 0);
    CHECK(send_str(s, sv[0], "d4") == 2);
    CHECK(s.setsockopt(sv[1], sol_socket, so_passcred, &one, sizeof one) == 0);
    r = recv_ctl(s, sv[1], 256);
    CHECK(r.ints() == std::vector<int>{pid, 0, 0});
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix scm: SO_PEERCRED") {
    S& s = the_stack();
    const int pid = s.current().pid;
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    ucred u = peercred(s, sv[0]);
    CHECK((u.pid == pid && u.uid == 0 && u.gid == 0));
    socklen_t l = 0;
    u = peercred(s, sv[0], 4, &l);
    CHECK((l == 4 && u.pid == pid && u.uid == 222));
    u = peercred(s, sv[0], 20, &l);
    CHECK(l == 12);
    u = peercred(s, sv[0], 0, &l);
    CHECK((l == 0 && u.pid == 111));
    const int st = s.socket(af_unix, sock_stream, 0);
    const int dg = s.socket(af_unix, sock_dgram, 0);
    const int in = s.socket(af_inet, sock_stream, 0);
    for (int fd : {st, dg, in}) {
        u = peercred(s, fd);
        CHECK((u.pid == 0 && u.uid == none && u.gid == none));
    }
    // The listener's credentials as at listen(), the connector's as at
    // connect().
    const uname A("scm-peer");
    REQUIRE(s.bind(st, A.sa(), A.len) == 0);
    s.current().cred.euid = 1234;
    REQUIRE(s.listen(st, 5) == 0);
    s.current().cred.euid = 0;
    u = peercred(s, st);
    CHECK((u.pid == pid && u.uid == 1234 && u.gid == 0));
    const int cl = s.socket(af_unix, sock_stream, 0);
    s.current().cred.egid = 77;
    REQUIRE(s.connect(cl, A.sa(), A.len) == 0);
    s.current().cred.egid = 0;
    u = peercred(s, cl);
    CHECK((u.pid == pid && u.uid == 1234 && u.gid == 0));
    const int ac = s.accept(st, nullptr, nullptr);
    u = peercred(s, ac);
    CHECK((u.pid == pid && u.uid == 0 && u.gid == 77));
    for (int fd : {sv[0], sv[1], st, dg, in, cl, ac})
        s.close(fd);
    CHECK(s.empty());
}

TEST_CASE("unix scm: unix_gc collects sockets only messages refer to") {
    S& s = the_stack();
    // Each end of a pair sent over itself into the other's queue.
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    CHECK(send_fds(s, sv[0], "a", &sv[0], 1) == 1);
    CHECK(send_fds(s, sv[1], "b", &sv[1], 1) == 1);
    s.close(sv[0]);
    UNIX_OK(s);
    s.close(sv[1]);
    UNIX_OK(s);
    CHECK(s.empty());
    // A datagram socket holding itself; one closed fd is not enough while
    // the other is open.
    const uname A("scm-gc");
    const int d = s.socket(af_unix, sock_dgram, 0);
    REQUIRE(s.bind(d, A.sa(), A.len) == 0);
    const int d2 = s.dup(d);
    ctl_buf c;
    iovec iov{const_cast<char*>("x"), 1};
    msghdr m{};
    m.msg_name = const_cast<sockaddr*>(A.sa());
    m.msg_namelen = A.len;
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = c.b;
    m.msg_controllen = put(c, 0, sol_socket, scm_rights, &d, 4);
    CHECK(s.sendmsg(d, &m, 0) == 1);
    s.close(d);
    CHECK(s.sockets_in_use() == 1);
    s.close(d2);
    CHECK(s.empty());
    // A listener in flight in the queue of an embryo waiting in it: nobody
    // can accept it any more, so it is garbage once its fd closes (Linux's
    // unix_gc follows a listener's embryos the same way); cl stays.
    const uname L("scm-gc-l");
    const int l = s.socket(af_unix, sock_stream, 0);
    REQUIRE(s.bind(l, L.sa(), L.len) == 0);
    REQUIRE(s.listen(l, 5) == 0);
    const int cl = s.socket(af_unix, sock_stream, 0);
    REQUIRE(s.connect(cl, L.sa(), L.len) == 0);
    CHECK(send_fds(s, cl, "l", &l, 1) == 1);
    s.close(l);
    CHECK(s.sockets_in_use() == 1);
    UNIX_OK(s);
    s.close(cl);
    CHECK(s.empty());
    // A long chain of sockets each in flight in the next one's queue: the
    // releases are deferred, not nested.
    int first[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, first) == 0);
    int prev = first[1];
    for (int i = 0; i < 6; ++i) {
        int p[2];
        REQUIRE(s.socketpair(af_unix, sock_dgram, 0, p) == 0);
        CHECK(send_fds(s, p[0], "c", &prev, 1) == 1);
        s.close(prev);
        s.close(p[0]);
        prev = p[1];
    }
    s.close(first[0]);
    UNIX_OK(s);
    s.close(prev);
    CHECK(s.empty());
}

TEST_CASE("unix scm: the scm_fp_list pool and allocation failures") {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    const int x = s.socket(af_unix, sock_stream, 0);
    for (std::size_t i = 0; i < S::config::scm_fp_lists; ++i)
        CHECK(send_fds(s, sv[0], "x", &x, 1) == 1);
    // kmalloc of the list fails: ENOMEM, nothing taken.
    CHECK(send_fds(s, sv[0], "x", &x, 1) == -enomem);
    CHECK(s.file_of(x)->f_count == long(S::config::scm_fp_lists) + 1);
    UNIX_OK(s);
    s.close(x);
    s.close(sv[0]);
    s.close(sv[1]); // the queued messages' files go with it
    CHECK(s.empty());

    // Every allocation of a send with a file failed in turn (fail_nth):
    // the error is Linux's and the file's references are all given back.
    FS& f = the_fault_stack();
    for (unsigned long nth = 1; nth < 4; ++nth) {
        REQUIRE(f.socketpair(af_unix, sock_dgram, 0, sv) == 0);
        const int y = f.socket(af_unix, sock_stream, 0);
        f.fault().reset(nth);
        const long r = send_fds(f, sv[0], "x", &y, 1);
        const bool failed = f.fault().failed;
        f.fault().reset(0);
        if (failed) {
            CHECK(r == -enobufs);
            CHECK(f.file_of(y)->f_count == 1);
        } else {
            CHECK(r == 1);
        }
        // and on receive: an fd that cannot be had (EMFILE) drops the file.
        if (r == 1) {
            f.fault().reset(1);
            received rr = recv_ctl(f, sv[1], 256);
            f.fault().reset(0);
            CHECK(rr.ret == 1);
            CHECK(rr.flags == msg_ctrunc);
            CHECK(f.file_of(y)->f_count == 1);
        }
        UNIX_OK(f);
        f.close(y);
        f.close(sv[0]);
        f.close(sv[1]);
        CHECK(f.empty());
    }
}
