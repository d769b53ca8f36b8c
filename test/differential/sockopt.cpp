// test/differential/sockopt.cpp: setsockopt()/getsockopt() against the host
// kernel and against a ksock::default_stack configured like the host. The
// same sequence of (level, option, value) sets, each followed by a get of
// the same option, runs on a host socket and on a ksock socket of the same
// kind; every return code, value and returned length must be identical.
// Options whose values depend on HZ (sub-jiffy timeouts, "forever" linger
// times) are left out: ksock's HZ is 1000, the host's may differ.
#include <doctest/doctest.h>

#ifdef __linux__

#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <ksock/inet/raw_sockopt.hpp>
#include <ksock/inet/tcp/tcp_sockopt.hpp>
#include <ksock/inet/udp/udp_sockopt.hpp>
#include <ksock/ksock.hpp>

namespace {

using kstack = ksock::default_stack;

std::string read_file(const char* path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}
template <class T>
void read_ints(const char* path, T* out, int n) {
    std::istringstream in(read_file(path));
    for (int i = 0; i < n; ++i) {
        long long v = 0;
        if (in >> v)
            out[i] = static_cast<T>(v);
    }
}

//! The sysctls the options read, copied from the host. False when the
//! host's default congestion control is unknown to ksock.
bool configure_like_host(kstack& s) {
    ksock::net_core_sysctl& sc = s.net().sysctl;
    ksock::inet::ipv4_sysctl& v4 = ksock::inet::ipv4_net(s).sysctl;
    read_ints("/proc/sys/net/core/wmem_default", &sc.wmem_default, 1);
    read_ints("/proc/sys/net/core/rmem_default", &sc.rmem_default, 1);
    read_ints("/proc/sys/net/core/wmem_max", &sc.wmem_max, 1);
    read_ints("/proc/sys/net/core/rmem_max", &sc.rmem_max, 1);
    read_ints("/proc/sys/net/ipv4/tcp_wmem", v4.tcp_wmem, 3);
    read_ints("/proc/sys/net/ipv4/tcp_rmem", v4.tcp_rmem, 3);
    read_ints("/proc/sys/net/ipv4/tcp_reordering", &v4.tcp_reordering, 1);
    read_ints("/proc/sys/net/ipv4/ip_default_ttl", &v4.ip_default_ttl, 1);
    read_ints("/proc/sys/net/ipv4/ip_no_pmtu_disc", &v4.ip_no_pmtu_disc, 1);
    read_ints("/proc/sys/net/ipv4/tcp_keepalive_time", &v4.tcp_keepalive_time, 1);
    read_ints("/proc/sys/net/ipv4/tcp_keepalive_intvl", &v4.tcp_keepalive_intvl, 1);
    read_ints("/proc/sys/net/ipv4/tcp_keepalive_probes", &v4.tcp_keepalive_probes, 1);
    read_ints("/proc/sys/net/ipv4/tcp_syn_retries", &v4.tcp_syn_retries, 1);
    read_ints("/proc/sys/net/ipv4/tcp_fin_timeout", &v4.tcp_fin_timeout, 1);
    std::string cc;
    std::istringstream(read_file("/proc/sys/net/ipv4/tcp_congestion_control")) >> cc;
    return ksock::inet::ipv4_net(s).set_tcp_congestion_control(cc.c_str()) == 0;
}

struct kind {
    const char* name;
    int type, protocol;
};
constexpr kind kinds[] = {{"tcp", SOCK_STREAM, 0},
                          {"udp", SOCK_DGRAM, 0},
                          {"udplite", SOCK_DGRAM, IPPROTO_UDPLITE},
                          {"raw/icmp", SOCK_RAW, IPPROTO_ICMP},
                          {"raw/raw", SOCK_RAW, IPPROTO_RAW}};

struct optset {
    int level;
    int opts[24];
    int n;
    int only_type; //!< 0: every kind
};
// Numbers are Linux's; ksock's constants are asserted equal below.
const optset sets[] = {
    {SOL_SOCKET,
     {SO_DEBUG,     SO_REUSEADDR,    SO_REUSEPORT,   SO_KEEPALIVE, SO_BROADCAST, SO_DONTROUTE,
      SO_OOBINLINE, SO_NO_CHECK,     SO_PRIORITY,    SO_MARK,      SO_RCVLOWAT,  SO_SNDBUF,
      SO_RCVBUF,    SO_SNDBUFFORCE,  SO_RCVBUFFORCE, SO_PEEK_OFF,  SO_PASSCRED,  SO_TXREHASH,
      SO_ZEROCOPY,  SO_INCOMING_CPU, SO_TYPE,        SO_ERROR,     SO_SNDLOWAT,  9999},
     24,
     0},
    {SOL_IP,
     {IP_TTL, IP_TOS, IP_MULTICAST_TTL, IP_MULTICAST_LOOP, IP_MULTICAST_ALL, IP_HDRINCL,
      IP_MTU_DISCOVER, IP_MTU, IP_PKTINFO, IP_RECVERR, IP_MINTTL, IP_FREEBIND, IP_NODEFRAG, 9999},
     14,
     0},
    {SOL_TCP,
     {TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT, TCP_SYNCNT,
      TCP_LINGER2, TCP_DEFER_ACCEPT, TCP_WINDOW_CLAMP, TCP_QUICKACK, TCP_USER_TIMEOUT, 9999},
     13,
     SOCK_STREAM},
    {IPPROTO_UDP,
     {1 /*UDP_CORK*/, 100 /*UDP_ENCAP*/, 103 /*UDP_SEGMENT*/, 104 /*UDP_GRO*/,
      10 /*UDPLITE_SEND_CSCOV*/, 11 /*UDPLITE_RECV_CSCOV*/, 9999},
     7,
     SOCK_DGRAM},
    // SOL_UDPLITE: the same options (UDP takes the level too, and refuses
    // the coverage options).
    {IPPROTO_UDPLITE,
     {10 /*UDPLITE_SEND_CSCOV*/, 11 /*UDPLITE_RECV_CSCOV*/, 1 /*UDP_CORK*/, 103 /*UDP_SEGMENT*/,
      9999},
     5,
     SOCK_DGRAM},
    {SOL_RAW, {1 /*ICMP_FILTER*/, 9999}, 2, SOCK_RAW},
};
constexpr int values[] = {0,    1,     2,     3,      5,       7,       88, 120, 255,    256,
                          1000, 32767, 32768, 100000, 1 << 30, INT_MAX, -1, -2,  INT_MIN};

static_assert(SO_PASSCRED == ksock::so_passcred && SO_TXREHASH == ksock::so_txrehash &&
              SO_ZEROCOPY == ksock::so_zerocopy && SO_INCOMING_CPU == ksock::so_incoming_cpu);
static_assert(IP_PKTINFO == ksock::ip_pktinfo && IP_RECVERR == ksock::ip_recverr &&
              IP_MINTTL == ksock::ip_minttl && IP_FREEBIND == ksock::ip_freebind &&
              IP_NODEFRAG == ksock::ip_nodefrag);
static_assert(SOL_RAW == ksock::sol_raw && SOL_TCP == ksock::sol_tcp);
static_assert(sizeof(ksock::tcp_info_t) == 280);

struct outcome {
    int rc;    //!< 0 or -errno
    int len;   //!< the returned length of the get
    int bytes; //!< the value read (as many bytes as returned)
    friend bool operator==(const outcome&, const outcome&) = default;
    friend std::ostream& operator<<(std::ostream& os, const outcome& o) {
        return os << "{rc " << o.rc << ", len " << o.len << ", val " << o.bytes << "}";
    }
};

outcome host_get(int fd, int level, int opt, int len) {
    int v = 0;
    socklen_t l = static_cast<socklen_t>(len);
    const int rc = ::getsockopt(fd, level, opt, &v, &l) == 0 ? 0 : -errno;
    return {rc, rc ? 0 : static_cast<int>(l), rc ? 0 : v};
}
outcome ksock_get(kstack& s, int fd, int level, int opt, int len) {
    int v = 0;
    ksock::socklen_t l = static_cast<ksock::socklen_t>(len);
    const int rc = s.getsockopt(fd, level, opt, &v, &l);
    return {rc, rc ? 0 : static_cast<int>(l), rc ? 0 : v};
}

} // namespace

TEST_CASE("differential: int socket options against the host kernel") {
    kstack s;
    if (!configure_like_host(s)) {
        MESSAGE("host default congestion control unknown to ksock: skipped");
        return;
    }
    // An unprivileged runner: no capabilities on either side.
    if (::geteuid() != 0)
        s.current().cred = ksock::cred::user(::geteuid(), ::getegid());
    long compared = 0;
    for (const kind& k : kinds) {
        for (const optset& os : sets) {
            if (os.only_type && os.only_type != k.type)
                continue;
            for (int i = 0; i < os.n; ++i) {
                const int opt = os.opts[i];
                // A fresh pair of sockets for every option: the sequence of
                // values then only accumulates within one option.
                const int hfd = ::socket(AF_INET, k.type, k.protocol);
                if (hfd < 0) {
                    MESSAGE(k.name << ": host socket() failed (not root?): skipped");
                    break;
                }
                const int kfd = s.socket(ksock::af_inet, k.type, k.protocol);
                REQUIRE(kfd >= 0);
                for (int len : {0, 1, 2, 4, 8}) {
                    CAPTURE(k.name);
                    CAPTURE(os.level);
                    CAPTURE(opt);
                    CAPTURE(len);
                    CHECK(ksock_get(s, kfd, os.level, opt, len) ==
                          host_get(hfd, os.level, opt, len));
                    ++compared;
                }
                for (int v : values) {
                    for (socklen_t optlen : {0u, 1u, 3u, 4u}) {
                        if (optlen == 0 && v != 0)
                            continue;
                        CAPTURE(k.name);
                        CAPTURE(os.level);
                        CAPTURE(opt);
                        CAPTURE(v);
                        CAPTURE(optlen);
                        const int hrc =
                            ::setsockopt(hfd, os.level, opt, &v, optlen) == 0 ? 0 : -errno;
                        const int krc = s.setsockopt(kfd, os.level, opt, &v, optlen);
                        CHECK(krc == hrc);
                        CHECK(ksock_get(s, kfd, os.level, opt, 4) ==
                              host_get(hfd, os.level, opt, 4));
                        // TOS changes SO_PRIORITY, buffers change each other.
                        CHECK(ksock_get(s, kfd, SOL_SOCKET, SO_PRIORITY, 4) ==
                              host_get(hfd, SOL_SOCKET, SO_PRIORITY, 4));
                        CHECK(ksock_get(s, kfd, SOL_SOCKET, SO_RCVBUF, 4) ==
                              host_get(hfd, SOL_SOCKET, SO_RCVBUF, 4));
                        compared += 4;
                    }
                }
                ::close(hfd);
                CHECK(s.close(kfd) == 0);
            }
        }
    }
    MESSAGE("differential sockopt: " << compared << " get/set comparisons with the host");
    CHECK(compared > 0);
}

#else

TEST_CASE("differential: socket options skipped (not Linux)") {}

#endif
