// ksock/posix.hpp: BSD-style calls over a stack, for code ported from BSD
// sockets: -1 and errno on failure, like the libc wrappers of the syscalls.
//
//   ksock::default_stack s;
//   ksock::posix::api sock{s};
//   int fd = sock.socket(AF_INET, SOCK_STREAM, 0);   // -1 + errno on error
//
// errno gets the *platform's* value for the error (EAFNOSUPPORT is 97 on
// Linux but 106 in newlib), so ported code can keep comparing errno with
// the <cerrno> names it already uses. to_host_errno() does the mapping.
#pragma once

#include <cerrno>
#include <cstddef>

#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::posix {

//! The platform's errno value for Linux errno \p e (positive), or \p e itself
//! when the platform has no such name.
constexpr int to_host_errno(int e) noexcept {
    switch (e) {
#define KSOCK_MAP(NAME, name, value)                                                               \
    case value:                                                                                    \
        return NAME;
        KSOCK_ERRNO_LIST(KSOCK_MAP)
#undef KSOCK_MAP
        // The names some C libraries lack map only where the host has them.
#ifdef ESOCKTNOSUPPORT
    case esocktnosupport:
        return ESOCKTNOSUPPORT;
#endif
#ifdef EPFNOSUPPORT
    case epfnosupport:
        return EPFNOSUPPORT;
#endif
#ifdef ESHUTDOWN
    case eshutdown:
        return ESHUTDOWN;
#endif
#ifdef EHOSTDOWN
    case ehostdown:
        return EHOSTDOWN;
#endif
#ifdef ENONET
    case enonet:
        return ENONET;
#endif
    default:
        return e;
    }
}

//! Kernel-style result -> libc-style: r >= 0 passes, -e becomes -1 + errno.
inline int ret(int r) noexcept {
    if (r >= 0)
        return r;
    errno = to_host_errno(-r);
    return -1;
}
//! The same for a byte count (ssize_t).
inline long ret(long r) noexcept {
    if (r >= 0)
        return r;
    errno = to_host_errno(static_cast<int>(-r));
    return -1;
}

//! The BSD calls over one stack.
template <class Stack>
struct api {
    Stack& s; //!< the stack the calls go to

    //! The stack's call of the same name, its result as the C library's
    //! wrapper gives it: the value, or -1 with errno set (ret()).
    //!@{
    int socket(int family, int type, int protocol) { return ret(s.socket(family, type, protocol)); }
    int socketpair(int family, int type, int protocol, int sv[2]) {
        return ret(s.socketpair(family, type, protocol, sv));
    }
    int close(int fd) { return ret(s.close(fd)); }
    int dup(int fd) { return ret(s.dup(fd)); }
    int dup2(int oldfd, int newfd) { return ret(s.dup2(oldfd, newfd)); }
    int fcntl(int fd, int cmd, long arg = 0) { return ret(s.fcntl(fd, cmd, arg)); }
    int getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen) {
        return ret(s.getsockopt(fd, level, optname, optval, optlen));
    }
    int setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen) {
        return ret(s.setsockopt(fd, level, optname, optval, optlen));
    }
    // The data path. Addresses are ksock's types, which have the platform's
    // layout on Linux: a ::sockaddr_in* converts with a reinterpret_cast.
    int bind(int fd, const sockaddr* a, socklen_t l) { return ret(s.bind(fd, a, l)); }
    int connect(int fd, const sockaddr* a, socklen_t l) { return ret(s.connect(fd, a, l)); }
    int listen(int fd, int backlog) { return ret(s.listen(fd, backlog)); }
    int accept(int fd, sockaddr* a, socklen_t* l) { return ret(s.accept(fd, a, l)); }
    int accept4(int fd, sockaddr* a, socklen_t* l, int flags) {
        return ret(s.accept4(fd, a, l, flags));
    }
    int getsockname(int fd, sockaddr* a, socklen_t* l) { return ret(s.getsockname(fd, a, l)); }
    int getpeername(int fd, sockaddr* a, socklen_t* l) { return ret(s.getpeername(fd, a, l)); }
    long send(int fd, const void* b, std::size_t n, int flags) {
        return ret(s.send(fd, b, n, flags));
    }
    long sendto(int fd, const void* b, std::size_t n, int flags, const sockaddr* a, socklen_t l) {
        return ret(s.sendto(fd, b, n, flags, a, l));
    }
    long sendmsg(int fd, const msghdr* m, int flags) { return ret(s.sendmsg(fd, m, flags)); }
    long recv(int fd, void* b, std::size_t n, int flags) { return ret(s.recv(fd, b, n, flags)); }
    long recvfrom(int fd, void* b, std::size_t n, int flags, sockaddr* a, socklen_t* l) {
        return ret(s.recvfrom(fd, b, n, flags, a, l));
    }
    long recvmsg(int fd, msghdr* m, int flags) { return ret(s.recvmsg(fd, m, flags)); }
    int shutdown(int fd, int how) { return ret(s.shutdown(fd, how)); }
    int ioctl(int fd, unsigned long cmd, void* arg) { return ret(s.ioctl(fd, cmd, arg)); }
    int poll(pollfd* fds, unsigned long n, int timeout_ms) {
        return ret(s.poll(fds, n, timeout_ms));
    }
    //!@}
};
//! api{s} is an api over the type of \p s.
template <class Stack>
api(Stack&) -> api<Stack>;

} // namespace ksock::posix
