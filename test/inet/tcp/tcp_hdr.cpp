// test/inet/tcp/tcp_hdr.cpp: a segment's header and options as bytes
// (tcp_hdr.hpp), the per-segment control block, and the pure functions of
// the segment engine: Linux's option layouts byte for byte, option parsing
// of hostile bytes, sequence arithmetic, the RTT estimator's values,
// CUBIC's cube root, the give-up time model and the window offered.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/tcp/tcp_cong.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/inet/tcp/tcp_skb_cb.hpp>
#include <ksock/inet/tcp/tcp_timer.hpp>

using namespace ksock::inet;
using ksock::sk_buff;

TEST_CASE("tcphdr and the control blocks have their sizes") {
    CHECK(sizeof(tcphdr) == 20);
    CHECK(sizeof(tcp_skb_cb) <= sizeof(sk_buff::cb));
    CHECK(sizeof(bictcp) <= icsk_ca_priv_size);
}

TEST_CASE("sequence arithmetic wraps") {
    CHECK(before(0xfffffff0u, 0x10u));
    CHECK(after(0x10u, 0xfffffff0u));
    CHECK(!before(5, 5));
    CHECK(seq_between(0, 0xffffffffu, 1));
    CHECK(!seq_between(2, 0xffffffffu, 1));
}

TEST_CASE("tcp_options_write: Linux's SYN layouts, byte for byte") {
    unsigned char b[40];
    // timestamps and SACK: mss, sackOK+TS, nop+wscale (20 bytes)
    tcp_options_out o{};
    o.mss = 1460;
    o.sack_perm = o.tstamp = o.wscale = true;
    o.ws = 7;
    o.tsval = 0x01020304;
    REQUIRE(tcp_options_size(o) == 20);
    tcp_options_write(b, o);
    const unsigned char syn_ts[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 1, 2, 3, 4, 0, 0, 0, 0, 1, 3, 3, 7};
    CHECK(std::memcmp(b, syn_ts, sizeof syn_ts) == 0);
    // no timestamps: mss, nop nop sackOK, nop wscale (12 bytes)
    o.tstamp = false;
    REQUIRE(tcp_options_size(o) == 12);
    tcp_options_write(b, o);
    const unsigned char syn[] = {2, 4, 5, 0xb4, 1, 1, 4, 2, 1, 3, 3, 7};
    CHECK(std::memcmp(b, syn, sizeof syn) == 0);
    // established with timestamps and two SACK blocks: nop nop TS, nop nop SACK
    tcp_options_out e{};
    e.tstamp = true;
    e.tsval = 7;
    e.tsecr = 9;
    const tcp_sack_block blocks[] = {{100, 200}, {300, 400}};
    e.num_sacks = 2;
    e.sacks = blocks;
    REQUIRE(tcp_options_size(e) == 12 + 4 + 16);
    tcp_options_write(b, e);
    CHECK(b[0] == 1);
    CHECK(b[1] == 1);
    CHECK(b[2] == 8);
    CHECK(b[12] == 1);
    CHECK(b[13] == 1);
    CHECK(b[14] == 5);
    CHECK(b[15] == 18);
}

TEST_CASE("tcp_parse_options: what a SYN offers, and broken bytes ignored") {
    const unsigned char syn[] = {2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 100, 0, 0, 0, 0, 1, 3, 3, 20};
    const tcp_options_in o = tcp_parse_options(syn, sizeof syn, true);
    CHECK(o.mss == 1460);
    CHECK(o.sack_ok == 1);
    CHECK(o.saw_tstamp == 1);
    CHECK(o.rcv_tsval == 100);
    CHECK(o.wscale_ok == 1);
    CHECK(o.snd_wscale == 14); // capped, as Linux caps it
    // The same bytes on a segment that is not a SYN: only the timestamp.
    const tcp_options_in n = tcp_parse_options(syn, sizeof syn, false);
    CHECK(n.mss == 0);
    CHECK(n.sack_ok == 0);
    CHECK(n.wscale_ok == 0);
    CHECK(n.saw_tstamp == 1);
    // A length that runs past the end, a zero length, a wrong MSS length.
    const unsigned char bad1[] = {8, 10, 0, 0};
    CHECK(tcp_parse_options(bad1, sizeof bad1, true).saw_tstamp == 0);
    const unsigned char bad2[] = {2, 0, 5, 0xb4};
    CHECK(tcp_parse_options(bad2, sizeof bad2, true).mss == 0);
    const unsigned char bad3[] = {2, 3, 5, 3, 3, 7};
    const tcp_options_in b3 = tcp_parse_options(bad3, sizeof bad3, true);
    CHECK(b3.mss == 0);
    CHECK(b3.wscale_ok == 1);
    // SACK blocks: a length that is not 2 + 8n is ignored; more than 4 cut.
    const unsigned char sack_bad[] = {5, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0};
    CHECK(tcp_parse_options(sack_bad, sizeof sack_bad, false).num_sacks == 0);
    unsigned char sack5[2 + 40] = {5, 42};
    CHECK(tcp_parse_options(sack5, sizeof sack5, false).num_sacks == 4);
    // EOL ends the list.
    const unsigned char eol[] = {0, 2, 4, 5, 0xb4};
    CHECK(tcp_parse_options(eol, sizeof eol, true).mss == 0);
}

TEST_CASE("tcp_rtt_estimator: Linux's values, RTO = srtt + max(rttvar, rto_min)") {
    tcp_sock tp{};
    tp.inet_conn.icsk_rto_min = tcp_rto_min;
    tp.inet_conn.icsk_rto_max = tcp_rto_max;
    tcp_rtt_estimator(tp, 100000); // a first sample of 100 ms
    CHECK(tp.srtt_us == 800000);
    CHECK(tp.mdev_us == 200000);
    CHECK(tp.rttvar_us == 200000);
    CHECK(tp.inet_conn.icsk_rto == 300); // jiffies at HZ 1000
    tcp_sock f{};
    f.inet_conn.icsk_rto_min = tcp_rto_min;
    f.inet_conn.icsk_rto_max = tcp_rto_max;
    tcp_rtt_estimator(f, 1000); // 1 ms: the floor is rto_min
    CHECK(f.inet_conn.icsk_rto == 201);
}

TEST_CASE("CUBIC: the cube root, and ssthresh at 717/1024") {
    CHECK(cubic_root(0) == 0);
    CHECK(cubic_root(26) == 2);
    CHECK(cubic_root(27) == 3);
    CHECK(cubic_root(1000000) == 100);
    tcp_sock tp{};
    tp.inet_conn.icsk_ca_ops = &tcp_cubic;
    tp.snd_cwnd = 100;
    CHECK(tcp_ca_ssthresh(tp) == 70);
    tp.inet_conn.icsk_ca_ops = &tcp_reno;
    CHECK(tcp_ca_ssthresh(tp) == 50);
    tp.snd_cwnd = 3;
    CHECK(tcp_ca_ssthresh(tp) == 2);
}

TEST_CASE("tcp_model_timeout: tcp_retries2's give-up time") {
    // 15 retries from 200 ms with a 120 s maximum: 924.6 s, Linux's figure.
    CHECK(tcp_model_timeout(15, tcp_rto_min, tcp_rto_max) == 924600);
    CHECK(tcp_model_timeout(3, tcp_rto_min, tcp_rto_max) == 3000);
    // SYNs from 1 s: 6 retries take 127 s.
    CHECK(tcp_model_timeout(6, tcp_timeout_init, tcp_rto_max) == 127000);
}

TEST_CASE("tcp_select_window: scaled windows round up, a full buffer offers 0") {
    tcp_sock tp{};
    tp.inet_conn.icsk_inet.sk.sk_rcvbuf = 131072;
    tp.scaling_ratio = tcp_default_scaling_ratio;
    tp.window_clamp = 65535u << 7;
    tp.rcv_ssthresh = 64240;
    tp.rcv_wscale = 7;
    tp.inet_conn.icsk_ack.rcv_mss = 1460;
    CHECK(tcp_select_window(tp) == 502); // 64240 rounded up to 128s: 64256 >> 7
    tp.inet_conn.icsk_inet.sk.sk_rmem_alloc = 131072 - 1000;
    tp.rcv_wnd = 0;
    tp.rcv_wup = tp.rcv_nxt;
    CHECK(tcp_select_window(tp) == 0);
}
