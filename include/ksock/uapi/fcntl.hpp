// ksock/uapi/fcntl.hpp: open flags and fcntl commands
// (include/uapi/asm-generic/fcntl.h), with Linux's values.
#pragma once

namespace ksock {

// --- open flags (include/uapi/asm-generic/fcntl.h) ------------------------
inline constexpr int o_rdonly = 00;
inline constexpr int o_wronly = 01;
inline constexpr int o_rdwr = 02;
inline constexpr int o_accmode = 03;
inline constexpr int o_append = 02000;
inline constexpr int o_nonblock = 04000;
inline constexpr int o_ndelay = o_nonblock;
inline constexpr int o_async = 020000; //!< FASYNC
inline constexpr int o_direct = 040000;
inline constexpr int o_noatime = 01000000;
inline constexpr int o_cloexec = 02000000;

// --- fcntl commands -------------------------------------------------------
inline constexpr int f_dupfd = 0;
inline constexpr int f_getfd = 1;
inline constexpr int f_setfd = 2;
inline constexpr int f_getfl = 3;
inline constexpr int f_setfl = 4;
inline constexpr int f_dupfd_cloexec = 1030;
inline constexpr int fd_cloexec = 1;

} // namespace ksock
