// test/differential/loopback/ksock_backend.cpp: the sequences on a fresh
// ksock::default_stack each, configured like the host side (its sysctls as
// /proc shows them after kernel_setup(), the process's credentials).
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <poll.h>
#include <sstream>
#include <string>
#include <unistd.h>

#include <net/if.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <ksock/ksock.hpp>

#include "backends.hpp"

namespace ksock_loopback {

namespace {

// The host's types stand for ksock's in every call: same layout.
static_assert(sizeof(ksock::sockaddr) == sizeof(::sockaddr) &&
              sizeof(ksock::sockaddr_in) == sizeof(::sockaddr_in) &&
              offsetof(ksock::sockaddr_in, sin_port) == offsetof(::sockaddr_in, sin_port) &&
              offsetof(ksock::sockaddr_in, sin_addr) == offsetof(::sockaddr_in, sin_addr) &&
              sizeof(ksock::sockaddr_un) == sizeof(::sockaddr_un) &&
              offsetof(ksock::sockaddr_un, sun_path) == offsetof(::sockaddr_un, sun_path) &&
              sizeof(ksock::sockaddr_storage) == sizeof(::sockaddr_storage));
static_assert(sizeof(ksock::socklen_t) == sizeof(::socklen_t));
static_assert(sizeof(ksock::iovec) == sizeof(::iovec) &&
              offsetof(ksock::iovec, iov_len) == offsetof(::iovec, iov_len));
static_assert(sizeof(ksock::msghdr) == sizeof(::msghdr) &&
              offsetof(ksock::msghdr, msg_namelen) == offsetof(::msghdr, msg_namelen) &&
              offsetof(ksock::msghdr, msg_iov) == offsetof(::msghdr, msg_iov) &&
              offsetof(ksock::msghdr, msg_iovlen) == offsetof(::msghdr, msg_iovlen) &&
              offsetof(ksock::msghdr, msg_control) == offsetof(::msghdr, msg_control) &&
              offsetof(ksock::msghdr, msg_controllen) == offsetof(::msghdr, msg_controllen) &&
              offsetof(ksock::msghdr, msg_flags) == offsetof(::msghdr, msg_flags));
static_assert(sizeof(ksock::ifreq) == sizeof(::ifreq) &&
              offsetof(ksock::ifreq, ifr_ifru) == offsetof(::ifreq, ifr_ifru));
static_assert(sizeof(ksock::pollfd) == sizeof(::pollfd) &&
              offsetof(ksock::pollfd, revents) == offsetof(::pollfd, revents));

template <class T>
void read_sysctl(const char* path, T* out, int n) {
    std::ifstream f(path);
    for (int i = 0; i < n; ++i) {
        long long v;
        if (f >> v)
            out[i] = static_cast<T>(v);
    }
}

unsigned long long cap_eff() {
    std::ifstream f("/proc/self/status");
    std::string line;
    while (std::getline(f, line))
        if (line.rfind("CapEff:", 0) == 0) {
            unsigned long long v = 0;
            std::istringstream(line.substr(7)) >> std::hex >> v;
            return v;
        }
    return 0;
}

void configure(ksock::default_stack& s) {
    ksock::net_core_sysctl& sc = s.net().sysctl;
    ksock::inet::ipv4_sysctl& v4 = ksock::inet::ipv4_net(s).sysctl;
    read_sysctl("/proc/sys/net/core/wmem_default", &sc.wmem_default, 1);
    read_sysctl("/proc/sys/net/core/rmem_default", &sc.rmem_default, 1);
    read_sysctl("/proc/sys/net/core/wmem_max", &sc.wmem_max, 1);
    read_sysctl("/proc/sys/net/core/rmem_max", &sc.rmem_max, 1);
    read_sysctl("/proc/sys/net/core/somaxconn", &sc.somaxconn, 1);
    read_sysctl("/proc/sys/net/ipv4/tcp_wmem", v4.tcp_wmem, 3);
    read_sysctl("/proc/sys/net/ipv4/tcp_rmem", v4.tcp_rmem, 3);
    read_sysctl("/proc/sys/net/ipv4/tcp_timestamps", &v4.tcp_timestamps, 1);
    read_sysctl("/proc/sys/net/ipv4/tcp_window_scaling", &v4.tcp_window_scaling, 1);
    read_sysctl("/proc/sys/net/ipv4/tcp_app_win", &v4.tcp_app_win, 1);
    read_sysctl("/proc/sys/net/ipv4/ip_default_ttl", &v4.ip_default_ttl, 1);
    read_sysctl("/proc/sys/net/ipv4/ip_no_pmtu_disc", &v4.ip_no_pmtu_disc, 1);
    read_sysctl("/proc/sys/net/ipv4/ping_group_range", v4.ping_group_range, 2);
    read_sysctl("/proc/sys/net/ipv4/ip_local_port_range", v4.ip_local_port_range, 2);
    read_sysctl("/proc/sys/net/ipv4/tcp_fin_timeout", &v4.tcp_fin_timeout, 1);
    read_sysctl("/proc/sys/net/ipv4/tcp_syn_retries", &v4.tcp_syn_retries, 1);
    read_sysctl("/proc/sys/net/unix/max_dgram_qlen",
                &ksock::unix_domain::unix_net(s).sysctl.max_dgram_qlen, 1);
    std::string cc;
    std::ifstream("/proc/sys/net/ipv4/tcp_congestion_control") >> cc;
    ksock::inet::ipv4_net(s).set_tcp_congestion_control(
        cc.c_str()); // unknown: ksock keeps its default

    ksock::cred& c = s.current().cred;
    c = ksock::cred{};
    c.uid = c.euid = c.fsuid = ::getuid();
    c.gid = c.egid = c.fsgid = ::getgid();
    c.cap_effective.val = cap_eff();
}

auto* ka(const sockaddr* a) {
    return reinterpret_cast<const ksock::sockaddr*>(a);
}
auto* ka(sockaddr* a) {
    return reinterpret_cast<ksock::sockaddr*>(a);
}
auto* kl(socklen_t* l) {
    return reinterpret_cast<ksock::socklen_t*>(l);
}

class ksock_backend final : public backend {
public:
    const char* name() const override { return "ksock"; }
    void begin(int) override {
        s_ = std::make_unique<ksock::default_stack>();
        configure(*s_);
    }
    void end() override { s_.reset(); }

    int socket(int family, int type, int protocol) override {
        return s_->socket(family, type, protocol);
    }
    int socketpair(int family, int type, int protocol, int sv[2]) override {
        return s_->socketpair(family, type, protocol, sv);
    }
    int close(int fd) override { return s_->close(fd); }
    int bind(int fd, const sockaddr* a, socklen_t len) override { return s_->bind(fd, ka(a), len); }
    int connect(int fd, const sockaddr* a, socklen_t len) override {
        return s_->connect(fd, ka(a), len);
    }
    int listen(int fd, int backlog) override { return s_->listen(fd, backlog); }
    int accept(int fd, sockaddr* a, socklen_t* len) override {
        return s_->accept(fd, ka(a), kl(len));
    }
    int accept4(int fd, sockaddr* a, socklen_t* len, int flags) override {
        return s_->accept4(fd, ka(a), kl(len), flags);
    }
    int getsockname(int fd, sockaddr* a, socklen_t* len) override {
        return s_->getsockname(fd, ka(a), kl(len));
    }
    int getpeername(int fd, sockaddr* a, socklen_t* len) override {
        return s_->getpeername(fd, ka(a), kl(len));
    }
    long send(int fd, const void* buf, std::size_t len, int flags) override {
        return s_->send(fd, buf, len, flags);
    }
    long sendto(int fd, const void* buf, std::size_t len, int flags, const sockaddr* a,
                socklen_t alen) override {
        return s_->sendto(fd, buf, len, flags, ka(a), alen);
    }
    long sendmsg(int fd, const msghdr* m, int flags) override {
        return s_->sendmsg(fd, reinterpret_cast<const ksock::msghdr*>(m), flags);
    }
    long recv(int fd, void* buf, std::size_t len, int flags) override {
        return s_->recv(fd, buf, len, flags);
    }
    long recvfrom(int fd, void* buf, std::size_t len, int flags, sockaddr* a,
                  socklen_t* alen) override {
        return s_->recvfrom(fd, buf, len, flags, ka(a), kl(alen));
    }
    long recvmsg(int fd, msghdr* m, int flags) override {
        return s_->recvmsg(fd, reinterpret_cast<ksock::msghdr*>(m), flags);
    }
    int shutdown(int fd, int how) override { return s_->shutdown(fd, how); }
    int setsockopt(int fd, int level, int opt, const void* val, socklen_t len) override {
        return s_->setsockopt(fd, level, opt, val, len);
    }
    int getsockopt(int fd, int level, int opt, void* val, socklen_t* len) override {
        return s_->getsockopt(fd, level, opt, val, kl(len));
    }
    int fcntl(int fd, int cmd, long arg) override { return s_->fcntl(fd, cmd, arg); }
    int poll(pollfd* fds, unsigned long n, int timeout_ms) override {
        return s_->poll(reinterpret_cast<ksock::pollfd*>(fds), n, timeout_ms);
    }
    int dup(int fd) override { return s_->dup(fd); }
    int dup2(int fd, int fd2) override { return s_->dup2(fd, fd2); }
    int ioctl(int fd, unsigned long cmd, int* arg) override { return s_->ioctl(fd, cmd, arg); }
    void sleep_ms(int ms) override { s_->advance(static_cast<unsigned long>(ms)); }
    int pid() const override { return s_->current().pid; }

private:
    std::unique_ptr<ksock::default_stack> s_;
};

} // namespace

std::unique_ptr<backend> make_ksock_backend() {
    return std::make_unique<ksock_backend>();
}

} // namespace ksock_loopback
