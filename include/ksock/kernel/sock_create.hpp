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

//! __sock_create, in Linux's order. \p Resolved is the registry's
//! resolve<F, T, P> when the triple was resolved at compile time (then no
//! lookup runs), void otherwise. On error nothing is left allocated.
template <class Resolved, class K>
inline int sock_create(K& k, int family, int type, int protocol, ksock::socket** res, int kern) {
    using registry = typename K::registry;
    trace_scope ts(k.trace_, "__sock_create");
    if (const int err = sock_check_range(family, type))
        return ts.result(err);
    family = sock_effective_family(family, type);
    if (const int err = k.hooks_.socket_create(k.current_cred(), family, type, protocol, kern)) {
        k.trace_.note("security_socket_create denied");
        return ts.result(err);
    }
    ksock::socket* so = sock_alloc(k);
    if (!so)
        return ts.result(-enfile);
    so->type = static_cast<short>(type);

    resolution r{};
    if constexpr (!std::is_void_v<Resolved>) {
        r = resolution{0, Resolved::index, Resolved::type, Resolved::protocol};
    } else {
        trace_scope tl(k.trace_, "net_families[family]->create: lookup");
        r = registry::lookup(family, type, protocol);
        tl.result(r.err);
    }
    if (r.err) {
        sock_release(k, so);
        return ts.result(r.err);
    }
    so->type = static_cast<short>(r.type);
    auto create = [&]<class E>() {
        using F = typename registry::template family_of<E>;
        return F::create::template create<E>(k, *so, r.protocol, kern);
    };
    int err;
    if constexpr (!std::is_void_v<Resolved>)
        err = create.template operator()<typename Resolved::entry>();
    else
        err = detail::with_index<registry::entries::size>(
            static_cast<std::size_t>(r.entry), [&]<std::size_t I>() {
                return create.template operator()<detail::at_t<I, typename registry::entries>>();
            });
    if (err) {
        // pf->create failed and unwound its own work; ops stay NULL so no
        // release op runs on the half-built socket.
        so->ops = 0;
        sock_release(k, so);
        return ts.result(err);
    }
    so->ops = static_cast<std::uint8_t>(r.entry + 1);
    if constexpr (K::trace_type::enabled)
        k.trace_.text("sock->ops",
                      registry::with_entry(*so, []<class E>() { return E::ops::name; }));
    if (const int perr = k.hooks_.socket_post_create(*so, family, type, protocol, kern)) {
        k.trace_.note("security_socket_post_create denied");
        sock_release(k, so); // ops set: the release op tears the sock down
        return ts.result(perr);
    }
    *res = so;
    return 0;
}

//! __sys_socket. \p Resolved: see sock_create.
template <class Resolved, class K>
inline int sys_socket(K& k, int family, int type, int protocol) {
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
    const int flags = type & ~sock_type_mask;
    type &= sock_type_mask;
    ksock::socket* so = nullptr;
    if (const int err = sock_create<Resolved>(k, family, type, protocol, &so, 0))
        return ts.result(err);
    const int fd = sock_map_fd(k, so, flags & (o_cloexec | o_nonblock));
    if constexpr (K::trace_type::enabled)
        k.trace_.field("return", fd);
    return ts.result(fd);
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
