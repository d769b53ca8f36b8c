// test/differential/creation.cpp: socket() / socketpair() against the host
// kernel and against a ksock::default_stack configured like the host; every
// result (fd or errno, fd order, the fresh socket's options, file flags) must
// be identical. Runs the matrix as the current user (root expected), again
// as nobody in a forked child, and the RLIMIT_NOFILE ordering cases in forked
// children (setrlimit must not touch the test runner itself).
#include <doctest/doctest.h>

#ifdef __linux__

#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <grp.h>
#include <memory>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/ksock.hpp>

namespace {

using kstack = ksock::default_stack;

// --- the constants agree ----------------------------------------------------
static_assert(AF_UNIX == ksock::af_unix && AF_INET == ksock::af_inet &&
              AF_INET6 == ksock::af_inet6);
static_assert(SOCK_STREAM == ksock::sock_stream && SOCK_DGRAM == ksock::sock_dgram &&
              SOCK_RAW == ksock::sock_raw && SOCK_SEQPACKET == ksock::sock_seqpacket &&
              SOCK_PACKET == ksock::sock_packet);
static_assert(SOCK_NONBLOCK == ksock::sock_nonblock && SOCK_CLOEXEC == ksock::sock_cloexec);
static_assert(O_RDWR == ksock::o_rdwr && O_NONBLOCK == ksock::o_nonblock);
static_assert(F_GETFL == ksock::f_getfl && F_GETFD == ksock::f_getfd &&
              FD_CLOEXEC == ksock::fd_cloexec);
static_assert(IPPROTO_ICMP == ksock::ipproto_icmp && IPPROTO_TCP == ksock::ipproto_tcp &&
              IPPROTO_UDP == ksock::ipproto_udp && IPPROTO_RAW == ksock::ipproto_raw &&
              IPPROTO_UDPLITE == ksock::ipproto_udplite);
static_assert(EINVAL == ksock::einval && EAFNOSUPPORT == ksock::eafnosupport &&
              EPROTONOSUPPORT == ksock::eprotonosupport &&
              ESOCKTNOSUPPORT == ksock::esocktnosupport && EMFILE == ksock::emfile &&
              ENFILE == ksock::enfile && EBADF == ksock::ebadf);

struct opt_desc {
    const char* name;
    int level, opt;   // the system's
    int klevel, kopt; // ksock's
};
#define KSOCK_DIFF_OPT(L, O, KL, KO)                                                               \
    opt_desc {                                                                                     \
#O, L, O, ksock::KL, ksock::KO                                                             \
    }
constexpr opt_desc opts[] = {
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_TYPE, sol_socket, so_type),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_PROTOCOL, sol_socket, so_protocol),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_DOMAIN, sol_socket, so_domain),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_SNDBUF, sol_socket, so_sndbuf),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_RCVBUF, sol_socket, so_rcvbuf),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_RCVLOWAT, sol_socket, so_rcvlowat),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_SNDLOWAT, sol_socket, so_sndlowat),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_RCVTIMEO, sol_socket, so_rcvtimeo),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_SNDTIMEO, sol_socket, so_sndtimeo),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_REUSEADDR, sol_socket, so_reuseaddr),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_REUSEPORT, sol_socket, so_reuseport),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_KEEPALIVE, sol_socket, so_keepalive),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_BROADCAST, sol_socket, so_broadcast),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_LINGER, sol_socket, so_linger),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_ERROR, sol_socket, so_error),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_ACCEPTCONN, sol_socket, so_acceptconn),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_PEEK_OFF, sol_socket, so_peek_off),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_PRIORITY, sol_socket, so_priority),
    KSOCK_DIFF_OPT(SOL_SOCKET, SO_MARK, sol_socket, so_mark),
    KSOCK_DIFF_OPT(SOL_IP, IP_TTL, sol_ip, ip_ttl),
    KSOCK_DIFF_OPT(SOL_IP, IP_TOS, sol_ip, ip_tos),
    KSOCK_DIFF_OPT(SOL_IP, IP_MULTICAST_TTL, sol_ip, ip_multicast_ttl),
    KSOCK_DIFF_OPT(SOL_IP, IP_MULTICAST_LOOP, sol_ip, ip_multicast_loop),
    KSOCK_DIFF_OPT(SOL_IP, IP_MULTICAST_ALL, sol_ip, ip_multicast_all),
    KSOCK_DIFF_OPT(SOL_IP, IP_HDRINCL, sol_ip, ip_hdrincl),
    KSOCK_DIFF_OPT(SOL_IP, IP_MTU_DISCOVER, sol_ip, ip_mtu_discover),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_MAXSEG, sol_tcp, tcp_maxseg),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_NODELAY, sol_tcp, tcp_nodelay),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_CONGESTION, sol_tcp, tcp_congestion),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_KEEPIDLE, sol_tcp, tcp_keepidle),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_KEEPINTVL, sol_tcp, tcp_keepintvl),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_KEEPCNT, sol_tcp, tcp_keepcnt),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_SYNCNT, sol_tcp, tcp_syncnt),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_LINGER2, sol_tcp, tcp_linger2),
    KSOCK_DIFF_OPT(SOL_TCP, TCP_INFO, sol_tcp, tcp_info),
};
#undef KSOCK_DIFF_OPT
static_assert([] {
    for (const opt_desc& o : opts)
        if (o.level != o.klevel || o.opt != o.kopt)
            return false;
    return true;
}());

// --- the case matrix ----------------------------------------------------------
constexpr int families[] = {-1, 0, 1, 2, 3, 45, 46, 1000, INT_MIN, INT_MAX};
constexpr int types[] = {-1,
                         0,
                         1,
                         2,
                         3,
                         4,
                         5,
                         6,
                         7,
                         9,
                         10,
                         11,
                         15,
                         16,
                         1 | SOCK_NONBLOCK,
                         2 | SOCK_CLOEXEC,
                         1 | SOCK_NONBLOCK | SOCK_CLOEXEC,
                         1 | 0x100,
                         1 | 0x10,
                         INT_MIN,
                         INT_MAX};
constexpr int protocols[] = {-1, 0, 1, 6, 17, 136, 255, 256, 261, 263, 9999, INT_MIN, INT_MAX};

constexpr int pair_families[] = {-1, 1, 2, 46};
constexpr int pair_types[] = {1, 2, 3, 5, 6, 1 | SOCK_NONBLOCK, 1 | 0x100};
constexpr int pair_protocols[] = {-1, 0, 1, 6, 17, 136, 255, 263};

constexpr const char* left_out =
    "families 10 (AF_INET6), 16 (AF_NETLINK), 17 (AF_PACKET), 40 (AF_VSOCK), 44 (AF_XDP): "
    "registered on the host, not in ksock; (AF_INET, SOCK_PACKET=10): served by AF_PACKET; "
    "protocol 262 (MPTCP): in the host's inetsw, not in ksock's";

// --- host configuration ------------------------------------------------------
std::string slurp(const char* path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
template <class T>
void read_into(const char* path, T* out, int n) {
    std::istringstream in(slurp(path));
    for (int i = 0; i < n; ++i) {
        long long v = 0;
        if (in >> v)
            out[i] = static_cast<T>(v);
    }
}
//! The four numbers after "Key:" in /proc/self/status, or the hex CapEff.
std::string status_line(const char* key) {
    std::istringstream in(slurp("/proc/self/status"));
    std::string line;
    const std::size_t n = std::strlen(key);
    while (std::getline(in, line))
        if (line.compare(0, n, key) == 0)
            return line.substr(n);
    return {};
}

struct host_config {
    bool cc_ok = true;
    std::string cc;
};

host_config configure(kstack& s) {
    host_config h;
    ksock::net_core_sysctl& sc = s.net().sysctl;
    ksock::inet::ipv4_sysctl& v4 = ksock::inet::ipv4_net(s).sysctl;
    read_into("/proc/sys/net/core/wmem_default", &sc.wmem_default, 1);
    read_into("/proc/sys/net/core/rmem_default", &sc.rmem_default, 1);
    read_into("/proc/sys/net/core/wmem_max", &sc.wmem_max, 1);
    read_into("/proc/sys/net/core/rmem_max", &sc.rmem_max, 1);
    read_into("/proc/sys/net/core/somaxconn", &sc.somaxconn, 1);
    read_into("/proc/sys/net/ipv4/tcp_wmem", v4.tcp_wmem, 3);
    read_into("/proc/sys/net/ipv4/tcp_rmem", v4.tcp_rmem, 3);
    read_into("/proc/sys/net/ipv4/tcp_reordering", &v4.tcp_reordering, 1);
    read_into("/proc/sys/net/ipv4/ip_default_ttl", &v4.ip_default_ttl, 1);
    read_into("/proc/sys/net/ipv4/ip_no_pmtu_disc", &v4.ip_no_pmtu_disc, 1);
    read_into("/proc/sys/net/ipv4/ping_group_range", v4.ping_group_range, 2);
    std::istringstream(slurp("/proc/sys/net/ipv4/tcp_congestion_control")) >> h.cc;
    h.cc_ok = ksock::inet::ipv4_net(s).set_tcp_congestion_control(h.cc.c_str()) == 0;

    ksock::cred& c = s.current().cred;
    c = ksock::cred{};
    uid_t ru, eu, su;
    gid_t rg, eg, sg;
    getresuid(&ru, &eu, &su);
    getresgid(&rg, &eg, &sg);
    c.uid = ru;
    c.euid = eu;
    c.gid = rg;
    c.egid = eg;
    unsigned long long ids[4] = {eu, eu, eu, eu};
    {
        std::istringstream in(status_line("Uid:"));
        for (auto& v : ids)
            in >> v;
        c.fsuid = static_cast<ksock::uid_t>(ids[3]);
    }
    ids[3] = eg;
    {
        std::istringstream in(status_line("Gid:"));
        for (auto& v : ids)
            in >> v;
        c.fsgid = static_cast<ksock::gid_t>(ids[3]);
    }
    gid_t groups[64];
    const int ng = getgroups(64, groups);
    for (int i = 0; i < ng; ++i)
        c.add_group(groups[i]);
    {
        std::istringstream in(status_line("CapEff:"));
        in >> std::hex >> c.cap_effective.val;
    }
    return h;
}

// --- formatting ---------------------------------------------------------------
const char* errname(int e) {
    switch (e) {
    case EPERM:
        return "EPERM";
    case ENOENT:
        return "ENOENT";
    case EBADF:
        return "EBADF";
    case ENOMEM:
        return "ENOMEM";
    case EACCES:
        return "EACCES";
    case EFAULT:
        return "EFAULT";
    case EINVAL:
        return "EINVAL";
    case ENFILE:
        return "ENFILE";
    case EMFILE:
        return "EMFILE";
    case ENOPROTOOPT:
        return "ENOPROTOOPT";
    case EPROTONOSUPPORT:
        return "EPROTONOSUPPORT";
    case ESOCKTNOSUPPORT:
        return "ESOCKTNOSUPPORT";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    case EAFNOSUPPORT:
        return "EAFNOSUPPORT";
    default:
        return "E?";
    }
}
std::string fmt_res(int r, int base) {
    char b[64];
    if (r >= 0)
        std::snprintf(b, sizeof b, "fd base+%d", r - base);
    else
        std::snprintf(b, sizeof b, "-%d %s", -r, errname(-r));
    return b;
}
std::string fmt_ret(int r) {
    char b[64];
    if (r >= 0)
        std::snprintf(b, sizeof b, "%d", r);
    else
        std::snprintf(b, sizeof b, "-%d %s", -r, errname(-r));
    return b;
}
std::string hex(const unsigned char* p, unsigned n) {
    std::string out;
    char b[4];
    for (unsigned i = 0; i < n && i < 32; ++i) {
        std::snprintf(b, sizeof b, "%02x", p[i]);
        out += b;
    }
    return out;
}

// --- the kernel side, kernel-style results ----------------------------------------
int k_ret(int r) {
    return r < 0 ? -errno : r;
}

//! The lowest free fd on each side.
int kernel_base() {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    ::close(fd);
    return fd;
}
int ksock_base(kstack& s) {
    const int fd = s.socket(ksock::af_unix, ksock::sock_stream, 0);
    s.close(fd);
    return fd;
}

// --- one run of comparisons -----------------------------------------------------
struct report {
    long socket_cases = 0, pair_cases = 0, limit_cases = 0, opt_cases = 0;
    std::vector<std::string> mismatches;
    long total() const { return socket_cases + pair_cases + limit_cases; }
};

struct runner {
    kstack& s;
    host_config host;
    report& rep;
    int kbase = kernel_base();
    int sbase = ksock_base(s);

    void mismatch(const std::string& what, const std::string& k, const std::string& ks) {
        rep.mismatches.push_back(what + ": kernel " + k + " / ksock " + ks);
    }

    static std::string call(const char* fn, int f, int t, int p) {
        char b[96];
        std::snprintf(b, sizeof b, "%s(%d, %d, %d)", fn, f, t, p);
        return b;
    }

    void compare_opts(const std::string& c, int kfd, int sfd) {
        for (const opt_desc& o : opts) {
            if (o.opt == TCP_CONGESTION && o.level == SOL_TCP && !host.cc_ok)
                continue;
            ++rep.opt_cases;
            unsigned char kb[512], sb[512];
            std::memset(kb, 0xaa, sizeof kb);
            std::memset(sb, 0xaa, sizeof sb);
            socklen_t klen = sizeof kb;
            ksock::socklen_t slen = sizeof sb;
            const int kr = k_ret(::getsockopt(kfd, o.level, o.opt, kb, &klen));
            const int sr = s.getsockopt(sfd, o.klevel, o.kopt, sb, &slen);
            const std::string what = c + " getsockopt " + o.name;
            if (kr != sr) {
                mismatch(what, fmt_ret(kr), fmt_ret(sr));
                continue;
            }
            if (kr < 0)
                continue;
            if (klen != slen) {
                mismatch(what + " optlen", std::to_string(klen), std::to_string(slen));
                continue;
            }
            if (o.opt == TCP_INFO && o.level == SOL_TCP) {
                ksock::tcp_info_t ki{}, si{};
                std::memcpy(&ki, kb, klen < sizeof ki ? klen : sizeof ki);
                std::memcpy(&si, sb, slen < sizeof si ? slen : sizeof si);
#define KSOCK_DIFF_F(F)                                                                            \
    if (ki.F != si.F)                                                                              \
        mismatch(what + " ." #F, std::to_string(ki.F), std::to_string(si.F));
                KSOCK_DIFF_F(tcpi_state)
                KSOCK_DIFF_F(tcpi_ca_state)
                KSOCK_DIFF_F(tcpi_rto)
                KSOCK_DIFF_F(tcpi_ato)
                KSOCK_DIFF_F(tcpi_snd_mss)
                KSOCK_DIFF_F(tcpi_rcv_mss)
                KSOCK_DIFF_F(tcpi_pmtu)
                KSOCK_DIFF_F(tcpi_rtt)
                KSOCK_DIFF_F(tcpi_rttvar)
                KSOCK_DIFF_F(tcpi_snd_ssthresh)
                KSOCK_DIFF_F(tcpi_snd_cwnd)
                KSOCK_DIFF_F(tcpi_advmss)
                KSOCK_DIFF_F(tcpi_reordering)
                KSOCK_DIFF_F(tcpi_min_rtt)
                KSOCK_DIFF_F(tcpi_total_retrans)
#undef KSOCK_DIFF_F
                if (ki.tcpi_delivery_rate_app_limited != si.tcpi_delivery_rate_app_limited)
                    mismatch(what + " .tcpi_delivery_rate_app_limited",
                             std::to_string(ki.tcpi_delivery_rate_app_limited),
                             std::to_string(si.tcpi_delivery_rate_app_limited));
                continue;
            }
            if (std::memcmp(kb, sb, klen) != 0)
                mismatch(what + " bytes", hex(kb, klen), hex(sb, slen));
        }
        const int kfl = k_ret(::fcntl(kfd, F_GETFL));
        const int sfl = s.fcntl(sfd, ksock::f_getfl);
        if (kfl != sfl)
            mismatch(c + " F_GETFL", fmt_ret(kfl), fmt_ret(sfl));
        const int kfdf = k_ret(::fcntl(kfd, F_GETFD));
        const int sfdf = s.fcntl(sfd, ksock::f_getfd);
        if (kfdf != sfdf)
            mismatch(c + " F_GETFD", fmt_ret(kfdf), fmt_ret(sfdf));
        rep.opt_cases += 2;
    }

    //! One socket() case; \p with_opts: compare the fresh socket's options.
    void socket_case(int f, int t, int p, long& counter, bool with_opts = true) {
        ++counter;
        const std::string c = call("socket", f, t, p);
        const int kr = k_ret(::socket(f, t, p));
        const int sr = s.socket(f, t, p);
        if ((kr >= 0) != (sr >= 0) || (kr < 0 && kr != sr))
            mismatch(c, fmt_res(kr, kbase), fmt_res(sr, sbase));
        else if (kr >= 0) {
            if (kr - kbase != sr - sbase)
                mismatch(c + " fd", fmt_res(kr, kbase), fmt_res(sr, sbase));
            if (with_opts)
                compare_opts(c, kr, sr);
        }
        if (kr >= 0)
            ::close(kr);
        if (sr >= 0)
            s.close(sr);
    }

    void socketpair_case(int f, int t, int p, long& counter) {
        ++counter;
        const std::string c = call("socketpair", f, t, p);
        int kv[2] = {-1, -1}, sv[2] = {-1, -1};
        const int kr = k_ret(::socketpair(f, t, p, kv));
        const int sr = s.socketpair(f, t, p, sv);
        if (kr != sr)
            mismatch(c, fmt_ret(kr), fmt_ret(sr));
        else if (kr == 0) {
            for (int i = 0; i < 2; ++i) {
                if (kv[i] - kbase != sv[i] - sbase)
                    mismatch(c + " sv[" + std::to_string(i) + "]", fmt_res(kv[i], kbase),
                             fmt_res(sv[i], sbase));
                int kt = 0, st = 0;
                socklen_t kl = sizeof kt;
                ksock::socklen_t sl = sizeof st;
                const int kg = k_ret(::getsockopt(kv[i], SOL_SOCKET, SO_TYPE, &kt, &kl));
                const int sg = s.getsockopt(sv[i], ksock::sol_socket, ksock::so_type, &st, &sl);
                if (kg != sg || kt != st || kl != sl)
                    mismatch(c + " SO_TYPE of sv[" + std::to_string(i) + "]",
                             fmt_ret(kg) + " " + std::to_string(kt),
                             fmt_ret(sg) + " " + std::to_string(st));
            }
        }
        if (kr == 0) {
            ::close(kv[0]);
            ::close(kv[1]);
        }
        if (sr == 0) {
            s.close(sv[0]);
            s.close(sv[1]);
        }
    }

    void socket_matrix() {
        for (int f : families)
            for (int t : types)
                for (int p : protocols) {
                    if (f == AF_INET && t == SOCK_PACKET)
                        continue; // AF_PACKET's
                    socket_case(f, t, p, rep.socket_cases);
                }
    }

    void pair_matrix() {
        for (int f : pair_families)
            for (int t : pair_types)
                for (int p : pair_protocols)
                    socketpair_case(f, t, p, rep.pair_cases);
    }

    //! Table full: argument errors win over EMFILE (spec 3.1, 8.2). Must run
    //! in a child: it lowers this process's RLIMIT_NOFILE.
    void limits() {
        rlimit rl{};
        getrlimit(RLIMIT_NOFILE, &rl);
        rl.rlim_cur = static_cast<rlim_t>(kbase + 3);
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            mismatch("setrlimit", std::to_string(errno), "-");
            return;
        }
        s.current().rlimit_nofile = static_cast<unsigned>(sbase + 3);
        // Fill both tables.
        std::vector<int> kfds, sfds;
        for (int i = 0; i < 16; ++i) {
            const int k = k_ret(::socket(AF_UNIX, SOCK_STREAM, 0));
            const int v = s.socket(ksock::af_unix, ksock::sock_stream, 0);
            ++rep.limit_cases;
            if (k != (v < 0 ? v : v - sbase + kbase))
                mismatch("fill socket(1, 1, 0) #" + std::to_string(i), fmt_res(k, kbase),
                         fmt_res(v, sbase));
            if (k >= 0)
                kfds.push_back(k);
            if (v >= 0)
                sfds.push_back(v);
            if (k < 0 && v < 0)
                break;
        }
        // Full table: the small matrix, socket and socketpair.
        constexpr int lf[] = {-1, 0, 1, 2, 46};
        constexpr int lt[] = {1, 2, 3, 5, 1 | SOCK_NONBLOCK, 1 | 0x100, 11, -1};
        constexpr int lp[] = {0, 1, 6, 17, 255, 9999};
        for (int f : lf)
            for (int t : lt)
                for (int p : lp) {
                    socket_case(f, t, p, rep.limit_cases, false);
                    socketpair_case(f, t, p, rep.limit_cases);
                }
        // One free slot: socket() gets it, socketpair() cannot.
        if (!kfds.empty() && !sfds.empty()) {
            ::close(kfds.back());
            kfds.pop_back();
            s.close(sfds.back());
            sfds.pop_back();
            socket_case(AF_UNIX, SOCK_STREAM, 0, rep.limit_cases, false);
            socket_case(AF_INET, SOCK_STREAM, 0, rep.limit_cases, false);
            socketpair_case(AF_UNIX, SOCK_STREAM, 0, rep.limit_cases);
            socketpair_case(-1, SOCK_STREAM, 0, rep.limit_cases);
            socketpair_case(AF_INET, SOCK_STREAM, 0, rep.limit_cases);
        }
        // Two free slots: socketpair() fits.
        if (!kfds.empty() && !sfds.empty()) {
            ::close(kfds.back());
            kfds.pop_back();
            s.close(sfds.back());
            sfds.pop_back();
            socketpair_case(AF_UNIX, SOCK_STREAM, 0, rep.limit_cases);
            socketpair_case(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, rep.limit_cases);
            socketpair_case(AF_INET, SOCK_STREAM, 0, rep.limit_cases);
        }
        for (int k : kfds)
            ::close(k);
        for (int v : sfds)
            s.close(v);
        // RLIMIT_NOFILE 0: every successful create ends in EMFILE.
        rl.rlim_cur = 0;
        if (setrlimit(RLIMIT_NOFILE, &rl) != 0) {
            mismatch("setrlimit(0)", std::to_string(errno), "-");
            return;
        }
        s.current().rlimit_nofile = 0;
        for (int f : lf)
            for (int t : lt)
                for (int p : lp) {
                    socket_case(f, t, p, rep.limit_cases, false);
                    socketpair_case(f, t, p, rep.limit_cases);
                }
    }
};

// --- child processes report through a pipe ---------------------------------------------
std::string serialize(const report& r) {
    std::string out;
    for (const std::string& m : r.mismatches)
        out += "M " + m + "\n";
    out += "C " + std::to_string(r.socket_cases) + " " + std::to_string(r.pair_cases) + " " +
           std::to_string(r.limit_cases) + " " + std::to_string(r.opt_cases) + "\n";
    return out;
}

//! Runs \p body in a forked child; the child's report comes back. A child
//! that dies without its count line is one mismatch.
template <class Body>
report in_child(const char* label, Body body) {
    report rep;
    int pfd[2];
    if (::pipe(pfd) != 0) {
        rep.mismatches.push_back(std::string(label) + ": pipe failed");
        return rep;
    }
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(pfd[0]);
        // Out of the way of the fds under test: keep the table dense.
        const int w = ::fcntl(pfd[1], F_DUPFD_CLOEXEC, 200);
        ::close(pfd[1]);
        report r;
        body(r);
        const std::string text = serialize(r);
        std::size_t off = 0;
        while (off < text.size()) {
            const ssize_t n = ::write(w, text.data() + off, text.size() - off);
            if (n <= 0)
                break;
            off += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(pfd[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(pfd[0], buf, sizeof buf)) > 0)
        text.append(buf, static_cast<std::size_t>(n));
    ::close(pfd[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::istringstream in(text);
    std::string line;
    bool counted = false;
    while (std::getline(in, line)) {
        if (line.rfind("M ", 0) == 0)
            rep.mismatches.push_back(std::string(label) + ": " + line.substr(2));
        else if (line.rfind("C ", 0) == 0) {
            std::istringstream c(line.substr(2));
            c >> rep.socket_cases >> rep.pair_cases >> rep.limit_cases >> rep.opt_cases;
            counted = true;
        }
    }
    if (!counted || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        rep.mismatches.push_back(std::string(label) + ": child failed (status " +
                                 std::to_string(status) + ")");
    return rep;
}

void check_report(const char* label, const report& r) {
    const std::string l = label;
    for (const std::string& m : r.mismatches) {
        INFO(l << ": " << m);
        CHECK_MESSAGE(false, m);
    }
    MESSAGE(l << ": socket " << r.socket_cases << ", socketpair " << r.pair_cases << ", fd-limit "
              << r.limit_cases << " cases (" << r.opt_cases << " option/fcntl comparisons), "
              << r.mismatches.size() << " mismatches");
}

bool drop_to_nobody() {
    return ::setgroups(0, nullptr) == 0 && ::setresgid(65534, 65534, 65534) == 0 &&
           ::setresuid(65534, 65534, 65534) == 0;
}

} // namespace

TEST_CASE("differential: socket()/socketpair() against the host kernel") {
    long total = 0, opt_total = 0;
    std::size_t mismatches = 0;
    auto account = [&](const char* label, const report& r) {
        check_report(label, r);
        total += r.total();
        opt_total += r.opt_cases;
        mismatches += r.mismatches.size();
    };

    // 1-3: as the current user, in this process.
    {
        auto s = std::make_unique<kstack>();
        report rep;
        runner run{*s, configure(*s), rep};
        if (!run.host.cc_ok)
            MESSAGE("net.ipv4.tcp_congestion_control="
                    << run.host.cc << " unknown to ksock: TCP_CONGESTION left out");
        char caps[32];
        std::snprintf(caps, sizeof caps, "%llx",
                      static_cast<unsigned long long>(s->current().cred.cap_effective.val));
        MESSAGE("running as euid " << ::geteuid() << ", CapEff " << std::string(caps));
        run.socket_matrix();
        run.pair_matrix();
        CHECK(s->sockets_in_use() == 0);
        CHECK(s->files_in_use() == 0);
        account("current user", rep);
    }
    // 5: fd limits as the current user (setrlimit in a child).
    account("current user, RLIMIT_NOFILE", in_child("current user, RLIMIT_NOFILE", [](report& r) {
                auto s = std::make_unique<kstack>();
                runner run{*s, configure(*s), r};
                run.limits();
            }));
    // 4 (+5): everything again as nobody; only root can become nobody.
    if (::geteuid() != 0)
        MESSAGE("not root: the unprivileged (nobody) run is skipped");
    else
        account("nobody", in_child("nobody", [](report& r) {
                    if (!drop_to_nobody()) {
                        r.mismatches.push_back("could not become nobody: errno " +
                                               std::to_string(errno));
                        return;
                    }
                    auto s = std::make_unique<kstack>();
                    runner run{*s, configure(*s), r};
                    if (s->current().cred.cap_effective.val != 0 || s->current().cred.euid != 65534)
                        r.mismatches.push_back("nobody still has capabilities or euid != 65534");
                    run.socket_matrix();
                    run.pair_matrix();
                    if (s->sockets_in_use() != 0 || s->files_in_use() != 0)
                        r.mismatches.push_back("nobody: ksock leaked sockets or files");
                    run.limits();
                }));

    MESSAGE("differential total: " << total << " cases, " << opt_total
                                   << " option/fcntl comparisons, " << mismatches << " mismatches");
    MESSAGE("left out: " << std::string(left_out));
    REQUIRE(mismatches == 0);
}

#else

TEST_CASE("differential: skipped (not Linux)") {
    MESSAGE("differential: skipped (not Linux)");
}

#endif
