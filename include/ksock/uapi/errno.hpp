// ksock/uapi/errno.hpp: Linux's errno numbers (include/uapi/asm-generic/errno*.h).
//
// ksock reports failures kernel-style, as -errno in an int, with Linux's
// numbering on every target: a firmware build against newlib gets the same
// numbers as a Linux host, so a static_assert written on a PC holds on the MCU.
#pragma once

// Every errno ksock reports, once: X(NAME, name, value). The constants below
// and posix.hpp's mapping to the host's <cerrno> are both generated from it.
// KSOCK_ERRNO_LIST_BSD holds the names some C libraries do not define.
#define KSOCK_ERRNO_LIST(X)                                                                        \
    X(EPERM, eperm, 1)                                                                             \
    X(ENOENT, enoent, 2)                                                                           \
    X(ESRCH, esrch, 3)                                                                             \
    X(EINTR, eintr, 4)                                                                             \
    X(EBADF, ebadf, 9)                                                                             \
    X(EAGAIN, eagain, 11)                                                                          \
    X(ENOMEM, enomem, 12)                                                                          \
    X(EACCES, eacces, 13)                                                                          \
    X(EFAULT, efault, 14)                                                                          \
    X(EBUSY, ebusy, 16)                                                                            \
    X(EEXIST, eexist, 17)                                                                          \
    X(ENODEV, enodev, 19)                                                                          \
    X(EINVAL, einval, 22)                                                                          \
    X(ENFILE, enfile, 23)                                                                          \
    X(EMFILE, emfile, 24)                                                                          \
    X(ENOTTY, enotty, 25)                                                                          \
    X(ENOSPC, enospc, 28)                                                                          \
    X(EPIPE, epipe, 32)                                                                            \
    X(EDOM, edom, 33)                                                                              \
    X(ERANGE, erange, 34)                                                                          \
    X(ENOSYS, enosys, 38)                                                                          \
    X(EOVERFLOW, eoverflow, 75)                                                                    \
    X(ENOTSOCK, enotsock, 88)                                                                      \
    X(EDESTADDRREQ, edestaddrreq, 89)                                                              \
    X(EMSGSIZE, emsgsize, 90)                                                                      \
    X(EPROTOTYPE, eprototype, 91)                                                                  \
    X(ENOPROTOOPT, enoprotoopt, 92)                                                                \
    X(EPROTONOSUPPORT, eprotonosupport, 93)                                                        \
    X(EOPNOTSUPP, eopnotsupp, 95)                                                                  \
    X(EAFNOSUPPORT, eafnosupport, 97)                                                              \
    X(EPROTO, eproto, 71)                                                                          \
    X(EADDRINUSE, eaddrinuse, 98)                                                                  \
    X(EADDRNOTAVAIL, eaddrnotavail, 99)                                                            \
    X(ENETDOWN, enetdown, 100)                                                                     \
    X(ENETUNREACH, enetunreach, 101)                                                               \
    X(ECONNABORTED, econnaborted, 103)                                                             \
    X(ECONNRESET, econnreset, 104)                                                                 \
    X(ENOBUFS, enobufs, 105)                                                                       \
    X(EISCONN, eisconn, 106)                                                                       \
    X(ENOTCONN, enotconn, 107)                                                                     \
    X(ETIMEDOUT, etimedout, 110)                                                                   \
    X(ECONNREFUSED, econnrefused, 111)                                                             \
    X(EHOSTUNREACH, ehostunreach, 113)                                                             \
    X(EALREADY, ealready, 114)                                                                     \
    X(EINPROGRESS, einprogress, 115)
#define KSOCK_ERRNO_LIST_BSD(X)                                                                    \
    X(ESOCKTNOSUPPORT, esocktnosupport, 94)                                                        \
    X(EPFNOSUPPORT, epfnosupport, 96)                                                              \
    X(ENONET, enonet, 64)                                                                          \
    X(ESHUTDOWN, eshutdown, 108)                                                                   \
    X(EHOSTDOWN, ehostdown, 112)

namespace ksock {

#define KSOCK_ERRNO_CONSTANT(NAME, name, value) inline constexpr int name = value;
KSOCK_ERRNO_LIST(KSOCK_ERRNO_CONSTANT)
KSOCK_ERRNO_LIST_BSD(KSOCK_ERRNO_CONSTANT)
#undef KSOCK_ERRNO_CONSTANT
inline constexpr int ewouldblock = eagain; //!< EWOULDBLOCK is EAGAIN on Linux

//! ENOIOCTLCMD: kernel-internal, "this layer has no such ioctl"; the socket
//! layer turns it into ENOTTY before it reaches the caller.
inline constexpr int enoioctlcmd = 515;

//! ERESTARTSYS, ERESTARTNOHAND (include/linux/errno.h): kernel-internal, a
//! wait ended by a signal. They never reach the caller: at the end of the
//! call the stack restarts it (ERESTARTSYS with a restarting interruption,
//! as SA_RESTART) or turns them into EINTR (kernel/signal.hpp).
//!@{
inline constexpr int erestartsys = 512;
inline constexpr int erestartnohand = 514;
//!@}

//! Linux's MAX_ERRNO: values in [-4095, -1] are errors (IS_ERR_VALUE).
inline constexpr int max_errno = 4095;

//! The name of Linux errno \p e (positive), "EAGAIN" for 11, or null.
constexpr const char* errno_name(int e) noexcept {
    switch (e) {
#define KSOCK_ERRNO_NAME(NAME, name, value)                                                        \
    case value:                                                                                    \
        return #NAME;
        KSOCK_ERRNO_LIST(KSOCK_ERRNO_NAME)
        KSOCK_ERRNO_LIST_BSD(KSOCK_ERRNO_NAME)
#undef KSOCK_ERRNO_NAME
    case enoioctlcmd:
        return "ENOIOCTLCMD";
    default:
        return nullptr;
    }
}

} // namespace ksock
