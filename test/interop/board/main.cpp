// test/interop/board/main.cpp: the board firmware (examples/board_echo.cpp)
// under qemu-system-arm, its LAN9118 on a TAP interface, driven from the
// host kernel. A host program (Linux only, no ksock in it): the arm builds
// compile it with the host's compiler (cmake/arm/CMakeLists.txt), the host
// builds too, for their warnings.
//
//   ksock_board_host --qemu PATH --machine BOARD --elf FIRMWARE --part basic|tcp
//                    [--stack NAME]
//
// It makes a private network namespace (user + network), a TAP interface
// ktap0 with 192.0.2.1/24 on the kernel's side, and boots the firmware
// with the TAP's descriptor as its NIC's backend; then, as the kernel:
//   basic  pings (a ping socket, payload checked), UDP requests of several
//          sizes (each answer's bytes checked);
//   tcp    TCP connections with their data checked: a short echo, 4 MiB
//          both ways, the host closing, the board closing (port 13), a
//          port nobody listens on refused, three connections at once.
// The same checks drive the same work done by another stack
// (cmake/arm/lwip/'s board_echo_lwip: --stack lwIP), whose port-13 line
// names that stack. Both end with the UDP datagram "quit"; the firmware's exit status (its
// own verdict, over semihosting) must be 0.
//
// Exit status: 0 all right; 1 a check failed; 77 a skip, with its reason:
// no namespace or TAP here, qemu-system-arm missing, or (part tcp) ksock's
// TCP over a device not answering a connection yet (then the other checks
// still ran and must have passed).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string>
#include <unistd.h>
#include <vector>

#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

namespace {

constexpr int exit_skip = 77;
constexpr const char* ifname = "ktap0";
using clock_type = std::chrono::steady_clock;

int failures = 0;
void check(bool ok, const std::string& what) {
    std::printf("host: %s: %s\n", ok ? "ok" : "FAILED", what.c_str());
    if (!ok)
        ++failures;
}

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

//! The TAP interface (its descriptor, for QEMU), or -errno.
int make_tap() {
    const int fd = ::open("/dev/net/tun", O_RDWR);
    if (fd < 0)
        return -errno;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    if (::ioctl(fd, TUNSETIFF, &ifr) != 0) {
        const int e = errno;
        ::close(fd);
        return -e;
    }
    return fd;
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

sockaddr_in board_addr(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, "192.0.2.2", &a.sin_addr);
    return a;
}

//! The firmware under QEMU: its output read as it comes, its exit status.
struct board {
    pid_t pid = -1;
    int out = -1;
    std::string text;
    int status = -1;

    bool start(const std::string& qemu, const std::string& machine, const std::string& elf,
               int tap) {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0)
            return false;
        pid = ::fork();
        if (pid < 0)
            return false;
        if (pid == 0) {
            ::dup2(p[1], 1);
            ::dup2(p[1], 2);
            ::dup2(tap, 3); // dup2 clears close-on-exec: QEMU's tap,fd=3
            std::vector<std::string> args = {qemu,
                                             "-M",
                                             machine,
                                             "-nographic",
                                             "-monitor",
                                             "none",
                                             "-serial",
                                             "none",
                                             "-semihosting-config",
                                             "enable=on,target=native,arg=board_echo,arg=240",
                                             "-kernel",
                                             elf,
                                             "-nic",
                                             "tap,fd=3,model=lan9118"};
            std::vector<char*> argv;
            for (std::string& a : args)
                argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execvp(argv[0], argv.data());
            ::_exit(127);
        }
        ::close(p[1]);
        out = p[0];
        ::fcntl(out, F_SETFL, O_NONBLOCK);
        return true;
    }

    //! Take what the firmware printed so far (each line echoed as it
    //! comes); false once it has exited.
    bool pump() {
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(out, buf, sizeof buf);
            if (n <= 0)
                break;
            std::fwrite(buf, 1, static_cast<std::size_t>(n), stdout);
            text.append(buf, static_cast<std::size_t>(n));
        }
        std::fflush(stdout);
        if (status < 0 && pid > 0) {
            int st = 0;
            if (::waitpid(pid, &st, WNOHANG) == pid)
                status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        }
        return status < 0;
    }
    //! Wait (at most \p seconds) for \p what in the output.
    bool wait_for(const char* what, double seconds) {
        const auto end = clock_type::now() + std::chrono::duration<double>(seconds);
        while (text.find(what) == std::string::npos) {
            if (!pump() || clock_type::now() > end) {
                pump();
                return text.find(what) != std::string::npos;
            }
            pollfd p{out, POLLIN, 0};
            ::poll(&p, 1, 50);
        }
        return true;
    }
    //! Wait for the exit (at most \p seconds), then kill.
    int finish(double seconds) {
        const auto end = clock_type::now() + std::chrono::duration<double>(seconds);
        while (pump() && clock_type::now() < end)
            ::usleep(20000);
        if (status < 0) {
            ::kill(pid, SIGKILL);
            int st = 0;
            ::waitpid(pid, &st, 0);
            status = 128 + SIGKILL;
        }
        pump();
        return status;
    }
};

//! Wait for \p fd to become ready for \p events, at most \p ms.
bool wait_fd(int fd, short events, int ms) {
    pollfd p{fd, events, 0};
    return ::poll(&p, 1, ms) == 1;
}

// --- basic: ICMP, UDP, a refused TCP connection -----------------------------------
void ping_part() {
    write_file("/proc/sys/net/ipv4/ping_group_range", "0 0");
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
    check(s >= 0, "a ping socket");
    if (s < 0)
        return;
    const sockaddr_in to = board_addr(0);
    int answered = 0;
    for (unsigned seq = 1; seq <= 5; ++seq) {
        unsigned char req[8 + 56] = {8, 0, 0, 0, 0, 0, 0, static_cast<unsigned char>(seq)};
        for (unsigned i = 8; i < sizeof req; ++i)
            req[i] = static_cast<unsigned char>(i * seq);
        ::sendto(s, req, sizeof req, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
        unsigned char rep[128];
        if (!wait_fd(s, POLLIN, 3000))
            continue;
        const ssize_t n = ::recv(s, rep, sizeof rep, 0);
        if (n == static_cast<ssize_t>(sizeof req) && rep[0] == 0 && rep[7] == seq &&
            std::memcmp(rep + 8, req + 8, sizeof req - 8) == 0)
            ++answered;
    }
    ::close(s);
    check(answered == 5, "ping 192.0.2.2: " + std::to_string(answered) +
                             " of 5 echo replies with the request's sequence and 56 data bytes");
}

void udp_part() {
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const sockaddr_in to = board_addr(7);
    check(::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to) == 0,
          "UDP connect to 192.0.2.2:7");
    int right = 0, sent = 0;
    for (std::size_t len : {1u, 17u, 100u, 512u, 1000u, 1472u}) {
        for (unsigned k = 0; k < 3; ++k, ++sent) {
            std::vector<unsigned char> req(len);
            for (std::size_t i = 0; i < len; ++i)
                req[i] = static_cast<unsigned char>(i * 31 + k + len);
            ::send(s, req.data(), len, 0);
            std::vector<unsigned char> rep(2048);
            if (!wait_fd(s, POLLIN, 3000))
                continue;
            const ssize_t n = ::recv(s, rep.data(), rep.size(), 0);
            if (n == static_cast<ssize_t>(len) && std::memcmp(rep.data(), req.data(), len) == 0)
                ++right;
        }
    }
    ::close(s);
    check(right == sent, "UDP echo: " + std::to_string(right) + " of " + std::to_string(sent) +
                             " datagrams (1 to 1472 bytes) came back the same");
}

//! A TCP connection to the board's \p port: the socket, or -errno (at
//! most \p ms for the handshake).
int tcp_connect(std::uint16_t port, int ms) {
    const int s = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const sockaddr_in to = board_addr(port);
    if (::connect(s, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0 &&
        errno != EINPROGRESS) {
        const int e = errno;
        ::close(s);
        return -e;
    }
    if (!wait_fd(s, POLLOUT, ms)) {
        ::close(s);
        return -ETIMEDOUT;
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err) {
        ::close(s);
        return -err;
    }
    return s;
}

// --- tcp: connections with their data checked -------------------------------------
unsigned char pattern(std::size_t i, unsigned seed) {
    return static_cast<unsigned char>((i * 131 + (i >> 9) + seed) & 0xff);
}

//! Send \p total bytes of the pattern on each of \p fds and read them
//! back, all at once (the board echoes while the host still sends); true
//! when every byte came back in order within \p seconds.
bool echo_streams(const std::vector<int>& fds, std::size_t total, double seconds,
                  std::string& why) {
    std::vector<std::size_t> sent(fds.size()), got(fds.size());
    const auto end = clock_type::now() + std::chrono::duration<double>(seconds);
    std::vector<unsigned char> buf(65536);
    for (;;) {
        bool all = true;
        std::vector<pollfd> p;
        for (std::size_t c = 0; c < fds.size(); ++c) {
            all = all && got[c] == total;
            p.push_back({fds[c], static_cast<short>(POLLIN | (sent[c] < total ? POLLOUT : 0)), 0});
        }
        if (all)
            return true;
        if (clock_type::now() > end) {
            why = "timed out";
            for (std::size_t c = 0; c < fds.size(); ++c)
                why += ", stream " + std::to_string(c) + ": sent " + std::to_string(sent[c]) +
                       " got " + std::to_string(got[c]);
            return false;
        }
        ::poll(p.data(), p.size(), 100);
        for (std::size_t c = 0; c < fds.size(); ++c) {
            const auto seed = static_cast<unsigned>(c);
            if (sent[c] < total && (p[c].revents & POLLOUT)) {
                const std::size_t k = std::min<std::size_t>(total - sent[c], buf.size());
                for (std::size_t i = 0; i < k; ++i)
                    buf[i] = pattern(sent[c] + i, seed);
                const ssize_t n = ::send(fds[c], buf.data(), k, MSG_NOSIGNAL);
                if (n > 0)
                    sent[c] += static_cast<std::size_t>(n);
            }
            if (p[c].revents & (POLLIN | POLLHUP | POLLERR)) {
                const ssize_t n = ::recv(fds[c], buf.data(), buf.size(), 0);
                if (n == 0 || (n < 0 && errno != EAGAIN)) {
                    why = "stream " + std::to_string(c) + " ended after " + std::to_string(got[c]) +
                          " bytes (" +
                          (n == 0 ? std::string("EOF") : std::string(std::strerror(errno))) + ")";
                    return false;
                }
                for (ssize_t i = 0; i < n; ++i, ++got[c])
                    if (got[c] >= total ||
                        buf[static_cast<std::size_t>(i)] != pattern(got[c], seed)) {
                        why = "stream " + std::to_string(c) + ": wrong byte at " +
                              std::to_string(got[c]);
                        return false;
                    }
            }
        }
    }
}

//! Read until EOF (at most \p ms): the bytes, or "<error>".
std::string read_to_eof(int fd, int ms) {
    std::string s;
    char buf[512];
    const auto end = clock_type::now() + std::chrono::milliseconds(ms);
    while (clock_type::now() < end) {
        if (!wait_fd(fd, POLLIN, 100))
            continue;
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0)
            return s;
        if (n < 0)
            return errno == EAGAIN ? s : "<" + std::string(std::strerror(errno)) + ">";
        s.append(buf, static_cast<std::size_t>(n));
    }
    return s + "<no EOF>";
}

//! The TCP checks, once a connection was made (\p first is it).
void tcp_part(int first, const std::string& stack) {
    std::string why;
    // (The result first: an argument's order of evaluation is unspecified.)
    bool ok = echo_streams({first}, 5, 10, why);
    check(ok, "TCP echo of 5 bytes " + why);
    ok = echo_streams({first}, 4u << 20, 120, why);
    check(ok, "TCP echo of 4 MiB both ways " + why);
    ::shutdown(first, SHUT_WR);
    const std::string rest = read_to_eof(first, 10000);
    check(rest.empty(), "the host closes: the board closes after it, nothing more (" + rest + ")");
    ::close(first);

    const int day = tcp_connect(13, 5000);
    check(day >= 0, "TCP connect to 192.0.2.2:13");
    if (day >= 0) {
        const std::string line = read_to_eof(day, 10000);
        check(line == stack + " board_echo at 192.0.2.2: the board closes\n",
              "the board sends its line and closes: \"" + line + "\"");
        ::close(day);
    }

    // tcp_v4_send_reset: a SYN to a port nobody listens on is refused.
    const int closed = tcp_connect(9, 5000);
    check(closed == -ECONNREFUSED,
          "TCP to a port nobody listens on: " +
              std::string(closed >= 0 ? "connected" : std::strerror(-closed)));
    if (closed >= 0)
        ::close(closed);

    std::vector<int> fds;
    for (int i = 0; i < 3; ++i) {
        const int fd = tcp_connect(7, 5000);
        check(fd >= 0, "TCP connection " + std::to_string(i + 1) + " of 3 at once");
        if (fd >= 0)
            fds.push_back(fd);
    }
    if (fds.size() == 3) {
        const bool all = echo_streams(fds, 256u << 10, 60, why);
        check(all, "3 TCP echoes of 256 KiB at once " + why);
    }
    for (int fd : fds)
        ::close(fd);
}

} // namespace

int main(int argc, char** argv) {
    std::string qemu = "qemu-system-arm", machine = "mps2-an385", elf, part = "basic";
    std::string stack = "ksock";
    bool usage = argc % 2 == 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string k = argv[i];
        if (k == "--qemu")
            qemu = argv[i + 1];
        else if (k == "--machine")
            machine = argv[i + 1];
        else if (k == "--elf")
            elf = argv[i + 1];
        else if (k == "--part")
            part = argv[i + 1];
        else if (k == "--stack")
            stack = argv[i + 1];
        else
            usage = true;
    }
    if (usage || elf.empty() || (part != "basic" && part != "tcp")) {
        std::printf("usage: %s --elf FIRMWARE [--qemu PATH] [--machine BOARD] "
                    "[--part basic|tcp] [--stack NAME]\n",
                    argv[0]);
        return 2;
    }
    std::setvbuf(stdout, nullptr, _IOLBF, 0);
    if (const std::string why = enter_namespace(); !why.empty()) {
        std::printf("board_echo: skipped, no private network namespace here: %s\n", why.c_str());
        return exit_skip;
    }
    write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
    write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
    const int tap = make_tap();
    if (tap < 0) {
        std::printf("board_echo: skipped, no TAP device here: %s\n", std::strerror(-tap));
        return exit_skip;
    }
    if (!kernel_side_up()) {
        std::printf("board_echo: the host's end of %s: %s\n", ifname, std::strerror(errno));
        return 1;
    }
    board b;
    if (!b.start(qemu, machine, elf, tap)) {
        std::printf("board_echo: fork: %s\n", std::strerror(errno));
        return 1;
    }
    if (!b.wait_for("board_echo: serving", 30)) {
        if (b.finish(1) == 127) {
            std::printf("board_echo: skipped, %s could not be run\n", qemu.c_str());
            return exit_skip;
        }
        std::printf("board_echo: the firmware did not come up (exit %d)\n", b.status);
        return 1;
    }

    bool tcp_skipped = false;
    std::string tcp_why;
    if (part == "basic") {
        ping_part();
        udp_part();
    } else {
        const int first = tcp_connect(7, 5000);
        if (first < 0) {
            tcp_skipped = true;
            tcp_why = std::strerror(-first);
        } else {
            tcp_part(first, stack);
        }
    }

    const int q = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    const sockaddr_in to = board_addr(7);
    ::sendto(q, "quit", 4, 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
    ::close(q);
    const int st = b.finish(30);
    check(st == 0 && b.text.find(": all right") != std::string::npos,
          "the board's own verdict: exit status " + std::to_string(st));
    // The frames were taken because the chip interrupted, not only because
    // SysTick came by: the LAN9118's line reaches the NVIC.
    const std::size_t at = b.text.find("interrupts: ");
    const unsigned long irqs = at == std::string::npos ? 0 : std::stoul(b.text.substr(at + 12));
    check(irqs > 0, "the board took " + std::to_string(irqs) + " interrupts from its LAN9118");
    if (failures) {
        std::printf("board_echo (%s): %d check(s) FAILED\n", part.c_str(), failures);
        return 1;
    }
    if (tcp_skipped) {
        std::printf("board_echo (tcp): SKIPPED PART: TCP to 192.0.2.2:7 was not answered (%s): "
                    "ksock's TCP over a device is not there yet; the board's verdict and the "
                    "ping and UDP part (arm.board_echo) are not affected\n",
                    tcp_why.c_str());
        return exit_skip;
    }
    std::printf("board_echo (%s): all checks passed\n", part.c_str());
    return 0;
}
