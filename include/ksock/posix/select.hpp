// ksock/posix/select.hpp: select(2) and its fd_set over the current stack,
// as Linux's core_sys_select does it on top of poll.
//
// The fd_set is ksock's own type (the C library's may already be declared
// by <stdlib.h>, as glibc's is, for the system's descriptors); the macros
// of <ksock/posix/sys/select.h> make a program's fd_set and FD_* name it.
#pragma once

#include <climits>
#include <cstddef>

#include <ksock/posix.hpp>
#include <ksock/posix/current_stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/poll.hpp>

#if __has_include(<sys/select.h>)
#include <sys/select.h> // the C library's struct timeval (and its own select, for its own fds)
#endif

namespace ksock::posix {

#if __has_include(<sys/select.h>)
using select_timeval = ::timeval;
#else
//! struct timeval where the C library has none.
struct select_timeval {
    long tv_sec;
    long tv_usec;
};
#endif

//! FD_SETSIZE: Linux's 1024 bits. Descriptors of the stack are below its
//! max_fds, far less.
inline constexpr int fd_setsize = 1024;

//! A set of descriptors, one bit each (Linux's layout: unsigned longs).
struct fd_set {
    static constexpr int bits_per_word = static_cast<int>(sizeof(unsigned long) * CHAR_BIT);
    unsigned long fds_bits[fd_setsize / bits_per_word];
};

// FD_ZERO/FD_SET/FD_CLR/FD_ISSET. A descriptor outside [0, FD_SETSIZE) is
// ignored (never set, never found) rather than written past the set.
inline void fd_zero(fd_set* s) noexcept {
    for (unsigned long& w : s->fds_bits)
        w = 0;
}
inline void fd_add(int fd, fd_set* s) noexcept {
    if (fd >= 0 && fd < fd_setsize)
        s->fds_bits[fd / fd_set::bits_per_word] |= 1ul << (fd % fd_set::bits_per_word);
}
inline void fd_remove(int fd, fd_set* s) noexcept {
    if (fd >= 0 && fd < fd_setsize)
        s->fds_bits[fd / fd_set::bits_per_word] &= ~(1ul << (fd % fd_set::bits_per_word));
}
inline bool fd_has(int fd, const fd_set* s) noexcept {
    return fd >= 0 && fd < fd_setsize &&
           (s->fds_bits[fd / fd_set::bits_per_word] >> (fd % fd_set::bits_per_word) & 1ul) != 0;
}

namespace detail {
// POLLIN_SET, POLLOUT_SET and POLLEX_SET of fs/select.c: what makes a
// descriptor readable, writable or exceptional for select.
inline constexpr unsigned pollin_set = pollrdnorm | pollrdband | pollin | pollhup | pollerr;
inline constexpr unsigned pollout_set = pollwrband | pollwrnorm | pollout | pollerr;
inline constexpr unsigned pollex_set = pollpri;

//! The kernel-style select over stack \p s: the count of bits left set, or -errno.
template <class Stack>
int do_select(Stack& s, int n, fd_set* in, fd_set* out, fd_set* ex, int timeout_ms) {
    if (n < 0)
        return -einval;
    // Bits at or past the table's size are not looked at (Linux clamps n
    // to max_fds); every bit below it must name an open descriptor.
    constexpr int table = static_cast<int>(Stack::config::max_fds);
    if (n > table)
        n = table;
    pollfd fds[Stack::config::max_fds];
    int count = 0;
    for (int fd = 0; fd < n; ++fd) {
        short events = 0;
        if (in && fd_has(fd, in))
            events |= static_cast<short>(pollin | pollrdnorm | pollrdband);
        if (out && fd_has(fd, out))
            events |= static_cast<short>(pollout | pollwrnorm | pollwrband);
        if (ex && fd_has(fd, ex))
            events |= static_cast<short>(pollpri);
        if (events != 0)
            fds[count++] = pollfd{fd, events, 0};
    }
    const int r = s.poll(fds, static_cast<unsigned long>(count), timeout_ms);
    if (r < 0)
        return r;
    for (int i = 0; i < count; ++i)
        if (static_cast<unsigned short>(fds[i].revents) & pollnval)
            return -ebadf; // max_select_fd: a set bit without an open file
    int ready = 0;
    for (int i = 0; i < count; ++i) {
        const int fd = fds[i].fd;
        const unsigned got = static_cast<unsigned short>(fds[i].revents);
        const bool r_in = in && fd_has(fd, in) && (got & pollin_set);
        const bool r_out = out && fd_has(fd, out) && (got & pollout_set);
        const bool r_ex = ex && fd_has(fd, ex) && (got & pollex_set);
        fds[i].revents = static_cast<short>(r_in | r_out << 1 | r_ex << 2);
        ready += r_in + r_out + r_ex;
    }
    // The sets come back holding only what is ready, including the bits at
    // or past n, which Linux clears too (it writes back n bits' worth, and
    // a caller reads only below n).
    if (in)
        fd_zero(in);
    if (out)
        fd_zero(out);
    if (ex)
        fd_zero(ex);
    for (int i = 0; i < count; ++i) {
        const int fd = fds[i].fd;
        if (in && (fds[i].revents & 1))
            fd_add(fd, in);
        if (out && (fds[i].revents & 2))
            fd_add(fd, out);
        if (ex && (fds[i].revents & 4))
            fd_add(fd, ex);
    }
    return ready;
}
} // namespace detail

namespace bsd {
//! select(2): -1 + EINVAL for n < 0 or a timeout out of range, -1 + EBADF
//! for a set bit without an open descriptor. A null timeout waits as long
//! as the stack's wait policy can; on return a timeout that ran out reads
//! zero (Linux writes back what is left; a stack that cannot sleep has
//! nothing else to report).
inline int select(int n, fd_set* in, fd_set* out, fd_set* ex, select_timeval* timeout) {
    int ms = -1;
    if (timeout != nullptr) {
        if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000)
            return ret(-einval);
        const long long total =
            static_cast<long long>(timeout->tv_sec) * 1000 + (timeout->tv_usec + 999) / 1000;
        ms = total > INT_MAX ? INT_MAX : static_cast<int>(total);
    }
    const int r = detail::do_select(current_stack(), n, in, out, ex, ms);
    if (r == 0 && timeout != nullptr) {
        timeout->tv_sec = 0;
        timeout->tv_usec = 0;
    }
    return ret(r);
}
//! select(n, nullptr, nullptr, nullptr, &tv): no set at all. Its own
//! overload, because the C library's select (declared by glibc's
//! <stdlib.h>) takes three null pointers as well as ksock's does; the
//! exact match for nullptr picks this one. (With NULL, an integer in C++,
//! neither is better: the call is ambiguous there.)
inline int select(int n, std::nullptr_t, std::nullptr_t, std::nullptr_t, select_timeval* timeout) {
    return select(n, static_cast<fd_set*>(nullptr), nullptr, nullptr, timeout);
}
} // namespace bsd

} // namespace ksock::posix
