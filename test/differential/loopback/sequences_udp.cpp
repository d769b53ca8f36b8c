// test/differential/loopback/sequences_udp.cpp: UDP over 127.0.0.1. Ports:
// P0 the receiver's, P1 the sender's, P2 a third socket's, P3 nobody's.
#include <string>

#include "harness.hpp"

namespace ksock_loopback {

namespace {

constexpr int dgram = SOCK_DGRAM;
constexpr int dgram_nb = SOCK_DGRAM | SOCK_NONBLOCK;

//! h0 bound to P0, h1 bound to P1.
seq& pair(seq& q) {
    return q.socket(0, AF_INET, dgram_nb)
        .bind(0, in(lo, 0))
        .socket(1, AF_INET, dgram_nb)
        .bind(1, in(lo, 1));
}

void bind_cases(std::vector<sequence>& out) {
    out.push_back(seq("udp/bind/twice")
                      .socket(0, AF_INET, dgram_nb)
                      .socket(1, AF_INET, dgram_nb)
                      .bind(0, in(lo, 0))
                      .bind(0, in(lo, 1))
                      .bind(1, in(lo, 0))
                      .bind(1, in(any, 0))
                      .bind(1, in(ip4(127, 0, 0, 2), 0))
                      .names(1));
    out.push_back(seq("udp/bind/wildcard-then-specific")
                      .socket(0, AF_INET, dgram_nb)
                      .socket(1, AF_INET, dgram_nb)
                      .bind(0, in(any, 0))
                      .bind(1, in(lo, 0))
                      .getsockname(1));
    const char* who[] = {"none", "first", "second", "both"};
    for (int opt = 0; opt < 2; ++opt)
        for (int r = 0; r < 4; ++r) {
            const int so = opt ? SO_REUSEPORT : SO_REUSEADDR;
            seq q(std::string("udp/bind/") + (opt ? "reuseport/" : "reuseaddr/") + who[r]);
            q.socket(0, AF_INET, dgram_nb);
            if (r & 1)
                q.setsockopt(0, SOL_SOCKET, so, 1);
            q.bind(0, in(lo, 0)).socket(1, AF_INET, dgram_nb);
            if (r & 2)
                q.setsockopt(1, SOL_SOCKET, so, 1);
            q.bind(1, in(lo, 0)).getsockname(1);
            // Unicast to a shared port reaches one of them (SO_REUSEADDR:
            // the socket bound last; SO_REUSEPORT: by hash, so one send).
            q.socket(2, AF_INET, dgram_nb).bind(2, in(lo, 2));
            if (!opt)
                q.sendto(2, "to-P0", in(lo, 0)).recv(0, 16).recv(1, 16);
            q.close(0).sendto(2, "again", in(lo, 0)).recv(1, 16);
            out.push_back(q);
        }
    out.push_back(seq("udp/bind/port-0-and-autobind")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in_port(lo, 0))
                      .getsockname(0)
                      .socket(1, AF_INET, dgram_nb)
                      .getsockname(1)
                      .sendto(1, "x", in(lo, 3))
                      .getsockname(1)
                      .bind(1, in(lo, 1))
                      .socket(2, AF_INET, dgram_nb)
                      .connect(2, in(lo, 3))
                      .names(2)
                      .bind(2, in(lo, 2)));
    out.push_back(seq("udp/bind/broadcast-address")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in(ip4(127, 255, 255, 255), 0))
                      .getsockname(0)
                      .socket(1, AF_INET, dgram_nb)
                      .bind(1, in(ip4(10, 1, 2, 3), 1)));
}

void refused_cases(std::vector<sequence>& out) {
    // An unconnected socket ignores the port unreachable that answers it.
    out.push_back(seq("udp/refused/unconnected-ignores-icmp")
                      .socket(0, AF_INET, dgram_nb)
                      .sendto(0, "nobody", in(lo, 3))
                      .recv(0, 16)
                      .so_error(0)
                      .sendto(0, "nobody", in(lo, 3))
                      .sendto(0, "nobody", in(lo, 3))
                      .recv(0, 16));
    // A connected one gets ECONNREFUSED once, by whichever call comes first.
    const char* firsts[] = {"recv", "send", "so_error", "recvmsg", "sendto-other", "connect"};
    for (int f = 0; f < 6; ++f)
        for (int blocking = 0; blocking < 2; ++blocking) {
            if (blocking && f >= 3)
                continue;
            seq q(std::string("udp/refused/connected-") + firsts[f] + "-first" +
                  (blocking ? "-blocking" : ""));
            q.socket(0, AF_INET, blocking ? dgram : dgram_nb)
                .connect(0, in(lo, 3))
                .send(0, "nobody");
            switch (f) {
            case 0:
                q.recv(0, 16);
                break;
            case 1:
                q.send(0, "again");
                break;
            case 2:
                q.so_error(0);
                break;
            case 3:
                q.recvmsg(0, 16);
                break;
            case 4:
                q.socket(1, AF_INET, dgram_nb).bind(1, in(lo, 1)).sendto(0, "other", in(lo, 1));
                break;
            case 5:
                q.connect(0, in(lo, 3));
                break;
            }
            q.recv(0, 16).send(0, "third").so_error(0).recv(0, 16);
            out.push_back(q);
        }
}

void datagram_cases(std::vector<sequence>& out) {
    {
        seq q("udp/datagrams/boundaries");
        pair(q)
            .sendto(1, "one", in(lo, 0))
            .sendto(1, "two", in(lo, 0))
            .sendto(1, "three", in(lo, 0))
            .recv(0, 64)
            .recv(0, 2)
            .recv(0, 64)
            .recv(0, 64);
        out.push_back(q);
    }
    // A 5-byte datagram into buffers of 0, 3, 5 and 64 bytes, with and
    // without MSG_TRUNC / MSG_PEEK, through recvmsg (msg_flags).
    const int sizes[] = {0, 3, 5, 64};
    const int flags[] = {0, MSG_TRUNC, MSG_PEEK, MSG_PEEK | MSG_TRUNC};
    const char* fnames[] = {"plain", "MSG_TRUNC", "MSG_PEEK", "MSG_PEEK|MSG_TRUNC"};
    for (int f = 0; f < 4; ++f)
        for (int sz : sizes) {
            seq q("udp/datagrams/recvmsg-" + std::string(fnames[f]) + "-" + std::to_string(sz));
            pair(q)
                .sendto(1, "hello", in(lo, 0))
                .sendto(1, "second", in(lo, 0))
                .recvmsg(0, static_cast<std::size_t>(sz), flags[f])
                .recv(0, static_cast<std::size_t>(sz), flags[f])
                .recvmsg(0, 64)
                .recvmsg(0, 64);
            out.push_back(q);
        }
    {
        seq q("udp/datagrams/recvfrom-addresses");
        pair(q)
            .socket(2, AF_INET, dgram_nb)
            .sendto(1, "from-P1", in(lo, 0))
            .sendto(2, "from-autobound", in(lo, 0))
            .getsockname(2)
            .sendto(1, "small-buffer", in(lo, 0))
            .sendto(1, "no-buffer", in(lo, 0))
            .recvfrom(0, 64)
            .recvfrom(0, 64)
            .recvfrom(0, 64, 0, 4)
            .recvfrom(0, 64, 0, 0)
            .recvfrom(0, 64, 0, -1);
        out.push_back(q);
    }
    {
        seq q("udp/datagrams/zero-length");
        pair(q)
            .connect(1, in(lo, 0))
            .send(1, "")
            .recv(0, 16)
            .sendto(1, "", in(lo, 0))
            .recvmsg(0, 16)
            .recv(0, 16);
        out.push_back(q);
    }
    {
        seq q("udp/datagrams/sendmsg-gather");
        pair(q)
            .sendmsg(1, "gathered-in-three", in(lo, 0), 3)
            .sendmsg(1, "", in(lo, 0), 1)
            .recvfrom(0, 64)
            .recvfrom(0, 64);
        out.push_back(q);
    }
    {
        seq q("udp/datagrams/largest");
        pair(q)
            .sendto(1, pattern(65507), in(lo, 0))
            .sendto(1, pattern(65508), in(lo, 0))
            .recv(0, 70000)
            .recv(0, 70000);
        out.push_back(q);
    }
    {
        seq q("udp/datagrams/blocking-and-dontwait");
        q.socket(0, AF_INET, dgram)
            .bind(0, in(lo, 0))
            .recv(0, 16)
            .recv(0, 16, MSG_DONTWAIT)
            .socket(1, AF_INET, dgram)
            .sendto(1, "x", in(lo, 0), MSG_DONTWAIT)
            .recv(0, 16)
            .recv(0, 16, MSG_DONTWAIT);
        out.push_back(q);
    }
}

void connect_cases(std::vector<sequence>& out) {
    {
        seq q("udp/connect/then-sendto-another");
        pair(q)
            .socket(2, AF_INET, dgram_nb)
            .bind(2, in(lo, 2))
            .connect(0, in(lo, 1))
            .names(0)
            .sendto(0, "to-P2", in(lo, 2))
            .send(0, "to-P1")
            .recvfrom(2, 64)
            .recvfrom(1, 64)
            // A connected socket takes datagrams from its peer only.
            .sendto(2, "from-P2", in(lo, 0))
            .sendto(1, "from-P1", in(lo, 0))
            .recvfrom(0, 64)
            .recvfrom(0, 64)
            .so_error(2);
        out.push_back(q);
    }
    {
        seq q("udp/connect/af-unspec-disconnects-bound");
        pair(q)
            .connect(0, in(lo, 1))
            .connect(0, unspec())
            .names(0)
            .send(0, "x")
            .sendto(0, "y", in(lo, 1))
            .recv(1, 16)
            .connect(0, with_len(unspec(), 2))
            .getsockname(0);
        out.push_back(q);
    }
    out.push_back(seq("udp/connect/af-unspec-disconnects-autobound")
                      .socket(1, AF_INET, dgram_nb)
                      .bind(1, in(lo, 1))
                      .socket(0, AF_INET, dgram_nb)
                      .connect(0, in(lo, 1))
                      .names(0)
                      .connect(0, unspec())
                      .names(0)
                      .send(0, "x"));
    {
        seq q("udp/connect/reconnect-and-bind-after");
        pair(q)
            .socket(2, AF_INET, dgram_nb)
            .connect(2, in(lo, 0))
            .getpeername(2)
            .connect(2, in(lo, 1))
            .getpeername(2)
            .send(2, "to-P1")
            .recv(1, 16)
            .recv(0, 16)
            .bind(2, in(lo, 2))
            .connect(2, with_len(in(lo, 0), 8))
            .connect(2, with_family(in(lo, 0), AF_UNIX));
        out.push_back(q);
    }
    out.push_back(seq("udp/connect/to-0.0.0.0")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in(lo, 0))
                      .socket(1, AF_INET, dgram_nb)
                      .connect(1, in(any, 0))
                      .names(1)
                      .send(1, "via-0.0.0.0")
                      .recvfrom(0, 64));
    out.push_back(seq("udp/connect/broadcast")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in(any, 0))
                      .socket(1, AF_INET, dgram_nb)
                      .connect(1, in(ip4(127, 255, 255, 255), 0))
                      .sendto(1, "bcast", in(ip4(127, 255, 255, 255), 0))
                      .setsockopt(1, SOL_SOCKET, SO_BROADCAST, 1)
                      .sendto(1, "bcast", in(ip4(127, 255, 255, 255), 0))
                      .connect(1, in(ip4(127, 255, 255, 255), 0))
                      .names(1)
                      .recvfrom(0, 64));
    // A socket bound to lo's broadcast address keeps it as its bound address
    // but has no source address of its own (inet_bind_sk: "if (chk_addr_ret
    // == RTN_MULTICAST || chk_addr_ret == RTN_BROADCAST) inet->inet_saddr =
    // 0"): its datagrams leave from 127.0.0.1, and 0.0.0.0 means 127.0.0.1
    // to it, not the broadcast address.
    out.push_back(seq("udp/bind/broadcast-address-is-not-a-source")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in(lo, 0))
                      .socket(1, AF_INET, dgram_nb)
                      .bind(1, in(ip4(127, 255, 255, 255), 1))
                      .sendto(1, "from-bcast-bound", in(lo, 0))
                      .recvfrom(0, 64)
                      .connect(1, in(lo, 0))
                      .names(1)
                      .send(1, "connected")
                      .recvfrom(0, 64));
    out.push_back(seq("udp/connect/to-0.0.0.0-from-broadcast-bound")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in(lo, 0))
                      .socket(1, AF_INET, dgram_nb)
                      .bind(1, in_port(ip4(127, 255, 255, 255), 0))
                      .connect(1, in(any, 0))
                      .names(1)
                      .send(1, "via-0.0.0.0")
                      .recvfrom(0, 64));
    // 0.0.0.0 is the socket's own source address when it has one.
    out.push_back(seq("udp/connect/to-0.0.0.0-from-127.0.0.5")
                      .socket(0, AF_INET, dgram_nb)
                      .bind(0, in(any, 0))
                      .socket(1, AF_INET, dgram_nb)
                      .bind(1, in_port(ip4(127, 0, 0, 5), 0))
                      .connect(1, in(any, 0))
                      .getpeername(1)
                      .send(1, "to-self-address")
                      .recvfrom(0, 64));
}

void misc_cases(std::vector<sequence>& out) {
    out.push_back(seq("udp/send/address-errors")
                      .socket(0, AF_INET, dgram_nb)
                      .send(0, "no-peer")
                      .sendto(0, "short", with_len(in(lo, 3), 15))
                      .sendto(0, "unix-family", with_family(in(lo, 3), AF_UNIX))
                      .sendto(0, "unspec-family", with_family(in(lo, 3), AF_UNSPEC))
                      .sendto(0, "port-0", in_port(lo, 0))
                      .sendmsg(0, "msg-no-name", addr{})
                      .getsockname(0));
    {
        seq q("udp/shutdown/unconnected");
        pair(q)
            .shutdown(0, SHUT_RD)
            .shutdown(0, SHUT_WR)
            .shutdown(0, 5)
            .sendto(1, "still-arrives", in(lo, 0))
            .recv(0, 64);
        out.push_back(q);
    }
    const char* hows[] = {"SHUT_RD", "SHUT_WR", "SHUT_RDWR"};
    for (int how = SHUT_RD; how <= SHUT_RDWR; ++how) {
        seq q("udp/shutdown/connected-" + std::string(hows[how]));
        pair(q)
            .connect(0, in(lo, 1))
            .sendto(1, "before", in(lo, 0))
            .shutdown(0, how)
            .recv(0, 64)
            .recv(0, 64)
            .send(0, "after")
            .sendto(1, "later", in(lo, 0))
            .recv(0, 64)
            .recv(1, 64)
            .connect(0, unspec())
            .recv(0, 64)
            .sendto(0, "disconnected", in(lo, 1));
        out.push_back(q);
    }
    {
        seq q("udp/peek-then-read");
        pair(q)
            .sendto(1, "peek", in(lo, 0))
            .recvfrom(0, 64, MSG_PEEK)
            .recvfrom(0, 2, MSG_PEEK)
            .recvfrom(0, 64)
            .recvfrom(0, 64, MSG_PEEK);
        out.push_back(q);
    }
    out.push_back(seq("udp/recv-on-fresh-socket")
                      .socket(0, AF_INET, dgram_nb)
                      .recv(0, 16)
                      .recvfrom(0, 16)
                      .getpeername(0)
                      .getsockname(0));
}

// --- UDP-Lite (RFC 3828): UDP's path with its own port table, option level
// and checksum coverage.
constexpr int udplite = IPPROTO_UDPLITE;
constexpr int sol_udp = IPPROTO_UDP;         // SOL_UDP
constexpr int sol_udplite = IPPROTO_UDPLITE; // SOL_UDPLITE
constexpr int send_cscov = 10;               // UDPLITE_SEND_CSCOV
constexpr int recv_cscov = 11;               // UDPLITE_RECV_CSCOV

//! h0 bound to P0, h1 bound to P1, both UDP-Lite.
seq& lite_pair(seq& q) {
    return q.socket(0, AF_INET, dgram_nb, udplite)
        .bind(0, in(lo, 0))
        .socket(1, AF_INET, dgram_nb, udplite)
        .bind(1, in(lo, 1));
}

void udplite_cases(std::vector<sequence>& out) {
    {
        seq q("udplite/datagrams-and-fresh-options");
        lite_pair(q)
            .getsockopt(0, SOL_SOCKET, SO_PROTOCOL)
            .getsockopt(0, SOL_SOCKET, SO_TYPE)
            .getsockopt(0, sol_udplite, send_cscov)
            .getsockopt(0, sol_udplite, recv_cscov)
            .getsockopt(0, sol_udp, send_cscov)
            .sendto(1, "one", in(lo, 0))
            .sendto(1, "", in(lo, 0))
            .recvfrom(0, 64)
            .recvmsg(0, 64)
            .recv(0, 64);
        out.push_back(q);
    }
    {
        // Coverage values: 1..7 (and negatives) become 8, above 65535 it
        // saturates, 0 is the whole datagram; UDP refuses the options.
        seq q("udplite/coverage-option-values");
        q.socket(0, AF_INET, dgram_nb, udplite).socket(1, AF_INET, dgram_nb);
        for (int v : {4, 0, 8, 9, 70000, -1, 65535}) {
            q.setsockopt(0, sol_udplite, send_cscov, v).getsockopt(0, sol_udplite, send_cscov);
            q.setsockopt(0, sol_udp, recv_cscov, v).getsockopt(0, sol_udplite, recv_cscov);
        }
        q.setsockopt(1, sol_udplite, send_cscov, 20)
            .setsockopt(1, sol_udp, recv_cscov, 20)
            .getsockopt(1, sol_udplite, send_cscov)
            .getsockopt(1, sol_udplite, 12);
        out.push_back(q);
    }
    // The receiver's minimum coverage: a datagram covered less than it asks
    // (or partially at all, when it asks for 0 = the whole) is dropped.
    const int sender_cov[] = {-1, 0, 8, 20, 40};
    const int receiver_min[] = {-1, 0, 20};
    for (int sc : sender_cov)
        for (int rm : receiver_min) {
            seq q("udplite/coverage/send-" + std::to_string(sc) + "-recv-" + std::to_string(rm));
            lite_pair(q);
            if (sc >= 0)
                q.setsockopt(1, sol_udplite, send_cscov, sc);
            if (rm >= 0)
                q.setsockopt(0, sol_udplite, recv_cscov, rm);
            q.sendto(1, "0123456789abcdefghijklmnopqrstuvwxyz", in(lo, 0))
                .sendto(1, "short", in(lo, 0))
                .recv(0, 64)
                .recv(0, 64)
                .recv(0, 64);
            out.push_back(q);
        }
    out.push_back(seq("udplite/ports-apart-from-udp")
                      .socket(0, AF_INET, dgram_nb, udplite)
                      .bind(0, in(lo, 0))
                      .socket(1, AF_INET, dgram_nb)
                      .bind(1, in(lo, 0))
                      .socket(2, AF_INET, dgram_nb, udplite)
                      .bind(2, in(lo, 0))
                      .socket(3, AF_INET, dgram_nb)
                      .sendto(3, "udp", in(lo, 0))
                      .socket(4, AF_INET, dgram_nb, udplite)
                      .sendto(4, "lite", in(lo, 0))
                      .recv(0, 16)
                      .recv(1, 16)
                      .recv(0, 16)
                      .recv(1, 16));
    out.push_back(seq("udplite/refused-when-connected")
                      .socket(0, AF_INET, dgram_nb, udplite)
                      .connect(0, in(lo, 3))
                      .send(0, "anyone?")
                      .so_error(0)
                      .send(0, "again")
                      .recv(0, 16)
                      .recv(0, 16)
                      .send(0, "third")
                      .so_error(0));
}

} // namespace

std::vector<sequence> udp_sequences() {
    std::vector<sequence> out;
    bind_cases(out);
    refused_cases(out);
    datagram_cases(out);
    connect_cases(out);
    misc_cases(out);
    udplite_cases(out);
    return out;
}

} // namespace ksock_loopback
