// test/inet/ip/ip_input.cpp: what ip_rcv does with hostile or odd packets
// from a wire (inet/ip/ip_input.hpp), each injected on the virtual link and
// judged by the counters Linux keeps for it. The expected counts are a
// 6.18 host's, for the same bytes sent into a veth pair by a packet
// socket: bad checksum, version or ihl, shorter than a header: InHdrErrors;
// not ours: InAddrErrors; malformed options: InHdrErrors and a parameter
// problem; a source route: dropped uncounted; a loopback source: dropped
// uncounted; UDP with a bad length or checksum: Udp InErrors (and
// InCsumErrors); an unknown protocol: InUnknownProtos and protocol
// unreachable; an unknown ethertype: the device's rx_dropped; a frame for
// another MAC: rx_otherhost_dropped.
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/iproute.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/in.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"

using namespace ksock_test;
namespace in = ksock::inet;

namespace {
constexpr std::uint32_t peer = in::ipv4(192, 0, 2, 2); // b's address, played by the test

//! Inject \p f toward a and run; returns the counter deltas of a.
struct deltas {
    in::ipv4_mib before, after;
    ksock::rtnl_link_stats64 dev_before, dev_after;
    unsigned long ip(unsigned long in::ip_mib::*m) const { return after.ip.*m - before.ip.*m; }
    unsigned long udp(unsigned long in::udp_mib::*m) const { return after.udp.*m - before.udp.*m; }
    unsigned long icmp(unsigned long in::icmp_mib::*m) const {
        return after.icmp.*m - before.icmp.*m;
    }
};
deltas inject(wire_pair& p, const frame_buf& f) {
    deltas d;
    d.before = in::iproute::snmp(p.a);
    d.dev_before = p.a.netdev(eth0)->stats;
    p.w.inject(0, f.b, f.n);
    p.run(2);
    d.after = in::iproute::snmp(p.a);
    d.dev_after = p.a.netdev(eth0)->stats;
    return d;
}
frame_buf ip_frame(unsigned proto, std::size_t payload, const ip_opts& o = {},
                   std::uint32_t src = peer, std::uint32_t dst = addr_a,
                   const unsigned char* dmac = mac_a) {
    frame_buf f;
    eth_hdr(f, dmac, mac_b, ksock::eth_p_ip);
    ip_hdr(f, src, dst, proto, payload, o);
    return f;
}
} // namespace

TEST_CASE("ip_input: malformed headers are InHdrErrors, as on the host") {
    wire_pair& p = wire_pair::fresh();
    using m = in::ip_mib;
    {
        ip_opts o;
        o.bad_csum = true;
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_receives) == 1);
        CHECK(d.ip(&m::in_hdr_errors) == 1);
        CHECK(d.ip(&m::in_csum_errors) == 1);
        CHECK(d.ip(&m::in_delivers) == 0);
    }
    {
        ip_opts o;
        o.version = 6;
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        CHECK(inject(p, f).ip(&m::in_hdr_errors) == 1);
    }
    {
        ip_opts o;
        o.ihl_words = 4;
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        CHECK(inject(p, f).ip(&m::in_hdr_errors) == 1);
    }
    {
        frame_buf f;
        eth_hdr(f, mac_a, mac_b, ksock::eth_p_ip);
        f.u8(0x45);
        f.zeros(15); // 16 bytes: shorter than a header
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_receives) == 1);
        CHECK(d.ip(&m::in_hdr_errors) == 1);
    }
    {
        ip_opts o;
        o.tot_len = 128; // longer than the frame
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_truncated_pkts) == 1);
        CHECK(d.ip(&m::in_hdr_errors) == 0);
    }
    {
        ip_opts o;
        o.tot_len = 19; // below ihl
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        CHECK(inject(p, f).ip(&m::in_hdr_errors) == 1);
    }
    CHECK(p.a.skbs_in_use() == 0);
}

TEST_CASE("ip_input: not ours, martians, options") {
    wire_pair& p = wire_pair::fresh();
    using m = in::ip_mib;
    {
        frame_buf f = ip_frame(17, 8, {}, peer, in::ipv4(192, 0, 2, 77));
        f.zeros(8);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_addr_errors) == 1);
        CHECK(d.ip(&m::in_delivers) == 0);
    }
    {
        frame_buf f = ip_frame(17, 8, {}, in::ipv4(127, 0, 0, 1));
        f.zeros(8);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_receives) == 1);
        CHECK(d.ip(&m::in_addr_errors) == 0); // a martian: dropped, uncounted
        CHECK(d.ip(&m::in_delivers) == 0);
    }
    {
        frame_buf f = ip_frame(17, 8, {}, peer, in::ipv4(127, 0, 0, 1));
        f.zeros(8);
        CHECK(inject(p, f).ip(&m::in_delivers) == 0);
    }
    {
        // RR with a length past the header: InHdrErrors, parameter problem
        // pointing at the option (byte 20).
        const unsigned char bad[4] = {7, 9, 4, 0};
        ip_opts o;
        o.options = bad;
        o.options_len = 4;
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        p.log.clear();
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_hdr_errors) == 1);
        CHECK(d.icmp(&in::icmp_mib::out_parm_probs) == 1);
        REQUIRE(p.log.count(0, ksock::eth_p_ip) == 1);
        CHECK(p.log.e[0].head[34] == 12);
        CHECK(p.log.e[0].head[38] == 20);
        CHECK(p.log.e[0].head[15] == 0xc0); // TOS
    }
    {
        // A loose source route: dropped (accept_source_route is 0).
        const unsigned char lsrr[8] = {0x83, 7, 4, 192, 0, 2, 1, 0};
        ip_opts o;
        o.options = lsrr;
        o.options_len = 8;
        frame_buf f = ip_frame(17, 8, o);
        f.zeros(8);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_receives) == 1);
        CHECK(d.ip(&m::in_hdr_errors) == 0);
        CHECK(d.ip(&m::in_delivers) == 0);
    }
    {
        // Harmless options (NOPs): delivered; to a closed port, so answered.
        const unsigned char nops[4] = {1, 1, 1, 0};
        ip_opts o;
        o.options = nops;
        o.options_len = 4;
        frame_buf f;
        eth_hdr(f, mac_a, mac_b, ksock::eth_p_ip);
        ip_hdr(f, peer, addr_a, 17, 8, o);
        udp_pkt(f, peer, addr_a, 1234, 9, nullptr, 0);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_delivers) == 1);
        CHECK(d.udp(&in::udp_mib::no_ports) == 1);
        CHECK(d.icmp(&in::icmp_mib::out_dest_unreachs) == 1);
    }
    CHECK(p.a.skbs_in_use() == 0);
}

TEST_CASE("ip_input: UDP and ICMP errors, unknown protocols, link-level drops") {
    wire_pair& p = wire_pair::fresh();
    using m = in::ip_mib;
    {
        frame_buf f = ip_frame(17, 8);
        udp_pkt(f, peer, addr_a, 1234, 9, nullptr, 0, 0, 20); // UDP length 20 > 8
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_delivers) == 1);
        CHECK(d.udp(&in::udp_mib::in_errors) == 1);
        CHECK(d.udp(&in::udp_mib::in_csum_errors) == 0);
        CHECK(d.udp(&in::udp_mib::no_ports) == 0);
    }
    {
        frame_buf f = ip_frame(17, 10);
        udp_pkt(f, peer, addr_a, 1234, 9, "ab", 2, 0x1234);
        const deltas d = inject(p, f);
        CHECK(d.udp(&in::udp_mib::in_errors) == 1);
        CHECK(d.udp(&in::udp_mib::in_csum_errors) == 1);
        CHECK(d.icmp(&in::icmp_mib::out_dest_unreachs) == 0); // no answer to a bad one
    }
    {
        frame_buf f = ip_frame(1, 8);
        icmp_pkt(f, 8, 0, 1, 1, nullptr, 0, true);
        const deltas d = inject(p, f);
        CHECK(d.icmp(&in::icmp_mib::in_msgs) == 1);
        CHECK(d.icmp(&in::icmp_mib::in_errors) == 1);
        CHECK(d.icmp(&in::icmp_mib::in_csum_errors) == 1);
        CHECK(d.icmp(&in::icmp_mib::out_echo_reps) == 0);
    }
    {
        frame_buf f = ip_frame(99, 8);
        f.zeros(8);
        const deltas d = inject(p, f);
        CHECK(d.ip(&m::in_unknown_protos) == 1);
        CHECK(d.ip(&m::in_delivers) == 0);
        CHECK(d.icmp(&in::icmp_mib::out_dest_unreachs) == 1);
    }
    {
        frame_buf f;
        eth_hdr(f, mac_a, mac_b, 0x88b5); // nobody's ethertype
        f.zeros(46);
        const deltas d = inject(p, f);
        CHECK(d.dev_after.rx_dropped - d.dev_before.rx_dropped == 1);
        CHECK(d.dev_after.rx_packets - d.dev_before.rx_packets == 1);
    }
    {
        const unsigned char other[6] = {0x02, 0, 0, 0, 0, 0x99};
        frame_buf f = ip_frame(17, 8, {}, peer, addr_a, other);
        udp_pkt(f, peer, addr_a, 1234, 9, nullptr, 0);
        const deltas d = inject(p, f);
        CHECK(d.dev_after.rx_otherhost_dropped - d.dev_before.rx_otherhost_dropped == 1);
        CHECK(d.ip(&m::in_receives) == 0);
    }
    {
        // A runt: shorter than an Ethernet header.
        frame_buf f;
        f.zeros(10);
        const deltas d = inject(p, f);
        CHECK(d.dev_after.rx_length_errors - d.dev_before.rx_length_errors == 1);
        CHECK(d.dev_after.rx_errors - d.dev_before.rx_errors == 1);
    }
    {
        // Padding past the datagram (a minimal Ethernet frame) is trimmed:
        // the datagram is delivered with its own length.
        const int ua = udp_bound(p.a, addr_a, 4444);
        frame_buf f = ip_frame(17, 8 + 2);
        udp_pkt(f, peer, addr_a, 1234, 4444, "hi", 2);
        f.zeros(60 - f.n); // pad to ETH_ZLEN
        inject(p, f);
        char buf[16];
        CHECK(p.a.recv(ua, buf, sizeof buf, ksock::msg_dontwait) == 2);
        p.a.close(ua);
    }
    CHECK(p.a.skbs_in_use() == 0);
}
