// bench/tcp_bench.cpp: TCP's data path over a link, for bench/tcp_bench.py.
//
//   tcp_bench bulk/ksock <MiB>      ksock -> ksock over the in-memory link
//   tcp_bench bulk/lwip <MiB>       lean lwIP -> lean lwIP over the same link
//   tcp_bench bulk/tap <MiB>        ksock -> the host kernel over a TAP
//   tcp_bench bulk/veth <MiB>       kernel -> kernel over a veth pair
//   tcp_bench send_recv/ksock <n>   n times: 64 bytes sent and received
//   tcp_bench send_recv/lwip <n>    the same, lean lwIP
//   tcp_bench ram                   what one connection holds, both stacks
//
// The in-memory link is test/support/vlink.hpp's wire, shared by both
// stacks: every frame copied once into the wire's slot at transmit and once
// into the receiver's buffer (skb or pbuf) at poll, as a NIC's DMA would;
// a transmit ring of 12 frames each way, no delay, no loss. Each round of
// the bulk transfer the sender sends what its buffer takes, the clock moves
// on 1 ms, the receiver polls its device and reads everything, and the
// sender polls the ACKs. The MSS is 1448 bytes on both (a 1500-byte MTU).
//
// callgrind counts only the transfer (CALLGRIND_START_INSTRUMENTATION around
// it; the check of the data received is left out with
// CALLGRIND_TOGGLE_COLLECT), both ends. The TAP and veth cases run in a
// private network namespace (unshare user+net, 192.0.2.0/24) and exit 77
// when one cannot be made.
//
// Output: "key value" lines.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string>
#include <type_traits>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <valgrind/callgrind.h>

#include <ksock/default_config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/drivers/tap.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/ksock.hpp>

#include "interop/tap/host.hpp"
#include "lwip_lean/lean_tcp.h"
#include "support/wire_fixture.hpp"

namespace {

constexpr int exit_skip = 77;
constexpr std::uint16_t port = 5001;
// 192.0.2.1 (a, the sender; the kernel's end of the TAP) and 192.0.2.2 (b),
// eth0 the device's ifindex: the wire tests' (support/wire_fixture.hpp).
using ksock_test::addr_a;
using ksock_test::addr_b;
using ksock_test::eth0;
//! The period of the bytes sent, and the most one send() offers: 45 full
//! segments, so that no write leaves a short one behind.
constexpr std::size_t chunk = 45 * 1448;

//! The bytes sent: the byte at offset i of the stream is pattern[i % chunk].
unsigned char pattern[chunk];
unsigned char inbuf[chunk];

void fill_pattern() {
    for (std::size_t i = 0; i < chunk; ++i)
        pattern[i] = static_cast<unsigned char>(i * 131 + 7 + (i >> 8));
}

//! Received bytes [at, at + n) of the stream are the pattern's (left out of
//! callgrind's count).
bool check_received(std::size_t at, const unsigned char* p, std::size_t n) {
    CALLGRIND_TOGGLE_COLLECT;
    bool ok = true;
    for (std::size_t i = 0; i < n && ok;) {
        const std::size_t off = (at + i) % chunk;
        const std::size_t k = n - i < chunk - off ? n - i : chunk - off;
        ok = std::memcmp(p + i, pattern + off, k) == 0;
        i += k;
    }
    CALLGRIND_TOGGLE_COLLECT;
    return ok;
}

double now_s(clockid_t c) {
    timespec ts{};
    clock_gettime(c, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

//! The process's CPU time including its waited-for children, and wall time.
struct clocks {
    double cpu0 = 0, wall0 = 0;
    static double cpu() {
        rusage self{}, kids{};
        getrusage(RUSAGE_SELF, &self);
        getrusage(RUSAGE_CHILDREN, &kids);
        auto tv = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
        };
        return tv(self.ru_utime) + tv(self.ru_stime) + tv(kids.ru_utime) + tv(kids.ru_stime);
    }
    void start() {
        cpu0 = cpu();
        wall0 = now_s(CLOCK_MONOTONIC);
    }
    void report(std::size_t bytes) const {
        const double c = cpu() - cpu0, w = now_s(CLOCK_MONOTONIC) - wall0;
        std::printf("bytes %zu\ncpu_s %.6f\nwall_s %.6f\n", bytes, c, w);
    }
};

// --- ksock <-> ksock over the in-memory link ------------------------------------------

template <int Side>
struct link_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, ksock_test::vdev<Side>>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    template <class P>
    static constexpr std::size_t proto_objects = 4;
};

//! Set the wire up as the benchmark uses it: no delay, 12 frames each way.
void wire_setup(ksock_test::vwire& w) {
    w.delay = 0;
    w.ring[0] = w.ring[1] = 12;
}

struct ksock_pair {
    ksock_test::vwire w;
    ksock::stack<link_config<0>> a;
    ksock::stack<link_config<1>> b;
    int c = -1, s = -1;

    void tick() {
        ++w.now;
        b.advance(1);
    }
    void tick_sender() { a.advance(1); }

    bool setup(bool nodelay) {
        wire_setup(w);
        a.device<ksock_test::vdev<0>>().wire = &w;
        b.device<ksock_test::vdev<1>>().wire = &w;
        ksock::inet::iproute::addr_add(a, eth0, addr_a, 24);
        ksock::inet::iproute::addr_add(b, eth0, addr_b, 24);
        if (a.dev_open(eth0) || b.dev_open(eth0))
            return false;
        const int l = b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
        const auto to = ksock_test::sin_of(addr_b, port);
        if (b.bind(l, ksock_test::sa(to), sizeof to) || b.listen(l, 1))
            return false;
        c = a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
        if (a.connect(c, ksock_test::sa(to), sizeof to) != -ksock::einprogress)
            return false;
        for (int i = 0; i < 100 && s < 0; ++i) {
            tick();
            tick_sender();
            s = b.accept4(l, nullptr, nullptr, ksock::sock_nonblock);
        }
        const int one = 1;
        if (nodelay && (a.setsockopt(c, ksock::ipproto_tcp, ksock::tcp_nodelay, &one, sizeof one) ||
                        b.setsockopt(s, ksock::ipproto_tcp, ksock::tcp_nodelay, &one, sizeof one)))
            return false;
        return s >= 0;
    }
    long send(const void* p, std::size_t n) {
        const long r = a.send(c, p, n, ksock::msg_dontwait);
        return r == -ksock::eagain ? 0 : r;
    }
    long recv(void* p, std::size_t n) {
        const long r = b.recv(s, p, n, ksock::msg_dontwait);
        return r == -ksock::eagain ? 0 : r;
    }
    unsigned long frames(int side) const { return w.sent[side]; }
};

// --- lean lwIP <-> lean lwIP over the same link -----------------------------------------

//! A driver's transmit queue for the lwIP hosts: frames the wire's ring
//! had no room for wait here, as ksock's device queue holds them
//! (vdev::tx_queue_len, 16), and go out at the side's next poll. Without it
//! lwIP would build, checksum and lose the segment at every full ring.
struct tx_backlog {
    static constexpr std::size_t max = 16;
    unsigned char frame[max][ksock_test::vwire::max_frame];
    std::uint16_t len[max];
    std::size_t head = 0, n = 0;
};
tx_backlog backlog[2];

template <int Side>
bool wire_put(ksock_test::vwire& w, const void* frame, std::size_t len) {
    if (w.in_flight(Side) >= w.ring[Side])
        return false;
    ++w.sent[Side];
    w.inject(1 - Side, frame, len, w.delay);
    return true;
}

//! lean_tcp.h's transmit hook: the frame onto the wire toward the other
//! side, or into the side's queue; "busy" when both are full.
template <int Side>
int lwip_tx(void* user, const void* frame, std::size_t len) {
    auto& w = *static_cast<ksock_test::vwire*>(user);
    tx_backlog& q = backlog[Side];
    if (!q.n && wire_put<Side>(w, frame, len))
        return 0;
    if (q.n == tx_backlog::max) {
        ++w.busy[Side];
        return 1;
    }
    const std::size_t i = (q.head + q.n++) % tx_backlog::max;
    std::memcpy(q.frame[i], frame, len);
    q.len[i] = static_cast<std::uint16_t>(len);
    return 0;
}

//! The side's queued frames onto the wire, as far as its ring takes them.
template <int Side>
void lwip_flush(ksock_test::vwire& w) {
    tx_backlog& q = backlog[Side];
    while (q.n && wire_put<Side>(w, q.frame[q.head], q.len[q.head])) {
        q.head = (q.head + 1) % tx_backlog::max;
        --q.n;
    }
}

//! Every frame that has arrived for \p side into its lwIP, as a driver's
//! poll: the slot is free once the frame is copied into a pbuf, which
//! lean_tcp_input does before anything can be sent.
template <int Side>
void lwip_poll(ksock_test::vwire& w, void (*input)(const void*, std::size_t)) {
    lwip_flush<Side>(w);
    while (ksock_test::vwire::frame* f = w.next_for(Side)) {
        f->used = false;
        ++w.delivered[Side];
        input(f->data, f->len);
    }
}

struct lwip_pair {
    ksock_test::vwire w;

    void tick() {
        ++w.now;
        lean_a_tcp_timer();
        lean_b_tcp_timer();
        lwip_poll<1>(w, lean_b_tcp_input);
    }
    void tick_sender() { lwip_poll<0>(w, lean_a_tcp_input); }

    bool setup(bool nodelay) {
        wire_setup(w);
        static const std::uint8_t mac_a[6] = {0x02, 0, 0, 0, 0, 1};
        static const std::uint8_t mac_b[6] = {0x02, 0, 0, 0, 0, 2};
        const std::uint32_t mask = ksock::cpu_to_be32(0xffffff00u);
        lean_a_tcp_init(mac_a, addr_a, mask, &lwip_tx<0>, &w);
        lean_b_tcp_init(mac_b, addr_b, mask, &lwip_tx<1>, &w);
        if (lean_b_tcp_listen(port) || lean_a_tcp_connect(addr_b, port))
            return false;
        for (int i = 0; i < 3000 && !(lean_a_tcp_established() && lean_b_tcp_established()); ++i) {
            tick();
            tick_sender();
        }
        if (nodelay)
            lean_a_tcp_nodelay(), lean_b_tcp_nodelay();
        return lean_a_tcp_established() && lean_b_tcp_established();
    }
    long send(const void* p, std::size_t n) { return lean_a_tcp_send(p, n); }
    long recv(void* p, std::size_t n) { return lean_b_tcp_recv(p, n); }
    unsigned long frames(int side) const { return w.sent[side]; }
};

//! \p bytes from a to b in rounds of 1 ms (see the top of the file): false
//! when it does not all arrive, intact, within a bound.
template <class P>
bool bulk(P& p, std::size_t bytes) {
    std::size_t sent = 0, got = 0;
    const unsigned long f0 = p.frames(0), f1 = p.frames(1);
    clocks t;
    t.start();
    CALLGRIND_START_INSTRUMENTATION;
    for (unsigned long round = 0; got < bytes && round < 20 * 1000 * 1000; ++round) {
        while (sent < bytes) {
            const std::size_t off = sent % chunk;
            const std::size_t want = bytes - sent < chunk - off ? bytes - sent : chunk - off;
            const long w = p.send(pattern + off, want);
            if (w <= 0)
                break;
            sent += static_cast<std::size_t>(w);
        }
        p.tick();
        for (;;) {
            const long r = p.recv(inbuf, sizeof inbuf);
            if (r <= 0)
                break;
            if (!check_received(got, inbuf, static_cast<std::size_t>(r)))
                return false;
            got += static_cast<std::size_t>(r);
        }
        p.tick_sender();
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    t.report(got);
    std::printf("data_frames %lu\nack_frames %lu\n", p.frames(0) - f0, p.frames(1) - f1);
    return got == bytes;
}

//! \p n times: 64 bytes sent by a, the clock 1 ms on, received by b, a
//! polls (the ACKs, delayed or not, as each stack sends them).
template <class P>
bool send_recv(P& p, long n) {
    long bad = 0;
    std::size_t got = 0;
    const unsigned long f0 = p.frames(0), f1 = p.frames(1);
    clocks t;
    t.start();
    CALLGRIND_START_INSTRUMENTATION;
    for (long i = 0; i < n; ++i) {
        bad |= p.send(pattern, 64) != 64;
        p.tick();
        const long r = p.recv(inbuf, 64);
        bad |= r != 64;
        got += static_cast<std::size_t>(r);
        p.tick_sender();
    }
    CALLGRIND_STOP_INSTRUMENTATION;
    t.report(got);
    std::printf("data_frames %lu\nack_frames %lu\n", p.frames(0) - f0, p.frames(1) - f1);
    return !bad;
}

// --- ksock <-> the host kernel over a TAP -----------------------------------------------

struct tap_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, ksock::drivers::tap>;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    template <class P>
    static constexpr std::size_t proto_objects = 4;
};

sockaddr_in hsin(std::uint32_t addr, std::uint16_t p) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_port = htons(p);
    s.sin_addr.s_addr = addr;
    return s;
}

int skip(const std::string& why) {
    std::printf("skip %s\n", why.c_str());
    return exit_skip;
}

//! ksock (192.0.2.2, on the TAP) sends \p bytes to a kernel socket
//! (192.0.2.1, the TAP's host end), one thread: ksock's rounds poll the
//! TAP, the kernel's receive runs in the write() that hands it a frame.
int bulk_tap(std::size_t bytes) {
    if (const std::string e = tap_interop::enter_namespace(); !e.empty())
        return skip(e);
    static ksock::stack<tap_config> s;
    auto& dev = s.device<ksock::drivers::tap>();
    if (dev.attach("kbench0"))
        return skip("no TAP interface (/dev/net/tun)");
    if (const std::string e = tap_interop::configure("kbench0", addr_a, 24); !e.empty())
        return skip(e);
    ksock::inet::iproute::addr_add(s, eth0, addr_b, 24);
    if (s.dev_open(eth0))
        return 1;
    const int l = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    const auto la = hsin(addr_a, port);
    if (::bind(l, reinterpret_cast<const sockaddr*>(&la), sizeof la) || ::listen(l, 1))
        return 1;
    const int c = s.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto to = ksock_test::sin_of(addr_a, port);
    if (s.connect(c, ksock_test::sa(to), sizeof to) != -ksock::einprogress)
        return 1;
    auto round = [&] {
        s.advance(0);
        pollfd pf{dev.fd(), POLLIN, 0};
        ::poll(&pf, 1, 1);
        s.advance(1);
    };
    int k = -1;
    for (int i = 0; i < 2000 && k < 0; ++i) {
        round();
        k = ::accept4(l, nullptr, nullptr, SOCK_NONBLOCK);
    }
    if (k < 0)
        return 1;
    std::size_t sent = 0, got = 0;
    clocks t;
    t.start();
    for (unsigned long r = 0; got < bytes && r < 2000 * 1000; ++r) {
        while (sent < bytes) {
            const std::size_t off = sent % chunk;
            const std::size_t want = bytes - sent < chunk - off ? bytes - sent : chunk - off;
            const long w = s.send(c, pattern + off, want, ksock::msg_dontwait);
            if (w <= 0)
                break;
            sent += static_cast<std::size_t>(w);
        }
        bool any = false;
        for (;;) {
            const long n = ::recv(k, inbuf, sizeof inbuf, MSG_DONTWAIT);
            if (n <= 0)
                break;
            any = true;
            if (!check_received(got, inbuf, static_cast<std::size_t>(n)))
                return 1;
            got += static_cast<std::size_t>(n);
        }
        s.advance(0);
        if (!any) {
            // Nothing came: wait for the kernel (its ACKs, a timer) up to
            // 1 ms, and move ksock's clock on.
            pollfd pf{dev.fd(), POLLIN, 0};
            ::poll(&pf, 1, 1);
            s.advance(1);
        }
    }
    t.report(got);
    tcp_info ti{};
    socklen_t tl = sizeof ti;
    ::getsockopt(k, IPPROTO_TCP, TCP_INFO, &ti, &tl);
    std::printf("kernel_rcv_mss %u\n", ti.tcpi_rcv_mss);
    return got == bytes ? 0 : 1;
}

// --- the kernel <-> the kernel over a veth pair -----------------------------------------

bool read_all(int fd, void* p, std::size_t n) {
    auto* b = static_cast<unsigned char*>(p);
    while (n) {
        const ssize_t r = ::read(fd, b, n);
        if (r <= 0)
            return false;
        b += r;
        n -= static_cast<std::size_t>(r);
    }
    return true;
}

//! A child in its own network namespace receives \p bytes on kb1
//! (192.0.2.2) from this process's socket on kb0 (192.0.2.1): two kernels'
//! worth of TCP in one, over veth (which passes GSO packets whole: the
//! kernel's figure is with its offloads, as it runs).
int bulk_veth(std::size_t bytes) {
    if (const std::string e = tap_interop::enter_namespace(); !e.empty())
        return skip(e);
    int up[2], down[2]; // child -> parent, parent -> child
    if (::pipe(up) || ::pipe(down))
        return 1;
    const pid_t child = ::fork();
    if (child == 0) {
        char x = 0;
        if (::unshare(CLONE_NEWNET) != 0)
            _exit(3);
        if (::write(up[1], &x, 1) != 1 || !read_all(down[0], &x, 1) ||
            !tap_interop::configure("kb1", addr_b, 24).empty())
            _exit(4);
        const int l = ::socket(AF_INET, SOCK_STREAM, 0);
        const auto la = hsin(addr_b, port);
        if (::bind(l, reinterpret_cast<const sockaddr*>(&la), sizeof la) || ::listen(l, 1))
            _exit(5);
        if (::write(up[1], &x, 1) != 1)
            _exit(6);
        const int k = ::accept(l, nullptr, nullptr);
        std::size_t got = 0;
        bool ok = k >= 0;
        while (ok && got < bytes) {
            const ssize_t n = ::recv(k, inbuf, sizeof inbuf, 0);
            ok = n > 0 && check_received(got, inbuf, static_cast<std::size_t>(n));
            got += ok ? static_cast<std::size_t>(n) : 0;
        }
        x = ok ? 1 : 0;
        _exit(::write(up[1], &x, 1) == 1 && ok ? 0 : 7);
    }
    ::close(up[1]); // a child that dies is EOF on up[0], not a wait forever
    ::close(down[0]);
    char x = 0;
    // The child has its namespace: the pair, its far end in the child's.
    if (!read_all(up[0], &x, 1))
        return 1;
    const std::string cmd =
        "ip link add kb0 type veth peer name kb1 netns " + std::to_string(child) + " 2>&1";
    if (std::system(cmd.c_str()) != 0) {
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        return skip("no veth pair (`" + cmd + "` failed)");
    }
    if (!tap_interop::configure("kb0", addr_a, 24).empty() || ::write(down[1], &x, 1) != 1 ||
        !read_all(up[0], &x, 1))
        return 1;
    const int c = ::socket(AF_INET, SOCK_STREAM, 0);
    const auto to = hsin(addr_b, port);
    if (::connect(c, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0)
        return 1;
    clocks t;
    t.start();
    std::size_t sent = 0;
    while (sent < bytes) {
        const std::size_t off = sent % chunk;
        const std::size_t want = bytes - sent < chunk - off ? bytes - sent : chunk - off;
        const ssize_t w = ::send(c, pattern + off, want, 0);
        if (w <= 0)
            return 1;
        sent += static_cast<std::size_t>(w);
    }
    const bool ok = read_all(up[0], &x, 1) && x == 1;
    int status = 0;
    ::waitpid(child, &status, 0); // its CPU time joins RUSAGE_CHILDREN
    t.report(ok ? bytes : 0);
    return ok && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

// --- RAM per connection -----------------------------------------------------------------

//! A stack with room for \p Tcp TCP objects, sockets and fds and \p Skbs
//! skbs: the difference between two of them is what one more connection,
//! or one more skb, costs in static RAM.
template <std::size_t Tcp, std::size_t Skbs>
struct ram_config : ksock::default_config {
    static constexpr std::size_t max_fds = Tcp;
    static constexpr std::size_t max_sockets = Tcp;
    static constexpr std::size_t skbs = Skbs;
    template <class P>
    static constexpr std::size_t proto_objects = std::is_same_v<P, ksock::inet::tcp_prot> ? Tcp : 1;
};

int ram() {
    constexpr std::size_t base = sizeof(ksock::stack<ram_config<32, 64>>);
    constexpr std::size_t conn =
        (sizeof(ksock::stack<ram_config<64, 64>>) - base) / 32; // per TCP connection
    constexpr std::size_t skb = (sizeof(ksock::stack<ram_config<32, 128>>) - base) / 64;
    std::printf("ksock_conn %zu\nksock_skb %zu\nksock_skb_data %zu\nksock_tcp_sock %zu\n", conn,
                skb, ksock::default_config::skb_data_size, sizeof(ksock::inet::tcp_sock));
    lean_tcp_sizes z{};
    lean_a_tcp_get_sizes(&z);
    std::printf("lwip_tcp_pcb %zu\nlwip_netconn %zu\nlwip_socket %zu\nlwip_rx_pbuf %zu\n"
                "lwip_tx_seg %zu\nlwip_tx_pbuf %zu\nlwip_mss %zu\nlwip_wnd %zu\n",
                z.tcp_pcb, z.netconn, z.socket, z.rx_pbuf, z.tx_seg, z.tx_pbuf, z.mss, z.wnd);
    return 0;
}

template <class P>
int run_bulk(std::size_t bytes) {
    static P p;
    if (!p.setup(false)) {
        std::fprintf(stderr, "no connection\n");
        return 2;
    }
    return bulk(p, bytes) ? 0 : 1;
}
template <class P>
int run_send_recv(long n) {
    static P p;
    if (!p.setup(true)) {
        std::fprintf(stderr, "no connection\n");
        return 2;
    }
    return send_recv(p, n) ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    fill_pattern();
    const std::string what = argc > 1 ? argv[1] : "";
    const long n = argc > 2 ? std::atol(argv[2]) : 16;
    const std::size_t bytes = static_cast<std::size_t>(n) << 20;
    int r = 64;
    if (what == "bulk/ksock")
        r = run_bulk<ksock_pair>(bytes);
    else if (what == "bulk/lwip")
        r = run_bulk<lwip_pair>(bytes);
    else if (what == "bulk/tap")
        r = bulk_tap(bytes);
    else if (what == "bulk/veth")
        r = bulk_veth(bytes);
    else if (what == "send_recv/ksock")
        r = run_send_recv<ksock_pair>(n);
    else if (what == "send_recv/lwip")
        r = run_send_recv<lwip_pair>(n);
    else if (what == "ram")
        r = ram();
    else
        std::fprintf(stderr,
                     "usage: %s bulk/{ksock,lwip,tap,veth} <MiB> | "
                     "send_recv/{ksock,lwip} <n> | ram\n",
                     argv[0]);
    std::fflush(stdout);
    return r;
}
