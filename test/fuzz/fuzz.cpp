// test/fuzz/fuzz.cpp: libFuzzer harness. Each input drives a fresh stack of
// three tasks with tiny capacities (so every pool, fd table and the skb pool
// runs out) through a sequence of public calls: socket (run-time and
// compile-time triples), socketpair, close, dup, dup2, fcntl, getsockopt and
// setsockopt with arbitrary integers, buffers, lengths and null pointers;
// set_current between tasks with different credentials; RLIMIT_NOFILE and
// ping_group_range changes; a fail_nth fault armed at an input-chosen
// allocation (sockets, files, fds, socks, skbs); a security policy whose
// decisions come from input bytes. And the data path: bind, connect, listen,
// accept4, getsockname, getpeername, send, sendto, sendmsg, recv, recvfrom,
// recvmsg (MSG_PEEK / DONTWAIT / TRUNC / WAITALL / OOB, buffers of every size
// including 0 and null), shutdown, poll, ioctl, the buffer / linger / reuse /
// peek-offset options and the clock (stack.advance: TIME_WAIT, SYN
// retries), with addresses drawn mostly from a small set (127.0.0.x and a
// few ports, 0.0.0.0, 10.x, abstract and path names, autobind) so that
// connections really form; one operation builds a whole connection.
//
// After every call the harness checks, and aborts on the first violation:
//  * s.check_invariants();
//  * the result is >= 0 or -errno in [-4095, -1];
//  * a model of every task's fd table: a call on an fd the model says is
//    closed in the calling task is EBADF (so no fd of one task reaches
//    another), a call on an open one never is; a new fd (socket, accept4,
//    dup ...) is the lowest free one (at or above F_DUPFD's start) below
//    RLIMIT_NOFILE; dup2 returns its target; each fd keeps naming the socket
//    (SO_DOMAIN, SO_TYPE, SO_PROTOCOL) it was created or duplicated from;
//  * a call during which the injected fault fired returns the errno Linux
//    returns for that allocation (ENFILE, ENOMEM, ENFILE, EMFILE) and opens
//    nothing; in the data path an skb or sock that cannot be had is
//    ENOBUFS, ENOMEM or EAGAIN, or is absorbed (a partial send, a dropped
//    SYN or ICMP reply);
//  * getsockopt, recv* and get*name write nothing past the length they were
//    given, and report no more than they were given (recv: unless
//    MSG_TRUNC asked for the real length); a send moves no more than asked;
//    poll reports only asked-for events, POLLERR, POLLHUP, and POLLNVAL
//    exactly for closed fds.
// At the end of each input every fd of every task is closed, the clock runs
// past TIME_WAIT (60 s), and s.empty() and skbs_in_use() == 0 must hold.
// Counters are printed at exit.
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
    //! Three: a listener, a client and the child it makes.
    template <class P>
    static constexpr std::size_t proto_objects = 3;
    //! Few, small skbs: a message of a few hundred bytes takes a chain, and
    //! a few of them drain the pool.
    static constexpr std::size_t skbs = 12;
    static constexpr std::size_t skb_data_size = 256;
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
unsigned long long data_faults = 0;      //!< of which at an skb, or a sock in the data path
unsigned long long bytes_moved = 0;      //!< sent plus received
unsigned long long connections = 0;      //!< accept4 successes
unsigned long long established_seen = 0; //!< inputs that reached one

void report() {
    std::printf("ksock_fuzz: %llu inputs, %llu calls, %llu invariant checks, %llu model checks, "
                "%llu injected faults (%llu in the data path), %llu connections accepted, "
                "%llu inputs with one, %llu bytes moved\n",
                inputs, calls, invariant_checks, model_checks, faults_fired, data_faults,
                connections, established_seen, bytes_moved);
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
    bool accepted = false; //!< an accept4 succeeded in this input

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

    //! How a call's result relates to an injected fault.
    enum class fx : std::uint8_t {
        creation, //!< socket, socketpair, dup, accept4's fd, socket and file: Linux's errno
        data,     //!< a data-path call: an skb or sock may be absorbed or refused
    };

    //! After every call: the invariants, the result's range, the fault.
    void after(long r, bool fault_was_failed, fx kind = fx::creation) {
        ++calls;
        const auto inv = s.check_invariants();
        ++invariant_checks;
        if (!inv.ok)
            fail(inv.what, __LINE__, r, cur);
        KSOCK_FUZZ_CHECK(r >= -4095, r, 0);
        if (s.fault().failed && !fault_was_failed) {
            ++faults_fired;
            long expect = 0;
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
                expect = -enobufs;
                break;
            }
            const bool absorbable = s.fault().last_failed == fault_site::skb_alloc ||
                                    s.fault().last_failed == fault_site::sk_alloc;
            if (kind == fx::data && absorbable) {
                // tcp_sendmsg waits for memory (EAGAIN) or allocates again
                // (and may then find a null buffer: EFAULT); a dropped SYN
                // leaves connect in progress; an ICMP reply or a partial send
                // is absorbed.
                ++data_faults;
                KSOCK_FUZZ_CHECK(r >= 0 || r == expect || r == -eagain || r == -enobufs ||
                                     r == -enomem || r == -einprogress || r == -efault,
                                 r, expect);
            } else if (s.fault().last_failed == fault_site::skb_alloc && r >= 0) {
                // A call that is not a send but sends a segment (close's
                // FIN or RST, shutdown, a setsockopt that pushes what a
                // cork held): TCP over lo is real, and as in Linux the
                // segment without a buffer waits for its timer while the
                // call succeeds.
                ++data_faults;
            } else {
                KSOCK_FUZZ_CHECK(r == expect, r, expect);
            }
        }
    }

    int pick_fd() {
        const std::uint8_t sel = in.u8();
        if (sel < 224)
            return sel % (nfds + 2);
        return in.integer();
    }

    template <class F>
    auto call(F f, fx kind = fx::creation) {
        const bool was = s.fault().failed;
        const auto r = f();
        after(r, was, kind);
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
        ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = in.u8();
        ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = in.u8();
    }

    // --- the data path ----------------------------------------------------------

    //! An address, mostly one of a few that name real sockets: 127.0.0.1 and
    //! 127.0.0.2 on a few ports, 0.0.0.0, a non-local 10.0.0.1, broadcast;
    //! three abstract names and two paths; autobind (the family alone);
    //! AF_UNSPEC; then any family, length and bytes. Lengths above 128 reach
    //! move_addr_to_kernel's EINVAL; the storage has room for them all.
    struct address {
        alignas(8) unsigned char bytes[136] = {};
        socklen_t len = 0;
        bool null = false;
        const sockaddr* sa() const {
            return null ? nullptr : static_cast<const sockaddr*>(static_cast<const void*>(bytes));
        }
    };

    static constexpr std::uint16_t ports[] = {5000, 5000, 5001, 5002, 0, 5003};

    static address inet_address(std::uint32_t host, std::uint16_t port) {
        address a;
        sockaddr_in sin{};
        sin.sin_family = af_inet;
        sin.sin_port = ksock::cpu_to_be16(port);
        sin.sin_addr.s_addr = ksock::cpu_to_be32(host);
        std::memcpy(a.bytes, &sin, sizeof sin);
        a.len = sizeof sin;
        return a;
    }
    static address unix_abstract(char c) {
        address a;
        const sa_family_t fam = af_unix;
        std::memcpy(a.bytes, &fam, sizeof fam);
        a.bytes[2] = 0;
        a.bytes[3] = static_cast<unsigned char>(c);
        a.len = 4;
        return a;
    }

    address pick_addr() {
        address a;
        const std::uint8_t sel = in.u8();
        if (sel < 144) {
            static constexpr std::uint32_t hosts[] = {
                inaddr_loopback, inaddr_loopback,  inaddr_loopback + 1, inaddr_any,
                0x0a000001u,     inaddr_broadcast, 0x7fffffffu,         0xe0000001u};
            a = inet_address(hosts[sel & 7], ports[(sel >> 3) % 6]);
            const std::uint8_t lsel = in.u8();
            if (lsel >= 224) // short, long, or any length
                a.len = lsel == 224 ? 15 : lsel == 225 ? 128 : static_cast<socklen_t>(lsel % 131);
        } else if (sel < 208) {
            const std::uint8_t k = sel % 8;
            if (k < 4) {
                a = unix_abstract(static_cast<char>('a' + k % 3));
            } else if (k < 6) {
                const sa_family_t fam = af_unix;
                std::memcpy(a.bytes, &fam, sizeof fam);
                a.bytes[2] = '/';
                a.bytes[3] = static_cast<unsigned char>('p' + (k & 1));
                // With the NUL, up to it, or the whole sockaddr_un.
                const std::uint8_t lsel = in.u8() % 3;
                a.len = lsel == 0 ? 5 : lsel == 1 ? 4 : static_cast<socklen_t>(sizeof(sockaddr_un));
            } else {
                const sa_family_t fam = af_unix;
                std::memcpy(a.bytes, &fam, sizeof fam);
                a.len = k == 6 ? 2 : 3; // autobind; an abstract name of one NUL
            }
        } else if (sel < 224) {
            a = inet_address(inaddr_loopback, ports[sel % 6]);
            const sa_family_t fam = af_unspec; // connect: disconnect
            std::memcpy(a.bytes, &fam, sizeof fam);
            a.len = sel & 8 ? 16 : 2;
        } else if (sel < 232) {
            a.null = true;
            a.len = sel & 1 ? 16 : 0; // EFAULT, or nothing to copy
        } else {
            const std::uint16_t fam =
                static_cast<std::uint16_t>(in.u8() < 128 ? in.u8() : in.u32());
            std::memcpy(a.bytes, &fam, sizeof fam);
            const std::size_t take = in.u8() % 20;
            for (std::size_t i = 0; i < take; ++i)
                a.bytes[2 + i] = in.u8();
            const std::uint8_t lsel = in.u8();
            a.len = lsel < 250 ? lsel % 131 : static_cast<socklen_t>(in.u32());
        }
        return a;
    }

    //! A data length: 0, a few bytes, a few hundred (a chain of skbs), more
    //! than the pool holds, beyond a datagram's 65507, or any.
    std::size_t pick_len() {
        static constexpr std::size_t lens[] = {0,   1,   2,    5,    16,   100,   255,   256,
                                               257, 600, 1000, 3000, 5000, 65507, 65508, 70000};
        const std::uint8_t sel = in.u8();
        if (sel < 224)
            return lens[sel % (sizeof lens / sizeof lens[0])];
        return in.u32() % (sizeof out_buf + 1);
    }

    //! MSG_* flags: mostly the ones that matter, sometimes any bits.
    int pick_msg_flags() {
        const std::uint8_t sel = in.u8();
        if (sel >= 240)
            return static_cast<int>(in.u32());
        constexpr int bits[] = {msg_peek, msg_dontwait, msg_trunc, msg_waitall,
                                msg_oob,  msg_nosignal, msg_more,  msg_eor};
        int f = 0;
        const std::uint8_t b = in.u8();
        for (int i = 0; i < 8; ++i)
            if (b & (1 << i))
                f |= bits[i];
        return sel & 1 ? f | msg_dontwait : f;
    }

    // Send data (a pattern) and receive room (a canary after what is asked).
    static inline unsigned char out_buf[70000];
    static constexpr std::size_t canary = 64;
    static inline unsigned char in_buf[70000 + canary];

    static void fill_out() {
        for (std::size_t i = 0; i < sizeof out_buf; ++i)
            out_buf[i] = static_cast<unsigned char>(i * 7 + 3);
    }

    //! A model check for every fd call: EBADF exactly for closed fds.
    void check_fd(long r, bool was, int fd) {
        if (!was)
            KSOCK_FUZZ_CHECK(r == -ebadf, r, fd);
        else
            KSOCK_FUZZ_CHECK(r != -ebadf, r, fd);
    }

    int do_bind(int fd, const address& a) {
        const bool was = model_open(fd);
        const int r = call([&] { return s.bind(fd, a.sa(), a.len); }, fx::data);
        check_fd(r, was, fd);
        return r;
    }
    int do_connect(int fd, const address& a) {
        const bool was = model_open(fd);
        const int r = call([&] { return s.connect(fd, a.sa(), a.len); }, fx::data);
        check_fd(r, was, fd);
        return r;
    }
    int do_listen(int fd, int backlog) {
        const bool was = model_open(fd);
        const int r = call([&] { return s.listen(fd, backlog); }, fx::data);
        check_fd(r, was, fd);
        return r;
    }
    int do_accept(int fd, int flags, bool want_addr, socklen_t alen, bool null_len) {
        const bool was = model_open(fd);
        const int lowest = lowest_free(0);
        alignas(8) unsigned char abuf[136 + canary];
        std::memset(abuf, 0xa5, sizeof abuf);
        socklen_t len = alen;
        sockaddr* ap = want_addr ? static_cast<sockaddr*>(static_cast<void*>(abuf)) : nullptr;
        socklen_t* lp = null_len ? nullptr : &len;
        const int r = call([&] { return s.accept4(fd, ap, lp, flags); });
        check_fd(r, was, fd);
        if (r >= 0) {
            opened_new(r, lowest);
            ++connections;
            accepted = true;
            if (ap && lp) {
                KSOCK_FUZZ_CHECK(len <= sizeof(sockaddr_storage), len, alen);
                written_within(abuf, sizeof abuf, alen < 136 ? alen : 136);
            }
        }
        return r;
    }
    //! No byte of \p buf at or after \p limit changed from the 0xa5 fill.
    void written_within(const unsigned char* buf, std::size_t size, std::size_t limit) {
        for (std::size_t i = limit; i < size; ++i)
            KSOCK_FUZZ_CHECK(buf[i] == 0xa5, i, limit);
    }

    void op_bind() {
        const int fd = pick_fd();
        do_bind(fd, pick_addr());
    }
    void op_connect() {
        const int fd = pick_fd();
        do_connect(fd, pick_addr());
    }
    void op_listen() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        do_listen(fd, sel < 200 ? sel % 4 : in.integer());
    }
    void op_accept() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        int flags = (sel & 1 ? sock_nonblock : 0) | (sel & 2 ? sock_cloexec : 0);
        if (sel >= 248)
            flags = in.integer();
        const socklen_t alen = sel & 8 ? static_cast<socklen_t>(in.u8() % 136)
                                       : static_cast<socklen_t>(sizeof(sockaddr_in));
        do_accept(fd, flags, sel & 4, alen, (sel & 0x30) == 0x30);
    }

    void op_getname() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        alignas(8) unsigned char abuf[136 + canary];
        std::memset(abuf, 0xa5, sizeof abuf);
        socklen_t len = sel & 4 ? static_cast<socklen_t>(in.integer())
                                : static_cast<socklen_t>(sizeof(sockaddr_un));
        const socklen_t given = len;
        sockaddr* ap = sel & 8 ? nullptr : static_cast<sockaddr*>(static_cast<void*>(abuf));
        socklen_t* lp = sel & 16 ? nullptr : &len;
        // A length larger than the buffer would let ksock write past it.
        if (static_cast<int>(given) > 136)
            ap = nullptr;
        const bool was = model_open(fd);
        const int r =
            call([&] { return sel & 1 ? s.getpeername(fd, ap, lp) : s.getsockname(fd, ap, lp); });
        check_fd(r, was, fd);
        if (r == 0 && lp && ap) {
            KSOCK_FUZZ_CHECK(len <= sizeof(sockaddr_storage), len, given);
            written_within(abuf, sizeof abuf,
                           static_cast<int>(given) < 0 ? 0 : static_cast<std::size_t>(given));
        }
    }

    void op_send() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        std::size_t len = pick_len();
        const int flags = pick_msg_flags();
        const void* buf = sel & 1 ? nullptr : out_buf;
        if (sel & 2)
            len = len > sizeof out_buf ? sizeof out_buf : len;
        if (buf && len > sizeof out_buf)
            len = sizeof out_buf;
        const bool was = model_open(fd);
        long r;
        if (sel & 4) {
            const address a = pick_addr();
            r = call([&] { return s.sendto(fd, buf, len, flags, a.sa(), a.len); }, fx::data);
        } else {
            r = call([&] { return s.send(fd, buf, len, flags); }, fx::data);
        }
        check_fd(r, was, fd);
        KSOCK_FUZZ_CHECK(r < 0 || static_cast<std::size_t>(r) <= len, r, len);
        if (r > 0)
            bytes_moved += static_cast<unsigned long long>(r);
    }

    //! Up to three iovecs over out_buf / in_buf, some empty, some null.
    std::size_t pick_iov(iovec* iov, unsigned char* base, std::size_t room) {
        const std::size_t n = in.u8() % 4;
        std::size_t off = 0;
        for (std::size_t i = 0; i < n; ++i) {
            std::size_t len = pick_len();
            if (off + len > room)
                len = room - off;
            const bool null = (in.u8() & 7) == 0;
            iov[i] = iovec{null ? nullptr : base + off, len};
            off += len;
        }
        return n;
    }

    void op_sendmsg() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        iovec iov[3];
        msghdr m{};
        m.msg_iovlen = pick_iov(iov, out_buf, sizeof out_buf);
        m.msg_iov = sel & 1 && m.msg_iovlen == 0 ? nullptr : iov;
        address a;
        if (sel & 2) {
            a = pick_addr();
            m.msg_name = const_cast<sockaddr*>(a.sa());
            m.msg_namelen = a.len;
        }
        // Ancillary data: input bytes (any cmsg, SCM_RIGHTS with any fds
        // included) in a buffer of exactly the length given, or a null one.
        alignas(8) unsigned char ctl[64];
        if (sel & 4) {
            m.msg_controllen = in.u8() % (sizeof ctl + 1);
            for (std::size_t i = 0; i < m.msg_controllen; ++i)
                ctl[i] = in.u8();
            m.msg_control = sel & 32 ? nullptr : ctl;
        }
        if (sel >= 250)
            m.msg_iovlen = in.u32(); // beyond UIO_MAXIOV: EMSGSIZE before any read
        if (m.msg_iovlen > 3 && m.msg_iovlen <= uio_maxiov)
            m.msg_iovlen = 3;
        std::size_t total = 0;
        for (std::size_t i = 0; i < m.msg_iovlen && i < 3; ++i)
            total += iov[i].iov_len;
        const int flags = pick_msg_flags();
        const bool was = model_open(fd);
        const long r =
            call([&] { return s.sendmsg(fd, sel & 8 ? &m : (sel & 16 ? nullptr : &m), flags); },
                 fx::data);
        check_fd(r, was, fd);
        KSOCK_FUZZ_CHECK(r < 0 || static_cast<std::size_t>(r) <= total, r, total);
        if (r > 0)
            bytes_moved += static_cast<unsigned long long>(r);
    }

    void op_recv() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        std::size_t len = pick_len();
        if (len > sizeof in_buf - canary)
            len = sizeof in_buf - canary;
        const int flags = pick_msg_flags();
        std::memset(in_buf, 0xa5, len + canary);
        void* buf = sel & 1 ? nullptr : in_buf;
        alignas(8) unsigned char abuf[136 + canary];
        std::memset(abuf, 0xa5, sizeof abuf);
        socklen_t alen = sel & 8 ? in.u8() % 137 : static_cast<socklen_t>(sizeof(sockaddr_un));
        const socklen_t given = alen;
        const bool was = model_open(fd);
        long r;
        if (sel & 2) {
            sockaddr* ap = sel & 4 ? nullptr : static_cast<sockaddr*>(static_cast<void*>(abuf));
            socklen_t* lp = sel & 16 ? nullptr : &alen;
            r = call([&] { return s.recvfrom(fd, buf, len, flags, ap, lp); }, fx::data);
            if (r >= 0 && ap && lp)
                written_within(abuf, sizeof abuf, given);
        } else {
            r = call([&] { return s.recv(fd, buf, len, flags); }, fx::data);
        }
        check_fd(r, was, fd);
        // (A UNIX stream's MSG_OOB read returns 1 even into no room, as
        // unix_stream_recv_urg does.)
        if (!(flags & msg_trunc))
            KSOCK_FUZZ_CHECK(r < 0 || static_cast<std::size_t>(r) <= len ||
                                 (r == 1 && (flags & msg_oob)),
                             r, len);
        written_within(in_buf, len + canary, len);
        if (r > 0)
            bytes_moved += static_cast<unsigned long long>(r);
    }

    void op_recvmsg() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        iovec iov[3];
        msghdr m{};
        m.msg_iovlen = pick_iov(iov, in_buf, sizeof in_buf - canary);
        m.msg_iov = iov;
        std::size_t total = 0;
        std::size_t end = 0;
        for (std::size_t i = 0; i < m.msg_iovlen; ++i) {
            total += iov[i].iov_len;
            end += iov[i].iov_len;
        }
        std::memset(in_buf, 0xa5, end + canary);
        alignas(8) unsigned char abuf[136 + canary];
        std::memset(abuf, 0xa5, sizeof abuf);
        if (sel & 2) {
            m.msg_name = abuf;
            m.msg_namelen = sel & 4 ? in.u8() % 137 : static_cast<socklen_t>(sizeof(sockaddr_un));
        }
        const socklen_t given = m.msg_namelen;
        // Room for ancillary data (SCM_RIGHTS installs fds: the model
        // cannot follow them, so only no room or a null buffer here).
        alignas(8) unsigned char ctl[64 + canary];
        std::memset(ctl, 0xa5, sizeof ctl);
        if (sel & 8) {
            m.msg_control = sel & 16 ? nullptr : ctl;
            m.msg_controllen = 0;
        }
        if (sel >= 250)
            m.msg_iovlen = in.u32(); // beyond UIO_MAXIOV: EMSGSIZE before any read
        if (m.msg_iovlen > 3 && m.msg_iovlen <= uio_maxiov)
            m.msg_iovlen = 3; // never past the caller's own array (that is UB anywhere)
        const int flags = pick_msg_flags();
        const bool was = model_open(fd);
        const long r = call([&] { return s.recvmsg(fd, sel & 1 ? nullptr : &m, flags); }, fx::data);
        check_fd(r, was, fd);
        if (!(flags & msg_trunc))
            KSOCK_FUZZ_CHECK(r < 0 || static_cast<std::size_t>(r) <= total ||
                                 (r == 1 && (flags & msg_oob)),
                             r, total);
        written_within(in_buf, end + canary, end);
        written_within(ctl, sizeof ctl, 0);
        if (m.msg_name)
            written_within(abuf, sizeof abuf, given);
        if (r > 0)
            bytes_moved += static_cast<unsigned long long>(r);
    }

    void op_shutdown() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        const int how = sel < 192 ? sel % 3 : in.integer();
        const bool was = model_open(fd);
        const int r = call([&] { return s.shutdown(fd, how); }, fx::data);
        check_fd(r, was, fd);
    }

    void op_poll() {
        pollfd fds[nfds + 4];
        const std::size_t n = in.u8() % (sizeof fds / sizeof fds[0] + 1);
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint8_t sel = in.u8();
            fds[i].fd = sel < 240 ? static_cast<int>(sel % (nfds + 2)) - (sel & 0x80 ? 1 : 0)
                                  : in.integer();
            fds[i].events = static_cast<short>(
                in.u8() < 200 ? (pollin | pollout | pollpri | pollrdhup) : in.u32());
            fds[i].revents = static_cast<short>(0x7eef);
        }
        unsigned long count = n;
        const std::uint8_t sel = in.u8();
        if (sel >= 240)
            count = in.u32() | (static_cast<unsigned long>(sel & 1) << 31);
        // More entries than the array holds: only a count above RLIMIT_NOFILE
        // (EINVAL before any is read) may be passed.
        const bool too_many = count > nofile();
        if (!too_many && count > n)
            count = n;
        pollfd* p = sel == 239 ? nullptr : fds;
        const int r = call([&] { return s.poll(p, count, in.integer()); }, fx::data);
        if (too_many) {
            KSOCK_FUZZ_CHECK(r == -einval, r, count);
            return;
        }
        if (!p && count) {
            KSOCK_FUZZ_CHECK(r == -efault, r, count);
            return;
        }
        int ready = 0;
        for (unsigned long i = 0; i < count; ++i) {
            const auto rev = static_cast<unsigned short>(fds[i].revents);
            const auto asked = static_cast<unsigned short>(fds[i].events);
            ready += rev != 0;
            if (fds[i].fd < 0) {
                KSOCK_FUZZ_CHECK(rev == 0, rev, fds[i].fd);
            } else if (!model_open(fds[i].fd)) {
                KSOCK_FUZZ_CHECK(rev == pollnval, rev, fds[i].fd);
            } else {
                KSOCK_FUZZ_CHECK((rev & ~(asked | pollerr | pollhup)) == 0, rev, asked);
            }
        }
        KSOCK_FUZZ_CHECK(r == ready, r, ready);
    }

    void op_ioctl() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        constexpr unsigned long cmds[] = {fionread, siocoutq, siocatmark, fionbio, siocoutqnsd,
                                          fioclex,  fionclex, 0x8904 /* SIOCGPGRP */};
        unsigned long cmd = cmds[sel % 8];
        if (sel >= 224)
            cmd = in.u32();
        alignas(8) unsigned char arg[16 + canary];
        std::memset(arg, 0xa5, sizeof arg);
        const int v = in.integer();
        std::memcpy(arg, &v, sizeof v);
        const bool null = (in.u8() & 15) == 0;
        const bool was = model_open(fd);
        const int r = call([&] { return s.ioctl(fd, cmd, null ? nullptr : arg); });
        check_fd(r, was, fd);
        written_within(arg, sizeof arg, 8); // an int, or a pid
        if (r == 0 && !null && (cmd == fionread || cmd == siocoutq || cmd == siocoutqnsd)) {
            int out = 0;
            std::memcpy(&out, arg, sizeof out);
            KSOCK_FUZZ_CHECK(out >= 0, out, cmd);
        }
    }

    //! The options the data path reads: buffer sizes (tiny ones make the
    //! windows and the send memory run out), SO_LINGER (close resets),
    //! SO_REUSEADDR / SO_REUSEPORT (binds), SO_PEEK_OFF, TCP_NODELAY.
    void op_setsockopt_data() {
        const int fd = pick_fd();
        const std::uint8_t sel = in.u8();
        const int v = in.u8() < 200 ? in.u8() * 97 : in.integer();
        int level = sol_socket;
        int name = so_sndbuf;
        alignas(8) unsigned char buf[16] = {};
        socklen_t len = sizeof(int);
        std::memcpy(buf, &v, sizeof v);
        switch (sel % 8) {
        case 0:
            name = so_sndbuf;
            break;
        case 1:
            name = so_rcvbuf;
            break;
        case 2: {
            name = so_linger;
            const linger l{sel & 8 ? 1 : 0, sel & 16 ? v : 0};
            std::memcpy(buf, &l, sizeof l);
            len = sizeof l;
            break;
        }
        case 3:
            name = so_reuseaddr;
            break;
        case 4:
            name = so_reuseport;
            break;
        case 5:
            name = so_peek_off;
            break;
        case 6:
            level = sol_tcp;
            name = tcp_nodelay;
            break;
        default:
            name = sel & 8 ? 33 /* SO_RCVBUFFORCE */ : 32 /* SO_SNDBUFFORCE */;
            break;
        }
        const bool was = model_open(fd);
        const int r = call([&] { return s.setsockopt(fd, level, name, buf, len); });
        check_fd(r, was, fd);
    }

    void op_advance() {
        static constexpr unsigned long steps[] = {0,    1,    40,    200,   1000,
                                                  3000, 7000, 30000, 60000, 130000};
        const std::uint8_t sel = in.u8();
        const unsigned long ms = sel < 240 ? steps[sel % 10] : in.u32();
        const bool was = s.fault().failed;
        s.advance(ms);
        after(0, was, fx::data);
    }

    //! One operation that builds a whole connection with the calls above, so
    //! that short inputs reach established sockets: TCP (listener, client,
    //! accepted), UNIX stream or seqpacket (an abstract name), or a pair of
    //! bound and connected datagram sockets (UDP or UNIX).
    void op_connection() {
        const std::uint8_t sel = in.u8();
        const bool nonblock = sel & 0x10;
        const int flag = nonblock ? sock_nonblock : 0;
        switch (sel % 4) {
        case 0:
        case 1: {
            const bool tcp = sel % 4 == 0;
            const int family = tcp ? pf_inet : pf_unix;
            const int type = tcp ? sock_stream : (sel & 0x20 ? sock_seqpacket : sock_stream);
            const address a = tcp ? inet_address(inaddr_loopback, ports[(sel >> 6) % 4])
                                  : unix_abstract(static_cast<char>('a' + (sel >> 6) % 3));
            const int l = do_socket(family, type | flag, 0);
            if (l < 0)
                return;
            if (tcp && sel & 0x40) {
                const int one = 1;
                call([&] { return s.setsockopt(l, sol_socket, so_reuseaddr, &one, sizeof one); });
            }
            do_bind(l, a);
            do_listen(l, static_cast<int>(sel >> 5) % 3);
            const int c = do_socket(family, type | flag, 0);
            if (c < 0)
                return;
            do_connect(c, a);
            do_accept(l, sel & 0x80 ? sock_nonblock : 0, true, sizeof(sockaddr_in), false);
            return;
        }
        default: {
            const bool udp = sel % 4 == 2;
            const int family = udp ? pf_inet : pf_unix;
            const address a = udp ? inet_address(inaddr_loopback, ports[(sel >> 6) % 4])
                                  : unix_abstract(static_cast<char>('a' + (sel >> 6) % 3));
            const address b = udp ? inet_address(inaddr_loopback, ports[((sel >> 6) + 1) % 4])
                                  : unix_abstract(static_cast<char>('a' + ((sel >> 6) + 1) % 3));
            const int x = do_socket(family, sock_dgram | flag, 0);
            if (x < 0)
                return;
            const int y = do_socket(family, sock_dgram | flag, 0);
            if (y < 0)
                return;
            do_bind(x, a);
            do_bind(y, b);
            do_connect(x, b);
            if (sel & 0x20)
                do_connect(y, a);
            return;
        }
        }
    }

    int do_socket(int family, int type, int protocol) {
        const int lowest = lowest_free(0);
        const int r = call([&] { return s.socket(family, type, protocol); });
        if (r >= 0)
            opened_new(r, lowest);
        return r;
    }

    void run() {
        fuzz_lsm& p = s.security().get<fuzz_lsm>();
        p.rule[0] = in.u8();
        p.rule[1] = in.u8();
        p.rule[2] = in.u8();
        p.rule[3] = 0;
        const std::uint8_t hdr = in.u8();
        if (hdr & 1) {
            ksock::inet::ipv4_net(s).sysctl.ping_group_range[0] = 100;
            ksock::inet::ipv4_net(s).sysctl.ping_group_range[1] = 200;
        }
        for (int t = 0; t < ntasks; ++t)
            s.task(static_cast<std::size_t>(t)).cred =
                cred_of(static_cast<std::uint8_t>(hdr >> (2 * t + 1)));
        while (!in.empty()) {
            switch (in.u8() % 32) {
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
            case 15:
                if (in.u8() & 1)
                    op_cred();
                else
                    op_ping_range();
                break;
            case 16:
                op_bind();
                break;
            case 17:
                op_connect();
                break;
            case 18:
                op_listen();
                break;
            case 19:
                op_accept();
                break;
            case 20:
                op_getname();
                break;
            case 21:
            case 22:
                op_send();
                break;
            case 23:
                op_sendmsg();
                break;
            case 24:
            case 25:
                op_recv();
                break;
            case 26:
                op_recvmsg();
                break;
            case 27:
                op_shutdown();
                break;
            case 28:
                op_poll();
                break;
            case 29:
                if (in.u8() & 1)
                    op_ioctl();
                else
                    op_setsockopt_data();
                break;
            case 30:
                op_advance();
                break;
            default:
                op_connection();
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
        // Orphans finish and TIME_WAIT ends: then nothing is left, not
        // even an skb charged to nobody. TCP over lo is real now, so an
        // orphan lives as long as Linux's would: a FIN retransmitted
        // tcp_orphan_retries times, a zero window probed with backoff up to
        // rto_max (minutes), then FIN_WAIT2 and TIME_WAIT (60 s each). Time
        // runs a minute at a time, at most half an hour.
        s.advance(61000);
        for (int i = 0; i < 30 && (!s.empty() || s.skbs_in_use() != 0); ++i)
            s.advance(61000);
        after(0, false);
        KSOCK_FUZZ_CHECK(s.skbs_in_use() == 0, s.skbs_in_use(), 0);
        KSOCK_FUZZ_CHECK(s.empty(), cur, 0);
        established_seen += accepted;
    }
};

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    harness::fill_out();
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
