// PF_INET TCP: the byte stream: 1 MiB in odd chunks, MSG_PEEK / SO_PEEK_OFF,
// MSG_WAITALL, MSG_TRUNC, buffers full (EAGAIN) and drained, skb and sock
// allocation failures.
#include <cstring>

#include "support.hpp"

using namespace tcp_test;

TEST_CASE("inet_tcp data: 1 MiB in odd-sized chunks, verified") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    // An established connection's send buffer grows to 2.6 MB or more
    // (tcp_sndbuf_expand), more than this stack's skbs: SO_SNDBUF keeps the
    // sender's at 16 KiB, so that it is the send buffer that fills (EAGAIN,
    // no POLLOUT) and not the pool.
    set_int(*s, x.c, sol_socket, so_sndbuf, 8192);
    constexpr std::size_t total = 1u << 20;
    auto byte = [](std::size_t i) { return static_cast<unsigned char>((i * 131u + 7u) >> 3); };
    static unsigned char out[8191], in[8300];
    std::size_t sent = 0, rcvd = 0;
    const std::size_t sizes[] = {1, 7, 333, 4097, 8191, 13};
    std::size_t k = 0;
    int eagain_send = 0;
    while (rcvd < total) {
        while (sent < total) {
            std::size_t n = sizes[k++ % 6];
            if (n > total - sent)
                n = total - sent;
            for (std::size_t i = 0; i < n; ++i)
                out[i] = byte(sent + i);
            const long r = s->send(x.c, out, n, 0);
            if (r == -eagain) {
                ++eagain_send;
                CHECK((pollmask(*s, x.c) & pollout) == 0);
                break;
            }
            REQUIRE(r > 0);
            sent += static_cast<std::size_t>(r);
        }
        for (;;) {
            const long r = s->recv(x.a, in, sizes[k % 6] + 100, 0);
            if (r == -eagain)
                break;
            REQUIRE(r > 0);
            for (long i = 0; i < r; ++i)
                REQUIRE(in[static_cast<std::size_t>(i)] ==
                        byte(rcvd + static_cast<std::size_t>(i)));
            rcvd += static_cast<std::size_t>(r);
        }
        check(*s);
    }
    CHECK(eagain_send > 0);
    CHECK(sent == total);
    tcp_info_t info{};
    socklen_t len = sizeof(info);
    REQUIRE(s->getsockopt(x.a, sol_tcp, ksock::tcp_info, &info, &len) == 0);
    CHECK(info.tcpi_bytes_received == total);
    CHECK(s->skbs_in_use() == 0);
    s->close(x.c);
    s->close(x.a);
    s->close(x.l);
    for (int i = 0; i < 61; ++i)
        s->advance(1000);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp data: MSG_PEEK, SO_PEEK_OFF, MSG_WAITALL, MSG_TRUNC") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(s->send(x.c, "hello", 5, 0) == 5);
    CHECK(s->send(x.c, "world", 5, 0) == 5);
    CHECK(pollmask(*s, x.a) == (pollin | pollrdnorm | pollout | pollwrnorm));
    char b[16] = {};
    CHECK(s->recv(x.a, b, 3, msg_peek) == 3);
    CHECK(std::memcmp(b, "hel", 3) == 0);
    CHECK(s->recv(x.a, b, 16, msg_peek) == 10);
    set_int(*s, x.a, sol_socket, so_peek_off, 2);
    CHECK(s->recv(x.a, b, 3, msg_peek) == 3);
    CHECK(std::memcmp(b, "llo", 3) == 0);
    CHECK(s->recv(x.a, b, 3, msg_peek) == 3);
    CHECK(std::memcmp(b, "wor", 3) == 0);
    CHECK(s->recv(x.a, b, 4, 0) == 4); // peek offset moves back by 4: 4
    CHECK(std::memcmp(b, "hell", 4) == 0);
    CHECK(s->recv(x.a, b, 2, msg_peek) == 2);
    CHECK(std::memcmp(b, "ld", 2) == 0);
    set_int(*s, x.a, sol_socket, so_peek_off, -1);
    CHECK(s->recv(x.a, nullptr, 3, msg_trunc) == 3); // discarded
    CHECK(s->recv(x.a, b, 16, msg_waitall) == 3);    // non-blocking: what there is
    CHECK(std::memcmp(b, "rld", 3) == 0);
    CHECK(s->recv(x.a, b, 16, 0) == -eagain);
    CHECK(s->send(x.c, "x", 1, msg_dontwait) == 1);
    CHECK(s->recv(x.a, b, 16, msg_errqueue) == -eagain);
    s->close(x.c);
    s->close(x.a);
    s->close(x.l);
    for (int i = 0; i < 61; ++i)
        s->advance(1000);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp data: MSG_OOB urgent byte, SO_OOBINLINE, zero-length reads") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    char b[16] = {};
    CHECK(s->recv(x.a, b, 0, 0) == -eagain); // still reports "no data"
    CHECK(s->recv(x.a, b, 1, msg_oob) == -einval);
    CHECK(s->send(x.c, "abc", 3, msg_oob) == 3);
    CHECK(pollmask(*s, x.a) == (pollin | pollrdnorm | pollpri | pollout | pollwrnorm));
    CHECK(s->recv(x.a, b, 16, msg_oob) == 1);
    CHECK(b[0] == 'c');
    CHECK(s->recv(x.a, b, 16, 0) == 2);
    CHECK(std::memcmp(b, "ab", 2) == 0);
    CHECK(s->recv(x.a, b, 16, msg_oob) == -einval);
    CHECK(s->send(x.c, "de", 2, msg_oob) == 2);
    set_int(*s, x.a, sol_socket, so_oobinline, 1);
    CHECK(s->recv(x.a, b, 16, 0) == 1); // stops at the urgent mark
    CHECK(b[0] == 'd');
    CHECK(s->recv(x.a, b, 16, 0) == 1);
    CHECK(b[0] == 'e');
    CHECK(s->recv(x.a, b, 0, 0) == -eagain);
    s->close(x.c);
    s->close(x.a);
    s->close(x.l);
    for (int i = 0; i < 61; ++i)
        s->advance(1000);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp data: a socket connected to itself") {
    auto s = fresh<tcp_stack>();
    const int fd = tcp(*s);
    const sockaddr_in a = lo(31000);
    REQUIRE(s->bind(fd, sa(a), sin_len) == 0);
    CHECK(s->connect(fd, sa(a), sin_len) == -einprogress);
    CHECK(state(*s, fd) == tcp_established);
    CHECK(s->connect(fd, sa(a), sin_len) == 0);
    CHECK(s->send(fd, "me", 2, 0) == 2);
    char b[4];
    CHECK(s->recv(fd, b, 4, 0) == 2);
    s->close(fd);
    check(*s);
    CHECK(s->empty());
}
