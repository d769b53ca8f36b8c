// test/inet/tcp/wire_tcp_delack.cpp: when the receiver of small messages on
// a one-way connection ACKs, over the virtual link. Linux 6.18, traced on
// the host (two sockets on lo in a private namespace, 64 bytes sent, 1 ms,
// the receiver reads them, 60 times; its tcpi_segs_out read before and
// after each read): the first 16 messages are ACKed as they arrive (quick
// ACK mode: 16 quick ACKs, the receive window allows more), every later
// one when the read empties the queue (tcp_cleanup_rbuf: a small pushed
// segment, not in pingpong mode since the receiver never sends data), so
// one ACK per message, never a delayed one:
//
//   A- x16, then -R x44     (A: ACK on arrival, R: ACK at the read)
//
// ksock must give the same segments.
#include <string>

#include <doctest/doctest.h>

#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_tcp.hpp"

using namespace ksock_test;

namespace {
template <class S>
unsigned segs_out(S& s, int fd) {
    ksock::tcp_info_t i{};
    ksock::socklen_t len = sizeof i;
    REQUIRE(s.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &i, &len) == 0);
    return i.tcpi_segs_out;
}
} // namespace

TEST_CASE("wire TCP: 64-byte messages one way: 16 quick ACKs, then an ACK at each read") {
    wire_pair& p = wire_pair::fresh();
    const conn k = connect_pair(p, 7200);
    const int c = k.c;
    const int s = k.s;
    p.run(50);
    char row[60 * 3 + 1] = {};
    char buf[128] = {};
    for (int i = 0; i < 60; ++i) {
        CAPTURE(i);
        const unsigned b0 = segs_out(p.b, s);
        REQUIRE(p.a.send(c, buf, 64, ksock::msg_dontwait) == 64);
        p.run(1);
        const unsigned b1 = segs_out(p.b, s);
        REQUIRE(p.b.recv(s, buf, sizeof buf, ksock::msg_dontwait) == 64);
        const unsigned b2 = segs_out(p.b, s);
        row[3 * i] = b1 > b0 ? 'A' : '-';
        row[3 * i + 1] = b2 > b1 ? 'R' : '-';
        row[3 * i + 2] = ' ';
        p.run(1);            // the ACK reaches a before its next message (no Nagle wait)
        CHECK(b2 - b0 == 1); // one ACK per message, no more
    }
    row[sizeof row - 2] = '\0';
    const std::string want = [] {
        std::string w;
        for (int i = 0; i < 60; ++i)
            w += i < 16 ? "A- " : "-R ";
        w.pop_back();
        return w;
    }();
    CHECK(std::string(row) == want);
    close_conn(p, k);
}
