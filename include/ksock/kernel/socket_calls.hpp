// ksock/kernel/socket_calls.hpp: the system calls of net/socket.c that set a
// socket up and take it down: bind, connect, listen, accept4, getsockname,
// getpeername, shutdown, getsockopt, setsockopt. Each looks the fd up, asks
// the security hooks, and dispatches to the ops of the socket's entry.
#pragma once

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/core/uaccess.hpp>
#include <ksock/kernel/file_table.hpp>
#include <ksock/kernel/socket_alloc.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::kernel {

//! __sys_bind.
template <class K>
inline int sys_bind(K& k, int fd, const sockaddr* addr, socklen_t addrlen) {
    ksock::socket* so = k.sockfd_lookup(fd);
    if (!so)
        return -ebadf;
    sockaddr_storage address;
    const int len = static_cast<int>(addrlen);
    if (const int err = move_addr_to_kernel(addr, len, &address))
        return err;
    const auto* a = reinterpret_cast<const sockaddr*>(&address);
    trace_scope ts(k.trace_, "__sys_bind");
    if (const int err = k.hooks_.socket_bind(*so, a, len))
        return ts.result(err);
    return ts.result(K::registry::with_entry_inline(
        *so, [&]<class E>() { return ops_bind<E>(k, *so, a, len); }));
}

//! __sys_connect. A non-blocking file connects with O_NONBLOCK in flags.
template <class K>
inline int sys_connect(K& k, int fd, const sockaddr* addr, socklen_t addrlen) {
    ksock::file* f = k.fdget(fd);
    if (!f)
        return -ebadf;
    auto* so = static_cast<ksock::socket*>(f->private_data);
    sockaddr_storage address;
    const int len = static_cast<int>(addrlen);
    if (const int err = move_addr_to_kernel(addr, len, &address))
        return err;
    const auto* a = reinterpret_cast<const sockaddr*>(&address);
    trace_scope ts(k.trace_, "__sys_connect");
    if (const int err = k.hooks_.socket_connect(*so, a, len))
        return ts.result(err);
    const int flags = static_cast<int>(f->f_flags);
    return ts.result(K::registry::with_entry_inline(
        *so, [&]<class E>() { return ops_connect<E>(k, *so, a, len, flags); }));
}

//! __sys_listen: the backlog is clamped to net.core.somaxconn (a negative
//! one is huge to the unsigned comparison, so it is clamped too).
template <class K>
inline int sys_listen(K& k, int fd, int backlog) {
    ksock::socket* so = k.sockfd_lookup(fd);
    if (!so)
        return -ebadf;
    const int somaxconn = k.net().sysctl.somaxconn;
    if (static_cast<unsigned>(backlog) > static_cast<unsigned>(somaxconn))
        backlog = somaxconn;
    trace_scope ts(k.trace_, "__sys_listen");
    if constexpr (K::trace_type::enabled)
        k.trace_.field("backlog (clamped to somaxconn)", backlog);
    if (const int err = k.hooks_.socket_listen(*so, backlog))
        return ts.result(err);
    return ts.result(K::registry::with_entry_inline(
        *so, [&]<class E>() { return ops_listen<E>(k, *so, backlog); }));
}

//! do_accept, after the fd is reserved: the new socket shares the
//! listener's type and ops, its file is named after the listener's proto.
template <class K>
inline int do_accept(K& k, ksock::file& lf, ksock::socket& so, sockaddr* addr, socklen_t* addrlen,
                     int flags, int newfd) {
    ksock::socket* newsock = sock_alloc(k);
    if (!newsock)
        return -enfile;
    newsock->type = so.type;
    newsock->ops = so.ops;
    ksock::file* nf = sock_alloc_file(k, newsock, flags, lf.f_name);
    if (!nf)
        return -enfile;
    int err = k.hooks_.socket_accept(so, *newsock);
    if (!err) {
        const int lflags = static_cast<int>(lf.f_flags);
        err = K::registry::with_entry_inline(
            so, [&]<class E>() { return ops_accept<E>(k, so, *newsock, lflags); });
    }
    if (!err && addr) {
        sockaddr_storage address{};
        auto* a = reinterpret_cast<sockaddr*>(&address);
        const int len = K::registry::with_entry(
            *newsock, [&]<class E>() { return ops_getname<E>(k, *newsock, a, 2); });
        err = len < 0 ? -econnaborted : move_addr_to_user(&address, len, addr, addrlen);
    }
    if (err < 0) {
        fput(k, nf);
        return err;
    }
    k.current_task().files.fd_install(static_cast<unsigned>(newfd), nf);
    return newfd;
}

//! __sys_accept4, in __sys_accept4_file's order: flags, an fd reserved, a
//! socket with the listener's ops and a file, the hook, ops->accept, the
//! peer's address copied out, the fd installed. On any error the new socket
//! and file go (with the accepted connection, if the copy-out failed: Linux
//! drops it too) and the fd is given back.
template <class K>
inline int sys_accept4(K& k, int fd, sockaddr* addr, socklen_t* addrlen, int flags) {
    auto& t = k.current_task();
    ksock::file* lf = t.files.lookup(fd);
    if (!lf)
        return -ebadf;
    if (flags & ~(sock_cloexec | sock_nonblock))
        return -einval;
    auto* so = static_cast<ksock::socket*>(lf->private_data);
    trace_scope ts(k.trace_, "__sys_accept4");
    const int newfd = k.get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
    if (newfd < 0)
        return ts.result(newfd);
    const int err = do_accept(k, *lf, *so, addr, addrlen, flags, newfd);
    if (err < 0)
        t.files.put_unused_fd(static_cast<unsigned>(newfd));
    if constexpr (K::trace_type::enabled)
        k.trace_.field("return", err);
    return err < 0 ? ts.result(err) : err;
}

//! __sys_getsockname (\p peer 0) / __sys_getpeername (\p peer 1).
template <class K>
inline int sys_getname(K& k, int fd, sockaddr* addr, socklen_t* addrlen, int peer) {
    ksock::socket* so = k.sockfd_lookup(fd);
    if (!so)
        return -ebadf;
    if (const int err = peer ? k.hooks_.socket_getpeername(*so) : k.hooks_.socket_getsockname(*so))
        return err;
    sockaddr_storage address{};
    auto* a = reinterpret_cast<sockaddr*>(&address);
    const int len = K::registry::with_entry_inline(
        *so, [&]<class E>() { return ops_getname<E>(k, *so, a, peer); });
    if (len < 0)
        return len;
    return move_addr_to_user(&address, len, addr, addrlen);
}

//! __sys_shutdown.
template <class K>
inline int sys_shutdown(K& k, int fd, int how) {
    ksock::socket* so = k.sockfd_lookup(fd);
    if (!so)
        return -ebadf;
    trace_scope ts(k.trace_, "__sys_shutdown");
    if (const int err = k.hooks_.socket_shutdown(*so, how))
        return ts.result(err);
    return ts.result(K::registry::with_entry_inline(
        *so, [&]<class E>() { return ops_shutdown<E>(k, *so, how); }));
}

//! One entry's getsockopt / setsockopt below the dispatch, out of line:
//! the switch in sys_getsockopt / sys_setsockopt becomes a jump table of
//! tail calls with the arguments still in registers (what a table of
//! function pointers gives, without the pointers), and the dispatcher needs
//! no frame of its own however many entries there are.
//!@{
template <class E, class K>
KSOCK_NOINLINE int getsockopt_entry(K& k, ksock::socket& so, int level, int optname, void* optval,
                                    socklen_t* optlen) {
    return ops_getsockopt<E>(k, so, level, optname, optval, optlen);
}
template <class E, class K>
KSOCK_NOINLINE int setsockopt_entry(K& k, ksock::socket& so, int level, int optname,
                                    const void* optval, socklen_t optlen) {
    // Without hooks, SOL_SOCKET never comes here unless the socket has
    // SOCK_CUSTOM_SOCKOPT (sys_setsockopt took the shared body).
    if constexpr (detail::sk_setsockopt_hooks<E>) {
        if (level == sol_socket && !(so.flags & (1UL << sock_custom_sockopt)))
            return sk_setsockopt<E>(k, so, optname, optval, optlen);
    }
    return ops_setsockopt<E>(k, so, level, optname, optval, optlen);
}
//!@}

//! Whether setsockopt(level, optname) on \p so is SOL_SOCKET's shared body
//! alone: no custom sockopt, and not an option the entry hooks.
template <class K>
KSOCK_ALWAYS_INLINE inline bool sk_setsockopt_shared(const ksock::socket& so, int level,
                                                     int optname) noexcept {
    if (level != sol_socket || (so.flags & (1UL << sock_custom_sockopt)))
        return false;
    return !K::registry::sk_setsockopt_hooks_table.v[so.ops] ||
           (optname != so_peek_off && optname != so_rcvlowat && optname != so_keepalive);
}

//! do_sock_getsockopt: SOL_SOCKET is the socket layer's own and needs no
//! ops call; the one thing the ops decide there (can they set a peek
//! offset?) is a bit of a constant table, not a dispatch.
template <class K>
inline int sys_getsockopt(K& k, int fd, int level, int optname, void* optval, socklen_t* optlen) {
    ksock::socket* so = k.sockfd_lookup(fd);
    if (!so)
        return -ebadf;
    if (level == sol_socket)
        return sk_getsockopt(*so, optname, optval, optlen, k.current_cred(),
                             K::registry::ops_peek_off_table.v[so->ops]);
    return K::registry::with_entry_inline(*so, [&]<class E>() {
        return getsockopt_entry<E>(k, *so, level, optname, optval, optlen);
    });
}

//! do_sock_setsockopt. A length above INT_MAX is negative to Linux, whose
//! optlen is an int: EINVAL.
template <class K>
inline int sys_setsockopt(K& k, int fd, int level, int optname, const void* optval,
                          socklen_t optlen) {
    ksock::socket* so = k.sockfd_lookup(fd);
    if (!so)
        return -ebadf;
    if (static_cast<int>(optlen) < 0)
        return -einval;
    if (sk_setsockopt_shared<K>(*so, level, optname))
        return sk_setsockopt(*so, optname, optval, optlen, k.current_cred());
    return K::registry::with_entry_inline(*so, [&]<class E>() {
        return setsockopt_entry<E>(k, *so, level, optname, optval, optlen);
    });
}

} // namespace ksock::kernel
