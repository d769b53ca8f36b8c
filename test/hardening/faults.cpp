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
#include <string>

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
    std::size_t sockets, files;
    std::size_t objects[6];
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
        return sockets == o.sockets && files == o.files && same(objects, o.objects) &&
               sock_inuse == o.sock_inuse && sockets_allocated == o.sockets_allocated &&
               raw_hashed == o.raw_hashed && same(fd, o.fd) && same(open_fds, o.open_fds) &&
               same(close_on_exec, o.close_on_exec) && next_fd == o.next_fd;
    }
};

state snap(S& s) {
    static_assert(S::protos::size == 6, "snap() lists every proto of the default families");
    state st{};
    st.sockets = s.sockets_in_use();
    st.files = s.files_in_use();
    st.objects[0] = s.objects_in_use<inet::tcp_prot>();
    st.objects[1] = s.objects_in_use<inet::udp_prot>();
    st.objects[2] = s.objects_in_use<inet::ping_prot>();
    st.objects[3] = s.objects_in_use<inet::raw_prot>();
    st.objects[4] = s.objects_in_use<unix_domain::unix_stream_proto>();
    st.objects[5] = s.objects_in_use<unix_domain::unix_dgram_proto>();
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
        return -enobufs; // no creation call allocates an skb
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
    {pf_unix, sock_stream, 0},
    {pf_unix, sock_dgram, 0},
    {pf_unix, sock_seqpacket, 0},
    {pf_unix, sock_raw, 0},
    {pf_unix, sock_stream, pf_unix},
    {pf_inet, sock_stream, 0},
    {pf_inet, sock_stream, ipproto_tcp},
    {pf_inet, sock_dgram, 0},
    {pf_inet, sock_dgram, ipproto_udp},
    {pf_inet, sock_dgram, ipproto_icmp},
    {pf_inet, sock_raw, ipproto_icmp},
    {pf_inet, sock_raw, ipproto_tcp},
    {pf_inet, sock_raw, 255},
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
    s.net().sysctl.ping_group_range[0] = 0; // root's gid 0 may open ping sockets
    s.net().sysctl.ping_group_range[1] = 0;
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
