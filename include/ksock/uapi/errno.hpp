// ksock/uapi/errno.hpp: Linux's errno numbers (include/uapi/asm-generic/errno*.h).
//
// ksock reports failures kernel-style, as -errno in an int, with Linux's
// numbering on every target: a firmware build against newlib gets the same
// numbers as a Linux host, so a static_assert written on a PC holds on the MCU.
#pragma once

namespace ksock {

inline constexpr int eperm = 1;
inline constexpr int enoent = 2;
inline constexpr int esrch = 3;
inline constexpr int eintr = 4;
inline constexpr int ebadf = 9;
inline constexpr int eagain = 11;
inline constexpr int ewouldblock = eagain;
inline constexpr int enomem = 12;
inline constexpr int eacces = 13;
inline constexpr int efault = 14;
inline constexpr int ebusy = 16;
inline constexpr int eexist = 17;
inline constexpr int einval = 22;
inline constexpr int enfile = 23;
inline constexpr int emfile = 24;
inline constexpr int enotty = 25;
inline constexpr int enospc = 28;
inline constexpr int epipe = 32;
inline constexpr int edom = 33;
inline constexpr int erange = 34;
inline constexpr int enosys = 38;
inline constexpr int eoverflow = 75;
inline constexpr int enotsock = 88;
inline constexpr int edestaddrreq = 89;
inline constexpr int emsgsize = 90;
inline constexpr int eprototype = 91;
inline constexpr int enoprotoopt = 92;
inline constexpr int eprotonosupport = 93;
inline constexpr int esocktnosupport = 94;
inline constexpr int eopnotsupp = 95;
inline constexpr int epfnosupport = 96;
inline constexpr int eafnosupport = 97;
inline constexpr int enonet = 64;
inline constexpr int eproto = 71;
inline constexpr int eaddrinuse = 98;
inline constexpr int eaddrnotavail = 99;
inline constexpr int enetdown = 100;
inline constexpr int enetunreach = 101;
inline constexpr int econnaborted = 103;
inline constexpr int econnreset = 104;
inline constexpr int enobufs = 105;
inline constexpr int eisconn = 106;
inline constexpr int enotconn = 107;
inline constexpr int eshutdown = 108;
inline constexpr int etimedout = 110;
inline constexpr int econnrefused = 111;
inline constexpr int ehostdown = 112;
inline constexpr int ehostunreach = 113;
inline constexpr int ealready = 114;
inline constexpr int einprogress = 115;

//! ENOIOCTLCMD: kernel-internal, "this layer has no such ioctl"; the socket
//! layer turns it into ENOTTY before it reaches the caller.
inline constexpr int enoioctlcmd = 515;

//! Linux's MAX_ERRNO: values in [-4095, -1] are errors (IS_ERR_VALUE).
inline constexpr int max_errno = 4095;

} // namespace ksock
