// test/support/wire_tcp.hpp: TCP over the virtual link of wire_fixture.hpp:
// bytes moved from one stack's socket to the other's with the data checked.
#pragma once

#include <cstddef>

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

} // namespace ksock_test
