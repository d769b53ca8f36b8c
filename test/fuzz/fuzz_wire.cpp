// test/fuzz/fuzz_wire.cpp: libFuzzer harness of the receive path. Each input
// drives a fresh stack, ksock at 192.0.2.2/24 on one Ethernet device (a
// default route via 192.0.2.1), with the sockets the receive path delivers
// to: UDP bound and connected (one with IP_RECVERR), a ping socket and a raw
// ICMP socket. The input is a sequence of operations, most of them frames
// into the device's receive ring: ARP, IPv4 with UDP or ICMP (errors quoting
// the stack's own datagrams, so that they reach its sockets), fragments of
// a few datagrams, any protocol with options, or raw bytes; each field is
// drawn from a set of values that matter or taken as it comes, lengths and
// checksums right or wrong as the input says. Between frames: the clock
// (neighbour timers, fragment expiry), the device's transmit ring full or
// not, and sends from the sockets (ARP resolution, packets parked, a
// datagram fragmented), receives that drain them.
//
// After every operation the harness checks, and aborts on the first
// violation:
//  * s.check_invariants();
//  * no skb more than the pool has, and no counter of ip_rcv's went down;
//  * every frame the stack transmits is well-formed: our MAC as its
//    source, ARP for IPv4 over Ethernet from our address, or IPv4 of
//    version 4 with a right header checksum, a total length that is the
//    frame's, our address as source (or 0.0.0.0 for none), a non-zero TTL,
//    and a right UDP or ICMP checksum on an unfragmented datagram;
//  * an ICMP message the stack sends is an echo reply, a destination
//    unreachable, a time exceeded or a parameter problem, and an error is
//    never sent about an ICMP error (RFC 1122 3.2.2).
// At the end of each input every socket is closed and the clock runs past
// every timer (fragments' 30 s, the neighbours'); then the transmit queue
// is empty, no skb is left and s.empty() holds.
//
// The frames received, the frames sent and the inputs are printed at exit;
// with KSOCK_FUZZ_WIRE_MIN_FRAMES set, fewer frames received fail the run.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/ksock.hpp>

#include "fuzz_frames.hpp"

namespace {

using namespace ksock;

unsigned long inputs = 0, frames_out = 0;

//! An outgoing frame, judged (the invariants on what the stack sends).
void check_out(const unsigned char* f, std::size_t n) {
    ++frames_out;
    FUZZ_CHECK(n >= 14 && n <= 1514, n, 0);
    FUZZ_CHECK(std::memcmp(f + 6, our_mac, 6) == 0, f[11], 0);
    const unsigned type = static_cast<unsigned>(f[12] << 8 | f[13]);
    if (type == 0x0806) {
        FUZZ_CHECK(n >= 42, n, 0);
        const unsigned char* a = f + 14;
        FUZZ_CHECK(a[0] == 0 && a[1] == 1 && a[2] == 8 && a[3] == 0 && a[4] == 6 && a[5] == 4, a[1],
                   a[2]);
        FUZZ_CHECK(a[6] == 0 && (a[7] == 1 || a[7] == 2), a[7], 0);
        FUZZ_CHECK(std::memcmp(a + 8, our_mac, 6) == 0, a[13], 0);
        FUZZ_CHECK(std::memcmp(a + 14, &our_ip, 4) == 0, a[17], 0);
        return;
    }
    FUZZ_CHECK(type == 0x0800, type, 0);
    FUZZ_CHECK(n >= 34, n, 0);
    const unsigned char* ip = f + 14;
    const std::size_t ihl = (ip[0] & 0x0f) * 4u;
    const std::size_t tot = static_cast<std::size_t>(ip[2] << 8 | ip[3]);
    FUZZ_CHECK((ip[0] >> 4) == 4 && ihl >= 20, ip[0], 0);
    FUZZ_CHECK(tot == n - 14 && tot >= ihl, tot, n);
    FUZZ_CHECK(csum(ip, ihl) == 0, ip[10], ip[11]);
    FUZZ_CHECK(ip[8] != 0, ip[8], 0);
    std::uint32_t src = 0;
    std::memcpy(&src, ip + 12, 4);
    FUZZ_CHECK(src == our_ip || src == 0, src, 0);
    const bool fragment = (ip[6] & 0x3f) || ip[7]; // MF or an offset
    const unsigned char* l4 = ip + ihl;
    const std::size_t l4len = tot - ihl;
    if (ip[9] == 1 && !(ip[6] & 0x1f) && !ip[7]) { // ICMP, the first fragment or all
        FUZZ_CHECK(l4len >= 8, l4len, 0);
        const unsigned t = l4[0];
        FUZZ_CHECK(t == 0 || t == 3 || t == 11 || t == 12 || t == 8, t, l4[1]);
        if (!fragment)
            FUZZ_CHECK(csum(l4, l4len) == 0, t, l4len);
        if (t == 3 || t == 11 || t == 12) {
            // An error quotes a datagram; never an ICMP error.
            FUZZ_CHECK(l4len >= 8 + 20, l4len, t);
            const unsigned char* q = l4 + 8;
            const std::size_t qihl = (q[0] & 0x0f) * 4u;
            if (q[9] == 1 && l4len >= 8 + qihl + 1) {
                const unsigned qt = q[qihl];
                FUZZ_CHECK(qt == 0 || qt == 8 || qt == 13 || qt == 14 || qt == 15 || qt == 16 ||
                               qt == 17 || qt == 18 || qt > 18,
                           qt, t);
            }
        }
    }
    if (ip[9] == 17 && !fragment) {
        FUZZ_CHECK(l4len >= 8 && static_cast<std::size_t>(l4[4] << 8 | l4[5]) == l4len, l4len, 0);
        if (l4[6] || l4[7])
            FUZZ_CHECK(csum(l4, l4len, pseudo(ip, 17, l4len)) == 0, l4[6], l4[7]);
    }
}

using fuzz_dev = fuzz_eth<4>;

struct wire_config : default_config {
    using devices = type_list<drivers::loopback, fuzz_dev>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    template <class Proto>
    static constexpr std::size_t proto_objects = 4;
    static constexpr std::size_t skbs = 32;
    static constexpr std::size_t skb_data_size = 512; // a frame spans chains of skbs
    static constexpr std::size_t neigh_entries = 4;
    static constexpr std::size_t neigh_unres_qlen = 3;
    static constexpr std::size_t fib_entries = 4;
    static constexpr std::size_t ipfrag_queues = 2;
    static constexpr std::size_t ipfrag_max_size = 4096;
};
using S = stack<wire_config>;
constexpr int eth0 = S::ifindex_of<fuzz_dev>();

struct reader : fuzz_reader {
    std::uint32_t addr(bool dst) {
        static const std::uint32_t src_set[] = {
            peer_ip,     inet::ipv4(192, 0, 2, 3),  0,
            0xffffffffu, inet::ipv4(127, 0, 0, 1),  inet::ipv4(224, 0, 0, 1),
            our_ip,      inet::ipv4(192, 0, 2, 255)};
        static const std::uint32_t dst_set[] = {our_ip,
                                                our_ip,
                                                our_ip,
                                                inet::ipv4(192, 0, 2, 255),
                                                0xffffffffu,
                                                inet::ipv4(192, 0, 2, 77),
                                                inet::ipv4(127, 0, 0, 1),
                                                inet::ipv4(224, 0, 0, 1)};
        const unsigned k = u8();
        if (k >= 0xf0) {
            std::uint32_t a = 0;
            for (int i = 0; i < 4; ++i)
                a = a << 8 | u8();
            return a;
        }
        return (dst ? dst_set : src_set)[k % 8];
    }
    unsigned port() {
        static const unsigned set[] = {7, 9, 53, 33434, 1024, 0};
        const unsigned k = u8();
        return k >= 0xf0 ? u16() : set[k % 6];
    }
};

//! One input's run: the stack set up, the operations, the checks.
struct harness {
    S& s;
    reader in;
    int fds[5] = {-1, -1, -1, -1, -1};
    inet::ip_mib last{};

    fuzz_dev& dev() { return s.device<fuzz_dev>(); }

    void after(long r = 0) {
        const auto inv = s.check_invariants();
        if (!inv.ok)
            fail(inv.what, __FILE__, __LINE__, r, 0);
        FUZZ_CHECK(r >= -4095, r, 0);
        FUZZ_CHECK(s.skbs_in_use() <= wire_config::skbs, s.skbs_in_use(), 0);
        const inet::ip_mib m = inet::iproute::snmp(s).ip;
        FUZZ_CHECK(m.in_receives >= last.in_receives && m.in_hdr_errors >= last.in_hdr_errors &&
                       m.in_delivers >= last.in_delivers,
                   m.in_receives, last.in_receives);
        FUZZ_CHECK(m.in_receives >= m.in_hdr_errors + m.in_addr_errors, m.in_receives,
                   m.in_hdr_errors);
        last = m;
    }

    int udp(std::uint32_t addr, unsigned port, std::uint32_t peer, unsigned pport) {
        const int fd = s.socket(af_inet, sock_dgram | sock_nonblock, 0);
        sockaddr_in a{};
        a.sin_family = af_inet;
        a.sin_addr.s_addr = addr;
        a.sin_port = cpu_to_be16(static_cast<std::uint16_t>(port));
        s.bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
        if (peer) {
            a.sin_addr.s_addr = peer;
            a.sin_port = cpu_to_be16(static_cast<std::uint16_t>(pport));
            s.connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a);
        }
        return fd;
    }

    void setup() {
        const unsigned h = in.u8();
        auto& sys = inet::ipv4_net(s).sysctl;
        sys.ping_group_range[0] = 0;
        sys.ping_group_range[1] = 0;
        sys.arp_accept = h & 1;
        sys.icmp_echo_ignore_broadcasts = (h >> 1) & 1;
        sys.arp_notify = (h >> 2) & 1;
        FUZZ_CHECK(inet::iproute::addr_add(s, eth0, our_ip, 24) == 0, 0, 0);
        FUZZ_CHECK(s.dev_open(eth0) == 0, 0, 0);
        FUZZ_CHECK(inet::iproute::route_add(s, 0, 0, peer_ip, eth0) == 0, 0, 0);
        fds[0] = udp(0, 7, 0, 0);
        fds[1] = udp(our_ip, 9, peer_ip, 9);
        fds[2] = udp(0, 53, inet::ipv4(192, 0, 2, 3), 53);
        const int on = 1;
        s.setsockopt(fds[2], ipproto_ip, ip_recverr, &on, sizeof on);
        fds[3] = s.socket(af_inet, sock_dgram | sock_nonblock, ipproto_icmp);
        fds[4] = s.socket(af_inet, sock_raw | sock_nonblock, ipproto_icmp);
        after();
    }

    void eth(frame& f, unsigned type) {
        static const unsigned char macs[4][6] = {{0x02, 0, 0, 0, 0, 2},
                                                 {0xff, 0xff, 0xff, 0xff, 0xff, 0xff},
                                                 {0x02, 0, 0, 0, 0, 9},
                                                 {0x01, 0, 0x5e, 0, 0, 1}};
        const unsigned k = in.u8();
        for (unsigned char c : macs[(k & 7) < 5 ? 0 : (k & 7) - 4])
            f.u8(c);
        const unsigned char peer[6] = {0x02, 0, 0,
                                       0,    0, static_cast<unsigned char>(k & 0x80 ? 1 : 3)};
        for (unsigned char c : peer)
            f.u8(c);
        f.u16(k >= 0xfc ? in.u16() : type);
    }

    void arp(frame& f) {
        const unsigned k = in.u8();
        f.u16(k >= 0xf8 ? in.u16() : 1);
        f.u16(k >= 0xf0 && k < 0xf8 ? in.u16() : 0x0800);
        f.u8(k == 0xe0 ? in.u8() : 6);
        f.u8(k == 0xe1 ? in.u8() : 4);
        f.u16(k & 1 ? 2 : (k & 0x40 ? in.u16() : 1));
        const unsigned char sha[6] = {0x02, 0, 0, 0, 0, static_cast<unsigned char>(k & 2 ? 1 : 3)};
        for (unsigned char c : sha)
            f.u8(c);
        f.raw32(in.addr(false));
        for (int i = 0; i < 6; ++i)
            f.u8(k & 4 ? our_mac[i] : 0);
        f.raw32(in.addr(true));
        if (k & 8)
            f.n -= in.u8() % 10; // short
    }

    //! An IPv4 header; the payload follows; finish_ip fixes lengths and sums.
    std::size_t ip(frame& f, unsigned proto, std::uint32_t src, std::uint32_t dst) {
        const std::size_t at = f.n;
        const unsigned k = in.u8();
        const std::size_t opt = k & 0x80 ? (in.u8() % 11) * 4 : 0;
        f.u8(k == 0x7f ? in.u8() : 0x45 + static_cast<unsigned>(opt / 4));
        f.u8(k & 0x40 ? in.u8() : 0);
        f.u16(0);
        f.u16(k & 0x20 ? in.u16() : 0x1234);
        static const unsigned frags[] = {0, 0x4000, 0x2000, 0x0001, 0x2010};
        f.u16(k & 0x10 ? (k & 0x08 ? in.u16() : frags[in.u8() % 5]) : 0);
        f.u8(k & 0x04 ? in.u8() : 64);
        f.u8(proto);
        f.u16(0);
        f.raw32(src);
        f.raw32(dst);
        for (std::size_t i = 0; i < opt; ++i)
            f.u8(in.u8());
        return at;
    }
    void finish_ip(frame& f, std::size_t at) {
        const unsigned k = in.u8();
        std::size_t tot = f.n - at;
        if (k & 1)
            tot = (tot + (k >> 1) * ((k & 2) ? 1 : -1)) & 0xffff;
        f.set16(at + 2, static_cast<unsigned>(tot));
        const std::size_t ihl = (f.b[at] & 0x0f) * 4u;
        if (at + ihl <= f.n)
            f.set16(at + 10, csum(f.b + at, ihl) ^ (k == 0xff ? 0x100u : 0u));
    }

    void udp_payload(frame& f, std::size_t ipat, unsigned sport, unsigned dport) {
        const std::size_t at = f.n;
        const unsigned k = in.u8();
        const std::size_t len = k & 0x80 ? in.u16() % 1480 : in.u8() % 64;
        f.u16(sport);
        f.u16(dport);
        f.u16(static_cast<unsigned>(8 + len) + (k & 1 ? in.u8() : 0));
        f.u16(0);
        for (std::size_t i = 0; i < len; ++i)
            f.u8(i < 16 ? in.u8() : static_cast<unsigned>(i));
        if (!(k & 2) && f.n - at >= 8 && ipat + 20 <= f.n) {
            unsigned c = csum(f.b + at, f.n - at, pseudo(f.b + ipat, 17, f.n - at));
            f.set16(at + 6, (c ? c : 0xffff) ^ (k & 4 ? 1u : 0u));
        }
    }

    void icmp_payload(frame& f, std::uint32_t quoted_peer) {
        const std::size_t at = f.n;
        static const unsigned types[] = {8, 0, 3, 3, 11, 12, 5, 13};
        const unsigned k = in.u8();
        const unsigned type = k >= 0xf0 ? in.u8() : types[k % 8];
        f.u8(type);
        f.u8(type == 3 ? in.u8() % 16 : (k & 0x80 ? in.u8() : 0));
        f.u16(0);
        f.u16(in.u16());
        f.u16(in.u16());
        if (type == 3 || type == 11 || type == 12 || type == 5) {
            // The quoted datagram: one of ours, or anything.
            const std::size_t q = ip(f, k & 0x40 ? 1 : 17, our_ip, quoted_peer);
            f.set16(q + 2, 28);
            f.u16(k & 0x20 ? 53 : 9);
            f.u16(k & 0x20 ? 53 : 9);
            f.u16(8);
            f.u16(0);
            f.n -= (k & 0x10) ? in.u8() % 12 : 0;
        } else {
            const std::size_t len = in.u8() % 64;
            for (std::size_t i = 0; i < len; ++i)
                f.u8(in.u8());
        }
        if (!(k & 0x08) && f.n >= at + 4)
            f.set16(at + 2, csum(f.b + at, f.n - at));
    }

    //! A fragment of one of three datagrams (UDP to port 7, or anything).
    void fragment(frame& f) {
        const unsigned k = in.u8();
        const std::uint32_t src = k & 0x80 ? peer_ip : in.addr(false);
        const std::size_t at = ip(f, 17, src, our_ip);
        const unsigned off = in.u8() % 64;
        f.set16(at + 4, k % 3 + 1);
        f.set16(at + 6, (k & 1 ? 0x2000u : 0u) | off);
        if (off == 0) {
            udp_payload(f, at, 5000, 7);
        } else {
            const std::size_t len = (in.u8() % 24) * 8 + (k & 2 ? 0 : in.u8() % 8);
            for (std::size_t i = 0; i < len; ++i)
                f.u8(static_cast<unsigned>(i));
        }
        finish_ip(f, at);
    }

    void rx(frame& f) {
        if (f.n > sizeof f.b)
            f.n = sizeof f.b;
        dev().rx = f.b;
        dev().rx_len = f.n;
        s.advance(0);
        after();
    }

    void send() {
        const unsigned k = in.u8();
        const int fd = fds[k % 4];
        static unsigned char data[4000];
        const std::size_t sizes[] = {0, 8, 1472, 1473, 3000, 4000};
        const std::size_t n = sizes[(k >> 2) % 6];
        sockaddr_in a{};
        a.sin_family = af_inet;
        const std::uint32_t to = in.addr(true);
        a.sin_addr.s_addr = to == our_ip ? peer_ip : to;
        a.sin_port = cpu_to_be16(static_cast<std::uint16_t>(in.port()));
        if (k % 4 == 3) { // an echo request from the ping socket
            data[0] = 8;
            data[1] = 0;
        }
        const bool connected = (k & 0x80) != 0;
        after(connected
                  ? s.sendto(fd, data, n, 0, nullptr, 0)
                  : s.sendto(fd, data, n, 0, reinterpret_cast<const sockaddr*>(&a), sizeof a));
    }

    void drain() {
        static unsigned char buf[4096];
        for (int fd : fds)
            for (int i = 0; i < 16 && s.recv(fd, buf, sizeof buf, msg_dontwait) >= 0; ++i) {
            }
        after();
    }

    void run() {
        setup();
        for (int ops = 0; !in.empty() && ops < 256; ++ops) {
            frame f;
            const unsigned op = in.u8() % 16;
            switch (op) {
            case 0:
            case 1:
                eth(f, 0x0806);
                arp(f);
                rx(f);
                break;
            case 2:
            case 3:
            case 4: {
                eth(f, 0x0800);
                const std::uint32_t src = in.addr(false);
                const std::uint32_t dst = in.addr(true);
                const std::size_t at = ip(f, 17, src, dst);
                const unsigned sport = in.port();
                const unsigned dport = in.port();
                udp_payload(f, at, sport, dport);
                finish_ip(f, at);
                rx(f);
                break;
            }
            case 5:
            case 6: {
                eth(f, 0x0800);
                const std::uint32_t src = in.addr(false);
                const std::uint32_t dst = in.addr(true);
                const std::size_t at = ip(f, 1, src, dst);
                icmp_payload(f, src);
                finish_ip(f, at);
                rx(f);
                break;
            }
            case 7:
            case 8:
                eth(f, 0x0800);
                fragment(f);
                rx(f);
                break;
            case 9: {
                eth(f, 0x0800);
                const unsigned proto = in.u8();
                const std::uint32_t src = in.addr(false);
                const std::uint32_t dst = in.addr(true);
                const std::size_t at = ip(f, proto, src, dst);
                for (unsigned i = 0, n = in.u8() % 64; i < n; ++i)
                    f.u8(in.u8());
                finish_ip(f, at);
                rx(f);
                break;
            }
            case 10: // raw bytes
                for (unsigned i = 0, n = in.u8(); i < n; ++i)
                    f.u8(in.u8());
                rx(f);
                break;
            case 11: {
                const unsigned k = in.u8();
                s.advance(k & 0x80 ? (k & 0x7f) * 100ul : k);
                after();
                break;
            }
            case 12:
                dev().busy = !dev().busy;
                s.advance(0);
                after();
                break;
            case 13:
            case 14:
                send();
                break;
            default:
                drain();
                break;
            }
        }
        // Everything goes: the ring frees, the sockets close, every timer
        // runs out (fragments 30 s, neighbours' gc); nothing may be left.
        dev().busy = false;
        for (int fd : fds)
            after(s.close(fd));
        for (int i = 0; i < 4; ++i)
            s.advance(61000);
        after();
        FUZZ_CHECK(s.netdev(eth0)->qstats.qlen == 0, s.netdev(eth0)->qstats.qlen, 0);
        FUZZ_CHECK(s.skbs_in_use() == 0, s.skbs_in_use(), 0);
        FUZZ_CHECK(s.empty(), 0, 0);
    }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::atexit([] {
        std::printf("fuzz_wire: %lu inputs, %lu frames received, %lu sent, %lu busy answers\n",
                    inputs, frames_in, frames_out, tx_busy);
        // A run that was to prove a number of frames and did not fails.
        const char* min = std::getenv("KSOCK_FUZZ_WIRE_MIN_FRAMES");
        if (min && frames_in < std::strtoul(min, nullptr, 10)) {
            std::printf("fuzz_wire: fewer frames than the %s required\n", min);
            std::fflush(stdout);
            std::_Exit(1);
        }
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ++inputs;
    S s; // a fresh stack for every input
    harness h{s, reader{{data, size}}};
    h.run();
    return 0;
}
