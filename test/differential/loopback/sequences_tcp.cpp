// test/differential/loopback/sequences_tcp.cpp: TCP over 127.0.0.1. Handles
// by convention: h0 the listener on P0, h1 the client, h2 the accepted
// socket; more clients and listeners from h3 on.
#include <climits>
#include <fcntl.h>
#include <string>
#include <utility>

#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include "harness.hpp"

namespace ksock_loopback {

namespace {

constexpr int stream = SOCK_STREAM;
constexpr int stream_nb = SOCK_STREAM | SOCK_NONBLOCK;

//! ioctl(h, cmd, &int): SIOCINQ, SIOCOUTQ, SIOCOUTQNSD ...
seq& ioctl(seq& q, int h, unsigned long cmd) {
    return q.add({.o = op::ioctl, .h = h, .a = static_cast<int>(cmd)});
}

//! h0 listens on 127.0.0.1:P0, h1 connects, h2 is accepted. Non-blocking
//! unless \p blocking (the kernel side then waits at most 50 ms).
seq& establish(seq& q, bool blocking = false) {
    const int t = blocking ? stream : stream_nb;
    return q.socket(0, AF_INET, t)
        .bind(0, in(lo, 0))
        .listen(0, 5)
        .socket(1, AF_INET, t)
        .connect(1, in(lo, 0))
        .accept4(0, 2, blocking ? 0 : SOCK_NONBLOCK, 16)
        .names(1)
        .names(2);
}

void bind_reuse(std::vector<sequence>& out) {
    // SO_REUSEADDR on neither / the first / the second / both sockets, the
    // first only bound or already listening, the second binding the same
    // port on the same, the wildcard or another local address. Each ends
    // with the second socket listening, before and after the first closes.
    const char* who[] = {"none", "first", "second", "both"};
    struct second_addr {
        const char* name;
        std::uint32_t ip;
    };
    const second_addr addrs[] = {{"same", lo}, {"any", any}, {"other", ip4(127, 0, 0, 2)}};
    for (int r = 0; r < 4; ++r)
        for (int listening = 0; listening < 2; ++listening)
            for (const second_addr& a : addrs) {
                seq q("tcp/bind-reuseaddr/" + std::string(who[r]) + "/" +
                      (listening ? "first-listening" : "first-bound") + "/" + a.name);
                q.socket(0, AF_INET, stream_nb);
                if (r & 1)
                    q.setsockopt(0, SOL_SOCKET, SO_REUSEADDR, 1);
                q.bind(0, in(lo, 0));
                if (listening)
                    q.listen(0, 5);
                q.socket(1, AF_INET, stream_nb);
                if (r & 2)
                    q.setsockopt(1, SOL_SOCKET, SO_REUSEADDR, 1);
                q.bind(1, in(a.ip, 0)).getsockname(1).listen(1, 5);
                q.close(0).bind(1, in(a.ip, 0)).listen(1, 5).getsockname(1).close(1);
                out.push_back(q);
            }
    for (int r = 0; r < 4; ++r)
        for (int listening = 0; listening < 2; ++listening) {
            seq q("tcp/bind-reuseport/" + std::string(who[r]) + "/" +
                  (listening ? "first-listening" : "first-bound"));
            q.socket(0, AF_INET, stream_nb);
            if (r & 1)
                q.setsockopt(0, SOL_SOCKET, SO_REUSEPORT, 1);
            q.bind(0, in(lo, 0));
            if (listening)
                q.listen(0, 5);
            q.socket(1, AF_INET, stream_nb);
            if (r & 2)
                q.setsockopt(1, SOL_SOCKET, SO_REUSEPORT, 1);
            q.bind(1, in(lo, 0)).listen(1, 5).listen(0, 5).names(1).close(1).close(0);
            out.push_back(q);
        }
}

void bind_errors(std::vector<sequence>& out) {
    out.push_back(seq("tcp/bind/twice-on-one-socket")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .bind(0, in(lo, 1))
                      .bind(0, in(lo, 0))
                      .getsockname(0));
    out.push_back(seq("tcp/bind/two-sockets-one-port")
                      .socket(0, AF_INET, stream_nb)
                      .socket(1, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .bind(1, in(lo, 0))
                      .bind(1, in(any, 0))
                      .bind(1, in(lo, 1))
                      .names(1));
    out.push_back(seq("tcp/bind/non-local-10.1.2.3")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(ip4(10, 1, 2, 3), 0))
                      .getsockname(0)
                      .bind(0, in(lo, 0))
                      .getsockname(0));
    out.push_back(seq("tcp/bind/port-0-ephemeral-odd")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in_port(lo, 0))
                      .getsockname(0)
                      .listen(0, 1)
                      .getsockname(0)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in_port(any, 0))
                      .getsockname(1));
    out.push_back(seq("tcp/bind/127.0.0.5")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(ip4(127, 0, 0, 5), 0))
                      .listen(0, 1)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(ip4(127, 0, 0, 5), 0))
                      .connect(1, in(ip4(127, 0, 0, 5), 0))
                      .accept(0, 2, 16)
                      .names(1)
                      .names(2));
    out.push_back(seq("tcp/bind/broadcast-and-multicast")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(ip4(255, 255, 255, 255), 0))
                      .getsockname(0)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in(ip4(224, 0, 0, 1), 1))
                      .getsockname(1)
                      .listen(1, 1));
    out.push_back(seq("tcp/bind/address-lengths")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, with_len(in(lo, 0), 15))
                      .bind(0, with_len(in(lo, 0), 0))
                      .bind(0, with_len(in(lo, 0), 200))
                      .bind(0, with_len(in(lo, 0), 128))
                      .getsockname(0));
    out.push_back(seq("tcp/bind/null-address")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, with_len(addr{}, 0))
                      .bind(0, with_len(addr{}, 16))
                      .getsockname(0));
    out.push_back(seq("tcp/bind/wrong-families")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, with_family(in(lo, 0), AF_UNIX))
                      .bind(0, with_family(in(lo, 0), AF_INET6))
                      .bind(0, unspec())
                      .getsockname(0));
    out.push_back(seq("tcp/bind/af-unspec-with-address")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, with_family(in(lo, 0), AF_UNSPEC))
                      .bind(0, with_family(in(any, 1), AF_UNSPEC))
                      .getsockname(0));
    out.push_back(seq("tcp/bind/after-listen-and-after-connect")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 1)
                      .bind(0, in(lo, 1))
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .bind(1, in(lo, 2))
                      .getsockname(1));
    out.push_back(seq("tcp/bind/port-free-again-after-close")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 1)
                      .close(0)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in(lo, 0))
                      .listen(1, 1));
    const char* tw_reuse[] = {"none", "new-socket", "listener-and-new-socket"};
    for (int reuse = 0; reuse < 3; ++reuse) {
        // The server closes first: its side of the connection (on P0)
        // ends in TIME_WAIT and keeps the port. The TIME_WAIT socket has
        // SO_REUSEADDR when its listener had it.
        seq q(std::string("tcp/bind/port-in-time-wait/reuseaddr-") + tw_reuse[reuse]);
        q.socket(0, AF_INET, stream_nb);
        if (reuse == 2)
            q.setsockopt(0, SOL_SOCKET, SO_REUSEADDR, 1);
        q.bind(0, in(lo, 0))
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .connect(1, in(lo, 0))
            .accept(0, 2)
            .close(0)
            .close(2)
            .close(1)
            .socket(3, AF_INET, stream_nb);
        if (reuse)
            q.setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1);
        q.bind(3, in(lo, 0)).listen(3, 1).getsockname(3);
        q.socket(4, AF_INET, stream_nb).connect(4, in(lo, 0)).accept(3, 5);
        out.push_back(q);
    }
    out.push_back(seq("tcp/bind/client-port-in-time-wait")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in(lo, 1))
                      .connect(1, in(lo, 0))
                      .accept(0, 2)
                      .close(1)
                      .close(2)
                      .socket(3, AF_INET, stream_nb)
                      .bind(3, in(lo, 1))
                      .setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1)
                      .bind(3, in(lo, 1))
                      .connect(3, in(lo, 0)));
}

void listen_cases(std::vector<sequence>& out) {
    out.push_back(seq("tcp/listen/unbound-autobinds-odd")
                      .socket(0, AF_INET, stream_nb)
                      .getsockname(0)
                      .listen(0, 5)
                      .getsockname(0)
                      .getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN));
    // The backlog shows as the listener's tcpi_sacked; the accept queue
    // holds one more than the backlog; later SYNs are dropped.
    const int backlogs[] = {0, 1, 2, -1, 4096, 100000, INT_MAX};
    for (int b : backlogs) {
        seq q("tcp/listen/backlog-" + std::to_string(b));
        q.socket(0, AF_INET, stream_nb).bind(0, in(lo, 0)).listen(0, b);
        for (int c = 0; c < 4; ++c)
            q.socket(3 + c, AF_INET, stream_nb).connect(3 + c, in(lo, 0));
        q.accept(0, 1).accept(0, 2).accept(0, 8).accept(0, 9).accept(0, 10);
        out.push_back(q);
    }
    out.push_back(seq("tcp/listen/again-changes-backlog")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .listen(0, 0)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .socket(3, AF_INET, stream_nb)
                      .connect(3, in(lo, 0))
                      .listen(0, 10)
                      .socket(4, AF_INET, stream_nb)
                      .connect(4, in(lo, 0)));
    out.push_back(seq("tcp/listen/after-connect-and-on-accepted")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .listen(1, 5)
                      .accept(0, 2)
                      .listen(2, 5));
    out.push_back(seq("tcp/listen/after-refused-connect")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 1))
                      .listen(1, 5)
                      .getsockname(1)
                      .so_error(1)
                      .listen(1, 5)
                      .getsockname(1));
    for (int how = SHUT_RD; how <= SHUT_RDWR; ++how) {
        seq q("tcp/listen/shutdown-listener-" + std::to_string(how));
        q.socket(0, AF_INET, stream_nb)
            .bind(0, in(lo, 0))
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .connect(1, in(lo, 0))
            .shutdown(0, how)
            .accept(0, 2)
            .recv(1, 16)
            .so_error(1)
            .listen(0, 5)
            .accept(0, 2);
        out.push_back(q);
    }
    out.push_back(seq("tcp/listen/close-with-pending-connections")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .socket(3, AF_INET, stream_nb)
                      .connect(3, in(lo, 0))
                      .send(3, "queued")
                      .close(0)
                      .recv(1, 16)
                      .so_error(1)
                      .send(1, "x")
                      .send(3, "y")
                      .so_error(3)
                      .recv(3, 16)
                      .connect(1, in(lo, 0)));
    out.push_back(seq("tcp/listen/close-with-accepted-and-pending")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .accept4(0, 2, SOCK_NONBLOCK)
                      .socket(3, AF_INET, stream_nb)
                      .connect(3, in(lo, 0))
                      .close(0)
                      .send(1, "still")
                      .recv(2, 16)
                      .recv(3, 16));
    out.push_back(
        seq("tcp/listen/on-udp").socket(0, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK).listen(0, 5));
}

void connect_cases(std::vector<sequence>& out) {
    // No listener: the SYN gets an RST at once on loopback.
    out.push_back(seq("tcp/connect/refused/nonblocking-so_error-then-connect")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 1))
                      .so_error(1)
                      .so_error(1)
                      .connect(1, in(lo, 1))
                      .connect(1, in(lo, 1))
                      .getsockname(1));
    out.push_back(seq("tcp/connect/refused/nonblocking-connect-again-first")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 1))
                      .connect(1, in(lo, 1))
                      .so_error(1)
                      .connect(1, in(lo, 1)));
    out.push_back(seq("tcp/connect/refused/nonblocking-recv-send")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 1))
                      .poll(1, POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDHUP)
                      .recv(1, 8)
                      .recv(1, 8)
                      .send(1, "x")
                      .getpeername(1));
    out.push_back(seq("tcp/connect/refused/nonblocking-send-first")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 1))
                      .send(1, "x")
                      .send(1, "x")
                      .so_error(1));
    out.push_back(seq("tcp/connect/refused/blocking")
                      .socket(1, AF_INET, stream)
                      .connect(1, in(lo, 1))
                      .so_error(1)
                      .connect(1, in(lo, 1))
                      .getsockname(1));
    // What a refused SYN leaves: tcp_connect_init synced the MSS (the 536
    // default clamp less the timestamp option: 524), the SYN took a
    // sequence number that was never acknowledged (SIOCOUTQ 1), and the
    // disconnect that reports the refusal moved write_seq two further on
    // (SIOCOUTQ 3, SIOCOUTQNSD 2) until the next connect starts from there.
    {
        seq q("tcp/connect/refused/state-left-nonblocking");
        q.socket(1, AF_INET, stream_nb).getsockopt(1, IPPROTO_TCP, TCP_MAXSEG);
        q.connect(1, in(lo, 1)).getsockopt(1, IPPROTO_TCP, TCP_MAXSEG);
        ioctl(ioctl(ioctl(q, 1, SIOCOUTQ), 1, SIOCOUTQNSD), 1, SIOCINQ);
        q.connect(1, in(lo, 1));
        ioctl(ioctl(q, 1, SIOCOUTQ), 1, SIOCOUTQNSD);
        q.connect(1, in(lo, 1)).getsockopt(1, IPPROTO_TCP, TCP_MAXSEG);
        ioctl(ioctl(q, 1, SIOCOUTQ), 1, SIOCOUTQNSD);
        out.push_back(q);
    }
    {
        seq q("tcp/connect/refused/state-left-blocking");
        q.socket(1, AF_INET, stream).connect(1, in(lo, 1)).getsockopt(1, IPPROTO_TCP, TCP_MAXSEG);
        ioctl(ioctl(q, 1, SIOCOUTQ), 1, SIOCOUTQNSD);
        q.connect(1, in(lo, 1));
        ioctl(ioctl(q, 1, SIOCOUTQ), 1, SIOCOUTQNSD);
        out.push_back(q);
    }
    {
        seq q("tcp/connect/refused/state-left-with-tcp_maxseg");
        q.socket(1, AF_INET, stream_nb)
            .setsockopt(1, IPPROTO_TCP, TCP_MAXSEG, 1000)
            .connect(1, in(lo, 1))
            .getsockopt(1, IPPROTO_TCP, TCP_MAXSEG)
            .connect(1, in(lo, 1))
            .setsockopt(1, IPPROTO_TCP, TCP_MAXSEG, 0)
            .getsockopt(1, IPPROTO_TCP, TCP_MAXSEG);
        out.push_back(q);
    }
    // tcp_v4_connect: "if (rt->rt_flags & (RTCF_MULTICAST | RTCF_BROADCAST))
    // return -ENETUNREACH": lo's broadcast address has a route, but not one
    // TCP may use; nothing is bound.
    out.push_back(seq("tcp/connect/to-broadcast-127.255.255.255")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(any, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(ip4(127, 255, 255, 255), 0))
                      .getsockname(1)
                      .so_error(1)
                      .socket(3, AF_INET, stream)
                      .connect(3, in(ip4(127, 255, 255, 255), 0))
                      .accept(0, 2)
                      .connect(1, in(lo, 0))
                      .accept(0, 2, 16));
    // A socket bound to the broadcast address has no source address
    // (inet_saddr 0): connect takes the route's, 127.0.0.1, as both its
    // source and its bound address.
    out.push_back(seq("tcp/connect/from-broadcast-bound")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in(ip4(127, 255, 255, 255), 1))
                      .getsockname(1)
                      .connect(1, in(lo, 0))
                      .names(1)
                      .accept(0, 2, 16)
                      .names(2));
    out.push_back(seq("tcp/connect/to-0.0.0.0-from-127.0.0.5")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(any, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in_port(ip4(127, 0, 0, 5), 0))
                      .connect(1, in(any, 0))
                      .getpeername(1)
                      .accept(0, 2, 16)
                      .getsockname(2));
    out.push_back(seq("tcp/connect/refused-then-listener")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .so_error(1)
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 1)
                      .connect(1, in(lo, 0))
                      .connect(1, in(lo, 0))
                      .accept(0, 2)
                      .names(1));
    out.push_back(seq("tcp/connect/nonblocking-again-then-eisconn")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .so_error(1)
                      .connect(1, in(lo, 0))
                      .connect(1, in(lo, 0))
                      .connect(1, in(lo, 1))
                      .names(1)
                      .accept(0, 2, 128)
                      .names(2));
    out.push_back(seq("tcp/connect/blocking")
                      .socket(0, AF_INET, stream)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream)
                      .connect(1, in(lo, 0))
                      .connect(1, in(lo, 0))
                      .accept(0, 2, 16)
                      .send(1, "hello")
                      .recv(2, 16)
                      .recv(2, 16));
    out.push_back(seq("tcp/connect/to-0.0.0.0-reaches-127.0.0.1")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(any, 0))
                      .names(1)
                      .accept(0, 2, 16)
                      .names(2));
    out.push_back(seq("tcp/connect/127.0.0.2-to-wildcard-listener")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(any, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(ip4(127, 0, 0, 2), 0))
                      .names(1)
                      .accept(0, 2, 16)
                      .names(2));
    out.push_back(seq("tcp/connect/127.0.0.2-to-127.0.0.1-listener")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(ip4(127, 0, 0, 2), 0))
                      .so_error(1)
                      .accept(0, 2));
    out.push_back(seq("tcp/connect/bound-client")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in(lo, 1))
                      .connect(1, in(lo, 0))
                      .names(1)
                      .accept(0, 2, 16)
                      .socket(3, AF_INET, stream_nb)
                      .bind(3, in_port(ip4(127, 0, 0, 2), 0))
                      .getsockname(3)
                      .connect(3, in(lo, 0))
                      .names(3)
                      .accept(0, 4, 16));
    out.push_back(seq("tcp/connect/two-clients-one-bound-port-reuseaddr")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .setsockopt(1, SOL_SOCKET, SO_REUSEADDR, 1)
                      .bind(1, in(lo, 1))
                      .socket(3, AF_INET, stream_nb)
                      .setsockopt(3, SOL_SOCKET, SO_REUSEADDR, 1)
                      .bind(3, in(lo, 1))
                      .connect(1, in(lo, 0))
                      .connect(3, in(lo, 0))
                      .so_error(3));
    out.push_back(seq("tcp/connect/bad-addresses")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, with_len(in(lo, 0), 15))
                      .connect(1, with_family(in(lo, 0), AF_UNIX))
                      .connect(1, with_len(addr{}, 16))
                      .connect(1, with_len(in(lo, 0), 129))
                      .getsockname(1));
    out.push_back(seq("tcp/connect/af-unspec-disconnects")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .accept(0, 2)
                      .send(2, "data")
                      .connect(1, unspec())
                      .names(1)
                      .recv(1, 16)
                      .recv(2, 16)
                      .so_error(2)
                      .connect(1, in(lo, 0))
                      .connect(1, in(lo, 0))
                      .accept(0, 3)
                      .names(1));
    out.push_back(seq("tcp/connect/af-unspec-unconnected-and-listening")
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, unspec())
                      .connect(1, with_len(unspec(), 2))
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .connect(0, unspec())
                      .getsockname(0)
                      .listen(0, 5)
                      .getsockname(0));
    out.push_back(seq("tcp/connect/on-listener")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .connect(0, in(lo, 0))
                      .connect(0, in(lo, 1)));
    out.push_back(seq("tcp/connect/self")
                      .socket(1, AF_INET, stream_nb)
                      .bind(1, in(lo, 1))
                      .connect(1, in(lo, 1))
                      .connect(1, in(lo, 1))
                      .names(1)
                      .send(1, "me")
                      .recv(1, 16)
                      .shutdown(1, SHUT_WR)
                      .recv(1, 16));
}

void accept_cases(std::vector<sequence>& out) {
    out.push_back(seq("tcp/accept/not-listening")
                      .socket(0, AF_INET, stream_nb)
                      .accept(0, 2)
                      .bind(0, in(lo, 0))
                      .accept(0, 2)
                      .accept4(0, 2, SOCK_NONBLOCK));
    out.push_back(seq("tcp/accept/connected-socket")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .accept(1, 3)
                      .accept(0, 2)
                      .accept(2, 3));
    out.push_back(seq("tcp/accept/empty-nonblocking")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .accept(0, 2, 16)
                      .accept4(0, 2, SOCK_NONBLOCK));
    out.push_back(seq("tcp/accept/empty-blocking")
                      .socket(0, AF_INET, stream)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .accept(0, 2)
                      .accept4(0, 2, SOCK_NONBLOCK, 16));
    struct fl {
        const char* name;
        int type, flags;
        bool plain;
    };
    const fl flag_cases[] = {
        {"accept4-nonblock-cloexec", stream_nb, SOCK_NONBLOCK | SOCK_CLOEXEC, false},
        {"accept4-cloexec", stream_nb, SOCK_CLOEXEC, false},
        {"accept4-0", stream_nb, 0, false},
        {"accept-on-nonblocking-listener", stream_nb, 0, true},
        {"accept4-nonblock-on-blocking-listener", stream, SOCK_NONBLOCK, false}};
    for (const fl& f : flag_cases) {
        seq q("tcp/accept/flags/" + std::string(f.name));
        q.socket(0, AF_INET, f.type)
            .bind(0, in(lo, 0))
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .connect(1, in(lo, 0));
        if (f.plain)
            q.accept(0, 2, 16);
        else
            q.accept4(0, 2, f.flags, 16);
        q.fcntl(2, F_GETFL).fcntl(2, F_GETFD).fcntl(0, F_GETFL).fcntl(0, F_GETFD).recv(2, 8);
        out.push_back(q);
    }
    out.push_back(seq("tcp/accept/bad-flags")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .accept4(0, 2, 1)
                      .accept4(0, 2, O_NONBLOCK | 0x10)
                      .accept4(0, 2, SOCK_NONBLOCK));
    out.push_back(seq("tcp/accept/address-buffers")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .socket(3, AF_INET, stream_nb)
                      .connect(3, in(lo, 0))
                      .socket(4, AF_INET, stream_nb)
                      .connect(4, in(lo, 0))
                      .accept(0, 2, 4)
                      .accept(0, 5, 0)
                      .accept(0, 6, 128)
                      .getsockname(2, 8)
                      .getpeername(5, 3));
    out.push_back(seq("tcp/accept/on-udp")
                      .socket(0, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK)
                      .bind(0, in(lo, 0))
                      .accept(0, 2));
    out.push_back(seq("tcp/accept/after-client-closed")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .send(1, "bye")
                      .close(1)
                      .accept(0, 2, 16)
                      .recv(2, 16)
                      .recv(2, 16)
                      .send(2, "x")
                      .so_error(2)
                      .send(2, "y"));
    out.push_back(seq("tcp/accept/after-client-reset")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .linger(1, 1, 0)
                      .close(1)
                      .accept(0, 2, 16)
                      .recv(2, 16)
                      .so_error(2)
                      .accept(0, 3));
    out.push_back(seq("tcp/accept/in-connection-order")
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .connect(1, in(lo, 0))
                      .socket(3, AF_INET, stream_nb)
                      .connect(3, in(lo, 0))
                      .getsockname(1)
                      .getsockname(3)
                      .accept(0, 2, 16)
                      .accept(0, 4, 16)
                      .send(2, "to-first")
                      .recv(1, 16)
                      .recv(3, 16));
}

void data_cases(std::vector<sequence>& out) {
    {
        seq q("tcp/data/both-directions");
        establish(q)
            .send(1, "hello")
            .send(2, "world!")
            .recv(2, 64)
            .recv(1, 64)
            .recv(1, 64)
            .recv(2, 64);
        out.push_back(q);
    }
    {
        seq q("tcp/data/blocking-both-directions");
        establish(q, true).send(1, "hello").recv(2, 64).recv(2, 64).send(2, "back").recv(1, 64);
        out.push_back(q);
    }
    {
        seq q("tcp/data/coalesced-and-partial");
        establish(q)
            .send(1, "abc")
            .send(1, "defg")
            .sendmsg(1, "hijklmno", addr{}, 3)
            .recv(2, 2)
            .recv(2, 4)
            .recv(2, 100)
            .recv(2, 100);
        out.push_back(q);
    }
    {
        seq q("tcp/data/peek");
        establish(q)
            .send(1, "peekaboo")
            .recv(2, 4, MSG_PEEK)
            .recv(2, 64, MSG_PEEK)
            .recv(2, 3)
            .recv(2, 64, MSG_PEEK)
            .recv(2, 64)
            .recv(2, 64, MSG_PEEK);
        out.push_back(q);
    }
    {
        seq q("tcp/data/dontwait-on-blocking");
        establish(q, true)
            .recv(2, 16, MSG_DONTWAIT)
            .send(1, "x", MSG_DONTWAIT)
            .recv(2, 16, MSG_DONTWAIT)
            .recv(2, 16, MSG_DONTWAIT);
        out.push_back(q);
    }
    {
        seq q("tcp/data/waitall-with-enough");
        establish(q)
            .send(1, "0123456789")
            .recv(2, 4, MSG_WAITALL)
            .recv(2, 6, MSG_WAITALL)
            .send(1, "abc")
            .recv(2, 8, MSG_WAITALL | MSG_DONTWAIT);
        out.push_back(q);
    }
    {
        seq q("tcp/data/zero-lengths");
        // recv of 0 bytes: EAGAIN on an empty queue, 0 when data waits.
        establish(q).send(1, "").recv(2, 0).send(1, "z");
        q.recv(2, 0).recv(2, 16).sendto(1, "", addr{});
        out.push_back(q);
    }
    out.push_back(seq("tcp/data/unconnected-and-listening")
                      .socket(1, AF_INET, stream_nb)
                      .recv(1, 16)
                      .send(1, "x")
                      .sendto(1, "x", in(lo, 1))
                      .socket(0, AF_INET, stream_nb)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .recv(0, 16)
                      .send(0, "x")
                      .recvmsg(0, 16));
    {
        seq q("tcp/data/recvfrom-recvmsg-sendto");
        establish(q)
            .sendto(1, "to-ignored-address", in(ip4(127, 0, 0, 9), 7))
            .recvfrom(2, 5)
            .recvmsg(2, 5)
            .recvmsg(2, 64, 0, -1)
            .sendmsg(2, "with-name", in(lo, 3), 2)
            .recvfrom(1, 64, 0, 2);
        out.push_back(q);
    }
    {
        seq q("tcp/data/urgent");
        establish(q)
            .send(1, "abc", MSG_OOB)
            .recv(2, 16, MSG_OOB)
            .recv(2, 16)
            .recv(2, 16, MSG_OOB)
            .send(1, "de", MSG_OOB)
            .setsockopt(2, SOL_SOCKET, SO_OOBINLINE, 1)
            .recv(2, 16);
        out.push_back(q);
    }
    {
        seq q("tcp/data/4000-bytes");
        establish(q)
            .send(1, pattern(4000))
            .recv(2, 1000)
            .recv(2, 5000)
            .send(2, pattern(4000, 'A'))
            .recv(1, 4000, MSG_WAITALL);
        out.push_back(q);
    }
    {
        seq q("tcp/data/nonblocking-toggle");
        establish(q, true)
            .fcntl(1, F_GETFL)
            .fcntl(2, F_SETFL, O_NONBLOCK)
            .fcntl(2, F_GETFL)
            .recv(2, 16)
            .fcntl(2, F_SETFL, 0)
            .send(1, "q")
            .recv(2, 16)
            .recv(2, 16);
        out.push_back(q);
    }
    {
        seq q("tcp/data/options");
        establish(q)
            .getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN)
            .getsockopt(1, SOL_SOCKET, SO_ACCEPTCONN)
            .getsockopt(2, SOL_SOCKET, SO_ACCEPTCONN)
            .getsockopt(2, SOL_SOCKET, SO_TYPE)
            .setsockopt(1, IPPROTO_TCP, TCP_NODELAY, 1)
            .send(1, "nodelay")
            .recv(2, 16);
        out.push_back(q);
    }
}

void shutdown_cases(std::vector<sequence>& out) {
    out.push_back(seq("tcp/shutdown/unconnected-and-bad-how")
                      .socket(1, AF_INET, stream_nb)
                      .shutdown(1, SHUT_WR)
                      .shutdown(1, SHUT_RD)
                      .shutdown(1, SHUT_RDWR)
                      .shutdown(1, 3)
                      .shutdown(1, -1)
                      .bind(1, in(lo, 1))
                      .shutdown(1, SHUT_RDWR));
    {
        seq q("tcp/shutdown/bad-how-connected");
        establish(q).shutdown(1, 3).shutdown(1, -1).shutdown(1, 100);
        out.push_back(q);
    }
    const char* hows[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    for (int how = SHUT_RD; how <= SHUT_RDWR; ++how)
        for (int side = 0; side < 2; ++side) {
            // One side shuts down; both then send and receive.
            const int x = side ? 2 : 1, y = side ? 1 : 2;
            seq q("tcp/shutdown/" + std::string(side ? "server-" : "client-") + hows[how]);
            establish(q)
                .send(y, "before")
                .shutdown(x, how)
                .recv(x, 64)
                .recv(x, 64)
                .send(x, "from-x")
                .recv(y, 64)
                .recv(y, 64)
                .send(y, "from-y")
                .recv(x, 64)
                .so_error(x)
                .so_error(y)
                .shutdown(x, how)
                .close(y)
                .recv(x, 64)
                .close(x);
            out.push_back(q);
        }
    {
        seq q("tcp/shutdown/both-shut_wr");
        establish(q)
            .shutdown(1, SHUT_WR)
            .shutdown(2, SHUT_WR)
            .recv(1, 16)
            .recv(2, 16)
            .close(1)
            .close(2);
        out.push_back(q);
    }
    {
        seq q("tcp/shutdown/shut_wr-then-shut_rd");
        establish(q)
            .shutdown(1, SHUT_WR)
            .shutdown(1, SHUT_RD)
            .send(2, "after")
            .recv(1, 16)
            .shutdown(2, SHUT_RDWR)
            .recv(1, 16)
            .close(2)
            .close(1);
        out.push_back(q);
    }
    // inet_shutdown sets sk_shutdown even on a socket that is not connected
    // (it returns ENOTCONN), listen() keeps it and sk_clone_lock copies it
    // into every child; when a child's handshake ends, tcp_rcv_state_process
    // applies a SHUT_WR it carries ("if (sk->sk_shutdown & SEND_SHUTDOWN)
    // tcp_shutdown(sk, SEND_SHUTDOWN)"): it is accepted in FIN_WAIT1 with
    // its FIN sent, and data sent to a child shut for reading as well
    // resets both ends.
    for (int how = SHUT_RD; how <= SHUT_RDWR; ++how) {
        seq q("tcp/shutdown/before-listen-" + std::string(hows[how]) + "-passes-to-children");
        q.socket(0, AF_INET, stream_nb)
            .bind(0, in(lo, 0))
            .shutdown(0, how)
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .connect(1, in(lo, 0))
            .accept4(0, 2, SOCK_NONBLOCK, 16)
            .recv(1, 16)
            .recv(2, 16)
            .send(2, "from-child")
            .send(1, "from-client")
            .recv(2, 16)
            .recv(1, 16)
            .so_error(1)
            .so_error(2);
        out.push_back(q);
    }
    // The same on a socket connected to itself: simultaneous open passes
    // through SYN_RECV, so a SHUT_WR from before sends the FIN at once; the
    // socket then receives its own FIN (CLOSING) and the ACK of it, and ends
    // CLOSE with a TIME_WAIT entry on its 4-tuple.
    for (int how = SHUT_RD; how <= SHUT_RDWR; ++how) {
        seq q("tcp/shutdown/before-connect-to-self-" + std::string(hows[how]));
        q.socket(1, AF_INET, stream_nb)
            .bind(1, in(lo, 0))
            .shutdown(1, how)
            .connect(1, in(lo, 0))
            .so_error(1)
            .recv(1, 16)
            .connect(1, in(lo, 0))
            .so_error(1);
        out.push_back(q);
    }
    {
        seq q("tcp/shutdown/peer-closes-after-shut_wr");
        establish(q)
            .shutdown(1, SHUT_WR)
            .recv(2, 16)
            .send(2, "reply")
            .close(2)
            .recv(1, 16)
            .recv(1, 16)
            .send(1, "x")
            .close(1);
        out.push_back(q);
    }
}

//! What each side does after the connection is up and before the teardown.
struct data_case {
    const char* name;
    bool c2s, s2c, s2c_read;
};

void teardown_matrix(std::vector<sequence>& out) {
    const data_case datas[] = {{"no-data", false, false, false},
                               {"client-sent-unread", true, false, false},
                               {"server-sent-unread", false, true, false},
                               {"server-sent-read", false, true, true}};
    const char* methods[] = {"close", "shut_wr-then-close", "shut_rdwr", "linger0-close"};
    for (const data_case& d : datas)
        for (int closer = 0; closer < 2; ++closer)
            for (int m = 0; m < 4; ++m) {
                const int x = closer ? 2 : 1, y = closer ? 1 : 2;
                seq q("tcp/teardown/" + std::string(d.name) + "/" +
                      (closer ? "server-" : "client-") + methods[m]);
                establish(q).close(0);
                if (d.c2s)
                    q.send(1, "ping");
                if (d.s2c)
                    q.send(2, "pong");
                if (d.s2c_read)
                    q.recv(1, 16);
                switch (m) {
                case 0:
                    q.close(x);
                    break;
                case 1:
                    q.shutdown(x, SHUT_WR).recv(y, 16).close(x);
                    break;
                case 2:
                    q.shutdown(x, SHUT_RDWR);
                    break;
                case 3:
                    q.linger(x, 1, 0).close(x);
                    break;
                }
                q.recv(y, 16).recv(y, 16).send(y, "late").recv(y, 16).so_error(y).send(y, "again");
                q.so_error(y).getpeername(y);
                if (m == 2)
                    q.recv(x, 16).send(x, "x").so_error(x).close(x);
                q.close(y);
                out.push_back(q);
            }
}

//! tcp_init_buffer_space -> tcp_sndbuf_expand when a connection is
//! established: two (three with BBR) windows of worst-case skbs for a
//! 65495-byte MSS, at most tcp_wmem[2]; SO_SNDBUF fixes the size (the
//! child inherits its listener's lock), TCP_MAXSEG shrinks it.
void buffer_cases(std::vector<sequence>& out) {
    {
        seq q("tcp/buffers/sndbuf-established");
        q.socket(0, AF_INET, stream_nb)
            .bind(0, in(lo, 0))
            .getsockopt(0, SOL_SOCKET, SO_SNDBUF)
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .getsockopt(1, SOL_SOCKET, SO_SNDBUF)
            .connect(1, in(lo, 0))
            .getsockopt(1, SOL_SOCKET, SO_SNDBUF)
            .accept4(0, 2, SOCK_NONBLOCK)
            .getsockopt(2, SOL_SOCKET, SO_SNDBUF)
            .getsockopt(0, SOL_SOCKET, SO_SNDBUF)
            .connect(1, unspec())
            .getsockopt(1, SOL_SOCKET, SO_SNDBUF);
        out.push_back(q);
    }
    out.push_back(seq("tcp/buffers/sndbuf-set-by-user-stays")
                      .socket(0, AF_INET, stream_nb)
                      .setsockopt(0, SOL_SOCKET, SO_SNDBUF, 10000)
                      .bind(0, in(lo, 0))
                      .listen(0, 5)
                      .socket(1, AF_INET, stream_nb)
                      .setsockopt(1, SOL_SOCKET, SO_SNDBUF, 6000)
                      .connect(1, in(lo, 0))
                      .accept4(0, 2, SOCK_NONBLOCK)
                      .getsockopt(1, SOL_SOCKET, SO_SNDBUF)
                      .getsockopt(2, SOL_SOCKET, SO_SNDBUF));
    for (int mss : {1000, 1536, 1537}) {
        seq q("tcp/buffers/sndbuf-with-tcp_maxseg-" + std::to_string(mss));
        q.socket(0, AF_INET, stream_nb)
            .bind(0, in(lo, 0))
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .setsockopt(1, IPPROTO_TCP, TCP_MAXSEG, mss)
            .connect(1, in(lo, 0))
            .accept4(0, 2, SOCK_NONBLOCK)
            .getsockopt(1, SOL_SOCKET, SO_SNDBUF)
            .getsockopt(2, SOL_SOCKET, SO_SNDBUF);
        out.push_back(q);
    }
}

void linger_cases(std::vector<sequence>& out) {
    {
        seq q("tcp/linger/1s-close-nonblocking");
        establish(q).linger(1, 1, 1).send(1, "data").close(1).recv(2, 16).recv(2, 16).close(2);
        out.push_back(q);
    }
    {
        seq q("tcp/linger/0-on-listener-with-pending");
        q.socket(0, AF_INET, stream_nb)
            .bind(0, in(lo, 0))
            .listen(0, 5)
            .socket(1, AF_INET, stream_nb)
            .connect(1, in(lo, 0))
            .linger(0, 1, 0)
            .close(0)
            .recv(1, 16)
            .socket(3, AF_INET, stream_nb)
            .bind(3, in(lo, 0))
            .listen(3, 5);
        out.push_back(q);
    }
    {
        seq q("tcp/linger/0-after-shut_wr");
        establish(q)
            .shutdown(1, SHUT_WR)
            .recv(2, 16)
            .linger(1, 1, 0)
            .close(1)
            .recv(2, 16)
            .send(2, "x");
        out.push_back(q);
    }
}

} // namespace

std::vector<sequence> tcp_sequences() {
    std::vector<sequence> out;
    bind_reuse(out);
    bind_errors(out);
    listen_cases(out);
    connect_cases(out);
    accept_cases(out);
    data_cases(out);
    shutdown_cases(out);
    teardown_matrix(out);
    buffer_cases(out);
    linger_cases(out);
    for (sequence& s : tcp_window_sequences())
        out.push_back(std::move(s));
    return out;
}

} // namespace ksock_loopback
