// test/interop/tap/tcp.cpp: TCP between ksock and the Linux kernel on one
// Ethernet link, a TAP interface in a private network namespace (the kernel
// at 192.0.2.1/24 on ktap1, ksock at 192.0.2.2 through drivers::tap, as in
// main.cpp). The handshake both ways, bulk transfers both ways with every
// byte checked (clean, then with the fault device on ksock's side losing
// frames), every close order, many connections at once up to the pool's
// capacity, and TCP_INFO of both ends compared where the two must agree
// (state, options, window scales, MSS).
//
// ksock runs in virtual time (1 ms a round), the kernel on the wall clock;
// each case is bounded in rounds. Exit 0: every comparison held; 1: one did
// not (each printed); 77: no private network namespace or TAP device here.
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <poll.h>
#include <string>
#include <vector>

#include <netinet/tcp.h>

#include <ksock/uapi/tcp.hpp>

#include "sides.hpp"

using namespace tap_interop;

namespace {

constexpr int exit_skip = 77;
constexpr const char* ifname = "ktap1";
const std::uint32_t k_addr = htonl(0xc0000201); // 192.0.2.1
const std::uint32_t x_addr = htonl(0xc0000202); // 192.0.2.2

struct world {
    tap_stack s;
    unsigned long cases = 0, comparisons = 0, failures = 0;
    const char* current = "";
};
world* w = nullptr;

void check(bool ok, const std::string& what) {
    ++w->comparisons;
    if (!ok) {
        ++w->failures;
        std::printf("FAIL [%s] %s\n", w->current, what.c_str());
    }
}
void same(long a, long b, const std::string& what) {
    check(a == b, what + ": " + std::to_string(a) + " vs " + std::to_string(b));
}

//! One round: the kernel's frames into ksock, ksock's clock 1 ms on; wait
//! up to 1 ms of real time for the kernel when nothing came.
void round() {
    const int fd = w->s.device<lossy_tap>().fd();
    w->s.advance(0);
    pollfd p{fd, POLLIN, 0};
    ::poll(&p, 1, 1);
    w->s.advance(1);
}
bool pump(const std::function<bool()>& done, int rounds) {
    for (int i = 0; i < rounds; ++i) {
        if (done())
            return true;
        round();
    }
    return done();
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
    pump(
        [&] {
            pollfd q{p.k, POLLOUT, 0};
            return ::poll(&q, 1, 0) == 1;
        },
        3000);
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

unsigned char pattern(std::size_t i, unsigned salt) {
    return static_cast<unsigned char>((i * 131 + salt * 7 + (i >> 12)) & 0xff);
}

//! \p n bytes from one end to the other, both sides non-blocking, every
//! byte checked; true when all arrived intact within \p rounds.
bool transfer(const pair_fd& p, bool kernel_sends, std::size_t n, unsigned salt, int rounds) {
    static unsigned char out[16384];
    static unsigned char in[16384];
    std::size_t sent = 0, got = 0;
    bool intact = true;
    const bool done = pump(
        [&] {
            while (sent < n) {
                const std::size_t k = n - sent < sizeof out ? n - sent : sizeof out;
                for (std::size_t i = 0; i < k; ++i)
                    out[i] = pattern(sent + i, salt);
                const long r = kernel_sends ? ::send(p.k, out, k, MSG_DONTWAIT | MSG_NOSIGNAL)
                                            : w->s.send(p.x, out, k, ksock::msg_dontwait);
                if (r <= 0)
                    break;
                sent += static_cast<std::size_t>(r);
            }
            for (;;) {
                const long r = kernel_sends ? w->s.recv(p.x, in, sizeof in, ksock::msg_dontwait)
                                            : ::recv(p.k, in, sizeof in, MSG_DONTWAIT);
                if (r <= 0)
                    break;
                for (long i = 0; i < r; ++i)
                    intact = intact && in[i] == pattern(got + static_cast<std::size_t>(i), salt);
                got += static_cast<std::size_t>(r);
            }
            return got >= n || !intact;
        },
        rounds);
    check(intact, "every byte arrives as it was sent");
    same(static_cast<long>(got), static_cast<long>(n), "the bytes received");
    return done && intact && got == n;
}

//! Both ways at once (so each side's data segments carry SACK blocks for
//! what it receives out of order): \p n bytes each way, every byte checked.
bool transfer_both(const pair_fd& p, std::size_t n, unsigned salt, int rounds) {
    static unsigned char out[16384];
    static unsigned char in[16384];
    std::size_t sent[2] = {}, got[2] = {};
    bool intact = true;
    const bool done = pump(
        [&] {
            for (int way = 0; way < 2; ++way) {
                const bool k_sends = way == 0;
                while (sent[way] < n) {
                    const std::size_t k = n - sent[way] < sizeof out ? n - sent[way] : sizeof out;
                    for (std::size_t i = 0; i < k; ++i)
                        out[i] = pattern(sent[way] + i, salt + static_cast<unsigned>(way));
                    const long r = k_sends ? ::send(p.k, out, k, MSG_DONTWAIT | MSG_NOSIGNAL)
                                           : w->s.send(p.x, out, k, ksock::msg_dontwait);
                    if (r <= 0)
                        break;
                    sent[way] += static_cast<std::size_t>(r);
                }
                for (;;) {
                    const long r = k_sends ? w->s.recv(p.x, in, sizeof in, ksock::msg_dontwait)
                                           : ::recv(p.k, in, sizeof in, MSG_DONTWAIT);
                    if (r <= 0)
                        break;
                    for (long i = 0; i < r; ++i)
                        intact = intact && in[i] == pattern(got[way] + static_cast<std::size_t>(i),
                                                            salt + static_cast<unsigned>(way));
                    got[way] += static_cast<std::size_t>(r);
                }
            }
            return (got[0] >= n && got[1] >= n) || !intact;
        },
        rounds);
    if (!done) {
        // What the stack holds when a transfer stalls.
        const ksock::net_device_state* st = w->s.netdev(eth0);
        const lossy_tap& d = w->s.device<lossy_tap>();
        const ksock::tcp_info_t xi = [&] {
            ksock::tcp_info_t i{};
            ksock::socklen_t l = sizeof i;
            w->s.getsockopt(p.x, ksock::sol_tcp, ksock::tcp_info, &i, &l);
            return i;
        }();
        std::printf("    stalled: skbs in use %zu of %zu, qdisc %u, tx busy %lu lost %lu, "
                    "state %u, unacked %u, snd_wnd %u, rcv_wnd %u, sent %zu/%zu, got %zu/%zu\n",
                    w->s.skbs_in_use(), tap_config::skbs, ksock::skb_queue_len(st->qdisc),
                    d.tx_busy, d.tx_lost, xi.tcpi_state, xi.tcpi_unacked, xi.tcpi_snd_wnd,
                    xi.tcpi_rcv_wnd, sent[0], sent[1], got[0], got[1]);
    }
    check(intact, "every byte arrives as it was sent, both ways at once");
    same(static_cast<long>(got[0] + got[1]), static_cast<long>(2 * n), "the bytes received");
    return done && intact;
}

ksock::tcp_info_t x_info(int fd) {
    ksock::tcp_info_t i{};
    ksock::socklen_t l = sizeof i;
    w->s.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &i, &l);
    return i;
}
struct tcp_info k_info(int fd) {
    struct tcp_info i {};
    socklen_t l = sizeof i;
    ::getsockopt(fd, IPPROTO_TCP, TCP_INFO, &i, &l);
    return i;
}

//! What both ends of one connection must agree on.
void compare_info(const pair_fd& p) {
    const ksock::tcp_info_t x = x_info(p.x);
    const struct tcp_info k = k_info(p.k);
    same(x.tcpi_state, k.tcpi_state, "TCP_INFO state");
    same(x.tcpi_options, k.tcpi_options, "TCP_INFO options (timestamps, SACK, window scaling)");
    same(x.tcpi_snd_wscale, k.tcpi_rcv_wscale, "ksock's send scale is the kernel's receive scale");
    same(x.tcpi_rcv_wscale, k.tcpi_snd_wscale, "ksock's receive scale is the kernel's send scale");
    same(x.tcpi_snd_mss, k.tcpi_snd_mss, "the MSS each sends with");
    same(x.tcpi_advmss, k.tcpi_advmss, "the MSS each advertised (less the timestamp)");
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
    pump([] { return false; }, 300);
}

void case_handshakes_and_bulk(bool kernel_opens, std::size_t n, unsigned loss, int order) {
    ++w->cases;
    lossy_tap& dev = w->s.device<lossy_tap>();
    static unsigned port = 9000;
    ++port;
    pair_fd p;
    int kl = -1, xl = -1;
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
    dev.loss = loss;
    dev.rng = 0x1234567u + port;
    const int rounds = 20000 + static_cast<int>(n / 64) * (loss ? 40 : 2);
    transfer(p, true, n, port, rounds);
    transfer(p, false, n, port + 1, rounds);
    dev.loss = 0;
    const ksock::tcp_info_t xi = x_info(p.x);
    std::printf("  %s opens, %zu bytes each way, %u%% loss: ksock retransmitted %u segments "
                "(rto %u us, cwnd %u), the kernel %u\n",
                kernel_opens ? "the kernel" : "ksock", n, loss, xi.tcpi_total_retrans, xi.tcpi_rto,
                xi.tcpi_snd_cwnd, k_info(p.k).tcpi_total_retrans);
    const ksock::net_device_state* st = w->s.netdev(eth0);
    std::printf("    ksock's device: rx_dropped %llu so far\n",
                static_cast<unsigned long long>(st->stats.rx_dropped));
    close_in_order(p, order);
    if (kl >= 0)
        ::close(kl);
    if (xl >= 0)
        w->s.close(xl);
}

//! Connections from the kernel up to the TCP pool's capacity, each with a
//! little data both ways, then all closed.
void case_many() {
    w->current = "many connections";
    ++w->cases;
    const int xl = x_listen(9500, 64);
    constexpr int n = tap_stack::config::proto_objects<ksock::inet::tcp_prot> - 1;
    std::vector<pair_fd> v;
    for (int i = 0; i < n; ++i)
        v.push_back(kernel_connects(xl, 9500));
    for (std::size_t i = 0; i < v.size(); ++i)
        transfer(v[i], i % 2 == 0, 3000 + i, static_cast<unsigned>(i), 3000);
    for (std::size_t i = 0; i < v.size(); ++i)
        close_in_order(v[i], static_cast<int>(i % 3));
    w->s.close(xl);
    std::printf("  %d connections at once\n", n);
}

} // namespace

int main() {
    // KSOCK_TAP_TCP_MIB: the clean bulk size in MiB each way (default 16).
    const char* mib = std::getenv("KSOCK_TAP_TCP_MIB");
    const std::size_t bulk = static_cast<std::size_t>(mib ? std::atoi(mib) : 16) << 20;
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
    pump([] { return false; }, 50);

    w->current = "clean";
    std::printf("TCP over TAP (%zu KiB each way):\n", bulk >> 10);
    case_handshakes_and_bulk(true, bulk, 0, 0);
    case_handshakes_and_bulk(false, bulk, 0, 1);
    case_handshakes_and_bulk(true, bulk / 4, 0, 2);
    w->current = "1% loss";
    case_handshakes_and_bulk(true, bulk / 4, 1, 0);
    case_handshakes_and_bulk(false, bulk / 4, 1, 1);
    w->current = "5% loss";
    case_handshakes_and_bulk(true, bulk / 8, 5, 1);
    case_handshakes_and_bulk(false, bulk / 8, 5, 0);
    w->current = "both ways at once, 2% loss";
    {
        ++w->cases;
        const int xl = x_listen(9400);
        const pair_fd p = kernel_connects(xl, 9400);
        lossy_tap& d = w->s.device<lossy_tap>();
        const auto before = ksock::inet::iproute::snmp(w->s).ip;
        d.loss = 2;
        d.rng = 4242;
        transfer_both(p, bulk / 8, 77, 60000);
        d.loss = 0;
        const auto after = ksock::inet::iproute::snmp(w->s).ip;
        // No segment ksock sent was larger than the MTU (SACK blocks and
        // data together): nothing refused for DF.
        same(static_cast<long>(after.frag_fails - before.frag_fails), 0,
             "ksock's segments fit the MTU with their SACK blocks");
        std::printf("  both ways at once, %zu bytes each, 2%% loss: ksock retransmitted %u\n",
                    bulk / 8, x_info(p.x).tcpi_total_retrans);
        close_in_order(p, 0);
        w->s.close(xl);
    }
    case_many();
    pump([] { return false; }, 200);
    std::printf("tcp over tap: %lu cases, %lu comparisons, %lu failed\n", w->cases, w->comparisons,
                w->failures);
    return w->failures ? 1 : 0;
}
