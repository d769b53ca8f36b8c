// test/support/wire_tcp.hpp: TCP over the virtual link of wire_fixture.hpp:
// a connection set up and closed, bytes moved from one stack's socket to
// the other's with the data checked.
#pragma once

#include <cstddef>
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

#include "support/wire_fixture.hpp"

namespace ksock_test {

//! The byte at offset \p i of a checked transfer.
constexpr unsigned char wire_byte(std::size_t i) noexcept {
    return static_cast<unsigned char>(i * 131 + 7);
}

//! How a transfer went: the longest the receiver waited for new data
//! (virtual ms), and the sender's RTO (ms) when that wait began.
struct progress {
    unsigned long longest_wait = 0;
    unsigned long rto_then = 0;
};

//! The RTO of \p s's socket \p fd in ms (TCP_INFO's tcpi_rto is in us).
template <class S>
unsigned long rto_ms(S& s, int fd) {
    ksock::tcp_info_t i{};
    ksock::socklen_t len = sizeof i;
    s.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &i, &len);
    return i.tcpi_rto / 1000;
}

//! Move \p n bytes from \p from's socket \p fd to \p to's socket \p td
//! through the link, the data checked; false if it does not all arrive
//! within \p bound_ms of virtual time. \p pr: how it went.
template <class A, class B>
bool transfer(wire_pair& p, A& from, int fd, B& to, int td, std::size_t n, unsigned long bound_ms,
              progress* pr = nullptr) {
    static unsigned char out[2048];
    static unsigned char in[2048];
    std::size_t sent = 0, got = 0;
    unsigned long last = 0, rto = pr ? rto_ms(from, fd) : 0;
    for (unsigned long t = 0; t < bound_ms && got < n; ++t) {
        while (sent < n) {
            std::size_t k = n - sent < sizeof out ? n - sent : sizeof out;
            for (std::size_t i = 0; i < k; ++i)
                out[i] = wire_byte(sent + i);
            const long w = from.send(fd, out, k, ksock::msg_dontwait);
            if (w <= 0)
                break;
            sent += static_cast<std::size_t>(w);
        }
        p.run(1);
        const std::size_t before = got;
        for (;;) {
            const long r = to.recv(td, in, sizeof in, ksock::msg_dontwait);
            if (r <= 0)
                break;
            for (long i = 0; i < r; ++i)
                if (in[i] != wire_byte(got + static_cast<std::size_t>(i)))
                    return false;
            got += static_cast<std::size_t>(r);
        }
        if (pr && (got > before || got == n)) {
            if (t - last > pr->longest_wait) {
                pr->longest_wait = t - last;
                pr->rto_then = rto;
            }
            last = t;
            rto = rto_ms(from, fd);
        }
    }
    return got == n;
}

//! A listener on b:port, a connecting socket on a, the handshake run, the
//! accepted socket: {client on a, server on b}.
struct conn {
    int c = -1;
    int s = -1;
    int l = -1;
};
inline conn connect_pair(wire_pair& p, std::uint16_t port) {
    conn k;
    k.l = p.b.socket(ksock::af_inet, ksock::sock_stream, 0);
    const auto b_addr = sin_of(addr_b, port);
    REQUIRE(p.b.bind(k.l, sa(b_addr), sizeof b_addr) == 0);
    REQUIRE(p.b.listen(k.l, 4) == 0);
    k.c = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    REQUIRE(p.a.connect(k.c, sa(b_addr), sizeof b_addr) == -ksock::einprogress);
    p.run(10);
    k.s = p.b.accept(k.l, nullptr, nullptr);
    REQUIRE(k.s >= 0);
    return k;
}

//! Close the three sockets of \p k.
inline void close_conn(wire_pair& p, const conn& k) {
    CHECK(p.a.close(k.c) == 0);
    CHECK(p.b.close(k.s) == 0);
    CHECK(p.b.close(k.l) == 0);
}

//! TCP_INFO of socket \p fd of \p s.
template <class S>
ksock::tcp_info_t info_of(S& s, int fd) {
    ksock::tcp_info_t i{};
    ksock::socklen_t len = sizeof i;
    REQUIRE(s.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &i, &len) == 0);
    return i;
}

} // namespace ksock_test
