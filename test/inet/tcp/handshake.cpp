// PF_INET TCP: bind/listen/connect/accept over lo, with the errnos Linux
// 6.18 gives (probed on the host over 127.0.0.1).
#include "support.hpp"

using namespace tcp_test;

TEST_CASE("inet_tcp: a fresh socket polls POLLOUT|POLLHUP, send EPIPE, recv ENOTCONN") {
    auto s = fresh<tcp_stack>();
    const int fd = tcp(*s);
    CHECK(pollmask(*s, fd) == (pollout | pollwrnorm | pollhup));
    char b[4] = {};
    CHECK(s->send(fd, "x", 1, 0) == -epipe);
    CHECK(s->recv(fd, b, 1, 0) == -enotconn);
    CHECK(s->shutdown(fd, shut_wr) == -enotconn);
    CHECK(s->accept(fd, nullptr, nullptr) == -einval);
    CHECK(state(*s, fd) == tcp_close);
    CHECK(s->close(fd) == 0);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp: nonblocking connect: EINPROGRESS though ESTABLISHED, then 0, then EISCONN") {
    auto s = fresh<tcp_stack>();
    std::uint16_t port = 0;
    const int l = listener(*s, port, 1);
    CHECK(state(*s, l) == tcp_listen);
    CHECK(pollmask(*s, l) == 0);
    char b[4];
    CHECK(s->recv(l, b, 1, 0) == -enotconn);
    CHECK(s->send(l, "x", 1, 0) == -epipe);
    CHECK(s->recv(l, b, 1, msg_oob) == -enotconn);
    CHECK(s->listen(l, 5) == 0); // re-listen: the backlog only
    CHECK(s->listen(l, 1) == 0);
    const int c = tcp(*s);
    const sockaddr_in a = lo(port);
    CHECK(s->connect(c, sa(a), sin_len) == -einprogress);
    CHECK(state(*s, c) == tcp_established);
    CHECK(pollmask(*s, c) == (pollout | pollwrnorm));
    CHECK(pollmask(*s, l) == (pollin | pollrdnorm));
    CHECK(local_port(*s, c) % 2 == 0); // connect's implicit bind: even ports
    CHECK(s->connect(c, sa(a), sin_len) == 0);
    CHECK(s->connect(c, sa(a), sin_len) == -eisconn);
    CHECK(s->listen(c, 1) == -einval);
    check(*s);
    sockaddr_in peer{};
    socklen_t plen = sin_len;
    const int ch = s->accept(l, reinterpret_cast<sockaddr*>(&peer), &plen);
    REQUIRE(ch >= 0);
    CHECK(plen == sin_len);
    CHECK(ksock::be16_to_cpu(peer.sin_port) == local_port(*s, c));
    CHECK(local_port(*s, ch) == port);
    CHECK(state(*s, ch) == tcp_established);
    CHECK(pollmask(*s, ch) == (pollout | pollwrnorm));
    CHECK(s->accept(l, nullptr, nullptr) == -eagain);
    CHECK(s->accept(c, nullptr, nullptr) == -einval);
    CHECK(s->recv(ch, b, 1, msg_oob) == -einval);
    CHECK(s->recv(ch, b, 1, 0) == -eagain);
    CHECK(s->getpeername(ch, reinterpret_cast<sockaddr*>(&peer), &plen) == 0);
    CHECK(s->net().sock_inuse == 3);
    check(*s);
    s->close(c);
    s->close(ch);
    s->close(l);
    s->advance(61000);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp: connect refused, address checks") {
    auto s = fresh<tcp_stack>();
    const int c = tcp(*s);
    const sockaddr_in one = lo(1);
    CHECK(s->connect(c, sa(one), sin_len) == -einprogress);
    CHECK(state(*s, c) == tcp_close);
    CHECK(pollmask(*s, c) ==
          (pollin | pollrdnorm | pollout | pollwrnorm | pollerr | pollhup | pollrdhup));
    CHECK(sock_err(*s, c) == econnrefused);
    CHECK(pollmask(*s, c) == (pollin | pollrdnorm | pollout | pollwrnorm | pollhup | pollrdhup));
    CHECK(s->connect(c, sa(one), sin_len) == -econnaborted);
    CHECK(s->connect(c, sa(one), sin_len) == -einprogress); // unconnected again
    CHECK(sock_err(*s, c) == econnrefused);

    const int d = tcp(*s);
    CHECK(s->connect(d, sa(one), sin_len - 1) == -einval);
    sockaddr_in bad = one;
    bad.sin_family = 10;
    CHECK(s->connect(d, sa(bad), sin_len) == -eafnosupport);
    const sockaddr_in far = lo(80, 0x0a010203u);
    CHECK(s->connect(d, sa(far), sin_len) == -enetunreach);
    const sockaddr_in mc = lo(80, 0xe0000001u);
    CHECK(s->connect(d, sa(mc), sin_len) == -enetunreach);
    CHECK(state(*s, d) == tcp_close);
    check(*s);

    // 0.0.0.0 is this host.
    std::uint16_t port = 0;
    const int l = listener(*s, port);
    const sockaddr_in any = lo(port, 0);
    CHECK(s->connect(d, sa(any), sin_len) == -einprogress);
    CHECK(state(*s, d) == tcp_established);
    sockaddr_in peer{};
    socklen_t plen = sin_len;
    CHECK(s->getpeername(d, reinterpret_cast<sockaddr*>(&peer), &plen) == 0);
    CHECK(peer.sin_addr.s_addr == ksock::cpu_to_be32(0x7f000001u));
    s->close(l); // the queued child is reset
    CHECK(state(*s, d) == tcp_close);
    char b[4];
    CHECK(s->recv(d, b, 4, 0) == -econnreset);
    CHECK(s->send(d, "x", 1, 0) == -epipe);
    s->close(c);
    s->close(d);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp: the backlog drops SYNs past sk_max_ack_backlog") {
    for (int bl = 0; bl < 3; ++bl) {
        auto s = fresh<tcp_stack>();
        std::uint16_t port = 0;
        const int l = listener(*s, port, bl);
        const sockaddr_in a = lo(port);
        int cs[4];
        for (int i = 0; i < 4; ++i) {
            cs[i] = tcp(*s);
            CHECK(s->connect(cs[i], sa(a), sin_len) == -einprogress);
            if (i <= bl) {
                CHECK(state(*s, cs[i]) == tcp_established);
                CHECK(s->connect(cs[i], sa(a), sin_len) == 0);
            } else {
                CHECK(state(*s, cs[i]) == tcp_syn_sent);
                CHECK(pollmask(*s, cs[i]) == 0);
                CHECK(s->connect(cs[i], sa(a), sin_len) == -ealready);
            }
        }
        tcp_info_t info{};
        socklen_t len = sizeof(info);
        REQUIRE(s->getsockopt(l, sol_tcp, ksock::tcp_info, &info, &len) == 0);
        CHECK(info.tcpi_unacked == static_cast<unsigned>(bl + 1));
        CHECK(info.tcpi_sacked == static_cast<unsigned>(bl));
        // Accepting one makes room; the SYN retransmitted after 1 s gets in.
        const int ch = s->accept(l, nullptr, nullptr);
        CHECK(ch >= 0);
        s->advance(1000);
        CHECK(state(*s, cs[bl + 1]) == tcp_established);
        if (bl + 2 < 4)
            CHECK(state(*s, cs[bl + 2]) == tcp_syn_sent);
        check(*s);
        // Nobody accepts again: who is still dropped times out after 6
        // retransmissions (1 + 2 + ... + 64 s), with ETIMEDOUT.
        for (int t = 0; t < 130; ++t)
            s->advance(1000);
        for (int i = bl + 2; i < 4; ++i) {
            CHECK(state(*s, cs[i]) == tcp_close);
            CHECK(sock_err(*s, cs[i]) == etimedout);
        }
        if (bl == 2)
            CHECK(state(*s, cs[3]) == tcp_established);
        for (int fd : cs)
            s->close(fd);
        s->close(ch);
        s->close(l);
        s->advance(61000);
        check(*s);
        CHECK(s->empty());
    }
}

TEST_CASE("inet_tcp: bind conflicts, SO_REUSEADDR, SO_REUSEPORT, ephemeral parity") {
    auto s = fresh<tcp_stack>();
    // bind(0): odd ports.
    for (int i = 0; i < 6; ++i) {
        const int fd = tcp(*s);
        const sockaddr_in a = lo(0);
        REQUIRE(s->bind(fd, sa(a), sin_len) == 0);
        const std::uint16_t p = local_port(*s, fd);
        CHECK(p % 2 == 1);
        CHECK(p >= 32768);
        CHECK(p <= 60999);
    }
    struct row {
        int o1, o2;   // bit 1: SO_REUSEADDR, bit 2: SO_REUSEPORT
        bool listen1; // the first one listens
        std::uint32_t a1, a2;
        int bind_err, listen_err;
    };
    constexpr std::uint32_t L = 0x7f000001u, L2 = 0x7f000002u, ANY = 0;
    const row rows[] = {
        {0, 0, false, L, L, -eaddrinuse, 0},
        {0, 0, true, ANY, L, -eaddrinuse, 0},
        {0, 0, false, L, ANY, -eaddrinuse, 0},
        {0, 0, false, L, L2, 0, 0},
        {1, 1, false, L, L, 0, 0},
        {1, 1, true, L, L, -eaddrinuse, 0},
        {1, 1, false, ANY, L, 0, 0},
        {1, 0, false, L, L, -eaddrinuse, 0},
        {0, 1, false, L, L, -eaddrinuse, 0},
        {2, 2, false, L, L, 0, 0},
        {2, 2, true, L, L, 0, 0},
        {3, 3, true, ANY, L, 0, 0},
    };
    std::uint16_t next = 20000;
    for (const row& r : rows) {
        const int x = tcp(*s);
        const int y = tcp(*s);
        if (r.o1 & 1)
            set_int(*s, x, sol_socket, so_reuseaddr, 1);
        if (r.o1 & 2)
            set_int(*s, x, sol_socket, so_reuseport, 1);
        if (r.o2 & 1)
            set_int(*s, y, sol_socket, so_reuseaddr, 1);
        if (r.o2 & 2)
            set_int(*s, y, sol_socket, so_reuseport, 1);
        const std::uint16_t port = next++;
        const sockaddr_in ax = lo(port, r.a1);
        const sockaddr_in ay = lo(port, r.a2);
        REQUIRE(s->bind(x, sa(ax), sin_len) == 0);
        if (r.listen1)
            REQUIRE(s->listen(x, 1) == 0);
        CHECK(s->bind(y, sa(ay), sin_len) == r.bind_err);
        if (r.bind_err == 0)
            CHECK(s->listen(y, 1) == r.listen_err);
        s->close(x);
        s->close(y);
        check(*s);
    }
}

TEST_CASE("inet_tcp: TIME_WAIT holds the port; only SO_REUSEADDR on both sides passes") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    const std::uint16_t cport = local_port(*s, x.c);
    CHECK(s->shutdown(x.c, shut_wr) == 0);
    CHECK(state(*s, x.c) == tcp_fin_wait1); // the FIN's ACK is delayed
    CHECK(state(*s, x.a) == tcp_close_wait);
    s->advance(300);
    CHECK(state(*s, x.c) == tcp_fin_wait2);
    s->close(x.a);
    CHECK(state(*s, x.c) == tcp_close); // the full sock of a TIME_WAIT pair
    s->close(x.c);
    const int b = tcp(*s);
    const sockaddr_in a = lo(cport);
    CHECK(s->bind(b, sa(a), sin_len) == -eaddrinuse);
    set_int(*s, b, sol_socket, so_reuseaddr, 1);
    CHECK(s->bind(b, sa(a), sin_len) == -eaddrinuse); // the tw's owner had no reuse
    s->advance(60000);
    CHECK(s->bind(b, sa(a), sin_len) == 0);
    s->close(b);
    s->close(x.l);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp: AF_UNSPEC connect disconnects") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    sockaddr un{};
    un.sa_family = af_unspec;
    CHECK(s->connect(x.c, &un, sizeof(un)) == 0);
    CHECK(state(*s, x.c) == tcp_close);
    CHECK(state(*s, x.a) == tcp_close); // reset
    char b[2];
    CHECK(s->recv(x.a, b, 2, 0) == -econnreset);
    s->close(x.c);
    s->close(x.a);
    s->close(x.l);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp handshake: both ends' send buffers grow when established (tcp_sndbuf_expand)") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    int v = 0;
    socklen_t len = sizeof v;
    REQUIRE(s->getsockopt(x.l, sol_socket, so_sndbuf, &v, &len) == 0);
    CHECK(v == 16384); // tcp_wmem[1]
    // cubic, ksock's default: 2 x 10 segments x (131072 + 256) for an MSS of
    // 65495; BBR's factor is 3.
    REQUIRE(s->getsockopt(x.c, sol_socket, so_sndbuf, &v, &len) == 0);
    CHECK(v == 2626560);
    REQUIRE(s->getsockopt(x.a, sol_socket, so_sndbuf, &v, &len) == 0);
    CHECK(v == 2626560);
    s->close(x.c);
    s->close(x.a);
    s->close(x.l);
}
