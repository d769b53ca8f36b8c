// test/unix/dgram.cpp: SOCK_DGRAM: boundaries, names, the receiver's queue
// limit (net.unix.max_dgram_qlen), connect/disconnect, a peer that dies,
// peeking; every expected value is the 6.18 host's.
#include "fixture.hpp"

using namespace unix_test;

TEST_CASE("unix dgram: the receiver's queue limit and a connected sender's poll") {
    S& s = the_stack();
    uname A("un-r");
    const int r = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    REQUIRE(s.bind(r, A.sa(), A.len) == 0);
    const int snd = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    long n, cnt = 0;
    while ((n = s.sendto(snd, "x", 1, 0, A.sa(), A.len)) > 0)
        ++cnt;
    CHECK(n == -eagain);
    CHECK(cnt == 11); // full beyond max_dgram_qlen (10)
    CHECK(pmask(s, snd) == out);
    CHECK(s.connect(snd, A.sa(), A.len) == 0);
    CHECK(pmask(s, snd) == 0); // the peer's queue is full
    CHECK(send_str(s, snd, "y") == -eagain);
    char b[64];
    CHECK(s.recv(r, b, 64, 0) == 1);
    CHECK(pmask(s, snd) == out);
    CHECK(send_str(s, snd, "y") == 1);
    CHECK(send_str(s, snd, "y") == -eagain);
    // Connected to itself, r takes only its own messages.
    CHECK(s.connect(r, A.sa(), A.len) == 0);
    CHECK(send_str(s, r, "z") == 1);
    const int s3 = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    CHECK(s.sendto(s3, "x", 1, 0, A.sa(), A.len) == -eperm);
    UNIX_OK(s);
    // The receiver closes: one ECONNREFUSED disconnects, then ENOTCONN.
    s.close(r);
    UNIX_OK(s);
    CHECK(pmask(s, snd) == out);
    CHECK(send_str(s, snd, "q") == -econnrefused);
    CHECK(pmask(s, snd) == out);
    CHECK(send_str(s, snd, "q") == -enotconn);
    CHECK(s.recv(snd, b, 64, 0) == -eagain);
    CHECK(s.sendto(s3, "x", 1, 0, A.sa(), A.len) == -econnrefused);
    s.close(snd);
    s.close(s3);
    CHECK(s.empty());
}

TEST_CASE("unix dgram: a socketpair has no queue limit, only the send buffer") {
    S& s = the_stack();
    for (int t : {sock_dgram, sock_seqpacket}) {
        CAPTURE(t);
        int sv[2];
        REQUIRE(s.socketpair(af_unix, t | sock_nonblock, 0, sv) == 0);
        long n, cnt = 0;
        while ((n = s.send(sv[0], "x", 1, 0)) > 0)
            ++cnt;
        CHECK(n == -eagain);
        CHECK(cnt == 278); // 212992 / 768 (truesize of a 1-byte skb)
        CHECK(pmask(s, sv[0]) == 0);
        CHECK(pmask(s, sv[1]) == (in | out));
        CHECK(s.send(sv[1], scratch(), 212961, 0) == -emsgsize); // sk_sndbuf - 32
        UNIX_OK(s);
        s.close(sv[0]);
        s.close(sv[1]);
        CHECK(s.empty());
    }
}

TEST_CASE("unix dgram: names, boundaries, MSG_TRUNC, errnos") {
    S& s = the_stack();
    uname A("un-da"), B("un-db");
    const int x = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    const int y = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    REQUIRE(s.bind(x, A.sa(), A.len) == 0);
    REQUIRE(s.bind(y, B.sa(), B.len) == 0);
    char b[64];
    CHECK(send_str(s, x, "a") == -enotconn);
    CHECK(s.recv(x, b, 4, 0) == -eagain);
    CHECK(s.listen(x, 1) == -eopnotsupp);
    CHECK(s.accept(x, nullptr, nullptr) == -eopnotsupp);
    CHECK(s.sendto(x, "hello", 5, 0, B.sa(), B.len) == 5);
    sockaddr_un g{};
    socklen_t gl = sizeof g;
    CHECK(s.recvfrom(y, b, 64, 0, reinterpret_cast<sockaddr*>(&g), &gl) == 5);
    CHECK(gl == 8);
    CHECK(std::memcmp(g.sun_path, "\0un-da", 6) == 0);
    CHECK(s.send(x, scratch(), scratch_size, 0) == -emsgsize); // before ENOTCONN
    CHECK(s.sendto(x, scratch(), 212961, 0, B.sa(), B.len) == -emsgsize);
    sockaddr bad{};
    bad.sa_family = af_inet;
    CHECK(s.sendto(x, "a", 1, 0, &bad, 2) == -einval);
    CHECK(s.sendto(x, "a", 1, 0, &bad, 16) == -einval);
    CHECK(s.connect(x, &bad, 16) == -einval);
    CHECK(s.sendto(x, "a", 1, msg_oob, B.sa(), B.len) == -eopnotsupp);
    CHECK(s.recv(y, b, 64, msg_oob) == -eopnotsupp);
    CHECK(s.sendto(x, "self", 4, 0, A.sa(), A.len) == 4);
    CHECK(s.recv(x, b, 64, 0) == 4);
    CHECK(s.connect(x, B.sa(), B.len) == 0);
    CHECK(s.sendto(x, "to-a", 4, 0, A.sa(), A.len) == -eperm);
    CHECK(send_str(s, x, "hello") == 5);
    iovec iov{b, 2};
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    CHECK(s.recvmsg(y, &m, 0) == 2);
    CHECK(m.msg_flags == msg_trunc);
    // An unnamed sender: no address, length 0.
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, sv) == 0);
    send_str(s, sv[0], "ab");
    gl = sizeof g;
    CHECK(s.recvfrom(sv[1], b, 0, msg_dontwait, reinterpret_cast<sockaddr*>(&g), &gl) == 0);
    CHECK(gl == 0);
    UNIX_OK(s);
    for (int fd : {x, y, sv[0], sv[1]})
        s.close(fd);
    CHECK(s.empty());
}

TEST_CASE("unix dgram: disconnecting drops our queue and resets a peer connected back") {
    S& s = the_stack();
    uname A("pq-a"), B("pq-b");
    const int x = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    const int y = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    const int z = s.socket(af_unix, sock_dgram | sock_nonblock, 0);
    REQUIRE(s.bind(x, A.sa(), A.len) == 0);
    REQUIRE(s.bind(y, B.sa(), B.len) == 0);
    CHECK(s.connect(x, B.sa(), B.len) == 0);
    CHECK(s.connect(y, A.sa(), A.len) == 0);
    CHECK(send_str(s, y, "1") == 1);
    CHECK(send_str(s, z, "2") == -enotconn);
    CHECK(s.sendto(z, "2", 1, 0, A.sa(), A.len) == -eperm);
    sockaddr un{};
    un.sa_family = af_unspec;
    CHECK(s.connect(x, &un, 2) == 0);
    CHECK(pmask(s, y) == (out | err));
    char b[8];
    CHECK(s.recv(x, b, 8, 0) == -eagain); // purged
    CHECK(send_str(s, x, "3") == -enotconn);
    CHECK(send_str(s, y, "4") == -econnreset);
    CHECK(s.connect(x, &un, 1) == -einval);
    CHECK(s.connect(x, &un, 2) == 0);
    CHECK(s.sendto(z, "2", 1, 0, B.sa(), B.len) == -eperm);
    UNIX_OK(s);
    // A pair: one end closes; the other reads what was queued, then one
    // ECONNREFUSED, then ENOTCONN; never POLLHUP.
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram | sock_nonblock, 0, sv) == 0);
    send_str(s, sv[0], "a");
    send_str(s, sv[1], "b");
    s.close(sv[1]);
    UNIX_OK(s);
    CHECK(pmask(s, sv[0]) == (in | out));
    CHECK(s.recv(sv[0], b, 8, 0) == 1);
    CHECK(s.recv(sv[0], b, 8, 0) == -eagain);
    CHECK(send_str(s, sv[0], "c") == -econnrefused);
    CHECK(pmask(s, sv[0]) == out);
    CHECK(send_str(s, sv[0], "c") == -enotconn);
    for (int fd : {x, y, z, sv[0]})
        s.close(fd);
    CHECK(s.empty());
}

TEST_CASE("unix dgram: MSG_PEEK with SO_PEEK_OFF, empty messages") {
    S& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram | sock_nonblock, 0, sv) == 0);
    send_str(s, sv[0], "abc");
    send_str(s, sv[0], "defg");
    int o = 1;
    CHECK(s.setsockopt(sv[1], sol_socket, so_peek_off, &o, 4) == 0);
    CHECK(recv_str(s, sv[1], 64, msg_peek) == "bc");
    socklen_t ol = 4;
    s.getsockopt(sv[1], sol_socket, so_peek_off, &o, &ol);
    CHECK(o == 3);
    CHECK(recv_str(s, sv[1], 64, msg_peek) == "defg");
    s.getsockopt(sv[1], sol_socket, so_peek_off, &o, &ol);
    CHECK(o == 7);
    CHECK(recv_str(s, sv[1], 64) == "abc");
    s.getsockopt(sv[1], sol_socket, so_peek_off, &o, &ol);
    CHECK(o == 4);
    CHECK(s.send(sv[0], "", 0, 0) == 0);
    CHECK(recv_str(s, sv[1], 64) == "defg");
    long r = -1;
    recv_str(s, sv[1], 64, 0, &r);
    CHECK(r == 0); // the empty message
    recv_str(s, sv[1], 64, 0, &r);
    CHECK(r == -eagain);
    CHECK(s.send(sv[0], "x", 1, msg_oob) == -eopnotsupp);
    UNIX_OK(s);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}
