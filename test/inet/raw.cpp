// test/inet/raw.cpp: PING and RAW sockets over the in-stack loopback:
// an echo request answered by the stack, raw sockets seeing every packet of
// their protocol with its IP header (the echo request and reply, the ICMP
// errors), IP_HDRINCL, ICMP_FILTER, the errnos. Expected values are Linux
// 6.18's, probed on the host in a namespace with only lo and
// net.ipv4.ping_group_range = "0 0".
#include <cstring>
#include <memory>

#include "inet/udp/fixture.hpp"

using namespace inet_test;

namespace {

int ping_socket(S& s) {
    const int fd = s.socket(af_inet, sock_dgram | sock_nonblock, ipproto_icmp);
    REQUIRE(fd >= 0);
    return fd;
}
int raw_socket(S& s, int protocol) {
    const int fd = s.socket(af_inet, sock_raw | sock_nonblock, protocol);
    REQUIRE(fd >= 0);
    return fd;
}
std::unique_ptr<S> ping_stack() {
    auto sp = std::make_unique<S>();
    ksock::inet::ipv4_net(*sp).sysctl.ping_group_range[0] = 0;
    ksock::inet::ipv4_net(*sp).sysctl.ping_group_range[1] = 0;
    return sp;
}

std::uint16_t be16(const unsigned char* p) {
    return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t be32(const unsigned char* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
           p[3];
}
//! The Internet checksum of \p n bytes is valid (sums to 0xffff).
bool csum_ok(const unsigned char* p, std::size_t n) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < n; i += 2)
        sum += (std::uint32_t{p[i]} << 8) | (i + 1 < n ? p[i + 1] : 0u);
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return sum == 0xffffu;
}

//! The IPv4 header fields every loopback packet shares.
void check_iphdr(const unsigned char* b, long n, std::uint8_t tos, bool df, std::uint8_t proto) {
    REQUIRE(n >= 20);
    CHECK(b[0] == 0x45);
    CHECK(b[1] == tos);
    CHECK(be16(b + 2) == n);
    CHECK(be16(b + 6) == (df ? 0x4000 : 0));
    CHECK(b[8] == 64);
    CHECK(b[9] == proto);
    CHECK(be32(b + 12) == loopback);
    CHECK(be32(b + 16) == loopback);
    CHECK(csum_ok(b, 20));
}

} // namespace

TEST_CASE("ping: echo round trip; a raw ICMP socket sees the request and the reply") {
    auto sp = ping_stack();
    S& s = *sp;
    const int p = ping_socket(s), ri = raw_socket(s, ipproto_icmp);
    CHECK(poll_mask(s, p) == pollout);
    CHECK(poll_mask(s, ri) == pollout);
    CHECK(sockname(s, ri).port == 1); // a raw socket's "port" is its protocol
    const unsigned char req[12] = {8, 0, 0, 0, 0x12, 0x34, 0, 7, 'a', 'b', 'c', 'd'};
    const auto to = lo(0);
    CHECK(s.sendto(p, req, sizeof req, 0, sa(to), sin_len) == 12);
    const std::uint16_t id = sockname(s, p).port; // autobound: the echo id
    CHECK(id != 0);
    CHECK(poll_mask(s, p) == (pollin | pollout));
    CHECK(poll_mask(s, ri) == (pollin | pollout));

    unsigned char b[2000];
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    CHECK(s.recvfrom(p, b, sizeof b, 0, reinterpret_cast<sockaddr*>(&from), &fl) == 12);
    CHECK(fl == sin_len);
    CHECK(be32_to_cpu(from.sin_addr.s_addr) == loopback);
    CHECK(from.sin_port == 0);
    CHECK(b[0] == 0); // echo reply
    CHECK(b[1] == 0);
    CHECK(be16(b + 4) == id);
    CHECK(be16(b + 6) == 7);
    CHECK(std::memcmp(b + 8, "abcd", 4) == 0);
    CHECK(csum_ok(b, 12));

    // The raw socket: the request (DF set) and the reply (no DF), headers included.
    fl = sizeof from;
    long n = s.recvfrom(ri, b, sizeof b, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    CHECK(n == 32);
    CHECK(fl == sin_len);
    CHECK(from.sin_port == 0);
    check_iphdr(b, n, 0, true, ipproto_icmp);
    CHECK(b[20] == 8);
    CHECK(be16(b + 24) == id);
    CHECK(be16(b + 26) == 7);
    CHECK(csum_ok(b + 20, 12));
    n = s.recv(ri, b, sizeof b, 0);
    CHECK(n == 32);
    check_iphdr(b, n, 0, false, ipproto_icmp);
    CHECK(b[20] == 0);
    CHECK(be16(b + 24) == id);
    CHECK(s.recv(ri, b, sizeof b, 0) == -eagain);
    CHECK(s.recv(p, b, sizeof b, 0) == -eagain);
    s.close(p);
    s.close(ri);
    check(s);
    CHECK(s.empty());
}

TEST_CASE("ping sendmsg / recvmsg: errnos and truncation") {
    auto sp = ping_stack();
    S& s = *sp;
    const int p = ping_socket(s);
    unsigned char pkt[64] = {8, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
    const auto to = lo(0);
    pkt[0] = 0;
    CHECK(s.sendto(p, pkt, 12, 0, sa(to), sin_len) == -einval);
    pkt[0] = 8;
    pkt[1] = 1;
    CHECK(s.sendto(p, pkt, 12, 0, sa(to), sin_len) == -einval);
    pkt[1] = 0;
    CHECK(s.sendto(p, pkt, 7, 0, sa(to), sin_len) == -einval);
    CHECK(s.send(p, pkt, 12, 0) == -edestaddrreq);
    CHECK(s.sendto(p, pkt, 12, msg_oob, sa(to), sin_len) == -eopnotsupp);
    CHECK(s.sendto(p, pkt, 12, 0, sa(in4(10, 0, 0, 1, 0)), sin_len) == -enetunreach);
    CHECK(s.sendto(p, pkt, 12, 0, sa(to), 15) == -einval);
    sockaddr_in x = to;
    x.sin_family = af_unspec;
    CHECK(s.sendto(p, pkt, 12, 0, sa(x), sin_len) == -eafnosupport);
    x.sin_family = af_inet6;
    CHECK(s.sendto(p, pkt, 12, 0, sa(x), sin_len) == -eafnosupport);
    static unsigned char big[70000] = {8};
    CHECK(s.sendto(p, big, 65516, 0, sa(to), sin_len) == -emsgsize);
    check(s);
    CHECK(s.skbs_in_use() == 0);
    unsigned char b[100];
    CHECK(s.sendto(p, pkt, 8, 0, sa(to), sin_len) == 8);
    CHECK(s.recv(p, b, sizeof b, 0) == 8);
    CHECK(s.sendto(p, pkt, 16, 0, sa(to), sin_len) == 16);
    CHECK(s.recv(p, b, 4, msg_trunc) == 4); // ping returns what it copied
    CHECK(s.sendto(p, pkt, 16, 0, sa(to), sin_len) == 16);
    iovec iov{b, 4};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(s.recvmsg(p, &m, 0) == 4);
    CHECK(m.msg_flags == msg_trunc);
    CHECK(s.sendto(p, pkt, 16, 0, sa(to), sin_len) == 16);
    CHECK(s.recv(p, b, sizeof b, msg_peek) == 16);
    int off = 2;
    CHECK(s.setsockopt(p, sol_socket, so_peek_off, &off, sizeof off) == -eopnotsupp);
    CHECK(s.recv(p, b, sizeof b, msg_errqueue) == -eagain);
    CHECK(s.recv(p, b, sizeof b, msg_oob) == -eopnotsupp);
    CHECK(s.recv(p, b, sizeof b, 0) == 16);
    // Connected, then shut down for writing: EPIPE.
    const int q = ping_socket(s);
    CHECK(s.connect(q, sa(to), sin_len) == 0);
    const auto nq = sockname(s, q);
    CHECK(nq.addr == loopback);
    CHECK(nq.port != 0);
    CHECK(s.send(q, pkt, 16, 0) == 16);
    CHECK(s.recv(q, b, sizeof b, 0) == 16);
    CHECK(s.shutdown(q, shut_rdwr) == 0);
    CHECK(s.send(q, pkt, 16, 0) == -epipe);
    s.close(p);
    s.close(q);
    CHECK(s.empty());
}

TEST_CASE("ping bind: address checks, identifiers shared by sk_reuse, the newest gets replies") {
    auto sp = ping_stack();
    S& s = *sp;
    const int p2 = ping_socket(s), p3 = ping_socket(s);
    const auto x = lo(555);
    CHECK(s.bind(p2, sa(x), sin_len) == 0);
    auto n = sockname(s, p2);
    CHECK(n.addr == loopback);
    CHECK(n.port == 555);
    CHECK(s.bind(p2, sa(x), sin_len) == -einval);
    CHECK(s.bind(p3, sa(x), sin_len) == 0); // ping sockets have sk_reuse
    CHECK(s.bind(p3, sa(in4(10, 0, 0, 1, 0)), sin_len) == -eaddrnotavail);
    CHECK(s.bind(p3, sa(x), 15) == -einval);
    sockaddr_in u = any(0);
    u.sin_family = af_unspec;
    CHECK(s.bind(p3, sa(u), sin_len) == -einval); // valid address, already bound
    const int p4 = ping_socket(s);
    u = lo(7);
    u.sin_family = af_unspec;
    CHECK(s.bind(p4, sa(u), sin_len) == -eafnosupport);
    CHECK(s.bind(p4, sa(in4(224, 0, 0, 1, 7)), sin_len) == -eaddrnotavail);
    u.sin_family = af_inet6;
    CHECK(s.bind(p4, sa(u), sin_len) == -eafnosupport);
    CHECK(sockname(s, p4).port == 0);
    // Both hold id 555: the reply goes to p3, the newer.
    const unsigned char pkt[12] = {8, 0, 0, 0, 0x99, 0x34, 0, 7, 'a', 'b', 'c', 'd'};
    CHECK(s.sendto(p2, pkt, sizeof pkt, 0, sa(lo(0)), sin_len) == 12);
    unsigned char b[100];
    CHECK(s.recv(p2, b, sizeof b, 0) == -eagain);
    CHECK(s.recv(p3, b, sizeof b, 0) == 12);
    CHECK(be16(b + 4) == 555);
    s.close(p3);
    CHECK(s.sendto(p2, pkt, sizeof pkt, 0, sa(lo(0)), sin_len) == 12);
    CHECK(s.recv(p2, b, sizeof b, 0) == 12);
    // bind(0.0.0.0:0) takes the next identifier.
    CHECK(s.bind(p4, sa(any(0)), sin_len) == 0);
    CHECK(sockname(s, p4).port != 0);
    s.close(p2);
    s.close(p4);
    // Outside ping_group_range no ping socket is created.
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 1;
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 0;
    CHECK(s.socket(af_inet, sock_dgram, ipproto_icmp) == -eacces);
    check(s);
    CHECK(s.empty());
}

TEST_CASE("raw: a UDP send to nobody: raw UDP sees it, raw ICMP sees the port unreachable") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int ri = raw_socket(s, ipproto_icmp), ru = raw_socket(s, ipproto_udp);
    const int u = s.socket(af_inet, sock_dgram | sock_nonblock, 0);
    CHECK(s.sendto(u, "hello", 5, 0, sa(lo(9999)), sin_len) == 5);
    // The port unreachable the datagram's receipt sent waited on lo's
    // backlog for it, and was received before sendto returned.
    const ksock::inet::netns_ipv4& ns = ksock::inet::ipv4_net(s);
    CHECK(ns.lo_backlog.head == nullptr);
    CHECK(ns.lo_backlog.len == 0);
    CHECK(ns.lo_backlog_running == 0);
    unsigned char b[2000], d[2000];
    const long nu = s.recv(ru, d, sizeof d, 0);
    CHECK(nu == 33);
    check_iphdr(d, nu, 0, true, ipproto_udp);
    CHECK(be16(d + 20) == sockname(s, u).port);
    CHECK(be16(d + 22) == 9999);
    CHECK(be16(d + 24) == 13);
    CHECK(std::memcmp(d + 28, "hello", 5) == 0);
    const long ni = s.recv(ri, b, sizeof b, 0);
    CHECK(ni == 61);
    check_iphdr(b, ni, 0xc0, false, ipproto_icmp);
    CHECK(b[20] == 3); // ICMP_DEST_UNREACH
    CHECK(b[21] == 3); // ICMP_PORT_UNREACH
    CHECK(csum_ok(b + 20, 41));
    CHECK(std::memcmp(b + 28, d, 33) == 0); // the whole original datagram
    CHECK(s.recv(ru, b, sizeof b, 0) == -eagain);
    CHECK(s.recv(ri, b, sizeof b, 0) == -eagain);
    CHECK(pending_error(s, u) == 0);
    s.close(ri);
    s.close(ru);
    s.close(u);
    CHECK(s.empty());
}

TEST_CASE("raw sendmsg: own protocol, IP_HDRINCL fix-ups, protocol unreachable, errnos") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r253 = raw_socket(s, 253), rr = raw_socket(s, ipproto_raw);
    const int ri = raw_socket(s, ipproto_icmp);
    const auto to = lo(0);
    unsigned char b[2000];
    CHECK(s.sendto(r253, "zz", 2, 0, sa(to), sin_len) == 2);
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    long n = s.recvfrom(r253, b, sizeof b, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    CHECK(n == 22);
    CHECK(fl == sin_len);
    CHECK(from.sin_port == 0);
    check_iphdr(b, n, 0, true, 253);
    CHECK(std::memcmp(b + 20, "zz", 2) == 0);
    CHECK(s.recv(ri, b, sizeof b, 0) == -eagain); // taken by a raw socket: no ICMP
    // IP_TTL and IP_TOS go into the header the stack writes.
    int v = 9;
    CHECK(s.setsockopt(r253, sol_ip, ip_ttl, &v, sizeof v) == 0);
    v = 0x10;
    CHECK(s.setsockopt(r253, sol_ip, ip_tos, &v, sizeof v) == 0);
    CHECK(s.sendto(r253, "zz", 2, 0, sa(to), sin_len) == 2);
    CHECK(s.recv(r253, b, sizeof b, 0) == 22);
    CHECK(b[1] == 0x10);
    CHECK(b[8] == 9);

    // IPPROTO_RAW implies IP_HDRINCL; protocol 201 has no taker.
    unsigned char ip[40] = {0x45, 0,   0, 0, 0, 0,   0, 0, 64, 201, 0,
                            0,    127, 0, 0, 1, 127, 0, 0, 1,  'q', 'q'};
    CHECK(s.sendto(rr, ip, 22, 0, sa(to), sin_len) == 22);
    n = s.recv(ri, b, sizeof b, 0);
    CHECK(n == 50);
    check_iphdr(b, n, 0xc0, false, ipproto_icmp);
    CHECK(b[20] == 3);
    CHECK(b[21] == 2); // ICMP_PROT_UNREACH
    CHECK(b[28 + 9] == 201);
    // The header's fix-ups: tot_len, saddr 0 -> the route's, id kept, checksum.
    ip[9] = 253;
    ip[1] = 0x10;
    ip[8] = 7;
    ip[4] = 0x11;
    ip[5] = 0x22;
    std::memset(ip + 12, 0, 4);
    ip[2] = 0xff;
    CHECK(s.sendto(rr, ip, 22, 0, sa(to), sin_len) == 22);
    n = s.recv(r253, b, sizeof b, 0);
    CHECK(n == 22);
    CHECK(b[1] == 0x10);
    CHECK(be16(b + 2) == 22);
    CHECK(be16(b + 4) == 0x1122);
    CHECK(b[8] == 7);
    CHECK(be32(b + 12) == loopback);
    CHECK(csum_ok(b, 20));
    CHECK(s.sendto(rr, ip, 19, 0, sa(to), sin_len) == -einval);
    CHECK(s.sendto(rr, ip, 20, 0, sa(to), sin_len) == 20);
    CHECK(s.recv(r253, b, 10, msg_trunc) == 20); // the whole length with MSG_TRUNC
    CHECK(s.send(rr, ip, 22, 0) == -edestaddrreq);
    CHECK(s.sendto(rr, ip, 22, msg_oob, sa(to), sin_len) == -eopnotsupp);
    CHECK(s.sendto(rr, ip, 22, 0, sa(to), 15) == -einval);
    CHECK(s.sendto(rr, ip, 22, 0, sa(in4(10, 0, 0, 1, 0)), sin_len) == -enetunreach);
    static unsigned char big[70000];
    CHECK(s.sendto(r253, big, 65516, 0, sa(to), sin_len) == -emsgsize);
    CHECK(s.skbs_in_use() == 0);
    check(s);

    // raw_bind: address checks only.
    CHECK(s.bind(rr, sa(lo(0)), sin_len) == 0);
    CHECK(sockname(s, rr).port == 255);
    CHECK(s.bind(rr, sa(in4(10, 0, 0, 1, 0)), sin_len) == -eaddrnotavail);
    CHECK(s.bind(rr, sa(lo(0)), 15) == -einval);
    CHECK(s.shutdown(r253, shut_rdwr) == -enotconn);
    s.close(r253);
    s.close(rr);
    s.close(ri);
    CHECK(s.empty());
}

TEST_CASE("raw connect: the peer filters; AF_UNSPEC unhashes (Linux's __udp_disconnect)") {
    auto sp = std::make_unique<S>();
    S& s = *sp;
    const int r = raw_socket(s, 253);
    CHECK(s.connect(r, sa(lo(0)), sin_len) == 0);
    auto n = sockname(s, r);
    CHECK(n.addr == loopback);
    CHECK(n.port == 253);
    CHECK(s.send(r, "a", 1, 0) == 1);
    CHECK(poll_mask(s, r) == (pollin | pollout));
    unsigned char b[100];
    CHECK(s.recv(r, b, sizeof b, 0) == 21);
    sockaddr un{};
    un.sa_family = af_unspec;
    CHECK(s.connect(r, &un, sizeof un) == 0);
    n = sockname(s, r);
    CHECK(n.addr == 0);
    CHECK(n.port == 0);
    CHECK(s.sendto(r, "a", 1, 0, sa(lo(0)), sin_len) == 1);
    CHECK(s.recv(r, b, sizeof b, 0) == -eagain);
    CHECK(s.bind(r, sa(lo(0)), sin_len) == 0);
    CHECK(s.connect(r, sa(lo(0)), sin_len) == 0);
    CHECK(s.bind(r, sa(lo(0)), sin_len) == -einval); // no longer TCP_CLOSE
    s.close(r);
    CHECK(s.empty());
}

TEST_CASE("raw ICMP_FILTER drops the filtered types only") {
    auto sp = ping_stack();
    S& s = *sp;
    const int p = ping_socket(s), ri = raw_socket(s, ipproto_icmp);
    const std::uint32_t filter = 1u << 0; // drop echo replies
    CHECK(s.setsockopt(ri, sol_raw, 1, &filter, sizeof filter) == 0);
    const unsigned char req[8] = {8, 0, 0, 0, 0, 0, 0, 1};
    CHECK(s.sendto(p, req, sizeof req, 0, sa(lo(0)), sin_len) == 8);
    unsigned char b[100];
    CHECK(s.recv(ri, b, sizeof b, 0) == 28);
    CHECK(b[20] == 8);
    CHECK(s.recv(ri, b, sizeof b, 0) == -eagain);
    CHECK(s.recv(p, b, sizeof b, 0) == 8);
    s.close(p);
    s.close(ri);
    CHECK(s.empty());
}

TEST_CASE("ping and raw: a failed allocation at each point loses one copy, leaks nothing") {
    struct fault_config : config {
        using fault = fail_nth;
    };
    using F = stack<fault_config>;
    // Allocation points of one ping: the request (1), the raw copy of it
    // (2), the reply (3), the raw copy of it (4), the ping socket's copy (5).
    for (unsigned long nth = 1; nth <= 5; ++nth) {
        INFO("failing allocation " << nth);
        auto sp = std::make_unique<F>();
        F& s = *sp;
        ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 0;
        ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 0;
        const int p = s.socket(af_inet, sock_dgram | sock_nonblock, ipproto_icmp);
        const int ri = s.socket(af_inet, sock_raw | sock_nonblock, ipproto_icmp);
        REQUIRE(p >= 0);
        REQUIRE(ri >= 0);
        const unsigned char req[8] = {8, 0, 0, 0, 0, 0, 0, 1};
        s.fault().reset(nth);
        const long sent = s.sendto(p, req, sizeof req, 0, sa(lo(0)), sin_len);
        s.fault().reset(0);
        CHECK(sent == (nth == 1 ? -enobufs : 8));
        unsigned char b[100];
        int raw_got = 0;
        while (s.recv(ri, b, sizeof b, 0) > 0)
            ++raw_got;
        const long got = s.recv(p, b, sizeof b, 0);
        const int raw_expected[] = {0, 1, 1, 1, 2};
        CHECK(raw_got == raw_expected[nth - 1]);
        CHECK(got == (nth == 1 || nth == 3 || nth == 5 ? -eagain : 8));
        CHECK(s.check_invariants().ok);
        s.close(p);
        s.close(ri);
        CHECK(s.empty());
    }
}
