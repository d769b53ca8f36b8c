// test/inet/tcp/tcp_output.cpp: the MSS and the sequence a connect() sets up
// (inet/tcp/tcp_output.hpp), with the values a 6.18 host reports over lo:
// TCP_MAXSEG 524 after a refused SYN (988 with TCP_MAXSEG 1000), the send
// sequence starting at write_seq, the half-window bound; the windows a
// connection offers and takes (32741 and 32768 on lo) and the size_goal.
#include <doctest/doctest.h>

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_output.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>

#include "support/static_require.hpp"

using namespace ksock;
using namespace ksock::inet;

namespace {
constexpr tcp_sock fresh() {
    tcp_sock tp{};
    tp.mss_cache = tcp_mss_default;
    tp.mss_clamp = tcp_mss_default;
    return tp;
}
constexpr std::uint32_t connect_mss(std::uint16_t user_mss, int timestamps) {
    tcp_sock tp = fresh();
    tp.user_mss = user_mss;
    ipv4_sysctl s{};
    s.tcp_timestamps = timestamps;
    tcp_connect_init(tp, s, 212992);
    return tp.mss_cache;
}
} // namespace

TEST_CASE("tcp_connect_init: the default clamp less the timestamp option, or TCP_MAXSEG's") {
    STATIC_REQUIRE(connect_mss(0, 1) == 524);
    STATIC_REQUIRE(connect_mss(0, 0) == 536);
    STATIC_REQUIRE(connect_mss(1000, 1) == 988);
    STATIC_REQUIRE(connect_mss(40, 1) == 48 - 12); // net.ipv4.tcp_min_snd_mss
}

TEST_CASE("tcp_connect_init: the send sequence goes on from write_seq; nothing received") {
    tcp_sock tp = fresh();
    tp.write_seq = 3;
    tp.snd_una = 0;
    tp.rcv_nxt = tp.copied_seq = 77;
    tcp_connect_init(tp, ipv4_sysctl{}, 212992);
    CHECK(tp.snd_una == 3);
    CHECK(tp.snd_nxt == 3);
    CHECK(tp.rcv_nxt == 0);
    CHECK(tp.copied_seq == 0);
    CHECK(tp.advmss == 65495);
    CHECK(tp.inet_conn.icsk_pmtu_cookie == lo_mtu);
}

TEST_CASE("tcp_bound_to_half_wnd: half the largest window seen, no bound before one") {
    tcp_sock tp = fresh();
    tp.tcp_header_len = 32;
    CHECK(tcp_bound_to_half_wnd(tp, 65483) == 65483);
    tp.max_window = 65483;
    CHECK(tcp_bound_to_half_wnd(tp, 65483) == 32741);
    tp.max_window = 500; // at most 536: the whole window
    CHECK(tcp_bound_to_half_wnd(tp, 1000) == 500);
    tp.max_window = 20;
    CHECK(tcp_bound_to_half_wnd(tp, 1000) == 68 - 32);
}

TEST_CASE("tcp_mss_clamp: TCP_MAXSEG only lowers an MSS") {
    tcp_sock tp = fresh();
    CHECK(tcp_mss_clamp(tp, 65495) == 65495);
    tp.user_mss = 1000;
    CHECK(tcp_mss_clamp(tp, 65495) == 1000);
    CHECK(tcp_mss_clamp(tp, 500) == 500);
}

TEST_CASE("tcp_select_initial_window: the space in whole segments, the scale of the largest "
          "buffer, the clamp the scale can express") {
    ipv4_sysctl s{}; // tcp_rmem[2] 6 MiB: scale 7
    // A client of lo: 64 KB of space, 65495-byte segments.
    constexpr tcp_initial_window c =
        tcp_select_initial_window(65536, 65495, 0, ipv4_sysctl{}, 212992);
    STATIC_REQUIRE(c.rcv_wnd == 65495);
    STATIC_REQUIRE(c.rcv_wscale == 7);
    STATIC_REQUIRE(c.window_clamp == 65535u << 7);
    // A child: the MSS less the timestamp option.
    CHECK(tcp_select_initial_window(65536, 65483, 0, s, 212992).rcv_wnd == 65483);
    // A clamp smaller than the space: the window is the clamp, rounded down.
    CHECK(tcp_select_initial_window(65536, 1000, 5500, s, 212992).rcv_wnd == 5000);
    CHECK(tcp_select_initial_window(65536, 1000, 5500, s, 212992).window_clamp == 5500);
    s.tcp_window_scaling = 0;
    CHECK(tcp_select_initial_window(65536, 65495, 0, s, 212992).rcv_wscale == 0);
    CHECK(tcp_select_initial_window(65536, 65495, 0, s, 212992).window_clamp == 65535);
}

TEST_CASE("tcp_ack_update_window: a larger window bounds the MSS by half of it again") {
    tcp_sock tp = fresh();
    ipv4_sysctl s{};
    tcp_connect_init(tp, s, 212992);
    tp.mss_clamp = 65495;                       // the SYN-ACK's MSS option
    CHECK(tcp_ack_update_window(tp, 65483, s)); // the SYN-ACK: unscaled
    CHECK(tp.mss_cache == 32741);
    CHECK(tcp_ack_update_window(tp, 65536, s)); // the child's first scaled window
    CHECK(tp.mss_cache == 32768);
    CHECK_FALSE(tcp_ack_update_window(tp, 65536, s)); // the same window: header prediction holds
    CHECK(tcp_ack_update_window(tp, 60000, s));       // smaller: max_window stays
    CHECK(tp.max_window == 65536);
    CHECK(tp.mss_cache == 32768);
}

TEST_CASE("tcp_adv_window: up to rcv_ssthresh, rounded up to the scale") {
    tcp_sock tp = fresh();
    tp.inet_conn.icsk_inet.sk.sk_rcvbuf = 131072;
    tp.scaling_ratio = 128; // TCP_DEFAULT_SCALING_RATIO
    tp.window_clamp = 65536;
    tp.rcv_ssthresh = 65495;
    tp.rcv_wscale = 7;
    CHECK(tcp_adv_window(tp) == 65536);
    tp.rcv_wscale = 0;
    CHECK(tcp_adv_window(tp) == 65495);
    tp.inet_conn.icsk_inet.sk.sk_rcvbuf = 4608; // SO_RCVBUF 100 (its minimum, doubled)
    CHECK(tcp_adv_window(tp) == 2304);
}

TEST_CASE("tcp_xmit_size_goal: whole segments up to what GSO takes and half the window") {
    tcp_sock tp = fresh();
    tp.tcp_header_len = 32;
    tp.mss_cache = 32768;
    tp.max_window = 65536;
    CHECK(tcp_xmit_size_goal(tp) == 32768);
    tp.mss_cache = 1000; // TCP_MAXSEG 1000: 32 segments in half the window
    CHECK(tcp_xmit_size_goal(tp) == 32000);
    tp.max_window = 0; // no window yet: GSO's limit
    CHECK(tcp_xmit_size_goal(tp) == 65000);
}
