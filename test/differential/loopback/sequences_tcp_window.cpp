// test/differential/loopback/sequences_tcp_window.cpp: TCP over 127.0.0.1,
// what the windows each side offers and the Nagle test decide: the MSS an
// established connection reports, a disconnect's write_seq, data that
// TCP_CORK or MSG_MORE holds and what pushes it, TCP_NOTSENT_LOWAT, and
// pingpong mode. Handles as in sequences_tcp.cpp: h0 the listener on P0,
// h1 the client, h2 the accepted socket.
#include <poll.h>
#include <string>

#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>

#include "harness.hpp"

namespace ksock_loopback {

namespace {

constexpr int stream_nb = SOCK_STREAM | SOCK_NONBLOCK;

seq& ioctl(seq& q, int h, unsigned long cmd) {
    return q.add({.o = op::ioctl, .h = h, .a = static_cast<int>(cmd)});
}

seq& establish(seq& q) {
    return q.socket(0, AF_INET, stream_nb)
        .bind(0, in(lo, 0))
        .listen(0, 5)
        .socket(1, AF_INET, stream_nb)
        .connect(1, in(lo, 0))
        .accept4(0, 2, SOCK_NONBLOCK, 16);
}

//! TCP_MAXSEG is mss_cache, bounded by half the largest window the peer
//! offered: the SYN-ACK's (65483, unscaled) for the client, the scaled 64 KB
//! of the handshake's ACK for the child, and the client's too once a
//! segment of the child's came. TCP_WINDOW_CLAMP is what
//! tcp_init_buffer_space left (the 64 KB a default receive buffer offers).
//! A disconnect moves write_seq past the largest window (SIOCOUTQ).
void window_cases(std::vector<sequence>& out) {
    {
        seq q("tcp/window/maxseg-and-clamp-established");
        establish(q)
            .getsockopt(1, IPPROTO_TCP, TCP_MAXSEG)
            .getsockopt(2, IPPROTO_TCP, TCP_MAXSEG)
            .getsockopt(1, IPPROTO_TCP, TCP_WINDOW_CLAMP)
            .getsockopt(2, IPPROTO_TCP, TCP_WINDOW_CLAMP)
            .send(2, "x")
            .getsockopt(1, IPPROTO_TCP, TCP_MAXSEG)
            .getsockopt(2, IPPROTO_TCP, TCP_MAXSEG);
        out.push_back(q);
    }
    {
        seq q("tcp/window/disconnect-moves-write_seq-past-max_window");
        establish(q).connect(1, unspec());
        ioctl(q, 1, SIOCOUTQ);
        ioctl(q, 1, SIOCOUTQNSD);
        q.connect(2, unspec());
        ioctl(q, 2, SIOCOUTQ);
        out.push_back(q);
    }
    {
        // tcp_disconnect leaves write_seq 2 past snd_nxt: TCP_NOTSENT_LOWAT
        // below that takes POLLOUT away.
        seq q("tcp/window/notsent_lowat-after-disconnect");
        q.socket(0, AF_INET, stream_nb)
            .connect(0, unspec())
            .setsockopt(0, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 2)
            .poll(0, POLLIN | POLLOUT)
            .setsockopt(0, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 5)
            .poll(0, POLLIN | POLLOUT);
        out.push_back(q);
    }
}

//! tcp_push / tcp_nagle_test: under TCP_CORK or MSG_MORE the bytes past the
//! last whole segment wait; the next plain send, the FIN, TCP_NODELAY
//! (once) and uncorking push them.
void cork_cases(std::vector<sequence>& out) {
    {
        seq q("tcp/cork/msg_more-held-then-plain-send");
        establish(q).send(1, "abc", MSG_MORE);
        ioctl(q, 2, SIOCINQ);
        ioctl(q, 1, SIOCOUTQNSD);
        q.send(1, "de");
        ioctl(q, 2, SIOCINQ);
        q.recv(2, 16);
        out.push_back(q);
    }
    {
        seq q("tcp/cork/tcp_cork-nodelay-pushes-once-uncork-pushes");
        establish(q).setsockopt(1, IPPROTO_TCP, TCP_CORK, 1).send(1, "abc").send(1, "de");
        ioctl(q, 2, SIOCINQ);
        q.setsockopt(1, IPPROTO_TCP, TCP_NODELAY, 1);
        ioctl(q, 2, SIOCINQ);
        q.send(1, "f");
        ioctl(q, 2, SIOCINQ);
        q.setsockopt(1, IPPROTO_TCP, TCP_CORK, 0);
        ioctl(q, 2, SIOCINQ);
        q.recv(2, 16);
        out.push_back(q);
    }
    {
        seq q("tcp/cork/msg_more-then-shutdown-sends-data-and-fin");
        establish(q).send(1, "abc", MSG_MORE).shutdown(1, SHUT_WR).recv(2, 16).recv(2, 16);
        out.push_back(q);
    }
    {
        // A whole segment goes, the rest (40000 - 32741) waits.
        seq q("tcp/cork/large-send-keeps-the-partial-segment");
        establish(q).setsockopt(1, IPPROTO_TCP, TCP_CORK, 1).send(1, std::string(40000, 'c'));
        ioctl(q, 2, SIOCINQ);
        ioctl(q, 1, SIOCOUTQNSD);
        q.setsockopt(1, IPPROTO_TCP, TCP_CORK, 0);
        ioctl(q, 2, SIOCINQ);
        out.push_back(q);
    }
    {
        // The client's first segment from the child carries a window that
        // differs from the SYN-ACK's: the slow path pushes what MSG_MORE
        // held. The child's window does not change when the client's small
        // segment comes: the fast path pushes nothing.
        seq q("tcp/cork/msg_more-and-the-peers-data");
        establish(q).send(1, "abc", MSG_MORE).send(2, "x");
        ioctl(q, 2, SIOCINQ);
        q.send(2, "yz", MSG_MORE).send(1, "w");
        ioctl(q, 1, SIOCINQ);
        out.push_back(q);
    }
}

//! tcp_event_data_sent: a reply within ato of data received enters
//! pingpong mode, which TCP_QUICKACK reads as 0.
void pingpong_cases(std::vector<sequence>& out) {
    seq q("tcp/quickack/reply-enters-pingpong");
    establish(q)
        .getsockopt(2, IPPROTO_TCP, TCP_QUICKACK)
        .send(1, "n")
        .send(2, "j")
        .getsockopt(2, IPPROTO_TCP, TCP_QUICKACK)
        .getsockopt(1, IPPROTO_TCP, TCP_QUICKACK);
    out.push_back(q);
}

} // namespace

std::vector<sequence> tcp_window_sequences() {
    std::vector<sequence> out;
    window_cases(out);
    cork_cases(out);
    pingpong_cases(out);
    return out;
}

} // namespace ksock_loopback
