// test/differential/loopback/sequences_raw.cpp: ICMP echo over 127.0.0.1
// through a ping socket (SOCK_DGRAM, IPPROTO_ICMP: the kernel owns the id
// and the checksum) and a raw ICMP socket (sees every ICMP packet on the
// loopback, IP header included). Few and robust: a raw socket may see the
// host's other ICMP traffic, so receives filter by echo id.
#include <string>

#include <netinet/in.h>
#include <netinet/ip_icmp.h>

#include "harness.hpp"

namespace ksock_loopback {

namespace {

constexpr int ping_type = SOCK_DGRAM | SOCK_NONBLOCK;
constexpr int raw_type = SOCK_RAW | SOCK_NONBLOCK;
//! The id of echo requests a raw socket sends (a ping socket replaces it).
constexpr int raw_id = 0x6b73;

} // namespace

std::vector<sequence> raw_sequences() {
    std::vector<sequence> out;
    out.push_back(seq("raw/ping/echo-autobind")
                      .socket(0, AF_INET, ping_type, IPPROTO_ICMP)
                      .getsockname(0)
                      .icmp_send(0, ICMP_ECHO, 0, 1234, 1, "ksock-ping", in_port(lo, 0))
                      .getsockname(0)
                      .icmp_recv(0, 0)
                      .icmp_recv(0, 0)
                      .icmp_send(0, ICMP_ECHO, 0, 1234, 2, "", in_port(lo, 0))
                      .recvfrom(0, 64)
                      .recv(0, 64));
    out.push_back(seq("raw/ping/bound-id-connect-and-errors")
                      .socket(0, AF_INET, ping_type, IPPROTO_ICMP)
                      .bind(0, in(lo, 5))
                      .getsockname(0)
                      .connect(0, in_port(lo, 0))
                      .getpeername(0)
                      .icmp_send(0, ICMP_ECHO, 0, 0, 7, "connected", addr{})
                      .icmp_recv(0, 0)
                      .icmp_send(0, ICMP_TIMESTAMP, 0, 0, 8, "not-echo", in_port(lo, 0))
                      .sendto(0, "short", in_port(lo, 0))
                      .icmp_send(0, ICMP_ECHO, 0, 0, 9, "truncated", in_port(lo, 0))
                      .recvmsg(0, 10, 0)
                      .recv(0, 16));
    out.push_back(seq("raw/raw/sees-ping-traffic")
                      .socket(1, AF_INET, raw_type, IPPROTO_ICMP)
                      .socket(0, AF_INET, ping_type, IPPROTO_ICMP)
                      .icmp_send(0, ICMP_ECHO, 0, 0, 3, "seen-by-raw", in_port(lo, 0))
                      .icmp_recv(1, 0)
                      .icmp_recv(1, 0)
                      .icmp_recv(1, 0)
                      .icmp_recv(0, 0)
                      .getsockname(1));
    out.push_back(seq("raw/raw/own-echo-and-reply")
                      .socket(1, AF_INET, raw_type, IPPROTO_ICMP)
                      .icmp_send(1, ICMP_ECHO, 0, raw_id, 4, "raw-echo", in_port(lo, 0))
                      .icmp_recv(1, -1, raw_id)
                      .icmp_recv(1, -1, raw_id)
                      .icmp_recv(1, -1, raw_id));
    out.push_back(seq("raw/raw/two-sockets-and-127.0.0.2")
                      .socket(1, AF_INET, raw_type, IPPROTO_ICMP)
                      .socket(2, AF_INET, raw_type, IPPROTO_ICMP)
                      .icmp_send(1, ICMP_ECHO, 0, raw_id + 1, 5, "to-127.0.0.2",
                                 in_port(ip4(127, 0, 0, 2), 0))
                      .icmp_recv(2, -1, raw_id + 1)
                      .icmp_recv(2, -1, raw_id + 1)
                      .icmp_recv(1, -1, raw_id + 1)
                      .icmp_recv(1, -1, raw_id + 1)
                      .icmp_recv(1, -1, raw_id + 1));
    out.push_back(seq("raw/ping/udp-unsupported-ops")
                      .socket(0, AF_INET, ping_type, IPPROTO_ICMP)
                      .listen(0, 1)
                      .accept(0, 1)
                      .shutdown(0, SHUT_RD)
                      .getpeername(0)
                      .recv(0, 16));
    return out;
}

} // namespace ksock_loopback
