// test/unix/stream.cpp: SOCK_STREAM and SOCK_SEQPACKET connections: listen,
// connect, accept, the byte stream and records, peeking, shutdown, close
// orders, the send buffer. Every expected value is the 6.18 host's.
#include <cstdint>
#include <vector>

#include "fixture.hpp"

using namespace unix_test;

TEST_CASE("unix stream: listen, connect, accept and their errnos") {
    S& s = the_stack();
    uname L("un-listen");
    const int ls = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    CHECK(s.connect(ls, L.sa(), L.len) == -econnrefused);
    CHECK(s.listen(ls, 0) == -einval); // not bound
    CHECK(s.accept(ls, nullptr, nullptr) == -einval);
    CHECK(s.bind(ls, L.sa(), L.len) == 0);
    CHECK(pmask(s, ls) == (out | hup));
    CHECK(s.listen(ls, 0) == 0);
    CHECK(pmask(s, ls) == 0);
    UNIX_OK(s);

    // Backlog 0: one connection waits, the next finds the queue full.
    int c[3];
    for (int& fd : c)
        fd = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    CHECK(s.connect(c[0], L.sa(), L.len) == 0);
    CHECK(s.net().sock_inuse == 5); // 4 sockets and the server end
    CHECK(s.connect(c[1], L.sa(), L.len) == -eagain);
    CHECK(s.connect(c[2], L.sa(), L.len) == -eagain);
    UNIX_OK(s);
    CHECK(pmask(s, ls) == in);
    CHECK(pmask(s, c[0]) == out);
    CHECK(pmask(s, c[2]) == (out | hup));
    // The queue is looked at before our own state.
    CHECK(s.connect(c[0], L.sa(), L.len) == -eagain);
    uname N("un-nobody");
    CHECK(s.connect(c[0], N.sa(), N.len) == -econnrefused);
    CHECK(s.connect(ls, L.sa(), L.len) == -eagain);
    sockaddr_un g{};
    socklen_t gl = sizeof g;
    auto* ga = reinterpret_cast<sockaddr*>(&g);
    CHECK(s.getpeername(c[0], ga, &gl) == 0);
    CHECK(gl == 12); // the listener's name
    gl = sizeof g;
    CHECK(s.getsockname(c[0], ga, &gl) == 0);
    CHECK(gl == 2);
    CHECK(send_str(s, c[0], "hi") == 2); // to the not yet accepted end

    gl = sizeof g;
    const int a1 = s.accept(ls, ga, &gl);
    REQUIRE(a1 >= 0);
    CHECK(gl == 2); // the client is unnamed
    gl = sizeof g;
    CHECK(s.getsockname(a1, ga, &gl) == 0);
    CHECK(gl == 12); // the listener's name
    CHECK(pmask(s, a1) == (in | out));
    CHECK(pmask(s, ls) == 0);
    CHECK(s.accept(ls, nullptr, nullptr) == -eagain);
    UNIX_OK(s);
    CHECK(s.connect(c[2], L.sa(), L.len) == 0);
    CHECK(s.listen(ls, 3) == 0);
    CHECK(s.connect(c[2], L.sa(), L.len) == -eisconn);
    CHECK(recv_str(s, a1, 8) == "hi");
    long r = 0;
    recv_str(s, ls, 8, 0, &r);
    CHECK(r == -einval);
    CHECK(send_str(s, ls, "x") == -enotconn);
    CHECK(s.sendto(c[0], "x", 1, 0, L.sa(), L.len) == -eisconn);
    const int fresh = s.socket(af_unix, sock_stream, 0);
    CHECK(s.sendto(fresh, "x", 1, 0, L.sa(), L.len) == -eopnotsupp);
    CHECK(s.listen(c[0], 1) == -einval); // connected
    UNIX_OK(s);

    // The listener closes with a connection pending that holds data: the
    // client reads ECONNRESET, then 0; sends get EPIPE.
    const int c5 = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    CHECK(s.connect(c5, L.sa(), L.len) == 0);
    CHECK(send_str(s, c5, "pend") == 4);
    s.close(ls);
    UNIX_OK(s);
    CHECK(pmask(s, c5) == (in | out | err | hup | rdhup));
    recv_str(s, c5, 8, 0, &r);
    CHECK(r == -econnreset);
    recv_str(s, c5, 8, 0, &r);
    CHECK(r == 0);
    CHECK(send_str(s, c5, "x", msg_nosignal) == -epipe);
    CHECK(pmask(s, c5) == (in | out | hup | rdhup));
    CHECK(s.connect(fresh, L.sa(), L.len) == -econnrefused);
    for (int fd : {c[0], c[1], c[2], a1, fresh, c5})
        s.close(fd);
    UNIX_OK(s);
    CHECK(s.empty());
}

TEST_CASE("unix stream/seqpacket: unconnected sockets") {
    S& s = the_stack();
    char b[4];
    const int x = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    CHECK(pmask(s, x) == (out | hup));
    CHECK(s.recv(x, b, 4, 0) == -einval);
    CHECK(send_str(s, x, "a") == -enotconn);
    CHECK(s.shutdown(x, 5) == -einval);
    CHECK(s.shutdown(x, shut_rdwr) == 0); // no ENOTCONN for PF_UNIX
    CHECK(pmask(s, x) == (in | out | hup | rdhup));
    CHECK(s.listen(x, 1) == -einval);
    const int y = s.socket(af_unix, sock_seqpacket | sock_nonblock, 0);
    CHECK(pmask(s, y) == (out | hup));
    CHECK(s.recv(y, b, 4, 0) == -enotconn);
    CHECK(send_str(s, y, "a") == -enotconn);
    CHECK(s.listen(y, 1) == -einval);
    CHECK(s.accept(y, nullptr, nullptr) == -einval);
    UNIX_OK(s);
    s.close(x);
    s.close(y);
    CHECK(s.empty());
}

TEST_CASE("unix seqpacket: records through a listener, MSG_TRUNC") {
    S& s = the_stack();
    uname L("un-seq");
    const int ls = s.socket(af_unix, sock_seqpacket | sock_nonblock, 0);
    REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
    REQUIRE(s.listen(ls, 4) == 0);
    const int c = s.socket(af_unix, sock_seqpacket | sock_nonblock, 0);
    REQUIRE(s.connect(c, L.sa(), L.len) == 0);
    const int a = s.accept(ls, nullptr, nullptr);
    REQUIRE(a >= 0);
    CHECK(s.objects_in_use<unix_domain::unix_dgram_proto>() == 3);
    CHECK(send_str(s, c, "abc") == 3);
    CHECK(send_str(s, c, "defg", msg_eor) == 4);
    CHECK(send_str(s, c, "xyz") == 3);
    // A short buffer: the rest of the record is lost, MSG_TRUNC is set.
    char buf[8] = {};
    iovec iov{buf, 1};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(s.recvmsg(a, &m, 0) == 1);
    CHECK(m.msg_flags == msg_trunc);
    CHECK(buf[0] == 'a');
    CHECK(s.recvmsg(a, &m, msg_trunc) == 4);
    CHECK(m.msg_flags == msg_trunc);
    CHECK(recv_str(s, a, 64) == "xyz");
    sockaddr_un g{};
    socklen_t gl = sizeof g;
    CHECK(send_str(s, a, "back") == 4);
    CHECK(s.recvfrom(c, buf, 8, 0, reinterpret_cast<sockaddr*>(&g), &gl) == 4);
    CHECK(gl == 9); // the server end carries the listener's name "\0un-seq"
    UNIX_OK(s);
    s.close(ls);
    s.close(c);
    s.close(a);
    CHECK(s.empty());
}

namespace {
void peer_close(int type, bool unread) {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, type | sock_nonblock, 0, sv) == 0);
    send_str(s, sv[0], "abc");
    send_str(s, sv[0], "def");
    if (unread)
        send_str(s, sv[1], "zz");
    s.close(sv[1]); // with "abcdef" unread: we get ECONNRESET
    UNIX_OK(s);
    CHECK(pmask(s, sv[0]) == (in | out | err | hup | rdhup));
    long r[3];
    for (long& v : r)
        recv_str(s, sv[0], 64, 0, &v);
    if (!unread) {
        CHECK(r[0] == -econnreset);
        CHECK(r[1] == 0);
    } else if (type == sock_stream) {
        CHECK(r[0] == 2); // a stream reads what is queued first
        CHECK(r[1] == -econnreset);
    } else {
        CHECK(r[0] == -econnreset); // a seqpacket socket reports first
        CHECK(r[1] == 2);
    }
    CHECK(r[2] == 0);
    CHECK(pmask(s, sv[0]) == (in | out | hup | rdhup));
    CHECK(send_str(s, sv[0], "x", msg_nosignal) == -epipe);
    s.close(sv[0]);
    UNIX_OK(s);
    CHECK(s.empty());
}
} // namespace

TEST_CASE("unix stream/seqpacket: the peer closes with and without unread data") {
    for (int t : {sock_stream, sock_seqpacket})
        for (bool unread : {false, true}) {
            CAPTURE(t);
            CAPTURE(unread);
            peer_close(t, unread);
        }
}

TEST_CASE("unix seqpacket: sendmsg reports a pending error before anything else") {
    // Host: ECONNRESET for a MSG_OOB send (not EOPNOTSUPP), no autobind
    // with SO_PASSCRED; the error is taken, so the next sends meet MSG_OOB
    // (EOPNOTSUPP, still unnamed), then the autobind and the shut peer (EPIPE).
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_seqpacket | sock_nonblock, 0, sv) == 0);
    CHECK(send_str(s, sv[1], "q") == 1);
    const int one = 1;
    REQUIRE(s.setsockopt(sv[1], sol_socket, so_passcred, &one, 4) == 0);
    s.close(sv[0]);
    CHECK(pmask(s, sv[1]) == (in | out | err | hup | rdhup));
    sockaddr_un g{};
    auto name_len = [&] {
        socklen_t gl = sizeof g;
        REQUIRE(s.getsockname(sv[1], reinterpret_cast<sockaddr*>(&g), &gl) == 0);
        return gl;
    };
    CHECK(send_str(s, sv[1], "hello", msg_oob | msg_nosignal) == -econnreset);
    CHECK(name_len() == 2);
    CHECK(pmask(s, sv[1]) == (in | out | hup | rdhup));
    CHECK(send_str(s, sv[1], "hello", msg_oob | msg_nosignal) == -eopnotsupp);
    CHECK(name_len() == 2);
    CHECK(send_str(s, sv[1], "hello", msg_nosignal) == -epipe);
    CHECK(name_len() == 8);
    s.close(sv[1]);
    UNIX_OK(s);
    CHECK(s.empty());
}

TEST_CASE("unix stream/seqpacket: an empty skb left unread does not reset the peer") {
    // Host: a zero-length record alone (or a read out-of-band byte) leaves
    // SO_ERROR 0 at the peer; anything queued behind it is ECONNRESET.
    S& s = the_stack();
    for (int t : {sock_stream, sock_seqpacket})
        for (int v = 0; v < 3; ++v) {
            CAPTURE(t);
            CAPTURE(v);
            int sv[2];
            REQUIRE(s.socketpair(af_unix, t | sock_nonblock, 0, sv) == 0);
            if (t == sock_seqpacket) {
                CHECK(s.send(sv[0], "", 0, msg_eor) == 0);
                if (v == 2)
                    CHECK(s.send(sv[0], "", 0, msg_eor) == 0);
            } else {
                CHECK(s.send(sv[0], "x", 1, msg_oob) == 1);
                char b;
                CHECK(s.recv(sv[1], &b, 1, msg_oob) == 1);
                if (v == 2)
                    CHECK(send_str(s, sv[0], "b") == 1);
            }
            if (v == 1)
                CHECK(send_str(s, sv[0], "a") == 1);
            s.close(sv[1]);
            const bool reset = v != 0;
            CHECK(pmask(s, sv[0]) == (in | out | hup | rdhup | (reset ? err : 0u)));
            int e = -1;
            socklen_t el = sizeof e;
            CHECK(s.getsockopt(sv[0], sol_socket, so_error, &e, &el) == 0);
            CHECK(e == (reset ? econnreset : 0));
            s.close(sv[0]);
            UNIX_OK(s);
        }
    CHECK(s.empty());
}

TEST_CASE("unix: shutdown and its mirror on the peer, for each type") {
    S& s = the_stack();
    struct expect {
        unsigned p0, p1;
        long r0a, r0b, s0, r1, s1;
    };
    // [type][how]: poll of each end, then recv, recv, send on 0; recv, send on 1.
    const expect st[3] = {
        {in | out | rdhup, out, 3, 0, 1, 1, -epipe},
        {in | out, in | out | rdhup, 3, -eagain, -epipe, 0, 1},
        {in | out | hup | rdhup, in | out | hup | rdhup, 3, 0, -epipe, 0, -epipe},
    };
    const expect dg[3] = {
        {in | out | rdhup, out, 3, -eagain, 1, 1, -epipe},
        {in | out, out, 3, -eagain, -epipe, -eagain, 1},
        {in | out | hup | rdhup, out, 3, -eagain, -epipe, -eagain, -epipe},
    };
    for (int t : {sock_stream, sock_seqpacket, sock_dgram})
        for (int how = 0; how < 3; ++how) {
            CAPTURE(t);
            CAPTURE(how);
            const expect& e = t == sock_dgram ? dg[how] : st[how];
            int sv[2];
            REQUIRE(s.socketpair(af_unix, t | sock_nonblock, 0, sv) == 0);
            send_str(s, sv[1], "abc");
            CHECK(s.shutdown(sv[0], how) == 0);
            CHECK(pmask(s, sv[0]) == e.p0);
            CHECK(pmask(s, sv[1]) == e.p1);
            long r = 0;
            recv_str(s, sv[0], 64, 0, &r);
            CHECK(r == e.r0a);
            recv_str(s, sv[0], 64, 0, &r);
            CHECK(r == e.r0b);
            CHECK(send_str(s, sv[0], "x", msg_nosignal) == e.s0);
            recv_str(s, sv[1], 64, 0, &r);
            CHECK(r == e.r1);
            CHECK(send_str(s, sv[1], "x", msg_nosignal) == e.s1);
            UNIX_OK(s);
            s.close(sv[0]);
            s.close(sv[1]);
            CHECK(s.empty());
        }
}

TEST_CASE("unix stream: MSG_PEEK with SO_PEEK_OFF, MSG_WAITALL, empty sends, recvfrom") {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    send_str(s, sv[0], "abc");
    send_str(s, sv[0], "def");
    int o = 1;
    CHECK(s.setsockopt(sv[1], sol_socket, so_peek_off, &o, 4) == 0);
    CHECK(recv_str(s, sv[1], 2, msg_peek) == "bc");
    CHECK(recv_str(s, sv[1], 3, msg_peek) == "def");
    socklen_t ol = 4;
    s.getsockopt(sv[1], sol_socket, so_peek_off, &o, &ol);
    CHECK(o == 6);
    CHECK(recv_str(s, sv[1], 2) == "ab");
    s.getsockopt(sv[1], sol_socket, so_peek_off, &o, &ol);
    CHECK(o == 4);
    long r = 0;
    recv_str(s, sv[1], 64, msg_peek, &r);
    CHECK(r == -eagain); // the offset is past the data
    CHECK(recv_str(s, sv[1], 64, msg_waitall) == "cdef");
    CHECK(s.send(sv[0], "", 0, 0) == 0);
    recv_str(s, sv[1], 64, 0, &r);
    CHECK(r == -eagain); // nothing was queued
    // recvfrom on a stream: the unnamed sender's length is 0.
    send_str(s, sv[0], "ab");
    sockaddr_un g{};
    socklen_t gl = sizeof g;
    char b[4];
    CHECK(s.recvfrom(sv[1], b, 1, 0, reinterpret_cast<sockaddr*>(&g), &gl) == 1);
    CHECK(gl == 0);
    UNIX_OK(s);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix stream: a peek goes on to the next skb, whatever room is left") {
    // unix_stream_read_generic: once a peek has read an skb it goes on to
    // the next one (`goto again`) without looking at the room left, so a
    // zero-length peek still meets the out-of-band mark: with no data before
    // it, that is an empty queue (EAGAIN), where a zero-length read returns
    // 0. manage_oob looks only at the skb a pass starts from: SO_PEEK_OFF's
    // walk passes the mark and peeks the out-of-band byte as data.
    S& s = the_stack();
    int sv[2];
    long r = 0;
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    CHECK(s.send(sv[0], "ijk", 3, msg_oob) == 3); // "ij", then 'k' out of band
    recv_str(s, sv[1], 0, msg_peek, &r);
    CHECK(r == -eagain);
    CHECK(recv_str(s, sv[1], 1, msg_peek) == "i");
    CHECK(recv_str(s, sv[1], 8, msg_peek) == "ij"); // stops at the mark
    recv_str(s, sv[1], 0, 0, &r);
    CHECK(r == 0);
    CHECK(recv_str(s, sv[1], 8) == "ij");
    recv_str(s, sv[1], 0, msg_peek, &r);
    CHECK(r == -eagain); // only the out-of-band byte is left
    CHECK(recv_str(s, sv[1], 8, msg_oob) == "k");
    UNIX_OK(s);

    // SO_PEEK_OFF: the second peek starts past "ab" and reads the byte.
    int o = 0;
    REQUIRE(s.setsockopt(sv[1], sol_socket, so_peek_off, &o, 4) == 0);
    CHECK(s.send(sv[0], "abc", 3, msg_oob) == 3);
    CHECK(send_str(s, sv[0], "de") == 2);
    CHECK(recv_str(s, sv[1], 8, msg_peek) == "ab");
    CHECK(recv_str(s, sv[1], 8, msg_peek) == "cde");
    socklen_t ol = 4;
    CHECK(s.getsockopt(sv[1], sol_socket, so_peek_off, &o, &ol) == 0);
    CHECK(o == 5);
    recv_str(s, sv[1], 8, msg_peek, &r);
    CHECK(r == -eagain);
    CHECK(recv_str(s, sv[1], 8) == "ab"); // a read stops at the mark
    CHECK(recv_str(s, sv[1], 8) == "de"); // and drops the byte
    UNIX_OK(s);
    s.close(sv[0]);
    s.close(sv[1]);

    // Zero-length peeks over ordinary data return 0; a peek that filled
    // its buffer stops at the mark as before.
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    send_str(s, sv[0], "a");
    send_str(s, sv[0], "b");
    CHECK(s.send(sv[0], "c", 1, msg_oob) == 1);
    send_str(s, sv[0], "d");
    recv_str(s, sv[1], 0, msg_peek, &r);
    CHECK(r == 0);
    CHECK(recv_str(s, sv[1], 2, msg_peek) == "ab");
    CHECK(recv_str(s, sv[1], 3, msg_peek) == "ab");
    CHECK(recv_str(s, sv[1], 1, msg_oob) == "c");
    recv_str(s, sv[1], 0, msg_peek, &r);
    CHECK(r == 0);
    CHECK(recv_str(s, sv[1], 8) == "ab");
    CHECK(recv_str(s, sv[1], 8) == "d");
    UNIX_OK(s);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix stream: the send buffer holds what Linux's holds") {
    // Bytes accepted by non-blocking sends of one size until EAGAIN, with
    // the default 212992-byte sk_sndbuf (host: 278, 27800, 93000, 98000,
    // 147000, 176000, 170000, 236544, 219264 for a chunk of 300000).
    struct row {
        std::size_t chunk;
        long sends, total;
    };
    const row rows[] = {{1, 278, 278},       {100, 278, 27800},  {1000, 93, 93000},
                        {2000, 49, 98000},   {3000, 49, 147000}, {4000, 44, 176000},
                        {10000, 17, 170000}, {40000, 6, 236544}, {scratch_size, 1, 219264}};
    for (const row& rw : rows) {
        CAPTURE(rw.chunk);
        S& s = the_stack();
        int sv[2];
        REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
        long sends = 0, total = 0, n;
        while ((n = s.send(sv[0], scratch(), rw.chunk, 0)) > 0) {
            ++sends;
            total += n;
        }
        CHECK(n == -eagain);
        CHECK(sends == rw.sends);
        CHECK(total == rw.total);
        CHECK(pmask(s, sv[0]) == 0);
        UNIX_OK(s);
        s.close(sv[0]);
        s.close(sv[1]);
        CHECK(s.empty());
    }
}

namespace {
//! The byte at offset i of the 1 MiB transfer.
unsigned char pattern(std::size_t i) {
    return static_cast<unsigned char>((i * 7 + i / 251) & 0xff);
}
} // namespace

TEST_CASE("unix stream: 1 MiB through a socketpair in odd chunks, data verified") {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    constexpr std::size_t total = 1 << 20;
    unsigned char* wbuf = scratch();                    // up to 77777 bytes
    unsigned char* rbuf = scratch() + scratch_size / 2; // up to 100003 bytes
    std::size_t sent = 0, got = 0, bad = 0;
    const std::size_t wsz[] = {1, 4093, 77777, 13, 65537, 999};
    const std::size_t rsz[] = {3, 100003, 517, 8191, 1};
    unsigned wi = 0, ri = 0, writable_events = 0;
    while (got < total) {
        while (sent < total) {
            std::size_t k = wsz[wi % 6];
            if (k > total - sent)
                k = total - sent;
            for (std::size_t i = 0; i < k; ++i)
                wbuf[i] = pattern(sent + i);
            const long n = s.send(sv[0], wbuf, k, 0);
            if (n < 0) {
                REQUIRE(n == -eagain);
                break;
            }
            ++wi;
            sent += static_cast<std::size_t>(n);
        }
        const long n = s.recv(sv[1], rbuf, rsz[ri++ % 5], 0);
        REQUIRE(n > 0);
        for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i)
            bad += rbuf[i] != pattern(got + i);
        got += static_cast<std::size_t>(n);
        writable_events += (pmask(s, sv[0]) & pollout) != 0;
        UNIX_OK(s);
    }
    CHECK(bad == 0);
    CHECK(got == total);
    CHECK(writable_events > 0);
    long r = 0;
    recv_str(s, sv[1], 8, 0, &r);
    CHECK(r == -eagain);
    s.close(sv[0]);
    recv_str(s, sv[1], 8, 0, &r);
    CHECK(r == 0);
    s.close(sv[1]);
    CHECK(s.empty());
}

TEST_CASE("unix stream: close orders leave nothing behind") {
    S& s = the_stack();
    uname L("un-orders");
    for (int order = 0; order < 6; ++order) {
        CAPTURE(order);
        const int ls = s.socket(af_unix, sock_stream | sock_nonblock, 0);
        REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
        REQUIRE(s.listen(ls, 8) == 0);
        const int c = s.socket(af_unix, sock_stream | sock_nonblock, 0);
        REQUIRE(s.connect(c, L.sa(), L.len) == 0);
        send_str(s, c, "to-server");
        int a = -1;
        if (order >= 2) {
            a = s.accept(ls, nullptr, nullptr);
            REQUIRE(a >= 0);
            send_str(s, a, "to-client");
        }
        switch (order) {
        case 0: // listener first, connection never accepted
            s.close(ls);
            s.close(c);
            break;
        case 1: // client first, then the listener with the dead embryo queued
            s.close(c);
            UNIX_OK(s);
            s.close(ls);
            break;
        case 2:
            s.close(ls);
            s.close(a);
            s.close(c);
            break;
        case 3:
            s.close(c);
            s.close(a);
            s.close(ls);
            break;
        case 4: {
            s.close(a);
            UNIX_OK(s);
            long r = 0;
            CHECK(recv_str(s, c, 64) == "to-client");
            recv_str(s, c, 64, 0, &r);
            CHECK(r == -econnreset); // "to-server" was never read
            s.close(c);
            s.close(ls);
            break;
        }
        default: {
            // The accepted end reads after the client closed: data, then 0.
            s.close(c);
            long r = 0;
            CHECK(recv_str(s, a, 64) == "to-server");
            recv_str(s, a, 64, 0, &r);
            CHECK(r == -econnreset); // "to-client" was never read
            recv_str(s, a, 64, 0, &r);
            CHECK(r == 0);
            s.close(a);
            s.close(ls);
        }
        }
        UNIX_OK(s);
        CHECK(s.empty());
    }
}

TEST_CASE("unix stream: MSG_OOB, the mark, SO_OOBINLINE") {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    long r = 0;
    CHECK(s.send(sv[0], "", 0, msg_oob) == -eopnotsupp);
    CHECK(s.send(sv[0], "abc", 3, msg_oob) == 3); // 'c' is out of band
    CHECK(send_str(s, sv[0], "de") == 2);
    CHECK(pmask(s, sv[1]) == (in | pollpri | out));
    CHECK(recv_str(s, sv[1], 64, msg_peek) == "ab"); // stops at the mark
    CHECK(recv_str(s, sv[1], 64) == "ab");
    CHECK(pmask(s, sv[1]) == (in | pollpri | out));
    CHECK(recv_str(s, sv[1], 64, msg_oob | msg_peek) == "c");
    char b[64];
    iovec iov{b, 64};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(s.recvmsg(sv[1], &m, msg_oob) == 1);
    CHECK(b[0] == 'c');
    CHECK(m.msg_flags == msg_oob);
    CHECK(pmask(s, sv[1]) == (in | out));
    CHECK(s.recvmsg(sv[1], &m, 0) == 2);
    CHECK(std::string(b, 2) == "de");
    CHECK(m.msg_flags == 0);
    recv_str(s, sv[1], 64, msg_oob, &r);
    CHECK(r == -einval);
    UNIX_OK(s);
    // Reading through the mark drops the byte.
    CHECK(s.send(sv[0], "xy", 2, msg_oob) == 2);
    CHECK(send_str(s, sv[0], "z") == 1);
    CHECK(recv_str(s, sv[1], 64) == "x");
    CHECK(recv_str(s, sv[1], 64) == "z");
    recv_str(s, sv[1], 64, msg_oob, &r);
    CHECK(r == -einval);
    // A second MSG_OOB makes the first byte ordinary data.
    CHECK(s.send(sv[0], "1A", 2, msg_oob) == 2);
    CHECK(s.send(sv[0], "2B", 2, msg_oob) == 2);
    CHECK(pmask(s, sv[1]) == (in | pollpri | out));
    CHECK(recv_str(s, sv[1], 64, msg_oob) == "B");
    CHECK(recv_str(s, sv[1], 64) == "1A2");
    recv_str(s, sv[1], 64, 0, &r);
    CHECK(r == -eagain);
    // SO_OOBINLINE: the byte is read in line, after a stop at the mark.
    const int one = 1;
    REQUIRE(s.setsockopt(sv[1], sol_socket, so_oobinline, &one, 4) == 0);
    CHECK(s.send(sv[0], "pq", 2, msg_oob) == 2);
    CHECK(send_str(s, sv[0], "r") == 1);
    CHECK(pmask(s, sv[1]) == (in | pollpri | out));
    recv_str(s, sv[1], 64, msg_oob, &r);
    CHECK(r == -einval);
    CHECK(recv_str(s, sv[1], 64) == "p");
    CHECK(recv_str(s, sv[1], 64) == "qr");
    UNIX_OK(s);
    s.close(sv[0]);
    s.close(sv[1]);
    // Seqpacket has no out-of-band data.
    REQUIRE(s.socketpair(af_unix, sock_seqpacket | sock_nonblock, 0, sv) == 0);
    CHECK(s.send(sv[0], "a", 1, msg_oob) == -eopnotsupp);
    recv_str(s, sv[1], 64, msg_oob, &r);
    CHECK(r == -eopnotsupp);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}
