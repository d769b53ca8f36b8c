// test/support/wire_tcp.hpp: TCP over the virtual link of wire_fixture.hpp:
// bytes moved from one stack's socket to the other's with the data checked.
#pragma once

#include <cstddef>

#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"

namespace ksock_test {

//! The byte at offset \p i of a checked transfer.
constexpr unsigned char wire_byte(std::size_t i) noexcept {
    return static_cast<unsigned char>(i * 131 + 7);
}

//! Move \p n bytes from \p from's socket \p fd to \p to's socket \p td
//! through the link, the data checked; false if a byte is wrong or not all
//! of them arrive within \p bound_ms of virtual time.
template <class A, class B>
bool transfer(wire_pair& p, A& from, int fd, B& to, int td, std::size_t n, unsigned long bound_ms) {
    static unsigned char out[2048];
    static unsigned char in[2048];
    std::size_t sent = 0, got = 0;
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
        for (;;) {
            const long r = to.recv(td, in, sizeof in, ksock::msg_dontwait);
            if (r <= 0)
                break;
            for (long i = 0; i < r; ++i)
                if (in[i] != wire_byte(got + static_cast<std::size_t>(i)))
                    return false;
            got += static_cast<std::size_t>(r);
        }
    }
    return got == n;
}

} // namespace ksock_test
