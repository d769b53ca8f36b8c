// PF_INET TCP: tcp_ioctl's queue sizes (SIOCINQ / FIONREAD, SIOCOUTQ,
// SIOCOUTQNSD, SIOCATMARK), with the values a Linux 6.18 host gave over
// 127.0.0.1.
#include "support.hpp"

using namespace tcp_test;

namespace {
template <class S>
int ioctl_int(S& s, int fd, unsigned long cmd) {
    int v = -1;
    const int r = s.ioctl(fd, cmd, &v);
    return r == 0 ? v : r;
}
} // namespace

TEST_CASE("inet_tcp ioctl: queue sizes through a connection's life") {
    auto s = fresh<tcp_stack>();
    const int fresh_fd = tcp(*s);
    CHECK(ioctl_int(*s, fresh_fd, fionread) == 0);
    CHECK(ioctl_int(*s, fresh_fd, siocoutq) == 0);
    CHECK(ioctl_int(*s, fresh_fd, siocatmark) == 0);
    conn x = pair(*s);
    CHECK(ioctl_int(*s, x.l, siocinq) == -einval); // a listener has no queues
    CHECK(ioctl_int(*s, x.l, siocoutq) == -einval);
    CHECK(ioctl_int(*s, x.l, siocoutqnsd) == -einval);
    CHECK(s->send(x.c, "abcdefg", 7, 0) == 7);
    CHECK(ioctl_int(*s, x.a, fionread) == 7);
    CHECK(ioctl_int(*s, x.c, siocoutq) == 0); // acknowledged at once on lo
    CHECK(ioctl_int(*s, x.c, siocoutqnsd) == 0);
    char b[4];
    CHECK(s->recv(x.a, b, 4, 0) == 4);
    CHECK(ioctl_int(*s, x.a, siocinq) == 3);
    CHECK(s->shutdown(x.c, shut_wr) == 0);
    CHECK(ioctl_int(*s, x.a, siocinq) == 3); // the FIN is not a byte to read
    CHECK(s->recv(x.a, b, 4, 0) == 3);
    CHECK(ioctl_int(*s, x.a, siocinq) == 0);
    CHECK(s->ioctl(x.a, siocinq, nullptr) == -efault);
    CHECK(s->ioctl(x.a, 0x1234, b) == -enotty);
    for (int fd : {fresh_fd, x.l, x.c, x.a})
        CHECK(s->close(fd) == 0);
    s->advance(60000); // TIME_WAIT ends
    CHECK(s->empty());
}

TEST_CASE("inet_tcp ioctl: a refused SYN stays unacknowledged; the disconnect moves write_seq on") {
    auto s = fresh<tcp_stack>();
    std::uint16_t port = 0;
    const int l = listener(*s, port);
    REQUIRE(s->close(l) == 0); // the port is free again: nobody listens
    const int c = tcp(*s);
    const sockaddr_in a = lo(port);
    REQUIRE(s->connect(c, sa(a), sin_len) == -einprogress);
    CHECK(ioctl_int(*s, c, siocoutq) == 1); // the SYN's sequence number
    CHECK(ioctl_int(*s, c, siocoutqnsd) == 0);
    REQUIRE(s->connect(c, sa(a), sin_len) == -econnrefused);
    CHECK(ioctl_int(*s, c, siocoutq) == 3); // write_seq + max_window + 2
    CHECK(ioctl_int(*s, c, siocoutqnsd) == 2);
    int mss = 0;
    socklen_t len = sizeof mss;
    REQUIRE(s->getsockopt(c, sol_tcp, tcp_maxseg, &mss, &len) == 0);
    CHECK(mss == 524); // tcp_connect_init's sync, less the timestamp option
    REQUIRE(s->close(c) == 0);
    check(*s);
}
