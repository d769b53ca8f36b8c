// test/inet/udp/fixture.hpp: helpers for the PF_INET datagram tests
// (test/inet_udp, test/inet_raw). Expected values were probed on a Linux
// 6.18 host in a network namespace whose only device is lo
// (unshare -n; ip link set lo up).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace inet_test {

using namespace ksock;

struct config : default_config {
    static constexpr std::size_t skbs = 160;
};
using S = stack<config>;

//! The events the probes asked for: POLLIN | POLLOUT | POLLRDHUP | POLLPRI.
inline unsigned poll_mask(S& s, int fd) {
    pollfd p{fd, static_cast<short>(pollin | pollout | pollrdhup | pollpri), 0};
    REQUIRE(s.poll(&p, 1, 0) >= 0);
    return static_cast<unsigned short>(p.revents);
}

inline sockaddr_in in4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                       std::uint16_t port) {
    sockaddr_in x{};
    x.sin_family = af_inet;
    x.sin_port = cpu_to_be16(port);
    x.sin_addr.s_addr = cpu_to_be32((std::uint32_t{a} << 24) | (std::uint32_t{b} << 16) |
                                    (std::uint32_t{c} << 8) | d);
    return x;
}
inline sockaddr_in lo(std::uint16_t port) {
    return in4(127, 0, 0, 1, port);
}
inline sockaddr_in any(std::uint16_t port) {
    return in4(0, 0, 0, 0, port);
}
inline const sockaddr* sa(const sockaddr_in& a) {
    return reinterpret_cast<const sockaddr*>(&a);
}
inline constexpr socklen_t sin_len = sizeof(sockaddr_in);

struct name {
    int ret;
    std::uint32_t addr; //!< host order
    std::uint16_t port; //!< host order
    socklen_t len;
};
inline name sockname(S& s, int fd, bool peer = false) {
    sockaddr_in a{};
    socklen_t l = sizeof a;
    const int r = peer ? s.getpeername(fd, reinterpret_cast<sockaddr*>(&a), &l)
                       : s.getsockname(fd, reinterpret_cast<sockaddr*>(&a), &l);
    return {r, be32_to_cpu(a.sin_addr.s_addr), be16_to_cpu(a.sin_port), l};
}
inline constexpr std::uint32_t loopback = 0x7f000001u;

inline int pending_error(S& s, int fd) {
    int e = -1;
    socklen_t l = sizeof e;
    REQUIRE(s.getsockopt(fd, sol_socket, so_error, &e, &l) == 0);
    return e;
}

inline void check(S& s) {
    const auto r = s.check_invariants();
    INFO(r.what);
    CHECK(r.ok);
}

} // namespace inet_test
