// <ksock/posix/sys/select.h>: select() and fd_set for the stack's
// descriptors (ksock/posix/select.hpp).
//
// The C library may have declared its own fd_set and select already
// (glibc's <stdlib.h> does): ksock's are other types, so `fd_set` is a
// macro for ksock's and the FD_* macros are redefined; select() is then an
// overload the C library's cannot take.
#pragma once

#include <ksock/posix/select.hpp>

using ksock_fd_set = ksock::posix::fd_set;
using ksock::posix::bsd::select;
#if !__has_include(<sys/select.h>)
using timeval = ksock::posix::select_timeval;
#endif

#undef fd_set
#define fd_set ksock_fd_set
#undef FD_SETSIZE
#define FD_SETSIZE 1024
#undef FD_ZERO
#define FD_ZERO(set) ::ksock::posix::fd_zero(set)
#undef FD_SET
#define FD_SET(fd, set) ::ksock::posix::fd_add((fd), (set))
#undef FD_CLR
#define FD_CLR(fd, set) ::ksock::posix::fd_remove((fd), (set))
#undef FD_ISSET
#define FD_ISSET(fd, set) ::ksock::posix::fd_has((fd), (set))

static_assert(FD_SETSIZE == ksock::posix::fd_setsize,
              "<ksock/posix/sys/select.h>: FD_SETSIZE must be the size of ksock's fd_set");
