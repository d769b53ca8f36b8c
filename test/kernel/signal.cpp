// test/kernel/signal.cpp: interrupting a task's blocking call
// (kernel/signal.hpp, stack::interrupt), across threads, with what Linux 6.18
// returns in each case. The values were taken on the host with a C program
// that sends SIGUSR1 (handler with and without SA_RESTART) to a thread
// blocked in each call:
//   recv (TCP, UDP, AF_UNIX), accept, blocking send to a full buffer, poll,
//   unix dgram send to a full peer, unix and TCP connect to a full backlog:
//     EINTR; with SA_RESTART the call restarts, but not with SO_RCVTIMEO or
//     SO_SNDTIMEO set, and poll never restarts;
//   recv(MSG_WAITALL) with 3 of 10 bytes there: 3; a send that moved part of
//     its data: that count;
//   after an interrupted TCP connect the socket stays in SYN_SENT and a
//   second (non-blocking) connect is EALREADY.
// An interruption that comes before the call sleeps is kept for the wait
// (an RTOS cancel is not lost), so the results below do not depend on
// which thread runs first.
//
// Host only (std::thread): linked into ksock_threads (ctest "threads"); the
// tsan presets run it under ThreadSanitizer.
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/policy/condvar_wait.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

struct blocking_config : default_config {
    //! More than one socket's default send buffer (278 small AF_UNIX
    //! messages, 219264 stream bytes) holds: a full buffer, not an empty
    //! skb pool (ENOBUFS), is what blocks.
    static constexpr std::size_t skbs = 320;
    using lock = std::mutex;
    using wait = condvar_wait;
};
using BS = stack<blocking_config>;

BS& the_stack() {
    static BS s;
    REQUIRE(s.empty());
    return s;
}

//! Run \p call on another thread (as task 0, the only caller), interrupt
//! task 0 after \p ms milliseconds (restarting when \p restart), then run
//! \p after (e.g. give the restarted call what it waits for); the call's
//! result.
template <class Call, class After>
long interrupted(BS& s, Call call, bool restart, After after, int ms = 20) {
    long r = 0;
    std::thread t([&] { r = call(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    s.interrupt(0, restart);
    after();
    t.join();
    return r;
}
template <class Call>
long interrupted(BS& s, Call call, bool restart = false) {
    return interrupted(s, call, restart, [] {});
}

sockaddr_in loopback(std::uint16_t port_be = 0) {
    sockaddr_in a{};
    a.sin_family = af_inet;
    a.sin_addr.s_addr = cpu_to_be32(0x7f000001);
    a.sin_port = port_be;
    return a;
}
const sockaddr* sa(const sockaddr_in& a) {
    return reinterpret_cast<const sockaddr*>(&a);
}

//! A listener on 127.0.0.1 (backlog \p backlog) and its address.
int tcp_listener(BS& s, int backlog, sockaddr_in& addr) {
    const int l = s.socket(af_inet, sock_stream, 0);
    addr = loopback();
    REQUIRE(s.bind(l, sa(addr), sizeof addr) == 0);
    socklen_t n = sizeof addr;
    REQUIRE(s.getsockname(l, reinterpret_cast<sockaddr*>(&addr), &n) == 0);
    REQUIRE(s.listen(l, backlog) == 0);
    return l;
}

struct tcp_conn {
    int l, c, a;
};
tcp_conn tcp_pair(BS& s) {
    sockaddr_in addr{};
    tcp_conn t{};
    t.l = tcp_listener(s, 1, addr);
    t.c = s.socket(af_inet, sock_stream, 0);
    REQUIRE(s.connect(t.c, sa(addr), sizeof addr) == 0);
    t.a = s.accept(t.l, nullptr, nullptr);
    REQUIRE(t.a >= 0);
    return t;
}

void set_timeo(BS& s, int fd, int opt, long sec) {
    ksock::timeval tv{sec, 0};
    REQUIRE(s.setsockopt(fd, sol_socket, opt, &tv, sizeof tv) == 0);
}

//! Send with MSG_DONTWAIT until the socket is full.
long fill(BS& s, int fd, const char* buf, std::size_t len) {
    long total = 0;
    for (int i = 0; i < 100000; ++i) {
        const long r = s.send(fd, buf, len, msg_dontwait);
        if (r <= 0)
            break;
        total += r;
    }
    return total;
}

char big[1 << 20];

void close_all(BS& s, std::initializer_list<int> fds) {
    for (int fd : fds)
        CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}

} // namespace

template <class S>
concept interruptible = requires(S& s) {
    s.interrupt(0, true);
};

TEST_CASE("interrupt: a stack that cannot sleep has nothing to interrupt") {
    STATIC_REQUIRE(!interruptible<stack<default_config>>);
    STATIC_REQUIRE(interruptible<BS>);
}

TEST_CASE("interrupt: TCP recv, send and accept as Linux ends them") {
    BS& s = the_stack();
    tcp_conn t = tcp_pair(s);
    char b[16];
    // No timeout: EINTR, or a restart that then gets the data.
    CHECK(interrupted(s, [&] { return s.recv(t.a, b, 10, 0); }) == -eintr);
    CHECK(interrupted(
              s, [&] { return s.recv(t.a, b, 10, 0); }, true,
              [&] { CHECK(s.send(t.c, "zz", 2, 0) == 2); }) == 2);
    CHECK(std::memcmp(b, "zz", 2) == 0);
    // SO_RCVTIMEO set: EINTR even when the interruption asks for a restart.
    set_timeo(s, t.a, so_rcvtimeo, 5);
    CHECK(interrupted(
              s, [&] { return s.recv(t.a, b, 10, 0); }, true) == -eintr);
    set_timeo(s, t.a, so_rcvtimeo, 0);
    // What was read is returned, interrupted or not, restart or not.
    REQUIRE(s.send(t.c, "abc", 3, 0) == 3);
    CHECK(interrupted(s, [&] { return s.recv(t.a, b, 10, msg_waitall); }) == 3);
    REQUIRE(s.send(t.c, "abc", 3, 0) == 3);
    CHECK(interrupted(
              s, [&] { return s.recv(t.a, b, 10, msg_waitall); }, true) == 3);
    // A full send buffer: EINTR; with room for part, that part.
    REQUIRE(fill(s, t.c, big, sizeof big) > 0);
    CHECK(interrupted(s, [&] { return s.send(t.c, big, sizeof big, 0); }) == -eintr);
    for (long got = 0; got < 100000;) {
        const long r = s.recv(t.a, big, static_cast<std::size_t>(100000 - got), 0);
        REQUIRE(r > 0);
        got += r;
    }
    const long part = interrupted(s, [&] { return s.send(t.c, big, sizeof big, 0); });
    CHECK(part > 0);
    CHECK(part < static_cast<long>(sizeof big));
    // accept: EINTR, or a restart that takes the next connection.
    CHECK(interrupted(s, [&] { return s.accept(t.l, nullptr, nullptr); }) == -eintr);
    sockaddr_in addr{};
    socklen_t n = sizeof addr;
    REQUIRE(s.getsockname(t.l, reinterpret_cast<sockaddr*>(&addr), &n) == 0);
    const int c2 = s.socket(af_inet, sock_stream, 0);
    const long a2 = interrupted(
        s, [&] { return s.accept(t.l, nullptr, nullptr); }, true,
        [&] { CHECK(s.connect(c2, sa(addr), sizeof addr) == 0); });
    CHECK(a2 >= 0);
    close_all(s, {t.l, t.c, t.a, c2, static_cast<int>(a2)});
}

TEST_CASE("interrupt: poll is EINTR, never restarted") {
    BS& s = the_stack();
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    pollfd p{sv[0], pollin, 0};
    CHECK(interrupted(
              s, [&] { return static_cast<long>(s.poll(&p, 1, -1)); }, true) == -eintr);
    CHECK(interrupted(s, [&] { return static_cast<long>(s.poll(&p, 1, 5000)); }) == -eintr);
    // Something ready: the count, and the interruption is taken with it.
    REQUIRE(s.send(sv[1], "x", 1, 0) == 1);
    CHECK(interrupted(
              s, [&] { return static_cast<long>(s.poll(&p, 1, -1)); }, false) == 1);
    CHECK(s.poll(&p, 1, 0) == 1);
    close_all(s, {sv[0], sv[1]});
}

TEST_CASE("interrupt: UDP and AF_UNIX receives and sends") {
    BS& s = the_stack();
    char b[16];
    const int u = s.socket(af_inet, sock_dgram, 0);
    sockaddr_in ua = loopback();
    REQUIRE(s.bind(u, sa(ua), sizeof ua) == 0);
    socklen_t n = sizeof ua;
    REQUIRE(s.getsockname(u, reinterpret_cast<sockaddr*>(&ua), &n) == 0);
    CHECK(interrupted(s, [&] { return s.recv(u, b, 10, 0); }) == -eintr);
    CHECK(interrupted(
              s, [&] { return s.recv(u, b, 10, 0); }, true,
              [&] { CHECK(s.sendto(u, "dgram", 5, 0, sa(ua), sizeof ua) == 5); }) == 5);

    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream, 0, sv) == 0);
    CHECK(interrupted(s, [&] { return s.recv(sv[0], b, 10, 0); }) == -eintr);
    REQUIRE(s.send(sv[1], "abc", 3, 0) == 3);
    CHECK(interrupted(s, [&] { return s.recv(sv[0], b, 10, msg_waitall); }) == 3);
    REQUIRE(fill(s, sv[1], big, sizeof big) > 0);
    CHECK(interrupted(s, [&] { return s.send(sv[1], big, sizeof big, 0); }) == -eintr);

    // (The stream's skbs back to the pool: the datagrams need 278.)
    CHECK(s.close(sv[0]) == 0);
    CHECK(s.close(sv[1]) == 0);
    int dv[2];
    REQUIRE(s.socketpair(af_unix, sock_dgram, 0, dv) == 0);
    REQUIRE(fill(s, dv[1], "x", 1) == 278);
    CHECK(interrupted(s, [&] { return s.send(dv[1], "x", 1, 0); }) == -eintr);
    // An unconnected sender to a receiver whose queue is full (11 datagrams:
    // net.unix.max_dgram_qlen 10, and one more gets in) waits for room.
    sockaddr_un un{};
    un.sun_family = af_unix;
    std::memcpy(un.sun_path + 1, "intr-r", 6);
    const auto ul = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 7);
    const auto* usa = reinterpret_cast<const sockaddr*>(&un);
    const int r = s.socket(af_unix, sock_dgram, 0);
    REQUIRE(s.bind(r, usa, ul) == 0);
    const int w = s.socket(af_unix, sock_dgram, 0);
    int queued = 0;
    while (queued < 100 && s.sendto(w, "x", 1, msg_dontwait, usa, ul) == 1)
        ++queued;
    CHECK(queued == 11);
    CHECK(interrupted(s, [&] { return s.sendto(w, "x", 1, 0, usa, ul); }) == -eintr);
    close_all(s, {u, dv[0], dv[1], r, w});
}

TEST_CASE("interrupt: connect to a full backlog, AF_UNIX and TCP") {
    BS& s = the_stack();
    sockaddr_un un{};
    un.sun_family = af_unix;
    std::memcpy(un.sun_path + 1, "intr-l", 6);
    const auto ul = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 7);
    const auto* usa = reinterpret_cast<const sockaddr*>(&un);
    const int L = s.socket(af_unix, sock_stream, 0);
    REQUIRE(s.bind(L, usa, ul) == 0);
    REQUIRE(s.listen(L, 0) == 0);
    const int c1 = s.socket(af_unix, sock_stream, 0);
    REQUIRE(s.connect(c1, usa, ul) == 0);
    const int c2 = s.socket(af_unix, sock_stream, 0);
    CHECK(interrupted(s, [&] { return static_cast<long>(s.connect(c2, usa, ul)); }) == -eintr);
    // Restarted: it waits again, and gets in once the listener accepts.
    int a1 = -1;
    CHECK(interrupted(
              s, [&] { return static_cast<long>(s.connect(c2, usa, ul)); }, true,
              [&] {
                  std::this_thread::sleep_for(std::chrono::milliseconds(20));
                  a1 = s.accept(L, nullptr, nullptr);
              }) == 0);
    CHECK(a1 >= 0);

    sockaddr_in addr{};
    const int tl = tcp_listener(s, 0, addr);
    const int t1 = s.socket(af_inet, sock_stream, 0);
    REQUIRE(s.connect(t1, sa(addr), sizeof addr) == 0);
    const int t2 = s.socket(af_inet, sock_stream, 0);
    CHECK(interrupted(s, [&] { return static_cast<long>(s.connect(t2, sa(addr), sizeof addr)); }) ==
          -eintr);
    // The handshake goes on: SYN_SENT, and a second connect is EALREADY.
    tcp_info_t ti{};
    socklen_t tl_len = sizeof ti;
    REQUIRE(s.getsockopt(t2, ipproto_tcp, tcp_info, &ti, &tl_len) == 0);
    CHECK(ti.tcpi_state == tcp_syn_sent);
    REQUIRE(s.fcntl(t2, f_setfl, o_nonblock) == 0);
    CHECK(s.connect(t2, sa(addr), sizeof addr) == -ealready);
    close_all(s, {L, c1, c2, a1, tl, t1, t2});
}
