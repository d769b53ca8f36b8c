// examples/udp_service.cpp: ksock as a host on a Linux machine's Ethernet
// link: a UDP echo service (port 7) and a time service (port 37, RFC 868)
// on a TAP device, reached by the host kernel's own tools.
//
// The program makes a private network namespace (user + network, so no
// privilege is needed and nothing leaks to the machine's network), creates
// the TAP interface ktap0 through ksock's TAP driver, gives the kernel's
// end 192.0.2.1/24 and ksock's end 192.0.2.2/24, and runs the service's
// event loop: wait for a frame on the TAP's descriptor (or 1 ms), let the
// stack poll its device and advance its clock, answer what arrived. The
// kernel side is driven from the same program: `ping` (the host's binary
// in a child process, or a kernel ping socket where there is none), then a
// kernel UDP socket asking for an echo and the time. Everything the
// service does is printed.
//
// Exit status: 0 when every answer was right, 1 otherwise, 77 (a skip,
// with the reason) where the host allows no network namespace or TAP.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <ksock/drivers/tap.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/ksock.hpp>

namespace {

struct host_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, ksock::drivers::tap>;
};
using host_stack = ksock::stack<host_config>;
constexpr int eth0 = host_stack::ifindex_of<ksock::drivers::tap>();
constexpr const char* ifname = "ktap0";
constexpr int exit_skip = 77;

bool write_file(const char* path, const char* text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const auto n = static_cast<ssize_t>(std::strlen(text));
    const bool ok = ::write(fd, text, static_cast<std::size_t>(n)) == n;
    ::close(fd);
    return ok;
}

//! A network namespace of our own: "" or why not.
std::string enter_namespace() {
    if (::unshare(CLONE_NEWNET) == 0)
        return "";
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    if (::unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0)
        return std::string("unshare(CLONE_NEWUSER | CLONE_NEWNET): ") + std::strerror(errno);
    write_file("/proc/self/setgroups", "deny");
    const std::string u = "0 " + std::to_string(uid) + " 1\n";
    const std::string g = "0 " + std::to_string(gid) + " 1\n";
    if (!write_file("/proc/self/uid_map", u.c_str()) ||
        !write_file("/proc/self/gid_map", g.c_str()))
        return "a user namespace, but no uid/gid map";
    return "";
}

//! `ip addr add 192.0.2.1/24 dev ktap0; ip link set lo up; ip link set ktap0 up`.
bool kernel_side_up() {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    auto up = [&](const char* name) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
        if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
            return false;
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        return ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    };
    auto set = [&](unsigned long req, const char* a) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        ::inet_pton(AF_INET, a, &sin.sin_addr);
        std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
        return ::ioctl(s, req, &ifr) == 0;
    };
    const bool ok = up("lo") && set(SIOCSIFADDR, "192.0.2.1") &&
                    set(SIOCSIFNETMASK, "255.255.255.0") && up(ifname);
    ::close(s);
    return ok;
}

const char* dotted(std::uint32_t a) {
    static char buf[INET_ADDRSTRLEN];
    return ::inet_ntop(AF_INET, &a, buf, sizeof buf);
}

//! The service: its two sockets on the stack, and what it answered.
struct service {
    host_stack& s;
    int echo = -1;
    int time = -1;
    unsigned answered = 0;

    int open(std::uint16_t port) {
        const int fd = s.socket(ksock::af_inet, ksock::sock_dgram | ksock::sock_nonblock, 0);
        ksock::sockaddr_in a{};
        a.sin_family = ksock::af_inet;
        a.sin_port = htons(port);
        if (fd < 0 || s.bind(fd, reinterpret_cast<const ksock::sockaddr*>(&a), sizeof a) != 0)
            return -1;
        return fd;
    }

    //! Answer every datagram waiting on \p fd: echo it, or the time.
    void serve(int fd) {
        unsigned char buf[1500];
        for (int i = 0; i < 64; ++i) {
            ksock::sockaddr_in from{};
            ksock::socklen_t fl = sizeof from;
            const long n =
                s.recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<ksock::sockaddr*>(&from), &fl);
            if (n < 0)
                return;
            const auto* to = reinterpret_cast<const ksock::sockaddr*>(&from);
            if (fd == echo) {
                std::printf("ksock: echo %ld bytes back to %s:%u\n", n,
                            dotted(from.sin_addr.s_addr), ntohs(from.sin_port));
                s.sendto(fd, buf, static_cast<std::size_t>(n), 0, to, fl);
            } else {
                // RFC 868: seconds since 1900-01-01, 32 bits, network order.
                const auto t = htonl(static_cast<std::uint32_t>(std::time(nullptr) + 2208988800u));
                std::printf("ksock: the time to %s:%u\n", dotted(from.sin_addr.s_addr),
                            ntohs(from.sin_port));
                s.sendto(fd, &t, sizeof t, 0, to, fl);
            }
            ++answered;
        }
    }

    //! One turn of the event loop: wait for the TAP (at most 1 ms), let
    //! the stack poll it and advance, answer.
    void turn() {
        pollfd p{s.device<ksock::drivers::tap>().fd(), POLLIN, 0};
        ::poll(&p, 1, 1);
        s.advance(1);
        serve(echo);
        serve(time);
    }
};

//! The host's `ping`, three echoes, while the service runs; -1 when the
//! binary is not there (or could not run).
int host_ping(service& svc) {
    const pid_t pid = ::fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        ::execlp("ping", "ping", "-n", "-c", "3", "-i", "0.2", "-W", "2", "192.0.2.2",
                 static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    for (int i = 0; i < 10000; ++i) {
        if (::waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) && WEXITSTATUS(status) != 127 ? WEXITSTATUS(status) : -1;
        svc.turn();
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    return 1;
}

//! A kernel ping socket's echo to ksock, where there is no ping binary.
bool socket_ping(service& svc) {
    const int p = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMP);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    ::inet_pton(AF_INET, "192.0.2.2", &to.sin_addr);
    unsigned char req[16] = {8, 0, 0, 0, 0, 0, 0, 1, 'k', 's', 'o', 'c', 'k', '!', '!', '!'};
    unsigned char rep[64];
    bool ok = p >= 0 && ::sendto(p, req, sizeof req, 0, reinterpret_cast<sockaddr*>(&to),
                                 sizeof to) == static_cast<ssize_t>(sizeof req);
    long n = -1;
    for (int i = 0; ok && i < 2000 && n < 0; ++i) {
        svc.turn();
        n = ::recv(p, rep, sizeof rep, 0);
    }
    ok = ok && n == sizeof req && rep[0] == 0 && std::memcmp(rep + 8, req + 8, 8) == 0;
    std::printf("host: a ping socket's echo request to 192.0.2.2: %s\n",
                ok ? "answered" : "no answer");
    if (p >= 0)
        ::close(p);
    return ok;
}

//! The kernel as a UDP client: \p req to ksock's port \p port, the answer
//! into \p rep; its length, or -1.
long ask(service& svc, std::uint16_t port, const void* req, std::size_t n, void* rep,
         std::size_t cap) {
    const int c = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(port);
    ::inet_pton(AF_INET, "192.0.2.2", &to.sin_addr);
    long got = -1;
    if (c >= 0 && ::connect(c, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 &&
        ::send(c, req, n, 0) == static_cast<ssize_t>(n))
        for (int i = 0; i < 2000 && got < 0; ++i) {
            svc.turn();
            got = ::recv(c, rep, cap, 0);
        }
    if (c >= 0)
        ::close(c);
    return got;
}

} // namespace

int main() {
    if (const std::string why = enter_namespace(); !why.empty()) {
        std::printf("udp_service: skipped, no private network namespace here: %s\n", why.c_str());
        return exit_skip;
    }
    write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    write_file("/proc/sys/net/ipv4/ping_group_range", "0 0");
    static host_stack s; // the stack is large: static storage, as on a board
    auto& tap = s.device<ksock::drivers::tap>();
    if (const int e = tap.attach(ifname)) {
        std::printf("udp_service: skipped, no TAP device here: %s\n", std::strerror(-e));
        return exit_skip;
    }
    if (!kernel_side_up()) {
        std::printf("udp_service: the host's end of %s: %s\n", ifname, std::strerror(errno));
        return 1;
    }
    ksock::inet::iproute::addr_add(s, eth0, ksock::inet::ipv4(192, 0, 2, 2), 24);
    if (const int e = s.dev_open(eth0)) {
        std::printf("udp_service: ksock's device: %s\n", std::strerror(-e));
        return 1;
    }
    service svc{s};
    svc.echo = svc.open(7);
    svc.time = svc.open(37);
    if (svc.echo < 0 || svc.time < 0) {
        std::printf("udp_service: the service's sockets\n");
        return 1;
    }
    std::printf("ksock: 192.0.2.2/24 on %s, echo on port 7, time on port 37\n", ifname);

    bool ok = true;
    const int ping = host_ping(svc);
    if (ping < 0) {
        ok = socket_ping(svc) && ok;
    } else {
        std::printf("host: ping exited with %d\n", ping);
        ok = ping == 0 && ok;
    }
    char rep[64];
    const long n = ask(svc, 7, "hello, ksock", 12, rep, sizeof rep);
    const bool echoed = n == 12 && std::memcmp(rep, "hello, ksock", 12) == 0;
    std::printf("host: echo service answered %ld bytes%s\n", n, echoed ? ", the same" : "");
    std::uint32_t t = 0;
    const long tn = ask(svc, 37, "", 0, &t, sizeof t);
    const auto unix_time =
        static_cast<std::time_t>(static_cast<long long>(ntohl(t)) - 2208988800LL);
    const std::time_t now = std::time(nullptr);
    const bool timely = tn == 4 && unix_time - now < 5 && now - unix_time < 5;
    std::printf("host: time service answered %ld bytes, %s", tn,
                timely ? std::ctime(&unix_time) : "wrong\n");
    ok = ok && echoed && timely;
    std::printf("udp_service: %u answers, %s\n", svc.answered, ok ? "all right" : "FAILED");
    return ok ? 0 : 1;
}
