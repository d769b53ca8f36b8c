// ksock/posix/file_flags.hpp: the C library's O_* and F_* values, and their
// translation to and from Linux's, which the stack keeps.
//
// A program's <fcntl.h> names are the C library's: glibc and musl use
// Linux's numbers, newlib its own (O_NONBLOCK is 0x4000 there, 04000 on
// Linux). <ksock/posix/fcntl.h> defines the macros with the C library's
// values, so that one O_NONBLOCK serves a program's files and its sockets,
// and fcntl() translates at the boundary: F_SETFL's argument in, F_GETFL's
// result out, F_DUPFD_CLOEXEC's number in.
#pragma once

#include <cerrno> // the C library's own headers, for __NEWLIB__

#include <ksock/uapi/fcntl.hpp>

namespace ksock::posix {

//! One flag: the C library's bit and Linux's.
struct flag_pair {
    int host;
    int linux_value;
};

#ifdef __NEWLIB__
// newlib's <sys/_default_fcntl.h>
inline constexpr int host_o_append = 0x0008;
inline constexpr int host_o_nonblock = 0x4000;
inline constexpr int host_o_async = 0x0040;
inline constexpr int host_o_direct = 0x80000;
inline constexpr int host_o_noatime = 0x1000000;
inline constexpr int host_o_cloexec = 0x40000;
inline constexpr int host_f_dupfd_cloexec = 14;
#else
// Linux's C libraries use the kernel's numbers.
inline constexpr int host_o_append = o_append;
inline constexpr int host_o_nonblock = o_nonblock;
inline constexpr int host_o_async = o_async;
inline constexpr int host_o_direct = o_direct;
inline constexpr int host_o_noatime = o_noatime;
inline constexpr int host_o_cloexec = o_cloexec;
inline constexpr int host_f_dupfd_cloexec = f_dupfd_cloexec;
#endif

//! The flags F_GETFL reports and F_SETFL takes, both ways. The access mode
//! (O_RDONLY 0, O_WRONLY 1, O_RDWR 2) is the same number everywhere.
inline constexpr flag_pair file_flags[] = {
    {host_o_append, o_append}, {host_o_nonblock, o_nonblock}, {host_o_async, o_async},
    {host_o_direct, o_direct}, {host_o_noatime, o_noatime},   {host_o_cloexec, o_cloexec}};

//! The C library's flags \p f as Linux's. A bit the C library gives no
//! flag of the table is dropped, not passed on as whatever Linux flag has
//! that number (newlib's O_NONBLOCK is Linux's O_DIRECT, which F_SETFL
//! refuses on a socket); Linux's F_SETFL ignores the bits it does not know
//! in the same way.
constexpr int flags_to_linux(int f) noexcept {
    int out = f & o_accmode;
    for (const flag_pair& p : file_flags)
        if (f & p.host)
            out |= p.linux_value;
    return out;
}

//! Linux's flags \p f as the C library's (F_GETFL's result).
constexpr int flags_to_host(int f) noexcept {
    int out = f & o_accmode;
    for (const flag_pair& p : file_flags)
        if (f & p.linux_value)
            out |= p.host;
    return out;
}

//! The C library's fcntl command \p cmd as Linux's (only F_DUPFD_CLOEXEC
//! differs; the rest are the same small numbers everywhere).
constexpr int fcntl_cmd_to_linux(int cmd) noexcept {
    if (cmd == host_f_dupfd_cloexec)
        return f_dupfd_cloexec;
    if constexpr (host_f_dupfd_cloexec != f_dupfd_cloexec)
        if (cmd == f_dupfd_cloexec)
            return -1; // Linux's number is not a command of this C library
    return cmd;
}

static_assert(flags_to_host(flags_to_linux(host_o_nonblock | 2)) == (host_o_nonblock | 2),
              "ksock::posix: O_NONBLOCK must survive the round trip through Linux's value");

} // namespace ksock::posix
