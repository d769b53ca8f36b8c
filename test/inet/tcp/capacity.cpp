// PF_INET TCP at the edges of the static pools: as many connections as the
// tcp pool holds, then the SYN dropped (the client stays in SYN_SENT, as
// Linux does when it cannot make the child) and socket() failing with
// ENOMEM; and every allocation of a connection's life failed in turn
// (fail_nth), leaving nothing behind.
#include "support.hpp"

using namespace tcp_test;

namespace {
struct small_config : default_config {
    template <class P>
    static constexpr std::size_t proto_objects = 7;
    static constexpr std::size_t skbs = 16;
    static constexpr std::size_t skb_data_size = 256;
};
struct fault_config : small_config {
    using fault = fail_nth;
};
} // namespace

TEST_CASE("inet_tcp capacity: connections up to the tcp pool, then SYN dropped, ENOMEM") {
    auto s = fresh<stack<small_config>>();
    std::uint16_t port = 0;
    const int l = listener(*s, port, 16);
    const sockaddr_in a = lo(port);
    int cs[3], as[3];
    for (int i = 0; i < 3; ++i) {
        cs[i] = tcp(*s);
        CHECK(s->connect(cs[i], sa(a), sin_len) == -einprogress);
        CHECK(state(*s, cs[i]) == tcp_established);
        as[i] = s->accept(l, nullptr, nullptr);
        CHECK(as[i] >= 0);
    }
    // 7 objects: the listener and three pairs. One more client cannot be
    // created; close a pair and a client fits, but its child does not.
    CHECK(s->socket(af_inet, sock_stream, 0) == -enomem);
    s->close(cs[2]);
    s->close(as[2]); // LAST_ACK: the orphan waits for the delayed ACK
    s->advance(100);
    const int c = tcp(*s);
    CHECK(s->connect(c, sa(a), sin_len) == -einprogress);
    CHECK(state(*s, c) == tcp_established);
    check(*s);
    CHECK(s->socket(af_inet, sock_stream, 0) == -enomem); // c's child took the last one
    s->close(as[0]); // FIN_WAIT1 orphan, then (delayed ACK) a FIN_WAIT2 mini-sock
    s->advance(100);
    CHECK(state(*s, cs[0]) == tcp_close_wait);
    const int d = tcp(*s);
    CHECK(s->connect(d, sa(a), sin_len) == -einprogress);
    CHECK(state(*s, d) == tcp_syn_sent); // no room for the child: the SYN is dropped
    CHECK(s->connect(d, sa(a), sin_len) == -ealready);
    s->close(cs[0]);
    s->advance(1000); // the retransmitted SYN finds room
    CHECK(state(*s, d) == tcp_established);
    check(*s);
    // The send side: 16 skbs of 256 bytes in the whole stack.
    char buf[512] = {};
    long total = 0;
    for (;;) {
        const long r = s->send(cs[1], buf, sizeof(buf), 0);
        if (r < 0) {
            CHECK(r == -eagain);
            break;
        }
        total += r;
    }
    CHECK(total > 0);
    CHECK(s->skbs_in_use() <= small_config::skbs);
    check(*s);
    for (int fd : {cs[1], as[1], c, d, l})
        s->close(fd);
    for (int i = 0; i < 61; ++i)
        s->advance(1000);
    check(*s);
    CHECK(s->empty());
}

TEST_CASE("inet_tcp capacity: every allocation failed in turn leaks nothing") {
    int failures = 0;
    for (unsigned long n = 1; n < 400; ++n) {
        auto s = fresh<stack<fault_config>>();
        s->fault().reset(n);
        std::uint16_t port = 0;
        const int l = s->socket(af_inet, sock_stream | sock_nonblock, 0);
        int c = -1, a = -1;
        if (l >= 0) {
            const sockaddr_in any = lo(0);
            s->bind(l, sa(any), sin_len);
            s->listen(l, 4);
            port = l >= 0 ? local_port(*s, l) : 0;
            c = s->socket(af_inet, sock_stream | sock_nonblock, 0);
        }
        if (c >= 0) {
            const sockaddr_in to = lo(port);
            s->connect(c, sa(to), sin_len);
            s->connect(c, sa(to), sin_len);
            a = s->accept4(l, nullptr, nullptr, sock_nonblock);
            char buf[700] = {};
            s->send(c, buf, sizeof(buf), 0);
            if (a >= 0) {
                s->recv(a, buf, 300, 0);
                s->send(a, buf, 300, 0);
                s->shutdown(a, shut_wr);
            }
            s->recv(c, buf, sizeof(buf), 0);
        }
        check(*s);
        const bool failed = s->fault().failed;
        s->fault().reset(0);
        for (int fd : {c, a, l})
            if (fd >= 0)
                s->close(fd);
        for (int i = 0; i < 200; ++i)
            s->advance(1000);
        check(*s);
        CHECK(s->empty());
        if (!failed)
            break;
        ++failures;
    }
    CHECK(failures > 5);
}
