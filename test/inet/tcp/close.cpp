// PF_INET TCP: shutdown and close in each order, with tcpi_state and the
// poll mask of both ends at each step as Linux 6.18 reports them over
// 127.0.0.1 (all of POLLIN|PRI|OUT|RDHUP|RDNORM|RDBAND|WRNORM|WRBAND asked).
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#include "support.hpp"

using namespace tcp_test;

namespace {
constexpr unsigned IN = pollin | pollrdnorm;
constexpr unsigned OUT = pollout | pollwrnorm;
constexpr unsigned est = OUT;                               // 0x104
constexpr unsigned peer_fin = IN | OUT | pollrdhup;         // 0x2145
constexpr unsigned closed = IN | OUT | pollrdhup | pollhup; // 0x2155
constexpr unsigned reset = closed | pollerr;                // 0x215d

template <class S>
void finish(S& s, conn& x) {
    s.close(x.c);
    s.close(x.a);
    s.close(x.l);
    check(s);
    for (int i = 0; i < 61; ++i)
        s.advance(1000);
    check(s);
    CHECK(s.empty());
}
} // namespace

TEST_CASE("inet_tcp close: client SHUT_WR, server SHUT_WR") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(pollmask(*s, x.c) == est);
    CHECK(s->shutdown(x.c, shut_wr) == 0);
    CHECK(state(*s, x.c) == tcp_fin_wait1);
    CHECK(pollmask(*s, x.c) == est);
    CHECK(state(*s, x.a) == tcp_close_wait);
    CHECK(pollmask(*s, x.a) == peer_fin);
    char b[8];
    CHECK(s->send(x.c, "x", 1, 0) == -epipe);
    CHECK(s->recv(x.a, b, 5, 0) == 0);
    CHECK(s->send(x.a, "hi", 2, 0) == 2);
    CHECK(state(*s, x.c) == tcp_fin_wait2); // the ACK rode on the data
    CHECK(s->recv(x.c, b, 5, 0) == 2);
    CHECK(s->shutdown(x.a, shut_wr) == 0);
    CHECK(state(*s, x.c) == tcp_close); // TIME_WAIT: the full sock reads CLOSE
    CHECK(pollmask(*s, x.c) == closed);
    CHECK(state(*s, x.a) == tcp_close);
    CHECK(pollmask(*s, x.a) == closed);
    CHECK(s->recv(x.c, b, 5, 0) == 0);
    CHECK(s->recv(x.a, b, 5, 0) == 0);
    CHECK(s->shutdown(x.c, shut_rdwr) == -enotconn);
    sockaddr_in p{};
    socklen_t pl = sin_len;
    CHECK(s->getpeername(x.c, reinterpret_cast<sockaddr*>(&p), &pl) == -enotconn);
    finish(*s, x);
}

TEST_CASE("inet_tcp close: client closes, server sends into the orphan: RST, EPIPE") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(s->close(x.c) == 0);
    CHECK(s->objects_in_use<inet::tcp_prot>() == 3); // the orphan in FIN_WAIT1
    CHECK(state(*s, x.a) == tcp_close_wait);
    CHECK(pollmask(*s, x.a) == peer_fin);
    char b[8];
    CHECK(s->recv(x.a, b, 5, 0) == 0);
    CHECK(s->send(x.a, "x", 1, 0) == 1);
    CHECK(state(*s, x.a) == tcp_close);
    CHECK(pollmask(*s, x.a) == reset);
    CHECK(s->objects_in_use<inet::tcp_prot>() == 2);
    CHECK(s->recv(x.a, b, 5, 0) == 0); // SOCK_DONE: EOF before the error
    CHECK(s->send(x.a, "x", 1, 0) == -epipe);
    CHECK(s->recv(x.a, b, 5, 0) == 0);
    x.c = -1;
    finish(*s, x);
}

TEST_CASE("inet_tcp close: client closes, server closes: TIME_WAIT mini-sock, LAST_ACK") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(s->close(x.c) == 0);
    s->advance(100); // the delayed ACK: the orphan becomes a FIN_WAIT2 mini-sock
    CHECK(s->objects_in_use<inet::tcp_prot>() == 2);
    CHECK(s->close(x.a) == 0);
    CHECK(s->objects_in_use<inet::tcp_prot>() == 1);
    x.c = x.a = -1;
    finish(*s, x);
}

TEST_CASE("inet_tcp close: unread data resets the peer") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(s->send(x.c, "abc", 3, 0) == 3);
    CHECK(s->close(x.a) == 0);
    CHECK(state(*s, x.c) == tcp_close);
    CHECK(pollmask(*s, x.c) == reset);
    char b[8];
    CHECK(s->recv(x.c, b, 5, 0) == -econnreset);
    CHECK(pollmask(*s, x.c) == closed);
    CHECK(s->recv(x.c, b, 5, 0) == 0);
    CHECK(s->send(x.c, "x", 1, 0) == -epipe);
    CHECK(sock_err(*s, x.c) == 0);
    x.a = -1;
    finish(*s, x);
}

TEST_CASE("inet_tcp close: data queued before the RST is read first") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(s->send(x.c, "abc", 3, 0) == 3);
    CHECK(s->send(x.a, "zz", 2, 0) == 2);
    CHECK(s->close(x.a) == 0);
    CHECK(pollmask(*s, x.c) == reset);
    char b[8];
    CHECK(s->recv(x.c, b, 5, 0) == 2);
    CHECK(s->recv(x.c, b, 5, 0) == -econnreset);
    x.a = -1;
    finish(*s, x);
}

TEST_CASE("inet_tcp close: SO_LINGER {1, 0} sends an RST") {
    for (int variant = 0; variant < 2; ++variant) {
        auto s = fresh<tcp_stack>();
        conn x = pair(*s);
        const linger lg{1, 0};
        REQUIRE(s->setsockopt(x.c, sol_socket, so_linger, &lg, sizeof(lg)) == 0);
        CHECK(s->close(x.c) == 0);
        CHECK(state(*s, x.a) == tcp_close);
        CHECK(pollmask(*s, x.a) == reset);
        char b[8];
        if (variant == 0) {
            CHECK(s->send(x.a, "x", 1, 0) == -econnreset);
            CHECK(sock_err(*s, x.a) == 0);
        } else {
            CHECK(s->recv(x.a, b, 4, 0) == -econnreset);
            CHECK(pollmask(*s, x.a) == closed);
            CHECK(s->recv(x.a, b, 4, 0) == 0);
            CHECK(s->send(x.a, "x", 1, 0) == -epipe);
        }
        x.c = -1;
        finish(*s, x);
    }
}

TEST_CASE("inet_tcp close: SHUT_RD keeps receiving; SHUT_RDWR") {
    auto s = fresh<tcp_stack>();
    conn x = pair(*s);
    CHECK(s->shutdown(x.c, shut_rd) == 0);
    CHECK(state(*s, x.c) == tcp_established);
    CHECK(pollmask(*s, x.c) == peer_fin);
    CHECK(pollmask(*s, x.a) == est);
    char b[8];
    CHECK(s->recv(x.c, b, 5, 0) == 0);
    CHECK(s->send(x.a, "data", 4, 0) == 4);
    CHECK(pollmask(*s, x.c) == peer_fin);
    CHECK(s->recv(x.c, b, 5, 0) == 4);
    CHECK(s->shutdown(x.c, shut_wr) == 0);
    CHECK(state(*s, x.c) == tcp_fin_wait1);
    CHECK(pollmask(*s, x.c) == closed);
    CHECK(state(*s, x.a) == tcp_close_wait);
    CHECK(pollmask(*s, x.a) == peer_fin);
    CHECK(s->shutdown(x.c, shut_rdwr) == 0);
    CHECK(s->close(x.a) == 0);
    CHECK(state(*s, x.c) == tcp_close);
    CHECK(pollmask(*s, x.c) == closed);
    x.a = -1;
    finish(*s, x);
}

TEST_CASE("inet_tcp close: a listener's SHUT_WR does nothing, SHUT_RD closes it") {
    auto s = fresh<tcp_stack>();
    std::uint16_t port = 0;
    const int l = listener(*s, port);
    CHECK(s->shutdown(l, shut_wr) == 0);
    CHECK(state(*s, l) == tcp_listen);
    CHECK(pollmask(*s, l) == 0);
    CHECK(s->shutdown(l, shut_rd) == 0);
    CHECK(state(*s, l) == tcp_close);
    CHECK(pollmask(*s, l) == (OUT | pollhup));
    s->close(l);
    check(*s);
    CHECK(s->empty());
}
