// examples/board_echo.cpp: a board on an Ethernet wire, as a firmware
// engineer ships it: ksock at 192.0.2.2/24 on the Cortex-M3 board
// mps2-an385's LAN9118 (ksock::drivers::lan9118), reached from a host.
//
//   ICMP echo     the stack answers pings itself
//   UDP port 7    echo; the datagram "quit" ends the program
//   TCP port 7    echo, any number of bytes, until the host closes
//   TCP port 13   a line of text, then the board closes
//
// The stack is one constinit object (.bss); the interrupt handler only
// tells the LAN9118 driver it has work, SysTick counts milliseconds, and
// the main loop advances the stack by the time gone, serves the sockets
// and sleeps (WFI) until the next interrupt. It prints its code size and
// static RAM at start and a line per TCP connection, and exits over
// semihosting with its own verdict: 0 when every socket call did what it
// should and the stack's invariants hold, 1 otherwise.
//
//   board_echo [SECONDS [REQUESTS]]
//     SECONDS   how long to serve before giving up (default 300; 0: boot,
//               bring the device up, print the sizes and exit)
//     REQUESTS  exit after this many (UDP datagrams and TCP connections;
//               default 0: only "quit" ends it)
//
// Run it on a TAP interface of the host (as root, or in `unshare -rn`):
//   ip tuntap add mode tap name ktap0 && ip addr add 192.0.2.1/24 dev ktap0
//   ip link set ktap0 up
//   qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none
//       -semihosting-config enable=on,target=native
//       -nic tap,ifname=ktap0,script=no,downscript=no -kernel board_echo
//   (one command line)
// then `ping 192.0.2.2`, `nc -u 192.0.2.2 7`, `nc 192.0.2.2 7`.
// test/interop/board/ does all of that from a test (ctest arm.board_echo).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>

#include <ksock/drivers/lan9118.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/ksock.hpp>

namespace {

using eth_driver = ksock::drivers::lan9118<>; // 0x40200000 on mps2-an385/an386
constexpr unsigned eth_irq = 13;

struct board_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, eth_driver>;
    static constexpr std::size_t max_fds = 16;
    static constexpr std::size_t max_sockets = 16;
    static constexpr std::size_t tasks = 1;
    //! 128 buffers of 2 KiB: a full frame each, 256 KiB in flight.
    static constexpr std::size_t skbs = 128;
    static constexpr std::size_t skb_data_size = 2048;
    template <class P>
    static constexpr std::size_t proto_objects = std::is_same_v<P, ksock::inet::tcp_prot>   ? 8
                                                 : std::is_same_v<P, ksock::inet::udp_prot> ? 4
                                                                                            : 2;
};
using board_stack = ksock::stack<board_config>;
constexpr int eth0 = board_stack::ifindex_of<eth_driver>();

constinit board_stack stack;
std::atomic<std::uint32_t> ticks{0};    // milliseconds since SysTick started
std::atomic<std::uint32_t> eth_irqs{0}; // the LAN9118's interrupts taken

// --- the Cortex-M3's own registers --------------------------------------------------
volatile std::uint32_t& reg32(std::uintptr_t a) {
    return *reinterpret_cast<volatile std::uint32_t*>(a);
}
constexpr std::uintptr_t syst_csr = 0xe000e010, syst_rvr = 0xe000e014, syst_cvr = 0xe000e018;
constexpr std::uintptr_t nvic_iser0 = 0xe000e100, nvic_icpr0 = 0xe000e280;
constexpr std::uint32_t cpu_hz = 25000000; // mps2-an385's SYSCLK

//! 1 kHz SysTick from the processor clock.
void start_ticks() {
    reg32(syst_rvr) = cpu_hz / 1000 - 1;
    reg32(syst_cvr) = 0;
    reg32(syst_csr) = 7; // ENABLE | TICKINT | CLKSOURCE
}
//! The LAN9118's interrupt line into the NVIC, anything pending from the
//! chip's set-up forgotten.
void enable_eth_irq() {
    reg32(nvic_icpr0) = 1u << eth_irq;
    reg32(nvic_iser0) = 1u << eth_irq;
}

//! Sleep until an interrupt unless the device already has work: with the
//! interrupts masked, so one that comes between the test and WFI still
//! wakes it (WFI wakes on a pending interrupt; it runs after cpsie).
void idle(std::uint32_t seen) {
    __asm__ volatile("cpsid i" ::: "memory");
    if (!stack.device<eth_driver>().ready() && ticks.load(std::memory_order_relaxed) == seen)
        __asm__ volatile("wfi" ::: "memory");
    __asm__ volatile("cpsie i" ::: "memory");
}

// --- what the board serves -------------------------------------------------------------
int failures = 0;
void expect(bool ok, const char* what, long got) {
    if (!ok) {
        ++failures;
        std::printf("board_echo: FAILED: %s (%ld)\n", what, got);
    }
}

ksock::sockaddr_in any_port(std::uint16_t port) {
    ksock::sockaddr_in a{};
    a.sin_family = ksock::af_inet;
    a.sin_port = ksock::cpu_to_be16(port);
    return a;
}

int open_socket(int type, std::uint16_t port) {
    const int fd = stack.socket(ksock::af_inet, type | ksock::sock_nonblock, 0);
    expect(fd >= 0, "socket", fd);
    const ksock::sockaddr_in a = any_port(port);
    const int r = stack.bind(fd, reinterpret_cast<const ksock::sockaddr*>(&a), sizeof a);
    expect(r == 0, "bind", r);
    if (type == ksock::sock_stream) {
        // Windows sized to the board, inherited by every accepted
        // connection: the LAN9118's RX FIFO holds about 10 KiB, so a peer
        // that may send more at once overruns it; and a connection's
        // queues must leave socket buffers for the others (the kernel
        // doubles both values).
        const int rcvbuf = 4096, sndbuf = 8192;
        expect(stack.setsockopt(fd, ksock::sol_socket, ksock::so_rcvbuf, &rcvbuf, sizeof rcvbuf) ==
                   0,
               "SO_RCVBUF", rcvbuf);
        expect(stack.setsockopt(fd, ksock::sol_socket, ksock::so_sndbuf, &sndbuf, sizeof sndbuf) ==
                   0,
               "SO_SNDBUF", sndbuf);
        const int l = stack.listen(fd, 4);
        expect(l == 0, "listen", l);
    }
    return fd;
}

//! One TCP echo connection: what was read and not yet sent back.
struct echo_conn {
    int fd = -1;
    unsigned id = 0;
    std::size_t have = 0, off = 0;
    unsigned long bytes = 0;
    unsigned char buf[2048];
};

struct service {
    int udp = -1, tcp = -1, daytime = -1;
    echo_conn conns[6];
    unsigned long requests = 0;
    unsigned connections = 0;
    bool quit = false;

    void serve_udp() {
        unsigned char buf[1500];
        for (int i = 0; i < 16; ++i) {
            ksock::sockaddr_in from{};
            ksock::socklen_t fl = sizeof from;
            const long n = stack.recvfrom(udp, buf, sizeof buf, 0,
                                          reinterpret_cast<ksock::sockaddr*>(&from), &fl);
            if (n == -ksock::eagain)
                return;
            expect(n >= 0, "UDP recvfrom", n);
            if (n < 0)
                return;
            ++requests;
            const long s = stack.sendto(udp, buf, static_cast<std::size_t>(n), 0,
                                        reinterpret_cast<const ksock::sockaddr*>(&from), fl);
            expect(s == n, "UDP echo sendto", s);
            if (n == 4 && std::memcmp(buf, "quit", 4) == 0)
                quit = true;
        }
    }

    void close_conn(echo_conn& c, const char* why) {
        std::printf("board_echo: TCP connection %u: %lu bytes echoed, %s\n", c.id, c.bytes, why);
        const int r = stack.close(c.fd);
        expect(r == 0, "close", r);
        c.fd = -1;
    }

    //! New connections on port 7 into free slots; on port 13 a line and
    //! the board's close.
    void accept_all() {
        for (int i = 0; i < 8; ++i) {
            const int fd = stack.accept4(tcp, nullptr, nullptr, ksock::sock_nonblock);
            if (fd == -ksock::eagain)
                break;
            expect(fd >= 0, "accept", fd);
            if (fd < 0)
                break;
            ++requests;
            echo_conn* slot = nullptr;
            for (echo_conn& c : conns)
                if (c.fd < 0 && !slot)
                    slot = &c;
            if (!slot) { // as a server out of workers: the host sees a reset
                stack.close(fd);
                continue;
            }
            *slot = echo_conn{};
            slot->fd = fd;
            slot->id = ++connections;
        }
        for (int i = 0; i < 4; ++i) {
            const int fd = stack.accept4(daytime, nullptr, nullptr, 0);
            if (fd == -ksock::eagain)
                break;
            expect(fd >= 0, "accept (port 13)", fd);
            if (fd < 0)
                break;
            ++requests;
            static const char line[] = "ksock board_echo at 192.0.2.2: the board closes\n";
            const long s = stack.send(fd, line, sizeof line - 1, 0);
            expect(s == static_cast<long>(sizeof line - 1), "send (port 13)", s);
            const int r = stack.close(fd);
            expect(r == 0, "close (port 13)", r);
        }
    }

    //! Echo what each connection has: send what is pending, read more
    //! only when all of it went (the host's window holds the rest).
    void serve_tcp() {
        accept_all();
        for (echo_conn& c : conns) {
            for (int round = 0; c.fd >= 0 && round < 8; ++round) {
                if (c.off < c.have) {
                    const long s = stack.send(c.fd, c.buf + c.off, c.have - c.off, 0);
                    if (s == -ksock::eagain)
                        break;
                    if (s < 0) {
                        expect(s == -ksock::econnreset || s == -ksock::epipe, "TCP send", s);
                        close_conn(c, "reset by the host");
                        break;
                    }
                    c.off += static_cast<std::size_t>(s);
                    if (c.off < c.have)
                        break;
                    c.off = c.have = 0;
                }
                const long n = stack.recv(c.fd, c.buf, sizeof c.buf, 0);
                if (n == -ksock::eagain)
                    break;
                if (n <= 0) {
                    expect(n == 0 || n == -ksock::econnreset, "TCP recv", n);
                    close_conn(c, n == 0 ? "closed by the host" : "reset by the host");
                    break;
                }
                c.have = static_cast<std::size_t>(n);
                c.bytes += static_cast<unsigned long>(n);
            }
        }
    }

    void close_all() {
        for (echo_conn& c : conns)
            if (c.fd >= 0)
                close_conn(c, "the board stops");
        for (int fd : {udp, tcp, daytime})
            expect(stack.close(fd) == 0, "close a service socket", fd);
    }
};

service svc;

//! Sizes from the linker script (cmake/arm/link.ld).
extern "C" const char __ksock_text_end[], __ksock_rodata_end[], __exidx_start[],
    __ksock_data_start[], __bss_end__[];

unsigned long addr(const void* p) {
    return static_cast<unsigned long>(reinterpret_cast<std::uintptr_t>(p));
}

void print_sizes() {
    const unsigned long text = addr(__ksock_text_end);
    const unsigned long rodata = addr(__ksock_rodata_end) - text;
    std::printf("board_echo: code size: %lu bytes (.text %lu, .rodata %lu)\n", text + rodata, text,
                rodata);
    std::printf("board_echo: static RAM: %lu bytes (.data + .bss), the ksock stack %lu of them "
                "(%lu socket buffers of %lu bytes)\n",
                addr(__bss_end__) - addr(__ksock_data_start),
                static_cast<unsigned long>(board_stack::static_ram()),
                static_cast<unsigned long>(board_config::skbs),
                static_cast<unsigned long>(board_config::skb_data_size));
}

//! A line of what the board is doing (for a test's log when it hangs).
void report(std::uint32_t ms) {
    const ksock::net_device_state* st = stack.netdev(eth0);
    std::printf("board_echo: %lu ms: eth0 rx %lu tx %lu (rx dropped %lu), skbs in use %lu",
                static_cast<unsigned long>(ms), static_cast<unsigned long>(st->stats.rx_packets),
                static_cast<unsigned long>(st->stats.tx_packets),
                static_cast<unsigned long>(st->stats.rx_dropped),
                static_cast<unsigned long>(stack.skbs_in_use()));
    const eth_driver& dev = stack.device<eth_driver>();
    std::printf(", IP FragFails %lu", ksock::inet::ipv4_net(stack).mib.ip.frag_fails);
    std::printf(", qdisc %lu, driver busy %lu tx errors %lu dumps %lu chip errors %lu\n",
                static_cast<unsigned long>(st->qdisc.qlen), dev.tx_busy, dev.tx_errors,
                dev.rx_dumps, dev.rx_chip_errors);
    for (const echo_conn& c : svc.conns) {
        if (c.fd < 0)
            continue;
        ksock::tcp_info_t ti{};
        ksock::socklen_t len = sizeof ti;
        stack.getsockopt(c.fd, ksock::sol_tcp, ksock::tcp_info, &ti, &len);
        std::printf("board_echo:   conn %u: %lu bytes (%lu pending): state %u, unacked %lu, "
                    "cwnd %lu, snd_wnd %lu, rcv_wnd %lu, rto %lu us, backoff %u, probes %u\n",
                    c.id, c.bytes, static_cast<unsigned long>(c.have - c.off), ti.tcpi_state,
                    static_cast<unsigned long>(ti.tcpi_unacked),
                    static_cast<unsigned long>(ti.tcpi_snd_cwnd),
                    static_cast<unsigned long>(ti.tcpi_snd_wnd),
                    static_cast<unsigned long>(ti.tcpi_rcv_wnd),
                    static_cast<unsigned long>(ti.tcpi_rto), ti.tcpi_backoff, ti.tcpi_probes);
    }
}

} // namespace

extern "C" void SysTick_Handler() {
    ticks.fetch_add(1, std::memory_order_relaxed);
}
//! IRQ 13: the LAN9118. The driver masks the chip and notes the work;
//! the main loop's advance() does it.
extern "C" void ETHERNET_IRQHandler() {
    eth_irqs.fetch_add(1, std::memory_order_relaxed);
    stack.device<eth_driver>().irq();
}

int main(int argc, char** argv) {
    const unsigned long seconds = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 300;
    const unsigned long max_requests = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 0;
    std::printf("board_echo: ksock on a Cortex-M, LAN9118 at 0x40200000 (IRQ %u)\n", eth_irq);
    print_sizes();

    const unsigned char mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    stack.device<eth_driver>().set_mac(mac);
    stack.boot();
    expect(ksock::inet::iproute::addr_add(stack, eth0, ksock::inet::ipv4(192, 0, 2, 2), 24) == 0,
           "ip addr add 192.0.2.2/24", 0);
    const int up = stack.dev_open(eth0);
    expect(up == 0, "ip link set eth0 up", up);
    if (up != 0)
        return 1;
    start_ticks();
    enable_eth_irq();
    std::printf("board_echo: eth0 up at 192.0.2.2/24, carrier %s\n",
                stack.device<eth_driver>().carrier() ? "on" : "off");
    if (seconds == 0) {
        std::printf("board_echo: %s\n", failures ? "FAILED" : "booted, not serving (0 seconds)");
        return failures ? 1 : 0;
    }

    svc.udp = open_socket(ksock::sock_dgram, 7);
    svc.tcp = open_socket(ksock::sock_stream, 7);
    svc.daytime = open_socket(ksock::sock_stream, 13);
    std::printf("board_echo: serving: ICMP echo, UDP echo on 7, TCP echo on 7, TCP 13\n");
    std::fflush(stdout);

    std::uint32_t last = ticks.load();
    const std::uint32_t start = last;
    std::uint32_t next_report = start + 2000;
    bool timed_out = false;
    while (!svc.quit && (max_requests == 0 || svc.requests < max_requests)) {
        const std::uint32_t now = ticks.load();
        stack.advance(now - last);
        last = now;
        svc.serve_udp();
        svc.serve_tcp();
        if (now - start >= seconds * 1000) {
            timed_out = true;
            break;
        }
        if (now - next_report < 0x80000000u) { // every 2 s, while it serves
            report(now - start);
            next_report = now + 2000;
        }
        idle(now);
    }
    svc.close_all();
    for (int i = 0; i < 200; ++i) { // the closes' FINs leave, the host ACKs them
        const std::uint32_t now = ticks.load();
        stack.advance(now - last);
        last = now;
        idle(now);
    }

    const ksock::net_device_state* st = stack.netdev(eth0);
    const eth_driver& dev = stack.device<eth_driver>();
    std::printf("board_echo: eth0 rx %lu packets (%lu errors, %lu dropped), tx %lu packets; "
                "driver tx busy %lu, tx errors %lu\n",
                static_cast<unsigned long>(st->stats.rx_packets),
                static_cast<unsigned long>(st->stats.rx_errors),
                static_cast<unsigned long>(st->stats.rx_dropped),
                static_cast<unsigned long>(st->stats.tx_packets), dev.tx_busy, dev.tx_errors);
    std::printf("board_echo: interrupts: %lu from the LAN9118, %lu ms of SysTick\n",
                static_cast<unsigned long>(eth_irqs.load()),
                static_cast<unsigned long>(ticks.load() - start));
    expect(!timed_out, "no \"quit\" before the time limit", static_cast<long>(seconds));
    expect(st->stats.rx_errors == 0, "eth0 receive errors", static_cast<long>(st->stats.rx_errors));
    const auto inv = stack.check_invariants();
    if (!inv)
        std::printf("board_echo: invariant broken: %s\n", inv.what);
    expect(static_cast<bool>(inv), "the stack's invariants", 0);
    std::printf("board_echo: %lu requests, %u TCP connections: %s\n", svc.requests, svc.connections,
                failures ? "FAILED" : "all right");
    return failures ? 1 : 0;
}
