// test/hardening/faults.cpp: fault injection at every allocation point of
// socket(), socketpair(), dup() and fcntl(F_DUPFD), and a security policy
// denying at every hook point. Each path is run once with fail_nth::reset(0)
// to count its allocation points, then once per point with that point failing:
// the call must return the errno Linux returns there (sock_alloc -> ENFILE,
// sk_alloc -> ENOMEM, alloc_empty_file -> ENFILE, get_unused_fd_flags ->
// EMFILE; socketpair reserves both fds first, spec §8.2) and leave the stack
// exactly as it was: pools, namespace counters, the raw hash, the whole fd
// table (bitmaps, next_fd, installed files) and check_invariants().
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/ksock.hpp>

namespace {

using namespace ksock;

enum class hook : int { none, create, post_create, socketpair };

//! An LSM that denies at the nth call of one chosen hook with a chosen errno,
//! and counts every call of every hook.
struct deny_at {
    hook at = hook::none;
    int nth = 1;
    int err = 0;
    int calls[4] = {};

    int decide(hook h) {
        const int n = ++calls[static_cast<int>(h)];
        return h == at && n == nth ? err : 0;
    }
    void arm(hook h, int n, int e) {
        at = h;
        nth = n;
        err = e;
        for (int& c : calls)
            c = 0;
    }
    int socket_create(const cred&, int, int, int, int) { return decide(hook::create); }
    int socket_post_create(ksock::socket&, int, int, int, int) { return decide(hook::post_create); }
    int socket_socketpair(ksock::socket&, ksock::socket&) { return decide(hook::socketpair); }
};

struct fault_config : default_config {
    static constexpr std::size_t max_fds = 16;
    static constexpr std::size_t max_sockets = 8;
    template <class P>
    static constexpr std::size_t proto_objects = 3;
    using fault = fail_nth;
    using security = type_list<deny_at>;
};
using S = stack<fault_config>;
constexpr std::size_t nfds = fault_config::max_fds;

//! Everything a failed call must leave as it found it.
struct state {
    std::size_t sockets, files, skbs;
    std::size_t objects[7];
    int sock_inuse, sockets_allocated, raw_hashed;
    ksock::file* fd[nfds];
    unsigned long open_fds[fdtable<nfds>::words];
    unsigned long close_on_exec[fdtable<nfds>::words]; //!< of the open fds
    unsigned next_fd;

    bool operator==(const state& o) const {
        auto same = [](const auto& a, const auto& b) {
            for (std::size_t i = 0; i < sizeof a / sizeof a[0]; ++i)
                if (a[i] != b[i])
                    return false;
            return true;
        };
        return sockets == o.sockets && files == o.files && skbs == o.skbs &&
               same(objects, o.objects) && sock_inuse == o.sock_inuse &&
               sockets_allocated == o.sockets_allocated && raw_hashed == o.raw_hashed &&
               same(fd, o.fd) && same(open_fds, o.open_fds) &&
               same(close_on_exec, o.close_on_exec) && next_fd == o.next_fd;
    }
};

state snap(S& s) {
    static_assert(S::protos::size == 7, "snap() lists every proto of the default families");
    state st{};
    st.sockets = s.sockets_in_use();
    st.files = s.files_in_use();
    st.skbs = s.skbs_in_use();
    st.objects[0] = s.objects_in_use<inet::tcp_prot>();
    st.objects[1] = s.objects_in_use<inet::udp_prot>();
    st.objects[2] = s.objects_in_use<inet::ping_prot>();
    st.objects[3] = s.objects_in_use<inet::raw_prot>();
    st.objects[4] = s.objects_in_use<unix_domain::unix_stream_proto>();
    st.objects[5] = s.objects_in_use<unix_domain::unix_dgram_proto>();
    st.objects[6] = s.objects_in_use<inet::udplite_prot>();
    st.sock_inuse = s.net().sock_inuse;
    st.sockets_allocated = s.net().sockets_allocated;
    st.raw_hashed = s.proto_state<inet::raw_prot>().count;
    const auto& t = s.current().files;
    for (std::size_t i = 0; i < nfds; ++i)
        st.fd[i] = t.fd[i];
    for (std::size_t w = 0; w < t.words; ++w) {
        st.open_fds[w] = t.open_fds[w];
        // A free fd's close-on-exec bit is stale until alloc_fd sets it.
        st.close_on_exec[w] = t.close_on_exec[w] & t.open_fds[w];
    }
    st.next_fd = t.next_fd;
    return st;
}

//! The errno Linux returns when the allocation at \p site fails.
int errno_of(fault_site site) {
    switch (site) {
    case fault_site::sock_alloc:
        return -enfile; // sock_alloc: "not exactly a match"
    case fault_site::sk_alloc:
        return -enomem;
    case fault_site::file_alloc:
        return -enfile; // alloc_empty_file
    case fault_site::fd_alloc:
        return -emfile;
    case fault_site::skb_alloc:
        return -enobufs; // alloc_skb in sock_alloc_send_pskb; no creation call allocates one
    }
    return 0;
}

//! What one call did: its result and the fds it opened.
struct outcome {
    int ret;
    int fds[2];
    int nfds;
};

outcome opened(int fd) {
    return fd >= 0 ? outcome{fd, {fd, -1}, 1} : outcome{fd, {-1, -1}, 0};
}

struct totals {
    unsigned long fault_points = 0;
    unsigned long hook_points = 0;
    bool entry_seen[S::entry_count] = {};
};

//! Runs \p call once to count its allocation points (expected, in order:
//! \p sites), then fails each point in turn and checks the errno and that
//! nothing changed; finally the same call succeeds again with the same fds.
template <class Call, std::size_t N>
void every_point(S& s, totals& tot, const char* what, Call call, const fault_site (&sites)[N]) {
    INFO("path: " << std::string(what));
    REQUIRE(s.check_invariants());
    const state before = snap(s);

    s.fault().reset(0);
    const outcome ok = call(s);
    const unsigned long points = s.fault().count;
    CHECK(!s.fault().failed);
    REQUIRE(points == N);
    for (int i = 0; i < ok.nfds; ++i) {
        ksock::socket* so = s.socket_of(ok.fds[i]);
        REQUIRE(so != nullptr);
        tot.entry_seen[static_cast<std::size_t>(so->ops) - 1] = true;
    }
    for (int i = 0; i < ok.nfds; ++i)
        CHECK(s.close(ok.fds[i]) == 0);
    CHECK(snap(s) == before);

    for (unsigned long n = 1; n <= points; ++n) {
        CAPTURE(n);
        s.fault().reset(n);
        const outcome r = call(s);
        REQUIRE(s.fault().failed);
        const fault_site site = s.fault().last_failed;
        CHECK(site == sites[n - 1]);
        CHECK(r.ret == errno_of(site));
        CHECK(r.nfds == 0);
        CHECK(snap(s) == before);
        const auto inv = s.check_invariants();
        CHECK_MESSAGE(inv.ok, inv.what);
        ++tot.fault_points;
    }

    // Nothing was lost: the same call gives the same result and fds.
    s.fault().reset(0);
    const outcome again = call(s);
    CHECK(again.ret == ok.ret);
    CHECK(again.nfds == ok.nfds);
    for (int i = 0; i < again.nfds; ++i) {
        CHECK(again.fds[i] == ok.fds[i]);
        CHECK(s.close(again.fds[i]) == 0);
    }
    CHECK(snap(s) == before);
}

//! A call that fails after some allocations (its own errno, e.g. EACCES from
//! ping_init_sock): every allocation point still fails cleanly.
template <class Call>
void every_point_of_failing(S& s, totals& tot, const char* what, Call call, int err,
                            unsigned long expected_points) {
    INFO("path: " << std::string(what));
    const state before = snap(s);
    s.fault().reset(0);
    CHECK(call(s).ret == err);
    const unsigned long points = s.fault().count;
    CHECK(points == expected_points);
    CHECK(snap(s) == before);
    for (unsigned long n = 1; n <= points; ++n) {
        CAPTURE(n);
        s.fault().reset(n);
        const outcome r = call(s);
        REQUIRE(s.fault().failed);
        CHECK(r.ret == errno_of(s.fault().last_failed));
        CHECK(snap(s) == before);
        CHECK(s.check_invariants().ok);
        ++tot.fault_points;
    }
    s.fault().reset(0);
}

constexpr fault_site socket_sites[] = {fault_site::sock_alloc, fault_site::sk_alloc,
                                       fault_site::fd_alloc, fault_site::file_alloc};
// __sys_socketpair: two fds, then sock_create twice, then two files.
constexpr fault_site socketpair_sites[] = {
    fault_site::fd_alloc,   fault_site::fd_alloc, fault_site::sock_alloc, fault_site::sk_alloc,
    fault_site::sock_alloc, fault_site::sk_alloc, fault_site::file_alloc, fault_site::file_alloc};
constexpr fault_site dup_sites[] = {fault_site::fd_alloc};

struct triple {
    int family, type, protocol;
};
// Every (family, type, protocol) that succeeds for root with a ping range
// that admits gid 0: every protosw entry, through its wildcard and its number.
constexpr triple creatable[] = {
    {pf_unix, sock_stream, 0},           {pf_unix, sock_dgram, 0},
    {pf_unix, sock_seqpacket, 0},        {pf_unix, sock_raw, 0},
    {pf_unix, sock_stream, pf_unix},     {pf_inet, sock_stream, 0},
    {pf_inet, sock_stream, ipproto_tcp}, {pf_inet, sock_dgram, 0},
    {pf_inet, sock_dgram, ipproto_udp},  {pf_inet, sock_dgram, ipproto_udplite},
    {pf_inet, sock_dgram, ipproto_icmp}, {pf_inet, sock_raw, ipproto_icmp},
    {pf_inet, sock_raw, ipproto_tcp},    {pf_inet, sock_raw, 255},
};
constexpr int pair_types[] = {sock_stream, sock_dgram, sock_seqpacket, sock_raw};
constexpr int flag_sets[] = {0, sock_nonblock, sock_cloexec, sock_nonblock | sock_cloexec};

//! fd 0 and 2 open, 1 free: new fds fill the hole, then go above.
void leave_a_hole(S& s) {
    REQUIRE(s.socket(pf_inet, sock_stream, 0) == 0);
    REQUIRE(s.socket(pf_unix, sock_dgram, 0) == 1);
    REQUIRE(s.socket(pf_inet, sock_dgram, 0) == 2);
    REQUIRE(s.close(1) == 0);
}

void close_all(S& s) {
    for (int fd = 0; fd < static_cast<int>(nfds); ++fd)
        (void)s.close(fd);
    CHECK(s.empty());
}

totals grand; // summed over the test cases, printed by the last one

TEST_CASE("faults: socket() at every allocation point, every family, type and flag") {
    S s;
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 0; // root's gid 0 may open ping sockets
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 0;
    leave_a_hole(s);
    for (const triple& t : creatable)
        for (int flags : flag_sets) {
            CAPTURE(t.family);
            CAPTURE(t.type);
            CAPTURE(t.protocol);
            CAPTURE(flags);
            every_point(
                s, grand, "socket",
                [&](S& st) { return opened(st.socket(t.family, t.type | flags, t.protocol)); },
                socket_sites);
        }
    // The compile-time path has the same points.
    every_point(
        s, grand, "socket<inet, stream, 0>",
        [](S& st) { return opened(st.socket<pf_inet, sock_stream, 0>()); }, socket_sites);
    every_point(
        s, grand, "socket<inet, dgram, udp>",
        [](S& st) { return opened(st.socket<pf_inet, sock_dgram, ipproto_udp>()); }, socket_sites);
    every_point(
        s, grand, "socket<unix, seqpacket, 0>",
        [](S& st) { return opened(st.socket<pf_unix, sock_seqpacket, 0>()); }, socket_sites);
    for (std::size_t e = 0; e < S::entry_count; ++e) {
        CAPTURE(e);
        CHECK(grand.entry_seen[e]); // every protosw entry was exercised
    }
    close_all(s);
}

TEST_CASE("faults: socketpair(AF_UNIX) at every allocation point") {
    S s;
    leave_a_hole(s);
    for (int type : pair_types)
        for (int flags : flag_sets) {
            CAPTURE(type);
            CAPTURE(flags);
            every_point(
                s, grand, "socketpair",
                [&](S& st) {
                    int sv[2] = {-1, -1};
                    const int r = st.socketpair(af_unix, type | flags, 0, sv);
                    return r == 0 ? outcome{0, {sv[0], sv[1]}, 2} : outcome{r, {-1, -1}, 0};
                },
                socketpair_sites);
        }
    close_all(s);
}

TEST_CASE("faults: dup() and fcntl(F_DUPFD) at their allocation point") {
    S s;
    leave_a_hole(s);
    every_point(
        s, grand, "dup", [](S& st) { return opened(st.dup(0)); }, dup_sites);
    every_point(
        s, grand, "dup of a dup", [](S& st) { return opened(st.dup(2)); }, dup_sites);
    for (long from : {0L, 1L, 3L, 7L, 15L}) {
        CAPTURE(from);
        every_point(
            s, grand, "F_DUPFD", [&](S& st) { return opened(st.fcntl(0, f_dupfd, from)); },
            dup_sites);
        every_point(
            s, grand, "F_DUPFD_CLOEXEC",
            [&](S& st) { return opened(st.fcntl(2, f_dupfd_cloexec, from)); }, dup_sites);
    }
    close_all(s);
}

TEST_CASE("faults: calls that fail later still unwind every allocation") {
    S s;
    leave_a_hole(s);
    // ping_init_sock refuses (default range "1 0"): after sock_alloc + sk_alloc.
    every_point_of_failing(
        s, grand, "ping, EACCES",
        [](S& st) { return opened(st.socket(pf_inet, sock_dgram, ipproto_icmp)); }, -eacces, 2);
    // No CAP_NET_RAW: after sock_alloc, before sk_alloc.
    s.current().cred = cred::user(1000, 1000);
    every_point_of_failing(
        s, grand, "raw as a user, EPERM",
        [](S& st) { return opened(st.socket(pf_inet, sock_raw, 255)); }, -eperm, 1);
    s.current().cred = cred::root();
    // No protocol for the type: after sock_alloc.
    every_point_of_failing(
        s, grand, "raw, protocol 0", [](S& st) { return opened(st.socket(pf_inet, sock_raw, 0)); },
        -eprotonosupport, 1);
    // socketpair(AF_INET): both sockets are built, then sock_no_socketpair.
    for (int type : {sock_stream, sock_dgram})
        every_point_of_failing(
            s, grand, "socketpair(AF_INET), EOPNOTSUPP",
            [&](S& st) {
                int sv[2] = {-1, -1};
                return outcome{st.socketpair(af_inet, type, 0, sv), {-1, -1}, 0};
            },
            -eopnotsupp, 6);
    close_all(s);
}

// --- the data path ----------------------------------------------------------
//
// Each scenario is built on a fresh stack, then one call runs with the nth
// allocation failing, for every n the call reaches. The call returns what
// Linux returns for that failure (below), the stack holds exactly what it
// held before the call, or what a clean partial result leaves; then every fd
// is closed, the clock runs past TIME_WAIT, and the stack is empty, with no
// skb left anywhere.

//! A fresh stack in static storage (no heap, no big frame: the ARM targets
//! run these tests too), constructed over the previous one.
S& fresh_stack() {
    alignas(S) static unsigned char storage[sizeof(S)];
    static_assert(std::is_trivially_destructible_v<S>,
                  "faults: the stack is reused without a destructor call");
    S& s = *::new (storage) S{};
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 0; // root may open ping sockets
    ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 0;
    return s;
}

sockaddr_in lo(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = af_inet;
    a.sin_port = ksock::cpu_to_be16(port);
    a.sin_addr.s_addr = ksock::cpu_to_be32(inaddr_loopback);
    return a;
}
const sockaddr* sa(const void* a) {
    return static_cast<const sockaddr*>(a);
}
constexpr socklen_t sin_len = sizeof(sockaddr_in);

//! "\0<c>": an abstract PF_UNIX name, and its length.
struct abstract_name {
    sockaddr_un a{};
    socklen_t len = offsetof(sockaddr_un, sun_path) + 2;
    explicit abstract_name(char c) {
        a.sun_family = af_unix;
        a.sun_path[1] = c;
    }
};

//! The fds a scenario opened (what its call works on).
struct fdset {
    int fd[4] = {-1, -1, -1, -1};
};

unsigned char payload[6000];
unsigned char sink[8000];

void fill_payload() {
    for (std::size_t i = 0; i < sizeof payload; ++i)
        payload[i] = static_cast<unsigned char>(i * 13 + 1);
}

//! Close everything, let every timer run out; nothing may be left.
void finish(S& s) {
    s.fault().reset(0);
    for (int fd = 0; fd < static_cast<int>(nfds); ++fd)
        (void)s.close(fd);
    s.advance(61000);
    const auto inv = s.check_invariants();
    CHECK_MESSAGE(inv.ok, inv.what);
    CHECK(s.skbs_in_use() == 0);
    CHECK(s.empty());
}

//! Count the allocation points of \p act on the scenario \p setup builds
//! (\p expected_points), then fail each in turn on a fresh scenario; \p check
//! judges the result, given the site that failed, the call's result without
//! a fault and the state before the call.
template <class Setup, class Act, class Check>
void every_data_point(totals& tot, const char* what, Setup setup, Act act, Check check,
                      unsigned long expected_points) {
    INFO("path: " << std::string(what));
    unsigned long points = 0;
    long ok = 0;
    {
        S& s = fresh_stack();
        const fdset f = setup(s);
        REQUIRE(s.check_invariants());
        s.fault().reset(0);
        ok = act(s, f);
        points = s.fault().count;
        CHECK(!s.fault().failed);
        CHECK(points == expected_points);
        finish(s);
    }
    for (unsigned long n = 1; n <= points; ++n) {
        CAPTURE(n);
        S& s = fresh_stack();
        const fdset f = setup(s);
        const state before = snap(s);
        s.fault().reset(n);
        const long r = act(s, f);
        REQUIRE(s.fault().failed);
        const fault_site site = s.fault().last_failed;
        CAPTURE(static_cast<int>(site));
        CAPTURE(r);
        const auto inv = s.check_invariants();
        CHECK_MESSAGE(inv.ok, inv.what);
        s.fault().reset(0);
        check(s, f, site, r, ok, before);
        finish(s);
        ++tot.fault_points;
    }
}

//! A TCP listener on 127.0.0.1:7000 (fd 0).
int tcp_listener(S& s) {
    const int l = s.socket(pf_inet, sock_stream | sock_nonblock, 0);
    const sockaddr_in a = lo(7000);
    REQUIRE(s.bind(l, sa(&a), sin_len) == 0);
    REQUIRE(s.listen(l, 4) == 0);
    return l;
}

//! fds: listener, client, accepted.
fdset tcp_connection(S& s) {
    fdset f;
    f.fd[0] = tcp_listener(s);
    f.fd[1] = s.socket(pf_inet, sock_stream | sock_nonblock, 0);
    const sockaddr_in a = lo(7000);
    REQUIRE(s.connect(f.fd[1], sa(&a), sin_len) == -einprogress);
    f.fd[2] = s.accept4(f.fd[0], nullptr, nullptr, sock_nonblock);
    REQUIRE(f.fd[2] >= 0);
    return f;
}

//! Read everything \p fd holds; it must be payload[0, n).
void drain_equals(S& s, int fd, long n) {
    long got = 0;
    for (;;) {
        const long r = s.recv(fd, sink, sizeof sink, msg_dontwait);
        if (r <= 0)
            break;
        for (long i = 0; i < r; ++i)
            if (sink[i] != payload[got + i]) {
                FAIL_CHECK("byte " << got + i << " differs");
                return;
            }
        got += r;
    }
    CHECK(got == n);
}

//! SO_ERROR: the pending error, taken.
int pending_error(S& s, int fd) {
    int v = -1;
    socklen_t len = sizeof v;
    REQUIRE(s.getsockopt(fd, sol_socket, so_error, &v, &len) == 0);
    return v;
}

TEST_CASE("faults: TCP connect, the listener's child (sk_alloc)") {
    fill_payload();
    for (int flags : {0, sock_nonblock}) {
        CAPTURE(flags);
        every_data_point(
            grand, "tcp connect",
            [&](S& s) {
                fdset f;
                f.fd[0] = tcp_listener(s);
                f.fd[1] = s.socket(pf_inet, sock_stream | flags, 0);
                return f;
            },
            [](S& s, const fdset& f) {
                const sockaddr_in a = lo(7000);
                return long{s.connect(f.fd[1], sa(&a), sin_len)};
            },
            [&](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
                CHECK(ok == (flags ? -einprogress : 0));
                const sockaddr_in a = lo(7000);
                if (site == fault_site::sk_alloc) {
                    // The listener drops the SYN (tcp_v4_syn_recv_sock
                    // fails): the client stays in SYN_SENT, connect() is in
                    // progress (Linux: EINPROGRESS, also when SO_SNDTIMEO
                    // runs out), and the retransmitted SYN 1 s later makes
                    // the connection.
                    CHECK(r == -einprogress);
                    CHECK(snap(s) == before); // no child, no skb
                    CHECK(s.accept4(f.fd[0], nullptr, nullptr, 0) == -eagain);
                    s.advance(1000);
                } else if (r == -enobufs) {
                    // The SYN had no skb (tcp_connect's ENOBUFS): nothing
                    // is left behind, and connect() may be called again.
                    CHECK(site == fault_site::skb_alloc);
                    CHECK(snap(s) == before);
                    CHECK(s.connect(f.fd[1], sa(&a), sin_len) == ok);
                } else {
                    // The SYN-ACK or the third ACK had none: lost as on a
                    // wire, sent again by its timer (1 s).
                    CHECK(site == fault_site::skb_alloc);
                    CHECK((r == -einprogress || r == 0));
                    s.advance(1000);
                }
                s.advance(10);
                const int acc = s.accept4(f.fd[0], nullptr, nullptr, 0);
                CHECK(acc >= 0);
                CHECK(s.send(f.fd[1], payload, 100, msg_dontwait) == 100);
                drain_equals(s, acc, 100);
            },
            4);
    }
}

TEST_CASE("faults: accept4 at every allocation point, TCP and PF_UNIX") {
    fill_payload();
    // __sys_accept4_file: the fd (EMFILE), sock_alloc (ENFILE), the file
    // (ENFILE); the connection stays queued and the next accept takes it.
    auto check = [&](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
        CHECK(site != fault_site::sk_alloc); // the child exists already
        CHECK(site != fault_site::skb_alloc);
        CHECK(ok >= 0);
        CHECK(r == errno_of(site));
        CHECK(snap(s) == before);
        const int a = s.accept4(f.fd[0], nullptr, nullptr, 0);
        CHECK(a == ok);
        CHECK(s.send(f.fd[1], payload, 300, msg_dontwait) == 300);
        drain_equals(s, a, 300);
    };
    for (int flags : {0, sock_nonblock | sock_cloexec}) {
        every_data_point(
            grand, "tcp accept",
            [](S& s) {
                fdset f;
                f.fd[0] = tcp_listener(s);
                f.fd[1] = s.socket(pf_inet, sock_stream | sock_nonblock, 0);
                const sockaddr_in a = lo(7000);
                REQUIRE(s.connect(f.fd[1], sa(&a), sin_len) == -einprogress);
                return f;
            },
            [&](S& s, const fdset& f) {
                sockaddr_in peer{};
                socklen_t len = sizeof peer;
                return long{s.accept4(f.fd[0], reinterpret_cast<sockaddr*>(&peer), &len, flags)};
            },
            check, 3);
        for (int type : {sock_stream, sock_seqpacket})
            every_data_point(
                grand, "unix accept",
                [&](S& s) {
                    fdset f;
                    const abstract_name n('L');
                    f.fd[0] = s.socket(pf_unix, type, 0);
                    REQUIRE(s.bind(f.fd[0], sa(&n.a), n.len) == 0);
                    REQUIRE(s.listen(f.fd[0], 4) == 0);
                    f.fd[1] = s.socket(pf_unix, type | sock_nonblock, 0);
                    REQUIRE(s.connect(f.fd[1], sa(&n.a), n.len) == 0);
                    return f;
                },
                [&](S& s, const fdset& f) {
                    return long{s.accept4(f.fd[0], nullptr, nullptr, flags)};
                },
                check, 3);
    }
}

TEST_CASE("faults: PF_UNIX connect, the embryo (sk_alloc) and its skb") {
    fill_payload();
    for (int type : {sock_stream, sock_seqpacket}) {
        CAPTURE(type);
        every_data_point(
            grand, "unix connect",
            [&](S& s) {
                fdset f;
                const abstract_name n('L');
                f.fd[0] = s.socket(pf_unix, type, 0);
                REQUIRE(s.bind(f.fd[0], sa(&n.a), n.len) == 0);
                REQUIRE(s.listen(f.fd[0], 4) == 0);
                f.fd[1] = s.socket(pf_unix, type, 0);
                return f;
            },
            [](S& s, const fdset& f) {
                const abstract_name n('L');
                return long{s.connect(f.fd[1], sa(&n.a), n.len)};
            },
            [](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
                // unix_stream_connect: sk_alloc of the embryo (ENOMEM), then
                // sock_wmalloc of the skb that carries it (ENOBUFS); the
                // client stays unconnected and may connect again.
                CHECK(ok == 0);
                CHECK(r == (site == fault_site::sk_alloc ? -enomem : -enobufs));
                CHECK(snap(s) == before);
                const abstract_name n('L');
                CHECK(s.connect(f.fd[1], sa(&n.a), n.len) == 0);
                const int a = s.accept4(f.fd[0], nullptr, nullptr, 0);
                CHECK(a >= 0);
                CHECK(s.send(f.fd[1], payload, 50, 0) == 50);
                drain_equals(s, a, 50);
            },
            2);
    }
}

TEST_CASE("faults: TCP send, each skb of the write queue") {
    fill_payload();
    // 5000 bytes take three 2048-byte chunks in the write queue (one
    // segment, lo's MSS being 65 483), three more for the packet, one for
    // the ACK. tcp_sendmsg meets a chunk it cannot have at wait_for_space:
    // it pushes what is queued and, the send memory being free, allocates
    // again (Linux's sk_stream_wait_memory waits vm_wait jiffies and
    // retries when the memory is free). A packet without its skb stays
    // queued for the probe timer (tcp_write_xmit), an ACK without one is
    // answered by the retransmission timer: each failure is absorbed and
    // every byte goes, in order.
    for (int flags : {0, msg_dontwait})
        every_data_point(
            grand, "tcp send", tcp_connection,
            [&](S& s, const fdset& f) { return s.send(f.fd[1], payload, 5000, flags); },
            [](S& s, const fdset& f, fault_site site, long r, long ok, const state&) {
                CHECK(site == fault_site::skb_alloc);
                CHECK(ok == 5000);
                CHECK(r == 5000);
                s.advance(1000);
                drain_equals(s, f.fd[2], 5000);
            },
            7);
}

//! The same stack with eight skbs, which one socket's queue can hold.
struct small_pool_config : fault_config {
    static constexpr std::size_t skbs = 8;
};

TEST_CASE("faults: a TCP send with the skb pool exhausted ends") {
    // Every chunk held by a UNIX stream's queue: the TCP socket's send
    // memory is free but no skb can be had. tcp_sendmsg used to wait for
    // memory that was already free and loop for ever, blocking or not; it
    // now sleeps vm_wait as sk_stream_wait_memory does, which a stack that
    // cannot sleep counts as SO_SNDTIMEO running out: EAGAIN, or the bytes
    // that already went.
    fill_payload();
    static stack<small_pool_config> s;
    const int l = s.socket(pf_inet, sock_stream | sock_nonblock, 0);
    const sockaddr_in a = lo(7000);
    REQUIRE(s.bind(l, sa(&a), sin_len) == 0);
    REQUIRE(s.listen(l, 4) == 0);
    const int c = s.socket(pf_inet, sock_stream, 0);
    REQUIRE(s.connect(c, sa(&a), sin_len) == 0);
    const int p = s.accept4(l, nullptr, nullptr, sock_nonblock);
    REQUIRE(p >= 0);
    int sv[2] = {-1, -1};
    REQUIRE(s.socketpair(af_unix, sock_stream | sock_nonblock, 0, sv) == 0);
    while (s.send(sv[0], sink, 2048, 0) > 0) {
    }
    REQUIRE(s.skbs_in_use() == small_pool_config::skbs);
    CHECK(s.send(c, payload, 5000, 0) == -eagain);
    CHECK(s.send(c, payload, 5000, msg_dontwait) == -eagain);
    CHECK(s.skbs_in_use() == small_pool_config::skbs);
    // Two chunks back are not enough: a segment needs its chunks in the
    // write queue and as many again for the packet that carries it, and
    // the writer stops while half the pool is in use (tcp_may_queue_skb).
    CHECK(s.recv(sv[1], sink, 4096, 0) == 4096);
    CHECK(s.send(c, payload, 5000, 0) == -eagain);
    CHECK(s.skbs_in_use() == small_pool_config::skbs - 2);
    // The pool back whole: every byte goes.
    while (s.recv(sv[1], sink, sizeof sink, msg_dontwait) > 0) {
    }
    CHECK(s.send(c, payload, 5000, 0) == 5000);
    long got = 0;
    while (got < 5000) {
        const long r = s.recv(p, sink + got, sizeof sink - static_cast<std::size_t>(got), 0);
        REQUIRE(r > 0);
        got += r;
    }
    CHECK(std::memcmp(sink, payload, 5000) == 0);
    for (int fd : {l, c, p, sv[0], sv[1]})
        CHECK(s.close(fd) == 0);
    s.advance(61000);
    CHECK(s.check_invariants().ok);
    CHECK(s.empty());
}

TEST_CASE("faults: UDP sendto and the ICMP port unreachable it causes") {
    fill_payload();
    // A datagram of 3000 bytes (+ 28 of headers): two chunks; failing either
    // is ENOBUFS (sock_alloc_send_skb -> alloc_skb), nothing queued.
    every_data_point(
        grand, "udp send",
        [](S& s) {
            fdset f;
            f.fd[0] = s.socket(pf_inet, sock_dgram, 0);
            f.fd[1] = s.socket(pf_inet, sock_dgram, 0);
            const sockaddr_in a = lo(7001);
            REQUIRE(s.bind(f.fd[1], sa(&a), sin_len) == 0);
            return f;
        },
        [](S& s, const fdset& f) {
            const sockaddr_in a = lo(7001);
            return s.sendto(f.fd[0], payload, 3000, 0, sa(&a), sin_len);
        },
        [](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
            CHECK(site == fault_site::skb_alloc);
            CHECK(ok == 3000);
            CHECK(r == -enobufs);
            // The sender was autobound before the skb: its port is the
            // partial result; nothing else changed.
            CHECK(snap(s) == before);
            CHECK(s.recv(f.fd[1], sink, sizeof sink, msg_dontwait) == -eagain);
            CHECK(pending_error(s, f.fd[0]) == 0);
        },
        2);
    // To a port nobody holds, from a connected socket: the datagram (one
    // chunk), then icmp_send's reply (one chunk). Without the reply the
    // socket never hears ECONNREFUSED; with it, it does.
    every_data_point(
        grand, "udp send, port unreachable",
        [](S& s) {
            fdset f;
            f.fd[0] = s.socket(pf_inet, sock_dgram, 0);
            const sockaddr_in a = lo(7002);
            REQUIRE(s.connect(f.fd[0], sa(&a), sin_len) == 0);
            return f;
        },
        [](S& s, const fdset& f) { return s.send(f.fd[0], payload, 100, 0); },
        [](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
            CHECK(site == fault_site::skb_alloc);
            CHECK(ok == 100);
            CHECK(s.fault().count == 0); // (reset by every_data_point)
            if (r < 0) {
                CHECK(r == -enobufs);
                CHECK(snap(s) == before);
                CHECK(pending_error(s, f.fd[0]) == 0);
            } else {
                CHECK(r == 100); // the reply was lost: no error, nothing held
                CHECK(snap(s) == before);
                CHECK(pending_error(s, f.fd[0]) == 0);
                CHECK(s.send(f.fd[0], payload, 100, 0) == 100);
                CHECK(pending_error(s, f.fd[0]) == econnrefused);
            }
        },
        2);
}

TEST_CASE("faults: ping and raw ICMP sends, the echo reply and its copies") {
    fill_payload();
    // An echo request of 8 + 56 bytes. Ping: the request, the kernel's echo
    // reply (icmp_reply), the copy ping_rcv queues for the sender. Raw: the
    // request, the copy raw_v4_input queues for the sender (it sees every
    // ICMP packet), the reply and its copy. Only the request's failure
    // reaches the caller (ENOBUFS); a lost reply or copy leaves nothing
    // queued for that receiver alone.
    unsigned char echo[64] = {8, 0, 0, 0, 0, 0, 0, 1};
    for (std::size_t i = 8; i < sizeof echo; ++i)
        echo[i] = static_cast<unsigned char>(i);
    // A raw socket sends the checksum it is given (a ping socket computes
    // its own): the internet checksum, or icmp_rcv drops the request.
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < sizeof echo; i += 2)
        sum += static_cast<std::uint32_t>(echo[i] << 8 | echo[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffffU) + (sum >> 16);
    echo[2] = static_cast<unsigned char>(~sum >> 8);
    echo[3] = static_cast<unsigned char>(~sum);
    for (int type : {sock_dgram, sock_raw})
        every_data_point(
            grand, type == sock_dgram ? "ping sendto" : "raw sendto",
            [&](S& s) {
                fdset f;
                f.fd[0] = s.socket(pf_inet, type, ipproto_icmp);
                REQUIRE(f.fd[0] >= 0);
                return f;
            },
            [&](S& s, const fdset& f) {
                const sockaddr_in a = lo(0);
                return s.sendto(f.fd[0], echo, sizeof echo, 0, sa(&a), sin_len);
            },
            [&](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
                CHECK(site == fault_site::skb_alloc);
                CHECK(ok == static_cast<long>(sizeof echo));
                if (r < 0) {
                    CHECK(r == -enobufs);
                    CHECK(snap(s) == before);
                    CHECK(s.recv(f.fd[0], sink, sizeof sink, msg_dontwait) == -eagain);
                } else {
                    CHECK(r == ok);
                    // What was queued is whole: every datagram read is one
                    // of the request or the reply (raw: with the IP header).
                    for (;;) {
                        const long n = s.recv(f.fd[0], sink, sizeof sink, msg_dontwait);
                        if (n < 0)
                            break;
                        CHECK(n == static_cast<long>(sizeof echo + (type == sock_raw ? 20 : 0)));
                    }
                    CHECK(snap(s) == before);
                }
            },
            type == sock_dgram ? 3 : 4);
}

TEST_CASE("faults: socketpair data, every chunk of a message") {
    fill_payload();
    // 5000 bytes: a datagram or seqpacket is one message of three chunks
    // (ENOBUFS, nothing queued); a stream send is one message as well when
    // it fits the send buffer (ENOBUFS), and what an earlier skb carried is
    // the partial result otherwise.
    for (int type : {sock_stream, sock_dgram, sock_seqpacket})
        for (int flags : {0, msg_dontwait}) {
            CAPTURE(type);
            every_data_point(
                grand, "socketpair send",
                [&](S& s) {
                    fdset f;
                    int sv[2];
                    REQUIRE(s.socketpair(af_unix, type, 0, sv) == 0);
                    f.fd[0] = sv[0];
                    f.fd[1] = sv[1];
                    return f;
                },
                [&](S& s, const fdset& f) { return s.send(f.fd[0], payload, 5000, flags); },
                [](S& s, const fdset& f, fault_site site, long r, long ok, const state& before) {
                    CHECK(site == fault_site::skb_alloc);
                    CHECK(ok == 5000);
                    if (r < 0) {
                        CHECK(r == -enobufs);
                        CHECK(snap(s) == before);
                        CHECK(s.recv(f.fd[1], sink, sizeof sink, msg_dontwait) == -eagain);
                    } else {
                        CHECK(r < 5000);
                        drain_equals(s, f.fd[1], r);
                        CHECK(snap(s) == before);
                    }
                },
                3);
        }
}

TEST_CASE("faults: security hooks denying at every hook point") {
    S s;
    leave_a_hole(s);
    auto& lsm = s.security().get<deny_at>();
    const state before = snap(s);
    for (int err : {-eacces, -eperm, -eafnosupport}) {
        CAPTURE(err);
        for (const triple& t : creatable) {
            if (t.type == sock_dgram && t.protocol == ipproto_icmp)
                continue; // the default ping range refuses it before post_create
            CAPTURE(t.family);
            CAPTURE(t.type);
            CAPTURE(t.protocol);
            // security_socket_create: before anything is allocated.
            lsm.arm(hook::create, 1, err);
            s.fault().reset(0);
            CHECK(s.socket(t.family, t.type, t.protocol) == err);
            CHECK(s.fault().count == 0);
            CHECK(lsm.calls[static_cast<int>(hook::post_create)] == 0);
            CHECK(snap(s) == before);
            ++grand.hook_points;
            // security_socket_post_create: on a complete socket, torn down.
            lsm.arm(hook::post_create, 1, err);
            s.fault().reset(0);
            CHECK(s.socket(t.family, t.type, t.protocol) == err);
            CHECK(s.fault().count == 2); // sock_alloc, sk_alloc; no fd yet
            CHECK(lsm.calls[static_cast<int>(hook::create)] == 1);
            CHECK(snap(s) == before);
            CHECK(s.check_invariants().ok);
            ++grand.hook_points;
        }
        // socketpair: create, create, post_create x2 and socketpair, each point.
        for (int type : pair_types) {
            CAPTURE(type);
            const struct {
                hook h;
                int nth;
                unsigned long allocations; // fail_nth count when denied
            } points[] = {{hook::create, 1, 2},
                          {hook::post_create, 1, 4},
                          {hook::create, 2, 4},
                          {hook::post_create, 2, 6},
                          {hook::socketpair, 1, 6}};
            for (const auto& p : points) {
                const int which = static_cast<int>(p.h);
                CAPTURE(which);
                CAPTURE(p.nth);
                lsm.arm(p.h, p.nth, err);
                s.fault().reset(0);
                int sv[2] = {-7, -7};
                CHECK(s.socketpair(af_unix, type, 0, sv) == err);
                CHECK(s.fault().count == p.allocations);
                CHECK(snap(s) == before);
                CHECK(s.check_invariants().ok);
                ++grand.hook_points;
            }
        }
    }
    lsm.arm(hook::none, 1, 0);
    int sv[2];
    CHECK(s.socketpair(af_unix, sock_stream, 0, sv) == 0); // and it works again
    CHECK(sv[0] == 1);
    CHECK(sv[1] == 3);
    close_all(s);
    MESSAGE("fault injection: " << grand.fault_points << " allocation failure points and "
                                << grand.hook_points << " security hook denials exercised, "
                                << "each leaving the stack exactly as before");
}

} // namespace
