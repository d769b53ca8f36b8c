// SOL_IP options (ksock/inet/ip/ip_sockglue.hpp), through TCP, UDP and raw
// sockets as Linux reaches them. Expected values: a Linux 6.18 host.
#include <doctest/doctest.h>

#include "support/sockopt_fixture.hpp"

using namespace ksock;
using namespace ksock::inet;
using namespace sockopt_test;

TEST_CASE_TEMPLATE("ip_getsockopt: fresh values", F, tcp, udp) {
    F f;
    CHECK(geti(f, sol_ip, ip_ttl) == ok(64)); // uc_ttl -1: net.ipv4.ip_default_ttl
    CHECK(geti(f, sol_ip, ip_tos) == ok(0));
    CHECK(geti(f, sol_ip, ip_multicast_ttl) == ok(1));
    CHECK(geti(f, sol_ip, ip_multicast_loop) == ok(1));
    CHECK(geti(f, sol_ip, ip_multicast_all) == ok(1));
    CHECK(geti(f, sol_ip, ip_hdrincl) == ok(0));
    CHECK(geti(f, sol_ip, ip_mtu_discover) == ok(ip_pmtudisc_want));
    CHECK(geti(f, sol_ip, ip_mtu) == err(enotconn));
    CHECK(geti(f, sol_ip, ip_recverr) == ok(0));
    CHECK(geti(f, sol_ip, 9999) == err(enoprotoopt));
    // A foreign level: EOPNOTSUPP to get, ENOPROTOOPT to set.
    CHECK(geti(f, 99, ip_ttl) == err(eopnotsupp));
    CHECK(set_int(f, 99, ip_ttl, 5) == -enoprotoopt);
    CHECK(set_int(f, sol_ip, 9999, 5) == -enoprotoopt);
    CHECK(f.set(sol_ip, 9999, nullptr, 0) == -enoprotoopt);
    CHECK(set_int(f, sol_ip, ip_mtu, 1000) == -enoprotoopt); // read-only
}

TEST_CASE("ip_getsockopt: raw sockets") {
    raw r1(ipproto_icmp);
    raw r255(ipproto_raw);
    CHECK(geti(r1, sol_ip, ip_hdrincl) == ok(0));
    CHECK(geti(r255, sol_ip, ip_hdrincl) == ok(1)); // IPPROTO_RAW implies HDRINCL
    CHECK(geti(r1, sol_ip, ip_ttl) == ok(64));
    CHECK(geti(r1, 99, ip_ttl) == err(eopnotsupp));
    CHECK(set_int(r1, 99, ip_ttl, 5) == -enoprotoopt);
}

TEST_CASE_TEMPLATE("ip_setsockopt: IP_TTL", F, tcp, udp) {
    F f;
    CHECK(set_int(f, sol_ip, ip_ttl, 0) == -einval);
    CHECK(set_int(f, sol_ip, ip_ttl, 256) == -einval);
    CHECK(set_int(f, sol_ip, ip_ttl, -2) == -einval);
    CHECK(geti(f, sol_ip, ip_ttl) == ok(64));
    CHECK(set_int(f, sol_ip, ip_ttl, 200) == 0);
    CHECK(geti(f, sol_ip, ip_ttl) == ok(200));
    CHECK(set_int(f, sol_ip, ip_ttl, -1) == 0); // back to the sysctl
    CHECK(geti(f, sol_ip, ip_ttl) == ok(64));
    f.ctx.v4.sysctl.ip_default_ttl = 99;
    CHECK(geti(f, sol_ip, ip_ttl) == ok(99));
    CHECK(set_int(f, sol_ip, ip_ttl, 255) == 0);
    CHECK(set_int(f, sol_ip, ip_ttl, 1) == 0);
    CHECK(geti(f, sol_ip, ip_ttl) == ok(1));
}

TEST_CASE_TEMPLATE("ip_setsockopt: the one-byte rule of the small int options", F, tcp, udp) {
    F f;
    unsigned char c = 77;
    CHECK(f.set(sol_ip, ip_ttl, &c, 1) == 0);
    CHECK(geti(f, sol_ip, ip_ttl) == ok(77));
    c = 200;
    CHECK(f.set(sol_ip, ip_ttl, &c, 3) == 0); // 1..3 bytes: one unsigned char
    CHECK(geti(f, sol_ip, ip_ttl) == ok(200));
    c = 0;
    CHECK(f.set(sol_ip, ip_ttl, &c, 1) == -einval);
    CHECK(f.set(sol_ip, ip_ttl, &c, 0) == -einval); // optlen 0 reads as 0 ...
    CHECK(f.set(sol_ip, ip_ttl, nullptr, 0) == -einval);
    CHECK(f.set(sol_ip, ip_ttl, nullptr, 4) == -efault);
    const int big = 0x12345678; // more than 4 bytes: still one int
    CHECK(f.set(sol_ip, ip_ttl, &big, 8) == -einval);

    CHECK(f.set(sol_ip, ip_tos, nullptr, 0) == 0); // ... which IP_TOS takes as 0
    c = 0x20;
    CHECK(f.set(sol_ip, ip_tos, &c, 1) == 0);
    CHECK(geti(f, sol_ip, ip_tos) == ok(0x20));
    CHECK(f.set(sol_ip, ip_mtu_discover, &c, 0) == 0);
    CHECK(geti(f, sol_ip, ip_mtu_discover) == ok(0));
    for (int opt : {ip_multicast_loop, ip_multicast_all, ip_multicast_ttl, ip_freebind})
        CHECK(f.set(sol_ip, opt, &c, 0) == -einval);
    CHECK(f.set(sol_ip, ip_local_port_range, &c, 1) == -einval);
}

TEST_CASE_TEMPLATE("ip_getsockopt: short buffers get one byte", F, tcp, udp) {
    F f;
    CHECK(set_int(f, sol_ip, ip_ttl, 100) == 0);
    for (int gl : {-1, 0, 1, 2, 3, 4, 5}) {
        CAPTURE(gl);
        unsigned char b[8];
        std::memset(b, 0xAA, sizeof(b));
        socklen_t l = static_cast<socklen_t>(gl);
        const int rc = f.get(sol_ip, ip_ttl, b, &l);
        if (gl < 0) {
            CHECK(rc == -einval);
            continue;
        }
        CHECK(rc == 0);
        const int expect_len = gl == 0 ? 0 : gl < 4 ? 1 : 4;
        CHECK(static_cast<int>(l) == expect_len);
        CHECK(b[0] == (gl == 0 ? 0xAA : 100));
        CHECK(b[1] == (gl >= 4 ? 0 : 0xAA));
        CHECK(b[4] == 0xAA);
    }
    // A value that does not fit a byte is the int cut to the buffer.
    CHECK(f.set(sol_ip, ip_local_port_range, "\x10\x00\x20\x00", 4) == 0);
    unsigned char b[4] = {0xAA, 0xAA, 0xAA, 0xAA};
    socklen_t l = 2;
    CHECK(f.get(sol_ip, ip_local_port_range, b, &l) == 0);
    CHECK(l == 2);
    CHECK(b[0] == 0x10);
    CHECK(b[2] == 0xAA);
    // Errors before the length is used.
    l = static_cast<socklen_t>(-1);
    CHECK(f.get(sol_ip, 9999, b, &l) == -einval);
    l = static_cast<socklen_t>(-1);
    CHECK(f.get(99, 9999, b, &l) == -eopnotsupp); // the level is checked first
    CHECK(f.get(99, ip_ttl, b, nullptr) == -eopnotsupp);
    CHECK(f.get(sol_ip, ip_ttl, b, nullptr) == -efault);
    l = 4;
    CHECK(f.get(sol_ip, ip_ttl, nullptr, &l) == -efault);
    l = 0;
    CHECK(f.get(sol_ip, ip_ttl, nullptr, &l) == 0);
}

TEST_CASE("ip_setsockopt: IP_TOS keeps TCP's ECN bits and sets SO_PRIORITY") {
    tcp t;
    udp u;
    CHECK(set_int(t, sol_ip, ip_tos, 0x13) == 0);
    CHECK(geti(t, sol_ip, ip_tos) == ok(0x10));
    CHECK(set_int(u, sol_ip, ip_tos, 0x13) == 0);
    CHECK(geti(u, sol_ip, ip_tos) == ok(0x13));
    CHECK(geti(u, sol_socket, so_priority) == ok(6)); // TC_PRIO_INTERACTIVE
    struct row {
        int tos, udp_tos, tcp_tos, prio;
    };
    const row rows[] = {{0x1ff, 255, 252, 4}, {8, 8, 8, 2}, {-1, 255, 252, 4}, {4, 4, 4, 0}};
    for (const row& r : rows) {
        CAPTURE(r.tos);
        CHECK(set_int(t, sol_ip, ip_tos, r.tos) == 0);
        CHECK(set_int(u, sol_ip, ip_tos, r.tos) == 0);
        CHECK(geti(t, sol_ip, ip_tos) == ok(r.tcp_tos));
        CHECK(geti(u, sol_ip, ip_tos) == ok(r.udp_tos));
        CHECK(geti(u, sol_socket, so_priority) == ok(r.prio));
        CHECK(geti(t, sol_socket, so_priority) == ok(r.prio));
    }
    // Priority only follows a *change* of TOS.
    CHECK(set_int(u, sol_socket, so_priority, 9) == 0);
    CHECK(set_int(u, sol_ip, ip_tos, 4) == 0);
    CHECK(geti(u, sol_socket, so_priority) == ok(9));
}

TEST_CASE("ip_setsockopt: multicast options") {
    tcp t;
    udp u;
    raw r(ipproto_icmp);
    for (int v : {-1, 0, 7, 256})
        CHECK(set_int(t, sol_ip, ip_multicast_ttl, v) == -einval); // never on TCP
    CHECK(set_int(u, sol_ip, ip_multicast_ttl, 256) == -einval);
    CHECK(set_int(u, sol_ip, ip_multicast_ttl, -2) == -einval);
    CHECK(set_int(u, sol_ip, ip_multicast_ttl, 0) == 0);
    CHECK(geti(u, sol_ip, ip_multicast_ttl) == ok(0));
    CHECK(set_int(u, sol_ip, ip_multicast_ttl, -1) == 0); // -1 is the default, 1
    CHECK(geti(u, sol_ip, ip_multicast_ttl) == ok(1));
    CHECK(set_int(r, sol_ip, ip_multicast_ttl, 7) == 0);
    CHECK(geti(r, sol_ip, ip_multicast_ttl) == ok(7));

    CHECK(set_int(t, sol_ip, ip_multicast_loop, 0) == 0);
    CHECK(geti(t, sol_ip, ip_multicast_loop) == ok(0));
    CHECK(set_int(t, sol_ip, ip_multicast_loop, 5) == 0);
    CHECK(geti(t, sol_ip, ip_multicast_loop) == ok(1));

    CHECK(set_int(u, sol_ip, ip_multicast_all, 2) == -einval);
    CHECK(set_int(u, sol_ip, ip_multicast_all, -1) == -einval);
    CHECK(set_int(u, sol_ip, ip_multicast_all, 0) == 0);
    CHECK(geti(u, sol_ip, ip_multicast_all) == ok(0));
}

TEST_CASE("ip_setsockopt: IP_HDRINCL and IP_NODEFRAG are raw-only") {
    tcp t;
    udp u;
    raw r(ipproto_icmp);
    for (int v : {0, 1, 3}) {
        CHECK(set_int(t, sol_ip, ip_hdrincl, v) == -enoprotoopt);
        CHECK(set_int(u, sol_ip, ip_hdrincl, v) == -enoprotoopt);
        CHECK(set_int(r, sol_ip, ip_hdrincl, v) == 0);
        CHECK(geti(r, sol_ip, ip_hdrincl) == ok(v ? 1 : 0));
    }
    CHECK(r.set(sol_ip, ip_hdrincl, nullptr, 0) == 0);
    CHECK(set_int(u, sol_ip, ip_nodefrag, 1) == -enoprotoopt);
    CHECK(set_int(r, sol_ip, ip_nodefrag, 1) == 0);
    CHECK(geti(r, sol_ip, ip_nodefrag) == ok(1));
}

TEST_CASE_TEMPLATE("ip_setsockopt: IP_MTU_DISCOVER", F, tcp, udp) {
    F f;
    CHECK(set_int(f, sol_ip, ip_mtu_discover, 6) == -einval);
    CHECK(set_int(f, sol_ip, ip_mtu_discover, -1) == -einval);
    CHECK(geti(f, sol_ip, ip_mtu_discover) == ok(1));
    for (int v = ip_pmtudisc_dont; v <= ip_pmtudisc_omit; ++v) {
        CHECK(set_int(f, sol_ip, ip_mtu_discover, v) == 0);
        CHECK(geti(f, sol_ip, ip_mtu_discover) == ok(v));
    }
}

TEST_CASE_TEMPLATE("ip_setsockopt: flag options", F, tcp, udp) {
    F f;
    for (int opt : {ip_pktinfo, ip_recvttl, ip_recvtos, ip_retopts, ip_recvopts, ip_recverr,
                    ip_freebind, ip_transparent, ip_bind_address_no_port}) {
        CAPTURE(opt);
        CHECK(geti(f, sol_ip, opt) == ok(0));
        CHECK(set_int(f, sol_ip, opt, 3) == 0);
        CHECK(geti(f, sol_ip, opt) == ok(1));
    }
    CHECK(set_int(f, sol_ip, ip_transparent, 1, nobody) == -eperm);
    CHECK(set_int(f, sol_ip, ip_transparent, 0, nobody) == 0);
    CHECK(f.set(sol_ip, ip_transparent, nullptr, 0) == -einval);
    CHECK(set_int(f, sol_ip, ip_recverr_rfc4884, 2) == -einval);
    CHECK(set_int(f, sol_ip, ip_recverr_rfc4884, 1) == 0);
    CHECK(geti(f, sol_ip, ip_recverr_rfc4884) == ok(1));
    CHECK(set_int(f, sol_ip, ip_minttl, 300) == -einval);
    CHECK(set_int(f, sol_ip, ip_minttl, 30) == 0);
    CHECK(geti(f, sol_ip, ip_minttl) == ok(30));
    CHECK(set_int(f, sol_ip, ip_local_port_range, 0x00100020) == -einval); // lo > hi
    CHECK(set_int(f, sol_ip, ip_local_port_range, 0x00200010) == 0);
    CHECK(geti(f, sol_ip, ip_local_port_range) == ok(0x00200010));
}
