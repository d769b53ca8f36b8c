// bench/datapath.hpp: the data-path cases (bind/listen/connect/accept,
// send/recv, poll over loopback), one struct each, shared by the Google
// Benchmark driver (runtime.cpp) and the instruction counter
// (instructions.cpp), in the shape of ops.hpp's cases: setup() (false: cannot
// run here), one operation per run(), teardown().
//
//   udp_rr            a 64-byte UDP request and its 64-byte response:
//                     client sendto + server recvfrom + server sendto (to
//                     the address recvfrom reported) + client recvfrom
//   tcp_pingpong<N>   N bytes client -> server, then N bytes back, over an
//                     established connection (TCP_NODELAY on both ends)
//   unix_pingpong<T>  64 bytes each way over socketpair(AF_UNIX, T)
//   tcp_cycle<G>      socket + connect + accept + close of both ends; G
//                     false: the client closes with SO_LINGER {1, 0} (an
//                     RST, no TIME_WAIT), so every stack reaches a steady
//                     state; G true: an orderly close (FIN both ways)
//   poll_n<N>         poll(N UDP fds, timeout 0), the last one readable
//   udp_send_recv     one direction only: sendto + recvfrom (instructions)
//   tcp_send_recv<N>  one direction only: send + recv of N bytes
//
// The stacks: ksock (a default_stack; every socket non-blocking, so a call
// that would block says EAGAIN), lwIP (its BSD API over a loopback netif,
// blocking calls: the tcpip thread delivers looped packets) and the host
// kernel (127.0.0.1 and AF_UNIX sockets of this process; MSG_DONTWAIT). Every
// call returns a value >= 0 or -errno, whatever the stack.
#pragma once

// clang-format off
#include <ksock/ksock.hpp>

#include "ops.hpp"

#include <cerrno>
#include <cstddef>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <lwip/netif.h>
#include <lwip/sockets.h>
// clang-format on

namespace kbench::dp {

//! The data-path stack: ksock's defaults (64 fds, 64 skbs of 2 KiB ...),
//! what a user gets from README's first example.
inline constinit ksock::default_stack dks;

//! A value >= 0, or -errno from a call that returned -1 and set errno.
inline long sys_ret(long r) noexcept {
    return r < 0 ? -errno : r;
}

inline sockaddr_in loopback_addr(unsigned short port) noexcept {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// --- the stacks -------------------------------------------------------------------

//! ksock's calls, on the host's types (ksock's uapi is Linux's: same numbers,
//! same layouts, so the pointers are passed through).
template <class Stack, Stack& dks>
struct ksock_dp_on {
    static constexpr const char* name = "ksock";
    static constexpr bool has_unix = true;
    static bool init() {
        dks.boot();
        return true;
    }
    static int socket(int family, int type) { return dks.socket(family, type | SOCK_NONBLOCK, 0); }
    static int socketpair(int family, int type, int* sv) {
        return dks.socketpair(family, type | SOCK_NONBLOCK, 0, sv);
    }
    static int close(int fd) { return dks.close(fd); }
    static int bind(int fd, const sockaddr_in& a) {
        return dks.bind(fd, reinterpret_cast<const ksock::sockaddr*>(&a), sizeof a);
    }
    static int listen(int fd, int backlog) { return dks.listen(fd, backlog); }
    static int connect(int fd, const sockaddr_in& a) {
        const int r = dks.connect(fd, reinterpret_cast<const ksock::sockaddr*>(&a), sizeof a);
        // Non-blocking, as on Linux: in progress, yet already established on lo.
        return r == -ksock::einprogress ? 0 : r;
    }
    static int accept(int fd) { return dks.accept4(fd, nullptr, nullptr, SOCK_NONBLOCK); }
    static int getsockname(int fd, sockaddr_in& a) {
        ksock::socklen_t len = sizeof a;
        return dks.getsockname(fd, reinterpret_cast<ksock::sockaddr*>(&a), &len);
    }
    static int setsockopt(int fd, int level, int name, const void* v, unsigned len) {
        return dks.setsockopt(fd, level, name, v, len);
    }
    static long send(int fd, const void* b, std::size_t n) { return dks.send(fd, b, n, 0); }
    static long recv(int fd, void* b, std::size_t n) { return dks.recv(fd, b, n, 0); }
    static long sendto(int fd, const void* b, std::size_t n, const sockaddr_in& a) {
        return dks.sendto(fd, b, n, 0, reinterpret_cast<const ksock::sockaddr*>(&a), sizeof a);
    }
    static long recvfrom(int fd, void* b, std::size_t n, sockaddr_in& a) {
        ksock::socklen_t len = sizeof a;
        return dks.recvfrom(fd, b, n, 0, reinterpret_cast<ksock::sockaddr*>(&a), &len);
    }
    static int poll(pollfd* fds, unsigned long n) {
        static_assert(sizeof(pollfd) == sizeof(ksock::pollfd));
        return dks.poll(reinterpret_cast<ksock::pollfd*>(fds), n, 0);
    }
};
//! The default stack: what the data-path rows measure.
using ksock_dp = ksock_dp_on<ksock::default_stack, dks>;
//! ops.hpp's stack with 1024 objects per proto: how lookups scale.
using ksock_dp_big = ksock_dp_on<big_stack, ks>;

//! lwIP 2.1.3 over a loopback netif (see lwip_netif below).
struct lwip_dp {
    static constexpr const char* name = "lwip";
    static constexpr bool has_unix = false;
    static bool init();
    static int socket(int family, int type) {
        const int fd = static_cast<int>(sys_ret(lwip_socket(family, type, 0)));
        if (fd >= 0) {
            // A lost packet must fail the case, not hang the run.
            timeval tv{2, 0};
            lwip_setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        }
        return fd;
    }
    static int close(int fd) { return static_cast<int>(sys_ret(lwip_close(fd))); }
    static int bind(int fd, const sockaddr_in& a) {
        return static_cast<int>(
            sys_ret(lwip_bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a)));
    }
    static int listen(int fd, int backlog) {
        return static_cast<int>(sys_ret(lwip_listen(fd, backlog)));
    }
    static int connect(int fd, const sockaddr_in& a) {
        return static_cast<int>(
            sys_ret(lwip_connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a)));
    }
    static int accept(int fd) {
        const int c = static_cast<int>(sys_ret(lwip_accept(fd, nullptr, nullptr)));
        if (c >= 0) {
            timeval tv{2, 0};
            lwip_setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        }
        return c;
    }
    static int getsockname(int fd, sockaddr_in& a) {
        socklen_t len = sizeof a;
        return static_cast<int>(
            sys_ret(lwip_getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len)));
    }
    static int setsockopt(int fd, int level, int name, const void* v, unsigned len) {
        return static_cast<int>(sys_ret(lwip_setsockopt(fd, level, name, v, len)));
    }
    static long send(int fd, const void* b, std::size_t n) {
        return sys_ret(lwip_send(fd, b, n, 0));
    }
    static long recv(int fd, void* b, std::size_t n) { return sys_ret(lwip_recv(fd, b, n, 0)); }
    static long sendto(int fd, const void* b, std::size_t n, const sockaddr_in& a) {
        return sys_ret(lwip_sendto(fd, b, n, 0, reinterpret_cast<const sockaddr*>(&a), sizeof a));
    }
    static long recvfrom(int fd, void* b, std::size_t n, sockaddr_in& a) {
        socklen_t len = sizeof a;
        return sys_ret(lwip_recvfrom(fd, b, n, 0, reinterpret_cast<sockaddr*>(&a), &len));
    }
    static int poll(pollfd* fds, unsigned long n) {
        return static_cast<int>(sys_ret(lwip_poll(fds, static_cast<nfds_t>(n), 0)));
    }
    static int socketpair(int, int, int*) { return -EAFNOSUPPORT; }
};

//! The host kernel's loopback: the system calls, never blocking.
struct kernel_dp {
    static constexpr const char* name = "kernel";
    static constexpr bool has_unix = true;
    static bool init() { return true; }
    static int socket(int family, int type) {
        return static_cast<int>(sys_ret(::socket(family, type, 0)));
    }
    static int socketpair(int family, int type, int* sv) {
        return static_cast<int>(sys_ret(::socketpair(family, type, 0, sv)));
    }
    static int close(int fd) { return static_cast<int>(sys_ret(::close(fd))); }
    static int bind(int fd, const sockaddr_in& a) {
        return static_cast<int>(
            sys_ret(::bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a)));
    }
    static int listen(int fd, int backlog) {
        return static_cast<int>(sys_ret(::listen(fd, backlog)));
    }
    // A blocking connect to a listener on lo completes at once (the
    // handshake runs in the caller's softirq), so nothing waits here.
    static int connect(int fd, const sockaddr_in& a) {
        return static_cast<int>(
            sys_ret(::connect(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a)));
    }
    static int accept(int fd) {
        return static_cast<int>(sys_ret(::accept4(fd, nullptr, nullptr, 0)));
    }
    static int getsockname(int fd, sockaddr_in& a) {
        socklen_t len = sizeof a;
        return static_cast<int>(sys_ret(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len)));
    }
    static int setsockopt(int fd, int level, int name, const void* v, unsigned len) {
        return static_cast<int>(sys_ret(::setsockopt(fd, level, name, v, len)));
    }
    static long send(int fd, const void* b, std::size_t n) {
        return sys_ret(::send(fd, b, n, MSG_DONTWAIT));
    }
    static long recv(int fd, void* b, std::size_t n) {
        return sys_ret(::recv(fd, b, n, MSG_DONTWAIT));
    }
    static long sendto(int fd, const void* b, std::size_t n, const sockaddr_in& a) {
        return sys_ret(
            ::sendto(fd, b, n, MSG_DONTWAIT, reinterpret_cast<const sockaddr*>(&a), sizeof a));
    }
    static long recvfrom(int fd, void* b, std::size_t n, sockaddr_in& a) {
        socklen_t len = sizeof a;
        return sys_ret(::recvfrom(fd, b, n, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&a), &len));
    }
    static int poll(pollfd* fds, unsigned long n) {
        return static_cast<int>(sys_ret(::poll(fds, static_cast<nfds_t>(n), 0)));
    }
};

//! lwIP has no loop interface in Debian's build (LWIP_HAVE_LOOPIF=0) but
//! does have LWIP_NETIF_LOOPBACK: a packet to the netif's own address or to
//! 127/8 through the default netif is queued on that netif and handed to
//! ip_input by the tcpip thread (netif_poll). So one netif, 127.0.0.1/8, up
//! and default, is lwIP's "lo"; its output for other destinations drops.
inline struct netif lwip_lo;

inline bool lwip_dp::init() {
    static const bool ok = [] {
        if (!lwip::init())
            return false;
        // netif_add and netif_set_* belong to the tcpip thread: run them there
        // (lwipopts.h declares its core-lock functions without extern "C", so
        // C++ cannot call LOCK_TCPIP_CORE()).
        static sem_t done;
        static bool added = false;
        sem_init(&done, 0, 0);
        const err_t e = tcpip_callback(
            [](void*) {
                ip4_addr_t ip, mask, gw;
                IP4_ADDR(&ip, 127, 0, 0, 1);
                IP4_ADDR(&mask, 255, 0, 0, 0);
                IP4_ADDR(&gw, 0, 0, 0, 0);
                struct netif* n = netif_add(
                    &lwip_lo, &ip, &mask, &gw, nullptr,
                    [](struct netif* nif) -> err_t {
                        nif->name[0] = 'l';
                        nif->name[1] = 'o';
                        nif->mtu = 1500; // lwIP's TCP_MSS is 1460 whatever the netif says
                        nif->output = [](struct netif*, struct pbuf*, const ip4_addr_t*) -> err_t {
                            return ERR_RTE;
                        };
                        return ERR_OK;
                    },
                    tcpip_input);
                if (n) {
                    netif_set_default(n);
                    netif_set_link_up(n);
                    netif_set_up(n);
                }
                added = n != nullptr;
                sem_post(&done);
            },
            nullptr);
        if (e != ERR_OK)
            return false;
        sem_wait(&done);
        return added;
    }();
    return ok;
}

// --- helpers -------------------------------------------------------------------------

//! Move \p n bytes from \p out over \p from into \p in at \p to. The first
//! send may be partial (a send buffer smaller than n, a no-wait stack): then
//! the receiver reads what is there and the sender goes on. lwIP's recv
//! blocks until its tcpip thread has delivered something. Returns n or
//! -errno.
template <class S>
long transfer(int from, int to, const char* out, char* in, std::size_t n) {
    std::size_t sent = 0, got = 0;
    for (int rounds = 0; got < n; ++rounds) {
        if (rounds > 100000)
            return -ETIMEDOUT;
        if (sent < n) {
            const long r = S::send(from, out + sent, n - sent);
            if (r > 0)
                sent += static_cast<std::size_t>(r);
            else if (r != -EAGAIN)
                return r < 0 ? r : -EPIPE;
        }
        const long r = S::recv(to, in + got, n - got);
        if (r > 0)
            got += static_cast<std::size_t>(r);
        else if (r != -EAGAIN)
            return r < 0 ? r : -EPIPE;
    }
    return static_cast<long>(n);
}

//! The largest message of the cases.
inline constexpr std::size_t max_msg = 16384;

//! The payload and a receive buffer for every case.
struct buffers {
    char out[max_msg];
    char in[max_msg];
    buffers() {
        for (std::size_t i = 0; i < max_msg; ++i)
            out[i] = static_cast<char>('a' + i % 26);
    }
};

//! A listener on 127.0.0.1 (the port the stack chose for bind(0)).
template <class S>
struct listener {
    int fd = -1;
    sockaddr_in addr{};
    bool open() {
        fd = S::socket(AF_INET, SOCK_STREAM);
        sockaddr_in any = loopback_addr(0);
        return fd >= 0 && S::bind(fd, any) == 0 && S::listen(fd, 16) == 0 &&
               S::getsockname(fd, addr) == 0 && addr.sin_port != 0;
    }
    void close() {
        if (fd >= 0)
            S::close(fd);
        fd = -1;
    }
};

template <class S>
int set_int(int fd, int level, int name, int v) {
    return S::setsockopt(fd, level, name, &v, sizeof v);
}

// --- the cases ---------------------------------------------------------------------

//! A UDP request and its response; run() returns the bytes received (128).
template <class S, bool OneWay = false>
struct udp_rr {
    static constexpr std::size_t len = 64;
    int server = -1, client = -1;
    sockaddr_in svc{};
    buffers b;
    bool setup() {
        if (!S::init())
            return false;
        server = S::socket(AF_INET, SOCK_DGRAM);
        client = S::socket(AF_INET, SOCK_DGRAM);
        if (server < 0 || client < 0 || S::bind(server, loopback_addr(0)) != 0 ||
            S::getsockname(server, svc) != 0)
            return false;
        // The client's first sendto binds it to an ephemeral port (autobind);
        // that happens here, not in the loop.
        return run() == (OneWay ? 1 : 2) * static_cast<long>(len) &&
               std::memcmp(b.in, b.out, len) == 0;
    }
    long run() {
        sockaddr_in from{};
        if (S::sendto(client, b.out, len, svc) != static_cast<long>(len))
            return -1;
        const long n = S::recvfrom(server, b.in, sizeof b.in, from);
        if (n != static_cast<long>(len))
            return -2;
        if constexpr (OneWay)
            return n;
        if (S::sendto(server, b.in, len, from) != static_cast<long>(len))
            return -3;
        sockaddr_in peer{};
        return n + S::recvfrom(client, b.in, sizeof b.in, peer);
    }
    void teardown() {
        S::close(client);
        S::close(server);
    }
};

//! An established TCP connection (client, server) over lo.
template <class S>
struct tcp_conn {
    listener<S> l;
    int client = -1, server = -1;
    bool open() {
        if (!S::init() || !l.open())
            return false;
        client = S::socket(AF_INET, SOCK_STREAM);
        if (client < 0 || S::connect(client, l.addr) != 0)
            return false;
        server = S::accept(l.fd);
        if (server < 0)
            return false;
        // A request/response exchange: Nagle would hold a partial segment
        // until the peer's (delayed) ACK on every stack.
        return set_int<S>(client, IPPROTO_TCP, TCP_NODELAY, 1) == 0 &&
               set_int<S>(server, IPPROTO_TCP, TCP_NODELAY, 1) == 0;
    }
    void close() {
        S::close(client);
        S::close(server);
        l.close();
    }
};

//! N bytes each way over an established connection; run() returns 2N.
template <class S, std::size_t N, bool OneWay = false>
struct tcp_pingpong {
    tcp_conn<S> c;
    buffers b;
    bool setup() {
        return c.open() && run() == (OneWay ? 1 : 2) * static_cast<long>(N) &&
               std::memcmp(b.in, b.out, N) == 0;
    }
    long run() {
        const long a = transfer<S>(c.client, c.server, b.out, b.in, N);
        if (OneWay || a < 0)
            return a;
        const long r = transfer<S>(c.server, c.client, b.in, b.out, N);
        return r < 0 ? r : a + r;
    }
    void teardown() { c.close(); }
};

//! 64 bytes each way over socketpair(AF_UNIX, Type); run() returns 128.
template <class S, int Type>
struct unix_pingpong {
    static constexpr std::size_t len = 64;
    int sv[2] = {-1, -1};
    buffers b;
    bool setup() {
        return S::has_unix && S::init() && S::socketpair(AF_UNIX, Type, sv) == 0 &&
               run() == 2 * static_cast<long>(len) && std::memcmp(b.in, b.out, len) == 0;
    }
    long run() {
        if (S::send(sv[0], b.out, len) != static_cast<long>(len))
            return -1;
        const long n = S::recv(sv[1], b.in, sizeof b.in);
        if (S::send(sv[1], b.in, len) != static_cast<long>(len))
            return -2;
        return n + S::recv(sv[0], b.in, sizeof b.in);
    }
    void teardown() {
        S::close(sv[0]);
        S::close(sv[1]);
    }
};

//! socket + connect + accept + close of both ends; run() returns 0.
template <class S, bool Graceful>
struct tcp_cycle {
    listener<S> l;
    bool setup() { return S::init() && l.open() && run() == 0; }
    int run() {
        const int c = S::socket(AF_INET, SOCK_STREAM);
        if (c < 0)
            return c;
        if constexpr (!Graceful) {
            const ::linger lg{1, 0};
            if (S::setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg) != 0)
                return -1;
        }
        int r = S::connect(c, l.addr);
        const int a = r == 0 ? S::accept(l.fd) : r;
        r = S::close(c);
        if (a < 0)
            return a;
        return r | S::close(a);
    }
    void teardown() { l.close(); }
};

//! poll() over N UDP sockets, the last of which has a datagram queued;
//! run() returns poll's count (1).
template <class S, std::size_t N>
struct poll_n {
    int fds[N];
    pollfd p[N];
    bool setup() {
        if (!S::init())
            return false;
        for (int& fd : fds)
            if ((fd = S::socket(AF_INET, SOCK_DGRAM)) < 0)
                return false;
        sockaddr_in a{};
        if (S::bind(fds[N - 1], loopback_addr(0)) != 0 || S::getsockname(fds[N - 1], a) != 0)
            return false;
        const char x = 'x';
        if (S::sendto(fds[0], &x, 1, a) != 1)
            return false;
        // lwIP's tcpip thread delivers the datagram a little later.
        for (int i = 0; i < 2000; ++i) {
            if (run() == 1)
                return true;
            usleep(1000);
        }
        return false;
    }
    int run() {
        for (std::size_t i = 0; i < N; ++i)
            p[i] = {fds[i], POLLIN, 0};
        return S::poll(p, N);
    }
    void teardown() {
        for (int fd : fds)
            if (fd >= 0)
                S::close(fd);
    }
};

} // namespace kbench::dp
