// test/inet/udp/udp.cpp: PF_INET UDP over the in-stack loopback: ports,
// connect, sendmsg/recvmsg, ICMP port unreachable, poll, buffers. Every
// expected value is Linux 6.18's, probed on the host in a namespace with
// only lo (see fixture.hpp).
#include <cstring>
#include <memory>

#include "fixture.hpp"

using namespace inet_test;

namespace {

int udp(S& s) {
    const int fd = s.socket(af_inet, sock_dgram | sock_nonblock, 0);
    REQUIRE(fd >= 0);
    return fd;
}
void set_int(S& s, int fd, int level, int opt, int v) {
    REQUIRE(s.setsockopt(fd, level, opt, &v, sizeof v) == 0);
}

} // namespace

TEST_CASE("udp bind: conflicts, SO_REUSEADDR, SO_REUSEPORT, wildcard") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int a = udp(s), b = udp(s);
    const auto x = lo(5000);
    CHECK(s.bind(a, sa(x), sin_len) == 0);
    CHECK(s.bind(b, sa(x), sin_len) == -eaddrinuse);
    CHECK(s.bind(b, sa(any(5000)), sin_len) == -eaddrinuse);
    CHECK(s.bind(b, sa(in4(127, 0, 0, 2, 5000)), sin_len) == 0);
    CHECK(s.bind(a, sa(lo(5001)), sin_len) == -einval); // already bound
    check(s);
    s.close(a);
    s.close(b);

    // SO_REUSEADDR on both: allowed even while bound; the newest receives.
    const int c = udp(s), d = udp(s), snd = udp(s);
    set_int(s, c, sol_socket, so_reuseaddr, 1);
    set_int(s, d, sol_socket, so_reuseaddr, 1);
    CHECK(s.bind(c, sa(lo(5001)), sin_len) == 0);
    CHECK(s.bind(d, sa(lo(5001)), sin_len) == 0);
    const auto t = lo(5001);
    CHECK(s.sendto(snd, "hi", 2, 0, sa(t), sin_len) == 2);
    char buf[16];
    CHECK(s.recv(c, buf, sizeof buf, 0) == -eagain);
    CHECK(s.recv(d, buf, sizeof buf, 0) == 2);
    s.close(c);
    s.close(d);

    // On one side only: EADDRINUSE.
    const int e = udp(s), f = udp(s);
    set_int(s, e, sol_socket, so_reuseaddr, 1);
    CHECK(s.bind(e, sa(lo(5002)), sin_len) == 0);
    CHECK(s.bind(f, sa(lo(5002)), sin_len) == -eaddrinuse);
    s.close(e);
    s.close(f);

    // SO_REUSEPORT on both (same owner): one flow always reaches one member.
    const int g = udp(s), h = udp(s);
    set_int(s, g, sol_socket, so_reuseport, 1);
    set_int(s, h, sol_socket, so_reuseport, 1);
    CHECK(s.bind(g, sa(lo(5003)), sin_len) == 0);
    CHECK(s.bind(h, sa(lo(5003)), sin_len) == 0);
    const auto r = lo(5003);
    for (int i = 0; i < 4; ++i)
        CHECK(s.sendto(snd, "hi", 2, 0, sa(r), sin_len) == 2);
    int got_g = 0, got_h = 0;
    while (s.recv(g, buf, sizeof buf, 0) == 2)
        ++got_g;
    while (s.recv(h, buf, sizeof buf, 0) == 2)
        ++got_h;
    CHECK(got_g + got_h == 4);
    CHECK((got_g == 4 || got_h == 4));
    s.close(g);
    s.close(h);

    // An exact local address beats the wildcard, whichever was bound first.
    const int w = udp(s), sp1 = udp(s);
    set_int(s, w, sol_socket, so_reuseaddr, 1);
    set_int(s, sp1, sol_socket, so_reuseaddr, 1);
    CHECK(s.bind(w, sa(any(5004)), sin_len) == 0);
    CHECK(s.bind(sp1, sa(lo(5004)), sin_len) == 0);
    CHECK(s.sendto(snd, "hi", 2, 0, sa(lo(5004)), sin_len) == 2);
    CHECK(s.recv(w, buf, sizeof buf, 0) == -eagain);
    CHECK(s.recv(sp1, buf, sizeof buf, 0) == 2);
    CHECK(s.sendto(snd, "hi", 2, 0, sa(in4(127, 0, 0, 9, 5004)), sin_len) == 2);
    CHECK(s.recv(w, buf, sizeof buf, 0) == 2);
    CHECK(s.recv(sp1, buf, sizeof buf, 0) == -eagain);
    s.close(w);
    s.close(sp1);
    s.close(snd);
    check(s);
    CHECK(s.empty());
}

TEST_CASE("udp bind: ephemeral ports from ip_local_port_range, then EADDRINUSE / EAGAIN") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    ksock::inet::ipv4_net(s).sysctl.ip_local_port_range[0] = 40000;
    ksock::inet::ipv4_net(s).sysctl.ip_local_port_range[1] = 40001;
    const int a = udp(s), b = udp(s), c = udp(s);
    CHECK(s.bind(a, sa(lo(0)), sin_len) == 0);
    CHECK(s.bind(b, sa(any(0)), sin_len) == 0);
    const auto na = sockname(s, a), nb = sockname(s, b);
    CHECK(na.port >= 40000);
    CHECK(na.port <= 40001);
    CHECK(nb.port >= 40000);
    CHECK(nb.port <= 40001);
    CHECK(na.port != nb.port);
    CHECK(s.bind(c, sa(any(0)), sin_len) == -eaddrinuse);
    // inet_autobind maps "nothing free" to EAGAIN.
    CHECK(s.sendto(c, "x", 1, 0, sa(lo(9)), sin_len) == -eagain);
    CHECK(s.connect(c, sa(lo(9)), sin_len) == -eagain);
    CHECK(sockname(s, c).port == 0);
    s.close(a);
    s.close(b);
    s.close(c);
    CHECK(s.empty());
}

TEST_CASE("udp connect: checks, source address, AF_UNSPEC") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int c = udp(s);
    auto n = sockname(s, c);
    CHECK(n.ret == 0);
    CHECK(n.addr == 0);
    CHECK(n.port == 0);
    CHECK(sockname(s, c, true).ret == -enotconn);
    // A short address: autobound first, then EINVAL.
    const auto x = lo(4444);
    CHECK(s.connect(c, sa(x), 8) == -einval);
    const std::uint16_t port = sockname(s, c).port;
    CHECK(port >= 32768);
    CHECK(port <= 60999);
    sockaddr_in six = lo(1);
    six.sin_family = af_inet6;
    CHECK(s.connect(c, sa(six), sin_len) == -eafnosupport);
    // INADDR_ANY is the loopback address.
    CHECK(s.connect(c, sa(any(6000)), sin_len) == 0);
    n = sockname(s, c);
    CHECK(n.addr == loopback);
    CHECK(n.port == port);
    n = sockname(s, c, true);
    CHECK(n.ret == 0);
    CHECK(n.addr == loopback);
    CHECK(n.port == 6000);
    CHECK(poll_mask(s, c) == pollout);
    // Port 0: connected, but getpeername says ENOTCONN.
    CHECK(s.connect(c, sa(in4(127, 0, 0, 5, 0)), sin_len) == 0);
    CHECK(sockname(s, c, true).ret == -enotconn);
    sockaddr un{};
    un.sa_family = af_unspec;
    CHECK(s.connect(c, &un, sizeof un) == 0);
    n = sockname(s, c);
    CHECK(n.addr == 0);
    CHECK(n.port == 0); // the autobound port is given up
    CHECK(s.connect(c, &un, 2) == 0);
    CHECK(s.connect(c, &un, 1) == -einval);
    CHECK(s.connect(c, &un, 0) == -einval);
    s.close(c);

    // A fresh socket connected to 127.0.0.5 sends from 127.0.0.1.
    const int f = udp(s);
    CHECK(s.connect(f, sa(in4(127, 0, 0, 5, 6001)), sin_len) == 0);
    CHECK(sockname(s, f).addr == loopback);
    CHECK(sockname(s, f, true).addr == 0x7f000005u);
    s.close(f);

    // An explicit bind survives AF_UNSPEC; bind(127.0.0.1:0) keeps only the address.
    const int e = udp(s);
    CHECK(s.bind(e, sa(lo(5005)), sin_len) == 0);
    CHECK(s.connect(e, sa(lo(6001)), sin_len) == 0);
    CHECK(s.connect(e, &un, sizeof un) == 0);
    n = sockname(s, e);
    CHECK(n.addr == loopback);
    CHECK(n.port == 5005);
    s.close(e);
    const int g = udp(s);
    CHECK(s.bind(g, sa(lo(0)), sin_len) == 0);
    CHECK(s.connect(g, sa(lo(6001)), sin_len) == 0);
    CHECK(s.connect(g, &un, sizeof un) == 0);
    n = sockname(s, g);
    CHECK(n.addr == loopback);
    CHECK(n.port == 0);
    s.close(g);

    // No route but lo's: ENETUNREACH (after the autobind).
    const int h = udp(s);
    CHECK(s.connect(h, sa(in4(10, 1, 2, 3, 6001)), sin_len) == -enetunreach);
    CHECK(s.connect(h, sa(in4(255, 255, 255, 255, 6001)), sin_len) == -enetunreach);
    CHECK(s.connect(h, sa(in4(224, 0, 0, 1, 6001)), sin_len) == -enetunreach);
    CHECK(sockname(s, h).port != 0);
    // lo's broadcast address needs SO_BROADCAST.
    CHECK(s.connect(h, sa(in4(127, 255, 255, 255, 6001)), sin_len) == -eacces);
    // AF_UNSPEC in a whole sockaddr_in disconnects too.
    sockaddr_in z = lo(6002);
    z.sin_family = af_unspec;
    CHECK(s.connect(h, sa(z), sin_len) == 0);
    s.close(h);
    check(s);
    CHECK(s.empty());
}

TEST_CASE("udp sendmsg: errors in Linux's order") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r = udp(s), u = udp(s);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    const auto ra = lo(7000);
    static char big[70000];
    CHECK(s.send(u, "x", 1, 0) == -edestaddrreq);
    CHECK(s.sendto(u, "x", 1, msg_oob, sa(ra), sin_len) == -eopnotsupp);
    CHECK(s.sendto(u, big, 65508, 0, sa(ra), sin_len) == -emsgsize);
    CHECK(s.sendto(u, "x", 1, 0, sa(ra), 15) == -einval);
    sockaddr_in bad = ra;
    bad.sin_family = af_unspec;
    CHECK(s.sendto(u, "x", 1, 0, sa(bad), sin_len) == 1);
    bad.sin_family = af_inet6;
    CHECK(s.sendto(u, "x", 1, 0, sa(bad), sin_len) == -eafnosupport);
    CHECK(s.sendto(u, "x", 1, 0, sa(lo(0)), sin_len) == -einval);
    CHECK(s.sendto(u, "x", 1, 0, sa(in4(10, 0, 0, 1, 7000)), sin_len) == -enetunreach);
    CHECK(s.sendto(u, "y", 1, 0, sa(any(7000)), sin_len) == 1);
    CHECK(s.sendto(u, "y", 1, 0, sa(in4(0, 1, 2, 3, 7000)), sin_len) == -enetunreach);
    CHECK(s.sendto(u, "z", 1, 0, sa(in4(127, 255, 255, 255, 7000)), sin_len) == -eacces);
    check(s);
    char buf[8];
    CHECK(s.recv(r, buf, sizeof buf, 0) == 1);
    CHECK(buf[0] == 'x');
    CHECK(s.recv(r, buf, sizeof buf, 0) == 1);
    CHECK(buf[0] == 'y');
    CHECK(s.recv(r, buf, sizeof buf, 0) == -eagain);
    // The largest datagram (65507 bytes) and its length with MSG_TRUNC.
    for (std::size_t i = 0; i < sizeof big; ++i)
        big[i] = static_cast<char>(i * 7);
    CHECK(s.sendto(u, big, 65507, 0, sa(ra), sin_len) == 65507);
    CHECK(poll_mask(s, r) == (pollin | pollout));
    static char back[70000];
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    CHECK(s.recvfrom(r, back, 10, msg_trunc, reinterpret_cast<sockaddr*>(&from), &fl) == 65507);
    CHECK(fl == sin_len);
    CHECK(std::memcmp(back, big, 10) == 0);
    CHECK(s.sendto(u, big, 65507, 0, sa(ra), sin_len) == 65507);
    CHECK(s.recv(r, back, sizeof back, 0) == 65507);
    CHECK(std::memcmp(back, big, 65507) == 0);
    // lo's broadcast with SO_BROADCAST reaches a socket bound to ANY.
    const int w = udp(s);
    REQUIRE(s.bind(w, sa(any(7001)), sin_len) == 0);
    set_int(s, u, sol_socket, so_broadcast, 1);
    CHECK(s.sendto(u, "b", 1, 0, sa(in4(127, 255, 255, 255, 7001)), sin_len) == 1);
    CHECK(s.recv(w, buf, sizeof buf, 0) == 1);
    s.close(w);
    s.close(r);
    s.close(u);
    CHECK(s.empty());
}

TEST_CASE("udp recvmsg: boundaries, MSG_TRUNC, MSG_PEEK with SO_PEEK_OFF, addresses") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r = udp(s), u = udp(s);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    REQUIRE(s.bind(u, sa(lo(7100)), sin_len) == 0);
    const auto ra = lo(7000);
    char buf[100];
    CHECK(poll_mask(s, r) == pollout);
    CHECK(s.recv(r, buf, sizeof buf, 0) == -eagain);
    CHECK(s.recv(r, buf, sizeof buf, msg_errqueue) == -eagain);
    // A zero-length datagram.
    CHECK(s.sendto(u, "", 0, 0, sa(ra), sin_len) == 0);
    CHECK(poll_mask(s, r) == (pollin | pollout));
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    CHECK(s.recvfrom(r, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl) == 0);
    CHECK(fl == sin_len);
    CHECK(from.sin_family == af_inet);
    CHECK(be16_to_cpu(from.sin_port) == 7100);
    CHECK(be32_to_cpu(from.sin_addr.s_addr) == loopback);
    CHECK(poll_mask(s, r) == pollout);
    // Boundaries: two datagrams are two reads.
    CHECK(s.sendto(u, "abc", 3, 0, sa(ra), sin_len) == 3);
    CHECK(s.sendto(u, "defg", 4, 0, sa(ra), sin_len) == 4);
    CHECK(s.recv(r, buf, sizeof buf, 0) == 3);
    CHECK(s.recv(r, buf, 2, 0) == 2); // the rest of "defg" is gone
    CHECK(s.recv(r, buf, sizeof buf, 0) == -eagain);

    // MSG_PEEK, then SO_PEEK_OFF (the probe's exact sequence).
    CHECK(s.sendto(u, "hello world", 11, 0, sa(ra), sin_len) == 11);
    iovec iov{buf, 5};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_name = &from;
    m.msg_namelen = sizeof from;
    CHECK(s.recvmsg(r, &m, msg_peek) == 5);
    CHECK(m.msg_flags == msg_trunc);
    CHECK(m.msg_namelen == sin_len);
    set_int(s, r, sol_socket, so_peek_off, 3);
    m.msg_flags = 0;
    CHECK(s.recvmsg(r, &m, msg_peek) == 5);
    CHECK(m.msg_flags == msg_trunc);
    CHECK(std::memcmp(buf, "lo wo", 5) == 0);
    m.msg_flags = 0;
    CHECK(s.recvmsg(r, &m, msg_peek) == 3);
    CHECK(m.msg_flags == 0);
    CHECK(std::memcmp(buf, "rld", 3) == 0);
    int off = 0;
    socklen_t ol = sizeof off;
    CHECK(s.getsockopt(r, sol_socket, so_peek_off, &off, &ol) == 0);
    CHECK(off == 11);
    m.msg_flags = 0;
    CHECK(s.recvmsg(r, &m, 0) == 5);
    CHECK(m.msg_flags == msg_trunc);
    CHECK(std::memcmp(buf, "hello", 5) == 0);
    CHECK(s.getsockopt(r, sol_socket, so_peek_off, &off, &ol) == 0);
    CHECK(off == 6); // moved back by what the read returned
    s.close(r);
    s.close(u);
    CHECK(s.empty());
}

TEST_CASE("udp: ECONNREFUSED once on a connected socket, never on an unconnected one") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    int reports = 0;
    s.set_wakeup(
        [](void* user, ksock::socket&, unsigned ev) {
            if (ev == pollerr)
                ++*static_cast<int*>(user);
        },
        &reports);
    const int r = udp(s), c = udp(s), u = udp(s);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    const auto dead = lo(7999), ra = lo(7000);
    char buf[100];
    CHECK(s.connect(c, sa(dead), sin_len) == 0);
    CHECK(poll_mask(s, c) == pollout);
    CHECK(s.send(c, "a", 1, 0) == 1);
    CHECK(reports == 1); // sk_error_report
    CHECK(poll_mask(s, c) == (pollout | pollerr));
    CHECK(pending_error(s, c) == econnrefused);
    CHECK(poll_mask(s, c) == pollout);
    CHECK(s.send(c, "a", 1, 0) == 1);
    CHECK(s.send(c, "a", 1, 0) == -econnrefused); // reported, nothing sent
    CHECK(s.send(c, "a", 1, 0) == 1);
    CHECK(s.recv(c, buf, sizeof buf, 0) == -econnrefused);
    CHECK(s.recv(c, buf, sizeof buf, 0) == -eagain);
    CHECK(s.send(c, "a", 1, 0) == 1);
    CHECK(s.sendto(c, "a", 1, 0, sa(ra), sin_len) == -econnrefused);
    CHECK(s.recv(r, buf, sizeof buf, 0) == -eagain);
    check(s);
    // Unconnected: not told.
    CHECK(s.sendto(u, "a", 1, 0, sa(dead), sin_len) == 1);
    CHECK(poll_mask(s, u) == pollout);
    CHECK(pending_error(s, u) == 0);
    // ... unless IP_RECVERR is on: then sk_err is set as well (ksock queues
    // nothing on the error queue, where Linux puts the ICMP message).
    set_int(s, u, sol_ip, ksock::ip_recverr, 1);
    CHECK(s.sendto(u, "a", 1, 0, sa(dead), sin_len) == 1);
    CHECK(poll_mask(s, u) == (pollout | pollerr));
    CHECK(pending_error(s, u) == econnrefused);
    // Connected to port 0: sent, and refused.
    const int z = udp(s);
    CHECK(s.connect(z, sa(lo(0)), sin_len) == 0);
    CHECK(s.send(z, "a", 1, 0) == 1);
    CHECK(pending_error(s, z) == econnrefused);
    s.close(z);
    s.set_wakeup(nullptr, nullptr);
    s.close(r);
    s.close(c);
    s.close(u);
    CHECK(s.empty());
}

TEST_CASE("udp: a connected socket receives only from its peer") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r = udp(s), c2 = udp(s), other = udp(s);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    const auto c2a = lo(7100);
    REQUIRE(s.bind(c2, sa(c2a), sin_len) == 0);
    REQUIRE(s.connect(c2, sa(lo(7000)), sin_len) == 0);
    char buf[10];
    // From another port: no socket matches, so ICMP goes back (unconnected: silent).
    CHECK(s.sendto(other, "q", 1, 0, sa(c2a), sin_len) == 1);
    CHECK(s.recv(c2, buf, sizeof buf, 0) == -eagain);
    CHECK(pending_error(s, other) == 0);
    CHECK(s.sendto(r, "q", 1, 0, sa(c2a), sin_len) == 1);
    CHECK(s.recv(c2, buf, sizeof buf, 0) == 1);
    CHECK(s.send(c2, "q", 1, 0) == 1);
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    CHECK(s.recvfrom(r, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl) == 1);
    CHECK(be16_to_cpu(from.sin_port) == 7100);
    s.close(r);
    s.close(c2);
    s.close(other);
    CHECK(s.empty());
}

TEST_CASE("udp shutdown: ENOTCONN unconnected (bits set anyway), poll masks, EPIPE") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r = udp(s), u = udp(s), c2 = udp(s), other = udp(s);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    char buf[10];
    CHECK(s.shutdown(u, shut_rd) == -enotconn);
    CHECK(poll_mask(s, u) == (pollrdhup | pollin | pollout));
    CHECK(s.recv(u, buf, sizeof buf, 0) == -eagain);
    CHECK(s.shutdown(u, shut_wr) == -enotconn);
    CHECK(poll_mask(s, u) == (pollrdhup | pollin | pollout | pollhup));
    CHECK(s.sendto(u, "a", 1, 0, sa(lo(7000)), sin_len) == -epipe);

    const auto c2a = lo(7100);
    REQUIRE(s.bind(c2, sa(c2a), sin_len) == 0);
    REQUIRE(s.connect(c2, sa(lo(7000)), sin_len) == 0);
    CHECK(s.shutdown(c2, shut_rd) == 0);
    CHECK(poll_mask(s, c2) == (pollrdhup | pollin | pollout));
    CHECK(s.recv(c2, buf, sizeof buf, 0) == -eagain);
    CHECK(s.send(c2, "z", 1, 0) == 1);
    CHECK(s.shutdown(c2, shut_wr) == 0);
    CHECK(poll_mask(s, c2) == (pollrdhup | pollin | pollout | pollhup));
    CHECK(s.send(c2, "z", 1, 0) == -epipe);
    CHECK(s.recv(r, buf, sizeof buf, 0) == 1);
    // Datagrams still arrive after SHUT_RD.
    CHECK(s.sendto(r, "q", 1, 0, sa(c2a), sin_len) == 1);
    CHECK(s.recv(c2, buf, sizeof buf, 0) == 1);
    CHECK(s.recv(c2, buf, sizeof buf, 0) == -eagain);
    CHECK(s.shutdown(c2, 3) == -einval);
    s.close(r);
    s.close(u);
    s.close(c2);
    s.close(other);
    CHECK(s.empty());
}

TEST_CASE("udp receive buffer: truesize as Linux's, drops past SO_RCVBUF, earlier intact") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int u = udp(s);
    static char big[70000];
    struct {
        std::size_t len;
        int truesize;
    } const sizes[] = {{0, 832},       {1, 832},       {100, 832},     {400, 1280},   {453, 1280},
                       {1000, 2304},   {1500, 2304},   {2000, 4352},   {4000, 8448},  {8000, 16640},
                       {16000, 16640}, {20000, 20832}, {32000, 32832}, {65507, 66339}};
    std::uint16_t port = 7300;
    for (const auto& z : sizes) {
        INFO("len " << z.len);
        const int f = udp(s);
        REQUIRE(s.bind(f, sa(lo(port)), sin_len) == 0);
        CHECK(s.sendto(u, big, z.len, 0, sa(lo(port)), sin_len) == static_cast<long>(z.len));
        CHECK(s.sk_of_fd(f)->sk_rmem_alloc == z.truesize);
        s.close(f);
        ++port;
    }
    CHECK(s.skbs_in_use() == 0);

    // SO_RCVBUF 2304 (4608): how many datagrams of each size fit.
    struct {
        std::size_t len;
        int kept;
    } const fills[] = {{1, 5}, {400, 3}, {1000, 2}, {2000, 1}};
    for (const auto& z : fills) {
        INFO("len " << z.len);
        const int f = udp(s);
        REQUIRE(s.bind(f, sa(lo(port)), sin_len) == 0);
        set_int(s, f, sol_socket, so_rcvbuf, 2304);
        for (int i = 0; i < 8; ++i) {
            big[0] = static_cast<char>(i);
            CHECK(s.sendto(u, big, z.len, 0, sa(lo(port)), sin_len) == static_cast<long>(z.len));
        }
        CHECK(s.sk_of_fd(f)->sk_drops == 8 - z.kept);
        check(s);
        char b[4];
        for (int i = 0; i < z.kept; ++i) {
            CHECK(s.recv(f, b, 1, 0) == 1);
            CHECK(b[0] == static_cast<char>(i)); // the earliest are intact
        }
        CHECK(s.recv(f, b, 1, 0) == -eagain);
        s.close(f);
        ++port;
    }
    s.close(u);
    CHECK(s.empty());
}

TEST_CASE("udp: skb pool exhaustion and faults leak nothing") {
    struct fault_config : config {
        using fault = fail_nth;
    };
    using F = stack<fault_config>;
    auto sp = std::make_unique<F>();
    F& s = *sp;
    const int r = s.socket(af_inet, sock_dgram | sock_nonblock, 0);
    const int u = s.socket(af_inet, sock_dgram | sock_nonblock, 0);
    const int c = s.socket(af_inet, sock_dgram | sock_nonblock, 0);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    REQUIRE(s.bind(u, sa(lo(7001)), sin_len) == 0);
    REQUIRE(s.connect(c, sa(lo(7999)), sin_len) == 0);
    static char big[5000];
    // Each allocation point of a send (3 chunks) fails in turn: ENOBUFS.
    for (unsigned long n = 1; n <= 3; ++n) {
        s.fault().reset(n);
        CHECK(s.sendto(u, big, sizeof big, 0, sa(lo(7000)), sin_len) == -enobufs);
        CHECK(s.skbs_in_use() == 0);
        CHECK(s.check_invariants().ok);
    }
    s.fault().reset(0);
    CHECK(s.sendto(u, big, sizeof big, 0, sa(lo(7000)), sin_len) == sizeof big);
    // The ICMP error cannot be built: the connected sender is not told.
    s.fault().reset(2);
    CHECK(s.send(c, "a", 1, 0) == 1);
    CHECK(s.fault().failed);
    s.fault().reset(0);
    int e = -1;
    socklen_t l = sizeof e;
    CHECK(s.getsockopt(c, sol_socket, so_error, &e, &l) == 0);
    CHECK(e == 0);
    s.close(r); // the queued datagram goes with it
    s.close(u);
    s.close(c);
    CHECK(s.empty());
}

TEST_CASE("udp: sk_data_ready and sk_write_space reach the readiness callback") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    struct counts {
        int in = 0, out = 0;
    } n;
    s.set_wakeup(
        [](void* user, ksock::socket&, unsigned ev) {
            auto* c = static_cast<counts*>(user);
            if (ev & pollin)
                ++c->in;
            if (ev & pollout)
                ++c->out;
        },
        &n);
    const int r = udp(s), u = udp(s);
    REQUIRE(s.bind(r, sa(lo(7000)), sin_len) == 0);
    CHECK(s.sendto(u, "x", 1, 0, sa(lo(7000)), sin_len) == 1);
    CHECK(n.in == 1);
    CHECK(n.out == 1); // the sender's skb was orphaned by loopback_xmit
    s.set_wakeup(nullptr, nullptr);
    s.close(r);
    s.close(u);
    CHECK(s.empty());
}

TEST_CASE("inet_udp ioctl: the first datagram's size, and none for ping sockets") {
    default_stack s;
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 0; // let root open a ping socket
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 0;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    const int w = s.socket(pf_inet, sock_dgram, 0);
    const int r = s.socket(pf_inet, sock_raw, ipproto_udp);
    const int p = s.socket(pf_inet, sock_dgram, ipproto_icmp);
    REQUIRE((u >= 0 && w >= 0 && r >= 0 && p >= 0));
    sockaddr_in a{};
    a.sin_family = af_inet;
    a.sin_addr.s_addr = cpu_to_be32(inaddr_loopback);
    REQUIRE(s.bind(u, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t l = sizeof a;
    REQUIRE(s.getsockname(u, reinterpret_cast<sockaddr*>(&a), &l) == 0);
    int v = -1;
    CHECK(s.ioctl(u, fionread, &v) == 0);
    CHECK(v == 0);
    CHECK(s.sendto(w, "hello", 5, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) == 5);
    CHECK(s.sendto(w, "xy", 2, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) == 2);
    CHECK(s.ioctl(u, fionread, &v) == 0);
    CHECK(v == 5); // the first datagram, not the queue (a 6.18 host: 5)
    CHECK(s.ioctl(w, siocoutq, &v) == 0);
    CHECK(v == 0); // delivered: nothing is charged to the sender any more
    CHECK(s.ioctl(r, fionread, &v) == 0);
    CHECK(v == 33);                             // the raw copy of "hello": 20 + 8 + 5
    CHECK(s.ioctl(p, fionread, &v) == -enotty); // ping_prot has no ioctl
    for (int fd : {u, w, r, p})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}

TEST_CASE("inet_udp checksum: lo leaves the pseudo-header sum, as Linux's offload does") {
    // On a 6.18 host a raw IPPROTO_UDP socket reads, for "hello" from
    // 127.0.0.1 to 127.0.0.1, a UDP checksum equal to the folded
    // pseudo-header sum (CHECKSUM_PARTIAL), not the full checksum.
    static default_stack s;
    const int r = s.socket(pf_inet, sock_raw, ipproto_udp);
    const int u = s.socket(pf_inet, sock_dgram, 0);
    const int v = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE((r >= 0 && u >= 0 && v >= 0));
    sockaddr_in a{};
    a.sin_family = af_inet;
    a.sin_addr.s_addr = cpu_to_be32(inaddr_loopback);
    REQUIRE(s.bind(v, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t l = sizeof a;
    REQUIRE(s.getsockname(v, reinterpret_cast<sockaddr*>(&a), &l) == 0);
    REQUIRE(s.sendto(u, "hello", 5, 0, reinterpret_cast<sockaddr*>(&a), sizeof a) == 5);
    unsigned char b[64] = {};
    REQUIRE(s.recv(r, b, sizeof b, msg_dontwait) == 33);
    std::uint32_t sum = 0x7f00 + 0x0001 + 0x7f00 + 0x0001 + 17 + 13; // addresses, proto, length
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    CHECK(((b[26] << 8) | b[27]) == static_cast<int>(sum));
    char d[8];
    CHECK(s.recv(v, d, sizeof d, msg_dontwait) == 5); // delivered without a full checksum
    for (int fd : {r, u, v})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}
