// test/interop/tap/main.cpp: ksock and the Linux kernel on one Ethernet
// link, a TAP interface in a private network namespace: the kernel at
// 192.0.2.1/24 on ktap0, ksock at 192.0.2.2 through drivers::tap. Every case
// runs both ways (sides.hpp), and every figure both hosts report is
// compared: the result and errno of each call, the data and addresses
// received, the neighbour entries, the IP header fields of the frames each
// sends (a packet socket sees them all), and the counter deltas of
// /proc/net/snmp and netstat against ksock's for the same role. Last, the
// fault device on ksock's side (lossy_tap.hpp) loses a fifth of the
// frames each way, and both sides' counts must add up with its losses.
//
// Exit 0: every comparison held; 1: one did not (each printed); 77: no
// private network namespace or TAP device here (a skip, with the reason).
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <poll.h>
#include <string>
#include <vector>

#include <linux/sock_diag.h>

#include "harness.hpp"
#include "support/wire_frames.hpp"

using namespace tap_interop;

namespace {

constexpr int exit_skip = 77;
constexpr const char* ifname = "ktap0";
const std::uint32_t k_addr = htonl(0xc0000201); // 192.0.2.1
const std::uint32_t x_addr = htonl(0xc0000202); // 192.0.2.2
const std::uint32_t nobody = htonl(0xc0000209); // 192.0.2.9: no host answers

struct world {
    tap_stack s;
    kernel_side kernel;
    std::unique_ptr<ksock_side> ks;
    sniffer sniff;
    std::vector<seen> log;
    int k_ifindex = 0;
    long direct_frames = 0, direct_bytes = 0; //!< written into the TAP by the test itself
};
world* w = nullptr;

//! The link run (harness.hpp), every frame logged as it goes.
bool pump(const std::function<bool()>& done, int ms, bool real = true) {
    return tap_interop::pump(w->s, done, ms, real, [] { w->sniff.drain(w->log); });
}
void settle(int ms = 20) {
    pump([] { return false; }, ms);
}

counters delta(const counters& before, const counters& after) {
    counters d;
    for (const auto& [k, v] : after)
        d[k] = v - (before.count(k) ? before.at(k) : 0);
    return d;
}

//! What one direction of a case did: both hosts' counter deltas, and the
//! frames of the link (the log's range).
struct run {
    counters from, to;
    std::size_t first, last;
};

//! Run \p body(from, to) and measure it.
run measured(side& from, side& to, const std::function<void(side&, side&)>& body) {
    settle(5);
    run r;
    const counters f0 = from.snmp(), t0 = to.snmp();
    r.first = w->log.size();
    body(from, to);
    settle(10);
    r.from = delta(f0, from.snmp());
    r.to = delta(t0, to.snmp());
    r.last = w->log.size();
    return r;
}

//! The deltas of ksock's counters in one direction against the kernel's in
//! the same role in the other: every counter ksock keeps.
void compare_roles(const run& k_sends, const run& x_sends) {
    for (const auto& [key, v] : x_sends.from)
        same(k_sends.from.count(key) ? k_sends.from.at(key) : -1, v,
             std::string("sender's ") + key + " (kernel vs ksock)");
    for (const auto& [key, v] : k_sends.to)
        same(x_sends.to.count(key) ? x_sends.to.at(key) : -1, v,
             std::string("receiver's ") + key + " (kernel vs ksock)");
}

//! The IPv4 frames of \p r sent by the kernel (\p by_kernel) or by ksock.
std::vector<const seen*> ip_frames(const run& r, bool by_kernel, unsigned proto = 0) {
    std::vector<const seen*> v;
    for (std::size_t i = r.first; i < r.last; ++i) {
        const seen& f = w->log[i];
        if (f.from_kernel == by_kernel && f.ethertype() == 0x0800 && (!proto || f.ip(9) == proto))
            v.push_back(&f);
    }
    return v;
}

//! Both hosts' IPv4 headers of the same role agree: length, TOS, DF, TTL,
//! protocol, a good checksum.
void compare_headers(const std::vector<const seen*>& k, const std::vector<const seen*>& x,
                     const char* what) {
    same(static_cast<long>(k.size()), static_cast<long>(x.size()), std::string(what) + " frames");
    for (std::size_t i = 0; i < k.size() && i < x.size(); ++i) {
        const seen& a = *k[i];
        const seen& b = *x[i];
        const std::string n = std::string(what) + " #" + std::to_string(i) + " ";
        same(static_cast<long>(a.b.size()), static_cast<long>(b.b.size()), n + "frame length");
        same(a.ip(1), b.ip(1), n + "TOS");
        same(a.ip(6) & 0xe0, b.ip(6) & 0xe0, n + "flags (DF, MF)");
        same((a.ip(6) & 0x1f) << 8 | a.ip(7), (b.ip(6) & 0x1f) << 8 | b.ip(7), n + "offset");
        same(a.ip(8), b.ip(8), n + "TTL");
        same(a.ip(9), b.ip(9), n + "protocol");
        same(ksock_test::inet_csum(a.b.data() + 14, 20), 0, n + "kernel's header checksum");
        same(ksock_test::inet_csum(b.b.data() + 14, 20), 0, n + "ksock's header checksum");
    }
}

// --- the cases ----------------------------------------------------------------------

void case_arp() {
    unsigned char ha[6];
    // ksock asks first: its request, the kernel's reply.
    const int kr = w->kernel.socket(SOCK_DGRAM, 0);
    w->kernel.bind(kr, k_addr, 7000);
    const int xs = w->ks->socket(SOCK_DGRAM, 0);
    same(w->ks->neigh(k_addr, ha), -1, "ksock has no entry for the kernel yet");
    const std::size_t first = w->log.size();
    same(w->ks->sendto(xs, "a", 1, k_addr, 7000), 1, "ksock's sendto");
    char b[8];
    check(pump([&] { return w->kernel.recvfrom(kr, b, sizeof b, nullptr, nullptr) == 1; }, 2000),
          "the kernel receives ksock's datagram after ARP");
    same(w->ks->neigh(k_addr, ha), ksock::nud_reachable, "ksock's entry for the kernel");
    check(std::memcmp(ha, w->kernel.mac, 6) == 0, "ksock's entry has the kernel's MAC");
    // Then the kernel, its entry flushed: its request, ksock's reply.
    neigh_flush(ifname, x_addr);
    const int xr = w->ks->socket(SOCK_DGRAM, 0);
    w->ks->bind(xr, x_addr, 7000);
    same(w->kernel.sendto(kr, "b", 1, x_addr, 7000), 1, "the kernel's sendto");
    check(pump([&] { return w->ks->recvfrom(xr, b, sizeof b, nullptr, nullptr) == 1; }, 2000),
          "ksock receives the kernel's datagram after ARP");
    same(w->kernel.neigh(x_addr, ha), NUD_REACHABLE, "the kernel's entry for ksock");
    check(std::memcmp(ha, w->ks->mac, 6) == 0, "the kernel's entry has ksock's MAC");
    same(w->ks->neigh(k_addr, ha), ksock::nud_reachable, "ksock's entry, after the kernel asked");
    // The two requests and the two replies, field by field.
    const seen* req[2] = {};
    const seen* rep[2] = {};
    for (std::size_t i = first; i < w->log.size(); ++i) {
        const seen& f = w->log[i];
        if (f.ethertype() != 0x0806 || f.b.size() < 42)
            continue;
        (f.b[21] == 1 ? req : rep)[f.from_kernel ? 0 : 1] = &f;
    }
    check(req[0] && req[1] && rep[0] && rep[1], "a request and a reply each way");
    if (req[0] && req[1] && rep[0] && rep[1]) {
        for (int i = 0; i < 6; ++i) {
            same(req[0]->b[i], req[1]->b[i], "requests' destination MAC byte (broadcast)");
            same(req[0]->b[32 + i], req[1]->b[32 + i], "requests' target hardware address byte");
        }
        same(static_cast<long>(req[0]->b.size()), static_cast<long>(req[1]->b.size()),
             "request length");
        same(static_cast<long>(rep[0]->b.size()), static_cast<long>(rep[1]->b.size()),
             "reply length");
        check(std::memcmp(rep[0]->b.data(), w->ks->mac, 6) == 0, "the kernel's reply to ksock");
        check(std::memcmp(rep[1]->b.data(), w->kernel.mac, 6) == 0, "ksock's reply to the kernel");
    }
    w->kernel.close(kr);
    w->ks->close(xs);
    w->ks->close(xr);
}

//! The receive memory charged to socket \p fd (SO_MEMINFO's rmem_alloc).
long rmem(side& sd, int fd) {
    if (&sd == &w->kernel) {
        std::uint32_t mi[SK_MEMINFO_VARS] = {};
        socklen_t l = sizeof mi;
        ::getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mi, &l);
        return mi[SK_MEMINFO_RMEM_ALLOC];
    }
    return w->s.sk_of_fd(fd)->sk_rmem_alloc;
}

//! UDP: datagrams of several sizes, data, addresses and ports checked.
void udp_way(side& from, side& to) {
    const int r = to.socket(SOCK_DGRAM, 0);
    same(to.bind(r, to.addr, 7001), 0, std::string(to.name) + " binds");
    const int s = from.socket(SOCK_DGRAM, 0);
    same(from.bind(s, from.addr, 7002), 0, std::string(from.name) + " binds");
    const std::size_t sizes[] = {0, 1, 100, 1472};
    for (std::size_t n : sizes) {
        std::vector<unsigned char> out(n), in(2000);
        for (std::size_t i = 0; i < n; ++i)
            out[i] = static_cast<unsigned char>(i * 7 + n);
        same(from.sendto(s, out.data(), n, to.addr, 7001), static_cast<long>(n), "sendto");
        // Before it is read: what the receiver charged for it, against the
        // driver's rx_truesize for the frame (tun_build_skb on the kernel).
        const long charged = pump([&] { return rmem(to, r) > 0; }, 1000) ? rmem(to, r) : 0;
        same(charged, ksock::drivers::tap::rx_truesize(14 + 28 + n),
             std::string(to.name) + "'s receive charge for the frame");
        long got = -EAGAIN;
        std::uint32_t a = 0;
        unsigned port = 0;
        pump([&] { return (got = to.recvfrom(r, in.data(), in.size(), &a, &port)) != -EAGAIN; },
             1000);
        same(got, static_cast<long>(n), std::string(to.name) + " receives the datagram");
        check(got == static_cast<long>(n) && (n == 0 || std::memcmp(in.data(), out.data(), n) == 0),
              "the data arrive intact");
        check(a == from.addr, "the source address");
        same(port, 7002, "the source port");
    }
    from.close(s);
    to.close(r);
}

//! Ping sockets: the peer's stack answers an echo request.
void ping_way(side& from, side& to) {
    const int p = from.socket(SOCK_DGRAM, IPPROTO_ICMP);
    check(p >= 0, std::string(from.name) + " opens a ping socket");
    unsigned char req[64] = {8, 0, 0, 0, 0, 0, 0, 1};
    for (int i = 8; i < 64; ++i)
        req[i] = static_cast<unsigned char>(i);
    same(from.sendto(p, req, sizeof req, to.addr, 0), 64, "the echo request sent");
    unsigned char rep[128];
    long got = -EAGAIN;
    std::uint32_t a = 0;
    pump([&] { return (got = from.recvfrom(p, rep, sizeof rep, &a, nullptr)) != -EAGAIN; }, 1000);
    same(got, 64, "the echo reply's length");
    same(rep[0], 0, "an echo reply");
    same(rep[7], 1, "its sequence");
    check(std::memcmp(rep + 8, req + 8, 56) == 0, "its data");
    check(a == to.addr, "from the peer");
    from.close(p);
}

//! A connected socket toward a closed port: ICMP port unreachable back,
//! ECONNREFUSED at the next call.
void refused_way(side& from, side& to) {
    const int s = from.socket(SOCK_DGRAM, 0);
    same(from.connect(s, to.addr, 9), 0, "connect");
    same(from.sendto(s, "x", 1, 0, 0), 1, "send");
    char b[4];
    long got = -EAGAIN;
    pump([&] { return (got = from.recvfrom(s, b, sizeof b, nullptr, nullptr)) != -EAGAIN; }, 1000);
    same(got, -ECONNREFUSED, std::string(from.name) + "'s recv after port unreachable");
    same(from.recvfrom(s, b, sizeof b, nullptr, nullptr), -EAGAIN, "reported once");
    from.close(s);
}

//! A datagram of 3000 bytes: fragments out, one datagram in.
void frag_way(side& from, side& to) {
    const int r = to.socket(SOCK_DGRAM, 0);
    to.bind(r, to.addr, 7003);
    const int s = from.socket(SOCK_DGRAM, 0);
    std::vector<unsigned char> out(3000), in(4000);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i] = static_cast<unsigned char>(i ^ (i >> 8));
    same(from.sendto(s, out.data(), out.size(), to.addr, 7003), 3000, "sendto of 3000 bytes");
    long got = -EAGAIN;
    pump([&] { return (got = to.recvfrom(r, in.data(), in.size(), nullptr, nullptr)) != -EAGAIN; },
         1000);
    same(got, 3000, std::string(to.name) + " reassembles the datagram");
    check(got == 3000 && std::memcmp(in.data(), out.data(), 3000) == 0, "the data arrive intact");
    from.close(s);
    to.close(r);
}

//! Nobody answers ARP: the probes, then FAILED, and Linux's ICMP host
//! unreachable to itself. Host unreachable is not a hard error
//! (icmp_err_convert), so a connected socket hears of it only with
//! IP_RECVERR: EHOSTUNREACH there, nothing without.
void unreachable_way(side& from, side&) {
    const int s = from.socket(SOCK_DGRAM, 0);
    const int e = from.socket(SOCK_DGRAM, 0);
    same(from.setsockopt_int(e, IPPROTO_IP, IP_RECVERR, 1), 0, "IP_RECVERR");
    same(from.connect(s, nobody, 9), 0, "connect to a silent address");
    same(from.connect(e, nobody, 9), 0, "connect to a silent address");
    same(from.sendto(s, "x", 1, 0, 0), 1, "the first send is queued behind ARP");
    same(from.sendto(e, "x", 1, 0, 0), 1, "so is the second");
    char b[4];
    long got = -EAGAIN;
    pump([&] { return (got = from.recvfrom(e, b, sizeof b, nullptr, nullptr)) != -EAGAIN; }, 6000);
    same(got, -EHOSTUNREACH, std::string(from.name) + "'s recv with IP_RECVERR");
    same(from.recvfrom(s, b, sizeof b, nullptr, nullptr), -EAGAIN,
         std::string(from.name) + "'s recv without");
    same(from.so_error(s), 0, "no SO_ERROR without IP_RECVERR");
    unsigned char ha[6];
    same(from.neigh(nobody, ha), NUD_FAILED, "the entry is FAILED");
    from.close(s);
    from.close(e);
}

//! The ARP requests for the silent address in \p r, by who sent them.
long arp_probes(const run& r, bool by_kernel) {
    long n = 0;
    for (std::size_t i = r.first; i < r.last; ++i) {
        const seen& f = w->log[i];
        n += f.from_kernel == by_kernel && f.ethertype() == 0x0806 && f.b.size() >= 42 &&
             f.b[21] == 1 && std::memcmp(f.b.data() + 38, &nobody, 4) == 0;
    }
    return n;
}

//! A case run both ways: the kernel as sender, then ksock.
void both_ways(const char* name, void (*way)(side&, side&), unsigned proto) {
    results.current = name;
    ++results.cases;
    const run k = measured(w->kernel, *w->ks, way);
    const run x = measured(*w->ks, w->kernel, way);
    compare_roles(k, x);
    compare_headers(ip_frames(k, true, proto), ip_frames(x, false, proto),
                    (std::string(name) + ": sender's").c_str());
    compare_headers(ip_frames(k, false, proto), ip_frames(x, true, proto),
                    (std::string(name) + ": receiver's").c_str());
    if (way == unreachable_way)
        same(arp_probes(k, true), arp_probes(x, false), "ARP probes before FAILED");
}

// --- ip_rcv's drops -----------------------------------------------------------------

//! The hostile or odd IPv4 frames both hosts are given, by name.
const char* const drop_kinds[] = {
    "bad header checksum",
    "version 6",
    "ihl 4",
    "shorter than a header",
    "tot_len past the end",
    "tot_len < ihl",
    "not our address",
    "unknown protocol",
    "bad UDP checksum",
    "UDP to a closed port",
    "UDP length past the end",
    "bad ICMP checksum",
    "malformed option",
    "echo to the broadcast address",
    "a good echo",
};

//! Frame \p kind from (\p smac, \p src) to (\p dmac, \p dst).
ksock_test::frame_buf drop_frame(int kind, const unsigned char* dmac, const unsigned char* smac,
                                 std::uint32_t src, std::uint32_t dst) {
    using ksock_test::eth_hdr, ksock_test::icmp_pkt, ksock_test::ip_hdr, ksock_test::udp_pkt;
    ksock_test::frame_buf f;
    eth_hdr(f, dmac, smac, 0x0800);
    ksock_test::ip_opts o;
    unsigned proto = 17;
    std::size_t payload = 8;
    static const unsigned char bad_opt[4] = {0x44, 0x02, 0x00, 0x00}; // a timestamp of length 2
    switch (kind) {
    case 0:
        o.bad_csum = true;
        break;
    case 1:
        o.version = 6;
        break;
    case 2:
        o.ihl_words = 4;
        break;
    case 4:
        o.tot_len = 200;
        break;
    case 5:
        o.tot_len = 10;
        break;
    case 6:
        dst = htonl(0xc000024d);
        break; // 192.0.2.77
    case 7:
        proto = 253;
        break;
    case 11:
    case 13:
    case 14:
        proto = 1;
        break;
    case 12:
        o.options = bad_opt;
        o.options_len = 4;
        break;
    default:
        break;
    }
    if (kind == 13)
        dst = htonl(0xc00002ff);
    ip_hdr(f, src, dst, proto, payload, o);
    const unsigned char data[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    if (kind == 3) {
        f.n = 14 + 10;
        return f;
    }
    if (proto == 1)
        icmp_pkt(f, 8, 0, 0x77, static_cast<unsigned>(kind), data, 0, kind == 11);
    else if (kind == 8)
        udp_pkt(f, src, dst, 5000, 7004, data, 0, 0x1234);
    else if (kind == 9)
        udp_pkt(f, src, dst, 5000, 9, data, 0);
    else if (kind == 10)
        udp_pkt(f, src, dst, 5000, 7004, data, 0, -1, 40);
    else
        udp_pkt(f, src, dst, 5000, 7004, data, 0);
    return f;
}

//! Every frame into ksock (sent by the kernel's packet socket) and into
//! the kernel (written into the TAP as ksock's driver would), the counters
//! of the receiver and of the peer compared role by role, and the answers
//! each sent (ICMP errors, the echo reply) field by field.
void case_ip_rcv_drops() {
    results.current = "ip_rcv drops";
    ++results.cases;
    const int kr = w->kernel.socket(SOCK_DGRAM, 0);
    w->kernel.bind(kr, k_addr, 7004);
    const int xr = w->ks->socket(SOCK_DGRAM, 0);
    w->ks->bind(xr, x_addr, 7004);
    const int fd = w->s.device<lossy_tap>().fd();
    for (int kind = 0; kind < static_cast<int>(std::size(drop_kinds)); ++kind) {
        results.current = drop_kinds[kind];
        const auto to_x = drop_frame(kind, w->ks->mac, w->kernel.mac, k_addr, x_addr);
        const auto to_k = drop_frame(kind, w->kernel.mac, w->ks->mac, x_addr, k_addr);
        const run into_x = measured(w->kernel, *w->ks, [&](side&, side&) {
            check(w->sniff.send(to_x.b, to_x.n), "the packet socket sends the frame");
        });
        const run into_k = measured(*w->ks, w->kernel, [&](side&, side&) {
            check(::write(fd, to_k.b, to_k.n) == static_cast<ssize_t>(to_k.n),
                  "the frame written into the TAP");
            ++w->direct_frames;
            w->direct_bytes += static_cast<long>(to_k.n);
        });
        // into_x: the kernel "sent", ksock received; into_k the other way.
        compare_roles(into_x, into_k);
        compare_headers(ip_frames(into_k, true), ip_frames(into_x, false), "the receiver's answer");
        char b[64];
        while (w->kernel.recvfrom(kr, b, sizeof b, nullptr, nullptr) >= 0) {
        }
        while (w->ks->recvfrom(xr, b, sizeof b, nullptr, nullptr) >= 0) {
        }
    }
    w->kernel.close(kr);
    w->ks->close(xr);
}

// --- loss on ksock's side -------------------------------------------------------------

//! The fault device loses a fifth of the frames each way: UDP datagrams
//! from the kernel echoed by ksock, and ksock's pings to the kernel. What
//! each side counts must add up with what the device lost: the kernel's
//! datagrams sent = ksock's received + lost on the way in; ksock's echoes =
//! the kernel's received + lost on the way out; the data of each intact.
void case_loss() {
    results.current = "loss on ksock's side";
    ++results.cases;
    lossy_tap& dev = w->s.device<lossy_tap>();
    const int kr = w->kernel.socket(SOCK_DGRAM, 0);
    same(w->kernel.bind(kr, k_addr, 7100), 0, "the kernel binds");
    const int xr = w->ks->socket(SOCK_DGRAM, 0);
    same(w->ks->bind(xr, x_addr, 7100), 0, "ksock binds");
    settle(5);
    const counters k0 = w->kernel.snmp(), x0 = w->ks->snmp();
    dev.loss = 20;
    dev.rng = 12345;
    constexpr int n = 60;
    long echoed = 0, got_back = 0, last = -1;
    char buf[64];
    auto collect = [&] {
        long r;
        while ((r = w->kernel.recvfrom(kr, buf, sizeof buf, nullptr, nullptr)) > 0) {
            ++got_back;
            const long seq = std::strtol(buf + 4, nullptr, 10);
            check(std::strncmp(buf, "seq ", 4) == 0 && seq > last && seq < n,
                  "an echo comes back intact and in order");
            last = seq;
        }
    };
    for (int i = 0; i < n; ++i) {
        const std::string m = "seq " + std::to_string(i);
        same(w->kernel.sendto(kr, m.data(), m.size() + 1, x_addr, 7100),
             static_cast<long>(m.size() + 1), "the kernel's send");
        pump([] { return false; }, 3);
        std::uint32_t a = 0;
        unsigned port = 0;
        long r;
        while ((r = w->ks->recvfrom(xr, buf, sizeof buf, &a, &port)) > 0) {
            check(std::strtol(buf + 4, nullptr, 10) <= i, "ksock receives what was sent");
            echoed += w->ks->sendto(xr, buf, static_cast<std::size_t>(r), a, port) == r;
        }
        collect();
    }
    // ksock's pings to the kernel, one at a time.
    const int p = w->ks->socket(SOCK_DGRAM, IPPROTO_ICMP);
    long replies = 0;
    for (int i = 0; i < 20; ++i) {
        unsigned char req[16] = {8, 0, 0, 0, 0, 0, 0, static_cast<unsigned char>(i)};
        w->ks->sendto(p, req, sizeof req, k_addr, 0);
        pump([] { return false; }, 3);
        while (w->ks->recvfrom(p, buf, sizeof buf, nullptr, nullptr) > 0)
            ++replies;
    }
    pump([] { return false; }, 20);
    collect();
    dev.loss = 0;
    const counters k = delta(k0, w->kernel.snmp()), x = delta(x0, w->ks->snmp());
    const long in_lost = static_cast<long>(dev.lost[1][0]),
               out_lost = static_cast<long>(dev.lost[0][0]);
    same(k.at("Udp.OutDatagrams"), n, "the kernel sent every datagram");
    same(x.at("Udp.InDatagrams") + in_lost, n, "ksock's received + lost on the way in");
    same(x.at("Udp.OutDatagrams"), echoed, "ksock's echoes");
    same(k.at("Udp.InDatagrams") + out_lost, echoed, "the kernel's received + lost on the way out");
    same(got_back, k.at("Udp.InDatagrams"), "the kernel's socket got what it counted");
    same(x.at("Icmp.OutEchos"), 20, "ksock's echo requests");
    same(k.at("Icmp.InEchos") + static_cast<long>(dev.lost[0][1]), 20,
         "the kernel's echo requests + lost on the way out");
    same(replies + static_cast<long>(dev.lost[1][1]), k.at("Icmp.OutEchoReps"),
         "ksock's replies + lost on the way in");
    check(in_lost > 0 && out_lost > 0, "the device lost frames both ways");
    std::printf("loss: %d datagrams, %ld echoed, %ld back; the device lost %lu in, %lu out\n", n,
                echoed, got_back, dev.lost_frames(1), dev.lost_frames(0));
    w->kernel.close(kr);
    w->ks->close(xr);
    w->ks->close(p);
}

} // namespace

int main() {
    if (const std::string why = enter_namespace(); !why.empty()) {
        std::printf("SKIP: no private network namespace: %s\n", why.c_str());
        return exit_skip;
    }
    // No IPv6 (its solicitations would be frames no case expects), ping
    // sockets for root, and no ICMP rate limit per peer: ksock keeps none.
    for (auto [k, v] : {std::pair<const char*, const char*>{"net/ipv6/conf/all/disable_ipv6", "1"},
                        {"net/ipv6/conf/default/disable_ipv6", "1"},
                        {"net/ipv4/ping_group_range", "0 0"},
                        {"net/ipv4/icmp_ratelimit", "0"}})
        if (const std::string e = sysctl(k, v); !e.empty())
            std::printf("note: %s\n", e.c_str());
    auto wd = std::make_unique<world>();
    w = wd.get();
    auto& dev = w->s.device<lossy_tap>();
    if (const int e = dev.attach(ifname)) {
        std::printf("SKIP: no TAP device: /dev/net/tun: %s\n", std::strerror(-e));
        return exit_skip;
    }
    if (const std::string e = configure(ifname, k_addr, 24); !e.empty()) {
        std::printf("FAIL: the kernel's side of %s: %s\n", ifname, e.c_str());
        return 1;
    }
    w->ks = std::make_unique<ksock_side>(w->s);
    w->kernel.name = "the kernel";
    w->kernel.addr = k_addr;
    w->ks->name = "ksock";
    w->ks->addr = x_addr;
    std::memcpy(w->ks->mac, dev.dev_addr(), 6);
    if (!link_info(ifname, w->kernel.mac, w->k_ifindex) || !w->sniff.open(w->k_ifindex)) {
        std::printf("FAIL: the kernel's interface: %s\n", std::strerror(errno));
        return 1;
    }
    ksock::inet::ipv4_net(w->s).sysctl.ping_group_range[0] = 0;
    ksock::inet::ipv4_net(w->s).sysctl.ping_group_range[1] = 0;
    same(ksock::inet::iproute::addr_add(w->s, eth0, x_addr, 24), 0, "ksock's address");
    same(w->s.dev_open(eth0), 0, "ksock's device up");
    settle(50);

    results.current = "arp";
    ++results.cases;
    case_arp();
    both_ways("udp", udp_way, IPPROTO_UDP);
    both_ways("ping", ping_way, IPPROTO_ICMP);
    both_ways("port unreachable", refused_way, 0);
    both_ways("fragments", frag_way, IPPROTO_UDP);
    both_ways("unreachable neighbour", unreachable_way, 0);
    case_ip_rcv_drops();
    case_loss();

    // `ip -s link` on both ends: what one sent the other received, but for
    // the fault device's losses and the frames the test wrote itself.
    results.current = "link counters";
    ++results.cases;
    settle(20);
    const ksock::net_device_state* st = w->s.netdev(eth0);
    const link_stats k = read_link_stats(ifname);
    const lossy_tap& lt = w->s.device<lossy_tap>();
    const auto lost_in = static_cast<long>(lt.lost_frames(1));
    const auto lost_out = static_cast<long>(lt.lost_frames(0));
    same(k.tx_packets, static_cast<long>(st->stats.rx_packets + st->stats.rx_dropped) + lost_in,
         "the kernel's tx packets: ksock's rx (+ dropped, + lost)");
    same(k.tx_bytes, static_cast<long>(st->stats.rx_bytes + lt.lost_bytes[1]),
         "the kernel's tx bytes: ksock's rx (+ lost)");
    same(k.rx_packets, static_cast<long>(st->stats.tx_packets) - lost_out + w->direct_frames,
         "the kernel's rx packets: ksock's tx (- lost, + the test's own)");
    same(k.rx_bytes, static_cast<long>(st->stats.tx_bytes - lt.lost_bytes[0]) + w->direct_bytes,
         "the kernel's rx bytes: ksock's tx (- lost, + the test's own)");
    std::printf("tap interop: %lu cases, %zu frames on the link (ksock: %llu in, %llu out), "
                "%lu comparisons, %lu failed\n",
                results.cases, w->log.size(), static_cast<unsigned long long>(st->stats.rx_packets),
                static_cast<unsigned long long>(st->stats.tx_packets), results.comparisons,
                results.failures);
    return results.failures ? 1 : 0;
}
