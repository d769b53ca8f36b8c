// examples/echo.cpp: a TCP echo server and its client in one program, over
// the stack's loopback, driven by poll() as an event loop would be.
//
// Both ends are non-blocking. The client connects (EINPROGRESS, as on
// Linux), the server accepts when poll says the listener is readable, the
// client sends three requests, the server echoes each, and the client
// checks the replies. The second request runs with tracing on, so the
// program prints the path one request takes through the stack: the send,
// tcp_sendmsg, the segment over lo, sk_data_ready on the server's socket,
// and the receive. A readiness callback counts the wake-ups an RTOS task
// would sleep on. Returns non-zero on any mismatch.
#include <cstdio>
#include <cstring>

#include <ksock/ksock.hpp>

namespace {

//! print_trace, switched on for one request only.
struct gated_trace {
    static constexpr bool enabled = true;
    bool on = false;
    ksock::print_trace out;
    void enter(const char* fn) noexcept {
        if (on)
            out.enter(fn);
    }
    void leave(const char* fn, int ret) noexcept {
        if (on)
            out.leave(fn, ret);
    }
    void field(const char* n, long long v) noexcept {
        if (on)
            out.field(n, v);
    }
    void field(const char* n, long long v, ksock::value_format f) noexcept {
        if (on)
            out.field(n, v, f);
    }
    void text(const char* n, const char* v) noexcept {
        if (on)
            out.text(n, v);
    }
    void note(const char* m) noexcept {
        if (on)
            out.note(m);
    }
};

struct echo_config : ksock::default_config {
    using trace = gated_trace;
};

ksock::stack<echo_config> lo;
int failures = 0;
int wakeups = 0;

void check(bool ok, const char* what) {
    if (!ok) {
        std::printf("!! CHECK FAILED: %s\n", what);
        ++failures;
    }
}

ksock::sockaddr_in loopback(std::uint16_t port) {
    ksock::sockaddr_in a{};
    a.sin_family = ksock::af_inet;
    a.sin_port = ksock::cpu_to_be16(port);
    a.sin_addr.s_addr = ksock::cpu_to_be32(ksock::inaddr_loopback);
    return a;
}
//! Did poll report \p bit for \p p?
bool has(const ksock::pollfd& p, unsigned bit) {
    return (static_cast<unsigned short>(p.revents) & bit) != 0;
}
const ksock::sockaddr* sa(const ksock::sockaddr_in& a) {
    return reinterpret_cast<const ksock::sockaddr*>(&a);
}

} // namespace

int main() {
    using namespace ksock;
    std::printf("ksock echo example: a TCP echo server and its client over lo, driven by "
                "poll();\nthe second request is traced through the data path.\n\n");
    lo.set_wakeup([](void*, ksock::socket&, unsigned) { ++wakeups; }, nullptr);

    // The server: bound to 127.0.0.1:7, listening.
    const int lfd = lo.socket(pf_inet, sock_stream | sock_nonblock, 0);
    const sockaddr_in addr = loopback(7);
    check(lo.bind(lfd, sa(addr), sizeof addr) == 0, "bind 127.0.0.1:7");
    check(lo.listen(lfd, 8) == 0, "listen");

    // The client: a non-blocking connect is in progress when it returns,
    // even on loopback, exactly as on Linux.
    const int cfd = lo.socket(pf_inet, sock_stream | sock_nonblock, 0);
    check(lo.connect(cfd, sa(addr), sizeof addr) == -einprogress, "connect: EINPROGRESS");

    const char* requests[] = {"hello", "ksock over lo", "bye"};
    int sfd = -1;
    int sent = 0, answered = 0;
    bool client_done = false, server_done = false;
    for (int round = 0; round < 50 && !(client_done && server_done); ++round) {
        pollfd fds[3] = {{lfd, static_cast<short>(ksock::pollin), 0},
                         {cfd, static_cast<short>(ksock::pollin | ksock::pollout), 0},
                         {sfd, static_cast<short>(ksock::pollin), 0}};
        const int ready = lo.poll(fds, 3, 0);
        check(ready > 0, "poll finds work every round");

        if (has(fds[0], pollin)) { // a connection to accept
            sockaddr_in peer{};
            socklen_t len = sizeof peer;
            sfd = lo.accept4(lfd, reinterpret_cast<sockaddr*>(&peer), &len, sock_nonblock);
            check(sfd >= 0, "accept4");
            check(len == sizeof peer && peer.sin_addr.s_addr == addr.sin_addr.s_addr,
                  "the peer is 127.0.0.1");
            std::printf("server: accepted fd %d from 127.0.0.1:%u\n", sfd,
                        be16_to_cpu(peer.sin_port));
        }
        if (has(fds[2], pollin)) { // the server echoes what it reads
            char buf[64];
            const long n = lo.recv(sfd, buf, sizeof buf, 0);
            if (n > 0) {
                check(lo.send(sfd, buf, static_cast<std::size_t>(n), 0) == n, "echo");
            } else if (n == 0) { // the client shut down: close our side
                std::printf("server: end of stream, closing\n");
                check(lo.close(sfd) == 0, "server close");
                server_done = true;
            }
        }
        if (has(fds[1], pollout) && sent == answered && sent < 3) {
            lo.trace().on = sent == 1; // trace the second request end to end
            if (lo.trace().on)
                std::printf("--- the path of request 2 ---\n");
            const std::size_t len = std::strlen(requests[sent]);
            check(lo.send(cfd, requests[sent], len, 0) == static_cast<long>(len), "request");
            ++sent;
        }
        if (has(fds[1], pollin)) {
            char buf[64];
            const long n = lo.recv(cfd, buf, sizeof buf, 0);
            if (n > 0) {
                lo.trace().on = false;
                const char* want = requests[answered];
                check(n == static_cast<long>(std::strlen(want)) &&
                          std::memcmp(buf, want, static_cast<std::size_t>(n)) == 0,
                      "the reply echoes the request");
                std::printf("client: reply %d \"%.*s\"\n", answered + 1, static_cast<int>(n), buf);
                if (++answered == 3)
                    check(lo.shutdown(cfd, shut_wr) == 0, "client shutdown(SHUT_WR)");
            } else if (n == 0) {
                std::printf("client: the server closed\n");
                client_done = true;
            }
        }
    }
    check(client_done && server_done, "both ends finished");
    check(lo.close(cfd) == 0 && lo.close(lfd) == 0, "close");
    check(wakeups > 0, "the readiness callback ran");
    std::printf("readiness callbacks: %d, sockets left: %lu\n", wakeups,
                static_cast<unsigned long>(lo.sockets_in_use()));
    check(lo.sockets_in_use() == 0 && lo.files_in_use() == 0, "nothing left open");
    return failures;
}
