// The socket layer of the data path (net/socket.c) and PF_INET's shared
// members (inet_bind's checks, inet_getname, inet_shutdown), through the
// stack's system calls. Every expected value is what a Linux 6.18 host
// returned for the same call.
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

using namespace ksock;

namespace {

sockaddr_in in4(std::uint32_t host_addr, std::uint16_t port, int family = af_inet) {
    sockaddr_in a{};
    a.sin_family = static_cast<sa_family_t>(family);
    a.sin_port = cpu_to_be16(port);
    a.sin_addr.s_addr = cpu_to_be32(host_addr);
    return a;
}
sockaddr* sa(sockaddr_in& a) {
    return reinterpret_cast<sockaddr*>(&a);
}

//! A PF_INET family whose one entry's ops define nothing but release: every
//! data-path member is Linux's sock_no_* (EOPNOTSUPP), poll reads 0.
struct bare_ops {
    [[maybe_unused]] static constexpr const char* name = "bare_ops";
    [[maybe_unused]] static constexpr int family = pf_inet;
    template <class Entry, class Ctx>
    static int release(Ctx& ctx, ksock::socket& so) {
        return inet::inet_common_ops::release<Entry>(ctx, so);
    }
};
using bare_inet = family<
    pf_inet, inet::inet_create,
    type_list<protosw<sock_dgram, ipproto_udp, inet::udp_prot, bare_ops, inet_protosw_permanent>>>;
struct bare_config : default_config {
    using families = type_list<bare_inet>;
};

} // namespace

TEST_CASE("data path: descriptors that are not open are EBADF for every call") {
    default_stack s;
    sockaddr_in a = in4(inaddr_loopback, 7);
    socklen_t len = sizeof a;
    char buf[4];
    msghdr m{};
    CHECK(s.bind(5, sa(a), sizeof a) == -ebadf);
    CHECK(s.connect(5, sa(a), sizeof a) == -ebadf);
    CHECK(s.listen(5, 1) == -ebadf);
    CHECK(s.accept(5, nullptr, nullptr) == -ebadf);
    CHECK(s.accept4(5, nullptr, nullptr, 12345) == -ebadf); // the fd before the flags
    CHECK(s.getsockname(5, sa(a), &len) == -ebadf);
    CHECK(s.getpeername(5, sa(a), &len) == -ebadf);
    CHECK(s.send(5, buf, 1, 0) == -ebadf);
    CHECK(s.sendto(5, buf, 1, 0, sa(a), sizeof a) == -ebadf);
    CHECK(s.sendmsg(5, &m, 0) == -ebadf);
    CHECK(s.recv(5, buf, 1, 0) == -ebadf);
    CHECK(s.recvfrom(5, buf, 1, 0, nullptr, nullptr) == -ebadf);
    CHECK(s.recvmsg(5, &m, 0) == -ebadf);
    CHECK(s.shutdown(5, shut_rdwr) == -ebadf);
    CHECK(s.empty());
}

TEST_CASE("data path: address arguments are checked as move_addr_to_kernel/user do") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    sockaddr_in a = in4(inaddr_any, 0);
    CHECK(s.bind(u, sa(a), 129) == -einval); // longer than sockaddr_storage
    CHECK(s.bind(u, sa(a), static_cast<socklen_t>(-1)) == -einval);
    CHECK(s.bind(u, nullptr, 16) == -efault);
    CHECK(s.connect(u, sa(a), 129) == -einval);

    // getsockname: the length is read first; a negative one is EINVAL, 0
    // copies nothing but still reports the full length.
    socklen_t len = static_cast<socklen_t>(-1);
    CHECK(s.getsockname(u, sa(a), &len) == -einval);
    len = 0;
    CHECK(s.getsockname(u, sa(a), &len) == 0);
    CHECK(len == 16);
    CHECK(s.getsockname(u, sa(a), nullptr) == -efault);
    len = 16;
    a = in4(0x01020304, 99);
    CHECK(s.getsockname(u, sa(a), &len) == 0);
    CHECK(a.sin_family == af_inet);
    CHECK(a.sin_port == 0);
    CHECK(a.sin_addr.s_addr == 0);
    CHECK(s.getpeername(u, sa(a), &len) == -enotconn);
    CHECK(s.close(u) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: msghdr checks of sendmsg and recvmsg") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram | sock_nonblock, 0);
    REQUIRE(u >= 0);
    char b[4];
    iovec iov[uio_maxiov + 1];
    for (iovec& v : iov)
        v = {b, 0};
    msghdr m{};
    m.msg_iov = iov;
    m.msg_iovlen = uio_maxiov + 1;
    CHECK(s.sendmsg(u, &m, 0) == -emsgsize);
    CHECK(s.recvmsg(u, &m, 0) == -emsgsize);
    m.msg_iovlen = 1;
    m.msg_name = b;
    m.msg_namelen = static_cast<std::uint32_t>(-1);
    CHECK(s.sendmsg(u, &m, 0) == -einval);
    m.msg_name = nullptr;
    m.msg_namelen = 0;
    CHECK(s.sendmsg(u, &m, msg_cmsg_compat) == -einval);
    CHECK(s.sendmsg(u, nullptr, 0) == -efault);
    CHECK(s.recvmsg(u, nullptr, 0) == -efault);
    m.msg_iov = nullptr;
    CHECK(s.sendmsg(u, &m, 0) == -efault); // the iovec array itself
    CHECK(s.close(u) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: inet_bind's checks before the port") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    sockaddr_in a = in4(inaddr_loopback, 0);
    CHECK(s.bind(u, sa(a), 15) == -einval);
    a = in4(inaddr_loopback, 0, af_inet6);
    CHECK(s.bind(u, sa(a), sizeof a) == -eafnosupport);
    // AF_UNSPEC passes as AF_INET only with INADDR_ANY.
    a = in4(inaddr_loopback, 0, af_unspec);
    CHECK(s.bind(u, sa(a), sizeof a) == -eafnosupport);
    // Only lo's 127.0.0.0/8 is local in ksock's namespace.
    a = in4(0x0a010203, 0);
    CHECK(s.bind(u, sa(a), sizeof a) == -eaddrnotavail);
    CHECK(inet::inet_addr_type(cpu_to_be32(0x7f000005)) == inet::rtn_local);
    // lo's broadcast address is in the local table as "broadcast".
    CHECK(inet::inet_addr_type(cpu_to_be32(0x7fffffff)) == inet::rtn_broadcast);
    CHECK(inet::inet_addr_type(cpu_to_be32(0)) == inet::rtn_broadcast);
    CHECK(inet::inet_addr_type(cpu_to_be32(0xffffffff)) == inet::rtn_broadcast);
    CHECK(inet::inet_addr_type(cpu_to_be32(0xe0000001)) == inet::rtn_multicast);
    CHECK(inet::inet_addr_type(cpu_to_be32(0x0a010203)) == inet::rtn_unicast);
    // Ports below ip_unprivileged_port_start need CAP_NET_BIND_SERVICE.
    s.current().cred = cred::user(65534, 65534);
    a = in4(inaddr_loopback, 80);
    CHECK(s.bind(u, sa(a), sizeof a) == -eacces);
    CHECK(s.close(u) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: inet_shutdown's argument and state checks") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    CHECK(s.shutdown(u, 3) == -einval);
    CHECK(s.shutdown(u, -1) == -einval);
    // Unconnected: ENOTCONN, but the bits are set all the same.
    CHECK(s.shutdown(u, shut_rd) == -enotconn);
    CHECK(s.sk_of_fd(u)->sk_shutdown == rcv_shutdown);
    CHECK(s.close(u) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: accept4 flags and poll's per-entry results") {
    default_stack s;
    const int t = s.socket(pf_inet, sock_stream, 0);
    REQUIRE(t >= 0);
    CHECK(s.accept4(t, nullptr, nullptr, 1) == -einval);
    CHECK(s.accept4(t, nullptr, nullptr, sock_cloexec | sock_nonblock | 1) == -einval);
    pollfd p[2] = {{-1, static_cast<short>(pollin), 7}, {77, static_cast<short>(pollin), 0}};
    CHECK(s.poll(p, 2, 0) == 1);
    CHECK(p[0].revents == 0); // a negative fd is skipped and its revents cleared
    CHECK(p[1].revents == static_cast<short>(pollnval));
    CHECK(s.poll(p, 65, 0) == -einval); // more entries than RLIMIT_NOFILE
    CHECK(s.poll(nullptr, 1, 0) == -efault);
    CHECK(s.poll(nullptr, 0, 0) == 0);
    CHECK(s.close(t) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: an ops table without data members is sock_no_* throughout") {
    stack<bare_config> s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    sockaddr_in a = in4(inaddr_loopback, 9);
    socklen_t len = sizeof a;
    char b[4] = {};
    iovec iov{b, sizeof b};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(s.bind(u, sa(a), sizeof a) == -eopnotsupp);
    CHECK(s.connect(u, sa(a), sizeof a) == -eopnotsupp);
    CHECK(s.listen(u, 1) == -eopnotsupp);
    CHECK(s.accept(u, nullptr, nullptr) == -eopnotsupp);
    CHECK(s.getsockname(u, sa(a), &len) == -eopnotsupp);
    CHECK(s.getpeername(u, sa(a), &len) == -eopnotsupp);
    CHECK(s.shutdown(u, shut_rd) == -eopnotsupp);
    CHECK(s.send(u, b, 1, 0) == -eopnotsupp);
    CHECK(s.sendmsg(u, &m, 0) == -eopnotsupp);
    CHECK(s.recv(u, b, 1, 0) == -eopnotsupp);
    CHECK(s.recvmsg(u, &m, 0) == -eopnotsupp);
    pollfd p{u, static_cast<short>(pollin | pollout), 0};
    CHECK(s.poll(&p, 1, 0) == 0);
    CHECK(p.revents == 0);
    // accept's failure gives back the fd, the socket and the file it made.
    CHECK(s.sockets_in_use() == 1);
    CHECK(s.files_in_use() == 1);
    CHECK(s.check_invariants());
    CHECK(s.close(u) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: the socket buffer queue and the iovec cursor") {
    sk_buff a{}, b{}, c{};
    sk_buff_head q{};
    skb_queue_head_init(q);
    CHECK(skb_peek(q) == nullptr);
    skb_queue_tail(q, &b);
    skb_queue_head(q, &a);
    skb_queue_tail(q, &c);
    CHECK(skb_queue_len(q) == 3);
    CHECK(skb_peek(q) == &a);
    CHECK(skb_peek_next(&a, q) == &b);
    CHECK(skb_peek_tail(q) == &c);
    skb_unlink(&b, q);
    CHECK(skb_peek_next(&a, q) == &c);
    CHECK(skb_dequeue(q) == &a);
    CHECK(skb_dequeue(q) == &c);
    CHECK(skb_dequeue(q) == nullptr);
    CHECK(skb_queue_empty(q));

    char x[3] = {'a', 'b', 'c'}, y[4] = {'d', 'e', 'f', 'g'};
    iovec v[3] = {{x, 3}, {nullptr, 0}, {y, 4}};
    iov_iter it{v, 3, 0, 7};
    char out[8] = {};
    CHECK(it.copy_from(out, 2) == 2);
    CHECK(it.copy_from(out + 2, 10) == 5);
    CHECK(std::memcmp(out, "abcdefg", 7) == 0);
    CHECK(it.count == 0);
    // A null buffer stops the copy where a faulting copy_from_user would.
    iovec w[2] = {{x, 3}, {nullptr, 4}};
    iov_iter bad{w, 2, 0, 7};
    CHECK(bad.copy_from(out, 7) == 3);
    // A 3-byte unix stream send: SIOCOUTQ reads 768 on a 6.18 host.
    CHECK(skb_truesize(3) == 768);
    CHECK(skb_truesize(1500) == 2048 + 256);
    CHECK(kmalloc_size_roundup(70) == 96);
    CHECK(kmalloc_size_roundup(129) == 192);
    CHECK(kmalloc_size_roundup(8193) == 16384);
}

TEST_CASE("data path: ioctl's file-level requests, and ENOTTY for the unknown") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    int v = 1;
    CHECK(s.ioctl(9, fionread, &v) == -ebadf);
    CHECK(s.ioctl(u, fionbio, &v) == 0);
    CHECK(s.fcntl(u, f_getfl) == (o_rdwr | o_nonblock));
    v = 0;
    CHECK(s.ioctl(u, fionbio, &v) == 0);
    CHECK(s.fcntl(u, f_getfl) == o_rdwr);
    CHECK(s.ioctl(u, fionbio, nullptr) == -efault);
    CHECK(s.ioctl(u, fioclex, nullptr) == 0);
    CHECK(s.fcntl(u, f_getfd) == fd_cloexec);
    CHECK(s.ioctl(u, fionclex, nullptr) == 0);
    CHECK(s.fcntl(u, f_getfd) == 0);
    v = -1;
    CHECK(s.ioctl(u, fiogetown, &v) == 0);
    CHECK(v == 0);
    v = 42;
    CHECK(s.ioctl(u, fiosetown, &v) == 0);
    v = 0;
    CHECK(s.ioctl(u, siocgpgrp, &v) == 0);
    CHECK(v == 42);
    CHECK(s.ioctl(u, 0x1234, &v) == -enotty);
    CHECK(s.close(u) == 0);
    CHECK(s.empty());
}

TEST_CASE("data path: a driver's private ioctl goes to the device its ifreq names") {
    // sock_ioctl: SIOCDEVPRIVATE..+15 read a whole struct ifreq (EFAULT when
    // they cannot), then dev_ioctl looks the name up: ENODEV for no device,
    // EOPNOTSUPP for lo (loopback_ops answer no private request), on every
    // family, even one whose ops have no ioctl. Nothing is written back.
    default_stack s;
    stack<bare_config> bare;
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    const int fds[] = {s.socket(pf_inet, sock_dgram, 0), s.socket(pf_inet, sock_stream, 0), sv[0]};
    const int b = bare.socket(pf_inet, sock_dgram, 0);
    REQUIRE(b >= 0);
    auto ioctl_named = [](auto& st, int fd, unsigned long cmd, const char* name, std::size_t n) {
        ifreq ifr;
        std::memset(&ifr, 0x5a, sizeof ifr);
        std::memcpy(ifr.ifr_ifrn.ifrn_name, name, n);
        ifreq before;
        std::memcpy(&before, &ifr, sizeof ifr);
        const int r = st.ioctl(fd, cmd, &ifr);
        CHECK(std::memcmp(&before, &ifr, sizeof ifr) == 0);
        return r;
    };
    for (const unsigned long cmd : {siocdevprivate, siocdevprivate + 7, siocdevprivate + 15}) {
        CAPTURE(cmd);
        for (const int fd : fds) {
            REQUIRE(fd >= 0);
            CHECK(s.ioctl(fd, cmd, nullptr) == -efault);
            CHECK(ioctl_named(s, fd, cmd, "", 1) == -enodev);
            CHECK(ioctl_named(s, fd, cmd, "lo", 3) == -eopnotsupp);
            CHECK(ioctl_named(s, fd, cmd, "lo:1", 5) == -eopnotsupp); // an alias of lo
            CHECK(ioctl_named(s, fd, cmd, "LO", 3) == -enodev);
            CHECK(ioctl_named(s, fd, cmd, "eth0", 5) == -enodev);
            // No NUL in IFNAMSIZ bytes: the name ends at the 15th.
            CHECK(ioctl_named(s, fd, cmd, "lo0123456789abcd", 16) == -enodev);
            CHECK(ioctl_named(s, fd, cmd, "lo:123456789abcd", 16) == -eopnotsupp);
        }
        CHECK(bare.ioctl(b, cmd, nullptr) == -efault);
        CHECK(ioctl_named(bare, b, cmd, "lo", 3) == -eopnotsupp);
        CHECK(ioctl_named(bare, b, cmd, "", 1) == -enodev);
    }
    // Either side of the range: the ops' answer, ENOTTY.
    int v = 0;
    CHECK(s.ioctl(fds[0], siocdevprivate - 1, &v) == -enotty);
    CHECK(s.ioctl(fds[0], siocdevprivate + 16, &v) == -enotty);
    CHECK(s.ioctl(99, siocdevprivate, nullptr) == -ebadf);
    for (const int fd : {fds[0], fds[1], sv[0], sv[1]})
        CHECK(s.close(fd) == 0);
    CHECK(bare.close(b) == 0);
    CHECK(s.empty());
    CHECK(bare.empty());
}

TEST_CASE("data path: SIOCGSTAMP finds no receive timestamp") {
    default_stack s;
    int sv[2];
    const int u = s.socket(pf_inet, sock_dgram, 0);
    const int t = s.socket(pf_inet, sock_stream, 0);
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    long tv[2];
    // A 6.18 host: ENOENT on inet sockets without a received packet, and
    // ENOTTY on unix ones (their ops have no gettstamp).
    CHECK(s.ioctl(u, siocgstamp_old, tv) == -enoent);
    CHECK(s.ioctl(t, siocgstampns_old, tv) == -enoent);
    CHECK(s.ioctl(sv[0], siocgstamp_old, tv) == -enotty);
    for (int fd : {u, t, sv[0], sv[1]})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}
