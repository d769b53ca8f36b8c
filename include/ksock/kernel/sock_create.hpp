// ksock/kernel/sock_create.hpp: socket(2) and socketpair(2) as net/socket.c
// runs them: __sys_socket, __sock_create, __sys_socketpair. Every failure
// unwinds exactly what was built before it.
#pragma once

#include <type_traits>

#include <ksock/detail/type_list.hpp>
#include <ksock/detail/with_index.hpp>
#include <ksock/kernel/file_table.hpp>
#include <ksock/kernel/socket_alloc.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/platform.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/registry/create_args.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock::kernel {

//! __sock_create once the entry is known: pf->create for entry E, then
//! the socket's ops and the post_create hook. On error the socket is
//! released. Inlined into the per-entry bodies below.
template <class E, class K>
KSOCK_ALWAYS_INLINE inline int sock_create_entry(K& k, ksock::socket* so, int family, int type,
                                                 int protocol, int kern) {
    using registry = typename K::registry;
    using F = typename registry::template family_of<E>;
    if (const int err = F::create::template create<E>(k, *so, protocol, kern)) {
        // pf->create failed and unwound its own work; ops stay NULL so no
        // release op runs on the half-built socket.
        so->ops = 0;
        sock_release(k, so);
        return err;
    }
    so->ops = static_cast<std::uint8_t>(detail::index_of_v<E, typename registry::entries> + 1);
    if constexpr (K::trace_type::enabled)
        k.trace_.text("sock->ops", E::ops::name);
    if (const int perr = k.hooks_.socket_post_create(*so, family, type, protocol, kern)) {
        k.trace_.note("security_socket_post_create denied");
        sock_release(k, so); // ops set: the release op tears the sock down
        return perr;
    }
    return 0;
}
//! The same, out of line: one body per entry, which the dispatch switch
//! calls with its arguments in registers.
template <class E, class K>
KSOCK_NOINLINE int sock_create_entry_call(K& k, ksock::socket* so, int family, int type,
                                          int protocol, int kern) {
    return sock_create_entry<E>(k, so, family, type, protocol, kern);
}

//! __sock_create up to pf->create: the range checks, the hooks, sock_alloc
//! and (unless \p Resolved is known) net_families[family] and the protosw
//! lookup. 0 with \p so and \p r set, or -errno with nothing allocated.
template <class Resolved, class K>
KSOCK_ALWAYS_INLINE inline int sock_create_prepare(K& k, int& family, int type, int protocol,
                                                   int kern, ksock::socket*& so, resolution& r) {
    using registry = typename K::registry;
    if (const int err = sock_check_range(family, type))
        return err;
    family = sock_effective_family(family, type);
    // The hooks read the caller's credentials, which boot sets: without
    // hooks, sock_alloc's cache is where an unbooted stack boots.
    if constexpr (!K::hooks_type::none)
        k.boot_locked();
    if (const int err = k.hooks_.socket_create(k.current_cred(), family, type, protocol, kern)) {
        k.trace_.note("security_socket_create denied");
        return err;
    }
    so = sock_alloc(k);
    if (!so)
        return -enfile;
    so->type = static_cast<short>(type);
    if constexpr (!std::is_void_v<Resolved>) {
        r = resolution{0, Resolved::index, Resolved::type, Resolved::protocol};
    } else {
        trace_scope tl(k.trace_, "net_families[family]->create: lookup");
        r = registry::lookup(family, type, protocol);
        tl.result(r.err);
        if (r.err) {
            sock_release(k, so);
            return r.err;
        }
    }
    so->type = static_cast<short>(r.type);
    return 0;
}

//! __sock_create, in Linux's order. \p Resolved is the registry's
//! resolve<F, T, P> when the triple was resolved at compile time (then no
//! lookup runs), void otherwise. On error nothing is left allocated.
template <class Resolved, class K>
inline int sock_create(K& k, int family, int type, int protocol, ksock::socket** res, int kern) {
    using registry = typename K::registry;
    trace_scope ts(k.trace_, "__sock_create");
    ksock::socket* so = nullptr;
    resolution r{};
    if (const int err = sock_create_prepare<Resolved>(k, family, type, protocol, kern, so, r))
        return ts.result(err);
    int err;
    if constexpr (!std::is_void_v<Resolved>)
        err = sock_create_entry<typename Resolved::entry>(k, so, family, type, r.protocol, kern);
    else
        err = detail::with_index_inline<registry::entries::size>(
            static_cast<std::size_t>(r.entry), [&]<std::size_t I>() {
                return sock_create_entry_call<detail::at_t<I, typename registry::entries>>(
                    k, so, family, type, r.protocol, kern);
            });
    if (err)
        return ts.result(err);
    *res = so;
    return 0;
}

//! socket(2) once the entry is known, for an untraced stack: sock_alloc,
//! pf->create, ops, hook and sock_map_fd in one body per entry, which the
//! dispatch switch jumps to (a tail call, its arguments in registers).
template <class E, class K>
KSOCK_NOINLINE int sys_socket_entry(K& k, int family, int type, int protocol, int flags) {
    ksock::socket* so = sock_alloc(k);
    if (!so)
        return -enfile;
    so->type = static_cast<short>(type);
    if (const int err = sock_create_entry<E>(k, so, family, type, protocol, 0))
        return err;
    return sock_map_fd(k, so, flags);
}

//! The lookup failed where Linux runs it, after sock_alloc: ENFILE when
//! sockfs' cache is out, the lookup's error otherwise, with the same
//! allocation made and undone (an inode number spent, a fault point asked).
template <class K>
KSOCK_NOINLINE KSOCK_COLD int sock_lookup_failed(K& k, int err) {
    ksock::socket* so = sock_alloc(k);
    if (!so)
        return -enfile;
    sock_release(k, so);
    return err;
}

//! socket(2) with a protocol other than 0, after the checks: the family's
//! own lookup, then the entry's body (out of line, so that the usual call
//! keeps no frame of its own).
template <class K>
KSOCK_NOINLINE int sys_socket_lookup(K& k, int family, int type, int protocol, int flags) {
    using registry = typename K::registry;
    const resolution r = registry::lookup(family, type, protocol);
    if (r.err)
        return sock_lookup_failed(k, r.err);
    return detail::with_index_inline<registry::entries::size>(
        static_cast<std::size_t>(r.entry), [&]<std::size_t I>() {
            return sys_socket_entry<detail::at_t<I, typename registry::entries>>(k, family, r.type,
                                                                                 r.protocol, flags);
        });
}

//! __sys_socket. \p Resolved: see sock_create. A traced stack takes the
//! steps one inside the other as Linux does (__sock_create, then
//! sock_map_fd); an untraced one runs the same functions with the
//! lookup first (it allocates nothing) and the rest in the entry's body.
template <class Resolved, class K>
inline int sys_socket(K& k, int family, int type, int protocol) {
    using registry = typename K::registry;
    trace_scope ts(k.trace_, "__sys_socket");
    if constexpr (K::trace_type::enabled) {
        k.trace_.field("family", family, names_in(value_base::dec, af_names));
        k.trace_.field("type", type, names_in(value_base::dec, sock_type_names));
        k.trace_.field("protocol", protocol);
    }
    // update_socket_protocol(): the BPF hook returns protocol unchanged.
    // __sys_socket_create: the flag check comes before everything.
    if (const int err = sock_check_type_flags(type))
        return ts.result(err);
    const int flags = type & ~sock_type_mask & (o_cloexec | o_nonblock);
    type &= sock_type_mask;
    if constexpr (K::trace_type::enabled) {
        ksock::socket* so = nullptr;
        if (const int err = sock_create<Resolved>(k, family, type, protocol, &so, 0))
            return ts.result(err);
        const int fd = sock_map_fd(k, so, flags);
        k.trace_.field("return", fd);
        return ts.result(fd);
    } else {
        if (const int err = sock_check_range(family, type))
            return err;
        family = sock_effective_family(family, type);
        if constexpr (!K::hooks_type::none)
            k.boot_locked(); // the hooks read the credentials boot sets
        if (const int err = k.hooks_.socket_create(k.current_cred(), family, type, protocol, 0))
            return err;
        if constexpr (!std::is_void_v<Resolved>) {
            return sys_socket_entry<typename Resolved::entry>(k, family, Resolved::type,
                                                              Resolved::protocol, flags);
        } else {
            if (protocol != 0)
                return sys_socket_lookup(k, family, type, protocol, flags);
            const resolution r = registry::lookup(family, type, 0);
            if (r.err)
                return sock_lookup_failed(k, r.err);
            return detail::with_index_inline<registry::entries::size>(
                static_cast<std::size_t>(r.entry), [&]<std::size_t I>() {
                    return sys_socket_entry<detail::at_t<I, typename registry::entries>>(
                        k, family, r.type, r.protocol, flags);
                });
        }
    }
}

//! __sys_socketpair, in Linux's order: flags, two fds reserved, the fds
//! written out, two sockets, the hook, ops->socketpair, two files, install.
template <class K>
inline int sys_socketpair(K& k, int family, int type, int protocol, int* sv) {
    trace_scope ts(k.trace_, "__sys_socketpair");
    if (const int err = sock_check_type_flags(type))
        return ts.result(err);
    const int flags = type & ~sock_type_mask;
    type &= sock_type_mask;
    auto& t = k.current_task();
    const int fd1 = k.get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
    if (fd1 < 0)
        return ts.result(fd1);
    const int fd2 = k.get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
    if (fd2 < 0) {
        t.files.put_unused_fd(static_cast<unsigned>(fd1));
        return ts.result(fd2);
    }
    auto put_fds = [&] {
        t.files.put_unused_fd(static_cast<unsigned>(fd2));
        t.files.put_unused_fd(static_cast<unsigned>(fd1));
    };
    if (!sv) { // put_user fails
        put_fds();
        return ts.result(-efault);
    }
    sv[0] = fd1;
    sv[1] = fd2;
    ksock::socket* so1 = nullptr;
    ksock::socket* so2 = nullptr;
    if (int err = sock_create<void>(k, family, type, protocol, &so1, 0)) {
        put_fds();
        return ts.result(err);
    }
    if (int err = sock_create<void>(k, family, type, protocol, &so2, 0)) {
        sock_release(k, so1);
        put_fds();
        return ts.result(err);
    }
    int err = k.hooks_.socket_socketpair(*so1, *so2);
    if (!err)
        err = K::registry::with_entry(*so1,
                                      [&]<class E>() { return ops_socketpair<E>(k, *so1, *so2); });
    if (err) {
        sock_release(k, so2);
        sock_release(k, so1);
        put_fds();
        return ts.result(err);
    }
    ksock::file* f1 = sock_alloc_file(k, so1, flags);
    if (!f1) {
        sock_release(k, so2);
        put_fds();
        return ts.result(-enfile);
    }
    ksock::file* f2 = sock_alloc_file(k, so2, flags);
    if (!f2) {
        fput(k, f1);
        put_fds();
        return ts.result(-enfile);
    }
    t.files.fd_install(static_cast<unsigned>(fd1), f1);
    t.files.fd_install(static_cast<unsigned>(fd2), f2);
    return 0;
}

} // namespace ksock::kernel
