// test/inet/ip/ip_fragment.cpp: datagrams larger than the link's MTU
// (inet/ip/ip_output.hpp's ip_fragment, ip_fragment.hpp's reassembly):
// a 4000-byte UDP datagram leaves as the host sends it (1500 + 1500 + 1068
// bytes of IP, offsets 0, 1480 and 2960, no DF) and is joined again, in
// any order and with duplicates; IP_PMTUDISC_DO and IP_HDRINCL refuse what
// does not fit (EMSGSIZE); a lost fragment expires after ipfrag_time with
// ICMP time exceeded (code 1) back to the sender; overlaps, oversized
// datagrams and a full queue table are refused and counted.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/iproute.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"

using namespace ksock_test;
namespace in = ksock::inet;

namespace {
char big[8000];
void fill_big() {
    for (std::size_t i = 0; i < sizeof big; ++i)
        big[i] = static_cast<char>((i * 13) ^ (i >> 7));
}
bool drop_second_fragment(void*, int from, const unsigned char* p, std::size_t) {
    // An IPv4 fragment at offset 1480 from a.
    return from == 0 && p[12] == 0x08 && p[13] == 0 && ((p[20] & 0x1f) << 8 | p[21]) == 185;
}
} // namespace

TEST_CASE("ip_fragment: 4000 bytes of UDP out in three fragments, in again whole") {
    fill_big();
    wire_pair& p = wire_pair::fresh();
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to = sin_of(addr_b, 5000);
    REQUIRE(p.a.sendto(ua, big, 4000, 0, sa(to), sizeof to) == 4000);
    REQUIRE(p.log.n == 3);
    const std::size_t lens[3] = {1514, 1514, 1082};
    const unsigned offs[3] = {0, 1480, 2960};
    for (int i = 0; i < 3; ++i) {
        const auto& e = p.log.e[i];
        CHECK(e.len == lens[i]);
        const unsigned fo = static_cast<unsigned>(e.head[20] << 8 | e.head[21]);
        CHECK((fo & 0x1fff) * 8 == offs[i]);
        CHECK(((fo & 0x2000) != 0) == (i < 2));   // MF
        CHECK((fo & 0x4000) == 0);                // no DF: IP_PMTUDISC_WANT lets it fragment
        CHECK(e.head[18] == p.log.e[0].head[18]); // one id
        CHECK(e.head[19] == p.log.e[0].head[19]);
    }
    p.run(3);
    static char got[8000];
    REQUIRE(p.b.recv(ub, got, sizeof got, ksock::msg_dontwait) == 4000);
    CHECK(std::memcmp(got, big, 4000) == 0);
    const auto ma = in::iproute::snmp(p.a);
    const auto mb = in::iproute::snmp(p.b);
    CHECK(ma.ip.frag_oks == 1);
    CHECK(ma.ip.frag_creates == 3);
    CHECK(ma.ip.out_requests == 1);
    CHECK(ma.ip.out_transmits == 3);
    CHECK(mb.ip.reasm_reqds == 3);
    CHECK(mb.ip.reasm_oks == 1);
    CHECK(mb.ip.in_delivers == 1);
    CHECK(mb.udp.in_datagrams == 1);
    p.a.close(ua);
    p.b.close(ub);
    p.run(1);
    CHECK(p.a.skbs_in_use() == 0);
    CHECK(p.b.skbs_in_use() == 0);
}

TEST_CASE("ip_fragment: reordered and duplicated fragments still make one datagram") {
    fill_big();
    wire_pair& p = wire_pair::fresh();
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to = sin_of(addr_b, 5000);
    p.w.dup = 100;
    REQUIRE(p.a.sendto(ua, big, 6000, 0, sa(to), sizeof to) == 6000);
    p.w.dup = 0;
    p.w.reverse();
    p.run(5);
    static char got[8000];
    REQUIRE(p.b.recv(ub, got, sizeof got, ksock::msg_dontwait) == 6000);
    CHECK(std::memcmp(got, big, 6000) == 0);
    CHECK(p.b.recv(ub, got, sizeof got, ksock::msg_dontwait) == -ksock::eagain);
    CHECK(in::iproute::snmp(p.b).ip.reasm_oks == 1);
    p.a.close(ua);
    p.b.close(ub);
    p.run(1);
    CHECK(p.b.skbs_in_use() == 0);
}

TEST_CASE("ip_fragment: what may not be fragmented is EMSGSIZE") {
    wire_pair& p = wire_pair::fresh();
    const int ua = udp_bound(p.a, 0, 0);
    const auto to = sin_of(addr_b, 5000);
    const int pmtu = ksock::ip_pmtudisc_do;
    REQUIRE(p.a.setsockopt(ua, ksock::sol_ip, ksock::ip_mtu_discover, &pmtu, sizeof pmtu) == 0);
    CHECK(p.a.sendto(ua, big, 1473, 0, sa(to), sizeof to) == -ksock::emsgsize);
    CHECK(p.a.sendto(ua, big, 1472, 0, sa(to), sizeof to) == 1472);
    CHECK(p.log.n == 1);
    CHECK((p.log.e[0].head[20] & 0x40) != 0); // DF
    const int probe = ksock::ip_pmtudisc_probe;
    REQUIRE(p.a.setsockopt(ua, ksock::sol_ip, ksock::ip_mtu_discover, &probe, sizeof probe) == 0);
    CHECK(p.a.sendto(ua, big, 1473, 0, sa(to), sizeof to) == -ksock::emsgsize);
    // IP_HDRINCL: never fragmented.
    const int raw = p.a.socket(ksock::af_inet, ksock::sock_raw, ksock::ipproto_raw);
    REQUIRE(raw >= 0);
    frame_buf f;
    ip_hdr(f, addr_a, addr_b, 17, 1500);
    f.zeros(1500);
    CHECK(p.a.sendto(raw, f.b, f.n, 0, sa(to), sizeof to) == -ksock::emsgsize);
    CHECK(p.a.skbs_in_use() == 0);
    p.a.close(ua);
    p.a.close(raw);
}

TEST_CASE("ip_fragment: a lost fragment: ipfrag_time, then ICMP time exceeded back") {
    fill_big();
    wire_pair& p = wire_pair::fresh();
    in::ipv4_net(p.b).sysctl.ipfrag_time = 1;
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const int raw =
        p.a.socket(ksock::af_inet, ksock::sock_raw | ksock::sock_nonblock, ksock::ipproto_icmp);
    p.w.drop = &drop_second_fragment;
    const auto to = sin_of(addr_b, 5000);
    REQUIRE(p.a.sendto(ua, big, 4000, 0, sa(to), sizeof to) == 4000);
    p.w.drop = nullptr;
    p.run(10);
    CHECK(p.b.skbs_in_use() > 0); // the two fragments that came wait
    CHECK(p.b.next_timer() <= 1000);
    p.run(1000);
    CHECK(p.b.skbs_in_use() == 0);
    const auto mb = in::iproute::snmp(p.b);
    CHECK(mb.ip.reasm_timeout == 1);
    CHECK(mb.ip.reasm_fails == 1);
    CHECK(mb.icmp.out_time_excds == 1);
    unsigned char buf[700];
    // Time exceeded, fragment reassembly time, quoting the first fragment
    // (its header and 8 bytes: as much as the first fragment holds within
    // 576 bytes, as on the host).
    const long n = p.a.recv(raw, buf, sizeof buf, ksock::msg_dontwait);
    REQUIRE(n == 576);
    CHECK(buf[20] == 11);
    CHECK(buf[21] == 1);
    char tmp[8];
    CHECK(p.b.recv(ub, tmp, sizeof tmp, ksock::msg_dontwait) == -ksock::eagain);
    p.a.close(ua);
    p.a.close(raw);
    p.b.close(ub);
}

TEST_CASE("ip_fragment: hostile fragments: overlaps, oversized, too many datagrams") {
    wire_pair& p = wire_pair::fresh();
    auto frag = [&](unsigned id, unsigned off8, bool mf, std::size_t len) {
        frame_buf f;
        eth_hdr(f, mac_b, mac_a, ksock::eth_p_ip);
        ip_opts o;
        o.id = id;
        o.frag = off8 | (mf ? 0x2000u : 0u);
        ip_hdr(f, addr_a, addr_b, 17, len, o);
        f.zeros(len);
        p.w.inject(1, f.b, f.n);
        p.run(1);
    };
    // Overlap: [0, 16) then [8, 24): the queue is killed.
    frag(1, 0, true, 16);
    frag(1, 1, false, 16);
    auto mb = in::iproute::snmp(p.b);
    CHECK(mb.ip.reasm_fails == 1);
    CHECK(mb.ip.reasm_oks == 0);
    CHECK(p.b.skbs_in_use() == 0);
    // An exact duplicate goes alone; the datagram completes.
    frag(2, 0, true, 16);
    frag(2, 0, true, 16);
    frag(2, 2, false, 8);
    mb = in::iproute::snmp(p.b);
    CHECK(mb.ip.reasm_oks == 1);
    CHECK(mb.ip.reasm_fails == 1);
    // Past Config::ipfrag_max_size (8192): refused.
    frag(3, 8192 / 8, false, 16);
    CHECK(in::iproute::snmp(p.b).ip.reasm_fails == 2);
    // Past 65535: refused.
    frag(4, 8189, false, 40);
    CHECK(in::iproute::snmp(p.b).ip.reasm_fails == 3);
    // Two datagrams in progress fill Config::ipfrag_queues; a third is dropped.
    frag(10, 0, true, 16);
    frag(11, 0, true, 16);
    frag(12, 0, true, 16);
    CHECK(in::iproute::snmp(p.b).ip.reasm_fails == 4);
    // A last fragment that contradicts the length known kills the queue.
    frag(10, 4, false, 8);
    frag(10, 2, false, 8);
    CHECK(in::iproute::snmp(p.b).ip.reasm_fails == 5);
    p.run(30000);
    CHECK(p.b.skbs_in_use() == 0);
    CHECK(in::iproute::snmp(p.b).ip.reasm_timeout == 1); // datagram 11
}
