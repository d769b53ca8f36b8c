// test/differential/packet/ksock_backend_test.cpp: the ksock backend's
// plumbing without TCP (ctest differential.packet.ksock_backend): UDP and
// ICMP through the test device, blocking calls that return as virtual time
// passes or a packet comes, a timer's packet at its exact jiffy, and the
// sysctl names mapped onto ksock's namespace.
#include <cstring>
#include <poll.h>

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/runtime/net.hpp>

#include "backend.hpp"
#include "ksock_sysctl.hpp"
#include "wire.hpp"

using namespace ksock_packet;

namespace {

//! An IPv4 packet from the script's peer to the host: \p proto, \p payload
//! after a 20-byte header with DF, the given id and fragment field.
std::vector<std::uint8_t> ipv4_packet(std::uint8_t proto, const std::vector<std::uint8_t>& l4,
                                      std::uint16_t frag = 0x4000, std::uint16_t id = 1) {
    std::vector<std::uint8_t> p(20 + l4.size());
    p[0] = 0x45;
    const auto len = static_cast<std::uint16_t>(p.size());
    p[2] = static_cast<std::uint8_t>(len >> 8);
    p[3] = static_cast<std::uint8_t>(len);
    p[4] = static_cast<std::uint8_t>(id >> 8);
    p[5] = static_cast<std::uint8_t>(id);
    p[6] = static_cast<std::uint8_t>(frag >> 8);
    p[7] = static_cast<std::uint8_t>(frag);
    p[8] = 64;
    p[9] = proto;
    const std::uint32_t s = htonl(remote_ip), d = htonl(local_ip);
    std::memcpy(&p[12], &s, 4);
    std::memcpy(&p[16], &d, 4);
    const std::uint16_t c = htons(inet_checksum(p.data(), 20));
    std::memcpy(&p[10], &c, 2);
    std::memcpy(&p[20], l4.data(), l4.size());
    return p;
}

//! A UDP datagram remote_port -> local_port with its checksum.
std::vector<std::uint8_t> udp_packet(const std::string& data) {
    std::vector<std::uint8_t> u(8 + data.size());
    const std::uint16_t ports[2] = {htons(remote_port), htons(local_port)};
    std::memcpy(u.data(), ports, 4);
    u[4] = static_cast<std::uint8_t>(u.size() >> 8);
    u[5] = static_cast<std::uint8_t>(u.size());
    std::memcpy(&u[8], data.data(), data.size());
    // The pseudo-header's sum: addresses, protocol, length.
    const std::uint32_t sum = (remote_ip >> 16) + (remote_ip & 0xffff) + (local_ip >> 16) +
                              (local_ip & 0xffff) + IPPROTO_UDP +
                              static_cast<std::uint32_t>(u.size());
    const std::uint16_t c = htons(inet_checksum(u.data(), u.size(), sum));
    std::memcpy(&u[6], &c, 2);
    return ipv4_packet(IPPROTO_UDP, u);
}

struct harness {
    std::unique_ptr<backend> b;
    harness() {
        std::string why;
        b = make_ksock_backend(why);
        REQUIRE(b);
        REQUIRE(b->open({}) == "");
        b->start();
    }
    //! A call that must return at once.
    sys_result now(const sys_call& c) {
        const int id = b->start_call(c);
        auto r = b->finished(id);
        REQUIRE(r);
        return *r;
    }
    int udp_socket() {
        sys_call c;
        c.o = sys_call::op::socket;
        c.a = AF_INET;
        c.b = SOCK_DGRAM;
        const sys_result r = now(c);
        REQUIRE(r.ret == 3); // 0-2 are taken, as a process's stdio are
        sys_call bc;
        bc.o = sys_call::op::bind;
        bc.fd = 3;
        bc.addr.sin_family = AF_INET;
        bc.addr.sin_port = htons(local_port);
        bc.addr.sin_addr.s_addr = htonl(local_ip);
        REQUIRE(now(bc).ret == 0);
        return 3;
    }
    sys_call recv_call(int fd) {
        sys_call c;
        c.o = sys_call::op::recv;
        c.fd = fd;
        c.len = 100;
        return c;
    }
};

} // namespace

TEST_CASE("ksock backend: a UDP datagram in, an echo out, through the test device") {
    harness h;
    const int fd = h.udp_socket();
    h.b->run_until(100000);
    CHECK(h.b->now() == 100000);
    h.b->inject(udp_packet("hello"));
    const sys_result r = h.now(h.recv_call(fd));
    CHECK(r.ret == 5);
    CHECK(std::string(r.data.begin(), r.data.end()) == "hello");
    CHECK(r.t == 100000);

    sys_call c;
    c.o = sys_call::op::connect;
    c.fd = fd;
    c.addr.sin_family = AF_INET;
    c.addr.sin_port = htons(remote_port);
    c.addr.sin_addr.s_addr = htonl(remote_ip);
    CHECK(h.now(c).ret == 0);
    const std::uint64_t before = h.b->epoch();
    c = {};
    c.o = sys_call::op::write;
    c.fd = fd;
    c.data = {'w', 'o', 'r', 'l', 'd', '!'};
    c.len = 6;
    CHECK(h.now(c).ret == 6);
    auto p = h.b->pop_outbound();
    REQUIRE(p);
    CHECK(p->t == 100000);
    CHECK(p->epoch == before + 1); // sent by the write, not before it
    // A bare IPv4 packet (no link header): 192.0.2.1:8080 -> 192.0.2.2:40000,
    // TTL 64, DF (IP_PMTUDISC_WANT), checksums right, the 6 bytes.
    const std::vector<std::uint8_t>& b = p->bytes;
    REQUIRE(b.size() == 20 + 8 + 6);
    CHECK(b[0] == 0x45);
    CHECK(b[6] == 0x40);
    CHECK(b[8] == 64);
    CHECK(b[9] == IPPROTO_UDP);
    CHECK(inet_checksum(b.data(), 20) == 0);
    CHECK(ntohl(*reinterpret_cast<const std::uint32_t*>(&b[12])) == local_ip);
    CHECK(ntohl(*reinterpret_cast<const std::uint32_t*>(&b[16])) == remote_ip);
    CHECK(((b[20] << 8) | b[21]) == local_port);
    CHECK(((b[22] << 8) | b[23]) == remote_port);
    CHECK(std::memcmp(&b[28], "world!", 6) == 0);
    CHECK_FALSE(h.b->pop_outbound());
}

TEST_CASE("ksock backend: ICMP echo is answered when the request comes in") {
    harness h;
    h.b->run_until(2500);
    const std::vector<std::uint8_t> echo = {8, 0, 0, 0, 0x12, 0x34, 0, 1, 'p', 'i', 'n', 'g'};
    std::vector<std::uint8_t> e = echo;
    const std::uint16_t c = htons(inet_checksum(e.data(), e.size()));
    std::memcpy(&e[2], &c, 2);
    h.b->inject(ipv4_packet(IPPROTO_ICMP, e));
    auto p = h.b->pop_outbound();
    REQUIRE(p);
    CHECK(p->t == 2500);
    CHECK(p->epoch == h.b->epoch());
    REQUIRE(p->bytes.size() == 20 + e.size());
    CHECK(p->bytes[9] == IPPROTO_ICMP);
    CHECK(p->bytes[20] == 0); // echo reply
    CHECK(std::memcmp(&p->bytes[24], &e[4], e.size() - 4) == 0);
}

TEST_CASE("ksock backend: a blocking recv returns when the datagram comes") {
    harness h;
    const int fd = h.udp_socket();
    const int id = h.b->start_call(h.recv_call(fd));
    CHECK_FALSE(h.b->finished(id));
    h.b->run_until(300000);
    CHECK(h.b->now() == 300000);
    CHECK_FALSE(h.b->finished(id));
    h.b->inject(udp_packet("late"));
    auto r = h.b->finished(id);
    REQUIRE(r);
    CHECK(r->ret == 4);
    CHECK(r->t == 300000);
}

TEST_CASE("ksock backend: MSG_WAITALL waits on a stream only; a datagram comes whole") {
    harness h;
    const int fd = h.udp_socket();
    sys_call c = h.recv_call(fd);
    c.a = MSG_WAITALL;
    const int id = h.b->start_call(c);
    CHECK_FALSE(h.b->finished(id));
    h.b->run_until(20000);
    h.b->inject(udp_packet("abc"));
    auto r = h.b->finished(id); // udp_recvmsg ignores MSG_WAITALL
    REQUIRE(r);
    CHECK(r->ret == 3);
    CHECK(r->t == 20000);
}

TEST_CASE("ksock backend: a call wakes a blocked one (shutdown ends a recv)") {
    harness h;
    const int fd = h.udp_socket();
    sys_call c;
    c.o = sys_call::op::connect;
    c.fd = fd;
    c.addr.sin_family = AF_INET;
    c.addr.sin_port = htons(remote_port);
    c.addr.sin_addr.s_addr = htonl(remote_ip);
    REQUIRE(h.now(c).ret == 0);
    const int id = h.b->start_call(h.recv_call(fd));
    h.b->run_until(50000);
    CHECK_FALSE(h.b->finished(id));
    c = {};
    c.o = sys_call::op::shutdown;
    c.fd = fd;
    c.a = SHUT_RD;
    CHECK(h.now(c).ret == 0);
    auto r = h.b->finished(id); // Linux: the sleeper wakes and reads 0
    REQUIRE(r);
    CHECK(r->ret == 0);
    CHECK(r->t == 50000);
}

TEST_CASE("ksock backend: timeouts run out in virtual time (poll, SO_RCVTIMEO)") {
    harness h;
    const int fd = h.udp_socket();
    sys_call pc;
    pc.o = sys_call::op::poll;
    pc.fds = {pollfd{fd, POLLIN, 0}};
    pc.a = 250;
    int id = h.b->start_call(pc);
    CHECK_FALSE(h.b->finished(id));
    h.b->run_until(1000000); // stops when the poll returns
    auto r = h.b->finished(id);
    REQUIRE(r);
    CHECK(r->ret == 0);
    CHECK(r->t == 250000);
    CHECK(h.b->now() == 250000);

    sys_call so;
    so.o = sys_call::op::setsockopt;
    so.fd = fd;
    so.a = SOL_SOCKET;
    so.b = SO_RCVTIMEO;
    const timeval tv{0, 200000};
    so.data.resize(sizeof tv);
    std::memcpy(so.data.data(), &tv, sizeof tv);
    so.len = sizeof tv;
    CHECK(h.now(so).ret == 0);
    id = h.b->start_call(h.recv_call(fd));
    h.b->run_until(1000000);
    r = h.b->finished(id);
    REQUIRE(r);
    CHECK(r->ret == -1);
    CHECK(r->err == EAGAIN);
    CHECK(r->t == 450000);
}

TEST_CASE("ksock backend: a timer's packet leaves at its jiffy, and run_until stops there") {
    harness h;
    // The first fragment of a datagram whose rest never comes: after
    // ipfrag_time (30 s) the host sends ICMP time exceeded, reassembly timeout.
    std::vector<std::uint8_t> part(16, 'x');
    part[0] = static_cast<std::uint8_t>(remote_port >> 8);
    part[1] = static_cast<std::uint8_t>(remote_port & 0xff);
    h.b->run_until(1000);
    h.b->inject(ipv4_packet(IPPROTO_UDP, part, 0x2000 /* MF, offset 0 */, 77));
    CHECK_FALSE(h.b->pop_outbound());
    h.b->run_until(60000000);
    CHECK(h.b->now() == 30001000);
    auto p = h.b->pop_outbound();
    REQUIRE(p);
    CHECK(p->t == 30001000);
    REQUIRE(p->bytes.size() >= 28);
    CHECK(p->bytes[9] == IPPROTO_ICMP);
    CHECK(p->bytes[20] == 11); // time exceeded
    CHECK(p->bytes[21] == 1);  // fragment reassembly time exceeded
    h.b->run_until(60000000);
    CHECK(h.b->now() == 60000000);
    CHECK_FALSE(h.b->pop_outbound());
}

TEST_CASE("ksock backend: sysctls are ksock's fields of the same name, or unrunnable") {
    ksock::inet::ipv4_sysctl v4;
    using ksock_packet::ksock_sysctl::set_ipv4;
    CHECK(set_ipv4(v4, "net.ipv4.tcp_rmem", "tcp_rmem", "4096 8192 16384") == "");
    CHECK(v4.tcp_rmem[0] == 4096);
    CHECK(v4.tcp_rmem[1] == 8192);
    CHECK(v4.tcp_rmem[2] == 16384);
    CHECK(set_ipv4(v4, "net.ipv4.tcp_timestamps", "tcp_timestamps", "0") == "");
    CHECK(v4.tcp_timestamps == 0);
    CHECK(set_ipv4(v4, "net.ipv4.tcp_syn_retries", "tcp_syn_retries", " 2 ") == "");
    CHECK(v4.tcp_syn_retries == 2);
    CHECK(set_ipv4(v4, "net.ipv4.tcp_rmem", "tcp_rmem", "1 2") != "");
    CHECK(set_ipv4(v4, "net.ipv4.tcp_fin_timeout", "tcp_fin_timeout", "x") != "");
    CHECK(set_ipv4(v4, "net.ipv4.tcp_notsent_lowat", "tcp_notsent_lowat", "-1") != "");
    const std::string why = set_ipv4(v4, "net.ipv4.no_such_knob", "no_such_knob", "1");
    CHECK(why.find("net.ipv4.no_such_knob") != std::string::npos);
    // A knob ksock lacks: its default is what ksock does, anything else not.
    using ksock_packet::ksock_sysctl::absent;
    CHECK(absent("net.ipv4.tcp_x", "1", "1") == "");
    CHECK(absent("net.ipv4.tcp_x", "4096  16384 4194304", "4096 16384 4194304") == "");
    CHECK(absent("net.ipv4.tcp_x", "0", "1").find("net.ipv4.tcp_x") != std::string::npos);
    CHECK(absent("net.ipv4.tcp_x", "1", nullptr) != "");

    ksock::net_core_sysctl core;
    using ksock_packet::ksock_sysctl::set_core;
    CHECK(set_core(core, "net.core.somaxconn", "somaxconn", "128") == "");
    CHECK(core.somaxconn == 128);
    CHECK(set_core(core, "net.core.default_qdisc", "default_qdisc", "fq") != "");

    // Through the backend: a name ksock lacks keeps the script from running,
    // with the name in the reason; a known one does not.
    std::string w;
    auto b = make_ksock_backend(w);
    CHECK(b->open({{"net.core.bpf_jit_enable", "1"}}).find("net.core.bpf_jit_enable") !=
          std::string::npos);
    b = make_ksock_backend(w);
    CHECK(b->open({{"net.ipv4.tcp_congestion_control", "reno"},
                   {"net.ipv4.tcp_window_scaling", "1"}}) == "");
    b = make_ksock_backend(w);
    CHECK(b->open({{"net.ipv4.tcp_congestion_control", "vegas"}}) != "");
}
