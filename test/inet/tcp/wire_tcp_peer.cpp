// test/inet/tcp/wire_tcp_peer.cpp: TCP against a scripted peer: the test
// writes the peer's segments by hand onto the virtual link and reads what
// the stack answers (the other stack of the pair sees nothing of it). The
// cases are the ones test/fuzz/fuzz_tcp.cpp found wrong.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/inet/tcp/tcp.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

#include "support/wire_fixture.hpp"
#include "support/wire_frames.hpp"
#include "support/wire_peer.hpp"

using namespace ksock_test;

namespace {

//! Run stack b's clock (not the link's: the peer is the script) until no
//! timer is armed, at most \p bound_ms.
template <class S>
long run_out(S& s, unsigned long bound_ms) {
    unsigned long t = 0;
    for (long next = s.next_timer(); next >= 0 && t < bound_ms; next = s.next_timer()) {
        const unsigned long step = next ? static_cast<unsigned long>(next) : 1;
        s.advance(step);
        t += step;
    }
    return s.next_timer();
}

//! A connection accepted by stack b on \p port from the peer's 40000, the
//! peer's window \p win (no options: no scaling): the accepted fd, b's ISN
//! in \p isn, the listener in \p l.
int accept_from_peer(wire_pair& p, script& peer, std::uint16_t port, unsigned win,
                     std::uint32_t& isn, int& l) {
    l = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto b_addr = sin_of(addr_b, port);
    REQUIRE(p.b.bind(l, sa(b_addr), sizeof b_addr) == 0);
    REQUIRE(p.b.listen(l, 4) == 0);
    peer.send(40000, port, 1000, 0, ksock::inet::tcphdr_syn, win);
    p.run(2);
    REQUIRE(peer.n == 1);
    REQUIRE(peer.last().flags == (ksock::inet::tcphdr_syn | ksock::inet::tcphdr_ack));
    isn = peer.last().seq;
    peer.send(40000, port, 1001, isn + 1, ksock::inet::tcphdr_ack, win);
    p.run(2);
    const int fd = p.b.accept(l, nullptr, nullptr);
    REQUIRE(fd >= 0);
    return fd;
}

//! What \p s's socket \p fd has to read now, into \p buf (at most \p cap
//! bytes): the count read.
template <class S>
long read_all(S& s, int fd, unsigned char* buf, std::size_t cap) {
    long got = 0;
    for (;;) {
        const long r =
            s.recv(fd, buf + got, cap - static_cast<std::size_t>(got), ksock::msg_dontwait);
        if (r <= 0)
            return got;
        got += r;
    }
}

} // namespace

TEST_CASE("scripted peer: a segment the skb pool could not send is sent again") {
    // Found by fuzz_tcp: tcp_write_xmit stopped at ENOBUFS (no skb for the
    // packet) with nothing in flight and no timer armed, so the data never
    // left. Linux's tcp_write_xmit then returns "nothing in flight, the
    // queue not empty" and the probe timer tries again.
    wire_pair& p = wire_pair::fresh();
    script peer(p);
    std::uint32_t isn = 0;
    int l = -1;
    const int fd = accept_from_peer(p, peer, 7101, 65535, isn, l);
    static const char data[100] = {};
    p.b.fault().reset(2); // the write queue's skb, then the packet's
    REQUIRE(p.b.send(fd, data, sizeof data, ksock::msg_dontwait) == 100);
    CHECK(p.b.fault().failed);
    p.b.fault().reset(0);
    p.run(2);
    CHECK(peer.n == 1); // nothing left
    p.run(2000);
    REQUIRE(peer.n > 1);
    CHECK(peer.last().seq == isn + 1);
    CHECK(peer.last().len == 100);
    CHECK(p.b.close(fd) == 0);
    CHECK(p.b.close(l) == 0);
}

TEST_CASE("scripted peer: data held back by a window smaller than a segment is probed, and an "
          "orphan so stuck dies") {
    // Found by fuzz_tcp: the peer's window (1 byte) is open but smaller than
    // the 100 bytes queued, nothing is in flight. Linux arms the probe timer
    // (tcp_check_probe_timer from __tcp_push_pending_frames): with no timer
    // the connection stalled for ever, and once closed its orphan kept its
    // skbs with no timer to end it.
    wire_pair& p = wire_pair::fresh();
    script peer(p);
    const int l = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto b_addr = sin_of(addr_b, 7100);
    REQUIRE(p.b.bind(l, sa(b_addr), sizeof b_addr) == 0);
    REQUIRE(p.b.listen(l, 4) == 0);
    peer.send(40000, 7100, 1000, 0, ksock::inet::tcphdr_syn, 1);
    p.run(2);
    REQUIRE(peer.n == 1);
    REQUIRE(peer.last().flags == (ksock::inet::tcphdr_syn | ksock::inet::tcphdr_ack));
    const std::uint32_t isn = peer.last().seq;
    peer.send(40000, 7100, 1001, isn + 1, ksock::inet::tcphdr_ack, 1);
    p.run(2);
    const int fd = p.b.accept(l, nullptr, nullptr);
    REQUIRE(fd >= 0);
    static const char data[100] = {};
    REQUIRE(p.b.send(fd, data, sizeof data, ksock::msg_dontwait) == 100);
    p.run(2);
    CHECK(peer.n == 1); // the window holds none of it
    CHECK(p.b.next_timer() >= 0);
    const std::size_t before = peer.n;
    p.run(2000);
    REQUIRE(peer.n > before); // a probe went (the RTO is 200 ms: the handshake's RTT is ~0)
    CHECK(peer.log[before].ack == 1001);
    // The window opens: all the data goes (the peer ACKs what it gets).
    std::uint32_t got = isn + 1;
    for (int round = 0; round < 10; ++round) {
        peer.send(40000, 7100, 1001, got, ksock::inet::tcphdr_ack, 65535);
        p.run(50);
        for (std::size_t i = 0; i < peer.n; ++i)
            if (peer.log[i].len && peer.log[i].seq + peer.log[i].len - got < 0x80000000u)
                got = peer.log[i].seq + static_cast<std::uint32_t>(peer.log[i].len);
    }
    CHECK(got == isn + 101);
    // The window 1 byte again, 100 bytes more held back, then closed, the
    // peer silent: the orphan probes, gives up, and nothing is left of it.
    peer.send(40000, 7100, 1001, got, ksock::inet::tcphdr_ack, 1);
    p.run(2);
    REQUIRE(p.b.send(fd, data, sizeof data, ksock::msg_dontwait) == 100);
    CHECK(p.b.close(fd) == 0);
    CHECK(p.b.close(l) == 0);
    CHECK(run_out(p.b, 3600ul * 1000) == -1);
    CHECK(p.b.objects_in_use<ksock::inet::tcp_prot>() == 0);
    CHECK(p.b.skbs_in_use() == 0);
}

TEST_CASE("wire TCP: connect from a bound port whose 4-tuple is taken fails with EADDRNOTAVAIL, "
          "whichever socket came first") {
    // Found by fuzz_tcp: the check for a 4-tuple in use (__inet_check_established)
    // ran after the connecting socket itself had entered SYN_SENT, and took
    // the first socket of the tuple it met: the connecting one, when its
    // slot comes first, so a second connection on the same 4-tuple
    // started. Linux: EADDRNOTAVAIL (observed on the 6.18 host, two
    // SO_REUSEADDR sockets bound to one port connecting to one listener).
    wire_pair& p = wire_pair::fresh();
    const int l = p.a.socket(ksock::af_inet, ksock::sock_stream, 0);
    const auto a_addr = sin_of(addr_a, 7200);
    REQUIRE(p.a.bind(l, sa(a_addr), sizeof a_addr) == 0);
    REQUIRE(p.a.listen(l, 4) == 0);
    const int on = 1;
    const auto b_addr = sin_of(0, 4000);
    const int first_slot = p.b.socket(ksock::af_inet, ksock::sock_stream, 0); // taken, then freed
    const int c1 = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    REQUIRE(p.b.setsockopt(c1, ksock::sol_socket, ksock::so_reuseaddr, &on, sizeof on) == 0);
    REQUIRE(p.b.bind(c1, sa(b_addr), sizeof b_addr) == 0);
    REQUIRE(p.b.connect(c1, sa(a_addr), sizeof a_addr) == -ksock::einprogress);
    p.run(10);
    REQUIRE(p.b.close(first_slot) == 0);
    const int c2 = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    REQUIRE(p.b.setsockopt(c2, ksock::sol_socket, ksock::so_reuseaddr, &on, sizeof on) == 0);
    REQUIRE(p.b.bind(c2, sa(b_addr), sizeof b_addr) == 0);
    CHECK(p.b.connect(c2, sa(a_addr), sizeof a_addr) == -ksock::eaddrnotavail);
    // The other order: the connecting socket's slot after the connection's.
    const int c3 = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    REQUIRE(p.b.setsockopt(c3, ksock::sol_socket, ksock::so_reuseaddr, &on, sizeof on) == 0);
    REQUIRE(p.b.bind(c3, sa(b_addr), sizeof b_addr) == 0);
    CHECK(p.b.connect(c3, sa(a_addr), sizeof a_addr) == -ksock::eaddrnotavail);
    CHECK(p.b.close(c3) == 0);
    CHECK(p.b.close(c2) == 0);
    CHECK(p.b.close(c1) == 0);
    CHECK(p.a.close(l) == 0);
}

TEST_CASE("scripted peer: a listener drops a SYN that carries a FIN") {
    // Found by fuzz_tcp: a SYN+FIN made a child and got a SYN-ACK. Linux's
    // tcp_rcv_state_process drops it in LISTEN (SKB_DROP_REASON_TCP_FLAGS):
    // no answer, no child; a plain SYN then opens the connection.
    wire_pair& p = wire_pair::fresh();
    script peer(p);
    const int l = p.b.socket(ksock::af_inet, ksock::sock_stream | ksock::sock_nonblock, 0);
    const auto b_addr = sin_of(addr_b, 7102);
    REQUIRE(p.b.bind(l, sa(b_addr), sizeof b_addr) == 0);
    REQUIRE(p.b.listen(l, 4) == 0);
    peer.send(40000, 7102, 1000, 0, ksock::inet::tcphdr_syn | ksock::inet::tcphdr_fin, 65535);
    p.run(2);
    CHECK(peer.n == 0);
    CHECK(p.b.objects_in_use<ksock::inet::tcp_prot>() == 1); // the listener alone
    peer.send(40000, 7102, 1000, 0, ksock::inet::tcphdr_syn, 65535);
    p.run(2);
    REQUIRE(peer.n == 1);
    CHECK(peer.last().flags == (ksock::inet::tcphdr_syn | ksock::inet::tcphdr_ack));
    CHECK(p.b.close(l) == 0);
}

TEST_CASE("scripted peer: a FIN that rode on data stays in flight when the ACK covers only the "
          "data") {
    // Found by fuzz_tcp: the ACK of a segment's data freed the segment and
    // with it the FIN it carried, unacknowledged; nothing was in flight any
    // more, no timer ran, and the connection stayed in FIN_WAIT1 for ever
    // (an orphan never went). Linux keeps the skb (tcp_clean_rtx_queue
    // trims it to the FIN) and the retransmission timer sends the FIN again.
    wire_pair& p = wire_pair::fresh();
    script peer(p);
    std::uint32_t isn = 0;
    int l = -1;
    const int fd = accept_from_peer(p, peer, 7103, 65535, isn, l);
    const int on = 1;
    REQUIRE(p.b.setsockopt(fd, ksock::sol_tcp, ksock::tcp_cork, &on, sizeof on) == 0);
    static const char data[100] = {};
    REQUIRE(p.b.send(fd, data, sizeof data, ksock::msg_dontwait) == 100);
    REQUIRE(p.b.shutdown(fd, ksock::shut_wr) == 0); // the FIN joins the corked data
    p.run(2);
    REQUIRE(peer.n == 2);
    CHECK(peer.last().flags ==
          (ksock::inet::tcphdr_fin | ksock::inet::tcphdr_psh | ksock::inet::tcphdr_ack));
    CHECK(peer.last().len == 100);
    peer.send(40000, 7103, 1001, isn + 101, ksock::inet::tcphdr_ack,
              65535); // the data, not the FIN
    p.run(2);
    CHECK(p.b.next_timer() >= 0);
    p.run(1000);
    REQUIRE(peer.n > 2);
    CHECK(peer.last().flags == (ksock::inet::tcphdr_fin | ksock::inet::tcphdr_ack));
    CHECK(peer.last().seq == isn + 101);
    CHECK(peer.last().len == 0);
    // The FIN acknowledged: FIN_WAIT2.
    peer.send(40000, 7103, 1001, isn + 102, ksock::inet::tcphdr_ack, 65535);
    p.run(2);
    ksock::tcp_info_t ti{};
    ksock::socklen_t len = sizeof ti;
    REQUIRE(p.b.getsockopt(fd, ksock::sol_tcp, ksock::tcp_info, &ti, &len) == 0);
    CHECK(int{ti.tcpi_state} == 5); // TCP_FIN_WAIT2
    CHECK(p.b.close(fd) == 0);
    CHECK(p.b.close(l) == 0);
}

TEST_CASE("scripted peer: an out-of-order segment cut short by the next one gives the reader only "
          "what it kept") {
    // Found by fuzz_tcp (the bytes read checked against their sequence): a
    // segment queued out of order before one it overlaps kept its first
    // bytes in msg_len but not in its chunks' lengths, and a reader walking
    // the chunks got the overlap twice: the stream shifted. Linux's
    // receive queue holds each byte once.
    wire_pair& p = wire_pair::fresh();
    script peer(p);
    std::uint32_t isn = 0;
    int l = -1;
    const int fd = accept_from_peer(p, peer, 7104, 65535, isn, l);
    peer.send(40000, 7104, 1001 + 700, isn + 1, ksock::inet::tcphdr_ack, 65535, 100); // 700..800
    peer.send(40000, 7104, 1001 + 650, isn + 1, ksock::inet::tcphdr_ack, 65535, 100); // 650..750
    peer.send(40000, 7104, 1001, isn + 1, ksock::inet::tcphdr_ack, 65535, 650);       // the hole
    p.run(2);
    CHECK(peer.last().ack == 1001 + 800);
    unsigned char buf[1000];
    const long got = read_all(p.b, fd, buf, sizeof buf);
    REQUIRE(got == 800);
    std::size_t bad = 0;
    while (bad < 800 && buf[bad] == static_cast<unsigned char>(1001 + bad))
        ++bad;
    CHECK(bad == 800);
    CHECK(p.b.close(fd) == 0);
    CHECK(p.b.close(l) == 0);
}

TEST_CASE("scripted peer: a full out-of-order queue drops a segment that would land last, not the "
          "ones it holds") {
    // Found by interop.tap.tcp (the kernel sending to ksock with 5 % loss
    // stalled): with the queue at its limit (a quarter of the pool: 12
    // chunks here), each segment past the hole evicted the highest one
    // queued, which had been SACKed; the sender saw the receiver renege on
    // every segment. Linux's tcp_prune_ofo_queue stops where the incoming
    // segment would land last, and drops that one: what is queued stays,
    // and fills the stream once the hole does.
    wire_pair& p = wire_pair::fresh();
    script peer(p);
    std::uint32_t isn = 0;
    int l = -1;
    const int fd = accept_from_peer(p, peer, 7105, 65535, isn, l);
    // A hole of 400 bytes, then 12 segments of 400 (one chunk each), then
    // one more: the queue is full when it comes.
    for (std::uint32_t i = 1; i <= 13; ++i) {
        peer.send(40000, 7105, 1001 + 400 * i, isn + 1, ksock::inet::tcphdr_ack, 65535, 400);
        p.run(1);
    }
    peer.send(40000, 7105, 1001, isn + 1, ksock::inet::tcphdr_ack, 65535, 400); // the hole
    p.run(2);
    CHECK(peer.last().ack == 1001 + 400 * 13); // all but the 13th
    static unsigned char buf[8000];
    CHECK(read_all(p.b, fd, buf, sizeof buf) == 400 * 13);
    CHECK(p.b.close(fd) == 0);
    CHECK(p.b.close(l) == 0);
}
