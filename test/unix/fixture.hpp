// test/unix/fixture.hpp: a stack for the PF_UNIX data-path tests, sized so
// that Linux's buffer limits (not ksock's pools) are what a test meets, and
// the helpers the tests share. Expected values were observed on the 6.18
// host with real AF_UNIX sockets (abstract names), see each test.
#pragma once

#include <cstddef>
#include <cstring>
#include <string>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace unix_test {

using namespace ksock;

struct unix_config : default_config {
    static constexpr std::size_t max_fds = 64;
    static constexpr std::size_t max_sockets = 64;
    template <class P>
    static constexpr std::size_t proto_objects = 16;
    //! 320 x 2 KiB: more than one socket's default send buffer (278 small
    //! messages, or 219264 stream bytes) can hold.
    static constexpr std::size_t skbs = 320;
};
using S = stack<unix_config>;

struct fault_config : unix_config {
    static constexpr std::size_t skbs = 64;
    using fault = fail_nth;
};
using FS = stack<fault_config>;

//! One stack of each kind for every test of this folder (the target has
//! 4 MiB of RAM for all the tests): each test starts and ends with it empty.
inline S& the_stack() {
    static S s;
    REQUIRE(s.empty());
    return s;
}
inline FS& the_fault_stack() {
    static FS s;
    REQUIRE(s.empty());
    s.fault().reset(0);
    return s;
}
//! A shared scratch buffer for large sends and receives.
inline constexpr std::size_t scratch_size = 220000;
inline unsigned char* scratch() {
    static unsigned char buf[scratch_size];
    return buf;
}

//! An abstract name "\0<n>" and its length.
struct uname {
    sockaddr_un a{};
    socklen_t len = 0;
    explicit uname(const char* n) {
        a.sun_family = af_unix;
        std::memcpy(a.sun_path + 1, n, std::strlen(n));
        len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + std::strlen(n));
    }
    const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&a); }
};

//! A pathname and its length (without the NUL, as a program passes it).
struct pname {
    sockaddr_un a{};
    socklen_t len = 0;
    explicit pname(const char* p) {
        a.sun_family = af_unix;
        std::memcpy(a.sun_path, p, std::strlen(p));
        len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + std::strlen(p));
    }
    const sockaddr* sa() const { return reinterpret_cast<const sockaddr*>(&a); }
};

//! poll() with POLLIN|POLLOUT|POLLRDHUP|POLLPRI asked, as the host probe.
template <class St>
unsigned pmask(St& s, int fd) {
    pollfd p{fd, static_cast<short>(pollin | pollout | pollrdhup | pollpri), 0};
    s.poll(&p, 1, 0);
    return static_cast<unsigned short>(p.revents);
}

// What pmask() can see (the host probe asked for the same bits).
inline constexpr unsigned in = pollin;
inline constexpr unsigned out = pollout;
inline constexpr unsigned hup = pollhup;
inline constexpr unsigned rdhup = pollrdhup;
inline constexpr unsigned err = pollerr;

#define UNIX_OK(s) REQUIRE(std::string((s).check_invariants().what) == "ok")

template <class St>
long send_str(St& s, int fd, const char* str, int flags = 0) {
    return s.send(fd, str, std::strlen(str), flags);
}

template <class St>
std::string recv_str(St& s, int fd, std::size_t n, int flags = 0, long* ret = nullptr) {
    char buf[256] = {};
    const long r = s.recv(fd, buf, n, flags);
    if (ret)
        *ret = r;
    return r > 0 ? std::string(buf, static_cast<std::size_t>(r)) : std::string();
}

} // namespace unix_test
