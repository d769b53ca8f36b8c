// test/differential/packet/kernel_backend.cpp: the host kernel through a TUN
// device (IFF_TUN | IFF_NO_PI: bare IPv4 packets), in real time. The process
// is already in a network namespace of its own (main.cpp forks one per
// script): the device, its address and every sysctl written here live and
// die with that namespace.
//
// System calls run each on a thread of its own, so that a blocking one
// ("0.1...0.3 accept(...)") lets the runner go on sending packets; the main
// thread sleeps in ppoll() on the TUN descriptor and an eventfd the call
// threads signal, and stamps every packet it reads with the time it read it.
// The descriptors this backend holds sit at 200 and up, so the script's
// sockets get 3, 4, ... as a script expects.
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <mutex>
#include <poll.h>
#include <thread>
#include <time.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "backend.hpp"
#include "tcp_info.hpp"

namespace ksock_packet {

namespace {

constexpr const char* tun_name = "pkt0";

//! The values the namespace starts with where Linux copies the host's into
//! a new namespace (tcp_rmem, tcp_wmem, the congestion control): Linux
//! 6.18's own defaults, so no host tuning leaks in. Scripts pin the rest.
const std::pair<const char*, const char*> baseline[] = {
    {"net.ipv4.tcp_congestion_control", "cubic"},
    {"net.ipv4.tcp_rmem", "4096 131072 6291456"},
    {"net.ipv4.tcp_wmem", "4096 16384 4194304"},
};

int move_high(int fd) {
    if (fd < 0)
        return fd;
    const int h = ::fcntl(fd, F_DUPFD_CLOEXEC, 200);
    ::close(fd);
    return h;
}

std::string write_sysctl(const std::string& name, const std::string& v) {
    std::string path = "/proc/sys/" + name;
    for (std::size_t i = 10; i < path.size(); ++i)
        if (path[i] == '.')
            path[i] = '/';
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return "sysctl " + name + ": " + std::strerror(errno);
    const std::string line = v + "\n";
    const ssize_t w = ::write(fd, line.data(), line.size());
    const int e = errno;
    ::close(fd);
    if (w != static_cast<ssize_t>(line.size()))
        return "sysctl " + name + " = " + v + ": " + std::strerror(e);
    return "";
}

std::string interface_setup() {
    // No IPv6 on the device: its router solicitations and DAD would be
    // packets no script expects.
    write_sysctl("net.ipv6.conf.all.disable_ipv6", "1");
    write_sysctl("net.ipv6.conf.default.disable_ipv6", "1");
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return std::string("socket: ") + std::strerror(errno);
    std::string err;
    auto flags_up = [&](const char* dev) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, dev, IFNAMSIZ - 1);
        if (::ioctl(s, SIOCGIFFLAGS, &ifr) != 0)
            return false;
        ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
        return ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    };
    auto set_addr = [&](unsigned long req, std::uint32_t a) {
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, tun_name, IFNAMSIZ - 1);
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(a);
        std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
        return ::ioctl(s, req, &ifr) == 0;
    };
    if (!flags_up("lo"))
        err = std::string("lo up: ") + std::strerror(errno);
    else if (!set_addr(SIOCSIFADDR, local_ip))
        err = std::string("address: ") + std::strerror(errno);
    else if (!set_addr(SIOCSIFNETMASK, ~0u << (32 - prefix_len)))
        err = std::string("netmask: ") + std::strerror(errno);
    else if (!flags_up(tun_name))
        err = std::string("device up: ") + std::strerror(errno);
    ::close(s);
    return err;
}

long k(long r) {
    return r < 0 ? -errno : r;
}

//! Runs one call on the calling thread. cc: a congestion control the
//! namespace may not take as its default (see open()), set on each socket.
sys_result run_call(const sys_call& c, const std::string& cc) {
    sys_result r;
    long ret = 0;
    switch (c.o) {
    case sys_call::op::socket:
        ret = k(::socket(static_cast<int>(c.a), static_cast<int>(c.b), static_cast<int>(c.c)));
        if (ret >= 0 && !cc.empty() && c.b == SOCK_STREAM &&
            ::setsockopt(static_cast<int>(ret), IPPROTO_TCP, TCP_CONGESTION, cc.data(),
                         static_cast<socklen_t>(cc.size())) != 0)
            std::abort(); // open() checked that it can
        break;
    case sys_call::op::bind:
        ret = k(::bind(c.fd, reinterpret_cast<const sockaddr*>(&c.addr), sizeof c.addr));
        break;
    case sys_call::op::connect:
        ret = k(::connect(c.fd, reinterpret_cast<const sockaddr*>(&c.addr), sizeof c.addr));
        break;
    case sys_call::op::listen:
        ret = k(::listen(c.fd, static_cast<int>(c.a)));
        break;
    case sys_call::op::accept: {
        sockaddr_in a{};
        socklen_t l = sizeof a;
        ret = k(::accept4(c.fd, reinterpret_cast<sockaddr*>(&a), &l, static_cast<int>(c.a)));
        break;
    }
    case sys_call::op::setsockopt:
        ret = k(::setsockopt(c.fd, static_cast<int>(c.a), static_cast<int>(c.b), c.data.data(),
                             static_cast<socklen_t>(c.len)));
        break;
    case sys_call::op::getsockopt:
    case sys_call::op::tcp_info: {
        const bool info = c.o == sys_call::op::tcp_info;
        r.data.assign(info ? 512 : std::max<std::size_t>(c.len, 1), 0);
        socklen_t l = static_cast<socklen_t>(info ? sizeof(tcp_info_618) : c.len);
        ret = k(::getsockopt(c.fd, info ? IPPROTO_TCP : static_cast<int>(c.a),
                             info ? TCP_INFO : static_cast<int>(c.b), r.data.data(), &l));
        r.len = l;
        r.data.resize(std::min<std::size_t>(l, r.data.size()));
        break;
    }
    case sys_call::op::write:
        ret = k(::write(c.fd, c.data.data(), c.len));
        break;
    case sys_call::op::send:
        ret = k(::send(c.fd, c.data.data(), c.len, static_cast<int>(c.a)));
        break;
    case sys_call::op::read:
    case sys_call::op::recv:
        r.data.assign(std::max<std::size_t>(c.len, 1), 0);
        ret = c.o == sys_call::op::read
                  ? k(::read(c.fd, r.data.data(), c.len))
                  : k(::recv(c.fd, r.data.data(), c.len, static_cast<int>(c.a)));
        r.data.resize(ret > 0 ? static_cast<std::size_t>(ret) : 0);
        break;
    case sys_call::op::close:
        ret = k(::close(c.fd));
        break;
    case sys_call::op::shutdown:
        ret = k(::shutdown(c.fd, static_cast<int>(c.a)));
        break;
    case sys_call::op::poll: {
        r.fds = c.fds;
        ret = k(::poll(r.fds.data(), r.fds.size(), static_cast<int>(c.a)));
        break;
    }
    case sys_call::op::fcntl:
        ret = k(::fcntl(c.fd, static_cast<int>(c.a), c.b));
        break;
    case sys_call::op::ioctl: {
        int v = 0;
        ret = k(::ioctl(c.fd, static_cast<unsigned long>(c.a), &v));
        r.data.resize(sizeof v);
        std::memcpy(r.data.data(), &v, sizeof v);
        break;
    }
    case sys_call::op::getsockname:
    case sys_call::op::getpeername: {
        sockaddr_in a{};
        socklen_t l = sizeof a;
        ret = c.o == sys_call::op::getsockname
                  ? k(::getsockname(c.fd, reinterpret_cast<sockaddr*>(&a), &l))
                  : k(::getpeername(c.fd, reinterpret_cast<sockaddr*>(&a), &l));
        r.data.resize(sizeof a);
        std::memcpy(r.data.data(), &a, sizeof a);
        break;
    }
    }
    if (ret < 0) {
        r.err = static_cast<int>(-ret);
        r.ret = -1;
    } else {
        r.ret = ret;
    }
    return r;
}

//! What the call threads and the main thread share. Held by shared_ptr: a
//! thread still blocked when the script ends keeps it alive.
struct shared {
    std::mutex m;
    std::map<int, sys_result> done;
    int event_fd = -1;
    std::string cc;
    timespec t0{};
    usec now() const {
        timespec t;
        ::clock_gettime(CLOCK_MONOTONIC, &t);
        return (t.tv_sec - t0.tv_sec) * 1000000 + (t.tv_nsec - t0.tv_nsec) / 1000;
    }
};

class kernel_backend final : public backend {
public:
    kernel_backend() : s_(std::make_shared<shared>()) { ::clock_gettime(CLOCK_MONOTONIC, &s_->t0); }
    ~kernel_backend() override {
        if (tun_ >= 0)
            ::close(tun_);
    }
    const char* name() const override { return "kernel"; }

    std::string open(const std::vector<std::pair<std::string, std::string>>& sysctls) override {
        const int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            return std::string("/dev/net/tun: ") + std::strerror(errno);
        tun_ = move_high(fd);
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, tun_name, IFNAMSIZ - 1);
        ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
        if (::ioctl(tun_, TUNSETIFF, &ifr) != 0)
            return std::string("TUNSETIFF: ") + std::strerror(errno);
        s_->event_fd = move_high(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        if (s_->event_fd < 0)
            return std::string("eventfd: ") + std::strerror(errno);
        for (const auto& [n, v] : baseline)
            if (auto e = set(n, v); !e.empty())
                return e;
        for (const auto& [n, v] : sysctls)
            if (auto e = set(n, v); !e.empty())
                return "!" + e; // a script's own sysctl: a failure, not a skip
        return interface_setup();
    }

    //! Writes a sysctl. A namespace other than the first may only make a
    //! "non-restricted" congestion control its default (the host's
    //! tcp_allowed_congestion_control): any other one is set on every TCP
    //! socket the script creates (TCP_CONGESTION, as root in the namespace
    //! may), which is what the default would do; accepted sockets inherit
    //! their listener's.
    std::string set(const std::string& name, const std::string& v) {
        std::string e = write_sysctl(name, v);
        if (name != "net.ipv4.tcp_congestion_control")
            return e;
        if (e.empty()) {
            s_->cc.clear();
            return e;
        }
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const bool ok = fd >= 0 && ::setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, v.data(),
                                                static_cast<socklen_t>(v.size())) == 0;
        if (fd >= 0)
            ::close(fd);
        if (!ok)
            return e + ", nor TCP_CONGESTION " + v;
        s_->cc = v;
        return "";
    }

    void start() override {
        drain();
        out_.clear();
        ::clock_gettime(CLOCK_MONOTONIC, &s_->t0);
    }
    usec now() override { return s_->now(); }

    void run_until(usec until) override {
        if (drain())
            return;
        for (;;) {
            const usec left = until - now();
            if (left <= 0)
                return;
            pollfd p[2] = {{tun_, POLLIN, 0}, {s_->event_fd, POLLIN, 0}};
            const timespec ts{static_cast<time_t>(left / 1000000),
                              static_cast<long>(left % 1000000) * 1000};
            if (::ppoll(p, 2, &ts, nullptr) <= 0)
                continue;
            if (p[1].revents & POLLIN) {
                std::uint64_t v;
                (void)!::read(s_->event_fd, &v, sizeof v);
                drain();
                return;
            }
            if (drain())
                return;
        }
    }

    void inject(const std::vector<std::uint8_t>& ipv4) override {
        drain();
        ++epoch_;
        (void)!::write(tun_, ipv4.data(), ipv4.size());
    }

    std::optional<outbound> pop_outbound() override {
        drain();
        if (out_.empty())
            return std::nullopt;
        outbound o = std::move(out_.front());
        out_.pop_front();
        return o;
    }

    int start_call(const sys_call& call) override {
        drain();
        ++epoch_;
        const int id = next_id_++;
        std::thread([s = s_, call, id] {
            sys_result r = run_call(call, s->cc);
            r.t = s->now();
            {
                std::lock_guard<std::mutex> g(s->m);
                s->done.emplace(id, std::move(r));
            }
            const std::uint64_t one = 1;
            (void)!::write(s->event_fd, &one, sizeof one);
        }).detach();
        return id;
    }

    std::optional<sys_result> finished(int id) override {
        std::lock_guard<std::mutex> g(s_->m);
        const auto it = s_->done.find(id);
        if (it == s_->done.end())
            return std::nullopt;
        sys_result r = std::move(it->second);
        s_->done.erase(it);
        return r;
    }

    std::uint64_t epoch() const override { return epoch_; }

private:
    //! Reads every packet waiting on the device; how many there were.
    std::size_t drain() {
        std::size_t n = 0;
        for (;;) {
            std::vector<std::uint8_t> b(65536);
            const ssize_t len = ::read(tun_, b.data(), b.size());
            if (len <= 0)
                return n;
            b.resize(static_cast<std::size_t>(len));
            out_.push_back(outbound{now(), epoch_, std::move(b)});
            ++n;
        }
    }

    std::shared_ptr<shared> s_;
    int tun_ = -1;
    std::deque<outbound> out_;
    std::uint64_t epoch_ = 0;
    int next_id_ = 1;
};

} // namespace

std::unique_ptr<backend> make_kernel_backend() {
    return std::make_unique<kernel_backend>();
}

} // namespace ksock_packet
