// test/inet/tcp/wire_tcp_ecn.cpp: ECN (RFC 3168) between two stacks on the
// virtual link: the negotiation under each side's net.ipv4.tcp_ecn, ECT(0)
// on new data only, and a CE mark the test puts on frames in flight (as a
// router's queue would) answered with ECE until the sender's CWR, the
// sender's window coming down once.
#include <cstddef>
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"
#include "support/wire_tcp.hpp"

using namespace ksock_test;
namespace in = ksock::inet;

namespace {

//! What the frames of each side carried: segments by kind and mark.
struct ecn_log {
    unsigned syn_flags[2] = {};     //!< the ECE|CWR bits of each side's first SYN
    unsigned data[2] = {};          //!< new data segments
    unsigned data_ect0[2] = {};     //!< of them ECT(0)
    unsigned rexmit[2] = {};        //!< data sent again (a tail loss probe, say)
    unsigned rexmit_marked[2] = {}; //!< of them marked
    std::uint32_t next_seq[2] = {}; //!< the end of each side's data so far
    unsigned acks_marked[2] = {};   //!< segments without data that carried any mark
    unsigned other_marks[2] = {};   //!< ECT(1) or CE set by the sender
    unsigned ece[2] = {};           //!< non-SYN segments with ECE
    unsigned cwr[2] = {};           //!< segments with CWR (SYNs aside)
    bool syn_seen[2] = {};

    static void record(void* user, int from, const unsigned char* f, std::size_t n) {
        auto& l = *static_cast<ecn_log*>(user);
        if (n < 54 || f[12] != 0x08 || f[13] != 0 || f[14 + 9] != 6)
            return;
        const std::size_t ihl = (f[14] & 0x0fu) * 4u;
        const unsigned char* th = f + 14 + ihl;
        const std::size_t tot = static_cast<std::size_t>(f[16] << 8 | f[17]);
        const std::size_t dlen = tot - ihl - static_cast<std::size_t>(th[12] >> 4) * 4u;
        const unsigned ecn = f[15] & 3u, flags = th[13];
        if (flags & in::tcphdr_syn) {
            if (!l.syn_seen[from] && !(flags & in::tcphdr_ack))
                l.syn_flags[from] = flags & (in::tcphdr_ece | in::tcphdr_cwr);
            if (!(flags & in::tcphdr_ack))
                l.syn_seen[from] = true;
            l.acks_marked[from] += ecn != 0;
            return;
        }
        const std::uint32_t seq = std::uint32_t{th[4]} << 24 | std::uint32_t{th[5]} << 16 |
                                  std::uint32_t{th[6]} << 8 | th[7];
        if (dlen && l.next_seq[from] && static_cast<std::int32_t>(seq - l.next_seq[from]) < 0) {
            ++l.rexmit[from];
            l.rexmit_marked[from] += ecn != 0;
        } else if (dlen) {
            ++l.data[from];
            l.data_ect0[from] += ecn == 2;
            l.next_seq[from] = seq + static_cast<std::uint32_t>(dlen);
        } else {
            l.acks_marked[from] += ecn != 0;
        }
        l.other_marks[from] += ecn == 1 || ecn == 3;
        l.ece[from] += (flags & in::tcphdr_ece) != 0;
        l.cwr[from] += (flags & in::tcphdr_cwr) != 0;
    }
};

//! A router's mark: every TCP frame in flight to side \p to gets ECN
//! codepoint \p ecn (if \p only_ect, only those sent ECN-capable), its
//! header checksum made right again. Returns how many were marked.
unsigned mark_in_flight(wire_pair& p, int to, unsigned ecn, bool only_ect) {
    unsigned marked = 0;
    for (vwire::frame& x : p.w.f) {
        unsigned char* f = x.data;
        if (!x.used || x.to != to || x.len < 54 || f[12] != 0x08 || f[13] != 0 || f[14 + 9] != 6)
            continue;
        if (only_ect && (f[15] & 3u) == 0)
            continue;
        marked += ip_set_ecn(f, x.len, ecn);
    }
    return marked;
}

//! The two ends of a connection a -> b:port and b's listener.
struct ends {
    int c = -1;
    int s = -1;
    int l = -1;
};

//! A fresh pair whose stacks have tcp_ecn \p ecn_a and \p ecn_b, the log
//! tapped, and a connection from a to b (the handshake run; if
//! \p mark_syn, the SYN arrives ECT(0)-marked).
ends ecn_pair(wire_pair& p, ecn_log& log, int ecn_a, int ecn_b, bool mark_syn = false) {
    in::ipv4_net(p.a).sysctl.tcp_ecn = ecn_a;
    in::ipv4_net(p.b).sysctl.tcp_ecn = ecn_b;
    p.w.tap = &ecn_log::record;
    p.w.tap_user = &log;
    ends e;
    e.l = p.b.socket(ksock::af_inet, ksock::sock_stream, 0);
    const auto b_addr = sin_of(addr_b, 7100);
    REQUIRE(p.b.bind(e.l, sa(b_addr), sizeof b_addr) == 0);
    REQUIRE(p.b.listen(e.l, 4) == 0);
    e.c = p.a.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    REQUIRE(p.a.connect(e.c, sa(b_addr), sizeof b_addr) == -ksock::einprogress);
    if (mark_syn)
        CHECK(mark_in_flight(p, 1, 2, false) == 1);
    p.run(10);
    e.s = p.b.accept(e.l, nullptr, nullptr);
    REQUIRE(e.s >= 0);
    return e;
}

//! Close the three sockets of \p e.
void close_ends(wire_pair& p, const ends& e) {
    CHECK(p.a.close(e.c) == 0);
    CHECK(p.b.close(e.s) == 0);
    CHECK(p.b.close(e.l) == 0);
}

//! Send \p n bytes from a's socket \p fd (one write; the link's MSS is
//! 512, so up to that one segment).
void send_a(wire_pair& p, int fd, std::size_t n) {
    static unsigned char buf[1400];
    REQUIRE(n <= sizeof buf);
    REQUIRE(p.a.send(fd, buf, n, ksock::msg_dontwait) == static_cast<long>(n));
}

//! Read what b's socket \p fd holds; the byte count.
long drain_b(wire_pair& p, int fd) {
    static unsigned char buf[8192];
    long total = 0;
    for (long r; (r = p.b.recv(fd, buf, sizeof buf, ksock::msg_dontwait)) > 0;)
        total += r;
    return total;
}

} // namespace

TEST_CASE("wire TCP ECN: negotiated only when the client asks (tcp_ecn 1) and the server "
          "accepts (1 or 2)") {
    struct row {
        int a, b;
        bool asks, agreed;
    };
    const row rows[] = {{1, 2, true, true},  {1, 1, true, true},   {2, 2, false, false},
                        {1, 0, true, false}, {0, 1, false, false}, {2, 1, false, false}};
    for (const row& r : rows) {
        CAPTURE(r.a);
        CAPTURE(r.b);
        wire_pair& p = wire_pair::fresh();
        ecn_log log;
        const ends e = ecn_pair(p, log, r.a, r.b);
        CHECK(log.syn_flags[0] == (r.asks ? (in::tcphdr_ece | in::tcphdr_cwr) : 0u));
        const auto ia = info_of(p.a, e.c), ib = info_of(p.b, e.s);
        CHECK(((ia.tcpi_options & ksock::tcpi_opt_ecn) != 0) == r.agreed);
        CHECK(((ib.tcpi_options & ksock::tcpi_opt_ecn) != 0) == r.agreed);
        // New data is ECT(0) exactly on an ECN connection; an ACK never is.
        send_a(p, e.c, 400);
        p.run(5);
        CHECK(drain_b(p, e.s) == 400);
        p.run(300);
        CHECK(log.data[0] == 1);
        CHECK(log.data_ect0[0] == (r.agreed ? 1u : 0u));
        CHECK(log.rexmit_marked[0] == 0);
        CHECK(log.acks_marked[0] == 0);
        CHECK(log.acks_marked[1] == 0);
        CHECK(log.other_marks[0] + log.other_marks[1] == 0);
        CHECK(log.ece[1] == 0);
        CHECK(log.cwr[0] == 0);
        close_ends(p, e);
    }
}

TEST_CASE("wire TCP ECN: a SYN that arrives ECT-marked is refused ECN") {
    wire_pair& p = wire_pair::fresh();
    ecn_log log;
    const ends e = ecn_pair(p, log, 1, 2, true);
    CHECK(log.syn_flags[0] == (in::tcphdr_ece | in::tcphdr_cwr));
    CHECK((info_of(p.a, e.c).tcpi_options & ksock::tcpi_opt_ecn) == 0);
    CHECK((info_of(p.b, e.s).tcpi_options & ksock::tcpi_opt_ecn) == 0);
    close_ends(p, e);
}

TEST_CASE("wire TCP ECN: a CE mark is echoed with ECE until the sender's CWR, and the sender's "
          "window comes down once") {
    wire_pair& p = wire_pair::fresh();
    ecn_log log;
    const ends e = ecn_pair(p, log, 1, 2);
    const auto before = info_of(p.a, e.c);
    REQUIRE(before.tcpi_snd_cwnd == 10);
    // The first segment is marked CE on its way: b echoes ECE, a reduces
    // its window (CUBIC: ssthresh 10 * 717 / 1024 = 7) and stays in CWR
    // until data sent after the mark is acknowledged.
    send_a(p, e.c, 400);
    CHECK(mark_in_flight(p, 1, 3, true) == 1);
    p.run(5);
    CHECK(drain_b(p, e.s) == 400);
    const auto ib = info_of(p.b, e.s);
    CHECK((ib.tcpi_options & ksock::tcpi_opt_ecn_seen) != 0);
    CHECK(log.ece[1] >= 1);
    auto ia = info_of(p.a, e.c);
    CHECK(int{ia.tcpi_ca_state} == 2); // TCP_CA_CWR
    CHECK(ia.tcpi_snd_ssthresh == 7);
    CHECK(ia.tcpi_delivered_ce == 1);
    CHECK(log.cwr[0] == 0);
    // The next new segment carries CWR, once; b's ACK of it has no ECE.
    const unsigned ece_before = log.ece[1];
    send_a(p, e.c, 400);
    p.run(5);
    CHECK(log.cwr[0] == 1);
    CHECK(drain_b(p, e.s) == 400);
    CHECK(log.ece[1] == ece_before);
    ia = info_of(p.a, e.c);
    CHECK(int{ia.tcpi_ca_state} == 0); // acknowledged past the mark: Open
    CHECK(ia.tcpi_snd_cwnd == 7);
    send_a(p, e.c, 400);
    p.run(5);
    CHECK(drain_b(p, e.s) == 400);
    CHECK(log.cwr[0] == 1);
    CHECK(log.ece[1] == ece_before);
    CHECK(log.data[0] == 3);
    CHECK(log.data_ect0[0] == 3);
    CHECK(log.rexmit_marked[0] == 0);
    CHECK(log.acks_marked[1] == 0);
    CHECK(info_of(p.a, e.c).tcpi_delivered_ce == 1);
    close_ends(p, e);
}

TEST_CASE("wire TCP ECN: CE on a connection without ECN is not echoed") {
    wire_pair& p = wire_pair::fresh();
    ecn_log log;
    const ends e = ecn_pair(p, log, 2, 2);
    send_a(p, e.c, 400);
    CHECK(mark_in_flight(p, 1, 3, false) == 1); // a router that marks anything
    p.run(5);
    CHECK(drain_b(p, e.s) == 400);
    CHECK(log.ece[1] == 0);
    const auto ia = info_of(p.a, e.c);
    CHECK(int{ia.tcpi_ca_state} == 0);
    CHECK(ia.tcpi_snd_cwnd == 10);
    // 6.18 still reports the mark seen (tcp_ecn_received_counters).
    CHECK((info_of(p.b, e.s).tcpi_options & ksock::tcpi_opt_ecn_seen) != 0);
    close_ends(p, e);
}
