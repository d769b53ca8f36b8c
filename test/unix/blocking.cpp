// test/unix/blocking.cpp: the PF_UNIX paths that sleep, with a stack that
// can block (std::mutex + condvar_wait): SO_RCVTIMEO / SO_SNDTIMEO run out
// with EAGAIN, and a blocked reader or accept is woken by the other side.
// Host only: the target build has no threads.
#if defined(__linux__)

#include <mutex>
#include <thread>

#include <ksock/policy/condvar_wait.hpp>

#include "fixture.hpp"

using namespace unix_test;

namespace {
struct blocking_config : unix_config {
    using lock = std::mutex;
    using wait = condvar_wait;
};
using BS = stack<blocking_config>;
BS& the_blocking_stack() {
    static BS s;
    REQUIRE(s.empty());
    return s;
}

void set_timeo(BS& s, int fd, int opt, long usec) {
    ksock::timeval tv{0, usec};
    REQUIRE(s.setsockopt(fd, sol_socket, opt, &tv, sizeof tv) == 0);
}
} // namespace

TEST_CASE("unix blocking: timeouts run out with EAGAIN") {
    BS& s = the_blocking_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    set_timeo(s, sv[1], so_rcvtimeo, 20000);
    char b[8];
    CHECK(s.recv(sv[1], b, 8, 0) == -eagain);
    // A full send buffer: the sender waits SO_SNDTIMEO, then returns what it
    // sent (or EAGAIN).
    set_timeo(s, sv[0], so_sndtimeo, 20000);
    CHECK(s.send(sv[0], scratch(), scratch_size, 0) == 219264);
    CHECK(s.send(sv[0], scratch(), 1, 0) == -eagain);
    // A full backlog and an empty accept queue.
    uname L("un-block");
    const int ls = s.socket(af_unix, sock_seqpacket, 0);
    REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
    REQUIRE(s.listen(ls, 0) == 0);
    const int c1 = s.socket(af_unix, sock_seqpacket, 0);
    const int c2 = s.socket(af_unix, sock_seqpacket, 0);
    REQUIRE(s.connect(c1, L.sa(), L.len) == 0);
    set_timeo(s, c2, so_sndtimeo, 20000);
    CHECK(s.connect(c2, L.sa(), L.len) == -eagain);
    const int a = s.accept(ls, nullptr, nullptr);
    REQUIRE(a >= 0);
    set_timeo(s, ls, so_rcvtimeo, 20000);
    CHECK(s.accept(ls, nullptr, nullptr) == -eagain);
    UNIX_OK(s);
    for (int fd : {sv[0], sv[1], ls, c1, c2, a})
        s.close(fd);
    CHECK(s.empty());
}

TEST_CASE("unix blocking: a sleeping reader and a sleeping accept are woken") {
    BS& s = the_blocking_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    long got = 0;
    char b[8] = {};
    std::thread reader([&] { got = s.recv(sv[1], b, 8, msg_waitall); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    CHECK(send_str(s, sv[0], "abcd") == 4);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    CHECK(send_str(s, sv[0], "efgh") == 4);
    reader.join();
    CHECK(got == 8);
    CHECK(std::string(b, 8) == "abcdefgh");

    uname L("un-wake");
    const int ls = s.socket(af_unix, sock_stream, 0);
    REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
    REQUIRE(s.listen(ls, 1) == 0);
    int a = -1;
    std::thread acceptor([&] { a = s.accept(ls, nullptr, nullptr); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const int c = s.socket(af_unix, sock_stream, 0);
    CHECK(s.connect(c, L.sa(), L.len) == 0);
    acceptor.join();
    CHECK(a >= 0);
    // A reader sleeping on an empty socket sees the peer's close as EOF.
    long eof = -1;
    std::thread r2([&] { eof = s.recv(a, b, 8, 0); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    s.close(c);
    r2.join();
    CHECK(eof == 0);
    UNIX_OK(s);
    for (int fd : {sv[0], sv[1], ls, a})
        s.close(fd);
    CHECK(s.empty());
}

#endif
