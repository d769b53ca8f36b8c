// test/differential/packet/parser_test.cpp: the script parser and the packet
// encoder on their own (ctest differential.packet.parser): what each line
// form becomes, and that every error names its line.
#include <doctest/doctest.h>

#include "script.hpp"
#include "wire.hpp"

using namespace ksock_packet;

namespace {

script parse_ok(const std::string& text) {
    parse_error err;
    auto s = parse_script(text, "t.pkt", err);
    INFO("line " << err.line << ": " << err.message);
    REQUIRE(s.has_value());
    return std::move(*s);
}

parse_error parse_bad(const std::string& text) {
    parse_error err;
    auto s = parse_script(text, "t.pkt", err);
    REQUIRE_FALSE(s.has_value());
    return err;
}

} // namespace

TEST_CASE("packet parser: times") {
    const script s = parse_ok("0 close(3) = 0\n"
                              "+0.1 close(3) = 0\n"
                              ".250 close(3) = 0\n"
                              "0.1~0.2 > . 1:1(0) ack 1\n"
                              "+0.04~+0.2 > . 1:1(0)\n"
                              "* > . 1:1(0)\n"
                              "0.1...0.3 accept(3, ..., ...) = 4\n"
                              "+0...+1.5 read(4, ..., 10) = 10\n");
    REQUIRE(s.events.size() == 8);
    CHECK(s.events[0].when.start.k == time_point::kind::absolute);
    CHECK(s.events[1].when.start.k == time_point::kind::relative);
    CHECK(s.events[1].when.start.value == 100000);
    CHECK(s.events[2].when.start.value == 250000);
    CHECK(s.events[3].when.range_end->value == 200000);
    CHECK(s.events[4].when.range_end->k == time_point::kind::relative);
    CHECK(s.events[5].when.start.k == time_point::kind::any);
    CHECK(s.events[6].when.blocking_end->value == 300000);
    CHECK(s.events[7].when.blocking_end->k == time_point::kind::relative);
    CHECK(s.events[7].when.blocking_end->value == 1500000);
}

TEST_CASE("packet parser: segments") {
    const script s =
        parse_ok("0 < S 0:0(0) win 65535 <mss 1460,sackOK,TS val 100 ecr 0,nop,wscale 7>\n"
                 "+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>\n"
                 "+0 < P. 1:1001(1000) ack 1 win 257\n"
                 "+0 > . 1:1(0) ack 1001 win 500 <nop,nop,sack 2001:3001 4001:5001>\n"
                 "+0 < UP. 1:2(1) ack 1 urg 1 win 257\n"
                 "+0 > R 1:1(0) <...>\n");
    const segment& syn = s.events[0].pkt;
    CHECK(syn.inbound);
    CHECK(syn.flags == tcp_flag::syn);
    CHECK(*syn.win == 65535);
    REQUIRE(syn.options->size() == 5);
    CHECK((*syn.options)[0].k == tcp_option::kind::mss);
    CHECK((*syn.options)[0].a == 1460);
    CHECK((*syn.options)[2].k == tcp_option::kind::timestamp);
    CHECK((*syn.options)[2].a == 100);
    CHECK((*syn.options)[4].a == 7);
    const segment& sa = s.events[1].pkt;
    CHECK_FALSE(sa.inbound);
    CHECK(sa.flags == (tcp_flag::syn | tcp_flag::ack));
    CHECK(*sa.ack == 1);
    CHECK_FALSE(sa.win);
    const segment& data = s.events[2].pkt;
    CHECK(data.seq == 1);
    CHECK(data.len == 1000);
    const segment& sack = s.events[3].pkt;
    REQUIRE(sack.options->size() == 3);
    CHECK((*sack.options)[2].blocks.size() == 2);
    CHECK((*sack.options)[2].blocks[1].first == 4001);
    CHECK(s.events[4].pkt.flags == (tcp_flag::urg | tcp_flag::psh | tcp_flag::ack));
    CHECK(*s.events[4].pkt.urg == 1);
    CHECK(s.events[5].pkt.any_options);
    CHECK(to_string(sack) == "> . 1:1(0) ack 1001 win 500 <nop,nop,sack 2001:3001 4001:5001>");
}

TEST_CASE("packet parser: ECN codepoints") {
    const script s = parse_ok("0 < [ce] P. 1:1001(1000) ack 1 win 257\n"
                              "+0 > [ect0] P. 1:101(100) ack 1001\n"
                              "+0 > [noecn] . 1:1(0) ack 1001\n"
                              "+0 < [ect1] . 1:1(0) ack 1 win 257\n"
                              "+0 < . 1:1(0) ack 1 win 257\n");
    CHECK(*s.events[0].pkt.ecn == 3);
    CHECK(*s.events[1].pkt.ecn == 2);
    CHECK(*s.events[2].pkt.ecn == 0);
    CHECK(*s.events[3].pkt.ecn == 1);
    CHECK_FALSE(s.events[4].pkt.ecn);
    CHECK(to_string(s.events[1].pkt) == "> [ect0] P. 1:101(100) ack 1001");
    CHECK(parse_bad("0 < [ect2] . 1:1(0) ack 1 win 257\n").message.find("ECN codepoint") !=
          std::string::npos);
    CHECK(parse_bad("0 < [ce . 1:1(0) ack 1 win 257\n").message.find("']'") != std::string::npos);
}

TEST_CASE("packet parser: system calls") {
    const script s =
        parse_ok("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                 "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
                 "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {onoff=1, linger=0}, 8) = 0\n"
                 "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
                 "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n"
                 "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [ECONNREFUSED], [4]) = 0\n"
                 "+0 poll([{fd=3, events=POLLIN|POLLOUT, revents=POLLOUT}], 1, 0) = 1\n"
                 "+0 setsockopt(3, IPPROTO_TCP, TCP_CONGESTION, \"reno\", 4) = 0\n"
                 "+0 fcntl(3, F_GETFL) = 0x802 (flags O_RDWR|O_NONBLOCK)\n"
                 "+0 read(3, ..., 100) = ...\n");
    CHECK(s.events[0].call.args[0].k == value::kind::ellipsis);
    CHECK(s.events[0].call.ret.n == 3);
    CHECK(s.events[1].call.args[3].k == value::kind::array);
    CHECK(s.events[2].call.args[3].names.size() == 2);
    CHECK(s.events[3].call.args[2].n == (2 | 04000));
    CHECK(s.events[4].call.err == 115);
    CHECK(s.events[5].call.args[3].elems[0].n == 111);
    CHECK(s.events[6].call.args[0].elems[0].elems[2].n == 4);
    CHECK(s.events[7].call.args[3].s == "reno");
    CHECK(s.events[8].call.ret.n == 0x802);
    CHECK(s.events[9].call.ret.k == value::kind::ellipsis);
}

TEST_CASE("packet parser: directives, comments and assertion blocks") {
    const script s =
        parse_ok("// a comment\n"
                 "sysctl net.ipv4.tcp_rmem = 4096 131072 6291456\n"
                 "sysctl net.ipv4.tcp_sack=0\n"
                 "tolerance 0.040\n"
                 "/* a block\n comment */\n"
                 "0 close(3) = 0 // trailing\n"
                 "+0 %{ assert tcpi_rto == 1000000\n"
                 "  assert 200000 <= tcpi_rto <= 300000 and tcpi_snd_cwnd == 10\n"
                 "}%\n"
                 "+0 %{ assert tcpi_state == TCP_ESTABLISHED; assert not tcpi_backoff }%\n"
                 "+0 close(4) = 0\n");
    REQUIRE(s.sysctls.size() == 2);
    CHECK(s.sysctls[0].second == "4096 131072 6291456");
    CHECK(s.sysctls[1].second == "0");
    CHECK(*s.tolerance == 40000);
    REQUIRE(s.events.size() == 4);
    CHECK(s.events[0].line == 7);
    CHECK(s.events[1].check->asserts.size() == 2);
    CHECK(s.events[2].line == 11);
    CHECK(s.events[2].check->asserts.size() == 2);
    CHECK(s.events[3].line == 12);
}

TEST_CASE("packet parser: errors name their line") {
    CHECK(parse_bad("0 close(3) = 0\n+0 frobnicate(3) = 0\n").line == 2);
    CHECK(parse_bad("0 close(3) = 0\n\n+0 < . 1:1(0) ack 1\n").message.find("win") !=
          std::string::npos);
    CHECK(parse_bad("0 < S 0:10(0) win 100\n").message.find("length") != std::string::npos);
    CHECK(parse_bad("0 connect(3, ..., ...) = -1\n").message.find("errno") != std::string::npos);
    CHECK(parse_bad("0 close(3) = 0\n+0 %{ import os }%\n").line == 2);
    CHECK(parse_bad("0 close(3) = 0\n+0 %{\nassert tcpi_nonsense == 1\n}%\n").line == 3);
    CHECK(parse_bad("0 close(3) = 0\nsysctl net.ipv4.tcp_sack = 1\n").line == 2);
    CHECK(parse_bad("sysctl kernel.foo = 1\n0 close(3) = 0\n").line == 1);
    CHECK(parse_bad("0 > S 0:0(0) <mss 1460,bogus>\n").message.find("bogus") != std::string::npos);
    CHECK(parse_bad("0 setsockopt(3, SOL_SOCKET, SO_NOPE, [1], 4) = 0\n").message.find("SO_NOPE") !=
          std::string::npos);
}

TEST_CASE("packet encoder: checksums verify, options come back in order") {
    wire_tcp t;
    t.src_ip = 0xC0000202;
    t.dst_ip = 0xC0000201;
    t.src_port = 40000;
    t.dst_port = 8080;
    t.seq = 123456;
    t.ack = 654321;
    t.flags = tcp_flag::ack | tcp_flag::psh;
    t.win = 257;
    t.options = {tcp_option{tcp_option::kind::nop, 0, 0, {}},
                 tcp_option{tcp_option::kind::nop, 0, 0, {}},
                 tcp_option{tcp_option::kind::timestamp, 7, 9, {}}};
    t.payload.assign(11, 'x');
    const auto b = build_ipv4(t);
    CHECK(b.size() == 20 + 32 + 11);
    const decoded d = parse_ipv4(b.data(), b.size());
    CHECK(d.ipv4);
    CHECK(d.tcp);
    CHECK(d.error.empty());
    CHECK(d.seg.seq == 123456);
    CHECK(d.seg.ack == 654321);
    CHECK(d.seg.options.size() == 3);
    CHECK(d.seg.options[2].a == 7);
    CHECK(d.seg.options[2].b == 9);
    CHECK(d.seg.payload.size() == 11);
    auto bad = b;
    bad[b.size() - 1] ^= 1;
    CHECK(parse_ipv4(bad.data(), bad.size()).error == "bad TCP checksum");
}
