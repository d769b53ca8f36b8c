// test/differential/loopback/harness.cpp: the step interpreter, the
// normalisation of what a step returns, and the comparison of two runs.
#include "harness.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <random>
#include <unistd.h>
#include <vector>

#include <doctest/doctest.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>

#include "backends.hpp"

namespace ksock_loopback {

std::string pattern(std::size_t n, char first) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i)
        s[i] = static_cast<char>(first + static_cast<char>(i % 26));
    return s;
}

const options& env_options() {
    static const options o = [] {
        options r;
        auto on = [](const char* v) { return v && *v && std::strcmp(v, "0") != 0; };
        r.kernel_only = on(std::getenv("KSOCK_LOOPBACK_KERNEL_ONLY"));
        r.verbose = on(std::getenv("KSOCK_LOOPBACK_VERBOSE"));
        r.all_mismatches = on(std::getenv("KSOCK_LOOPBACK_ALL_MISMATCHES"));
        if (const char* f = std::getenv("KSOCK_LOOPBACK_FILTER"))
            r.filter = f;
        return r;
    }();
    return o;
}

std::uint16_t port_base(int index) {
    // Below the ephemeral range (32768-60999), so a port the kernel picks
    // never looks symbolic. A random start: in the host's namespace the
    // TIME_WAIT sockets of an earlier run still hold their ports; within a
    // run every sequence (and every repeated kernel run) gets its own.
    constexpr int low = 10000, slots = (32000 - low) / ports_per_sequence;
    static const int start = [] {
        std::random_device rd;
        return static_cast<int>(rd() % static_cast<unsigned>(slots));
    }();
    return static_cast<std::uint16_t>(low + (start + index) % slots * ports_per_sequence);
}

namespace {

// --- names of constants ---------------------------------------------------------------------

std::string errname(long e) {
    switch (e) {
#define KSOCK_LB_E(X)                                                                              \
    case X:                                                                                        \
        return #X;
        KSOCK_LB_E(EPERM)
        KSOCK_LB_E(ENOENT)
        KSOCK_LB_E(ENODEV)
        KSOCK_LB_E(ESRCH)
        KSOCK_LB_E(EBUSY)
        KSOCK_LB_E(ENOTTY)
        KSOCK_LB_E(ETOOMANYREFS)
        KSOCK_LB_E(EINTR)
        KSOCK_LB_E(EBADF)
        KSOCK_LB_E(EAGAIN)
        KSOCK_LB_E(ENOMEM)
        KSOCK_LB_E(EACCES)
        KSOCK_LB_E(EFAULT)
        KSOCK_LB_E(EEXIST)
        KSOCK_LB_E(EINVAL)
        KSOCK_LB_E(ENFILE)
        KSOCK_LB_E(EMFILE)
        KSOCK_LB_E(ENOSPC)
        KSOCK_LB_E(EPIPE)
        KSOCK_LB_E(ENOTSOCK)
        KSOCK_LB_E(EDESTADDRREQ)
        KSOCK_LB_E(EMSGSIZE)
        KSOCK_LB_E(EPROTOTYPE)
        KSOCK_LB_E(ENOPROTOOPT)
        KSOCK_LB_E(EPROTONOSUPPORT)
        KSOCK_LB_E(ESOCKTNOSUPPORT)
        KSOCK_LB_E(EOPNOTSUPP)
        KSOCK_LB_E(EAFNOSUPPORT)
        KSOCK_LB_E(EADDRINUSE)
        KSOCK_LB_E(EADDRNOTAVAIL)
        KSOCK_LB_E(ENETDOWN)
        KSOCK_LB_E(ENETUNREACH)
        KSOCK_LB_E(ECONNABORTED)
        KSOCK_LB_E(ECONNRESET)
        KSOCK_LB_E(ENOBUFS)
        KSOCK_LB_E(EISCONN)
        KSOCK_LB_E(ENOTCONN)
        KSOCK_LB_E(ESHUTDOWN)
        KSOCK_LB_E(ETIMEDOUT)
        KSOCK_LB_E(ECONNREFUSED)
        KSOCK_LB_E(EHOSTUNREACH)
        KSOCK_LB_E(EALREADY)
        KSOCK_LB_E(EINPROGRESS)
#undef KSOCK_LB_E
    default:
        return "E" + std::to_string(e);
    }
}

//! A kernel-style return: the number, or -NAME.
std::string ret_str(long r) {
    return r >= 0 ? std::to_string(r) : "-" + errname(-r);
}

struct flag_name {
    unsigned long bit;
    const char* name;
};

std::string flags_str(unsigned long v, std::initializer_list<flag_name> names) {
    std::string out;
    for (const flag_name& f : names)
        if (v & f.bit) {
            if (!out.empty())
                out += '|';
            out += f.name;
            v &= ~f.bit;
        }
    if (v) {
        char b[32];
        std::snprintf(b, sizeof b, "%s0x%lx", out.empty() ? "" : "|", v);
        out += b;
    }
    return out.empty() ? "0" : out;
}

std::string poll_str(unsigned v) {
    return flags_str(v, {{POLLIN, "IN"},
                         {POLLPRI, "PRI"},
                         {POLLOUT, "OUT"},
                         {POLLERR, "ERR"},
                         {POLLHUP, "HUP"},
                         {POLLNVAL, "NVAL"},
                         {POLLRDNORM, "RDNORM"},
                         {POLLRDBAND, "RDBAND"},
                         {POLLWRNORM, "WRNORM"},
                         {POLLWRBAND, "WRBAND"},
                         {POLLMSG, "MSG"},
                         {POLLRDHUP, "RDHUP"}});
}

std::string msg_flags_str(int v) {
    return flags_str(static_cast<unsigned>(v), {{MSG_OOB, "MSG_OOB"},
                                                {MSG_PEEK, "MSG_PEEK"},
                                                {MSG_CTRUNC, "MSG_CTRUNC"},
                                                {MSG_TRUNC, "MSG_TRUNC"},
                                                {MSG_DONTWAIT, "MSG_DONTWAIT"},
                                                {MSG_EOR, "MSG_EOR"},
                                                {MSG_WAITALL, "MSG_WAITALL"},
                                                {MSG_CONFIRM, "MSG_CONFIRM"},
                                                {MSG_ERRQUEUE, "MSG_ERRQUEUE"},
                                                {MSG_NOSIGNAL, "MSG_NOSIGNAL"},
                                                {MSG_MORE, "MSG_MORE"}});
}

std::string family_str(int f) {
    switch (f) {
    case AF_UNSPEC:
        return "AF_UNSPEC";
    case AF_UNIX:
        return "AF_UNIX";
    case AF_INET:
        return "AF_INET";
    default:
        return std::to_string(f);
    }
}

std::string type_str(int t) {
    std::string base;
    switch (t & 0xf) {
    case SOCK_STREAM:
        base = "SOCK_STREAM";
        break;
    case SOCK_DGRAM:
        base = "SOCK_DGRAM";
        break;
    case SOCK_RAW:
        base = "SOCK_RAW";
        break;
    case SOCK_SEQPACKET:
        base = "SOCK_SEQPACKET";
        break;
    default:
        base = std::to_string(t & 0xf);
    }
    if (t & SOCK_NONBLOCK)
        base += "|SOCK_NONBLOCK";
    if (t & SOCK_CLOEXEC)
        base += "|SOCK_CLOEXEC";
    return base;
}

std::string opt_str(int level, int opt) {
    struct name {
        int level, opt;
        const char* text;
    };
#define KSOCK_LB_O(L, O) {L, O, #O},
    static const name names[] = {
        KSOCK_LB_O(SOL_SOCKET, SO_REUSEADDR) KSOCK_LB_O(SOL_SOCKET, SO_REUSEPORT) KSOCK_LB_O(
            SOL_SOCKET, SO_ERROR) KSOCK_LB_O(SOL_SOCKET, SO_ACCEPTCONN)
            KSOCK_LB_O(SOL_SOCKET, SO_TYPE) KSOCK_LB_O(SOL_SOCKET, SO_BROADCAST) KSOCK_LB_O(
                SOL_SOCKET, SO_LINGER) KSOCK_LB_O(SOL_SOCKET, SO_RCVLOWAT) KSOCK_LB_O(SOL_SOCKET,
                                                                                      SO_SNDLOWAT)
                KSOCK_LB_O(SOL_SOCKET, SO_OOBINLINE) KSOCK_LB_O(SOL_SOCKET, SO_SNDBUF) KSOCK_LB_O(
                    SOL_SOCKET, SO_RCVBUF) KSOCK_LB_O(SOL_SOCKET,
                                                      SO_KEEPALIVE) KSOCK_LB_O(SOL_SOCKET,
                                                                               SO_PASSCRED)
                    KSOCK_LB_O(SOL_SOCKET, SO_DOMAIN) KSOCK_LB_O(SOL_SOCKET, SO_PROTOCOL) KSOCK_LB_O(
                        SOL_SOCKET,
                        SO_PRIORITY) KSOCK_LB_O(SOL_SOCKET, SO_DONTROUTE)
                        KSOCK_LB_O(SOL_SOCKET,
                                   SO_PEEK_OFF) KSOCK_LB_O(SOL_SOCKET, SO_RCVBUFFORCE)
                            KSOCK_LB_O(SOL_SOCKET, SO_SNDBUFFORCE) KSOCK_LB_O(
                                SOL_SOCKET,
                                SO_NO_CHECK) KSOCK_LB_O(SOL_SOCKET, SO_MARK)
                                KSOCK_LB_O(SOL_SOCKET,
                                           SO_BUSY_POLL) KSOCK_LB_O(SOL_SOCKET, SO_ZEROCOPY)
                                    KSOCK_LB_O(SOL_SOCKET, SO_INCOMING_CPU) KSOCK_LB_O(
                                        IPPROTO_TCP,
                                        TCP_NODELAY) KSOCK_LB_O(IPPROTO_TCP, TCP_MAXSEG)
                                        KSOCK_LB_O(IPPROTO_TCP, TCP_CORK) KSOCK_LB_O(
                                            IPPROTO_TCP,
                                            TCP_KEEPIDLE) KSOCK_LB_O(IPPROTO_TCP, TCP_KEEPINTVL)
                                            KSOCK_LB_O(IPPROTO_TCP, TCP_KEEPCNT) KSOCK_LB_O(
                                                IPPROTO_TCP,
                                                TCP_SYNCNT) KSOCK_LB_O(IPPROTO_TCP, TCP_LINGER2)
                                                KSOCK_LB_O(IPPROTO_TCP, TCP_DEFER_ACCEPT) KSOCK_LB_O(
                                                    IPPROTO_TCP,
                                                    TCP_WINDOW_CLAMP) KSOCK_LB_O(IPPROTO_TCP, TCP_QUICKACK)
                                                    KSOCK_LB_O(IPPROTO_TCP, TCP_USER_TIMEOUT) KSOCK_LB_O(
                                                        IPPROTO_TCP,
                                                        TCP_NOTSENT_LOWAT)
                                                        KSOCK_LB_O(IPPROTO_TCP, TCP_FASTOPEN) KSOCK_LB_O(
                                                            IPPROTO_IP,
                                                            IP_TTL) KSOCK_LB_O(IPPROTO_IP, IP_TOS)
                                                            KSOCK_LB_O(IPPROTO_IP, IP_RECVERR) KSOCK_LB_O(
                                                                IPPROTO_IP,
                                                                IP_PKTINFO)
                                                                KSOCK_LB_O(IPPROTO_IP,
                                                                           IP_MTU_DISCOVER)
                                                                    KSOCK_LB_O(IPPROTO_IP,
                                                                               IP_FREEBIND)
                                                                        KSOCK_LB_O(
                                                                            IPPROTO_IP,
                                                                            IP_MULTICAST_LOOP)
                                                                            KSOCK_LB_O(
                                                                                IPPROTO_IP,
                                                                                IP_MULTICAST_TTL)
                                                                                KSOCK_LB_O(
                                                                                    IPPROTO_IP,
                                                                                    IP_RECVTTL)
                                                                                    KSOCK_LB_O(
                                                                                        IPPROTO_IP,
                                                                                        IP_HDRINCL)
                                                                                        KSOCK_LB_O(
                                                                                            IPPROTO_UDP,
                                                                                            UDP_CORK)};
#undef KSOCK_LB_O
    for (const name& n : names)
        if (n.level == level && n.opt == opt)
            return n.text;
    const char* lv = level == SOL_SOCKET    ? "SOL_SOCKET"
                     : level == IPPROTO_TCP ? "IPPROTO_TCP"
                     : level == IPPROTO_IP  ? "IPPROTO_IP"
                                            : nullptr;
    return (lv ? std::string(lv) : std::to_string(level)) + "/" + std::to_string(opt);
}

std::string ioctl_str(unsigned long cmd) {
    switch (cmd) {
    case FIONREAD:
        return "SIOCINQ";
    case TIOCOUTQ:
        return "SIOCOUTQ";
    case SIOCOUTQNSD:
        return "SIOCOUTQNSD";
    case SIOCATMARK:
        return "SIOCATMARK";
    case FIONBIO:
        return "FIONBIO";
    case FIOCLEX:
        return "FIOCLEX";
    case FIONCLEX:
        return "FIONCLEX";
    default: {
        char b[24];
        std::snprintf(b, sizeof b, "0x%lx", cmd);
        return b;
    }
    }
}

const char* tcp_state_str(int s) {
    static const char* const names[] = {
        "0",     "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2",   "TIME_WAIT",
        "CLOSE", "CLOSE_WAIT",  "LAST_ACK", "LISTEN",   "CLOSING",   "NEW_SYN_RECV"};
    return s >= 0 && s < 13 ? names[s] : "?";
}

std::string ip_str(std::uint32_t host_order) {
    char b[20];
    std::snprintf(b, sizeof b, "%u.%u.%u.%u", host_order >> 24, (host_order >> 16) & 255,
                  (host_order >> 8) & 255, host_order & 255);
    return b;
}

std::string escape(const char* p, std::size_t n) {
    std::string out = "\"";
    for (std::size_t i = 0; i < n; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
            out += static_cast<char>(c);
        else {
            char b[8];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        }
    }
    return out + "\"";
}

//! Received bytes: short ones verbatim, long ones by length and hash.
std::string data_str(const char* p, std::size_t n) {
    if (n <= 48)
        return escape(p, n);
    std::uint32_t h = 2166136261u;
    for (std::size_t i = 0; i < n; ++i)
        h = (h ^ static_cast<unsigned char>(p[i])) * 16777619u;
    char b[64];
    std::snprintf(b, sizeof b, "<%zu bytes, fnv1a %08x>", n, h);
    return b;
}

std::string addr_spec_str(const addr& a) {
    std::string s;
    switch (a.k) {
    case addr::kind::none:
        return a.len > 0 ? "NULL len=" + std::to_string(a.len) : "NULL";
    case addr::kind::in4:
        s = ip_str(a.ip) + ":" +
            (a.sym >= 0 ? "P" + std::to_string(a.sym) : std::to_string(a.port));
        break;
    case addr::kind::unix_name:
        s = "@" + a.name;
        break;
    case addr::kind::unix_family:
        s = "{AF_UNIX}";
        break;
    case addr::kind::unspec:
        s = "{AF_UNSPEC}";
        break;
    }
    if (a.family >= 0)
        s += " family=" + family_str(a.family);
    if (a.len >= 0)
        s += " len=" + std::to_string(a.len);
    return s;
}

std::string h_str(int h) {
    return "h" + std::to_string(h);
}

std::string describe_step(const step& s) {
    const std::string h = h_str(s.h);
    auto buf = [&] { return s.addr_buf < 0 ? std::string("NULL") : std::to_string(s.addr_buf); };
    switch (s.o) {
    case op::socket:
        return h + " = socket(" + family_str(s.a) + ", " + type_str(s.b) + ", " +
               std::to_string(s.c) + ")";
    case op::socketpair:
        return h + ", " + h_str(s.h2) + " = socketpair(" + family_str(s.a) + ", " + type_str(s.b) +
               ", " + std::to_string(s.c) + ")";
    case op::close:
        return "close(" + h + ")";
    case op::bind:
        return "bind(" + h + ", " + addr_spec_str(s.ad) + ")";
    case op::connect:
        return "connect(" + h + ", " + addr_spec_str(s.ad) + ")";
    case op::listen:
        return "listen(" + h + ", " + std::to_string(s.a) + ")";
    case op::accept:
        return h_str(s.h2) + " = accept(" + h + ", addrbuf " + buf() + ")";
    case op::accept4:
        return h_str(s.h2) + " = accept4(" + h + ", addrbuf " + buf() + ", " +
               flags_str(static_cast<unsigned>(s.a),
                         {{SOCK_NONBLOCK, "SOCK_NONBLOCK"}, {SOCK_CLOEXEC, "SOCK_CLOEXEC"}}) +
               ")";
    case op::getsockname:
        return "getsockname(" + h + ", addrbuf " + buf() + ")";
    case op::getpeername:
        return "getpeername(" + h + ", addrbuf " + buf() + ")";
    case op::send:
        return "send(" + h + ", " + data_str(s.data.data(), s.data.size()) + ", " +
               msg_flags_str(s.a) + ")";
    case op::sendto:
        return "sendto(" + h + ", " + data_str(s.data.data(), s.data.size()) + ", " +
               msg_flags_str(s.a) + ", " + addr_spec_str(s.ad) + ")";
    case op::sendmsg:
        return "sendmsg(" + h + ", " + data_str(s.data.data(), s.data.size()) + " in " +
               std::to_string(s.b) + " iov, name " + addr_spec_str(s.ad) + ", " +
               msg_flags_str(s.a) + ")";
    case op::recv:
        return "recv(" + h + ", " + std::to_string(s.len) + ", " + msg_flags_str(s.a) + ")";
    case op::recvfrom:
        return "recvfrom(" + h + ", " + std::to_string(s.len) + ", " + msg_flags_str(s.a) +
               ", addrbuf " + buf() + ")";
    case op::recvmsg:
        return "recvmsg(" + h + ", " + std::to_string(s.len) + ", " + msg_flags_str(s.a) +
               ", namebuf " + buf() + ")";
    case op::shutdown: {
        const char* how = s.a == SHUT_RD ? "SHUT_RD" : s.a == SHUT_WR ? "SHUT_WR" : "SHUT_RDWR";
        return "shutdown(" + h + ", " +
               (s.a >= 0 && s.a <= 2 ? std::string(how) : std::to_string(s.a)) + ")";
    }
    case op::setsockopt_int:
        return "setsockopt(" + h + ", " + opt_str(s.a, s.b) + ", " + std::to_string(s.c) +
               (s.addr_buf >= 0 ? ", optlen " + std::to_string(s.addr_buf) : std::string()) + ")";
    case op::setsockopt_linger:
        return "setsockopt(" + h + ", SO_LINGER, {" + std::to_string(s.a) + ", " +
               std::to_string(s.b) + "})";
    case op::getsockopt_int:
        return "getsockopt(" + h + ", " + opt_str(s.a, s.b) +
               (s.addr_buf >= 0 ? ", optlen " + std::to_string(s.addr_buf) : std::string()) + ")";
    case op::fcntl:
        return "fcntl(" + h + ", " +
               (s.a == F_GETFL   ? std::string("F_GETFL")
                : s.a == F_GETFD ? std::string("F_GETFD")
                : s.a == F_SETFL
                    ? "F_SETFL, " + flags_str(static_cast<unsigned>(s.b),
                                              {{O_NONBLOCK, "O_NONBLOCK"}, {O_APPEND, "O_APPEND"}})
                : s.a == F_SETFD ? "F_SETFD, " + std::to_string(s.b)
                                 : std::to_string(s.a)) +
               ")";
    case op::poll:
        return "poll(" + h + ", " + poll_str(static_cast<unsigned>(s.a)) + ")";
    case op::icmp_send:
        return "icmp_send(" + h + ", type " + std::to_string(s.a) + ", code " +
               std::to_string(s.b) + ", id " + std::to_string(s.c) + ", seq " +
               std::to_string(s.len) + ", " + data_str(s.data.data(), s.data.size()) + ", " +
               addr_spec_str(s.ad) + ")";
    case op::icmp_recv:
        return "icmp_recv(" + h + ", id " +
               (s.h2 >= 0 ? "of " + h_str(s.h2) : std::to_string(s.c)) + ")";
    case op::dup:
        switch (s.a) {
        case 0:
            return h_str(s.h2) + " = dup(" + h + ")";
        case 1:
            return h_str(s.h2) + " = dup2(" + h + ", fd of " + h_str(s.h2) + " or a free one)";
        default:
            return h_str(s.h2) + " = fcntl(" + h +
                   (s.a == 2 ? ", F_DUPFD, " : ", F_DUPFD_CLOEXEC, ") + std::to_string(s.b) + ")";
        }
    case op::ioctl:
        return "ioctl(" + h + ", " + ioctl_str(static_cast<unsigned long>(s.a)) + ", " +
               std::to_string(s.b) + ")";
    case op::sleep:
        return "sleep(" + std::to_string(s.a) + " ms)";
    case op::sendmsg_cmsg: {
        std::string c;
        if (s.c & cmsg_rights) {
            c += " SCM_RIGHTS{";
            for (std::size_t i = 0; i < s.hs.size(); ++i)
                c += (i ? "," : "") + h_str(s.hs[i]);
            c += "}";
        }
        if (s.c & cmsg_creds)
            c += std::string(" SCM_CREDENTIALS{") + (s.c & cmsg_bad_pid ? "pid 999999" : "self") +
                 "}";
        if (s.c & cmsg_short_len)
            c += " first cmsg_len short";
        return "sendmsg(" + h + ", " + data_str(s.data.data(), s.data.size()) + " in " +
               std::to_string(s.b) + " iov, name " + addr_spec_str(s.ad) + ", control" +
               (c.empty() ? std::string(" none") : c) + ", " + msg_flags_str(s.a) + ")";
    }
    case op::recvmsg_cmsg:
        return "recvmsg(" + h + ", " + std::to_string(s.len) + ", " + msg_flags_str(s.a) +
               ", namebuf " + buf() + ", control " + std::to_string(s.b) + " bytes, fds to " +
               h_str(s.h2) + "..)";
    }
    return "?";
}

std::uint16_t csum(const unsigned char* p, std::size_t n) {
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
    if (n & 1)
        sum += static_cast<std::uint32_t>(p[n - 1] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

// --- the interpreter --------------------------------------------------------------------------

constexpr short probe_events = POLLIN | POLLOUT | POLLRDHUP | POLLPRI;

//! How a handle's ports are normalised: TCP keeps the parity of an
//! ephemeral port (bind(0) and listen's autobind take odd ports, connect's
//! implicit bind even ones), UDP picks a random one, a ping socket's port
//! is its ICMP id from a global counter.
//! A raw socket's "port" is its protocol number: shown as it is.
enum class port_mode : std::uint8_t { tcp, udp, plain, literal };

struct handle {
    int fd = -1;
    int family = 0, type = 0, protocol = 0;
    bool open() const { return fd >= 0; }
    bool is_tcp() const { return family == AF_INET && type == SOCK_STREAM; }
    port_mode mode() const {
        if (family == AF_INET && type == SOCK_STREAM)
            return port_mode::tcp;
        if (family == AF_INET && type == SOCK_DGRAM && protocol == IPPROTO_UDP)
            return port_mode::udp;
        if (type == SOCK_RAW)
            return port_mode::literal;
        return port_mode::plain;
    }
};

class runner {
public:
    runner(backend& b, const sequence& s, int index, const probe_set& probes)
        : b_(b), s_(s), base_(port_base(index)), probes_(probes) {}

    seq_obs run() {
        seq_obs out;
        for (const step& st : s_.steps) {
            cur_ = step_obs{describe_step(st), {}};
            exec(st);
            probe();
            out.steps.push_back(std::move(cur_));
        }
        // Not observed: every fd of the sequence is closed, on both sides.
        for (handle& h : hs_)
            if (h.open()) {
                b_.close(h.fd);
                h.fd = -1;
            }
        return out;
    }

private:
    backend& b_;
    const sequence& s_;
    std::uint16_t base_;
    probe_set probes_;
    handle hs_[max_handles];
    std::vector<std::uint16_t> eph_;
    std::vector<std::string> autos_;
    step_obs cur_;

    void put(std::string k, std::string v) { cur_.fields.push_back({std::move(k), std::move(v)}); }

    //! Handles are in range: run_family checks every sequence first.
    handle& H(int h) { return hs_[static_cast<std::size_t>(h)]; }
    //! The fd of a handle; a closed handle is an fd no backend has open.
    int fd(int h) { return H(h).open() ? H(h).fd : 999; }

    void adopt(int h, int fdv, int family, int type, int protocol) {
        handle& x = H(h);
        // dup2 onto an open handle reuses its fd: that one is already replaced.
        if (x.open() && x.fd != fdv)
            b_.close(x.fd);
        x.fd = fdv;
        x.family = family;
        x.type = type & 0xf;
        x.protocol = protocol;
        if (x.protocol == 0 && family == AF_INET)
            x.protocol = x.type == SOCK_STREAM ? IPPROTO_TCP : IPPROTO_UDP;
    }

    //! A symbolic address made concrete (the kernel backend adds its prefix
    //! to AF_UNIX names itself).
    socklen_t make(const addr& a, sockaddr_storage& ss) {
        std::memset(&ss, 0, sizeof ss);
        socklen_t len = 0;
        switch (a.k) {
        case addr::kind::none: // a null pointer, with the length asked for
            return a.len >= 0 ? static_cast<socklen_t>(a.len) : 0;
        case addr::kind::in4:
        case addr::kind::unspec: {
            auto& in = reinterpret_cast<sockaddr_in&>(ss);
            in.sin_family = a.k == addr::kind::in4 ? AF_INET : AF_UNSPEC;
            in.sin_port = htons(a.sym >= 0 ? static_cast<std::uint16_t>(base_ + a.sym) : a.port);
            in.sin_addr.s_addr = htonl(a.ip);
            len = sizeof(sockaddr_in);
            break;
        }
        case addr::kind::unix_name: {
            auto& un = reinterpret_cast<sockaddr_un&>(ss);
            un.sun_family = AF_UNIX;
            un.sun_path[0] = '\0';
            std::memcpy(un.sun_path + 1, a.name.data(),
                        std::min(a.name.size(), sizeof un.sun_path - 1));
            len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + a.name.size());
            break;
        }
        case addr::kind::unix_family:
            ss.ss_family = AF_UNIX;
            len = sizeof(sa_family_t);
            break;
        }
        if (a.family >= 0)
            ss.ss_family = static_cast<sa_family_t>(a.family);
        if (a.len >= 0)
            len = static_cast<socklen_t>(a.len);
        return len;
    }

    std::string port_str(std::uint16_t p, port_mode m) {
        if (p >= base_ && p < base_ + ports_per_sequence)
            return "P" + std::to_string(p - base_);
        if (p == 0 || m == port_mode::literal)
            return std::to_string(p);
        auto it = std::find(eph_.begin(), eph_.end(), p);
        const auto k = static_cast<std::size_t>(it - eph_.begin());
        if (it == eph_.end())
            eph_.push_back(p);
        std::string s = "E" + std::to_string(k);
        const bool in_range = p >= 32768 && p <= 60999;
        if (m == port_mode::tcp && in_range)
            s += p % 2 ? "(odd)" : "(even)";
        if ((m == port_mode::tcp || m == port_mode::udp) && !in_range)
            s += "(outside the ephemeral range)";
        return s;
    }

    //! An address a call wrote back: \p reported is the length the call
    //! returned, of which the first \p buf bytes were copied.
    std::string addr_str(const sockaddr_storage& ss, socklen_t reported, int buf, port_mode m) {
        const auto avail = std::min<std::size_t>(reported, static_cast<std::size_t>(buf));
        if (avail < sizeof(sa_family_t))
            return avail == 0 ? "(none)" : "(" + std::to_string(avail) + " bytes)";
        const auto* raw = reinterpret_cast<const unsigned char*>(&ss);
        switch (ss.ss_family) {
        case AF_INET: {
            // A short buffer gets a prefix of the address: keep what was
            // copied, normalised.
            const auto& in = reinterpret_cast<const sockaddr_in&>(ss);
            if (avail < 4)
                return "AF_INET (" + std::to_string(avail) + " bytes: port cut)";
            if (avail < 8)
                return "AF_INET ?:" + port_str(ntohs(in.sin_port), m) + " (" +
                       std::to_string(avail) + " bytes: address cut)";
            return ip_str(ntohl(in.sin_addr.s_addr)) + ":" + port_str(ntohs(in.sin_port), m);
        }
        case AF_UNIX: {
            const auto& un = reinterpret_cast<const sockaddr_un&>(ss);
            const std::size_t n = avail - offsetof(sockaddr_un, sun_path);
            if (n == 0)
                return "unix:(unnamed)";
            if (un.sun_path[0] != '\0')
                return "unix:" + escape(un.sun_path, n);
            const std::string name(un.sun_path + 1, n - 1);
            auto hex = [](const std::string& v) {
                return std::all_of(v.begin(), v.end(), [](char c) {
                    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                });
            };
            const bool autobind = name.size() == 5 && hex(name);
            // A buffer too short for the whole name shows a prefix of it: the
            // autobind digits are random, only their shape can be compared.
            constexpr auto whole = offsetof(sockaddr_un, sun_path) + 6;
            if (!autobind && avail < reported && reported == whole && hex(name))
                return "@<autobind, cut to " + std::to_string(name.size()) + " digits>";
            if (autobind) {
                auto it = std::find(autos_.begin(), autos_.end(), name);
                const auto k = static_cast<std::size_t>(it - autos_.begin());
                if (it == autos_.end())
                    autos_.push_back(name);
                return "@<autobind #" + std::to_string(k) + ": 5 hex digits>";
            }
            return "@" + escape(name.data(), name.size());
        }
        default:
            return "family " + std::to_string(ss.ss_family) + " " +
                   data_str(reinterpret_cast<const char*>(raw), avail);
        }
    }

    //! Received bytes. A ping socket's are an ICMP header whose checksum
    //! and id differ per run: shown decoded, the id normalised like a port,
    //! the checksum verified when the whole message arrived.
    void put_data(const handle& x, const char* p, std::size_t n, bool complete) {
        if (!(x.family == AF_INET && x.type == SOCK_DGRAM && x.protocol == IPPROTO_ICMP)) {
            put("data", data_str(p, n));
            return;
        }
        const auto* u = reinterpret_cast<const unsigned char*>(p);
        std::string v = "icmp";
        if (n >= 2)
            v += " type " + std::to_string(u[0]) + " code " + std::to_string(u[1]);
        if (n >= 4)
            v += std::string(" csum ") + (!complete ? "(cut)" : csum(u, n) == 0 ? "ok" : "bad");
        if (n >= 6)
            v += " id " + port_str(static_cast<std::uint16_t>(u[4] << 8 | u[5]), port_mode::plain);
        if (n >= 8)
            v += " seq " + std::to_string(u[6] << 8 | u[7]) + " payload " + data_str(p + 8, n - 8);
        put("data", v);
    }

    void put_addr(const sockaddr_storage& ss, socklen_t len, int buf, port_mode m) {
        put("addr", addr_str(ss, len, buf, m));
        put("addrlen", std::to_string(len));
    }

    void exec(const step& s) {
        switch (s.o) {
        case op::socket: {
            const int r = b_.socket(s.a, s.b, s.c);
            put("ret", r >= 0 ? "fd" : ret_str(r));
            if (r >= 0)
                adopt(s.h, r, s.a, s.b, s.c);
            return;
        }
        case op::socketpair: {
            int sv[2] = {-1, -1};
            const int r = b_.socketpair(s.a, s.b, s.c, sv);
            put("ret", ret_str(r));
            if (r == 0) {
                adopt(s.h, sv[0], s.a, s.b, s.c);
                adopt(s.h2, sv[1], s.a, s.b, s.c);
            }
            return;
        }
        case op::close: {
            const int r = b_.close(fd(s.h));
            put("ret", ret_str(r));
            // close(2) releases the descriptor even when it reports an error.
            if (H(s.h).open())
                H(s.h).fd = -1;
            return;
        }
        case op::bind:
        case op::connect: {
            sockaddr_storage ss;
            const socklen_t len = make(s.ad, ss);
            const sockaddr* p =
                s.ad.k == addr::kind::none ? nullptr : reinterpret_cast<sockaddr*>(&ss);
            const int r = s.o == op::bind ? b_.bind(fd(s.h), p, len) : b_.connect(fd(s.h), p, len);
            put("ret", ret_str(r));
            return;
        }
        case op::listen:
            put("ret", ret_str(b_.listen(fd(s.h), s.a)));
            return;
        case op::accept:
        case op::accept4: {
            sockaddr_storage ss;
            std::memset(&ss, 0, sizeof ss);
            auto len = static_cast<socklen_t>(s.addr_buf);
            sockaddr* p = s.addr_buf < 0 ? nullptr : reinterpret_cast<sockaddr*>(&ss);
            socklen_t* lp = s.addr_buf < 0 ? nullptr : &len;
            const handle l = H(s.h);
            const int r =
                s.o == op::accept ? b_.accept(fd(s.h), p, lp) : b_.accept4(fd(s.h), p, lp, s.a);
            put("ret", r >= 0 ? "fd" : ret_str(r));
            if (r >= 0) {
                adopt(s.h2, r, l.family, l.type, l.protocol);
                if (p)
                    put_addr(ss, len, s.addr_buf, l.mode());
            }
            return;
        }
        case op::getsockname:
        case op::getpeername: {
            sockaddr_storage ss;
            std::memset(&ss, 0, sizeof ss);
            auto len = static_cast<socklen_t>(s.addr_buf);
            const int r = s.o == op::getsockname
                              ? b_.getsockname(fd(s.h), reinterpret_cast<sockaddr*>(&ss), &len)
                              : b_.getpeername(fd(s.h), reinterpret_cast<sockaddr*>(&ss), &len);
            put("ret", ret_str(r));
            if (r == 0)
                put_addr(ss, len, s.addr_buf, H(s.h).mode());
            return;
        }
        case op::send:
            put("ret", ret_str(b_.send(fd(s.h), s.data.data(), s.data.size(), s.a)));
            return;
        case op::sendto: {
            sockaddr_storage ss;
            const socklen_t len = make(s.ad, ss);
            const sockaddr* p =
                s.ad.k == addr::kind::none ? nullptr : reinterpret_cast<sockaddr*>(&ss);
            put("ret", ret_str(b_.sendto(fd(s.h), s.data.data(), s.data.size(), s.a, p, len)));
            return;
        }
        case op::sendmsg: {
            sockaddr_storage ss;
            const socklen_t len = make(s.ad, ss);
            std::string data = s.data;
            std::vector<iovec> iov(static_cast<std::size_t>(std::max(1, s.b)));
            const std::size_t n = iov.size(), chunk = data.size() / n;
            for (std::size_t i = 0; i < n; ++i) {
                iov[i].iov_base = data.data() + i * chunk;
                iov[i].iov_len = i + 1 == n ? data.size() - i * chunk : chunk;
            }
            msghdr m{};
            m.msg_name = s.ad.k == addr::kind::none ? nullptr : &ss;
            m.msg_namelen = len;
            m.msg_iov = iov.data();
            m.msg_iovlen = n;
            put("ret", ret_str(b_.sendmsg(fd(s.h), &m, s.a)));
            return;
        }
        case op::recv:
        case op::recvfrom: {
            std::string buf(s.len, '\0');
            sockaddr_storage ss;
            std::memset(&ss, 0, sizeof ss);
            auto len = static_cast<socklen_t>(s.addr_buf);
            long r;
            if (s.o == op::recv)
                r = b_.recv(fd(s.h), buf.data(), buf.size(), s.a);
            else
                r = b_.recvfrom(fd(s.h), buf.data(), buf.size(), s.a,
                                s.addr_buf < 0 ? nullptr : reinterpret_cast<sockaddr*>(&ss),
                                s.addr_buf < 0 ? nullptr : &len);
            put("ret", ret_str(r));
            if (r > 0)
                put_data(H(s.h), buf.data(),
                         std::min<std::size_t>(static_cast<std::size_t>(r), buf.size()),
                         static_cast<std::size_t>(r) < buf.size());
            if (r >= 0 && s.o == op::recvfrom && s.addr_buf >= 0)
                put_addr(ss, len, s.addr_buf, H(s.h).mode());
            return;
        }
        case op::recvmsg: {
            std::string buf(s.len, '\0');
            sockaddr_storage ss;
            std::memset(&ss, 0, sizeof ss);
            iovec iov{buf.data(), buf.size()};
            msghdr m{};
            m.msg_name = s.addr_buf < 0 ? nullptr : &ss;
            m.msg_namelen = s.addr_buf < 0 ? 0 : static_cast<socklen_t>(s.addr_buf);
            m.msg_iov = &iov;
            m.msg_iovlen = 1;
            m.msg_flags = 0x7f000000; // must come back overwritten
            const long r = b_.recvmsg(fd(s.h), &m, s.a);
            put("ret", ret_str(r));
            if (r > 0)
                put_data(H(s.h), buf.data(),
                         std::min<std::size_t>(static_cast<std::size_t>(r), buf.size()),
                         static_cast<std::size_t>(r) < buf.size() && !(m.msg_flags & MSG_TRUNC));
            if (r >= 0) {
                put("msg_flags", msg_flags_str(m.msg_flags));
                if (s.addr_buf >= 0)
                    put_addr(ss, m.msg_namelen, s.addr_buf, H(s.h).mode());
            }
            return;
        }
        case op::shutdown:
            put("ret", ret_str(b_.shutdown(fd(s.h), s.a)));
            return;
        case op::setsockopt_int: {
            // Room for an optlen longer than an int: the rest reads as 0.
            const int v[4] = {s.c, 0, 0, 0};
            const auto len = s.addr_buf >= 0 ? static_cast<socklen_t>(s.addr_buf)
                                             : static_cast<socklen_t>(sizeof(int));
            put("ret", ret_str(b_.setsockopt(fd(s.h), s.a, s.b, v, len)));
            return;
        }
        case op::setsockopt_linger: {
            const ::linger l{s.a, s.b};
            put("ret", ret_str(b_.setsockopt(fd(s.h), SOL_SOCKET, SO_LINGER, &l, sizeof l)));
            return;
        }
        case op::getsockopt_int: {
            int vs[4] = {-12345, -12345, -12345, -12345};
            int& v = vs[0];
            socklen_t len = s.addr_buf >= 0 ? static_cast<socklen_t>(s.addr_buf)
                                            : static_cast<socklen_t>(sizeof v);
            const int r = b_.getsockopt(fd(s.h), s.a, s.b, vs, &len);
            put("ret", ret_str(r));
            if (r == 0) {
                put("val",
                    s.a == SOL_SOCKET && s.b == SO_ERROR && v ? errname(v) : std::to_string(v));
                put("optlen", std::to_string(len));
            }
            return;
        }
        case op::fcntl: {
            const int r = b_.fcntl(fd(s.h), s.a, s.b);
            if (r >= 0 && s.a == F_GETFL)
                put("ret", flags_str(static_cast<unsigned>(r), {{O_WRONLY, "O_WRONLY"},
                                                                {O_RDWR, "O_RDWR"},
                                                                {O_NONBLOCK, "O_NONBLOCK"},
                                                                {O_APPEND, "O_APPEND"}}));
            else if (r >= 0 && s.a == F_GETFD)
                put("ret", flags_str(static_cast<unsigned>(r), {{FD_CLOEXEC, "FD_CLOEXEC"}}));
            else
                put("ret", ret_str(r));
            return;
        }
        case op::poll: {
            pollfd p{fd(s.h), static_cast<short>(s.a), 0};
            put("ret", ret_str(b_.poll(&p, 1, 0)));
            put("revents", poll_str(static_cast<unsigned short>(p.revents)));
            return;
        }
        case op::icmp_send: {
            std::string pkt(8 + s.data.size(), '\0');
            auto* u = reinterpret_cast<unsigned char*>(pkt.data());
            u[0] = static_cast<unsigned char>(s.a);
            u[1] = static_cast<unsigned char>(s.b);
            u[4] = static_cast<unsigned char>(s.c >> 8);
            u[5] = static_cast<unsigned char>(s.c);
            u[6] = static_cast<unsigned char>(s.len >> 8);
            u[7] = static_cast<unsigned char>(s.len);
            std::memcpy(u + 8, s.data.data(), s.data.size());
            const std::uint16_t c = csum(u, pkt.size());
            u[2] = static_cast<unsigned char>(c >> 8);
            u[3] = static_cast<unsigned char>(c);
            sockaddr_storage ss;
            const socklen_t len = make(s.ad, ss);
            const sockaddr* to =
                s.ad.k == addr::kind::none ? nullptr : reinterpret_cast<sockaddr*>(&ss);
            put("ret", ret_str(b_.sendto(fd(s.h), pkt.data(), pkt.size(), 0, to, len)));
            return;
        }
        case op::icmp_recv:
            icmp_recv(s);
            return;
        case op::dup:
            dup(s);
            return;
        case op::ioctl: {
            // The int at the start of a zeroed struct ifreq: the device
            // requests (SIOCDEVPRIVATE ...) read a whole one, naming no
            // device, the others an int.
            union {
                int v;
                ifreq ifr;
            } arg;
            std::memset(&arg, 0, sizeof arg);
            arg.v = s.b;
            const int r = b_.ioctl(fd(s.h), static_cast<unsigned long>(s.a), &arg.v);
            put("ret", ret_str(r));
            const auto cmd = static_cast<unsigned long>(s.a);
            if (r >= 0 &&
                (cmd == FIONREAD || cmd == TIOCOUTQ || cmd == SIOCOUTQNSD || cmd == SIOCATMARK))
                put("val", std::to_string(arg.v));
            return;
        }
        case op::sleep:
            b_.sleep_ms(s.a);
            put("ret", "0");
            return;
        case op::sendmsg_cmsg:
            sendmsg_cmsg(s);
            return;
        case op::recvmsg_cmsg:
            recvmsg_cmsg(s);
            return;
        }
    }

    //! dup, dup2 and F_DUPFD into handle h2. A dup2 onto a closed handle
    //! takes the lowest fd from 40 on that the backend has free, so both
    //! sides name a free fd (their fd numbers differ).
    void dup(const step& s) {
        const handle src = H(s.h);
        int r;
        switch (s.a) {
        case 0:
            r = b_.dup(fd(s.h));
            break;
        case 1: {
            int to = H(s.h2).open() ? H(s.h2).fd : -1;
            for (int c = 40; to < 0 && c < 64; ++c)
                if (b_.fcntl(c, F_GETFD, 0) == -EBADF)
                    to = c;
            r = b_.dup2(fd(s.h), to);
            break;
        }
        default:
            r = b_.fcntl(fd(s.h), s.a == 2 ? F_DUPFD : F_DUPFD_CLOEXEC, s.b);
            break;
        }
        put("ret", r >= 0 ? "fd" : ret_str(r));
        if (r >= 0 && src.open())
            adopt(s.h2, r, src.family, src.type, src.protocol);
    }

    void sendmsg_cmsg(const step& s) {
        sockaddr_storage ss;
        const socklen_t len = make(s.ad, ss);
        std::string data = s.data;
        std::vector<iovec> iov(static_cast<std::size_t>(std::max(1, s.b)));
        const std::size_t n = iov.size(), chunk = data.size() / n;
        for (std::size_t i = 0; i < n; ++i) {
            iov[i].iov_base = data.data() + i * chunk;
            iov[i].iov_len = i + 1 == n ? data.size() - i * chunk : chunk;
        }
        alignas(cmsghdr) unsigned char ctl[512];
        std::memset(ctl, 0, sizeof ctl);
        std::size_t off = 0;
        cmsghdr* first = nullptr;
        if ((s.c & cmsg_rights) && s.hs.size() <= 64) {
            auto* c = reinterpret_cast<cmsghdr*>(ctl + off);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(s.hs.size() * sizeof(int));
            for (std::size_t i = 0; i < s.hs.size(); ++i) {
                const int f = s.hs[i] >= 0 && s.hs[i] < max_handles ? fd(s.hs[i]) : -1;
                std::memcpy(CMSG_DATA(c) + i * sizeof(int), &f, sizeof f);
            }
            off += CMSG_SPACE(s.hs.size() * sizeof(int));
            first = c;
        }
        if (s.c & cmsg_creds) {
            auto* c = reinterpret_cast<cmsghdr*>(ctl + off);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_CREDENTIALS;
            c->cmsg_len = CMSG_LEN(sizeof(ucred));
            const ucred u{(s.c & cmsg_bad_pid) ? 999999 : b_.pid(), ::getuid(), ::getgid()};
            std::memcpy(CMSG_DATA(c), &u, sizeof u);
            off += CMSG_SPACE(sizeof(ucred));
            if (!first)
                first = c;
        }
        if (first && (s.c & cmsg_short_len))
            first->cmsg_len = sizeof(cmsghdr) - 1;
        msghdr m{};
        m.msg_name = s.ad.k == addr::kind::none ? nullptr : &ss;
        m.msg_namelen = len;
        m.msg_iov = iov.data();
        m.msg_iovlen = n;
        m.msg_control = off ? ctl : nullptr;
        m.msg_controllen = off;
        put("ret", ret_str(b_.sendmsg(fd(s.h), &m, s.a)));
    }

    //! recvmsg with a control buffer: every control message is shown, and
    //! the fds SCM_RIGHTS brings become handles h2, h2+1, ... (their family
    //! and type read back with SO_DOMAIN/SO_TYPE/SO_PROTOCOL).
    void recvmsg_cmsg(const step& s) {
        std::string buf(s.len, '\0');
        sockaddr_storage ss;
        std::memset(&ss, 0, sizeof ss);
        iovec iov{buf.data(), buf.size()};
        alignas(cmsghdr) unsigned char ctl[512];
        std::memset(ctl, 0, sizeof ctl);
        msghdr m{};
        m.msg_name = s.addr_buf < 0 ? nullptr : &ss;
        m.msg_namelen = s.addr_buf < 0 ? 0 : static_cast<socklen_t>(s.addr_buf);
        m.msg_iov = &iov;
        m.msg_iovlen = 1;
        const std::size_t clen =
            std::min<std::size_t>(static_cast<std::size_t>(std::max(0, s.b)), sizeof ctl);
        m.msg_control = clen ? ctl : nullptr;
        m.msg_controllen = clen;
        const long r = b_.recvmsg(fd(s.h), &m, s.a);
        put("ret", ret_str(r));
        if (r > 0)
            put_data(H(s.h), buf.data(),
                     std::min<std::size_t>(static_cast<std::size_t>(r), buf.size()),
                     static_cast<std::size_t>(r) < buf.size() && !(m.msg_flags & MSG_TRUNC));
        if (r < 0)
            return;
        put("msg_flags", msg_flags_str(m.msg_flags));
        if (s.addr_buf >= 0)
            put_addr(ss, m.msg_namelen, s.addr_buf, H(s.h).mode());
        put("controllen", std::to_string(m.msg_controllen));
        if (!m.msg_control || m.msg_controllen < sizeof(cmsghdr))
            return;
        int next = s.h2;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            std::string v = std::to_string(c->cmsg_level) + "/" + std::to_string(c->cmsg_type) +
                            " len " + std::to_string(c->cmsg_len);
            const std::size_t payload = c->cmsg_len >= CMSG_LEN(0) ? c->cmsg_len - CMSG_LEN(0) : 0;
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                v = "SCM_RIGHTS len " + std::to_string(c->cmsg_len) + ":";
                for (std::size_t i = 0; i + sizeof(int) <= payload; i += sizeof(int)) {
                    int f;
                    std::memcpy(&f, CMSG_DATA(c) + i, sizeof f);
                    if (f < 0 || next < 0 || next >= max_handles) {
                        v += f < 0 ? " (bad fd)" : " (closed: no handle left)";
                        if (f >= 0)
                            b_.close(f);
                        continue;
                    }
                    int fam = -1, type = -1, proto = 0;
                    socklen_t l = sizeof(int);
                    b_.getsockopt(f, SOL_SOCKET, SO_DOMAIN, &fam, &l);
                    l = sizeof(int);
                    b_.getsockopt(f, SOL_SOCKET, SO_TYPE, &type, &l);
                    l = sizeof(int);
                    b_.getsockopt(f, SOL_SOCKET, SO_PROTOCOL, &proto, &l);
                    const int fdflags = b_.fcntl(f, F_GETFD, 0);
                    v += " " + h_str(next) + "=" + family_str(fam) + "/" + type_str(type) +
                         (fdflags > 0 && (fdflags & FD_CLOEXEC) ? "/cloexec" : "");
                    adopt(next++, f, fam, type, proto);
                }
            } else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS &&
                       payload >= sizeof(ucred)) {
                ucred u;
                std::memcpy(&u, CMSG_DATA(c), sizeof u);
                v = "SCM_CREDENTIALS pid " +
                    (u.pid == b_.pid() ? std::string("self") : std::to_string(u.pid)) + " uid " +
                    std::to_string(u.uid) + " gid " + std::to_string(u.gid);
            }
            put("cmsg", v);
        }
    }

    void icmp_recv(const step& s) {
        int want = s.c;
        if (s.h2 >= 0) {
            sockaddr_storage ss;
            socklen_t len = sizeof ss;
            std::memset(&ss, 0, sizeof ss);
            if (b_.getsockname(fd(s.h2), reinterpret_cast<sockaddr*>(&ss), &len) == 0)
                want = ntohs(reinterpret_cast<sockaddr_in&>(ss).sin_port);
        }
        const bool with_ip = H(s.h).type == SOCK_RAW;
        std::string buf(s.len, '\0');
        auto* u = reinterpret_cast<const unsigned char*>(buf.data());
        // Other ICMP traffic of the host may reach a raw socket first.
        for (int tries = 0; tries < 256; ++tries) {
            sockaddr_storage from;
            std::memset(&from, 0, sizeof from);
            socklen_t flen = sizeof from;
            const long r = b_.recvfrom(fd(s.h), buf.data(), buf.size(), MSG_DONTWAIT,
                                       reinterpret_cast<sockaddr*>(&from), &flen);
            if (r < 0) {
                put("ret", ret_str(r));
                return;
            }
            const auto n = static_cast<std::size_t>(r);
            std::size_t off = 0;
            if (with_ip) {
                if (n < 20)
                    continue;
                off = static_cast<std::size_t>(u[0] & 15) * 4;
            }
            if (n < off + 8)
                continue;
            const unsigned char* ic = u + off;
            const int type = ic[0], id = ic[4] << 8 | ic[5];
            if ((type != ICMP_ECHO && type != ICMP_ECHOREPLY) || id != want)
                continue;
            put("ret", std::to_string(r));
            put("from", addr_str(from, flen, sizeof from, port_mode::plain));
            if (with_ip) {
                const auto* ip = reinterpret_cast<const iphdr*>(u);
                char b[160];
                std::snprintf(b, sizeof b, "v%u ihl %u tos 0x%02x tot_len %u df %d ttl %u proto %u",
                              static_cast<unsigned>(ip->version), static_cast<unsigned>(ip->ihl),
                              static_cast<unsigned>(ip->tos),
                              static_cast<unsigned>(ntohs(ip->tot_len)),
                              (ntohs(ip->frag_off) & IP_DF) ? 1 : 0, static_cast<unsigned>(ip->ttl),
                              static_cast<unsigned>(ip->protocol));
                put("ip", b);
                put("ip.src", ip_str(ntohl(ip->saddr)));
                put("ip.dst", ip_str(ntohl(ip->daddr)));
                put("ip.csum", csum(u, off) == 0 ? "ok" : "bad");
            }
            put("icmp", "type " + std::to_string(type) + " code " + std::to_string(ic[1]) +
                            " seq " + std::to_string(ic[6] << 8 | ic[7]));
            put("icmp.id", port_str(static_cast<std::uint16_t>(id), port_mode::plain));
            put("icmp.csum", csum(ic, n - off) == 0 ? "ok" : "bad");
            put("icmp.payload", data_str(reinterpret_cast<const char*>(ic + 8), n - off - 8));
            return;
        }
        put("ret", "(only other traffic)");
    }

    //! getsockname/getpeername of a handle: the address, with its length
    //! where that is not sizeof(sockaddr_in).
    void probe_name(std::string key, const handle& x,
                    int (backend::*call)(int, sockaddr*, socklen_t*)) {
        sockaddr_storage ss;
        std::memset(&ss, 0, sizeof ss);
        socklen_t len = sizeof ss;
        const int r = (b_.*call)(x.fd, reinterpret_cast<sockaddr*>(&ss), &len);
        if (r < 0) {
            put(std::move(key), ret_str(r));
            return;
        }
        std::string v = addr_str(ss, len, sizeof ss, x.mode());
        if (ss.ss_family != AF_INET || len != sizeof(sockaddr_in))
            v += "(" + std::to_string(len) + ")";
        put(std::move(key), std::move(v));
    }

    //! After every step, for every open handle: the poll mask, the local and
    //! the peer address, and a TCP socket's state (no call here has a side
    //! effect; SO_ERROR would, so it is a step of its own).
    void probe() {
        for (int i = 0; i < max_handles; ++i) {
            const handle& x = hs_[i];
            if (!x.open())
                continue;
            const std::string k = h_str(i);
            pollfd p{x.fd, probe_events, 0};
            const int r = b_.poll(&p, 1, 0);
            put(k + ".poll", r < 0 ? ret_str(r) : poll_str(static_cast<unsigned short>(p.revents)));
            probe_name(k + ".name", x, &backend::getsockname);
            probe_name(k + ".peer", x, &backend::getpeername);
            probe_tcp(k, x);
            if (!probes_.queues)
                continue;
            // Both are reads only: neither moves data nor clears an error.
            int v = 0;
            const int qi = b_.ioctl(x.fd, FIONREAD, &v);
            put(k + ".inq", qi < 0 ? ret_str(qi) : std::to_string(v));
            v = 0;
            const int qo = b_.ioctl(x.fd, TIOCOUTQ, &v);
            put(k + ".outq", qo < 0 ? ret_str(qo) : std::to_string(v));
        }
    }

    void probe_tcp(const std::string& k, const handle& x) {
        {
            if (!x.is_tcp())
                return;
            unsigned char info[512];
            std::memset(info, 0, sizeof info);
            socklen_t len = sizeof info;
            const int g = b_.getsockopt(x.fd, IPPROTO_TCP, TCP_INFO, info, &len);
            if (g < 0) {
                put(k + ".tcp", ret_str(g));
                return;
            }
            tcp_info ti;
            std::memcpy(&ti, info, sizeof ti);
            std::string v = tcp_state_str(ti.tcpi_state);
            // A listener reports its accept queue and backlog in these two.
            if (ti.tcpi_state == TCP_LISTEN)
                v += " acceptq " + std::to_string(ti.tcpi_unacked) + "/" +
                     std::to_string(ti.tcpi_sacked);
            put(k + ".tcp", v);
        }
    }
};

} // namespace

seq_obs run_sequence(backend& b, const sequence& s, int index, const probe_set& probes) {
    return runner(b, s, index, probes).run();
}

std::string describe(const step& s) {
    return describe_step(s);
}

std::string sockopt_name(int level, int opt) {
    return opt_str(level, opt);
}

std::string ioctl_name(unsigned long cmd) {
    return ioctl_str(cmd);
}

std::string format(const sequence& s, const seq_obs& o) {
    std::string out = "== " + s.name + "\n";
    for (std::size_t i = 0; i < o.steps.size(); ++i) {
        const step_obs& st = o.steps[i];
        out += "  [" + std::to_string(i) + "] " + st.call + "\n      ";
        std::size_t col = 6;
        for (const field& f : st.fields) {
            const std::string item = f.key + "=" + f.value + " ";
            if (col + item.size() > 110 && col > 6) {
                out += "\n      ";
                col = 6;
            }
            out += item;
            col += item.size();
        }
        out += "\n";
    }
    return out;
}

namespace {

bool valid(const sequence& s) {
    auto in_range = [](int h) { return h >= 0 && h < max_handles; };
    for (const step& st : s.steps) {
        if (!in_range(st.h))
            return false;
        const bool makes = st.o == op::socketpair || st.o == op::accept || st.o == op::accept4 ||
                           st.o == op::dup || st.o == op::recvmsg_cmsg;
        if ((makes || (st.o == op::icmp_recv && st.h2 >= 0)) && !in_range(st.h2))
            return false;
    }
    return true;
}

std::string fields_str(const step_obs& st) {
    std::string out;
    for (const field& f : st.fields)
        out += f.key + "=" + f.value + "  ";
    return out;
}

const std::string* find(const step_obs& st, const std::string& k) {
    for (const field& f : st.fields)
        if (f.key == k)
            return &f.value;
    return nullptr;
}

//! Where two runs first differ ("" when they agree).
std::string first_difference(const seq_obs& a, const seq_obs& b) {
    for (std::size_t i = 0; i < a.steps.size() && i < b.steps.size(); ++i) {
        const step_obs& x = a.steps[i];
        const step_obs& y = b.steps[i];
        if (x.fields.size() != y.fields.size())
            return "step " + std::to_string(i) + ": " + fields_str(x) + " / " + fields_str(y);
        for (std::size_t k = 0; k < x.fields.size(); ++k)
            if (x.fields[k].key != y.fields[k].key || x.fields[k].value != y.fields[k].value)
                return "step " + std::to_string(i) + " " + x.fields[k].key + ": " +
                       x.fields[k].value + " / " + y.fields[k].key + ": " + y.fields[k].value;
    }
    return a.steps.size() == b.steps.size() ? "" : "number of steps";
}

} // namespace

tally run_family(const char* family, const std::vector<sequence>& seqs, int& next_index) {
    const options& opt = env_options();
    const std::string setup = kernel_setup();
    static bool said = false;
    if (!said) {
        said = true;
        MESSAGE("loopback: kernel side " << setup);
        if (opt.kernel_only)
            std::printf("loopback: kernel side %s\n", setup.c_str());
    }
    tally t;
    auto kb = make_kernel_backend();
    auto sb = opt.kernel_only ? nullptr : make_ksock_backend();
    for (const sequence& s : seqs) {
        const int index = next_index++;
        if (!opt.filter.empty() && s.name.find(opt.filter) == std::string::npos)
            continue;
        if (!valid(s)) {
            FAIL_CHECK("sequence \"" << s.name << "\" uses a handle outside h0..h"
                                     << max_handles - 1);
            continue;
        }
        ++t.sequences;
        t.steps += static_cast<long>(s.steps.size());
        struct timed {
            seq_obs o;
            std::chrono::steady_clock::duration took;
        };
        auto on_kernel = [&](int idx) {
            const auto t0 = std::chrono::steady_clock::now();
            kb->begin(idx);
            seq_obs o = run_sequence(*kb, s, idx);
            kb->end();
            return timed{std::move(o), std::chrono::steady_clock::now() - t0};
        };
        // The kernel runs every sequence twice, with other ports and names.
        // Loopback work is done inside the calls, but timers are not: the
        // ACK of a FIN is delayed (>= 40 ms), so a preempted run can see
        // FIN_WAIT2 where an undisturbed one sees FIN_WAIT1 (a loaded CI
        // machine under a sanitizer does that). When the runs differ, more
        // are made (five at most) until two agree, and the sequence is named.
        // Every outcome the kernel showed is Linux's behaviour: ksock is
        // compared with the one it matches, or else with the fastest run
        // (the least likely to have had a timer fire; ksock's clock does not
        // move during a sequence).
        std::vector<timed> runs;
        runs.push_back(on_kernel(index));
        runs.push_back(on_kernel(next_index++));
        bool agree = first_difference(runs[0].o, runs[1].o).empty();
        while (!agree && runs.size() < 5) {
            runs.push_back(on_kernel(next_index++));
            for (std::size_t r = 0; r + 1 < runs.size() && !agree; ++r)
                agree = first_difference(runs[r].o, runs.back().o).empty();
        }
        if (runs.size() > 2) {
            MESSAGE("kernel side of \"" << s.name << "\" not reproducible ("
                                        << first_difference(runs[0].o, runs[1].o)
                                        << "): " << runs.size() << " runs");
            ++t.kernel_unstable;
        }
        timed ko = *std::min_element(runs.begin(), runs.end(), [](const timed& a, const timed& b) {
            return a.took < b.took;
        });
        if (opt.kernel_only) {
            std::printf("%s", format(s, ko.o).c_str());
            std::fflush(stdout);
            continue;
        }
        sb->begin(index);
        const seq_obs so = run_sequence(*sb, s, index);
        sb->end();
        if (runs.size() > 2)
            for (const timed& r : runs)
                if (first_difference(r.o, so).empty())
                    ko = r;
        if (opt.verbose)
            std::printf("kernel:\n%sksock:\n%s", format(s, ko.o).c_str(), format(s, so).c_str());
        // By default the first mismatch of each kind per sequence: a poll
        // mask that is wrong from the first step would hide everything else.
        bool reported[4] = {false, false, false, false};
        auto kind = [](const std::string& key) {
            const std::size_t dot = key.find('.');
            if (key[0] != 'h' || dot == std::string::npos)
                return 0; // the call's own results
            const std::string probe = key.substr(dot);
            return probe == ".poll" ? 1 : probe == ".tcp" ? 2 : 3;
        };
        for (std::size_t i = 0; i < ko.o.steps.size() && i < so.steps.size(); ++i) {
            const step_obs& k = ko.o.steps[i];
            const step_obs& v = so.steps[i];
            std::vector<std::string> keys;
            for (const field& f : k.fields)
                keys.push_back(f.key);
            for (const field& f : v.fields)
                if (!find(k, f.key))
                    keys.push_back(f.key);
            for (const std::string& key : keys) {
                ++t.comparisons;
                const std::string* kv = find(k, key);
                const std::string* vv = find(v, key);
                const std::string a = kv ? *kv : "(absent)", b = vv ? *vv : "(absent)";
                if (a == b)
                    continue;
                ++t.mismatches;
                bool& once = reported[kind(key)];
                if (once && !opt.all_mismatches)
                    continue;
                once = true;
                FAIL_CHECK(std::string(family)
                           << " sequence \"" << s.name << "\" step " << i << ": " << k.call
                           << "\n  " << key << ": kernel " << a << " / ksock " << b
                           << "\n  kernel: " << fields_str(k) << "\n  ksock:  " << fields_str(v));
            }
        }
    }
    MESSAGE(std::string(family) << ": " << t.sequences << " sequences, " << t.steps << " steps, "
                                << t.comparisons << " comparisons, " << t.mismatches
                                << " mismatches, " << t.kernel_unstable
                                << " sequences the kernel did not repeat exactly"
                                << std::string(opt.kernel_only ? " (kernel only: nothing compared)"
                                                               : ""));
    if (opt.kernel_only)
        std::printf("%s: %ld sequences, %ld steps (kernel only)\n", family, t.sequences, t.steps);
    return t;
}

} // namespace ksock_loopback
