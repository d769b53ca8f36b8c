// SOL_TCP options and TCP_INFO (ksock/inet/tcp/tcp_sockopt.hpp). Expected
// values: a Linux 6.18 host (default congestion control bbr, allowed
// list "reno bbr").
#include <cstddef>
#include <string>

#include <doctest/doctest.h>

#include "support/sockopt_fixture.hpp"

using namespace ksock;
using namespace ksock::inet;
using namespace sockopt_test;

TEST_CASE("tcp_getsockopt: fresh values") {
    tcp t;
    CHECK(geti(t, sol_tcp, tcp_maxseg) == ok(536));
    CHECK(geti(t, sol_tcp, tcp_nodelay) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_cork) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_keepidle) == ok(7200));
    CHECK(geti(t, sol_tcp, tcp_keepintvl) == ok(75));
    CHECK(geti(t, sol_tcp, tcp_keepcnt) == ok(9));
    CHECK(geti(t, sol_tcp, tcp_syncnt) == ok(6));
    CHECK(geti(t, sol_tcp, tcp_linger2) == ok(60));
    CHECK(geti(t, sol_tcp, tcp_quickack) == ok(1));
    CHECK(geti(t, sol_tcp, tcp_defer_accept) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_window_clamp) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_user_timeout) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_repair) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_is_mptcp) == ok(0));
    CHECK(geti(t, sol_tcp, tcp_rto_max_ms) == ok(120000));
    CHECK(geti(t, sol_tcp, tcp_rto_min_us) == ok(200000));
    CHECK(geti(t, sol_tcp, 9999) == err(enoprotoopt));
    CHECK(set_int(t, sol_tcp, 9999, 1) == -enoprotoopt);
    // Other levels go to IP.
    CHECK(geti(t, sol_ip, ip_ttl) == ok(64));
    CHECK(geti(t, 99, 1) == err(eopnotsupp));
}

TEST_CASE("tcp_getsockopt: TCP_INFO of a fresh socket") {
    tcp t;
    unsigned char raw_info[400];
    std::memset(raw_info, 0xAA, sizeof(raw_info));
    socklen_t l = sizeof(raw_info);
    REQUIRE(t.get(sol_tcp, tcp_info, raw_info, &l) == 0);
    CHECK(l == 280);
    CHECK(raw_info[280] == 0xAA);
    tcp_info_t ti;
    std::memcpy(&ti, raw_info, sizeof(ti));
    CHECK(ti.tcpi_state == 7);
    CHECK(ti.tcpi_ca_state == 0);
    CHECK(ti.tcpi_options == 0);
    CHECK(raw_info[6] == 0x00); // wscales
    CHECK(raw_info[7] == 0x01); // delivery_rate_app_limited
    CHECK(ti.tcpi_rto == 1000000);
    CHECK(ti.tcpi_ato == 0);
    CHECK(ti.tcpi_snd_mss == 536);
    CHECK(ti.tcpi_rcv_mss == 0);
    CHECK(ti.tcpi_pmtu == 0);
    CHECK(ti.tcpi_rcv_ssthresh == 0);
    CHECK(ti.tcpi_rtt == 0);
    CHECK(ti.tcpi_rttvar == 250000);
    CHECK(ti.tcpi_snd_ssthresh == 2147483647u);
    CHECK(ti.tcpi_snd_cwnd == 10);
    CHECK(ti.tcpi_advmss == 0);
    CHECK(ti.tcpi_reordering == 3);
    CHECK(ti.tcpi_pacing_rate == ~0ULL);
    CHECK(ti.tcpi_max_pacing_rate == ~0ULL);
    CHECK(ti.tcpi_min_rtt == 4294967295u);
    CHECK(ti.tcpi_snd_wnd == 0);
    CHECK(ti.tcpi_rcv_wnd == 0);
    // (The host reports tcpi_last_data_sent etc. as the time since boot;
    // ksock has no clock and reports 0.)
    CHECK(ti.tcpi_last_data_sent == 0);
    // Everything from byte 248 on (the 6.18 AccECN counters) is 0.
    for (std::size_t i = offsetof(tcp_info_t, tcpi_received_ce); i < 280; ++i)
        CHECK(raw_info[i] == 0);

    // Truncated to the caller's length, which is not clamped to an int.
    std::memset(raw_info, 0xAA, sizeof(raw_info));
    l = 10;
    CHECK(t.get(sol_tcp, tcp_info, raw_info, &l) == 0);
    CHECK(l == 10);
    CHECK(raw_info[9] == 0x42); // low byte of tcpi_rto 1000000 (0x0f4240)
    CHECK(raw_info[10] == 0xAA);
    l = 0;
    CHECK(t.get(sol_tcp, tcp_info, raw_info, &l) == 0);
    CHECK(l == 0);
    l = static_cast<socklen_t>(-1);
    CHECK(t.get(sol_tcp, tcp_info, raw_info, &l) == -einval);
}

TEST_CASE("tcp_get_info: a listener reports only the backlog fields") {
    tcp t;
    t.sk.sk_state() = tcp_listen;
    t.sk.sk_max_ack_backlog = 7;
    tcp_info_t ti;
    tcp_get_info(t.sk, ti);
    CHECK(ti.tcpi_state == 10);
    CHECK(ti.tcpi_unacked == 0);
    CHECK(ti.tcpi_sacked == 7);
    CHECK(ti.tcpi_snd_cwnd == 10);
    CHECK(ti.tcpi_reordering == 3);
    CHECK(ti.tcpi_rto == 0);
    CHECK(ti.tcpi_rttvar == 0);
    CHECK(ti.tcpi_snd_ssthresh == 0);
    CHECK(ti.tcpi_min_rtt == 0);
    CHECK(int{ti.tcpi_delivery_rate_app_limited} == 0);
}

TEST_CASE("tcp_get_info: connection fields map from tcp_sock") {
    tcp t;
    t.sk.sk_state() = tcp_established;
    t.tp.srtt_us = 8 * 1234;
    t.tp.mdev_us = 4 * 56;
    t.tp.rtt_min.s[0].v = 999;
    t.tp.write_seq = 1000;
    t.tp.snd_nxt = 900;
    t.tp.inet_conn.icsk_ack.ato = hz; // capped by tcp_delack_max (rto_min - 1)
    t.tp.snd_wnd = 65535;
    t.tp.rcv_wnd = 64240;
    t.tp.ecn_flags = tcp_ecn_ok;
    tcp_info_t ti;
    tcp_get_info(t.sk, ti);
    CHECK(ti.tcpi_state == 1);
    CHECK(ti.tcpi_rtt == 1234);
    CHECK(ti.tcpi_rttvar == 56);
    CHECK(ti.tcpi_min_rtt == 999);
    CHECK(ti.tcpi_notsent_bytes == 100);
    CHECK(ti.tcpi_ato == (tcp_rto_min - 1) * (1000000 / hz));
    CHECK(ti.tcpi_snd_wnd == 65535);
    CHECK(ti.tcpi_rcv_wnd == 64240);
    CHECK(ti.tcpi_options == tcpi_opt_ecn);
}

TEST_CASE("tcp_setsockopt: option lengths") {
    tcp t;
    int v = 1;
    for (socklen_t n = 0; n < 4; ++n)
        CHECK(t.set(sol_tcp, tcp_nodelay, &v, n) == -einval);
    CHECK(t.set(sol_tcp, tcp_nodelay, &v, 4) == 0);
    CHECK(t.set(sol_tcp, 9999, &v, 2) == -einval);
    CHECK(t.set(sol_tcp, tcp_nodelay, nullptr, 4) == -efault);
    for (int gl : {-1, 0, 1, 2, 3, 4, 5}) {
        CAPTURE(gl);
        unsigned char b[8];
        std::memset(b, 0xAA, sizeof(b));
        socklen_t l = static_cast<socklen_t>(gl);
        const int rc = t.get(sol_tcp, tcp_maxseg, b, &l);
        if (gl < 0) {
            CHECK(rc == -einval);
            continue;
        }
        CHECK(rc == 0);
        CHECK(static_cast<int>(l) == (gl < 4 ? gl : 4)); // no one-byte rule here
        CHECK(b[0] == (gl ? 0x18 : 0xAA));               // 536 = 0x218
        CHECK(b[4] == 0xAA);
    }
    socklen_t l = static_cast<socklen_t>(-1);
    unsigned char b[4];
    CHECK(t.get(sol_tcp, 9999, b, &l) == -einval);
}

TEST_CASE("tcp_setsockopt: TCP_CONGESTION") {
    tcp t;
    auto name = [&](int len = 16) {
        char buf[32];
        std::memset(buf, 'X', sizeof(buf));
        socklen_t l = static_cast<socklen_t>(len);
        REQUIRE(t.get(sol_tcp, tcp_congestion, buf, &l) == 0);
        CHECK(static_cast<int>(l) == (len < 16 ? len : 16));
        return std::string(buf, l);
    };
    auto set = [&](const char* n, socklen_t l, const cred& c = root) {
        return t.set(sol_tcp, tcp_congestion, n, l, c);
    };
    CHECK(name(32) == std::string("bbr\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
    CHECK(name(2) == "bb");
    socklen_t l = static_cast<socklen_t>(-1);
    char buf[4];
    CHECK(t.get(sol_tcp, tcp_congestion, buf, &l) == -einval);

    CHECK(set("cubic", 5) == 0);
    CHECK(name().c_str() == std::string("cubic"));
    CHECK(set("reno", 4) == 0);
    CHECK(set("nonexistent", 11) == -enoent);
    CHECK(set("", 0) == -einval);
    CHECK(set("cubicXXXXXXXXXXXXXXXX", 21) == -enoent); // cut at 15 characters
    CHECK(set("renoXYZ", 4) == 0);
    CHECK(set("cub\0ic", 6) == -enoent); // cut at the NUL
    CHECK(name().c_str() == std::string("reno"));
    CHECK(set(nullptr, 4) == -efault);

    // Unprivileged: only the allowed algorithms (reno and the default).
    tcp u; // the host: default bbr, allowed "reno bbr"
    CHECK(u.set(sol_tcp, tcp_congestion, "reno", 4, nobody) == 0);
    CHECK(u.set(sol_tcp, tcp_congestion, "bbr", 3, nobody) == 0);
    CHECK(u.set(sol_tcp, tcp_congestion, "bbr", 3, nobody) == 0); // unchanged: fine
    // cubic is neither non-restricted nor the default here: EPERM, as on the host.
    CHECK(u.set(sol_tcp, tcp_congestion, "cubic", 5, nobody) == -eperm);

    tcp c; // Linux's own default: cubic, allowed "reno cubic"
    c.ctx.v4.set_tcp_congestion_control("cubic");
    c.tp.inet_conn.icsk_ca_ops = &tcp_cubic; // as tcp_init_sock would pick
    CHECK(c.set(sol_tcp, tcp_congestion, "bbr", 3, nobody) == -eperm);
    CHECK(name().c_str() == std::string("reno"));
    CHECK(c.set(sol_tcp, tcp_congestion, "bbr", 3) == 0); // CAP_NET_ADMIN
    cred admin = nobody;
    admin.raise(cap_net_admin);
    CHECK(c.set(sol_tcp, tcp_congestion, "reno", 4, nobody) == 0);
    CHECK(c.set(sol_tcp, tcp_congestion, "bbr", 3, admin) == 0);
    CHECK(c.tp.inet_conn.icsk_ca_ops == &tcp_bbr);
}

TEST_CASE("tcp_setsockopt: TCP_MAXSEG") {
    tcp t;
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 50) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 87) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 88) == 0);
    CHECK(geti(t, sol_tcp, tcp_maxseg) == ok(88));
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 32767) == 0);
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 32768) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_maxseg, -1) == -einval);
    CHECK(geti(t, sol_tcp, tcp_maxseg) == ok(32767));
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 0) == 0);
    CHECK(geti(t, sol_tcp, tcp_maxseg) == ok(536));
    t.sk.sk_state() = tcp_listen;
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 1) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_maxseg, 1000) == 0);
    CHECK(geti(t, sol_tcp, tcp_maxseg) == ok(1000));
    t.sk.sk_state() = tcp_established; // connected: the real MSS
    CHECK(geti(t, sol_tcp, tcp_maxseg) == ok(536));
}

TEST_CASE("tcp_setsockopt: TCP_NODELAY and TCP_CORK") {
    tcp t;
    CHECK(set_int(t, sol_tcp, tcp_nodelay, 5) == 0);
    CHECK(geti(t, sol_tcp, tcp_nodelay) == ok(1));
    CHECK(set_int(t, sol_tcp, tcp_nodelay, 0) == 0);
    CHECK(geti(t, sol_tcp, tcp_nodelay) == ok(0));
    CHECK(set_int(t, sol_tcp, tcp_cork, 7) == 0);
    CHECK(geti(t, sol_tcp, tcp_cork) == ok(1));
    CHECK(set_int(t, sol_tcp, tcp_nodelay, 1) == 0);
    CHECK(geti(t, sol_tcp, tcp_nodelay) == ok(1));
    CHECK(geti(t, sol_tcp, tcp_cork) == ok(1));
    CHECK(set_int(t, sol_tcp, tcp_cork, 0) == 0);
    CHECK(geti(t, sol_tcp, tcp_cork) == ok(0));
    CHECK((t.tp.nonagle & tcp_nagle_push) != 0);
}

TEST_CASE("tcp_setsockopt: keepalive, SYN and FIN_WAIT2 timers") {
    tcp t;
    struct row {
        int opt, bad1, bad2, good;
    };
    const row rows[] = {{tcp_keepidle, 0, 32768, 32767},
                        {tcp_keepintvl, 0, 32768, 5},
                        {tcp_keepcnt, 0, 128, 127},
                        {tcp_syncnt, 0, 128, 127}};
    for (const row& r : rows) {
        CAPTURE(r.opt);
        const got before = geti(t, sol_tcp, r.opt);
        CHECK(set_int(t, sol_tcp, r.opt, r.bad1) == -einval);
        CHECK(set_int(t, sol_tcp, r.opt, r.bad2) == -einval);
        CHECK(geti(t, sol_tcp, r.opt) == before);
        CHECK(set_int(t, sol_tcp, r.opt, r.good) == 0);
        CHECK(geti(t, sol_tcp, r.opt) == ok(r.good));
    }
    CHECK(t.tp.keepalive_time == 32767u * hz); // jiffies

    // TCP_LINGER2: negative is -1, large is clamped to 120 s, 0 the sysctl.
    const int in[] = {-1, -7, 1000, 120, 5, 0};
    const int out[] = {-1, -1, 120, 120, 5, 60};
    for (int i = 0; i < 6; ++i) {
        CHECK(set_int(t, sol_tcp, tcp_linger2, in[i]) == 0);
        CHECK(geti(t, sol_tcp, tcp_linger2) == ok(out[i]));
    }

    CHECK(set_int(t, sol_tcp, tcp_user_timeout, -1) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_user_timeout, 5000) == 0);
    CHECK(geti(t, sol_tcp, tcp_user_timeout) == ok(5000));
}

TEST_CASE("tcp_setsockopt: TCP_KEEPIDLE restarts a running keepalive timer") {
    tcp t;
    t.sk.sk_state() = tcp_established;
    CHECK(set_int(t, sol_socket, so_keepalive, 1) == 0);
    CHECK(set_int(t, sol_tcp, tcp_keepidle, 100) == 0);
    CHECK(t.sk.sk_timer.pending == 1);
    CHECK(t.sk.sk_timer.expires == 100UL * hz);
}

TEST_CASE("tcp_setsockopt: TCP_DEFER_ACCEPT rounds to retransmission periods") {
    tcp t;
    const int in[] = {0, 1, 2, 3, 4, 10, -5, 100, 1000, 100000, INT_MAX};
    const int out[] = {0, 1, 3, 3, 7, 15, 0, 127, 1087, 29887, 29887};
    for (int i = 0; i < 11; ++i) {
        CAPTURE(in[i]);
        CHECK(set_int(t, sol_tcp, tcp_defer_accept, in[i]) == 0);
        CHECK(geti(t, sol_tcp, tcp_defer_accept) == ok(out[i]));
    }
}

TEST_CASE("tcp_setsockopt: TCP_WINDOW_CLAMP") {
    tcp t;
    CHECK(set_int(t, sol_tcp, tcp_window_clamp, 0) == 0);
    CHECK(set_int(t, sol_tcp, tcp_window_clamp, 100) == 0);
    CHECK(geti(t, sol_tcp, tcp_window_clamp) == ok(1152)); // SOCK_MIN_RCVBUF / 2
    CHECK(set_int(t, sol_tcp, tcp_window_clamp, -5) == 0);
    CHECK(geti(t, sol_tcp, tcp_window_clamp) == ok(1152));
    CHECK(set_int(t, sol_tcp, tcp_window_clamp, 100000) == 0);
    CHECK(geti(t, sol_tcp, tcp_window_clamp) == ok(100000));
    CHECK(set_int(t, sol_tcp, tcp_window_clamp, 0) == 0);
    CHECK(geti(t, sol_tcp, tcp_window_clamp) == ok(0));
    t.sk.sk_state() = tcp_listen; // 0 only on a closed socket
    CHECK(set_int(t, sol_tcp, tcp_window_clamp, 0) == -einval);
}

TEST_CASE("tcp_setsockopt: TCP_QUICKACK") {
    tcp t;
    const int in[] = {0, 2, 0, 1};
    const int out[] = {0, 1, 0, 1};
    for (int i = 0; i < 4; ++i) {
        CHECK(set_int(t, sol_tcp, tcp_quickack, in[i]) == 0);
        CHECK(geti(t, sol_tcp, tcp_quickack) == ok(out[i]));
    }
}

TEST_CASE("tcp_setsockopt: TCP_RTO_MAX_MS / TCP_RTO_MIN_US") {
    tcp t;
    CHECK(set_int(t, sol_tcp, tcp_rto_max_ms, 999) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_rto_max_ms, 120001) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_rto_max_ms, 1000) == 0);
    CHECK(geti(t, sol_tcp, tcp_rto_max_ms) == ok(1000));
    CHECK(set_int(t, sol_tcp, tcp_rto_max_ms, 5000) == 0);
    CHECK(geti(t, sol_tcp, tcp_rto_max_ms) == ok(5000));
    for (int v : {0, 1, 200001, -1})
        CHECK(set_int(t, sol_tcp, tcp_rto_min_us, v) == -einval);
    CHECK(geti(t, sol_tcp, tcp_rto_min_us) == ok(200000));
    CHECK(set_int(t, sol_tcp, tcp_rto_min_us, 100000) == 0);
    CHECK(geti(t, sol_tcp, tcp_rto_min_us) == ok(100000));
    // The floor is TCP_TIMEOUT_MIN, 2 jiffies: 4000 us is EINVAL on the
    // HZ=250 host but 4 jiffies, fine, at ksock's HZ=1000.
    CHECK(set_int(t, sol_tcp, tcp_rto_min_us, 1000000 / hz) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_rto_min_us, 2 * 1000000 / hz) == 0);
}

TEST_CASE("tcp_setsockopt: TCP_NOTSENT_LOWAT and TCP_SAVE_SYN") {
    tcp t;
    CHECK(set_int(t, sol_tcp, tcp_notsent_lowat, 100) == 0);
    CHECK(geti(t, sol_tcp, tcp_notsent_lowat) == ok(100));
    CHECK(set_int(t, sol_tcp, tcp_save_syn, 3) == -einval);
    CHECK(set_int(t, sol_tcp, tcp_save_syn, 2) == 0);
    CHECK(geti(t, sol_tcp, tcp_save_syn) == ok(2));
}

TEST_CASE("tcp_setsockopt: TCP_THIN_LINEAR_TIMEOUTS and TCP_THIN_DUPACK take 0 or 1") {
    tcp t;
    CHECK(geti(t, sol_tcp, tcp_thin_linear_timeouts) == ok(0));
    for (int v : {2, -1}) {
        CHECK(set_int(t, sol_tcp, tcp_thin_linear_timeouts, v) == -einval);
        CHECK(set_int(t, sol_tcp, tcp_thin_dupack, v) == -einval);
    }
    CHECK(set_int(t, sol_tcp, tcp_thin_linear_timeouts, 1) == 0);
    CHECK(geti(t, sol_tcp, tcp_thin_linear_timeouts) == ok(1));
    // TCP_THIN_DUPACK is accepted and does nothing since Linux 4.19: it reads 0.
    CHECK(set_int(t, sol_tcp, tcp_thin_dupack, 1) == 0);
    CHECK(geti(t, sol_tcp, tcp_thin_dupack) == ok(0));
}
