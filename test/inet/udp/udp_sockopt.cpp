// SOL_UDP / SOL_UDPLITE options and UDP's custom SOL_SOCKET path
// (ksock/inet/udp/udp_sockopt.hpp). Expected values: a Linux 6.18 host.
#include <doctest/doctest.h>

#include "support/sockopt_fixture.hpp"

using namespace ksock;
using namespace ksock::inet;
using namespace sockopt_test;

TEST_CASE("udp_getsockopt: fresh values") {
    udp u;
    for (int opt : {udp_cork, udp_encap, udp_segment, udp_gro, udp_no_check6_tx, udp_no_check6_rx,
                    udplite_send_cscov, udplite_recv_cscov})
        CHECK(geti(u, sol_udp, opt) == ok(0));
    CHECK(geti(u, sol_udplite, udp_cork) == ok(0)); // both levels reach UDP
    CHECK(geti(u, sol_udp, 9999) == err(enoprotoopt));
    CHECK(set_int(u, sol_udp, 9999, 1) == -enoprotoopt);
    CHECK(geti(u, sol_ip, ip_ttl) == ok(64)); // other levels go to IP
    CHECK(set_int(u, sol_ip, ip_ttl, 9) == 0);
    CHECK(geti(u, sol_ip, ip_ttl) == ok(9));
}

TEST_CASE("udp_setsockopt: UDP options") {
    udp u;
    CHECK(set_int(u, sol_udp, udp_cork, 5) == 0);
    CHECK(geti(u, sol_udp, udp_cork) == ok(1));
    CHECK(set_int(u, sol_udp, udp_cork, 0) == 0);
    CHECK(geti(u, sol_udp, udp_cork) == ok(0));

    // UDP_ENCAP: 0, ESP-in-UDP and L2TP; everything else ENOPROTOOPT.
    for (int e = -1; e <= 8; ++e) {
        CAPTURE(e);
        const bool known = e == 0 || e == 2 || e == 3;
        CHECK(set_int(u, sol_udp, udp_encap, e) == (known ? 0 : -enoprotoopt));
        if (known)
            CHECK(geti(u, sol_udp, udp_encap) == ok(e));
    }
    CHECK(geti(u, sol_udp, udp_encap) == ok(3)); // the last good one
    CHECK(udp_test_bit(u.up, udp_flags_encap_enabled));

    CHECK(set_int(u, sol_udp, udp_segment, 65536) == -einval);
    CHECK(set_int(u, sol_udp, udp_segment, -1) == -einval);
    CHECK(set_int(u, sol_udp, udp_segment, 65535) == 0);
    CHECK(geti(u, sol_udp, udp_segment) == ok(65535));
    CHECK(set_int(u, sol_udp, udp_segment, 1400) == 0);
    CHECK(geti(u, sol_udp, udp_segment) == ok(1400));

    CHECK(set_int(u, sol_udp, udp_gro, 3) == 0);
    CHECK(geti(u, sol_udp, udp_gro) == ok(1));
    CHECK(udp_test_bit(u.up, udp_flags_accept_l4));
    CHECK(set_int(u, sol_udp, udp_gro, 0) == 0);
    CHECK(geti(u, sol_udp, udp_gro) == ok(0));

    CHECK(set_int(u, sol_udp, udp_no_check6_tx, 2) == 0);
    CHECK(geti(u, sol_udp, udp_no_check6_tx) == ok(1));
    CHECK(set_int(u, sol_udp, udp_no_check6_rx, 1) == 0);
    CHECK(geti(u, sol_udp, udp_no_check6_rx) == ok(1));

    // UDP-Lite coverage is not an option of plain UDP.
    CHECK(set_int(u, sol_udp, udplite_send_cscov, 20) == -enoprotoopt);
    CHECK(set_int(u, sol_udp, udplite_recv_cscov, 20) == -enoprotoopt);
    CHECK(set_int(u, sol_udplite, udp_cork, 1) == 0);
    CHECK(geti(u, sol_udp, udp_cork) == ok(1));
}

TEST_CASE("udp_setsockopt: lengths and pointers") {
    udp u;
    int v = 1;
    CHECK(u.set(sol_udp, udp_cork, &v, 3) == -einval);
    CHECK(u.set(sol_udp, 9999, &v, 3) == -einval);
    CHECK(u.set(sol_udp, udp_cork, nullptr, 4) == -efault);
    CHECK(set_int(u, sol_udp, udp_segment, 1400) == 0);
    for (int gl : {-1, 0, 1, 2, 3, 4, 5}) {
        CAPTURE(gl);
        unsigned char b[8];
        std::memset(b, 0xAA, sizeof(b));
        socklen_t l = static_cast<socklen_t>(gl);
        const int rc = u.get(sol_udp, udp_segment, b, &l);
        if (gl < 0) {
            CHECK(rc == -einval);
            continue;
        }
        CHECK(rc == 0);
        CHECK(static_cast<int>(l) == (gl < 4 ? gl : 4));
        CHECK(b[0] == (gl ? 0x78 : 0xAA)); // 1400 = 0x578
        CHECK(b[4] == 0xAA);
    }
    socklen_t l = static_cast<socklen_t>(-1);
    unsigned char b[4];
    CHECK(u.get(sol_udp, 9999, b, &l) == -einval);
}

TEST_CASE("udp_setsockopt: UDP-Lite checksum coverage") {
    udp ul(ipproto_udplite);
    CHECK(set_int(ul, sol_udplite, udplite_send_cscov, 5) == 0);
    CHECK(geti(ul, sol_udplite, udplite_send_cscov) == ok(8));
    CHECK(set_int(ul, sol_udplite, udplite_send_cscov, 100000) == 0);
    CHECK(geti(ul, sol_udplite, udplite_send_cscov) == ok(65535));
    CHECK(set_int(ul, sol_udp, udplite_recv_cscov, 9) == 0);
    CHECK(geti(ul, sol_udp, udplite_recv_cscov) == ok(9));
    CHECK(set_int(ul, sol_udp, udplite_recv_cscov, 0) == 0);
    CHECK(geti(ul, sol_udp, udplite_recv_cscov) == ok(0));
    CHECK(udp_test_bit(ul.up, udp_flags_udplite_send_cc));
    CHECK(udp_test_bit(ul.up, udp_flags_udplite_recv_cc));
}

TEST_CASE("udp_setsockopt: SOL_SOCKET through UDP refreshes forward_threshold") {
    udp u;
    CHECK(u.up.forward_threshold == 53248);
    CHECK(set_int(u, sol_socket, so_rcvbuf, 100000) == 0);
    CHECK(u.up.forward_threshold == 50000);
    // Even a failed SO_RCVBUFFORCE re-derives it (from the unchanged buffer).
    u.up.forward_threshold = 1;
    CHECK(set_int(u, sol_socket, so_rcvbufforce, 1 << 20, nobody) == -eperm);
    CHECK(u.up.forward_threshold == 50000);
    // Other options leave it alone.
    u.up.forward_threshold = 1;
    CHECK(set_int(u, sol_socket, so_sndbuf, 100000) == 0);
    CHECK(u.up.forward_threshold == 1);
}
