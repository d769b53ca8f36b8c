// test/inet/tcp/tcp_output.cpp: the MSS and the sequence a connect() sets up
// (inet/tcp/tcp_output.hpp), with the values a 6.18 host reports over lo:
// TCP_MAXSEG 524 after a refused SYN (988 with TCP_MAXSEG 1000), the send
// sequence starting at write_seq, the half-window bound.
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
    tcp_connect_init(tp, s);
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
    tcp_connect_init(tp, ipv4_sysctl{});
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
