/* cmake/arm/lwip/board_echo_lwip.c: examples/board_echo.cpp's work done by
 * lwIP instead of ksock, on the same board (mps2-an385, LAN9118 at
 * 0x40200000, IRQ 13, 192.0.2.2/24), with the same flags, so that the two
 * firmwares' sizes compare stacks doing the same thing:
 *
 *   ICMP echo     the stack answers pings itself
 *   UDP port 7    echo; the datagram "quit" ends the program
 *   TCP port 7    echo, any number of bytes, until the host closes
 *   TCP port 13   a line of text, then the board closes
 *
 * lwIP's BSD sockets (lwip_*), non-blocking, from the main loop: the
 * interrupt handler only marks the LAN9118's work (lan9118if.c), SysTick
 * counts milliseconds, and the loop takes the frames, runs lwIP's timers and
 * the loopback queue, serves the sockets and sleeps (WFI) until the next
 * interrupt. It prints its code size and static RAM at start and exits over
 * semihosting with its verdict: 0 when every socket call did what it should.
 *
 *   board_echo_lwip [SECONDS [REQUESTS]]   as board_echo's (0 seconds: boot,
 *                                          print the sizes, exit)
 *
 * Its lines start "board_echo:" as board_echo's do, so the same host program
 * (test/interop/board/, --stack lwIP) drives both. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_lwip.h"
#include "lwip/api.h"
#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/sockets.h"
#include "lwip/sys.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "netif/ethernet.h"

#define ETH_IRQ 13u
#define CPU_HZ 25000000u /* mps2-an385's SYSCLK */

static volatile uint32_t board_ticks; /* milliseconds since SysTick started */
static volatile uint32_t eth_irqs;
#define eth0 lan9118if_netif

#define REG32(a) (*(volatile uint32_t*)(a))
#define SYST_CSR 0xe000e010u
#define SYST_RVR 0xe000e014u
#define SYST_CVR 0xe000e018u
#define NVIC_ISER0 0xe000e100u
#define NVIC_ICPR0 0xe000e280u

/* lwIP's clock (the OS layer leaves it to the platform). */
u32_t sys_now(void) {
    return board_ticks;
}

void SysTick_Handler(void) {
    board_ticks = board_ticks + 1;
}
void ETHERNET_IRQHandler(void) {
    eth_irqs = eth_irqs + 1;
    lan9118if_irq();
}

/* Sleep until an interrupt unless there is work: with interrupts masked, so
 * one that comes between the test and WFI still wakes it. */
static void idle(uint32_t seen) {
    __asm__ volatile("cpsid i" ::: "memory");
    if (!lan9118if_ready() && board_ticks == seen)
        __asm__ volatile("wfi" ::: "memory");
    __asm__ volatile("cpsie i" ::: "memory");
}

/* What ksock's stack.advance() does for board_echo: the device's frames,
 * the timers, the loopback. */
static void advance(void) {
    if (lan9118if_ready())
        lan9118if_poll(&eth0, 16);
    sys_check_timeouts();
    netif_poll_all();
}

static int failures;
static void expect(int ok, const char* what, long got) {
    if (!ok) {
        ++failures;
        printf("board_echo: FAILED: %s (%ld)\n", what, got);
    }
}

static void nonblocking(int fd) {
    int on = 1;
    const int r = lwip_ioctl(fd, FIONBIO, &on);
    expect(r == 0, "FIONBIO", r);
}

static int open_socket(int type, uint16_t port) {
    const int fd = lwip_socket(AF_INET, type, 0);
    expect(fd >= 0, "socket", fd);
    nonblocking(fd);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_len = sizeof a;
    a.sin_family = AF_INET;
    a.sin_port = lwip_htons(port);
    const int r = lwip_bind(fd, (const struct sockaddr*)&a, sizeof a);
    expect(r == 0, "bind", r);
    if (type == SOCK_STREAM) {
        const int l = lwip_listen(fd, 4);
        expect(l == 0, "listen", l);
    }
    return fd;
}

/* One TCP echo connection: what was read and not yet sent back. */
struct echo_conn {
    int fd;
    unsigned id;
    size_t have, off;
    unsigned long bytes;
    unsigned char buf[2048];
};

static struct {
    int udp, tcp, daytime;
    struct echo_conn conns[6];
    unsigned long requests;
    unsigned connections;
    int quit;
} svc; /* zeroed (.bss); main() marks every descriptor unused */

static void serve_udp(void) {
    unsigned char buf[1500];
    for (int i = 0; i < 16; ++i) {
        struct sockaddr_in from;
        socklen_t fl = sizeof from;
        const ssize_t n = lwip_recvfrom(svc.udp, buf, sizeof buf, 0, (struct sockaddr*)&from, &fl);
        if (n < 0 && errno == EWOULDBLOCK)
            return;
        expect(n >= 0, "UDP recvfrom", errno);
        if (n < 0)
            return;
        ++svc.requests;
        const ssize_t s =
            lwip_sendto(svc.udp, buf, (size_t)n, 0, (const struct sockaddr*)&from, fl);
        expect(s == n, "UDP echo sendto", (long)s);
        if (n == 4 && memcmp(buf, "quit", 4) == 0)
            svc.quit = 1;
    }
}

static void close_conn(struct echo_conn* c, const char* why) {
    printf("board_echo: TCP connection %u: %lu bytes echoed, %s\n", c->id, c->bytes, why);
    const int r = lwip_close(c->fd);
    expect(r == 0, "close", r);
    c->fd = -1;
}

/* New connections on port 7 into free slots; on port 13 a line and the
 * board's close. */
static void accept_all(void) {
    for (int i = 0; i < 8; ++i) {
        const int fd = lwip_accept(svc.tcp, NULL, NULL);
        if (fd < 0 && errno == EWOULDBLOCK)
            break;
        expect(fd >= 0, "accept", errno);
        if (fd < 0)
            break;
        ++svc.requests;
        struct echo_conn* slot = NULL;
        for (size_t k = 0; k < sizeof svc.conns / sizeof svc.conns[0] && !slot; ++k)
            if (svc.conns[k].fd < 0)
                slot = &svc.conns[k];
        if (!slot) { /* as a server out of workers */
            lwip_close(fd);
            continue;
        }
        nonblocking(fd);
        memset(slot, 0, sizeof *slot);
        slot->fd = fd;
        slot->id = ++svc.connections;
    }
    for (int i = 0; i < 4; ++i) {
        const int fd = lwip_accept(svc.daytime, NULL, NULL);
        if (fd < 0 && errno == EWOULDBLOCK)
            break;
        expect(fd >= 0, "accept (port 13)", errno);
        if (fd < 0)
            break;
        ++svc.requests;
        static const char line[] = "lwIP board_echo at 192.0.2.2: the board closes\n";
        const ssize_t s = lwip_send(fd, line, sizeof line - 1, 0);
        expect(s == (ssize_t)(sizeof line - 1), "send (port 13)", (long)s);
        const int r = lwip_close(fd);
        expect(r == 0, "close (port 13)", r);
    }
}

/* Echo what each connection has: send what is pending, read more only when
 * all of it went (the host's window holds the rest). */
static void serve_tcp(void) {
    accept_all();
    for (size_t k = 0; k < sizeof svc.conns / sizeof svc.conns[0]; ++k) {
        struct echo_conn* c = &svc.conns[k];
        for (int round = 0; c->fd >= 0 && round < 8; ++round) {
            if (c->off < c->have) {
                const ssize_t s = lwip_send(c->fd, c->buf + c->off, c->have - c->off, 0);
                if (s < 0 && errno == EWOULDBLOCK)
                    break;
                if (s < 0) {
                    expect(errno == ECONNRESET || errno == EPIPE || errno == ENOTCONN, "TCP send",
                           errno);
                    close_conn(c, "reset by the host");
                    break;
                }
                c->off += (size_t)s;
                if (c->off < c->have)
                    break;
                c->off = c->have = 0;
            }
            const ssize_t n = lwip_recv(c->fd, c->buf, sizeof c->buf, 0);
            if (n < 0 && errno == EWOULDBLOCK)
                break;
            if (n <= 0) {
                expect(n == 0 || errno == ECONNRESET || errno == ENOTCONN, "TCP recv", errno);
                close_conn(c, n == 0 ? "closed by the host" : "reset by the host");
                break;
            }
            c->have = (size_t)n;
            c->bytes += (unsigned long)n;
        }
    }
}

static void close_all(void) {
    for (size_t k = 0; k < sizeof svc.conns / sizeof svc.conns[0]; ++k)
        if (svc.conns[k].fd >= 0)
            close_conn(&svc.conns[k], "the board stops");
    const int fds[3] = {svc.udp, svc.tcp, svc.daytime};
    for (int i = 0; i < 3; ++i)
        expect(lwip_close(fds[i]) == 0, "close a service socket", fds[i]);
}

/* Sizes from the linker script (cmake/arm/link.ld). */
extern const char __ksock_text_end[], __ksock_rodata_end[], __ksock_data_start[], __bss_end__[];

static void print_sizes(void) {
    const unsigned long text = (unsigned long)(uintptr_t)__ksock_text_end;
    const unsigned long rodata = (unsigned long)(uintptr_t)__ksock_rodata_end - text;
    printf("board_echo: code size: %lu bytes (.text %lu, .rodata %lu)\n", text + rodata, text,
           rodata);
    printf("board_echo: static RAM: %lu bytes (.data + .bss), %u pool pbufs of %u bytes and a "
           "heap of %u bytes\n",
           (unsigned long)((uintptr_t)__bss_end__ - (uintptr_t)__ksock_data_start),
           (unsigned)PBUF_POOL_SIZE, (unsigned)PBUF_POOL_BUFSIZE, (unsigned)MEM_SIZE);
    printf("board_echo: a TCP connection: tcp_pcb %u + netconn %u + lwip_sock %u bytes\n",
           (unsigned)sizeof(struct tcp_pcb), (unsigned)sizeof(struct netconn),
           (unsigned)sizeof(struct lwip_sock));
}

/* A line of what the board is doing, every 2 s while it serves: board_echo
 * prints the same (there from TCP_INFO; lwIP has none, so from the PCB). */
static void report(uint32_t ms) {
    printf("board_echo: %lu ms: eth0 rx %lu tx %lu (rx dropped %lu), driver busy %lu tx errors "
           "%lu\n",
           (unsigned long)ms, lan9118if_stats.rx_frames, lan9118if_stats.tx_frames,
           lan9118if_stats.rx_dropped, lan9118if_stats.tx_busy, lan9118if_stats.tx_errors);
    for (size_t k = 0; k < sizeof svc.conns / sizeof svc.conns[0]; ++k) {
        const struct echo_conn* c = &svc.conns[k];
        const struct lwip_sock* sock = c->fd >= 0 ? lwip_socket_dbg_get_socket(c->fd) : NULL;
        const struct tcp_pcb* pcb = sock && sock->conn ? sock->conn->pcb.tcp : NULL;
        if (!pcb)
            continue;
        printf("board_echo:   conn %u: %lu bytes (%lu pending): state %u, unacked %lu, cwnd %lu, "
               "snd_wnd %lu, rcv_wnd %lu, rto %lu ms, retransmissions %u\n",
               c->id, c->bytes, (unsigned long)(c->have - c->off), (unsigned)pcb->state,
               (unsigned long)pcb->snd_queuelen, (unsigned long)pcb->cwnd,
               (unsigned long)pcb->snd_wnd, (unsigned long)pcb->rcv_wnd,
               (unsigned long)pcb->rto * TCP_SLOW_INTERVAL, (unsigned)pcb->nrtx);
    }
}

int main(int argc, char** argv) {
    const unsigned long seconds = argc > 1 ? strtoul(argv[1], NULL, 10) : 300;
    const unsigned long max_requests = argc > 2 ? strtoul(argv[2], NULL, 10) : 0;
    printf("board_echo: lwIP %s on a Cortex-M, LAN9118 at 0x40200000 (IRQ %u)\n",
           LWIP_VERSION_STRING, ETH_IRQ);
    print_sizes();
    svc.udp = svc.tcp = svc.daytime = -1;
    for (size_t k = 0; k < sizeof svc.conns / sizeof svc.conns[0]; ++k)
        svc.conns[k].fd = -1;

    lwip_init();
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 192, 0, 2, 2);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    ip4_addr_set_zero(&gw);
    static const uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
    memcpy(eth0.hwaddr, mac, sizeof mac);
    const int up =
        netif_add(&eth0, &addr, &mask, &gw, NULL, lan9118if_init, ethernet_input) != NULL;
    expect(up, "netif_add eth0 (the LAN9118)", 0);
    if (!up)
        return 1;
    netif_set_default(&eth0);
    netif_set_up(&eth0);

    REG32(SYST_RVR) = CPU_HZ / 1000 - 1; /* 1 kHz SysTick */
    REG32(SYST_CVR) = 0;
    REG32(SYST_CSR) = 7; /* ENABLE | TICKINT | CLKSOURCE */
    REG32(NVIC_ICPR0) = 1u << ETH_IRQ;
    REG32(NVIC_ISER0) = 1u << ETH_IRQ;
    printf("board_echo: eth0 up at 192.0.2.2/24, carrier %s\n",
           netif_is_link_up(&eth0) ? "on" : "off");
    if (seconds == 0) {
        printf("board_echo: %s\n", failures ? "FAILED" : "booted, not serving (0 seconds)");
        return failures ? 1 : 0;
    }

    svc.udp = open_socket(SOCK_DGRAM, 7);
    svc.tcp = open_socket(SOCK_STREAM, 7);
    svc.daytime = open_socket(SOCK_STREAM, 13);
    printf("board_echo: serving: ICMP echo, UDP echo on 7, TCP echo on 7, TCP 13\n");
    fflush(stdout);

    const uint32_t start = board_ticks;
    uint32_t next_report = start + 2000;
    int timed_out = 0;
    while (!svc.quit && (max_requests == 0 || svc.requests < max_requests)) {
        const uint32_t now = board_ticks;
        advance();
        serve_udp();
        serve_tcp();
        if (now - start >= seconds * 1000) {
            timed_out = 1;
            break;
        }
        if (now - next_report < 0x80000000u) { /* every 2 s, while it serves */
            report(now - start);
            next_report = now + 2000;
        }
        idle(now);
    }
    close_all();
    for (int i = 0; i < 200; ++i) { /* the closes' FINs leave, the host ACKs them */
        const uint32_t now = board_ticks;
        advance();
        idle(now);
    }

    printf("board_echo: eth0 rx %lu frames (%lu errors, %lu dropped), tx %lu frames; driver tx "
           "busy %lu, tx errors %lu\n",
           lan9118if_stats.rx_frames, lan9118if_stats.rx_errors, lan9118if_stats.rx_dropped,
           lan9118if_stats.tx_frames, lan9118if_stats.tx_busy, lan9118if_stats.tx_errors);
    printf("board_echo: interrupts: %lu from the LAN9118, %lu ms of SysTick\n",
           (unsigned long)eth_irqs, (unsigned long)(board_ticks - start));
    expect(!timed_out, "no \"quit\" before the time limit", (long)seconds);
    expect(lan9118if_stats.rx_errors == 0, "eth0 receive errors", (long)lan9118if_stats.rx_errors);
    printf("board_echo: %lu requests, %u TCP connections: %s\n", svc.requests, svc.connections,
           failures ? "FAILED" : "all right");
    return failures ? 1 : 0;
}
