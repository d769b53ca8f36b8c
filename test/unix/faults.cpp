// test/unix/faults.cpp: every allocation of the PF_UNIX data path failing in
// turn (fail_nth): connect (the server end: sk_alloc -> ENOMEM; the skb that
// carries it: ENOBUFS), sends (ENOBUFS) leave nothing behind; and the
// readiness callbacks fire where Linux calls sk_data_ready, sk_write_space
// and sk_state_change.
#include <vector>

#include "fixture.hpp"

using namespace unix_test;

namespace {
struct counts {
    std::size_t skbs, socks_stream, socks_dgram;
    int inuse;
    bool operator==(const counts&) const = default;
};
counts snap(FS& s) {
    return {s.skbs_in_use(), s.objects_in_use<unix_domain::unix_stream_proto>(),
            s.objects_in_use<unix_domain::unix_dgram_proto>(), s.net().sock_inuse};
}
} // namespace

TEST_CASE("unix faults: connect's allocations fail cleanly") {
    FS& s = the_fault_stack();
    for (int type : {sock_stream, sock_seqpacket}) {
        CAPTURE(type);
        uname L("un-fault");
        const int ls = s.socket(af_unix, type | sock_nonblock, 0);
        REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
        REQUIRE(s.listen(ls, 4) == 0);
        const int c = s.socket(af_unix, type | sock_nonblock, 0);
        const counts before = snap(s);
        s.fault().reset(0);
        REQUIRE(s.connect(c, L.sa(), L.len) == 0);
        const unsigned long points = s.fault().count;
        CHECK(points == 2); // sk_alloc, then the skb
        // Undo: accept and close the server end, reconnect a fresh client.
        const int a = s.accept(ls, nullptr, nullptr);
        REQUIRE(a >= 0);
        s.close(a);
        s.close(c);
        const int c2 = s.socket(af_unix, type | sock_nonblock, 0);
        const counts base = snap(s);
        for (unsigned long n = 1; n <= points; ++n) {
            CAPTURE(n);
            s.fault().reset(n);
            const int r = s.connect(c2, L.sa(), L.len);
            CHECK(s.fault().failed);
            CHECK(r == (s.fault().last_failed == fault_site::sk_alloc ? -enomem : -enobufs));
            CHECK(snap(s) == base);
            UNIX_OK(s);
        }
        s.fault().reset(0);
        (void)before;
        s.close(c2);
        s.close(ls);
        CHECK(s.empty());
    }
}

TEST_CASE("unix faults: a send whose skb cannot be had") {
    FS& s = the_fault_stack();
    for (int type : {sock_stream, sock_dgram, sock_seqpacket}) {
        CAPTURE(type);
        int sv[2];
        REQUIRE(s.socketpair(af_unix, type | sock_nonblock, 0, sv) == 0);
        const counts base = snap(s);
        s.fault().reset(1);
        CHECK(s.send(sv[0], scratch(), 5000, 0) == -enobufs);
        CHECK(snap(s) == base);
        // The third chunk of a 3-chunk message (2048-byte chunks).
        s.fault().reset(3);
        CHECK(s.send(sv[0], scratch(), 5000, 0) == -enobufs);
        CHECK(snap(s) == base);
        s.fault().reset(0);
        UNIX_OK(s);
        s.close(sv[0]);
        s.close(sv[1]);
        CHECK(s.empty());
    }
    // A stream send that fails after the first skb went reports what it sent.
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    s.fault().reset(19); // 36544 bytes take 18 chunks: the 2nd skb fails
    CHECK(s.send(sv[0], scratch(), 100000, 0) == 36544);
    s.fault().reset(0);
    CHECK(s.recv(sv[1], scratch(), 100000, 0) == 36544);
    s.close(sv[0]);
    s.close(sv[1]);
    CHECK(s.empty());
}

namespace {
struct event {
    const ksock::socket* so;
    unsigned events;
};
std::vector<event> events_seen;
void on_wakeup(void*, ksock::socket& so, unsigned ev) {
    events_seen.push_back({&so, ev});
}
bool saw(const ksock::socket* so, unsigned bit) {
    for (const event& e : events_seen)
        if (e.so == so && (e.events & bit))
            return true;
    return false;
}
} // namespace

TEST_CASE("unix callbacks: data_ready, write_space, state_change") {
    S& s = the_stack();
    s.set_wakeup(on_wakeup, nullptr);
    int sv[2];
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    ksock::socket* a = s.socket_of(sv[0]);
    ksock::socket* b = s.socket_of(sv[1]);
    events_seen.clear();
    send_str(s, sv[0], "hello");
    CHECK(saw(b, pollin));
    CHECK(!saw(a, pollin));
    events_seen.clear();
    char buf[8];
    CHECK(s.recv(sv[1], buf, 8, 0) == 5);
    CHECK(saw(a, pollout)); // unix_write_space on the sender
    events_seen.clear();
    CHECK(s.shutdown(sv[0], shut_wr) == 0);
    CHECK(saw(a, pollhup));
    CHECK(saw(b, pollhup));
    events_seen.clear();
    s.close(sv[0]);
    CHECK(saw(b, pollhup));
    // A listener hears of a connection.
    uname L("un-cb");
    const int ls = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
    REQUIRE(s.listen(ls, 1) == 0);
    const int c = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    events_seen.clear();
    REQUIRE(s.connect(c, L.sa(), L.len) == 0);
    CHECK(saw(s.socket_of(ls), pollin));
    s.set_wakeup(nullptr, nullptr);
    s.close(sv[1]);
    s.close(c);
    s.close(ls);
    CHECK(s.empty());
}

TEST_CASE("unix faults: accept's allocations fail, the connection stays queued") {
    FS& s = the_fault_stack();
    uname L("un-acc");
    const int ls = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    REQUIRE(s.bind(ls, L.sa(), L.len) == 0);
    REQUIRE(s.listen(ls, 4) == 0);
    const int c = s.socket(af_unix, sock_stream | sock_nonblock, 0);
    REQUIRE(s.connect(c, L.sa(), L.len) == 0);
    REQUIRE(send_str(s, c, "hi") == 2);
    const counts base = snap(s);
    const std::size_t sockets = s.sockets_in_use();
    for (unsigned long n = 1; n <= 3; ++n) { // fd, sock_alloc, file
        CAPTURE(n);
        s.fault().reset(n);
        const int r = s.accept(ls, nullptr, nullptr);
        REQUIRE(s.fault().failed);
        CHECK(r == (s.fault().last_failed == fault_site::fd_alloc ? -emfile : -enfile));
        CHECK(snap(s) == base);
        CHECK(s.sockets_in_use() == sockets);
        CHECK(pmask(s, ls) == in);
        UNIX_OK(s);
    }
    s.fault().reset(0);
    const int a = s.accept(ls, nullptr, nullptr);
    REQUIRE(a >= 0);
    CHECK(recv_str(s, a, 8) == "hi");
    for (int fd : {ls, c, a})
        s.close(fd);
    CHECK(s.empty());
}
