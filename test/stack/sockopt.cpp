// Socket options through the stack's system calls (ksock::default_stack):
// the dispatch of do_sock_getsockopt / do_sock_setsockopt (SOL_SOCKET to
// sk_*sockopt unless the socket has SOCK_CUSTOM_SOCKOPT, everything else to
// the ops), checked against values a Linux 6.18 host returned.
#include <climits>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/inet/udp/udp_sockopt.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/icmp.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/udp.hpp>

using namespace ksock;
using namespace ksock::inet;

namespace {
int get_int(default_stack& s, int fd, int level, int name, int& v) {
    v = -12345;
    socklen_t l = sizeof(v);
    return s.getsockopt(fd, level, name, &v, &l);
}
int set_int(default_stack& s, int fd, int level, int name, int v) {
    return s.setsockopt(fd, level, name, &v, sizeof(v));
}
} // namespace

TEST_CASE("stack: fresh option values of each AF_INET socket kind") {
    default_stack s;
    const int t = s.socket(pf_inet, sock_stream, 0);
    const int u = s.socket(pf_inet, sock_dgram, 0);
    const int r = s.socket(pf_inet, sock_raw, ipproto_icmp);
    REQUIRE(t >= 0);
    REQUIRE(u >= 0);
    REQUIRE(r >= 0);
    int v = 0;
    CHECK(get_int(s, t, sol_socket, so_protocol, v) == 0);
    CHECK(v == 6);
    CHECK(get_int(s, t, sol_socket, so_sndbuf, v) == 0);
    CHECK(v == 16384);
    CHECK(get_int(s, t, sol_socket, so_rcvbuf, v) == 0);
    CHECK(v == 131072);
    CHECK(get_int(s, t, sol_tcp, tcp_maxseg, v) == 0);
    CHECK(v == 536);
    CHECK(get_int(s, t, sol_tcp, tcp_quickack, v) == 0);
    CHECK(v == 1);
    CHECK(get_int(s, t, sol_tcp, tcp_keepidle, v) == 0);
    CHECK(v == 7200);
    CHECK(get_int(s, u, sol_socket, so_rcvbuf, v) == 0);
    CHECK(v == 212992);
    CHECK(get_int(s, u, sol_socket, so_peek_off, v) == 0);
    CHECK(v == -1);
    CHECK(get_int(s, r, sol_socket, so_peek_off, v) == -eopnotsupp);
    CHECK(get_int(s, r, sol_socket, so_reuseaddr, v) == 0);
    CHECK(v == 1);
    CHECK(get_int(s, r, sol_raw, icmp_filter_opt, v) == 0);
    CHECK(v == 0);
    for (int fd : {t, u, r}) {
        CHECK(get_int(s, fd, sol_ip, ip_ttl, v) == 0);
        CHECK(v == 64);
        CHECK(get_int(s, fd, sol_ip, ip_mtu_discover, v) == 0);
        CHECK(v == 1);
        CHECK(get_int(s, fd, sol_ip, ip_mtu, v) == -enotconn);
        CHECK(get_int(s, fd, sol_socket, so_passcred, v) == -eopnotsupp);
        CHECK(get_int(s, fd, 99, 1, v) == -eopnotsupp);
        CHECK(set_int(s, fd, 99, 1, 1) == -enoprotoopt);
    }
    CHECK(get_int(s, t, sol_socket, so_txrehash, v) == 0);
    CHECK(get_int(s, u, sol_socket, so_txrehash, v) == -eopnotsupp);

    tcp_info_t ti{};
    socklen_t l = sizeof(ti) + 20;
    CHECK(s.getsockopt(t, sol_tcp, tcp_info, &ti, &l) == 0);
    CHECK(l == 280);
    CHECK(ti.tcpi_state == 7);
    CHECK(ti.tcpi_rto == 1000000);
    CHECK(ti.tcpi_rttvar == 250000);
    CHECK(ti.tcpi_snd_cwnd == 10);
    CHECK(ti.tcpi_snd_ssthresh == 2147483647u);
    CHECK(ti.tcpi_min_rtt == 4294967295u);
    CHECK(ti.tcpi_pacing_rate == ~0ULL);
}

TEST_CASE("stack: SOL_SOCKET reaches UDP's own setsockopt (SOCK_CUSTOM_SOCKOPT)") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    CHECK(set_int(s, u, sol_socket, so_rcvbuf, 100000) == 0);
    int v = 0;
    CHECK(get_int(s, u, sol_socket, so_rcvbuf, v) == 0);
    CHECK(v == 200000);
    const udp_sock& up = *udp_sk(s.socket_of(u)->sk);
    CHECK(up.forward_threshold == 50000);
    CHECK(set_int(s, u, sol_udp, udp_segment, 1400) == 0);
    CHECK(get_int(s, u, sol_udp, udp_segment, v) == 0);
    CHECK(v == 1400);
}

TEST_CASE("stack: options as an unprivileged task") {
    default_stack s;
    s.current().cred = cred::user(65534, 65534);
    const int t = s.socket(pf_inet, sock_stream, 0);
    REQUIRE(t >= 0);
    CHECK(set_int(s, t, sol_socket, so_priority, 6) == 0);
    CHECK(set_int(s, t, sol_socket, so_priority, 7) == -eperm);
    CHECK(set_int(s, t, sol_socket, so_mark, 1) == -eperm);
    CHECK(set_int(s, t, sol_socket, so_debug, 1) == -eacces);
    CHECK(set_int(s, t, sol_socket, so_rcvbufforce, 1) == -eperm);
    CHECK(set_int(s, t, sol_ip, ip_transparent, 1) == -eperm);
    CHECK(set_int(s, t, sol_socket, so_keepalive, 1) == 0);
}

TEST_CASE("stack: optlen above INT_MAX is a negative length") {
    default_stack s;
    const int u = s.socket(pf_inet, sock_dgram, 0);
    REQUIRE(u >= 0);
    int v = 1;
    CHECK(s.setsockopt(u, sol_socket, so_keepalive, &v, static_cast<socklen_t>(-1)) == -einval);
    socklen_t l = static_cast<socklen_t>(-1);
    CHECK(s.getsockopt(u, sol_socket, so_type, &v, &l) == -einval);
}
