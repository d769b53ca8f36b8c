// test/inet/ip/arp.cpp: ARP between two stacks on a virtual link
// (inet/ip/arp.hpp, neighbour.hpp): a request broadcast and its answer, the
// packets parked meanwhile (unres_qlen, the oldest dropped), failure after
// three probes one second apart reported as Linux reports it (ICMP host
// unreachable to our own address: EHOSTUNREACH with IP_RECVERR, nothing
// without), the answer to a request, learning, hostile ARP packets, a
// device going down, arp_notify. Timings are the host's (3 requests at 0,
// 1 and 2 s, FAILED at 3 s: checked on a 6.18 kernel over a veth pair).
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/ip/neighbour.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/rtnetlink.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"

using namespace ksock_test;
namespace in = ksock::inet;

namespace {
constexpr std::uint32_t nobody = in::ipv4(192, 0, 2, 99);
constexpr unsigned char bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr unsigned char zero6[6] = {};

long recv_n(wire_stack_b& s, int fd, char* buf, std::size_t n) {
    return s.recv(fd, buf, n, ksock::msg_dontwait);
}
} // namespace

TEST_CASE("arp: a request broadcast, the reply unicast, the datagram after it") {
    wire_pair& p = wire_pair::fresh(true);
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to_b = sin_of(addr_b, 5000);
    CHECK(neigh_state(p.a, addr_b) == -1);
    REQUIRE(p.a.sendto(ua, "hello", 5, 0, sa(to_b), sizeof to_b) == 5);
    // Resolution starts at once: INCOMPLETE, the first request on the wire.
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_incomplete);
    REQUIRE(p.log.n >= 1);
    const auto& req = p.log.e[0];
    CHECK(req.from == 0);
    CHECK(req.len == 42); // no padding: Linux leaves that to the NIC
    CHECK(req.arp_op() == ksock::arpop_request);
    CHECK(std::memcmp(req.head, bcast, 6) == 0);
    CHECK(std::memcmp(req.head + 6, mac_a, 6) == 0);
    CHECK(std::memcmp(req.head + 22, mac_a, 6) == 0); // sha
    CHECK(req.ip_at(28) == addr_a);                   // spa: the packet's source
    CHECK(std::memcmp(req.head + 32, zero6, 6) == 0); // tha
    CHECK(req.ip_at(38) == addr_b);                   // tpa
    p.run(3);
    // b answered (unicast, tha = a), learnt a (STALE), a is REACHABLE, the
    // datagram went after the reply.
    REQUIRE(p.log.n >= 3);
    const auto& rep = p.log.e[1];
    CHECK(rep.from == 1);
    CHECK(rep.arp_op() == ksock::arpop_reply);
    CHECK(std::memcmp(rep.head, mac_a, 6) == 0);
    CHECK(std::memcmp(rep.head + 22, mac_b, 6) == 0);
    CHECK(rep.ip_at(28) == addr_b);
    CHECK(std::memcmp(rep.head + 32, mac_a, 6) == 0);
    CHECK(rep.ip_at(38) == addr_a);
    CHECK(p.log.e[2].ethertype() == ksock::eth_p_ip);
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_reachable);
    CHECK(neigh_state(p.b, addr_a) == ksock::nud_stale);
    char buf[16] = {};
    CHECK(recv_n(p.b, ub, buf, sizeof buf) == 5);
    CHECK(std::memcmp(buf, "hello", 5) == 0);
    CHECK(recv_n(p.b, ub, buf, sizeof buf) == -ksock::eagain);
    // b's answer needs no request: it knows a already.
    p.log.clear();
    const auto to_a = sin_of(addr_a, 9);
    REQUIRE(p.b.sendto(ub, "x", 1, 0, sa(to_a), sizeof to_a) == 1);
    CHECK(p.log.count(1, ksock::eth_p_arp) == 0);
    CHECK(neigh_state(p.b, addr_a) == ksock::nud_delay); // STALE used: checked in 5 s
    p.a.close(ua);
    p.b.close(ub);
}

TEST_CASE("arp: packets parked while resolving, the oldest dropped past unres_qlen") {
    wire_pair& p = wire_pair::fresh(true);
    const int ua = udp_bound(p.a, 0, 0);
    const int ub = udp_bound(p.b, addr_b, 5000);
    const auto to_b = sin_of(addr_b, 5000);
    const std::size_t skbs_before = p.a.skbs_in_use();
    for (char c = '1'; c <= '5'; ++c)
        REQUIRE(p.a.sendto(ua, &c, 1, 0, sa(to_b), sizeof to_b) == 1);
    // Three wait (Config::neigh_unres_qlen), two were dropped; one request.
    CHECK(p.a.skbs_in_use() == skbs_before + 3 + 0);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 1);
    p.run(3);
    char got[3] = {};
    for (char& g : got)
        CHECK(recv_n(p.b, ub, &g, 1) == 1);
    CHECK(std::memcmp(got, "345", 3) == 0); // in order, the newest three
    char extra = 0;
    CHECK(recv_n(p.b, ub, &extra, 1) == -ksock::eagain);
    CHECK(p.a.locked([](auto& ctx) { return in::ipv4_tables(ctx).neigh_stats.unres_discards; }) ==
          2);
    p.a.close(ua);
    p.b.close(ub);
    p.run(1);
    CHECK(p.a.skbs_in_use() == 0);
}

TEST_CASE("arp: three probes a second apart, then FAILED: ICMP host unreachable to ourselves") {
    wire_pair& p = wire_pair::fresh();
    // A connected socket with IP_RECVERR hears EHOSTUNREACH, one without
    // hears nothing (as on the host); a raw ICMP socket sees the errors.
    const int with = udp_bound(p.a, 0, 0);
    const int without = udp_bound(p.a, 0, 0);
    const int raw =
        p.a.socket(ksock::af_inet, ksock::sock_raw | ksock::sock_nonblock, ksock::ipproto_icmp);
    REQUIRE(raw >= 0);
    const int one = 1;
    REQUIRE(p.a.setsockopt(with, ksock::sol_ip, ksock::ip_recverr, &one, sizeof one) == 0);
    const auto to = sin_of(nobody, 9);
    REQUIRE(p.a.connect(with, sa(to), sizeof to) == 0);
    REQUIRE(p.a.connect(without, sa(to), sizeof to) == 0);
    REQUIRE(p.a.send(with, "a", 1, 0) == 1);
    REQUIRE(p.a.send(without, "b", 1, 0) == 1);
    CHECK(p.a.next_timer() == 1000); // the next probe
    // Requests at 0, 1000 and 2000 ms; FAILED at 3000.
    p.run(999);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 1);
    p.run(2);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 2);
    p.run(1000);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 3);
    CHECK(neigh_state(p.a, nobody) == ksock::nud_incomplete);
    p.run(998); // 2999 ms
    CHECK(neigh_state(p.a, nobody) == ksock::nud_incomplete);
    p.run(2);
    CHECK(neigh_state(p.a, nobody) == ksock::nud_failed);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 3);
    char buf[64];
    CHECK(p.a.recv(with, buf, sizeof buf, ksock::msg_dontwait) == -ksock::ehostunreach);
    CHECK(p.a.recv(without, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain);
    int err = -1;
    ksock::socklen_t len = sizeof err;
    CHECK(p.a.getsockopt(without, ksock::sol_socket, ksock::so_error, &err, &len) == 0);
    CHECK(err == 0);
    // Two errors, from our own address to our own address, TOS 0xc0, type 3
    // code 1, quoting the packets that waited.
    for (int i = 0; i < 2; ++i) {
        const long n = p.a.recv(raw, buf, sizeof buf, ksock::msg_dontwait);
        REQUIRE(n == 20 + 8 + 20 + 8 + 1);
        std::uint32_t src = 0, dst = 0;
        std::memcpy(&src, buf + 12, 4);
        std::memcpy(&dst, buf + 16, 4);
        CHECK(src == addr_a);
        CHECK(dst == addr_a);
        CHECK(static_cast<unsigned char>(buf[1]) == 0xc0);
        CHECK(buf[20] == 3);
        CHECK(buf[21] == 1);
        CHECK(buf[20 + 8 + 28] == (i == 0 ? 'a' : 'b'));
    }
    CHECK(p.a.recv(raw, buf, sizeof buf, ksock::msg_dontwait) == -ksock::eagain);
    const auto mib = in::iproute::snmp(p.a);
    CHECK(mib.icmp.out_dest_unreachs == 2);
    CHECK(mib.icmp.in_dest_unreachs == 2);
    CHECK(p.a.next_timer() > 1000); // no probe armed: only b's entry, REACHABLE
    // A new packet starts it all again.
    p.log.clear();
    REQUIRE(p.a.send(without, "c", 1, 0) == 1);
    CHECK(neigh_state(p.a, nobody) == ksock::nud_incomplete);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 1);
    p.a.close(with);
    p.a.close(without);
    p.a.close(raw);
    p.run(3001);
    CHECK(p.a.skbs_in_use() == 0);
    CHECK(p.a.empty());
}

TEST_CASE("neighbour: REACHABLE, STALE, DELAY, PROBE with Linux's times") {
    wire_pair& p = wire_pair::fresh();
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_reachable);
    const unsigned long reach =
        p.a.locked([](auto& ctx) { return in::ipv4_tables(ctx).in_dev[eth0 - 1].reachable_time; });
    // neigh_rand_reach_time: [15 s, 45 s) for a base of 30 s.
    CHECK(reach >= 15000);
    CHECK(reach < 45000);
    p.run(reach + 10);
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_stale);
    // Used while STALE: DELAY for delay_first_probe_time (5 s), then PROBE
    // with a unicast request, answered: REACHABLE.
    const int ua = udp_bound(p.a, 0, 0);
    const auto to_b = sin_of(addr_b, 9);
    p.log.clear();
    REQUIRE(p.a.sendto(ua, "x", 1, 0, sa(to_b), sizeof to_b) == 1);
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_delay);
    CHECK(p.log.count(0, ksock::eth_p_ip) == 1); // it left at once, with the old address
    p.run(4990);
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_delay);
    p.log.clear();
    p.run(20);
    REQUIRE(p.log.count(0, ksock::eth_p_arp) == 1);
    CHECK(std::memcmp(p.log.e[0].head, mac_b, 6) == 0); // unicast probe
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_reachable);
    // b stops answering: three unicast probes, then FAILED.
    p.run(reach + 10);
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_stale);
    p.w.loss = 100;
    REQUIRE(p.a.sendto(ua, "y", 1, 0, sa(to_b), sizeof to_b) == 1);
    p.log.clear();
    p.run(5000 + 3000 + 10);
    CHECK(p.log.count(0, ksock::eth_p_arp) == 3);
    CHECK(neigh_state(p.a, addr_b) == ksock::nud_failed);
    p.a.close(ua);
}

TEST_CASE("neighbour: a full table is EINVAL while every entry is resolving, forced gc after") {
    wire_pair& p = wire_pair::fresh(true); // Config::neigh_entries is 4
    const int ua = udp_bound(p.a, 0, 0);
    for (unsigned i = 0; i < 4; ++i) {
        const auto to = sin_of(in::ipv4(192, 0, 2, 10 + i), 9);
        REQUIRE(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    }
    CHECK(in::iproute::neigh_count(p.a) == 4);
    const auto to5 = sin_of(in::ipv4(192, 0, 2, 20), 9);
    const std::size_t skbs = p.a.skbs_in_use();
    CHECK(p.a.sendto(ua, "x", 1, 0, sa(to5), sizeof to5) == -ksock::einval);
    CHECK(p.a.skbs_in_use() == skbs);
    CHECK(p.a.locked([](auto& ctx) { return in::ipv4_tables(ctx).neigh_stats.table_fulls; }) == 1);
    CHECK(in::iproute::snmp(p.a).ip.out_discards == 1);
    p.run(3001); // all four FAILED: the forced gc may take them
    CHECK(p.a.sendto(ua, "x", 1, 0, sa(to5), sizeof to5) == 1);
    CHECK(in::iproute::neigh_count(p.a) == 1);
    p.a.close(ua);
}

TEST_CASE("arp: a device going down takes its entries and what they parked") {
    wire_pair& p = wire_pair::fresh();
    const int ua = udp_bound(p.a, 0, 0);
    const auto to = sin_of(nobody, 9);
    REQUIRE(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == 1);
    CHECK(in::iproute::neigh_count(p.a) == 2);
    CHECK(p.a.dev_close(eth0) == 0);
    CHECK(in::iproute::neigh_count(p.a) == 0);
    CHECK(p.a.next_timer() == -1);
    // No route through a device that is down.
    CHECK(p.a.sendto(ua, "x", 1, 0, sa(to), sizeof to) == -ksock::enetunreach);
    CHECK(in::iproute::snmp(p.a).ip.out_no_routes == 1);
    p.a.close(ua);
    CHECK(p.a.skbs_in_use() == 0);
}

TEST_CASE("arp: arp_notify announces a device that comes up; no announcement for an address") {
    wire_pair& p = wire_pair::fresh();
    CHECK(in::iproute::addr_add(p.a, eth0, in::ipv4(192, 0, 2, 7), 24) == 0);
    CHECK(p.log.n == 0); // Linux sends nothing when an address is added
    in::ipv4_net(p.a).sysctl.arp_notify = 1;
    p.a.dev_close(eth0);
    p.a.dev_open(eth0);
    REQUIRE(p.log.count(0, ksock::eth_p_arp) == 2); // each address of the device
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& g = p.log.e[i];
        CHECK(g.arp_op() == ksock::arpop_request);
        CHECK(std::memcmp(g.head, bcast, 6) == 0);
        CHECK(g.ip_at(28) == g.ip_at(38)); // spa == tpa
    }
}

TEST_CASE(
    "arp: requests answered for any local address, DAD probes answered, hostile ones dropped") {
    wire_pair& p = wire_pair::fresh(true);
    const unsigned char peer[6] = {0x02, 0, 0, 0, 0, 0x33};
    const std::uint32_t peer_ip = in::ipv4(192, 0, 2, 33);
    auto send_arp = [&](unsigned op, std::uint32_t sip, std::uint32_t tip, unsigned hrd = 1,
                        unsigned pro = 0x0800, unsigned hln = 6, unsigned pln = 4,
                        std::size_t cut = 0) {
        frame_buf f;
        eth_hdr(f, bcast, peer, ksock::eth_p_arp);
        arp_pkt(f, op, peer, sip, zero6, tip, hrd, pro, hln, pln);
        p.w.inject(0, f.b, f.n - cut);
        p.log.clear();
        p.run(1);
        return p.log.count(0, ksock::eth_p_arp);
    };
    // A request for a's address: answered, the sender learnt (STALE).
    CHECK(send_arp(ksock::arpop_request, peer_ip, addr_a) == 1);
    CHECK(p.log.e[0].arp_op() == ksock::arpop_reply);
    CHECK(std::memcmp(p.log.e[0].head, peer, 6) == 0);
    CHECK(neigh_state(p.a, peer_ip) == ksock::nud_stale);
    // For a's lo address: not on the wire (loopback targets are dropped).
    CHECK(send_arp(ksock::arpop_request, peer_ip, in::ipv4(127, 0, 0, 1)) == 0);
    // A duplicate-address probe (sender 0.0.0.0) for a's address: answered.
    CHECK(send_arp(ksock::arpop_request, 0, addr_a) == 1);
    CHECK(p.log.e[0].ip_at(38) == 0);
    // Someone else's address: no answer, nothing learnt (arp_accept 0).
    CHECK(send_arp(ksock::arpop_request, in::ipv4(192, 0, 2, 34), in::ipv4(192, 0, 2, 35)) == 0);
    CHECK(neigh_state(p.a, in::ipv4(192, 0, 2, 34)) == -1);
    // Malformed: each dropped, nothing answered or learnt.
    const std::uint32_t evil = in::ipv4(192, 0, 2, 66);
    CHECK(send_arp(ksock::arpop_request, evil, addr_a, 6) == 0);                 // ar_hrd
    CHECK(send_arp(ksock::arpop_request, evil, addr_a, 1, 0x86dd) == 0);         // ar_pro
    CHECK(send_arp(ksock::arpop_request, evil, addr_a, 1, 0x800, 8) == 0);       // ar_hln
    CHECK(send_arp(ksock::arpop_request, evil, addr_a, 1, 0x800, 6, 16) == 0);   // ar_pln
    CHECK(send_arp(3, evil, addr_a) == 0);                                       // opcode
    CHECK(send_arp(ksock::arpop_request, evil, addr_a, 1, 0x800, 6, 4, 1) == 0); // short
    CHECK(send_arp(ksock::arpop_request, in::ipv4(224, 0, 0, 1), addr_a) == 0);  // mcast sender
    CHECK(send_arp(ksock::arpop_request, evil, in::ipv4(224, 0, 0, 1)) == 0);    // mcast target
    CHECK(neigh_state(p.a, evil) == -1);
    CHECK(in::iproute::neigh_count(p.a) == 1);
    CHECK(p.a.skbs_in_use() == 0);
}
