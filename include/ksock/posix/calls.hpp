// ksock/posix/calls.hpp: the BSD socket calls as free functions over the
// program's one stack (current_stack.hpp): what <ksock/posix/sys/socket.h>,
// <ksock/posix/unistd.h>, <ksock/posix/fcntl.h>, <ksock/posix/poll.h> and
// <ksock/posix/sys/ioctl.h> bring into the global namespace.
//
// Each returns as the C library's wrapper of the syscall does: the result,
// or -1 with errno set to the C library's number for Linux's error. Values a
// C library numbers its own way cross the boundary translated: fcntl's file
// flags (file_flags.hpp) and SO_ERROR's error.
#pragma once

#include <cstddef>
#include <cstring>

#include <ksock/posix.hpp>
#include <ksock/posix/current_stack.hpp>
#include <ksock/posix/file_flags.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#if __has_include(<sys/types.h>)
#include <sys/types.h> // the C library's ssize_t
#endif

namespace ksock::posix::bsd {

#if __has_include(<sys/types.h>)
using ssize_t = ::ssize_t;
#else
using ssize_t = std::ptrdiff_t;
#endif
using nfds_t = unsigned long;

//! The facade over the current stack.
inline api<stack_type> calls() noexcept {
    return api<stack_type>{current_stack()};
}

inline int socket(int domain, int type, int protocol) {
    return calls().socket(domain, type, protocol);
}
inline int socketpair(int domain, int type, int protocol, int sv[2]) {
    return calls().socketpair(domain, type, protocol, sv);
}
inline int bind(int fd, const sockaddr* addr, socklen_t len) {
    return calls().bind(fd, addr, len);
}
inline int connect(int fd, const sockaddr* addr, socklen_t len) {
    return calls().connect(fd, addr, len);
}
inline int listen(int fd, int backlog) {
    return calls().listen(fd, backlog);
}
inline int accept(int fd, sockaddr* addr, socklen_t* len) {
    return calls().accept(fd, addr, len);
}
inline int accept4(int fd, sockaddr* addr, socklen_t* len, int flags) {
    return calls().accept4(fd, addr, len, flags);
}
inline int getsockname(int fd, sockaddr* addr, socklen_t* len) {
    return calls().getsockname(fd, addr, len);
}
inline int getpeername(int fd, sockaddr* addr, socklen_t* len) {
    return calls().getpeername(fd, addr, len);
}
inline ssize_t send(int fd, const void* buf, std::size_t n, int flags) {
    return static_cast<ssize_t>(calls().send(fd, buf, n, flags));
}
inline ssize_t sendto(int fd, const void* buf, std::size_t n, int flags, const sockaddr* addr,
                      socklen_t len) {
    return static_cast<ssize_t>(calls().sendto(fd, buf, n, flags, addr, len));
}
inline ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
    return static_cast<ssize_t>(calls().sendmsg(fd, msg, flags));
}
inline ssize_t recv(int fd, void* buf, std::size_t n, int flags) {
    return static_cast<ssize_t>(calls().recv(fd, buf, n, flags));
}
inline ssize_t recvfrom(int fd, void* buf, std::size_t n, int flags, sockaddr* addr,
                        socklen_t* len) {
    return static_cast<ssize_t>(calls().recvfrom(fd, buf, n, flags, addr, len));
}
inline ssize_t recvmsg(int fd, msghdr* msg, int flags) {
    return static_cast<ssize_t>(calls().recvmsg(fd, msg, flags));
}
inline int shutdown(int fd, int how) {
    return calls().shutdown(fd, how);
}
inline int setsockopt(int fd, int level, int name, const void* val, socklen_t len) {
    return calls().setsockopt(fd, level, name, val, len);
}
//! getsockopt(2); SO_ERROR's value is the C library's errno number.
inline int getsockopt(int fd, int level, int name, void* val, socklen_t* len) {
    const int r = calls().getsockopt(fd, level, name, val, len);
    if (r == 0 && level == sol_socket && name == so_error && *len == sizeof(int)) {
        int e = 0;
        std::memcpy(&e, val, sizeof e);
        e = to_host_errno(e);
        std::memcpy(val, &e, sizeof e);
    }
    return r;
}

//! close(2).
inline int close(int fd) {
    return calls().close(fd);
}
inline int dup(int fd) {
    return calls().dup(fd);
}
inline int dup2(int oldfd, int newfd) {
    return calls().dup2(oldfd, newfd);
}

//! read(2) on a socket (sock_read_iter): 0 at once for a zero count, after
//! the descriptor is checked; otherwise recv with no flags.
inline ssize_t read(int fd, void* buf, std::size_t n) {
    if (n == 0) {
        const int r = current_stack().fcntl(fd, f_getfd, 0); // the descriptor's check
        return r < 0 ? static_cast<ssize_t>(ret(r)) : 0;
    }
    return recv(fd, buf, n, 0);
}

//! write(2) on a socket (sock_write_iter): send with no flags, but a
//! SOCK_SEQPACKET write ends a record (MSG_EOR), as Linux's does. A
//! socket's type never changes, so reading it needs no lock.
inline ssize_t write(int fd, const void* buf, std::size_t n) {
    const ksock::socket* so = current_stack().socket_of(fd);
    const int flags = so != nullptr && so->type == sock_seqpacket ? msg_eor : 0;
    return send(fd, buf, n, flags);
}

//! fcntl(2): F_SETFL's flags and F_GETFL's result in the C library's numbers.
inline int fcntl(int fd, int cmd, long arg = 0) {
    const int lcmd = fcntl_cmd_to_linux(cmd);
    if (lcmd < 0)
        return ret(-einval);
    if (lcmd == f_setfl)
        arg = flags_to_linux(static_cast<int>(arg));
    const int r = calls().fcntl(fd, lcmd, arg);
    return lcmd == f_getfl && r >= 0 ? flags_to_host(r) : r;
}

//! ioctl(2) with a pointer argument (FIONREAD, FIONBIO, SIOC*).
inline int ioctl(int fd, unsigned long request, void* arg) {
    return calls().ioctl(fd, request, arg);
}

//! poll(2).
inline int poll(pollfd* fds, nfds_t n, int timeout_ms) {
    return calls().poll(fds, n, timeout_ms);
}

} // namespace ksock::posix::bsd
