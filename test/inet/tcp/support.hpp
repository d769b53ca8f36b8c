// Helpers of the PF_INET TCP data-path tests: addresses, a listener, a
// connected pair, TCP_INFO's state and a poll mask. Expected values in the
// tests were observed on the Linux 6.18 host over 127.0.0.1.
#pragma once

#include <new>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>

namespace tcp_test {

using namespace ksock;

//! The tests' stack: the default one with half its skbs (the target's RAM).
struct tcp_config : default_config {
    static constexpr std::size_t skbs = 64;
};
using tcp_stack = stack<tcp_config>;

//! A fresh stack of type S in static storage (no heap, no big frame): each
//! test case constructs its own over the previous one.
template <class S>
S* fresh() {
    alignas(S) static unsigned char storage[sizeof(S)];
    static_assert(std::is_trivially_destructible_v<S>,
                  "tcp_test::fresh<S>: S is reused without a destructor call");
    return ::new (storage) S{};
}

inline sockaddr_in lo(std::uint16_t port, std::uint32_t host = 0x7f000001u) {
    sockaddr_in a{};
    a.sin_family = af_inet;
    a.sin_port = ksock::cpu_to_be16(port);
    a.sin_addr.s_addr = ksock::cpu_to_be32(host);
    return a;
}
inline const sockaddr* sa(const sockaddr_in& a) {
    return reinterpret_cast<const sockaddr*>(&a);
}
constexpr socklen_t sin_len = sizeof(sockaddr_in);

//! POLLIN|POLLPRI|POLLOUT|POLLRDHUP|RDNORM|WRNORM|RDBAND|WRBAND asked.
inline constexpr short all_events = 0x2000 | 0x7 | 0x40 | 0x80 | 0x100 | 0x200;

template <class S>
unsigned pollmask(S& s, int fd) {
    pollfd p{fd, all_events, 0};
    s.poll(&p, 1, 0);
    return static_cast<unsigned short>(p.revents);
}
template <class S>
int state(S& s, int fd) {
    tcp_info_t info{};
    socklen_t len = sizeof(info);
    REQUIRE(s.getsockopt(fd, sol_tcp, ksock::tcp_info, &info, &len) == 0);
    return info.tcpi_state;
}
template <class S>
std::uint16_t local_port(S& s, int fd) {
    sockaddr_in a{};
    socklen_t len = sin_len;
    REQUIRE(s.getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0);
    return ksock::be16_to_cpu(a.sin_port);
}
template <class S>
int sock_err(S& s, int fd) {
    int v = -1;
    socklen_t len = sizeof(v);
    REQUIRE(s.getsockopt(fd, sol_socket, ksock::so_error, &v, &len) == 0);
    return v;
}
template <class S>
void set_int(S& s, int fd, int level, int opt, int v) {
    REQUIRE(s.setsockopt(fd, level, opt, &v, sizeof(v)) == 0);
}
template <class S>
void check(S& s) {
    const auto r = s.check_invariants();
    INFO(r.what);
    REQUIRE(r.ok);
}

//! A non-blocking TCP socket.
template <class S>
int tcp(S& s) {
    const int fd = s.socket(af_inet, sock_stream | sock_nonblock, 0);
    REQUIRE(fd >= 0);
    return fd;
}
//! A listener on 127.0.0.1:port (0: ephemeral), backlog \p backlog.
template <class S>
int listener(S& s, std::uint16_t& port, int backlog = 8) {
    const int l = tcp(s);
    const sockaddr_in a = lo(port);
    REQUIRE(s.bind(l, sa(a), sin_len) == 0);
    REQUIRE(s.listen(l, backlog) == 0);
    port = local_port(s, l);
    return l;
}
struct conn {
    int l, c, a;
    std::uint16_t port;
};
//! Listener, connected client (EINPROGRESS then 0) and accepted child.
template <class S>
conn pair(S& s) {
    conn x{};
    x.l = listener(s, x.port);
    x.c = tcp(s);
    const sockaddr_in a = lo(x.port);
    REQUIRE(s.connect(x.c, sa(a), sin_len) == -einprogress);
    REQUIRE(s.connect(x.c, sa(a), sin_len) == 0);
    x.a = s.accept4(x.l, nullptr, nullptr, sock_nonblock);
    REQUIRE(x.a >= 0);
    check(s);
    return x;
}

} // namespace tcp_test
