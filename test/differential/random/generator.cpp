// test/differential/random/generator.cpp: how random sequences are made.
// The generator keeps a rough model of the handles (family, type, bound
// address, listening) only to aim its calls: connects mostly go to an
// address something listens on, recvs to sockets that may hold data. The
// model never has to be right: a call on a wrong or closed handle is a
// test of its own (EBADF, ENOTCONN, EOPNOTSUPP ...).
#include "generator.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <initializer_list>
#include <sstream>
#include <vector>

#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

namespace ksock_random {

using namespace ksock_loopback;

namespace {

//! splitmix64: a small generator whose sequence is the same with every
//! standard library (std::uniform_int_distribution's is not specified).
class rng {
public:
    explicit rng(std::uint64_t seed) : s_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    //! 0 .. n-1
    int below(int n) { return n <= 1 ? 0 : static_cast<int>(next() % static_cast<unsigned>(n)); }
    //! true with probability p percent
    bool pct(int p) { return below(100) < p; }
    template <class T, std::size_t N>
    const T& pick(const T (&a)[N]) {
        return a[below(static_cast<int>(N))];
    }
    //! One of a braced list (the socket API's constants are a mix of ints
    //! and enumerators).
    int pick(std::initializer_list<int> l) {
        return *(l.begin() + below(static_cast<int>(l.size())));
    }
    template <class T>
    const T& pick(const std::vector<T>& v) {
        return v[static_cast<std::size_t>(below(static_cast<int>(v.size())))];
    }

private:
    std::uint64_t s_;
};

struct gh {
    bool open = false;
    int family = 0, type = 0;
    int port = -1; //!< bound to P<port>
    int name = -1; //!< bound to @n<name>
    bool listening = false;
    bool connected = false;
};

constexpr int slots = 10; //!< h0..h9 hold sockets; SCM_RIGHTS fds land from h10 on
constexpr int scm_first = 10;

bool is_unix(const gh& h) {
    return h.family == AF_UNIX;
}
bool is_tcp(const gh& h) {
    return h.family == AF_INET && h.type == SOCK_STREAM;
}
bool is_udp(const gh& h) {
    return h.family == AF_INET && h.type == SOCK_DGRAM;
}
bool is_conn(const gh& h) {
    return h.type == SOCK_STREAM || h.type == SOCK_SEQPACKET;
}

std::string uname(int n) {
    return "n" + std::to_string(n);
}

class gen {
public:
    gen(std::uint64_t seed, int index)
        : r_(seed * 0x2545f4914f6cdd1dull + static_cast<unsigned>(index)) {
        r_.next();
    }

    sequence make(int index, int target) {
        q_.name = "random/" + std::to_string(index);
        const int setups = 1 + r_.below(2);
        for (int i = 0; i < setups; ++i)
            setup();
        while (static_cast<int>(q_.steps.size()) < target)
            one();
        return q_;
    }

private:
    rng r_;
    sequence q_;
    gh hs_[max_handles];
    int next_port_ = 0, next_name_ = 0;

    void add(step s) { q_.steps.push_back(std::move(s)); }

    int free_slot() {
        for (int i = 0; i < slots; ++i)
            if (!hs_[i].open)
                return i;
        return r_.below(slots); // replaces an open one (the interpreter closes it)
    }

    //! A handle: an open one that fits \p want, else any open one, and now
    //! and then a closed or never used one (EBADF).
    template <class Pred>
    int handle(Pred want) {
        std::vector<int> fit, open;
        for (int i = 0; i < max_handles; ++i)
            if (hs_[i].open) {
                open.push_back(i);
                if (want(hs_[i]))
                    fit.push_back(i);
            }
        if (r_.pct(3) || open.empty())
            return r_.below(slots);
        if (!fit.empty() && r_.pct(85))
            return r_.pick(fit);
        return r_.pick(open);
    }
    int any_handle() {
        return handle([](const gh&) { return true; });
    }

    int sock_type(int base) {
        int t = base;
        if (r_.pct(96))
            t |= SOCK_NONBLOCK; // a blocking socket makes the kernel side wait its 50 ms
        if (r_.pct(20))
            t |= SOCK_CLOEXEC;
        return t;
    }

    void mk_socket(int h, int family, int type, int proto = 0) {
        add({.o = op::socket, .h = h, .a = family, .b = type, .c = proto});
        hs_[h] = gh{};
        hs_[h].open = true;
        hs_[h].family = family;
        hs_[h].type = type & 0xf;
    }

    // --- set-ups: the usual ways two sockets get to talk ----------------------------
    void setup() {
        switch (r_.below(6)) {
        case 0:
        case 1: { // TCP listener, client, accepted
            const int l = free_slot();
            mk_socket(l, AF_INET, sock_type(SOCK_STREAM));
            const int p = next_port_++ % 6;
            if (r_.pct(30))
                add({.o = op::setsockopt_int, .h = l, .a = SOL_SOCKET, .b = SO_REUSEADDR, .c = 1});
            add({.o = op::bind, .h = l, .ad = in(lo, p)});
            hs_[l].port = p;
            add({.o = op::listen, .h = l, .a = r_.pick({0, 1, 5, 128})});
            hs_[l].listening = true;
            const int c = free_slot();
            mk_socket(c, AF_INET, sock_type(SOCK_STREAM));
            add({.o = op::connect, .h = c, .ad = in(lo, p)});
            hs_[c].connected = true;
            const int a = free_slot();
            add({.o = op::accept4,
                 .h = l,
                 .h2 = a,
                 .a = r_.pct(92) ? SOCK_NONBLOCK : 0,
                 .addr_buf = r_.pct(50) ? 16 : -1});
            hs_[a] = hs_[c];
            hs_[a].listening = false;
            return;
        }
        case 2: { // UDP pair, maybe connected
            const int x = free_slot();
            mk_socket(x, AF_INET, sock_type(SOCK_DGRAM));
            const int p = next_port_++ % 6;
            add({.o = op::bind, .h = x, .ad = in(lo, p)});
            hs_[x].port = p;
            const int y = free_slot();
            mk_socket(y, AF_INET, sock_type(SOCK_DGRAM));
            if (r_.pct(60))
                add({.o = op::connect, .h = y, .ad = in(lo, p)});
            return;
        }
        case 3: { // socketpair
            const int t = r_.pick({SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET});
            const int x = free_slot();
            hs_[x].open = true;
            const int y = free_slot();
            hs_[x].open = false;
            add({.o = op::socketpair, .h = x, .h2 = y, .a = AF_UNIX, .b = sock_type(t)});
            for (int h : {x, y}) {
                hs_[h] = gh{};
                hs_[h].open = true;
                hs_[h].family = AF_UNIX;
                hs_[h].type = t;
                hs_[h].connected = true;
            }
            return;
        }
        case 4: { // AF_UNIX listener on an abstract name, client, accepted
            const int t = r_.pct(50) ? SOCK_STREAM : SOCK_SEQPACKET;
            const int l = free_slot();
            mk_socket(l, AF_UNIX, sock_type(t));
            const int n = next_name_++ % 4;
            add({.o = op::bind, .h = l, .ad = un(uname(n))});
            hs_[l].name = n;
            add({.o = op::listen, .h = l, .a = r_.pick({0, 1, 5})});
            hs_[l].listening = true;
            const int c = free_slot();
            mk_socket(c, AF_UNIX, sock_type(t));
            add({.o = op::connect, .h = c, .ad = un(uname(n))});
            hs_[c].connected = true;
            const int a = free_slot();
            add({.o = op::accept4, .h = l, .h2 = a, .a = SOCK_NONBLOCK, .addr_buf = 128});
            hs_[a] = hs_[c];
            return;
        }
        default: { // AF_UNIX datagram sockets on names
            const int x = free_slot();
            mk_socket(x, AF_UNIX, sock_type(SOCK_DGRAM));
            const int n = next_name_++ % 4;
            add({.o = op::bind, .h = x, .ad = un(uname(n))});
            hs_[x].name = n;
            const int y = free_slot();
            mk_socket(y, AF_UNIX, sock_type(SOCK_DGRAM));
            if (r_.pct(50))
                add({.o = op::connect, .h = y, .ad = un(uname(n))});
            return;
        }
        }
    }

    // --- arguments -------------------------------------------------------------------
    std::string data() {
        static const int sizes[] = {0, 1, 1, 3, 5, 8, 16, 16, 100, 700, 1000, 5000};
        int n = r_.pick(sizes);
        if (r_.pct(2))
            n = r_.pick({65536, 70000, 250000});
        return pattern(static_cast<std::size_t>(n), static_cast<char>('a' + r_.below(26)));
    }

    std::size_t rlen() {
        static const std::size_t lens[] = {0, 1, 2, 3, 8, 16, 64, 64, 4096, 4096, 100000};
        return r_.pick(lens);
    }

    //! An address for a call on handle \p h: mostly one something is
    //! bound to, then closed ones, wrong families and odd lengths.
    addr address(int h) {
        const gh& x = hs_[static_cast<std::size_t>(h)];
        const bool unix_side = x.open ? is_unix(x) : r_.pct(50);
        addr a;
        if (unix_side) {
            std::vector<int> named;
            for (const gh& y : hs_)
                if (y.open && y.name >= 0)
                    named.push_back(y.name);
            a = un(uname(!named.empty() && r_.pct(75) ? r_.pick(named) : r_.below(6)));
            switch (r_.below(14)) {
            case 0:
                return with_len(a, 2); // sun_family only
            case 1:
                return un_family_only();
            case 2:
                return with_len(a, 3); // the empty abstract name
            case 3:
                return with_len(a, 111); // longer than sockaddr_un
            case 4:
                return with_family(a, AF_INET);
            case 5:
                return in(lo, r_.below(8));
            case 6:
                return addr{};
            case 7:
                return unspec();
            default:
                return a;
            }
        }
        std::vector<int> ports;
        for (const gh& y : hs_)
            if (y.open && y.port >= 0 && y.family == AF_INET)
                ports.push_back(y.port);
        const int p = !ports.empty() && r_.pct(70) ? r_.pick(ports) : r_.below(8);
        switch (r_.below(24)) {
        case 0:
            return in(any, p);
        case 1:
            return in(ip4(127, 255, 255, 255), p);
        case 2:
            return in(ip4(127, 0, 0, 2), p);
        case 3:
            return in_port(lo, 0);
        case 4:
            return with_len(in(lo, p), r_.pick({0, 2, 8, 15, 17}));
        case 5:
            return with_family(in(lo, p), AF_UNIX);
        case 6:
            return unspec();
        case 7:
            return with_len(unspec(), 2);
        case 8:
            return un(uname(r_.below(4)));
        case 9:
            return addr{};
        case 10:
            return in_port(any, 0);
        default:
            return in(lo, p);
        }
    }

    int send_flags(const gh& x) {
        int f = r_.pct(90) ? MSG_NOSIGNAL : 0;
        if (r_.pct(30))
            f |= MSG_DONTWAIT;
        if (r_.pct(is_tcp(x) || (is_unix(x) && x.type == SOCK_STREAM) ? 12 : 3))
            f |= MSG_OOB;
        if (r_.pct(x.type == SOCK_SEQPACKET ? 15 : 3))
            f |= MSG_EOR;
        if (r_.pct(3))
            f |= MSG_MORE;
        if (r_.pct(2))
            f |= MSG_CONFIRM;
        if (r_.pct(1))
            f |= r_.pick({MSG_PEEK, MSG_TRUNC, MSG_WAITALL, MSG_ERRQUEUE});
        return f;
    }

    int recv_flags(const gh& x) {
        int f = 0;
        if (r_.pct(25))
            f |= MSG_PEEK;
        if (r_.pct(25))
            f |= MSG_DONTWAIT;
        if (r_.pct(10))
            f |= MSG_WAITALL;
        if (r_.pct(12))
            f |= MSG_TRUNC;
        if (r_.pct(is_tcp(x) || is_unix(x) ? 10 : 3))
            f |= MSG_OOB;
        if (r_.pct(5))
            f |= MSG_CMSG_CLOEXEC;
        if (r_.pct(1))
            f |= MSG_ERRQUEUE;
        return f;
    }

    // --- one random call -------------------------------------------------------------
    void one() {
        const int w = r_.below(1000);
        if (w < 130)
            return send();
        if (w < 260)
            return recv();
        if (w < 290)
            return new_socket();
        if (w < 320)
            return bind();
        if (w < 375)
            return connect();
        if (w < 400)
            return listen();
        if (w < 450)
            return accept();
        if (w < 490)
            return close();
        if (w < 540)
            return shutdown();
        if (w < 610)
            return getsockopt();
        if (w < 680)
            return setsockopt();
        if (w < 720)
            return fcntl();
        if (w < 755)
            return dup();
        if (w < 815)
            return ioctl();
        if (w < 835)
            return names();
        if (w < 857)
            return poll();
        if (w < 870)
            return sleep();
        if (w < 935)
            return scm_send();
        if (w < 985)
            return scm_recv();
        return so_error();
    }

    void send() {
        const int h = handle([](const gh& x) { return x.connected || x.type == SOCK_DGRAM; });
        const gh& x = hs_[h];
        const int f = send_flags(x);
        switch (r_.below(4)) {
        case 0:
        case 1:
            add({.o = op::send, .h = h, .a = f, .data = data()});
            return;
        case 2:
            add({.o = op::sendto,
                 .h = h,
                 .a = f,
                 .ad = r_.pct(40) ? addr{} : address(h),
                 .data = data()});
            return;
        default:
            add({.o = op::sendmsg,
                 .h = h,
                 .a = f,
                 .b = 1 + r_.below(3),
                 .ad = r_.pct(60) ? addr{} : address(h),
                 .data = data()});
            return;
        }
    }

    void recv() {
        const int h = handle([](const gh& x) { return x.connected || x.type == SOCK_DGRAM; });
        const gh& x = hs_[h];
        const int f = recv_flags(x);
        switch (r_.below(3)) {
        case 0:
            add({.o = op::recv, .h = h, .a = f, .len = rlen()});
            return;
        case 1:
            add({.o = op::recvfrom,
                 .h = h,
                 .a = f,
                 .len = rlen(),
                 .addr_buf = r_.pick({-1, 128, 128, 16, 4, 0})});
            return;
        default:
            add({.o = op::recvmsg,
                 .h = h,
                 .a = f,
                 .len = rlen(),
                 .addr_buf = r_.pick({-1, 128, 128, 16, 3})});
            return;
        }
    }

    void new_socket() {
        const int h = free_slot();
        if (r_.pct(80)) {
            const bool unix = r_.pct(50);
            const int t = unix ? r_.pick({SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET})
                               : r_.pick({SOCK_STREAM, SOCK_DGRAM});
            mk_socket(h, unix ? AF_UNIX : AF_INET, sock_type(t));
            return;
        }
        if (r_.pct(40)) {
            const int y = (h + 1) % slots;
            const int t = r_.pick({SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET});
            const int fam = r_.pct(85) ? AF_UNIX : AF_INET;
            add({.o = op::socketpair, .h = h, .h2 = y, .a = fam, .b = sock_type(t)});
            if (fam == AF_UNIX)
                for (int z : {h, y}) {
                    hs_[z] = gh{};
                    hs_[z].open = true;
                    hs_[z].family = AF_UNIX;
                    hs_[z].type = t;
                    hs_[z].connected = true;
                }
            return;
        }
        // Odd triples: the creation path's checks.
        struct triple {
            int f, t, p;
        };
        static const triple odd[] = {{AF_INET, SOCK_STREAM, IPPROTO_UDP},
                                     {AF_INET, SOCK_DGRAM, IPPROTO_TCP},
                                     {AF_INET, SOCK_SEQPACKET, 0},
                                     {AF_UNIX, SOCK_RAW, 0},
                                     {AF_UNIX, SOCK_STREAM, 1},
                                     {AF_INET, SOCK_STREAM | 0x100000, 0},
                                     {12345, SOCK_STREAM, 0},
                                     {AF_INET, 11, 0},
                                     {AF_INET, SOCK_STREAM, IPPROTO_TCP},
                                     {AF_UNIX, SOCK_DGRAM, 0}};
        const triple& o = r_.pick(odd);
        add({.o = op::socket, .h = h, .a = o.f, .b = o.t | SOCK_NONBLOCK, .c = o.p});
        hs_[h] = gh{};
        if (o.f == AF_INET && (o.t & 0xf) == SOCK_STREAM && (o.p == 0 || o.p == IPPROTO_TCP)) {
            hs_[h].open = true;
            hs_[h].family = AF_INET;
            hs_[h].type = SOCK_STREAM;
        } else if (o.f == AF_UNIX && o.t == SOCK_DGRAM) {
            hs_[h].open = true;
            hs_[h].family = AF_UNIX;
            hs_[h].type = SOCK_DGRAM;
        }
    }

    void bind() {
        const int h = handle([](const gh& x) { return x.port < 0 && x.name < 0; });
        gh& x = hs_[h];
        addr a;
        if (is_unix(x) && r_.pct(70)) {
            const int n = r_.pct(70) ? next_name_++ % 6 : r_.below(6);
            a = un(uname(n));
            x.name = n;
        } else if (!is_unix(x) && r_.pct(70)) {
            const int p = r_.pct(70) ? next_port_++ % 8 : r_.below(8);
            a = in(r_.pct(85) ? lo : r_.pick({any, ip4(127, 0, 0, 2), ip4(127, 255, 255, 255)}), p);
            x.port = p;
        } else {
            a = address(h);
        }
        add({.o = op::bind, .h = h, .ad = a});
    }

    void connect() {
        const int h = handle([](const gh& x) { return !x.listening && !x.connected; });
        hs_[h].connected = true;
        add({.o = op::connect, .h = h, .ad = address(h)});
    }

    void listen() {
        const int h = handle([](const gh& x) { return is_conn(x) && !x.connected; });
        hs_[h].listening = true;
        add({.o = op::listen, .h = h, .a = r_.pick({0, 1, 2, 5, 128, -1, 100000})});
    }

    void accept() {
        const int h = handle([](const gh& x) { return x.listening; });
        const int a = free_slot();
        const gh l = hs_[h];
        // accept(2) hands out a blocking socket: the kernel side's reads on
        // it wait 50 ms when empty, so it is the rarer form.
        if (r_.pct(15))
            add({.o = op::accept, .h = h, .h2 = a, .addr_buf = r_.pick({-1, 128, 16, 2, 0})});
        else
            add({.o = op::accept4,
                 .h = h,
                 .h2 = a,
                 .a =
                     r_.pick({SOCK_NONBLOCK, SOCK_NONBLOCK, SOCK_NONBLOCK | SOCK_CLOEXEC, 0, 0x40}),
                 .addr_buf = r_.pick({-1, 128, 16, 3})});
        if (l.open && l.listening) {
            hs_[a] = l;
            hs_[a].listening = false;
            hs_[a].connected = true;
            hs_[a].port = hs_[a].name = -1;
        }
    }

    void close() {
        const int h = any_handle();
        hs_[h] = gh{};
        add({.o = op::close, .h = h});
    }

    void shutdown() {
        const int h = any_handle();
        add({.o = op::shutdown,
             .h = h,
             .a = r_.pick({SHUT_RD, SHUT_WR, SHUT_RDWR, SHUT_WR, 3, -1})});
    }

    struct opt {
        int level, name;
        bool unix_too;
    };
    static const std::vector<opt>& opts() {
        static const std::vector<opt> v = {{SOL_SOCKET, SO_REUSEADDR, true},
                                           {SOL_SOCKET, SO_REUSEPORT, true},
                                           {SOL_SOCKET, SO_TYPE, true},
                                           {SOL_SOCKET, SO_ACCEPTCONN, true},
                                           {SOL_SOCKET, SO_BROADCAST, false},
                                           {SOL_SOCKET, SO_KEEPALIVE, false},
                                           {SOL_SOCKET, SO_SNDBUF, true},
                                           {SOL_SOCKET, SO_RCVBUF, true},
                                           {SOL_SOCKET, SO_RCVLOWAT, true},
                                           {SOL_SOCKET, SO_SNDLOWAT, true},
                                           {SOL_SOCKET, SO_OOBINLINE, true},
                                           {SOL_SOCKET, SO_PASSCRED, true},
                                           {SOL_SOCKET, SO_DOMAIN, true},
                                           {SOL_SOCKET, SO_PROTOCOL, true},
                                           {SOL_SOCKET, SO_PRIORITY, true},
                                           {SOL_SOCKET, SO_DONTROUTE, true},
                                           {SOL_SOCKET, SO_PEEK_OFF, true},
                                           {SOL_SOCKET, SO_LINGER, true},
                                           {SOL_SOCKET, SO_NO_CHECK, false},
                                           {IPPROTO_TCP, TCP_NODELAY, false},
                                           {IPPROTO_TCP, TCP_MAXSEG, false},
                                           {IPPROTO_TCP, TCP_CORK, false},
                                           {IPPROTO_TCP, TCP_KEEPIDLE, false},
                                           {IPPROTO_TCP, TCP_KEEPINTVL, false},
                                           {IPPROTO_TCP, TCP_KEEPCNT, false},
                                           {IPPROTO_TCP, TCP_SYNCNT, false},
                                           {IPPROTO_TCP, TCP_LINGER2, false},
                                           {IPPROTO_TCP, TCP_DEFER_ACCEPT, false},
                                           {IPPROTO_TCP, TCP_WINDOW_CLAMP, false},
                                           {IPPROTO_TCP, TCP_QUICKACK, false},
                                           {IPPROTO_TCP, TCP_USER_TIMEOUT, false},
                                           {IPPROTO_TCP, TCP_NOTSENT_LOWAT, false},
                                           {IPPROTO_IP, IP_TTL, false},
                                           {IPPROTO_IP, IP_TOS, false},
                                           {IPPROTO_IP, IP_RECVERR, false},
                                           {IPPROTO_IP, IP_PKTINFO, false},
                                           {IPPROTO_IP, IP_MTU_DISCOVER, false},
                                           {IPPROTO_IP, IP_FREEBIND, false},
                                           {IPPROTO_UDP, UDP_CORK, false}};
        return v;
    }

    const opt& pick_opt(const gh& x) {
        // Mostly an option of the socket's own level; now and then any.
        for (int tries = 0; tries < 8; ++tries) {
            const opt& o = r_.pick(opts());
            if (r_.pct(10))
                return o;
            if (is_unix(x) && !o.unix_too)
                continue;
            if (is_udp(x) && o.level == IPPROTO_TCP)
                continue;
            if (is_tcp(x) && o.level == IPPROTO_UDP)
                continue;
            return o;
        }
        return opts()[0];
    }

    void getsockopt() {
        const int h = any_handle();
        const opt& o = pick_opt(hs_[h]);
        // SO_LINGER's value is a struct: an int-sized buffer is short on purpose.
        add({.o = op::getsockopt_int,
             .h = h,
             .a = o.level,
             .b = o.name,
             .addr_buf = r_.pct(8) ? r_.pick({0, 1, 2, 8}) : -1});
    }

    void setsockopt() {
        const int h = any_handle();
        if (r_.pct(8)) {
            add({.o = op::setsockopt_linger, .h = h, .a = r_.below(2), .b = r_.pick({0, 0, 1, 5})});
            return;
        }
        const opt& o = pick_opt(hs_[h]);
        static const int values[] = {0,  1,   1,   1,    2,    -1,    5,
                                     16, 100, 536, 1000, 4096, 65536, 1 << 30};
        add({.o = op::setsockopt_int,
             .h = h,
             .a = o.level,
             .b = o.name,
             .c = r_.pick(values),
             .addr_buf = r_.pct(8) ? r_.pick({0, 1, 2, 8}) : -1});
    }

    void fcntl() {
        const int h = any_handle();
        switch (r_.below(7)) {
        case 0:
        case 1:
            add({.o = op::fcntl, .h = h, .a = F_GETFL});
            return;
        case 2:
            // Clearing O_NONBLOCK makes the kernel side's waits possible (50
            // ms each): rare.
            add({.o = op::fcntl,
                 .h = h,
                 .a = F_SETFL,
                 .b = r_.pct(80) ? O_NONBLOCK : r_.pick({0, O_NONBLOCK | O_APPEND, O_RDONLY})});
            return;
        case 3:
            add({.o = op::fcntl, .h = h, .a = F_GETFD});
            return;
        case 4:
            add({.o = op::fcntl, .h = h, .a = F_SETFD, .b = r_.pick({0, FD_CLOEXEC})});
            return;
        default:
            add({.o = op::fcntl, .h = h, .a = r_.pick({F_GETFL, F_GETFD, 9999})});
            return;
        }
    }

    void dup() {
        const int h = any_handle();
        const int mode = r_.below(4);
        int to = free_slot();
        if (mode == 1 && r_.pct(40))
            to = any_handle(); // dup2 onto an open handle (or itself)
        // Small starts: the fd table's capacity (64) is a documented difference.
        const int arg = r_.pick({0, 0, 5, 20, -1});
        add({.o = op::dup, .h = h, .h2 = to, .a = mode, .b = arg});
        if (hs_[h].open && !(mode >= 2 && arg < 0))
            hs_[to] = hs_[h];
    }

    void ioctl() {
        const int h = any_handle();
        static const unsigned long cmds[] = {FIONREAD,   TIOCOUTQ, SIOCOUTQNSD, SIOCATMARK, FIONBIO,
                                             SIOCATMARK, FIONREAD, 0x89ff,      0x5401};
        const unsigned long cmd = r_.pick(cmds);
        add({.o = op::ioctl,
             .h = h,
             .a = static_cast<int>(cmd),
             .b = cmd == FIONBIO ? (r_.pct(85) ? 1 : 0) : 0});
    }

    void names() {
        const int h = any_handle();
        add({.o = r_.pct(50) ? op::getsockname : op::getpeername,
             .h = h,
             .addr_buf = r_.pick({128, 128, 16, 4, 0, 3})});
    }

    void poll() {
        const int h = any_handle();
        add({.o = op::poll,
             .h = h,
             .a = r_.pick({POLLIN, POLLOUT, POLLIN | POLLOUT | POLLRDHUP, POLLPRI, 0,
                           POLLRDBAND | POLLWRBAND})});
    }

    void sleep() {
        // Delayed ACKs (40 ms and more) and the 200 ms timers are what a
        // sleep can cross; most sleeps are short so a run stays fast.
        add({.o = op::sleep, .a = r_.pick({1, 2, 5, 10, 45, 45, 90, 210})});
    }

    void scm_send() {
        const int h = handle([](const gh& x) { return is_unix(x); });
        const gh& x = hs_[h];
        int bits = 0;
        std::vector<int> pass;
        if (r_.pct(75)) {
            bits |= cmsg_rights;
            const int n = r_.pct(80) ? 1 : r_.pick({0, 2, 3});
            for (int i = 0; i < n; ++i)
                pass.push_back(r_.pct(90) ? any_handle() : r_.below(max_handles));
        }
        if (r_.pct(35)) {
            bits |= cmsg_creds;
            if (r_.pct(15))
                bits |= cmsg_bad_pid;
        }
        if (r_.pct(4))
            bits |= cmsg_short_len;
        add({.o = op::sendmsg_cmsg,
             .h = h,
             .a = send_flags(x) & ~MSG_OOB,
             .b = 1 + r_.below(2),
             .c = bits,
             .ad = r_.pct(80) ? addr{} : address(h),
             .data = r_.pct(85) ? pattern(static_cast<std::size_t>(1 + r_.below(8)),
                                          static_cast<char>('A' + r_.below(26)))
                                : std::string(),
             .hs = pass});
    }

    void scm_recv() {
        const int h = handle([](const gh& x) { return is_unix(x); });
        const int to = scm_first + r_.below(max_handles - scm_first);
        add({.o = op::recvmsg_cmsg,
             .h = h,
             .h2 = to,
             .a = recv_flags(hs_[h]) & ~MSG_OOB,
             .b = r_.pick({0, 16, 20, 24, 64, 256}),
             .len = rlen(),
             .addr_buf = r_.pick({-1, 128})});
        for (int i = to; i < max_handles; ++i)
            if (!hs_[i].open && r_.pct(50)) {
                hs_[i].open = true; // a guess: the fd may arrive
                hs_[i].family = AF_UNIX;
                hs_[i].type = SOCK_STREAM;
                break;
            }
    }

    void so_error() {
        add({.o = op::getsockopt_int, .h = any_handle(), .a = SOL_SOCKET, .b = SO_ERROR});
    }
};

// --- the text form -----------------------------------------------------------------------

std::string hex(const std::string& s) {
    static const char* d = "0123456789abcdef";
    std::string o;
    for (unsigned char c : s) {
        o += d[c >> 4];
        o += d[c & 15];
    }
    return o;
}

std::optional<std::string> unhex(const std::string& s) {
    if (s.size() % 2)
        return std::nullopt;
    auto v = [](char c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    };
    std::string o;
    for (std::size_t i = 0; i < s.size(); i += 2) {
        const int a = v(s[i]), b = v(s[i + 1]);
        if (a < 0 || b < 0)
            return std::nullopt;
        o += static_cast<char>(a << 4 | b);
    }
    return o;
}

//! Payloads are pattern() output nearly always: "p<n>.<first>", else hex.
std::string data_code(const std::string& d) {
    if (!d.empty() && d == pattern(d.size(), d[0]))
        return "p" + std::to_string(d.size()) + "." +
               std::to_string(static_cast<unsigned char>(d[0]));
    return "x" + hex(d);
}

std::optional<std::string> data_decode(const std::string& c) {
    if (c.empty())
        return std::nullopt;
    if (c[0] == 'x')
        return unhex(c.substr(1));
    if (c[0] != 'p')
        return std::nullopt;
    const auto dot = c.find('.');
    if (dot == std::string::npos)
        return std::nullopt;
    const long n = std::stol(c.substr(1, dot - 1));
    const int first = std::stoi(c.substr(dot + 1));
    if (n < 0 || n > 1 << 24)
        return std::nullopt;
    return pattern(static_cast<std::size_t>(n), static_cast<char>(first));
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (c == sep) {
            out.push_back(cur);
            cur.clear();
        } else
            cur += c;
    }
    out.push_back(cur);
    return out;
}

} // namespace

sequence generate(std::uint64_t seed, int index, int steps) {
    return gen(seed, index).make(index, steps);
}

// One step: op,h,h2,a,b,c,len,addr_buf,data,hs,ad where ad is
// kind/ip/sym/port/family/len/name and hs is handles joined by '/'.
std::string encode(const sequence& s) {
    std::ostringstream o;
    o << "v1";
    for (const step& st : s.steps) {
        o << ';' << static_cast<int>(st.o) << ',' << st.h << ',' << st.h2 << ',' << st.a << ','
          << st.b << ',' << st.c << ',' << st.len << ',' << st.addr_buf << ',' << data_code(st.data)
          << ',';
        for (std::size_t i = 0; i < st.hs.size(); ++i)
            o << (i ? "/" : "") << st.hs[i];
        const addr& a = st.ad;
        o << ',' << static_cast<int>(a.k) << '/' << a.ip << '/' << a.sym << '/' << a.port << '/'
          << a.family << '/' << a.len << '/' << hex(a.name);
    }
    return o.str();
}

std::optional<sequence> decode(const std::string& text) {
    const auto parts = split(text, ';');
    if (parts.empty() || parts[0] != "v1")
        return std::nullopt;
    sequence s;
    s.name = "replay";
    try {
        for (std::size_t i = 1; i < parts.size(); ++i) {
            const auto f = split(parts[i], ',');
            if (f.size() != 11)
                return std::nullopt;
            step st;
            const int o = std::stoi(f[0]);
            if (o < 0 || o > static_cast<int>(op::recvmsg_cmsg))
                return std::nullopt;
            st.o = static_cast<op>(o);
            st.h = std::stoi(f[1]);
            st.h2 = std::stoi(f[2]);
            st.a = std::stoi(f[3]);
            st.b = std::stoi(f[4]);
            st.c = std::stoi(f[5]);
            st.len = std::stoul(f[6]);
            st.addr_buf = std::stoi(f[7]);
            const auto d = data_decode(f[8]);
            if (!d)
                return std::nullopt;
            st.data = *d;
            if (!f[9].empty())
                for (const std::string& h : split(f[9], '/'))
                    st.hs.push_back(std::stoi(h));
            const auto a = split(f[10], '/');
            if (a.size() != 7)
                return std::nullopt;
            st.ad.k = static_cast<addr::kind>(std::stoi(a[0]));
            st.ad.ip = static_cast<std::uint32_t>(std::stoul(a[1]));
            st.ad.sym = std::stoi(a[2]);
            st.ad.port = static_cast<std::uint16_t>(std::stoul(a[3]));
            st.ad.family = std::stoi(a[4]);
            st.ad.len = std::stoi(a[5]);
            const auto name = unhex(a[6]);
            if (!name)
                return std::nullopt;
            st.ad.name = *name;
            s.steps.push_back(std::move(st));
        }
    } catch (...) {
        return std::nullopt;
    }
    return s;
}

std::string handle_kind(const sequence& s, std::size_t step_index, int h) {
    if (h < 0 || h >= max_handles)
        return "?";
    std::string kinds[max_handles];
    for (auto& k : kinds)
        k = "none";
    auto kind_of = [](int family, int type, int proto) -> std::string {
        type &= 0xf;
        if (family == AF_INET)
            return type == SOCK_STREAM                           ? "tcp"
                   : type == SOCK_DGRAM && proto != IPPROTO_ICMP ? "udp"
                                                                 : "inet";
        if (family == AF_UNIX)
            return type == SOCK_STREAM      ? "unix/stream"
                   : type == SOCK_DGRAM     ? "unix/dgram"
                   : type == SOCK_SEQPACKET ? "unix/seqpacket"
                                            : "unix";
        return "?";
    };
    auto ok = [](int x) { return x >= 0 && x < max_handles; };
    for (std::size_t i = 0; i < step_index && i < s.steps.size(); ++i) {
        const step& st = s.steps[i];
        switch (st.o) {
        case op::socket:
            if (ok(st.h))
                kinds[st.h] = kind_of(st.a, st.b, st.c);
            break;
        case op::socketpair:
            if (ok(st.h) && ok(st.h2))
                kinds[st.h] = kinds[st.h2] = kind_of(st.a, st.b, st.c);
            break;
        case op::accept:
        case op::accept4:
        case op::dup:
            if (ok(st.h) && ok(st.h2))
                kinds[st.h2] = kinds[st.h];
            break;
        case op::recvmsg_cmsg:
            for (int k = st.h2; ok(k); ++k)
                kinds[k] = "?";
            break;
        default:
            break;
        }
    }
    return kinds[h];
}

} // namespace ksock_random
