// test/differential/loopback/kernel_backend.cpp: the sequences on the host's
// kernel. Two things keep the host side deterministic and the calls from
// blocking:
//  - where the process may (root, or CAP_SYS_ADMIN), it moves into a network
//    namespace of its own (unshare(CLONE_NEWNET), then lo up): no other
//    program's loopback traffic, ports or abstract AF_UNIX names, and the
//    namespace's own sysctls (ping_group_range is opened there for the ping
//    sequences). KSOCK_LOOPBACK_HOST_NETNS=1 keeps the host's namespace.
//  - every socket gets SO_RCVTIMEO/SO_SNDTIMEO of 50 ms, so the few blocking
//    sockets the sequences use return EAGAIN/EINPROGRESS where ksock (which
//    never waits) does; a non-blocking socket never looks at them.
// Abstract AF_UNIX names get a per-run, per-sequence prefix going in, which
// is stripped from every address coming back.
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <poll.h>
#include <sched.h>
#include <string>
#include <unistd.h>

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "backends.hpp"

namespace ksock_loopback {

namespace {

long k(long r) {
    return r < 0 ? -errno : r;
}

//! A fresh network namespace with lo up; "" or what failed.
std::string enter_netns() {
    if (::unshare(CLONE_NEWNET) != 0)
        return std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno);
    // A new namespace starts with lo down.
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    const bool up = fd >= 0 && ::ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 &&
                    (ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP),
                     ::ioctl(fd, SIOCSIFFLAGS, &ifr) == 0);
    if (fd >= 0)
        ::close(fd);
    if (!up)
        return "lo could not be brought up";
    // Every group may open ping sockets (the namespace's default "1 0"
    // allows nobody, root included); ksock reads the value back.
    std::ofstream("/proc/sys/net/ipv4/ping_group_range") << "0 2147483647\n";
    return "";
}

bool in_private_netns = false;

std::string setup_host() {
    // A broken pipe is an EPIPE return (the sequences pass MSG_NOSIGNAL;
    // this is the safety net).
    std::signal(SIGPIPE, SIG_IGN);
    const char* host = std::getenv("KSOCK_LOOPBACK_HOST_NETNS");
    if (host && std::strcmp(host, "1") == 0)
        return "in the host's network namespace (KSOCK_LOOPBACK_HOST_NETNS=1)";
    const std::string err = enter_netns();
    if (err.rfind("unshare", 0) == 0)
        return "in the host's network namespace (" + err + ")";
    if (!err.empty())
        return "in a private network namespace, but " + err;
    in_private_netns = true;
    return "in a private network namespace (lo up, ping_group_range 0 2147483647)";
}

class kernel_backend final : public backend {
public:
    const char* name() const override { return "kernel"; }
    void begin(int index) override {
        prefix_ = "ksockdiff-" + std::to_string(::getpid()) + "-" + std::to_string(index) + "-";
    }
    void end() override {}

    int socket(int family, int type, int protocol) override {
        return timeouts(static_cast<int>(k(::socket(family, type, protocol))));
    }
    int socketpair(int family, int type, int protocol, int sv[2]) override {
        const int r = static_cast<int>(k(::socketpair(family, type, protocol, sv)));
        if (r == 0) {
            timeouts(sv[0]);
            timeouts(sv[1]);
        }
        return r;
    }
    int close(int fd) override { return static_cast<int>(k(::close(fd))); }
    int bind(int fd, const sockaddr* a, socklen_t len) override {
        sockaddr_storage tmp;
        a = in_name(fd, a, len, tmp);
        return static_cast<int>(k(::bind(fd, a, len)));
    }
    int connect(int fd, const sockaddr* a, socklen_t len) override {
        sockaddr_storage tmp;
        a = in_name(fd, a, len, tmp);
        return static_cast<int>(k(::connect(fd, a, len)));
    }
    int listen(int fd, int backlog) override { return static_cast<int>(k(::listen(fd, backlog))); }
    int accept(int fd, sockaddr* a, socklen_t* len) override {
        return out_name(fd, a, len, [&](sockaddr* ka, socklen_t* kl) {
            return timeouts(static_cast<int>(k(::accept(fd, ka, kl))));
        });
    }
    int accept4(int fd, sockaddr* a, socklen_t* len, int flags) override {
        return out_name(fd, a, len, [&](sockaddr* ka, socklen_t* kl) {
            return timeouts(static_cast<int>(k(::accept4(fd, ka, kl, flags))));
        });
    }
    int getsockname(int fd, sockaddr* a, socklen_t* len) override {
        return out_name(fd, a, len, [&](sockaddr* ka, socklen_t* kl) {
            return static_cast<int>(k(::getsockname(fd, ka, kl)));
        });
    }
    int getpeername(int fd, sockaddr* a, socklen_t* len) override {
        return out_name(fd, a, len, [&](sockaddr* ka, socklen_t* kl) {
            return static_cast<int>(k(::getpeername(fd, ka, kl)));
        });
    }
    long send(int fd, const void* buf, std::size_t len, int flags) override {
        return k(::send(fd, buf, len, flags));
    }
    long sendto(int fd, const void* buf, std::size_t len, int flags, const sockaddr* a,
                socklen_t alen) override {
        sockaddr_storage tmp;
        a = in_name(fd, a, alen, tmp);
        return k(::sendto(fd, buf, len, flags, a, alen));
    }
    long sendmsg(int fd, const msghdr* m, int flags) override {
        msghdr km = *m;
        sockaddr_storage tmp;
        km.msg_name = const_cast<sockaddr*>(
            in_name(fd, static_cast<const sockaddr*>(m->msg_name), km.msg_namelen, tmp));
        return k(::sendmsg(fd, &km, flags));
    }
    long recv(int fd, void* buf, std::size_t len, int flags) override {
        return k(::recv(fd, buf, len, flags));
    }
    long recvfrom(int fd, void* buf, std::size_t len, int flags, sockaddr* a,
                  socklen_t* alen) override {
        return out_name(fd, a, alen, [&](sockaddr* ka, socklen_t* kl) {
            return k(::recvfrom(fd, buf, len, flags, ka, kl));
        });
    }
    long recvmsg(int fd, msghdr* m, int flags) override {
        if (!m->msg_name || domain(fd) != AF_UNIX)
            return k(::recvmsg(fd, m, flags));
        auto* ua = static_cast<sockaddr*>(m->msg_name);
        socklen_t ulen = m->msg_namelen;
        sockaddr_storage tmp;
        std::memset(&tmp, 0, sizeof tmp);
        m->msg_name = &tmp;
        m->msg_namelen = sizeof tmp;
        const long r = k(::recvmsg(fd, m, flags));
        m->msg_name = ua;
        if (r >= 0)
            copy_out(tmp, m->msg_namelen, ua, &ulen);
        m->msg_namelen = ulen;
        return r;
    }
    int shutdown(int fd, int how) override { return static_cast<int>(k(::shutdown(fd, how))); }
    int setsockopt(int fd, int level, int opt, const void* val, socklen_t len) override {
        return static_cast<int>(k(::setsockopt(fd, level, opt, val, len)));
    }
    int getsockopt(int fd, int level, int opt, void* val, socklen_t* len) override {
        return static_cast<int>(k(::getsockopt(fd, level, opt, val, len)));
    }
    int fcntl(int fd, int cmd, long arg) override {
        return static_cast<int>(k(::fcntl(fd, cmd, arg)));
    }
    int poll(pollfd* fds, unsigned long n, int timeout_ms) override {
        return static_cast<int>(k(::poll(fds, n, timeout_ms)));
    }
    int dup(int fd) override { return static_cast<int>(k(::dup(fd))); }
    int dup2(int fd, int fd2) override { return static_cast<int>(k(::dup2(fd, fd2))); }
    int ioctl(int fd, unsigned long cmd, int* arg) override {
        return static_cast<int>(k(::ioctl(fd, cmd, arg)));
    }
    void sleep_ms(int ms) override {
        timespec ts{ms / 1000, (ms % 1000) * 1000000L};
        while (::nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    int pid() const override { return ::getpid(); }

private:
    std::string prefix_;

    static int timeouts(int fd) {
        if (fd >= 0) {
            const timeval tv{0, 50000};
            ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
            ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        }
        return fd;
    }

    static int domain(int fd) {
        int d = -1;
        socklen_t l = sizeof d;
        return ::getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &d, &l) == 0 ? d : -1;
    }

    //! An abstract AF_UNIX name with at least its NUL, given to an AF_UNIX
    //! socket, gets the prefix after the NUL; anything else (other families,
    //! autobind's bare family, lengths the kernel refuses anyway) goes in
    //! unchanged. Another family's socket gets the name as it is: the
    //! prefix would make a short name longer than a sockaddr_in, and such
    //! a socket answers by the length (EINVAL below 16 bytes, EAFNOSUPPORT
    //! from 16 on).
    const sockaddr* in_name(int fd, const sockaddr* a, socklen_t& len,
                            sockaddr_storage& tmp) const {
        constexpr socklen_t path = offsetof(sockaddr_un, sun_path);
        if (!a || len <= path || len > sizeof(sockaddr_un) || a->sa_family != AF_UNIX)
            return a;
        const auto* un = reinterpret_cast<const sockaddr_un*>(a);
        if (un->sun_path[0] != '\0' || domain(fd) != AF_UNIX)
            return a;
        const std::size_t name = len - path - 1;
        if (path + 1 + prefix_.size() + name > sizeof(sockaddr_un))
            return a;
        std::memset(&tmp, 0, sizeof tmp);
        auto* out = reinterpret_cast<sockaddr_un*>(&tmp);
        out->sun_family = AF_UNIX;
        std::memcpy(out->sun_path + 1, prefix_.data(), prefix_.size());
        std::memcpy(out->sun_path + 1 + prefix_.size(), un->sun_path + 1, name);
        len = static_cast<socklen_t>(len + prefix_.size());
        return reinterpret_cast<const sockaddr*>(&tmp);
    }

    //! Copies a kernel-written address to the caller's buffer as the kernel
    //! would (at most *ulen bytes, *ulen = the full length), prefix removed.
    void copy_out(const sockaddr_storage& kaddr, socklen_t klen, sockaddr* ua,
                  socklen_t* ulen) const {
        sockaddr_storage norm = kaddr;
        constexpr socklen_t path = offsetof(sockaddr_un, sun_path);
        const auto* un = reinterpret_cast<const sockaddr_un*>(&kaddr);
        if (kaddr.ss_family == AF_UNIX && klen >= path + 1 + prefix_.size() &&
            un->sun_path[0] == '\0' &&
            std::memcmp(un->sun_path + 1, prefix_.data(), prefix_.size()) == 0) {
            auto* n = reinterpret_cast<sockaddr_un*>(&norm);
            const std::size_t rest = klen - path - 1 - prefix_.size();
            std::memmove(n->sun_path + 1, un->sun_path + 1 + prefix_.size(), rest);
            klen = static_cast<socklen_t>(klen - prefix_.size());
        }
        const socklen_t n = *ulen < klen ? *ulen : klen;
        std::memcpy(ua, &norm, n);
        *ulen = klen;
    }

    //! A call that writes an address back: AF_UNIX ones go through a
    //! buffer of the kernel's size and copy_out.
    template <class Call>
    auto out_name(int fd, sockaddr* a, socklen_t* len, Call call) -> decltype(call(a, len)) {
        if (!a || !len || domain(fd) != AF_UNIX)
            return call(a, len);
        sockaddr_storage tmp;
        std::memset(&tmp, 0, sizeof tmp);
        socklen_t klen = sizeof tmp;
        const auto r = call(reinterpret_cast<sockaddr*>(&tmp), &klen);
        if (r >= 0)
            copy_out(tmp, klen, a, len);
        return r;
    }
};

} // namespace

const std::string& kernel_setup() {
    static const std::string s = setup_host();
    return s;
}

bool kernel_private_netns() {
    kernel_setup();
    return in_private_netns;
}

bool kernel_renew_netns() {
    if (!kernel_private_netns())
        return false;
    // The old namespace goes when its last socket does: every handle of a
    // sequence is closed at its end, TIME_WAIT sockets die with it.
    in_private_netns = enter_netns().empty();
    return in_private_netns;
}

std::unique_ptr<backend> make_kernel_backend() {
    return std::make_unique<kernel_backend>();
}

} // namespace ksock_loopback
