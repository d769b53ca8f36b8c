// <ksock/posix/fcntl.h>: fcntl() for the stack's descriptors, and the
// O_* and F_* macros with the C library's values (newlib numbers them its
// own way), which fcntl() translates to Linux's (file_flags.hpp).
#pragma once

#include <ksock/posix/calls.hpp>
#include <ksock/posix/file_flags.hpp>

using ksock::posix::bsd::fcntl;

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_ACCMODE 3
#define O_NDELAY O_NONBLOCK
#ifdef __NEWLIB__
#define O_APPEND 0x0008
#define O_NONBLOCK 0x4000
#define O_CLOEXEC 0x40000
#define F_DUPFD_CLOEXEC 14
#else
#define O_APPEND 02000
#define O_NONBLOCK 04000
#define O_CLOEXEC 02000000
#define F_DUPFD_CLOEXEC 1030
#endif
#define F_DUPFD 0
#define F_GETFD 1
#define F_SETFD 2
#define F_GETFL 3
#define F_SETFL 4
#define FD_CLOEXEC 1

static_assert(O_APPEND == ksock::posix::host_o_append &&
                  O_NONBLOCK == ksock::posix::host_o_nonblock &&
                  O_CLOEXEC == ksock::posix::host_o_cloexec &&
                  F_DUPFD_CLOEXEC == ksock::posix::host_f_dupfd_cloexec &&
                  F_SETFL == ksock::f_setfl && F_GETFL == ksock::f_getfl,
              "<ksock/posix/fcntl.h>: its macros must be the C library's values");
