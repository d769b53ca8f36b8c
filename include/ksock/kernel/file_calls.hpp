// ksock/kernel/file_calls.hpp: the system calls of fs/ on a socket's file:
// close, dup, dup2, dup3 (fs/file.c), fcntl (fs/fcntl.c), ioctl (fs/ioctl.c,
// then sock_ioctl and the ops'), poll (fs/select.c).
#pragma once

#include <cstring>

#include <ksock/core/dev_ioctl.hpp>
#include <ksock/kernel/file_table.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/poll.hpp>

namespace ksock::kernel {

//! close(2).
template <class K>
inline int sys_close(K& k, int fd) {
    ksock::file* f = k.current_task().files.close_fd(fd);
    if (!f)
        return -ebadf;
    fput(k, f);
    return 0;
}

//! dup(2): the lowest free fd sharing the file.
template <class K>
inline int sys_dup(K& k, int fd) {
    auto& t = k.current_task();
    ksock::file* f = t.files.lookup(fd);
    if (!f)
        return -ebadf;
    return k.f_dupfd(t, 0, f, 0);
}

//! ksys_dup3's checks, then do_dup2 (an open target is closed).
template <class K>
inline int sys_dup3(K& k, int oldfd, int newfd, int flags) {
    auto& t = k.current_task();
    const auto nfd = static_cast<unsigned>(newfd); // unsigned int in the kernel
    if (nfd >= t.nofile())
        return -ebadf;
    ksock::file* f = t.files.lookup(oldfd);
    if (!f)
        return -ebadf;
    ksock::file* tofree = t.files.fd[nfd];
    if (!tofree && t.files.fd_is_open(nfd))
        return -ebusy; // reserved by a call in progress
    ++f->f_count;
    t.files.fd[nfd] = f;
    t.files.set_open(nfd);
    t.files.set_close_on_exec(nfd, (flags & o_cloexec) != 0);
    if (tofree)
        fput(k, tofree);
    return newfd;
}

//! dup2(2): dup3 without flags, except that oldfd == newfd is only a check.
template <class K>
inline int sys_dup2(K& k, int oldfd, int newfd) {
    if (oldfd == newfd)
        return k.fdget(oldfd) ? oldfd : -ebadf;
    return sys_dup3(k, oldfd, newfd, 0);
}

//! fs/fcntl.c setfl for a socket file.
template <class K>
inline int setfl(K& k, ksock::file& f, unsigned arg) {
    constexpr unsigned setfl_mask = o_append | o_nonblock | o_ndelay | o_direct | o_noatime;
    // O_NOATIME: only the inode's owner or CAP_FOWNER may set it.
    if ((arg & o_noatime) && !(f.f_flags & o_noatime)) {
        const ksock::cred& c = k.current_cred();
        if (c.fsuid != f.f_inode->i_uid && !c.has(cap_fowner))
            return -eperm;
    }
    // Sockets cannot do direct I/O.
    if (arg & o_direct)
        return -einval;
    // sock_fasync keeps FASYNC in step with the socket's SOCK_FASYNC flag.
    if ((arg ^ f.f_flags) & o_async) {
        auto* so = static_cast<ksock::socket*>(f.private_data);
        const bool on = (arg & o_async) != 0;
        if (so->sk)
            sock_valbool_flag(*so->sk, sock_fasync, on);
        f.f_flags = on ? (f.f_flags | o_async) : (f.f_flags & ~static_cast<unsigned>(o_async));
    }
    f.f_flags = (arg & setfl_mask) | (f.f_flags & ~setfl_mask);
    return 0;
}

//! fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL.
template <class K>
inline int sys_fcntl(K& k, int fd, int cmd, long arg) {
    auto& t = k.current_task();
    ksock::file* f = t.files.lookup(fd);
    if (!f)
        return -ebadf;
    const auto argi = static_cast<unsigned>(arg);
    switch (cmd) {
    case f_dupfd:
    case f_dupfd_cloexec: {
        // The start is an unsigned long: a negative one is huge.
        const auto from = static_cast<unsigned long>(arg);
        if (from >= t.nofile())
            return -einval;
        return k.f_dupfd(t, static_cast<unsigned>(from), f, cmd == f_dupfd_cloexec ? o_cloexec : 0);
    }
    case f_getfd:
        return t.files.is_close_on_exec(static_cast<unsigned>(fd)) ? fd_cloexec : 0;
    case f_setfd:
        t.files.set_close_on_exec(static_cast<unsigned>(fd), (argi & fd_cloexec) != 0);
        return 0;
    case f_getfl:
        return static_cast<int>(f->f_flags);
    case f_setfl:
        return setfl(k, *f, argi);
    default:
        return -einval;
    }
}

//! do_vfs_ioctl's requests (FIOCLEX, FIONCLEX, FIONBIO, FIOASYNC) and
//! sock_ioctl's owner (FIOSETOWN, SIOCSPGRP, FIOGETOWN, SIOCGPGRP):
//! -ENOIOCTLCMD for any other request.
template <class K>
inline int vfs_ioctl(K& k, int fd, ksock::file& f, unsigned long cmd, void* arg) {
    auto get_int = [&](int& v) {
        if (!arg)
            return -efault;
        std::memcpy(&v, arg, sizeof v);
        return 0;
    };
    int v = 0;
    switch (cmd) {
    case fioclex:
    case fionclex:
        k.current_task().files.set_close_on_exec(static_cast<unsigned>(fd), cmd == fioclex);
        return 0;
    case fionbio:
        if (const int err = get_int(v))
            return err;
        f.f_flags = v ? (f.f_flags | o_nonblock) : (f.f_flags & ~unsigned(o_nonblock));
        return 0;
    case fioasync:
        if (const int err = get_int(v))
            return err;
        return setfl(k, f, v ? (f.f_flags | o_async) : (f.f_flags & ~unsigned(o_async)));
    case fiosetown:
    case siocspgrp:
        if (const int err = get_int(v))
            return err;
        f.f_owner = v;
        return 0;
    case fiogetown:
    case siocgpgrp:
        if (!arg)
            return -efault;
        std::memcpy(arg, &f.f_owner, sizeof f.f_owner);
        return 0;
    default:
        return -enoioctlcmd;
    }
}

//! ioctl(2) on a socket: the VFS's own requests, sock_ioctl's, then the
//! ops' (SIOCINQ, SIOCOUTQ, SIOCATMARK ...). A request nobody knows is ENOTTY.
//! sock_ioctl sends a driver's private request (SIOCDEVPRIVATE..+15) to
//! the device its struct ifreq names before the ops could see it.
template <class K>
inline int sys_ioctl(K& k, int fd, unsigned long cmd, void* arg) {
    ksock::file* f = k.fdget(fd);
    if (!f)
        return -ebadf;
    if (const int err = vfs_ioctl(k, fd, *f, cmd, arg); err != -enoioctlcmd)
        return err;
    if (KSOCK_UNLIKELY(is_siocdevprivate(cmd))) {
        ifreq ifr;
        if (const int err = get_user_ifreq(ifr, arg))
            return err;
        return dev_ioctl_private(typename K::devices::list{}, ifr);
    }
    auto* so = static_cast<ksock::socket*>(f->private_data);
    const int err = K::registry::with_entry_inline(
        *so, [&]<class E>() { return ops_ioctl<E>(k, *so, cmd, arg); });
    return err == -enoioctlcmd ? -enotty : err;
}

//! One pass of do_poll over \p fds: revents for each, the count with any.
//! A negative fd is skipped, a closed one reads POLLNVAL; POLLERR and
//! POLLHUP are reported whether asked for or not.
template <class K>
inline int poll_once(K& k, pollfd* fds, unsigned long nfds) {
    int count = 0;
    for (unsigned long i = 0; i < nfds; ++i) {
        pollfd& p = fds[i];
        unsigned mask = 0;
        if (p.fd >= 0) {
            ksock::socket* so = k.sockfd_lookup(p.fd);
            if (!so) {
                mask = pollnval;
            } else {
                const unsigned filter = static_cast<unsigned short>(p.events) | pollerr | pollhup;
                mask = K::registry::with_entry_inline(
                           *so, [&]<class E>() { return ops_poll<E>(k, *so); }) &
                       filter;
            }
        }
        p.revents = static_cast<short>(mask);
        count += mask != 0;
    }
    return count;
}

//! poll(2). With a wait policy that cannot block the call never sleeps,
//! whatever \p timeout_ms says.
template <class K>
inline int sys_poll(K& k, pollfd* fds, unsigned long nfds, int timeout_ms) {
    if (nfds > k.current_task().nofile()) {
        // RLIMIT_NOFILE is 0 until boot sets it: only here does poll need a
        // booted stack, so only here does it ask.
        if (k.booted())
            return -einval;
        k.boot_locked();
        if (nfds > k.current_task().nofile())
            return -einval;
    }
    if (!fds && nfds)
        return -efault;
    long timeo = timeout_ms < 0
                     ? max_schedule_timeout
                     : static_cast<long>(msecs_to_jiffies(static_cast<std::uint32_t>(timeout_ms)));
    for (;;) {
        const int count = poll_once(k, fds, nfds);
        if constexpr (!K::can_block)
            return count;
        else {
            // do_poll: nothing ready and a signal is ERESTARTNOHAND, which
            // reaches the caller as EINTR (poll is never restarted).
            if (!count && k.signal_pending())
                return -erestartnohand;
            if (count || timeo <= 0)
                return count;
            k.wait(timeo);
        }
    }
}

} // namespace ksock::kernel
