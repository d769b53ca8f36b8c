// test/fuzz/fuzz.cpp: libFuzzer harness. Each input drives a fresh stack of
// three tasks with tiny capacities (so every pool and fd table runs out) through
// a sequence of public calls: socket (run-time and compile-time triples),
// socketpair, close, dup, dup2, fcntl, getsockopt and setsockopt with arbitrary
// integers, buffers, lengths and null pointers; set_current between tasks with
// different credentials; RLIMIT_NOFILE and ping_group_range changes; a
// fail_nth fault armed at an input-chosen allocation; a security policy whose
// decisions come from input bytes.
//
// After every call the harness checks, and aborts on the first violation:
//  * s.check_invariants();
//  * the result is >= 0 or -errno in [-4095, -1];
//  * a model of every task's fd table: a call on an fd the model says is
//    closed in the calling task is EBADF (so no fd of one task reaches
//    another), a call on an open one never is; a new fd is the lowest free
//    one (at or above F_DUPFD's start) below RLIMIT_NOFILE; dup2 returns its
//    target; each fd keeps naming the socket (SO_DOMAIN, SO_TYPE,
//    SO_PROTOCOL) it was created or duplicated from;
//  * a call during which the injected fault fired returns the errno Linux
//    returns for that allocation (ENFILE, ENOMEM, ENFILE, EMFILE) and opens
//    nothing;
//  * getsockopt writes nothing past the length it reports, and reports no
//    more than it was given.
// At the end of each input every fd of every task is closed and s.empty() must
// hold. Counters are printed at exit.
//
// Input format: a 4-byte header (policy rules, ping range, credentials of the
// three tasks), then operations, each an opcode byte followed by its
// arguments; a short read yields zeros, so every byte string is valid.
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <ksock/ksock.hpp>

namespace {

using namespace ksock;

// --- input ------------------------------------------------------------------

struct reader {
    const std::uint8_t* p;
    std::size_t n;

    bool empty() const { return n == 0; }
    std::uint8_t u8() {
        if (n == 0)
            return 0;
        --n;
        return *p++;
    }
    std::uint32_t u32() {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i)
            v = (v << 8) | u8();
        return v;
    }
    //! An int: usually one of the values that matter, sometimes any 32 bits.
    int integer() {
        static constexpr int interesting[] = {
            0,    1,     2,       3,  4,  5,       6,       7,    8,     9,     10,    11,
            15,   16,    17,      38, 39, 41,      46,      64,   255,   256,   263,   1024,
            1030, 0x800, 0x80000, -1, -2, INT_MIN, INT_MAX, 0x10, 0x100, 65535, 65536, 4096};
        constexpr std::uint8_t count = sizeof interesting / sizeof interesting[0];
        const std::uint8_t sel = u8();
        if (sel < count)
            return interesting[sel];
        if (sel < 200)
            return sel - count; // small non-negative values
        return static_cast<int>(u32());
    }
};

// --- the stack under test -----------------------------------------------------

constexpr int errnos[] = {eacces, eperm, eafnosupport, enomem, einval, eprotonosupport, 4095};

//! An LSM whose decisions are input bytes.
struct fuzz_lsm {
    std::uint8_t rule[4] = {};
    unsigned long calls = 0;

    int err() const { return -errnos[rule[2] % (sizeof errnos / sizeof errnos[0])]; }
    int socket_create(const cred& c, int family, int type, int protocol, int) {
        ++calls;
        if (!(rule[0] & 0x80))
            return 0;
        const unsigned h = static_cast<unsigned>(family) * 7U + static_cast<unsigned>(type) * 3U +
                           static_cast<unsigned>(protocol) + c.euid;
        return (h & 7U) == (rule[0] & 7U) ? err() : 0;
    }
    int socket_post_create(ksock::socket& so, int, int type, int, int) {
        ++calls;
        return so.sk && (rule[1] >> (type & 7)) & 1U ? err() : 0;
    }
    int socket_socketpair(ksock::socket&, ksock::socket&) {
        ++calls;
        return rule[3] & 0x80 ? err() : 0;
    }
};

struct fuzz_config : default_config {
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 6;
    static constexpr std::size_t tasks = 3;
    template <class P>
    static constexpr std::size_t proto_objects = 2;
    using fault = fail_nth;
    using lock = no_lock;
    using security = type_list<fuzz_lsm>;
};
using S = stack<fuzz_config>;
constexpr int nfds = static_cast<int>(fuzz_config::max_fds);
constexpr int ntasks = static_cast<int>(fuzz_config::tasks);

// --- counters -----------------------------------------------------------------

unsigned long long inputs = 0;
unsigned long long calls = 0;
unsigned long long invariant_checks = 0;
unsigned long long model_checks = 0;
unsigned long long faults_fired = 0;

void report() {
    std::printf("ksock_fuzz: %llu inputs, %llu calls, %llu invariant checks, %llu model checks, "
                "%llu injected faults\n",
                inputs, calls, invariant_checks, model_checks, faults_fired);
}

[[noreturn]] void fail(const char* what, int line, long long a, long long b) {
    std::fprintf(stderr, "ksock_fuzz: %s (line %d: %lld, %lld)\n", what, line, a, b);
    std::abort();
}
#define KSOCK_FUZZ_CHECK(cond, a, b)                                                               \
    do {                                                                                           \
        ++model_checks;                                                                            \
        if (!(cond))                                                                               \
            fail(#cond, __LINE__, static_cast<long long>(a), static_cast<long long>(b));           \
    } while (false)

// --- the model --------------------------------------------------------------------

//! What an fd names, as SO_DOMAIN, SO_TYPE and SO_PROTOCOL report it.
struct kind {
    int domain, type, protocol;
    bool operator==(const kind&) const = default;
};

struct model_task {
    bool open[nfds] = {};
    kind k[nfds] = {};
};

struct harness {
    S& s;
    reader in;
    model_task tasks[ntasks]{};
    int cur = 0;

    model_task& mt() { return tasks[cur]; }
    bool model_open(int fd) const { return fd >= 0 && fd < nfds && tasks[cur].open[fd]; }
    unsigned nofile() { return s.current().nofile(); }
    //! The lowest fd at or above \p start the model says is free, below the
    //! limit; -1 when there is none.
    int lowest_free(unsigned start) {
        for (unsigned fd = start; fd < nofile(); ++fd)
            if (!mt().open[fd])
                return static_cast<int>(fd);
        return -1;
    }

    kind query(int fd) {
        kind k{};
        int* out[] = {&k.domain, &k.type, &k.protocol};
        const int names[] = {so_domain, so_type, so_protocol};
        for (int i = 0; i < 3; ++i) {
            socklen_t len = sizeof(int);
            const int r = s.getsockopt(fd, sol_socket, names[i], out[i], &len);
            KSOCK_FUZZ_CHECK(r == 0 && len == sizeof(int), r, len);
        }
        return k;
    }
    //! The call opened \p fd: it must have been free, below the limit, and
    //! the lowest such at or above \p start (when \p lowest is known).
    void opened(int fd, int lowest, const kind& k) {
        KSOCK_FUZZ_CHECK(fd >= 0 && fd < nfds && fd == lowest, fd, lowest);
        KSOCK_FUZZ_CHECK(!mt().open[fd], fd, cur);
        mt().open[fd] = true;
        mt().k[fd] = k;
    }
    void opened_new(int fd, int lowest) {
        opened(fd, lowest, kind{});
        mt().k[fd] = query(fd);
    }

    //! After every call: the invariants, the result's range, the fault.
    void after(int r, bool fault_was_failed) {
        ++calls;
        const auto inv = s.check_invariants();
        ++invariant_checks;
        if (!inv.ok)
            fail(inv.what, __LINE__, r, cur);
        KSOCK_FUZZ_CHECK(r >= -4095, r, 0);
        if (s.fault().failed && !fault_was_failed) {
            ++faults_fired;
            int expect = 0;
            switch (s.fault().last_failed) {
            case fault_site::sock_alloc:
                expect = -enfile;
                break;
            case fault_site::sk_alloc:
                expect = -enomem;
                break;
            case fault_site::file_alloc:
                expect = -enfile;
                break;
            case fault_site::fd_alloc:
                expect = -emfile;
                break;
            case fault_site::skb_alloc:
                expect = -enobufs; // the creation calls fuzzed here allocate none
                break;
            }
            KSOCK_FUZZ_CHECK(r == expect, r, expect);
        }
    }

    int pick_fd() {
        const std::uint8_t sel = in.u8();
        if (sel < 224)
            return sel % (nfds + 2);
        return in.integer();
    }

    template <class F>
    int call(F f) {
        const bool was = s.fault().failed;
        const int r = f();
        after(r, was);
        return r;
    }

    // --- operations -------------------------------------------------------------

    void op_socket() {
        int family = in.integer();
        const std::uint8_t fsel = in.u8();
        if (fsel < 128)
            family = fsel & 1 ? pf_inet : pf_unix;
        int type = in.integer();
        const std::uint8_t tsel = in.u8();
        if (tsel < 160)
            type =
                (tsel % 6) | (tsel & 0x40 ? sock_nonblock : 0) | (tsel & 0x80 ? sock_cloexec : 0);
        const int protocol = in.integer();
        const int lowest = lowest_free(0);
        const int r = call([&] { return s.socket(family, type, protocol); });
        if (r >= 0)
            opened_new(r, lowest);
    }

    template <int F, int T, int P>
    void socket_static() {
        const int lowest = lowest_free(0);
        const int r = call([&] { return s.socket<F, T, P>(); });
        if (r >= 0)
            opened_new(r, lowest);
    }
    void op_socket_static() {
        switch (in.u8() % 5) {
        case 0:
            return socket_static<pf_inet, sock_stream, 0>();
        case 1:
            return socket_static<pf_inet, sock_dgram, ipproto_icmp>();
        case 2:
            return socket_static<pf_inet, sock_raw, 255>();
        case 3:
            return socket_static<pf_unix, sock_seqpacket, 0>();
        default:
            return socket_static<pf_unix, sock_dgram | sock_cloexec, 0>();
        }
    }

    void op_socketpair() {
        const std::uint8_t sel = in.u8();
        int family = sel & 1 ? in.integer() : af_unix;
        int type = in.integer();
        if (sel & 2)
            type = (type & 7) | (sel & 0x40 ? sock_nonblock : 0) | (sel & 0x80 ? sock_cloexec : 0);
        const int protocol = sel & 4 ? in.integer() : 0;
        int sv[2] = {-1, -1};
        int* p = sel & 8 && (sel & 16) ? nullptr : sv;
        const int first = lowest_free(0);
        int second = -1;
        if (first >= 0) {
            mt().open[first] = true;
            second = lowest_free(static_cast<unsigned>(first) + 1);
            mt().open[first] = false;
        }
        const int r = call([&] { return s.socketpair(family, type, protocol, p); });
        KSOCK_FUZZ_CHECK(r <= 0, r, 0);
        KSOCK_FUZZ_CHECK(p || r < 0, r, 0);
        if (r == 0) {
            opened_new(sv[0], first);
            opened_new(sv[1], second);
        }
    }

    void op_close() {
        const int fd = pick_fd();
        const bool was = model_open(fd);
        const int r = call([&] { return s.close(fd); });
        KSOCK_FUZZ_CHECK(r == (was ? 0 : -ebadf), r, fd);
        if (was)
            mt().open[fd] = false;
    }

    void op_dup() {
        const int fd = pick_fd();
        const bool was = model_open(fd);
        const int lowest = lowest_free(0);
        const int r = call([&] { return s.dup(fd); });
        if (!was) {
            KSOCK_FUZZ_CHECK(r == -ebadf, r, fd);
            return;
        }
        KSOCK_FUZZ_CHECK(r != -ebadf, r, fd);
        if (r >= 0)
            opened(r, lowest, mt().k[fd]);
    }

    void op_dup2() {
        const int oldfd = pick_fd();
        const int newfd = pick_fd();
        const bool was = model_open(oldfd);
        const bool in_range = newfd >= 0 && static_cast<unsigned>(newfd) < nofile();
        const int r = call([&] { return s.dup2(oldfd, newfd); });
        if (!was) {
            KSOCK_FUZZ_CHECK(r == -ebadf, r, oldfd);
            return;
        }
        if (oldfd == newfd) {
            KSOCK_FUZZ_CHECK(r == oldfd, r, oldfd);
            return;
        }
        KSOCK_FUZZ_CHECK(r == (in_range ? newfd : -ebadf), r, newfd);
        if (r >= 0) {
            mt().open[newfd] = true;
            mt().k[newfd] = mt().k[oldfd];
        }
    }

    void op_fcntl() {
        const int fd = pick_fd();
        int cmd = in.integer();
        const std::uint8_t csel = in.u8();
        if (csel < 192) {
            constexpr int cmds[] = {f_dupfd, f_getfd, f_setfd, f_getfl, f_setfl, f_dupfd_cloexec};
            cmd = cmds[csel % 6];
        }
        long arg = in.integer();
        if (in.u8() & 1) {
            const std::uint64_t hi = in.u32();
            const std::uint64_t lo = in.u32();
            arg = static_cast<long>(hi << 32 | lo); // any 64 bits (32 on a 32-bit long)
        }
        const bool was = model_open(fd);
        const bool dupfd = cmd == f_dupfd || cmd == f_dupfd_cloexec;
        const auto from = static_cast<unsigned long>(arg);
        const int lowest = dupfd && from < nofile() ? lowest_free(static_cast<unsigned>(from)) : -1;
        const int r = call([&] { return s.fcntl(fd, cmd, arg); });
        if (!was) {
            KSOCK_FUZZ_CHECK(r == -ebadf, r, fd);
            return;
        }
        KSOCK_FUZZ_CHECK(r != -ebadf, r, fd);
        if (dupfd && r >= 0)
            opened(r, lowest, mt().k[fd]);
        if (dupfd && from >= nofile())
            KSOCK_FUZZ_CHECK(r == -einval, r, arg);
        if (cmd == f_getfl)
            KSOCK_FUZZ_CHECK(r >= 0 && (r & o_accmode) == o_rdwr, r, fd);
    }

    int pick_level() {
        const std::uint8_t sel = in.u8();
        constexpr int levels[] = {sol_socket, sol_ip, sol_tcp, sol_udp, sol_raw};
        return sel < 240 ? levels[sel % 5] : in.integer();
    }

    void op_getsockopt() {
        const int fd = pick_fd();
        const int level = pick_level();
        const int optname = in.u8() < 240 ? in.u8() % 80 : in.integer();
        const std::uint8_t sel = in.u8();
        const std::size_t off = sel & 7;
        int len = in.integer();
        // A real buffer; a non-negative length no larger than what follows
        // the (possibly odd) address, so every pointer passed is valid.
        alignas(16) unsigned char buf[512];
        std::memset(buf, 0x5a, sizeof buf);
        const int room = static_cast<int>(sizeof buf - off);
        if (len > room)
            len = room;
        alignas(8) unsigned char lenbox[16] = {};
        std::memcpy(lenbox + off, &len, sizeof len);
        void* optval = sel & 0x10 ? nullptr : buf + off;
        auto* optlen =
            sel & 0x20 ? nullptr : static_cast<socklen_t*>(static_cast<void*>(lenbox + off));
        const bool was = model_open(fd);
        const int r = call([&] { return s.getsockopt(fd, level, optname, optval, optlen); });
        if (!was) {
            KSOCK_FUZZ_CHECK(r == -ebadf, r, fd);
            return;
        }
        KSOCK_FUZZ_CHECK(r != -ebadf, r, fd);
        if (!optlen)
            KSOCK_FUZZ_CHECK(r < 0, r, fd);
        if (r == 0 && optlen) {
            int out = 0;
            std::memcpy(&out, lenbox + off, sizeof out);
            KSOCK_FUZZ_CHECK(out >= 0 && out <= len, out, len);
            for (std::size_t i = off + static_cast<std::size_t>(out); i < sizeof buf; ++i)
                KSOCK_FUZZ_CHECK(buf[i] == 0x5a, i, out);
            if (level == sol_socket && optval && out == sizeof(int)) {
                int v = 0;
                std::memcpy(&v, buf + off, sizeof v);
                if (optname == so_domain)
                    KSOCK_FUZZ_CHECK(v == mt().k[fd].domain, v, fd);
                if (optname == so_type)
                    KSOCK_FUZZ_CHECK(v == mt().k[fd].type, v, fd);
                if (optname == so_protocol)
                    KSOCK_FUZZ_CHECK(v == mt().k[fd].protocol, v, fd);
            }
        }
    }

    void op_setsockopt() {
        const int fd = pick_fd();
        const int level = pick_level();
        const int optname = in.u8() < 240 ? in.u8() % 80 : in.integer();
        const std::uint8_t sel = in.u8();
        const std::size_t off = sel & 7;
        alignas(16) unsigned char buf[512] = {};
        const std::size_t take = in.u8() % 24;
        for (std::size_t i = 0; i < take; ++i)
            buf[off + i] = in.u8();
        std::uint32_t len = static_cast<std::uint32_t>(in.integer());
        // Lengths Linux reads as negative (EINVAL) pass as they are; the
        // others are clamped to the buffer so every byte is readable.
        if (len <= static_cast<std::uint32_t>(INT_MAX) && len > sizeof buf - off)
            len = static_cast<std::uint32_t>(sizeof buf - off);
        const void* optval = sel & 0x10 ? nullptr : buf + off;
        const bool was = model_open(fd);
        const int r = call([&] { return s.setsockopt(fd, level, optname, optval, len); });
        KSOCK_FUZZ_CHECK(was ? r != -ebadf : r == -ebadf, r, fd);
    }

    //! Credentials: root, users, a user with CAP_NET_RAW, users whose gid
    //! or a supplementary group lies in ping_group_range (100..200 when the
    //! header opens it).
    static cred cred_of(std::uint8_t sel) {
        switch (sel % 6) {
        case 0:
            return cred::root();
        case 1:
            return cred::user(1000, 1000);
        case 2:
            return cred::user(1001, 1001).raise(cap_net_raw);
        case 3:
            return cred::user(1002, 150);
        case 4: {
            cred c = cred::user(1003, 1003);
            c.add_group(5);
            c.add_group(120);
            return c;
        }
        default:
            return cred::root().drop(cap_net_raw);
        }
    }

    void op_set_current() {
        const std::uint8_t sel = in.u8();
        const std::size_t i = sel < 250 ? sel % ntasks : static_cast<std::size_t>(in.u32());
        s.set_current(i);
        if (i < static_cast<std::size_t>(ntasks))
            cur = static_cast<int>(i);
        KSOCK_FUZZ_CHECK(s.current().pid == cur + 1, s.current().pid, cur);
        // Every fd the model says is open here answers; the others are EBADF.
        for (int fd = 0; fd < nfds; ++fd) {
            const int r = s.fcntl(fd, f_getfd);
            after(r, s.fault().failed);
            KSOCK_FUZZ_CHECK(mt().open[fd] ? r >= 0 : r == -ebadf, r, fd);
            if (mt().open[fd])
                KSOCK_FUZZ_CHECK(query(fd) == mt().k[fd], fd, cur);
        }
    }

    void op_rlimit() {
        const std::uint8_t sel = in.u8();
        s.current().rlimit_nofile = sel < 200 ? sel % (nfds + 3) : in.u32();
    }

    void op_fault() {
        s.fault().reset(in.u8() % 12); // 0: no fault
    }

    void op_policy() {
        fuzz_lsm& p = s.security().get<fuzz_lsm>();
        p.rule[in.u8() % 4] = in.u8();
    }

    void op_cred() { s.current().cred = cred_of(in.u8()); }

    void op_ping_range() {
        s.net().sysctl.ping_group_range[0] = in.u8();
        s.net().sysctl.ping_group_range[1] = in.u8();
    }

    void run() {
        fuzz_lsm& p = s.security().get<fuzz_lsm>();
        p.rule[0] = in.u8();
        p.rule[1] = in.u8();
        p.rule[2] = in.u8();
        p.rule[3] = 0;
        const std::uint8_t hdr = in.u8();
        if (hdr & 1) {
            s.net().sysctl.ping_group_range[0] = 100;
            s.net().sysctl.ping_group_range[1] = 200;
        }
        for (int t = 0; t < ntasks; ++t)
            s.task(static_cast<std::size_t>(t)).cred =
                cred_of(static_cast<std::uint8_t>(hdr >> (2 * t + 1)));
        while (!in.empty()) {
            switch (in.u8() % 16) {
            case 0:
            case 1:
                op_socket();
                break;
            case 2:
                op_socket_static();
                break;
            case 3:
                op_socketpair();
                break;
            case 4:
            case 5:
                op_close();
                break;
            case 6:
                op_dup();
                break;
            case 7:
                op_dup2();
                break;
            case 8:
                op_fcntl();
                break;
            case 9:
                op_getsockopt();
                break;
            case 10:
                op_setsockopt();
                break;
            case 11:
                op_set_current();
                break;
            case 12:
                op_rlimit();
                break;
            case 13:
                op_fault();
                break;
            case 14:
                op_policy();
                break;
            default:
                if (in.u8() & 1)
                    op_cred();
                else
                    op_ping_range();
                break;
            }
        }
        // Close everything everywhere: exactly the model's fds answer.
        s.fault().reset(0);
        for (int t = 0; t < ntasks; ++t) {
            s.set_current(static_cast<std::size_t>(t));
            cur = t;
            for (int fd = 0; fd < nfds; ++fd) {
                if (mt().open[fd])
                    KSOCK_FUZZ_CHECK(query(fd) == mt().k[fd], fd, t);
                const int r = s.close(fd);
                after(r, false);
                KSOCK_FUZZ_CHECK(r == (mt().open[fd] ? 0 : -ebadf), r, fd);
                mt().open[fd] = false;
            }
        }
        KSOCK_FUZZ_CHECK(s.empty(), cur, 0);
    }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::atexit(report);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    ++inputs;
    S s; // a fresh stack for every input
    harness h{s, reader{data, size}};
    h.run();
    return 0;
}
