// PF_UNIX: unix_ioctl's queue sizes, with the values a Linux 6.18 host gave
// (a 3-byte stream send: SIOCINQ 3 at the reader, SIOCOUTQ 768 at the
// writer; two datagrams of 5 and 2 bytes: SIOCINQ 5).
#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>

using namespace ksock;

TEST_CASE("unix ioctl: SIOCINQ and SIOCOUTQ for streams and datagrams") {
    static default_stack s; // static: the target's frames are small
    int sv[2], dv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, dv) == 0);
    int v = -1;
    CHECK(s.ioctl(sv[0], fionread, &v) == 0);
    CHECK(v == 0);
    CHECK(s.send(sv[1], "abc", 3, 0) == 3);
    CHECK(s.ioctl(sv[0], fionread, &v) == 0);
    CHECK(v == 3);
    CHECK(s.ioctl(sv[1], siocoutq, &v) == 0);
    CHECK(v == 768);
    char b[4];
    CHECK(s.recv(sv[0], b, 2, 0) == 2);
    CHECK(s.ioctl(sv[0], siocinq, &v) == 0);
    CHECK(v == 1);
    CHECK(s.send(dv[1], "abcde", 5, 0) == 5);
    CHECK(s.send(dv[1], "ab", 2, 0) == 2);
    CHECK(s.ioctl(dv[0], fionread, &v) == 0);
    CHECK(v == 5);
    // Only a stream has an out-of-band byte: SIOCATMARK elsewhere is
    // EOPNOTSUPP, even with no argument, and writes nothing.
    CHECK(s.ioctl(sv[0], siocatmark, &v) == 0);
    CHECK(v == 0);
    v = 7;
    CHECK(s.ioctl(dv[0], siocatmark, &v) == -eopnotsupp);
    CHECK(s.ioctl(dv[0], siocatmark, nullptr) == -eopnotsupp);
    CHECK(v == 7);
    int qv[2];
    REQUIRE(s.socketpair(af_unix, sock_seqpacket, 0, qv) == 0);
    CHECK(s.ioctl(qv[0], siocatmark, &v) == -eopnotsupp);
    CHECK(s.ioctl(dv[0], siocinq, nullptr) == -efault);
    const int l = s.socket(af_unix, sock_stream, 0);
    sockaddr_un a{};
    a.sun_family = af_unix;
    a.sun_path[1] = 'q';
    REQUIRE(s.bind(l, reinterpret_cast<sockaddr*>(&a), 4) == 0);
    REQUIRE(s.listen(l, 1) == 0);
    CHECK(s.ioctl(l, siocinq, &v) == -einval);
    for (int fd : {sv[0], sv[1], dv[0], dv[1], qv[0], qv[1], l})
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}

TEST_CASE("unix ioctl: SIOCINQ of a stream is inq_len, out-of-band bytes included") {
    // Host values: a read that skips the out-of-band byte drops it but
    // never takes it off the count; a partial read takes its bytes off.
    static default_stack s;
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    int v = -1;
    char b[8];
    auto inq = [&] {
        REQUIRE(s.ioctl(sv[0], siocinq, &v) == 0);
        return v;
    };
    CHECK(s.send(sv[1], "x", 1, msg_oob) == 1);
    CHECK(inq() == 1);
    CHECK(s.recv(sv[0], b, 5, 0) == -eagain); // the byte is skipped and dropped
    CHECK(inq() == 1);
    CHECK(s.send(sv[1], "abc", 3, 0) == 3);
    CHECK(inq() == 4);
    CHECK(s.recv(sv[0], b, 2, 0) == 2);
    CHECK(inq() == 2);
    CHECK(s.recv(sv[0], b, 5, 0) == 1);
    CHECK(inq() == 1);
    // Read with MSG_OOB, the byte leaves the count (a peek leaves it).
    CHECK(s.send(sv[1], "de", 2, msg_oob) == 2);
    CHECK(inq() == 3);
    CHECK(s.recv(sv[0], b, 5, 0) == 1);
    CHECK(s.recv(sv[0], b, 5, msg_oob | msg_peek) == 1);
    CHECK(inq() == 2);
    CHECK(s.recv(sv[0], b, 5, msg_oob) == 1);
    CHECK(inq() == 1);
    CHECK(s.recv(sv[0], b, 5, 0) == -eagain);
    CHECK(inq() == 1);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}
