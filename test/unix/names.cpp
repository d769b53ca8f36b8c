// test/unix/names.cpp: PF_UNIX names: bind's checks, abstract names per
// type, pathnames in the flat namespace, autobind, getsockname/getpeername
// lengths (values from the 6.18 host).
#include "fixture.hpp"

using namespace unix_test;

TEST_CASE("unix names: bind checks, autobind, getname lengths") {
    S& s = the_stack();
    const int x = s.socket(af_unix, sock_dgram, 0);
    const int y = s.socket(af_unix, sock_dgram, 0);
    sockaddr_un u{};
    u.sun_family = af_unix;
    const auto* ua = reinterpret_cast<const sockaddr*>(&u);
    sockaddr_un g{};
    socklen_t gl = sizeof g;
    auto* ga = reinterpret_cast<sockaddr*>(&g);

    // Unbound: the bare family, length 2; no peer.
    CHECK(s.getsockname(x, ga, &gl) == 0);
    CHECK(gl == 2);
    CHECK(g.sun_family == af_unix);
    gl = sizeof g;
    CHECK(s.getpeername(x, ga, &gl) == -enotconn);

    // Length and family checks (unix_validate_addr).
    CHECK(s.bind(y, ua, 1) == -einval);
    sockaddr_storage big{}; // 111 bytes must be readable for the length check
    big.ss_family = af_unix;
    CHECK(s.bind(y, reinterpret_cast<const sockaddr*>(&big), 111) == -einval);
    u.sun_family = af_inet;
    CHECK(s.bind(y, ua, 2) == -einval);
    CHECK(s.bind(y, ua, 3) == -einval);
    u.sun_family = af_unix;
    // The bare family names no socket: only bind takes it (autobind below);
    // connect and sendto refuse it, and bind nothing.
    CHECK(s.connect(y, ua, 2) == -einval);
    CHECK(s.sendto(y, "x", 1, 0, ua, 2) == -einval);

    // Autobind: "\0" + five hex digits, length 8; again: 0, same name.
    CHECK(s.bind(x, ua, 2) == 0);
    gl = sizeof g;
    CHECK(s.getsockname(x, ga, &gl) == 0);
    CHECK(gl == 8);
    CHECK(g.sun_path[0] == 0);
    for (int i = 1; i <= 5; ++i)
        CHECK(std::strchr("0123456789abcdef", g.sun_path[i]) != nullptr);
    const sockaddr_un first = g;
    CHECK(s.bind(x, ua, 2) == 0);
    gl = sizeof g;
    CHECK(s.getsockname(x, ga, &gl) == 0);
    CHECK(std::memcmp(&g, &first, 8) == 0);
    // An explicit name on a bound socket: EINVAL.
    uname zz("un-zz");
    CHECK(s.bind(x, zz.sa(), zz.len) == -einval);

    // A one-byte abstract name "\0" (length 3).
    CHECK(s.bind(y, ua, 3) == 0);
    gl = sizeof g;
    CHECK(s.getsockname(y, ga, &gl) == 0);
    CHECK(gl == 3);
    UNIX_OK(s);
    s.close(x);
    s.close(y);
    CHECK(s.empty());
}

TEST_CASE("unix names: abstract names are per type, EADDRINUSE within one") {
    S& s = the_stack();
    uname a("un-x");
    const int st = s.socket(af_unix, sock_stream, 0);
    const int dg = s.socket(af_unix, sock_dgram, 0);
    const int sp = s.socket(af_unix, sock_seqpacket, 0);
    CHECK(s.bind(st, a.sa(), a.len) == 0);
    CHECK(s.bind(dg, a.sa(), a.len) == 0);
    CHECK(s.bind(sp, a.sa(), a.len) == 0);
    const int st2 = s.socket(af_unix, sock_stream, 0);
    CHECK(s.bind(st2, a.sa(), a.len) == -eaddrinuse);
    // Stream listening on a name, a datagram socket cannot reach it.
    uname so("un-only-stream");
    CHECK(s.bind(st2, so.sa(), so.len) == 0);
    CHECK(s.listen(st2, 5) == 0);
    const int d2 = s.socket(af_unix, sock_dgram, 0);
    CHECK(s.connect(d2, so.sa(), so.len) == -econnrefused);
    CHECK(s.sendto(d2, "x", 1, 0, so.sa(), so.len) == -econnrefused);
    // The name is free again once its socket is closed.
    s.close(st);
    const int st3 = s.socket(af_unix, sock_stream, 0);
    CHECK(s.bind(st3, a.sa(), a.len) == 0);
    UNIX_OK(s);
    for (int fd : {dg, sp, st2, d2, st3})
        s.close(fd);
    CHECK(s.empty());
}

TEST_CASE("unix names: pathnames share one namespace across types") {
    S& s = the_stack();
    pname p("/tmp/uprobe/sockA");
    const int l = s.socket(af_unix, sock_stream, 0);
    CHECK(s.bind(l, p.sa(), p.len) == 0);
    CHECK(s.listen(l, 1) == 0);
    sockaddr_un g{};
    socklen_t gl = sizeof g;
    CHECK(s.getsockname(l, reinterpret_cast<sockaddr*>(&g), &gl) == 0);
    CHECK(gl == 20); // offsetof(sun_path) + strlen + 1
    CHECK(std::strcmp(g.sun_path, "/tmp/uprobe/sockA") == 0);
    const int d = s.socket(af_unix, sock_dgram, 0);
    CHECK(s.connect(d, p.sa(), p.len) == -eprototype);
    CHECK(s.sendto(d, "x", 1, 0, p.sa(), p.len) == -eprototype);
    CHECK(s.bind(d, p.sa(), p.len) == -eaddrinuse);
    const int c = s.socket(af_unix, sock_stream, 0);
    pname none("/tmp/uprobe/none");
    CHECK(s.connect(c, none.sa(), none.len) == -enoent);
    CHECK(s.sendto(d, "x", 1, 0, none.sa(), none.len) == -enoent);
    // A pathname taken is EADDRINUSE even on a bound socket (the file is
    // created before the socket's state is looked at).
    CHECK(s.bind(l, p.sa(), p.len) == -eaddrinuse);
    UNIX_OK(s);
    // ksock: the name goes with its socket (Linux keeps the file: then
    // connect gives ECONNREFUSED and bind EADDRINUSE until an unlink).
    s.close(l);
    CHECK(s.connect(c, p.sa(), p.len) == -enoent);
    CHECK(s.bind(d, p.sa(), p.len) == 0);
    s.close(c);
    s.close(d);
    CHECK(s.empty());
}

TEST_CASE("unix names: SO_PASSCRED autobinds on connect and sendmsg") {
    S& s = the_stack();
    uname A("ps-a");
    const int r = s.socket(af_unix, sock_dgram, 0);
    REQUIRE(s.bind(r, A.sa(), A.len) == 0);
    const int one = 1;
    sockaddr_un g{};
    for (int step = 0; step < 5; ++step) {
        CAPTURE(step);
        const int x = s.socket(af_unix, (step >= 3 ? sock_stream : sock_dgram) | sock_nonblock, 0);
        REQUIRE(s.setsockopt(x, sol_socket, so_passcred, &one, 4) == 0);
        uname N("ps-none");
        switch (step) {
        case 0:
            CHECK(s.connect(x, A.sa(), A.len) == 0);
            break;
        case 1:
            CHECK(s.sendto(x, "a", 1, 0, A.sa(), A.len) == 1);
            break;
        case 2:
            CHECK(send_str(s, x, "a") == -enotconn); // bound all the same
            break;
        case 3:
            CHECK(s.connect(x, N.sa(), N.len) == -econnrefused);
            break;
        default: { // a stream send does not autobind
            int sv[2];
            REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
            REQUIRE(s.setsockopt(sv[0], sol_socket, so_passcred, &one, 4) == 0);
            CHECK(send_str(s, sv[0], "a") == 1);
            socklen_t gl = sizeof g;
            CHECK(s.getsockname(sv[0], reinterpret_cast<sockaddr*>(&g), &gl) == 0);
            CHECK(gl == 2);
            s.close(sv[0]);
            s.close(sv[1]);
        }
        }
        socklen_t gl = sizeof g;
        CHECK(s.getsockname(x, reinterpret_cast<sockaddr*>(&g), &gl) == 0);
        CHECK(gl == (step < 4 ? 8u : 2u));
        s.close(x);
    }
    s.close(r);
    UNIX_OK(s);
    CHECK(s.empty());
}
