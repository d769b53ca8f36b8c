// test/interop/tap/tcp.cpp: TCP between ksock and the Linux kernel on one
// Ethernet link, a TAP interface in a private network namespace (the kernel
// at 192.0.2.1/24 on ktap1, ksock at 192.0.2.2 through drivers::tap, as in
// main.cpp). The handshake both ways; bulk transfers of 64 MiB each way
// with every byte checked against a pattern (nothing stored), clean and
// with the fault device on ksock's side (lossy_tap.hpp) losing 1 % and 5 %
// of the frames and holding 1 % behind the next, each way; 8 MiB each way
// with ECN asked for by both ends and 1 % of the ECN-capable frames marked
// CE (both must agree on ECN and echo the marks); every close order; many connections at once up to
// the pool's capacity; and TCP_INFO of both ends compared where the two must agree: state, options,
// window scales, MSS, the bytes each acknowledged of the other's, the bytes each sent first (a byte
// is sent once, then only retransmitted), and the segments each received, which are the other's
// sent less what the link lost (the fault device's count, and the kernel's drops at the TAP).
//
// ksock runs in virtual time (1 ms a round), the kernel on the wall clock;
// each transfer is bounded in wall time and prints its throughput and both
// ends' retransmissions. Exit 0: every comparison held; 1: one did not
// (each printed); 77: no private network namespace or TAP device here.
// KSOCK_TAP_TCP_MIB sets the bulk size in MiB each way (default 64).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <netinet/tcp.h>

#include <ksock/uapi/tcp.hpp>

#include "harness.hpp"

using namespace tap_interop;

namespace {

constexpr int exit_skip = 77;
constexpr const char* ifname = "ktap1";
const std::uint32_t k_addr = htonl(0xc0000201); // 192.0.2.1
const std::uint32_t x_addr = htonl(0xc0000202); // 192.0.2.2

struct world {
    tap_stack s;
};
world* w = nullptr;

bool pump(const std::function<bool()>& done, int rounds) {
    return tap_interop::pump(w->s, done, rounds);
}
void settle(int rounds) {
    pump([] { return false; }, rounds);
}

const ksock::sockaddr* ksa(const sockaddr_in& a) {
    return reinterpret_cast<const ksock::sockaddr*>(&a);
}

int k_listen(unsigned port) {
    const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    ::setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const auto a = sin_of(k_addr, port);
    if (::bind(l, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0 || ::listen(l, 128) != 0)
        return -1;
    return l;
}
int x_listen(unsigned port, int backlog = 16) {
    const int l = w->s.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto a = sin_of(x_addr, port);
    if (w->s.bind(l, ksa(a), sizeof a) != 0 || w->s.listen(l, backlog) != 0)
        return -1;
    return l;
}

//! A connection: the kernel's fd and ksock's.
struct pair_fd {
    int k = -1;
    int x = -1;
};

//! The kernel's connect to ksock's \p port has completed (or failed).
bool k_connected(int fd) {
    pollfd q{fd, POLLOUT, 0};
    return ::poll(&q, 1, 0) == 1;
}

//! The kernel connects to ksock's listener \p xl on \p port.
pair_fd kernel_connects(int xl, unsigned port) {
    pair_fd p;
    p.k = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const auto a = sin_of(x_addr, port);
    const int r = ::connect(p.k, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    check(r == 0 || errno == EINPROGRESS, "the kernel's connect starts");
    pump(
        [&] {
            p.x = w->s.accept4(xl, nullptr, nullptr, ksock::sock_nonblock);
            return p.x >= 0;
        },
        3000);
    check(p.x >= 0, "ksock accepts the kernel's connection");
    pump([&] { return k_connected(p.k); }, 3000);
    int err = -1;
    socklen_t l = sizeof err;
    ::getsockopt(p.k, SOL_SOCKET, SO_ERROR, &err, &l);
    same(err, 0, "the kernel's connect succeeds");
    return p;
}

//! ksock connects to the kernel's listener \p kl on \p port.
pair_fd ksock_connects(int kl, unsigned port) {
    pair_fd p;
    p.x = w->s.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto a = sin_of(k_addr, port);
    same(w->s.connect(p.x, ksa(a), sizeof a), -ksock::einprogress, "ksock's connect starts");
    pump(
        [&] {
            p.k = ::accept4(kl, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            return p.k >= 0;
        },
        3000);
    check(p.k >= 0, "the kernel accepts ksock's connection");
    pump([&] { return w->s.connect(p.x, ksa(a), sizeof a) == -ksock::eisconn; }, 3000);
    int err = -1;
    ksock::socklen_t l = sizeof err;
    w->s.getsockopt(p.x, ksock::sol_socket, ksock::so_error, &err, &l);
    same(err, 0, "ksock's connect succeeds");
    return p;
}

// TCP_INFO of both ends in ksock's struct: the kernel's has the same layout
// (the uapi of Linux 6.18; glibc's struct stops at tcpi_total_retrans).
ksock::tcp_info_t x_info(int fd) {
    ksock::tcp_info_t i{};
    ksock::socklen_t l = sizeof i;
    w->s.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &i, &l);
    return i;
}
ksock::tcp_info_t k_info(int fd) {
    ksock::tcp_info_t i{};
    socklen_t l = sizeof i;
    ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &i, &l);
    return i;
}

unsigned char pattern(std::size_t i, unsigned salt) {
    return static_cast<unsigned char>((i * 131 + salt * 7 + (i >> 12)) & 0xff);
}

//! One way of a connection: \p n bytes of a pattern written by one end as
//! fast as it takes them, read by the other and checked byte by byte.
struct flow {
    bool k_sends;
    std::size_t n;
    unsigned salt;
    std::size_t sent = 0, got = 0;
    bool intact = true;
    // The chunk being written: made once, written in as many parts as the
    // sender takes.
    unsigned char out[16384];
    std::size_t out_at = 0, out_len = 0;

    flow(bool k, std::size_t bytes, unsigned s) : k_sends(k), n(bytes), salt(s) {}
    bool done() const { return got >= n || !intact; }
    void step(const pair_fd& p) {
        static unsigned char in[16384];
        for (;;) {
            if (out_at == out_len) {
                const std::size_t from = sent;
                if (from >= n)
                    break;
                out_len = n - from < sizeof out ? n - from : sizeof out;
                for (std::size_t i = 0; i < out_len; ++i)
                    out[i] = pattern(from + i, salt);
                out_at = 0;
            }
            const std::size_t k = out_len - out_at;
            const long r = k_sends ? ::send(p.k, out + out_at, k, MSG_DONTWAIT | MSG_NOSIGNAL)
                                   : w->s.send(p.x, out + out_at, k, ksock::msg_dontwait);
            if (r <= 0)
                break;
            out_at += static_cast<std::size_t>(r);
            sent += static_cast<std::size_t>(r);
        }
        for (;;) {
            const long r = k_sends ? w->s.recv(p.x, in, sizeof in, ksock::msg_dontwait)
                                   : ::recv(p.k, in, sizeof in, MSG_DONTWAIT);
            if (r <= 0)
                break;
            for (long i = 0; i < r; ++i)
                intact = intact && in[i] == pattern(got + static_cast<std::size_t>(i), salt);
            got += static_cast<std::size_t>(r);
        }
    }
};

//! What the stack holds when a transfer stalls: its pool, its device's
//! queue, and both ends of the connection.
void print_stall(const pair_fd& p) {
    const ksock::net_device_state* st = w->s.netdev(eth0);
    const lossy_tap& d = w->s.device<lossy_tap>();
    const ksock::tcp_info_t x = x_info(p.x);
    const ksock::tcp_info_t k = k_info(p.k);
    std::printf("    stalled: skbs in use %zu of %zu, qdisc %u, tx busy %lu lost %lu; ksock: "
                "state %u ca %u unacked %u rto %u backoff %u snd_wnd %u rcv_wnd %u; the kernel: "
                "state %u ca %u unacked %u rto %u backoff %u snd_wnd %u rcv_wnd %u\n",
                w->s.skbs_in_use(), tap_config::skbs, ksock::skb_queue_len(st->qdisc), d.tx_busy,
                d.tx_lost, x.tcpi_state, x.tcpi_ca_state, x.tcpi_unacked, x.tcpi_rto,
                x.tcpi_backoff, x.tcpi_snd_wnd, x.tcpi_rcv_wnd, k.tcpi_state, k.tcpi_ca_state,
                k.tcpi_unacked, k.tcpi_rto, k.tcpi_backoff, k.tcpi_snd_wnd, k.tcpi_rcv_wnd);
}

using clock_type = std::chrono::steady_clock;
double since(clock_type::time_point t0) {
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

//! Run \p flows to the end, every byte checked, within \p seconds of wall
//! time (and as many rounds), none waiting more than 30 s for new data (a
//! stall: the kernel's RTO backs off to 12.8 s after six timeouts of the
//! same segment); the seconds it took, or -1 when it did not complete.
double run_flows(const pair_fd& p, std::vector<flow*> flows, double seconds) {
    const auto t0 = clock_type::now();
    auto last = t0;
    std::size_t got = 0;
    const bool done = pump(
        [&] {
            bool all = true;
            std::size_t now = 0;
            for (flow* f : flows) {
                f->step(p);
                all = all && f->done();
                now += f->got;
            }
            if (now != got) {
                got = now;
                last = clock_type::now();
            }
            return all || since(t0) > seconds || since(last) > 30.0;
        },
        static_cast<int>(seconds * 1000));
    const double took = since(t0);
    bool complete = done;
    for (flow* f : flows) {
        check(f->intact, std::string("every byte arrives as it was sent, ") +
                             (f->k_sends ? "the kernel to ksock" : "ksock to the kernel"));
        same(static_cast<long>(f->got), static_cast<long>(f->n),
             std::string("the bytes received, ") +
                 (f->k_sends ? "the kernel to ksock" : "ksock to the kernel"));
        complete = complete && f->got == f->n && f->intact;
    }
    if (!complete) {
        print_stall(p);
        return -1;
    }
    return took;
}

double mib_per_s(std::size_t n, double s) {
    return s > 0 ? static_cast<double>(n) / (1 << 20) / s : 0;
}

//! What both ends of one connection must agree on at any time.
void compare_info(const pair_fd& p) {
    const ksock::tcp_info_t x = x_info(p.x);
    const ksock::tcp_info_t k = k_info(p.k);
    same(x.tcpi_state, k.tcpi_state, "TCP_INFO state");
    same(x.tcpi_options, k.tcpi_options,
         "TCP_INFO options (timestamps, SACK, window scaling, ECN)");
    same(x.tcpi_snd_wscale, k.tcpi_rcv_wscale, "ksock's send scale is the kernel's receive scale");
    same(x.tcpi_rcv_wscale, k.tcpi_snd_wscale, "ksock's receive scale is the kernel's send scale");
    same(x.tcpi_snd_mss, k.tcpi_snd_mss, "the MSS each sends with");
    same(x.tcpi_advmss, k.tcpi_advmss, "the MSS each advertised (less the timestamp)");
}

//! What one connection and the link have counted so far.
struct snapshot {
    ksock::tcp_info_t x, k;
    unsigned long lost_tcp[2]; //!< the fault device: [0] ksock's, [1] the kernel's
    unsigned long reordered[2];
    unsigned long long x_rx_dropped; //!< ksock's device: no skb for a frame
    link_stats tap;                  //!< the kernel's interface
};
snapshot take(const pair_fd& p) {
    const lossy_tap& d = w->s.device<lossy_tap>();
    return {x_info(p.x),
            k_info(p.k),
            {d.lost[0][2], d.lost[1][2]},
            {d.reordered[0], d.reordered[1]},
            w->s.netdev(eth0)->stats.rx_dropped,
            read_link_stats(ifname)};
}

//! The counts of a transfer of \p n bytes each way between \p a and \p b
//! (both taken with nothing in flight): each end acknowledged all the
//! other's bytes, sent each of its own once first, and received every
//! segment the other sent that the link did not lose.
void compare_counts(const snapshot& a, const snapshot& b, std::size_t n) {
    const auto d = [](auto before, auto after) { return static_cast<long>(after - before); };
    const long ln = static_cast<long>(n);
    same(d(a.x.tcpi_bytes_acked, b.x.tcpi_bytes_acked), ln, "ksock's bytes acked");
    same(d(a.k.tcpi_bytes_acked, b.k.tcpi_bytes_acked), ln, "the kernel's bytes acked");
    same(d(a.x.tcpi_bytes_received, b.x.tcpi_bytes_received), ln, "ksock's bytes received");
    same(d(a.k.tcpi_bytes_received, b.k.tcpi_bytes_received), ln, "the kernel's bytes received");
    same(d(a.x.tcpi_bytes_sent, b.x.tcpi_bytes_sent) -
             d(a.x.tcpi_bytes_retrans, b.x.tcpi_bytes_retrans),
         ln, "ksock's bytes sent less retransmitted");
    same(d(a.k.tcpi_bytes_sent, b.k.tcpi_bytes_sent) -
             d(a.k.tcpi_bytes_retrans, b.k.tcpi_bytes_retrans),
         ln, "the kernel's bytes sent less retransmitted");
    same(d(a.k.tcpi_segs_in, b.k.tcpi_segs_in),
         d(a.x.tcpi_segs_out, b.x.tcpi_segs_out) - d(a.lost_tcp[0], b.lost_tcp[0]) -
             d(a.tap.rx_dropped, b.tap.rx_dropped),
         "the kernel's segments in: ksock's out less lost");
    same(d(a.x.tcpi_segs_in, b.x.tcpi_segs_in),
         d(a.k.tcpi_segs_out, b.k.tcpi_segs_out) - d(a.lost_tcp[1], b.lost_tcp[1]) -
             d(a.tap.tx_dropped, b.tap.tx_dropped) - d(a.x_rx_dropped, b.x_rx_dropped),
         "ksock's segments in: the kernel's out less lost");
}

//! Both ends of a connection closed in \p order (0: ksock first, 1: the
//! kernel first, 2: both at once); each reads EOF where it should, and
//! ksock's side ends with nothing left but TIME_WAIT's mini-sock.
void close_in_order(const pair_fd& p, int order) {
    char b[16];
    if (order == 0) {
        same(w->s.close(p.x), 0, "ksock closes");
        check(pump([&] { return ::recv(p.k, b, sizeof b, MSG_DONTWAIT) == 0; }, 2000),
              "the kernel reads EOF");
        ::close(p.k);
    } else if (order == 1) {
        ::close(p.k);
        check(pump([&] { return w->s.recv(p.x, b, sizeof b, ksock::msg_dontwait) == 0; }, 2000),
              "ksock reads EOF");
        same(w->s.close(p.x), 0, "ksock closes");
    } else {
        ::close(p.k);
        same(w->s.close(p.x), 0, "ksock closes");
    }
    settle(300);
}

//! A connection opened by either end, \p n bytes each way (the kernel to
//! ksock first) with the fault device losing \p loss % and reordering
//! \p reorder % of the frames each way, closed in \p order. With \p ce,
//! both ends ask for ECN (net.ipv4.tcp_ecn 1) and the device marks that
//! percentage of the ECN-capable frames CE: each end must have ECN agreed,
//! its data ECT (the other saw marks), and ECEs for marked data.
void case_bulk(bool kernel_opens, std::size_t n, unsigned loss, unsigned reorder, int order,
               unsigned ce = 0) {
    ++results.cases;
    lossy_tap& dev = w->s.device<lossy_tap>();
    static unsigned port = 9000;
    ++port;
    pair_fd p;
    int kl = -1, xl = -1;
    const char* ecn = ce ? "1" : "2";
    if (const std::string e = sysctl("net/ipv4/tcp_ecn", ecn); !e.empty())
        check(false, e.c_str());
    ksock::inet::ipv4_net(w->s).sysctl.tcp_ecn = ce ? 1 : 2;
    if (kernel_opens) {
        xl = x_listen(port);
        check(xl >= 0, "ksock listens");
        p = kernel_connects(xl, port);
    } else {
        kl = k_listen(port);
        check(kl >= 0, "the kernel listens");
        p = ksock_connects(kl, port);
    }
    if (p.k < 0 || p.x < 0)
        return;
    compare_info(p);
    settle(50);
    const snapshot before = take(p);
    dev.loss = loss;
    dev.reorder = reorder;
    dev.ce = ce;
    dev.rng = 0x1234567u + port;
    // Bounded in wall time: at least 0.25 MiB/s with faults, 2 MiB/s clean
    // (the slowest measured, under AddressSanitizer on a 2-core machine
    // shared with two builds: 0.7 MiB/s ksock to the kernel at 5 % loss,
    // 3.8 MiB/s clean), and 10 s more for the retransmission timers.
    const double bound = 10.0 + static_cast<double>(n >> 20) / (loss || reorder ? 0.25 : 2.0);
    auto in = std::make_unique<flow>(true, n, port);
    auto out = std::make_unique<flow>(false, n, port + 1);
    const double t_in = run_flows(p, {in.get()}, bound);
    const double t_out = run_flows(p, {out.get()}, bound);
    dev.loss = 0;
    dev.reorder = 0;
    dev.ce = 0;
    // Everything acknowledged and the delayed ACKs out: nothing in flight.
    pump([&] { return x_info(p.x).tcpi_unacked == 0 && k_info(p.k).tcpi_unacked == 0; }, 3000);
    settle(300);
    const snapshot after = take(p);
    compare_info(p);
    compare_counts(before, after, n);
    // Quiet: each end's send window is the window the other offered last.
    same(after.x.tcpi_snd_wnd, after.k.tcpi_rcv_wnd, "ksock's send window: the kernel's offer");
    same(after.k.tcpi_snd_wnd, after.x.tcpi_rcv_wnd, "the kernel's send window: ksock's offer");
    const auto d = [](unsigned long a, unsigned long b) { return b - a; };
    std::printf("  %s opens, %zu MiB each way, %u%% lost, %u%% reordered: the kernel to ksock "
                "%.1f MiB/s, ksock to the kernel %.1f MiB/s\n"
                "    retransmitted: ksock %u segments (%u on a timeout; rto %u us, cwnd %u), "
                "the kernel %u (%u on a timeout), %u of them reported duplicate (D-SACK)\n"
                "    the link lost %lu of ksock's TCP frames and %lu of the kernel's (the "
                "kernel's TAP queue dropped %ld more), reordered %lu and %lu\n",
                kernel_opens ? "the kernel" : "ksock", n >> 20, loss, reorder, mib_per_s(n, t_in),
                mib_per_s(n, t_out), after.x.tcpi_total_retrans - before.x.tcpi_total_retrans,
                after.x.tcpi_total_rto - before.x.tcpi_total_rto, after.x.tcpi_rto,
                after.x.tcpi_snd_cwnd, after.k.tcpi_total_retrans - before.k.tcpi_total_retrans,
                after.k.tcpi_total_rto - before.k.tcpi_total_rto,
                after.k.tcpi_dsack_dups - before.k.tcpi_dsack_dups,
                d(before.lost_tcp[0], after.lost_tcp[0]), d(before.lost_tcp[1], after.lost_tcp[1]),
                after.tap.tx_dropped - before.tap.tx_dropped,
                d(before.reordered[0], after.reordered[0]),
                d(before.reordered[1], after.reordered[1]));
    if (ce) {
        const unsigned want = ksock::tcpi_opt_ecn | ksock::tcpi_opt_ecn_seen;
        same(after.x.tcpi_options & want, want, "ksock: ECN agreed, ECT marks seen");
        same(after.k.tcpi_options & want, want, "the kernel: ECN agreed, ECT marks seen");
        check(after.x.tcpi_delivered_ce > before.x.tcpi_delivered_ce,
              "ksock's data marked CE was echoed (ECE) by the kernel");
        check(after.k.tcpi_delivered_ce > before.k.tcpi_delivered_ce,
              "the kernel's data marked CE was echoed (ECE) by ksock");
        std::printf("  ECN: the device marked %lu of ksock's frames CE and %lu of the kernel's; "
                    "delivered with CE: ksock %u, the kernel %u segments\n",
                    dev.ce_marked[0], dev.ce_marked[1],
                    after.x.tcpi_delivered_ce - before.x.tcpi_delivered_ce,
                    after.k.tcpi_delivered_ce - before.k.tcpi_delivered_ce);
    }
    close_in_order(p, order);
    if (kl >= 0)
        ::close(kl);
    if (xl >= 0)
        w->s.close(xl);
}

//! Both ways at once, so that each side's data segments carry SACK blocks
//! for what it receives out of order, and none may be larger than the MTU.
void case_both_ways(std::size_t n) {
    results.current = "both ways at once, 2% loss";
    ++results.cases;
    const int xl = x_listen(9400);
    const pair_fd p = kernel_connects(xl, 9400);
    lossy_tap& d = w->s.device<lossy_tap>();
    const auto before = ksock::inet::iproute::snmp(w->s).ip;
    d.loss = 2;
    d.reorder = 1;
    d.rng = 4242;
    auto a = std::make_unique<flow>(true, n, 77);
    auto b = std::make_unique<flow>(false, n, 78);
    const double t = run_flows(p, {a.get(), b.get()}, 10.0 + static_cast<double>(n >> 20));
    d.loss = 0;
    d.reorder = 0;
    const auto after = ksock::inet::iproute::snmp(w->s).ip;
    // Nothing refused for DF: SACK blocks and data together fit the MTU.
    same(static_cast<long>(after.frag_fails - before.frag_fails), 0,
         "ksock's segments fit the MTU with their SACK blocks");
    std::printf("  both ways at once, %zu MiB each, 2%% lost, 1%% reordered: %.1f MiB/s each way; "
                "ksock retransmitted %u\n",
                n >> 20, mib_per_s(n, t), x_info(p.x).tcpi_total_retrans);
    close_in_order(p, 0);
    w->s.close(xl);
}

//! Connections from the kernel up to the TCP pool's capacity (the listener
//! takes one), each with a little data both ways; one more is not taken
//! (its SYN finds no sock: the kernel retries it) until one closes.
void case_many() {
    results.current = "many connections";
    ++results.cases;
    const int xl = x_listen(9500, 64);
    constexpr int n = tap_stack::config::proto_objects<ksock::inet::tcp_prot> - 1;
    std::vector<pair_fd> v;
    for (int i = 0; i < n; ++i)
        v.push_back(kernel_connects(xl, 9500));
    for (std::size_t i = 0; i < v.size(); ++i) {
        flow f(i % 2 == 0, 3000 + i, static_cast<unsigned>(i));
        check(run_flows(v[i], {&f}, 10.0) >= 0, "a little data on connection " + std::to_string(i));
    }
    // One more: its handshake cannot complete while the pool is full.
    const int extra = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const auto a = sin_of(x_addr, 9500);
    ::connect(extra, reinterpret_cast<const sockaddr*>(&a), sizeof a);
    settle(300);
    same(w->s.accept4(xl, nullptr, nullptr, ksock::sock_nonblock), -ksock::eagain,
         "no connection beyond the pool's capacity");
    same(k_info(extra).tcpi_state, 2, "the kernel's connect beyond it waits in SYN_SENT");
    close_in_order(v.back(), 0);
    v.pop_back();
    // The kernel's SYN again (1 s, then 3 s after the first): taken now.
    int x = -1;
    check(pump(
              [&] {
                  x = w->s.accept4(xl, nullptr, nullptr, ksock::sock_nonblock);
                  return x >= 0 && k_connected(extra);
              },
              6000),
          "the connection beyond the pool is taken once one closed");
    if (x >= 0)
        v.push_back({extra, x});
    else
        ::close(extra);
    for (std::size_t i = 0; i < v.size(); ++i)
        close_in_order(v[i], static_cast<int>(i % 3));
    w->s.close(xl);
    std::printf("  %d connections at once, one more taken when one closed\n", n);
}

} // namespace

int main() {
    const char* mib = std::getenv("KSOCK_TAP_TCP_MIB");
    const std::size_t bulk = static_cast<std::size_t>(mib ? std::atoi(mib) : 64) << 20;
    if (const std::string why = enter_namespace(); !why.empty()) {
        std::printf("SKIP: no private network namespace: %s\n", why.c_str());
        return exit_skip;
    }
    for (auto [k, v] : {std::pair<const char*, const char*>{"net/ipv6/conf/all/disable_ipv6", "1"},
                        {"net/ipv6/conf/default/disable_ipv6", "1"}})
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
    same(ksock::inet::iproute::addr_add(w->s, eth0, x_addr, 24), 0, "ksock's address");
    same(w->s.dev_open(eth0), 0, "ksock's device up");
    settle(50);

    const auto t0 = clock_type::now();
    std::printf("TCP over TAP:\n");
    results.current = "clean";
    case_bulk(true, bulk, 0, 0, 0);
    results.current = "1% reordered";
    case_bulk(false, bulk, 0, 1, 1);
    results.current = "1% lost, 1% reordered";
    case_bulk(true, bulk, 1, 1, 2);
    results.current = "5% lost, 1% reordered";
    case_bulk(false, bulk, 5, 1, 0);
    results.current = "ECN, 1% marked CE";
    case_bulk(false, bulk / 8, 0, 0, 1, 1);
    case_both_ways(bulk / 8);
    case_many();
    settle(200);
    std::printf("tcp over tap: %lu cases, %lu comparisons, %lu failed, %.0f s\n", results.cases,
                results.comparisons, results.failures, since(t0));
    return results.failures ? 1 : 0;
}
