// test/differential/packet/constants.cpp: the named constants scripts may
// write (socket, option, errno, poll, fcntl, TCP state names) and the
// textual form of segments.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sstream>
#include <string>
#include <string_view>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "script.hpp"

namespace ksock_packet {

namespace {

struct named {
    std::string_view name;
    std::int64_t value;
};

#define C(x)                                                                                       \
    named {                                                                                        \
#x, static_cast < std::int64_t>(x)                                                         \
    }
constexpr named constants[] = {
    // families, types, levels
    C(AF_INET),
    C(AF_INET6),
    C(AF_UNSPEC),
    C(PF_INET),
    C(SOCK_STREAM),
    C(SOCK_DGRAM),
    C(SOCK_NONBLOCK),
    C(SOCK_CLOEXEC),
    C(IPPROTO_TCP),
    C(IPPROTO_IP),
    C(SOL_SOCKET),
    C(SOL_TCP),
    C(SOL_IP),
    // SOL_SOCKET options
    C(SO_REUSEADDR),
    C(SO_REUSEPORT),
    C(SO_KEEPALIVE),
    C(SO_LINGER),
    C(SO_ERROR),
    C(SO_SNDBUF),
    C(SO_RCVBUF),
    C(SO_RCVLOWAT),
    C(SO_SNDLOWAT),
    C(SO_OOBINLINE),
    C(SO_TYPE),
    C(SO_ACCEPTCONN),
    C(SO_RCVTIMEO),
    C(SO_SNDTIMEO),
    C(SO_BROADCAST),
    C(SO_DONTROUTE),
    C(SO_PRIORITY),
    // IPPROTO_TCP options
    C(TCP_NODELAY),
    C(TCP_MAXSEG),
    C(TCP_CORK),
    C(TCP_KEEPIDLE),
    C(TCP_KEEPINTVL),
    C(TCP_KEEPCNT),
    C(TCP_SYNCNT),
    C(TCP_LINGER2),
    C(TCP_DEFER_ACCEPT),
    C(TCP_WINDOW_CLAMP),
    C(TCP_INFO),
    C(TCP_QUICKACK),
    C(TCP_CONGESTION),
    C(TCP_USER_TIMEOUT),
    C(TCP_NOTSENT_LOWAT),
    C(TCP_THIN_LINEAR_TIMEOUTS),
    C(TCP_ULP),
    C(TCP_REPAIR),
    // IP options
    C(IP_TOS),
    C(IP_TTL),
    // message flags, shutdown
    C(MSG_OOB),
    C(MSG_PEEK),
    C(MSG_DONTWAIT),
    C(MSG_WAITALL),
    C(MSG_NOSIGNAL),
    C(MSG_MORE),
    C(MSG_TRUNC),
    C(SHUT_RD),
    C(SHUT_WR),
    C(SHUT_RDWR),
    // poll
    C(POLLIN),
    C(POLLPRI),
    C(POLLOUT),
    C(POLLERR),
    C(POLLHUP),
    C(POLLNVAL),
    C(POLLRDNORM),
    C(POLLRDBAND),
    C(POLLWRNORM),
    C(POLLWRBAND),
    C(POLLRDHUP),
    // fcntl
    C(F_GETFL),
    C(F_SETFL),
    C(F_GETFD),
    C(F_SETFD),
    C(O_RDONLY),
    C(O_WRONLY),
    C(O_RDWR),
    C(O_NONBLOCK),
    C(FD_CLOEXEC),
    // ioctl
    C(SIOCINQ),
    C(SIOCOUTQ),
    C(SIOCATMARK),
    C(FIONREAD),
    C(SIOCOUTQNSD),
    // TCP states (tcpi_state) and congestion-avoidance states (tcpi_ca_state)
    {"TCP_ESTABLISHED", 1},
    {"TCP_SYN_SENT", 2},
    {"TCP_SYN_RECV", 3},
    {"TCP_FIN_WAIT1", 4},
    {"TCP_FIN_WAIT2", 5},
    {"TCP_TIME_WAIT", 6},
    {"TCP_CLOSE", 7},
    {"TCP_CLOSE_WAIT", 8},
    {"TCP_LAST_ACK", 9},
    {"TCP_LISTEN", 10},
    {"TCP_CLOSING", 11},
    {"TCP_NEW_SYN_RECV", 12},
    {"TCP_CA_Open", 0},
    {"TCP_CA_Disorder", 1},
    {"TCP_CA_CWR", 2},
    {"TCP_CA_Recovery", 3},
    {"TCP_CA_Loss", 4},
    // tcpi_options bits
    {"TCPI_OPT_TIMESTAMPS", 1},
    {"TCPI_OPT_SACK", 2},
    {"TCPI_OPT_WSCALE", 4},
    {"TCPI_OPT_ECN", 8},
    {"TCPI_OPT_ECN_SEEN", 16},
    {"TCPI_OPT_SYN_DATA", 32},
    // errno
    C(EPERM),
    C(ENOENT),
    C(EINTR),
    C(EIO),
    C(EBADF),
    C(EAGAIN),
    C(EWOULDBLOCK),
    C(ENOMEM),
    C(EACCES),
    C(EFAULT),
    C(EBUSY),
    C(EEXIST),
    C(EINVAL),
    C(ENFILE),
    C(EMFILE),
    C(ENOSPC),
    C(EPIPE),
    C(ENOTSOCK),
    C(EDESTADDRREQ),
    C(EMSGSIZE),
    C(EPROTOTYPE),
    C(ENOPROTOOPT),
    C(EPROTONOSUPPORT),
    C(ESOCKTNOSUPPORT),
    C(EOPNOTSUPP),
    C(EPFNOSUPPORT),
    C(EAFNOSUPPORT),
    C(EADDRINUSE),
    C(EADDRNOTAVAIL),
    C(ENETDOWN),
    C(ENETUNREACH),
    C(ENETRESET),
    C(ECONNABORTED),
    C(ECONNRESET),
    C(ENOBUFS),
    C(EISCONN),
    C(ENOTCONN),
    C(ESHUTDOWN),
    C(ETIMEDOUT),
    C(ECONNREFUSED),
    C(EHOSTDOWN),
    C(EHOSTUNREACH),
    C(EALREADY),
    C(EINPROGRESS),
};
#undef C

} // namespace

std::optional<std::int64_t> lookup_constant(const std::string& name) {
    for (const auto& c : constants)
        if (c.name == name)
            return c.value;
    return std::nullopt;
}

std::string errno_name(int e) {
    for (const auto& c : constants)
        if (c.name.size() > 1 && c.name[0] == 'E' && c.name != "EWOULDBLOCK" && c.value == e &&
            c.name.substr(0, 2) != "F_")
            return std::string(c.name);
    return std::to_string(e);
}

std::string to_string(const std::vector<tcp_option>& opts) {
    std::ostringstream o;
    o << '<';
    for (std::size_t i = 0; i < opts.size(); ++i) {
        const auto& op = opts[i];
        if (i)
            o << ',';
        switch (op.k) {
        case tcp_option::kind::eol:
            o << "eol";
            break;
        case tcp_option::kind::nop:
            o << "nop";
            break;
        case tcp_option::kind::mss:
            o << "mss " << op.a;
            break;
        case tcp_option::kind::wscale:
            o << "wscale " << op.a;
            break;
        case tcp_option::kind::sack_permitted:
            o << "sackOK";
            break;
        case tcp_option::kind::timestamp:
            o << "TS val " << op.a << " ecr " << op.b;
            break;
        case tcp_option::kind::sack:
            o << "sack";
            for (const auto& [l, r] : op.blocks)
                o << ' ' << l << ':' << r;
            break;
        }
    }
    o << '>';
    return o.str();
}

std::string to_string(const segment& s) {
    std::ostringstream o;
    o << (s.inbound ? "< " : "> ");
    if (s.ecn) {
        static constexpr const char* names[] = {"noecn", "ect1", "ect0", "ce"};
        o << '[' << names[*s.ecn & 3] << "] ";
    }
    std::string f;
    if (s.flags & tcp_flag::syn)
        f += 'S';
    if (s.flags & tcp_flag::fin)
        f += 'F';
    if (s.flags & tcp_flag::rst)
        f += 'R';
    if (s.flags & tcp_flag::psh)
        f += 'P';
    if (s.flags & tcp_flag::urg)
        f += 'U';
    if (s.flags & tcp_flag::ece)
        f += 'E';
    if (s.flags & tcp_flag::cwr)
        f += 'W';
    if (s.flags & tcp_flag::ack)
        f += '.';
    o << f << ' ' << s.seq << ':' << (s.seq + s.len) << '(' << s.len << ')';
    if (s.ack)
        o << " ack " << *s.ack;
    if (s.win)
        o << " win " << *s.win;
    if (s.urg)
        o << " urg " << *s.urg;
    if (s.any_options)
        o << " <...>";
    else if (s.options)
        o << ' ' << to_string(*s.options);
    return o.str();
}

} // namespace ksock_packet
