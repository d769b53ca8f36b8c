// ksock/uapi/fcntl.hpp: open flags and fcntl commands
// (include/uapi/asm-generic/fcntl.h), with Linux's values.
#pragma once
#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! open(2) and F_GETFL/F_SETFL flags (O_*), with the octal values of include/uapi/asm-
//! generic/fcntl.h; o_ndelay is O_NONBLOCK.
//!@{
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
//!@}
//! A file's flags (f_flags, F_GETFL), for traces: octal, as /proc/PID/fdinfo shows them.
inline constexpr value_name o_flag_names[] = {
    {o_rdonly, o_accmode, "O_RDONLY"},      {o_wronly, o_accmode, "O_WRONLY"},
    {o_rdwr, o_accmode, "O_RDWR"},          {o_append, o_append, "O_APPEND"},
    {o_nonblock, o_nonblock, "O_NONBLOCK"}, {o_async, o_async, "FASYNC"},
    {o_direct, o_direct, "O_DIRECT"},       {o_noatime, o_noatime, "O_NOATIME"},
    {o_cloexec, o_cloexec, "O_CLOEXEC"}};

//! fcntl(2)'s commands (F_*) and the one descriptor flag F_GETFD/F_SETFD carry, FD_CLOEXEC
//! (include/uapi/asm-generic/fcntl.h, linux/fcntl.h).
//!@{
inline constexpr int f_dupfd = 0;
inline constexpr int f_getfd = 1;
inline constexpr int f_setfd = 2;
inline constexpr int f_getfl = 3;
inline constexpr int f_setfl = 4;
inline constexpr int f_dupfd_cloexec = 1030;
inline constexpr int fd_cloexec = 1;
//!@}

} // namespace ksock
