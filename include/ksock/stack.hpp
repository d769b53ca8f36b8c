// ksock/stack.hpp: a socket stack, stack<Config>: the registries of Config
// resolved at compile time, the static pools and fd tables, and the system
// calls of net/socket.c and fs/ over them (socket, socketpair, close, dup,
// dup2, fcntl, getsockopt, setsockopt).
//
// Layering: this header composes everything below it and nothing includes
// it but users. Every call returns kernel-style: a value >= 0 or -errno.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/config.hpp>
#include <ksock/core/scm.hpp>
#include <ksock/core/skbuff.hpp>
#include <ksock/core/sock_init.hpp>
#include <ksock/core/sock_sockopt.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/detail/with_index.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/policy/lock.hpp>
#include <ksock/policy/security.hpp>
#include <ksock/policy/trace.hpp>
#include <ksock/policy/wait.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/runtime/pool.hpp>
#include <ksock/runtime/task.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/ioctls.hpp>
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

namespace detail {

template <class F>
struct protosw_of {
    using type = typename F::protosw;
};
template <class L>
struct all_entries;
template <class... Fs>
struct all_entries<type_list<Fs...>> {
    using type = concat_t<typename Fs::protosw...>;
};
template <class E>
struct prot_of {
    using type = typename E::prot;
};

//! One pool per proto (and the proto's state, if it has one).
template <class P, std::size_t N>
struct proto_slot {
    pool<typename P::obj_type, N> objects;
};
template <class P, std::size_t N>
requires has_state<P>
struct proto_slot<P, N> {
    pool<typename P::obj_type, N> objects;
    typename P::state_type state;
};

template <class Config, class L>
struct proto_pools;
template <class Config, class... Ps>
struct proto_pools<Config, type_list<Ps...>>
    : proto_slot<Ps, Config::template proto_objects<Ps>>... {
    template <class P>
    constexpr auto& slot() noexcept {
        return static_cast<proto_slot<P, Config::template proto_objects<P>>&>(*this);
    }
};

//! Storage that stays all-zero until first use, so a constinit stack is in
//! .bss: the union's active member is a char until boot() assigns T.
template <class T>
union lazy {
    char none;
    T value;
    constexpr lazy() noexcept : none() {}
};

template <class L>
constexpr bool all_families_distinct() {
    return []<class... Fs>(type_list<Fs...>) {
        constexpr int n[] = {Fs::number..., -1};
        for (std::size_t j = 0; j < sizeof...(Fs); ++j)
            for (std::size_t i = 0; i < j; ++i)
                if (n[i] == n[j])
                    return false;
        return true;
    }(L{});
}

} // namespace detail

template <class Config = default_config>
class stack {
public:
    using config = Config;
    using families = typename Config::families;
    //! Every protosw entry of every family, family by family, in order.
    using entries = typename detail::all_entries<families>::type;
    //! Every distinct proto: one pool each.
    using protos = detail::unique_t<detail::transform_t<detail::prot_of, entries>>;
    using trace_type = typename Config::trace;
    using lock_type = typename Config::lock;
    using fault_type = typename Config::fault;
    using wait_type = typename Config::wait;
    using task_type = ksock::task<Config::max_fds>;

    static constexpr int family_count = static_cast<int>(families::size);
    static constexpr int entry_count = static_cast<int>(entries::size);

    static_assert(detail::is_type_list<families>::value,
                  "ksock::stack<Config>: Config::families must be a ksock::type_list");
    static_assert(family_count > 0, "ksock::stack<Config>: at least one family is required");
    static_assert(detail::all_families_distinct<families>(),
                  "ksock::stack<Config>: two families share one number (sock_register "
                  "refuses a duplicate family with EEXIST)");
    static_assert(entry_count > 0 && entry_count < 255,
                  "ksock::stack<Config>: between 1 and 254 protosw entries are supported");
    static_assert(Config::max_fds > 0 && Config::max_sockets > 0 && Config::tasks > 0,
                  "ksock::stack<Config>: capacities must be at least 1");
    static_assert(trace_policy<trace_type>,
                  "ksock::stack<Config>: Config::trace must model ksock::trace_policy");
    static_assert(lock_policy<lock_type>,
                  "ksock::stack<Config>: Config::lock must have lock() and unlock()");
    static_assert(fault_policy<fault_type>,
                  "ksock::stack<Config>: Config::fault must model ksock::fault_policy");
    static_assert(wait_policy<wait_type>,
                  "ksock::stack<Config>: Config::wait must model ksock::wait_policy");
    static_assert(!wait_type::can_block || !std::is_same_v<lock_type, no_lock>,
                  "ksock::stack<Config>: a blocking Config::wait needs a real Config::lock "
                  "(a sleeping call releases it so that others can run)");
    static_assert(Config::skbs > 0 && Config::skb_data_size >= 64,
                  "ksock::stack<Config>: at least one skb of at least 64 data bytes is required");
    static_assert(Config::scm_fp_lists > 0 && Config::scm_max_fd > 0 &&
                      Config::scm_max_fd <= static_cast<std::size_t>(ksock::scm_max_fd),
                  "ksock::stack<Config>: Config::scm_fp_lists must be at least 1 and "
                  "Config::scm_max_fd between 1 and SCM_MAX_FD (253)");

private:
    // --- compile-time tables generated from the lists ---------------------
    struct family_row {
        int first; //!< index of the family's first entry in `entries`
        int count;
    };
    static constexpr auto family_rows = []<class... Fs>(type_list<Fs...>) {
        struct rows {
            family_row r[sizeof...(Fs)];
        } out{};
        int first = 0, i = 0;
        ((out.r[i++] = family_row{first, static_cast<int>(Fs::protosw::size)},
          first += static_cast<int>(Fs::protosw::size)),
         ...);
        return out;
    }(families{});

    //! net_families[]: family number -> index in `families`, or -1.
    static constexpr auto net_families = []<class... Fs>(type_list<Fs...>) {
        struct table {
            signed char idx[af_max];
        } t{};
        for (signed char& x : t.idx)
            x = -1;
        signed char i = 0;
        ((t.idx[Fs::number] = i++), ...);
        return t;
    }(families{});

    static constexpr auto entry_table = []<class... Es>(type_list<Es...>) {
        struct table {
            protosw_desc d[sizeof...(Es)];
        } t{{{Es::type, Es::protocol, Es::flags}...}};
        return t;
    }(entries{});

    //! Per ops index (socket::ops, 0 = none): does the entry's ops type
    //! define set_peek_off?
    static constexpr auto ops_peek_off_table = []<class... Es>(type_list<Es...>) {
        struct table {
            bool v[sizeof...(Es) + 1];
        } t{{false, detail::has_set_peek_off<typename Es::ops>...}};
        return t;
    }(entries{});

public:
    // --- resolution: one constexpr function, compile time and run time ----

    //! __sys_socket_create's flag check and __sock_create's range checks, in
    //! Linux's order: stray flag bits (EINVAL), family (EAFNOSUPPORT), type
    //! (EINVAL). \p type may carry SOCK_NONBLOCK | SOCK_CLOEXEC.
    static constexpr int check_args(int family, int type) noexcept {
        if ((type & ~sock_type_mask) & ~(sock_cloexec | sock_nonblock))
            return -einval;
        type &= sock_type_mask;
        if (family < 0 || family >= nproto)
            return -eafnosupport;
        if (type < 0 || type >= sock_max)
            return -einval;
        return 0;
    }

    //! (PF_INET, SOCK_PACKET) is served by PF_PACKET (a compatibility quirk).
    static constexpr int effective_family(int family, int type) noexcept {
        return family == pf_inet && (type & sock_type_mask) == sock_packet ? pf_packet : family;
    }

    //! net_families[family] and pf->create's lookup. Precondition: check_args
    //! passed. The entry index in the result is stack-wide.
    static constexpr resolution lookup(int family, int type, int protocol) noexcept {
        type &= sock_type_mask;
        const int fi = net_families.idx[family];
        if (fi < 0)
            return {-eafnosupport, -1, type, protocol};
        return detail::with_index<families::size>(
            static_cast<std::size_t>(fi), [&]<std::size_t I>() -> resolution {
                using F = detail::at_t<I, families>;
                constexpr family_row row = family_rows.r[I];
                resolution r =
                    F::create::lookup(entry_table.d + row.first, row.count, type, protocol);
                if (r.err == 0)
                    r.entry += row.first;
                return r;
            });
    }

    //! Everything socket() checks before any allocation or credential:
    //! 0 when (family, type, protocol) resolves, else -errno. The same
    //! functions run inside socket().
    static constexpr resolution resolve_triple(int family, int type, int protocol) noexcept {
        if (const int err = check_args(family, type))
            return {err, -1, type, protocol};
        return lookup(effective_family(family, type), type, protocol);
    }
    static constexpr int resolve_errno(int family, int type, int protocol) noexcept {
        return resolve_triple(family, type, protocol).err;
    }

    //! The entry (family, type, protocol) resolves to, at compile time.
    template <int Family, int Type, int Protocol>
    struct resolve {
    private:
        static constexpr resolution r = resolve_triple(Family, Type, Protocol);
        static_assert(r.err != -einval,
                      "ksock::stack::resolve<F, T, P>: invalid type flags, type or protocol "
                      "(EINVAL)");
        static_assert(r.err != -eafnosupport,
                      "ksock::stack::resolve<F, T, P>: the family is not registered in this "
                      "stack (EAFNOSUPPORT)");
        static_assert(r.err != -esocktnosupport,
                      "ksock::stack::resolve<F, T, P>: the family has no entry for this "
                      "socket type (ESOCKTNOSUPPORT)");
        static_assert(r.err != -eprotonosupport,
                      "ksock::stack::resolve<F, T, P>: no entry of this type serves the "
                      "protocol (EPROTONOSUPPORT)");
        static_assert(r.err == 0 || r.err == -einval || r.err == -eafnosupport ||
                          r.err == -esocktnosupport || r.err == -eprotonosupport,
                      "ksock::stack::resolve<F, T, P>: unsupported triple");

    public:
        static constexpr int index = r.entry;
        using entry = detail::at_t<static_cast<std::size_t>(r.entry < 0 ? 0 : r.entry), entries>;
        static constexpr int family = effective_family(Family, Type);
        static constexpr int type = r.type;
        static constexpr int protocol = r.protocol;
        static constexpr unsigned flags = entry::flags;
        using prot = typename entry::prot;
        using ops = typename entry::ops;
        using obj_type = typename prot::obj_type;
        static constexpr std::size_t obj_size = prot::obj_size;
    };

    // --- construction -----------------------------------------------------
    constexpr stack() noexcept = default;
    stack(const stack&) = delete;
    stack& operator=(const stack&) = delete;

    //! Bring the stack to its initial state now (sysctls at Linux's defaults,
    //! every task root with an empty fd table). Every call does this on
    //! first use; call it early to keep that branch off a hot path.
    //! Safe to call from any thread: only the first call takes the lock.
    void boot() noexcept {
        if (__atomic_load_n(&booted_, __ATOMIC_ACQUIRE))
            return;
        lock_guard g(lock_);
        boot_locked();
    }

private:
    //! With the stack lock held (or a single thread). Every call passes
    //! here: the test is inline, the work is out of line and cold, so a
    //! system call does not pay a stack frame for the first call's work.
    void boot_locked() noexcept {
        if (__builtin_expect(__atomic_load_n(&booted_, __ATOMIC_RELAXED), 1))
            return;
        boot_slow();
    }
    [[gnu::noinline, gnu::cold]] void boot_slow() noexcept {
        state_.value = booted_state{};
        for (std::size_t i = 0; i < Config::tasks; ++i) {
            task_type& t = state_.value.tasks[i];
            t.cred = cred::root();
            t.rlimit_nofile = static_cast<unsigned>(Config::max_fds);
            t.pid = static_cast<int>(i) + 1;
        }
        __atomic_store_n(&booted_, true, __ATOMIC_RELEASE);
    }

public:
    // --- the system calls ---------------------------------------------------

    //! socket(2): an fd >= 0 or -errno.
    int socket(int family, int type, int protocol) {
        lock_guard g(lock_);
        boot_locked();
        return sys_socket<-1>(family, type, protocol);
    }

    //! socket(2) with the triple resolved at compile time: an unsupported
    //! triple does not compile. Permission, pool and fd errors remain.
    template <int Family, int Type, int Protocol>
    int socket() {
        using R = resolve<Family, Type, Protocol>;
        lock_guard g(lock_);
        boot_locked();
        return sys_socket<R::index>(Family, Type, Protocol);
    }

    //! socketpair(2): 0 and sv[0], sv[1] set, or -errno.
    int socketpair(int family, int type, int protocol, int* sv) {
        lock_guard g(lock_);
        boot_locked();
        return sys_socketpair(family, type, protocol, sv);
    }

    //! close(2).
    int close(int fd) {
        lock_guard g(lock_);
        boot_locked();
        ksock::file* f = current_task().files.close_fd(fd);
        if (!f)
            return -ebadf;
        fput(f);
        return 0;
    }

    //! dup(2): the lowest free fd sharing the file.
    int dup(int fd) {
        lock_guard g(lock_);
        boot_locked();
        task_type& t = current_task();
        ksock::file* f = t.files.lookup(fd);
        if (!f)
            return -ebadf;
        const int nfd = get_unused_fd_flags(t, 0, 0);
        if (nfd >= 0) {
            ++f->f_count;
            t.files.fd_install(static_cast<unsigned>(nfd), f);
        }
        return nfd;
    }

    //! dup2(2).
    int dup2(int oldfd, int newfd) {
        lock_guard g(lock_);
        boot_locked();
        task_type& t = current_task();
        if (oldfd == newfd)
            return t.files.lookup(oldfd) ? oldfd : -ebadf;
        return dup3_locked(oldfd, newfd, 0);
    }

    //! fcntl(2): F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL.
    int fcntl(int fd, int cmd, long arg = 0) {
        lock_guard g(lock_);
        boot_locked();
        task_type& t = current_task();
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
            const int nfd = get_unused_fd_flags(t, static_cast<unsigned>(from),
                                                cmd == f_dupfd_cloexec ? o_cloexec : 0);
            if (nfd >= 0) {
                ++f->f_count;
                t.files.fd_install(static_cast<unsigned>(nfd), f);
            }
            return nfd;
        }
        case f_getfd:
            return t.files.is_close_on_exec(static_cast<unsigned>(fd)) ? fd_cloexec : 0;
        case f_setfd:
            t.files.set_close_on_exec(static_cast<unsigned>(fd), (argi & fd_cloexec) != 0);
            return 0;
        case f_getfl:
            return static_cast<int>(f->f_flags);
        case f_setfl:
            return setfl(*f, argi);
        default:
            return -einval;
        }
    }

    //! getsockopt(2): 0 or -errno; *optlen is read and written back.
    int getsockopt(int fd, int level, int optname, void* optval, socklen_t* optlen) {
        lock_guard g(lock_);
        boot_locked();
        ksock::socket* so = socket_of_locked(fd);
        if (!so)
            return -ebadf;
        // do_sock_getsockopt: SOL_SOCKET is the socket layer's own and needs
        // no ops call; the one thing the ops decide there (can they set a
        // peek offset?) is a bit of a constant table, not a dispatch.
        if (level == sol_socket)
            return sk_getsockopt(*so, optname, optval, optlen, current_cred(),
                                 ops_peek_off_table.v[so->ops]);
        return with_entry_inline(*so, [&]<class E>() {
            return this->template getsockopt_entry<E>(*so, level, optname, optval, optlen);
        });
    }

    //! setsockopt(2): 0 or -errno. A length above INT_MAX is negative to
    //! Linux, whose optlen is an int: EINVAL.
    int setsockopt(int fd, int level, int optname, const void* optval, socklen_t optlen) {
        lock_guard g(lock_);
        boot_locked();
        ksock::socket* so = socket_of_locked(fd);
        if (!so)
            return -ebadf;
        if (static_cast<int>(optlen) < 0)
            return -einval;
        return with_entry_inline(*so, [&]<class E>() {
            return this->template setsockopt_entry<E>(*so, level, optname, optval, optlen);
        });
    }

    // --- the data path (net/socket.c) ---------------------------------------

    //! bind(2).
    int bind(int fd, const sockaddr* addr, socklen_t addrlen) {
        lock_guard g(lock_);
        boot_locked();
        ksock::socket* so = socket_of_locked(fd);
        if (!so)
            return -ebadf;
        sockaddr_storage address;
        const int len = static_cast<int>(addrlen);
        if (const int err = move_addr_to_kernel(addr, len, &address))
            return err;
        const auto* a = reinterpret_cast<const sockaddr*>(&address);
        trace_scope ts(trace_, "__sys_bind");
        if (const int err = hooks_.socket_bind(*so, a, len))
            return ts.result(err);
        return ts.result(
            with_entry_inline(*so, [&]<class E>() { return ops_bind<E>(*this, *so, a, len); }));
    }

    //! connect(2). A non-blocking file connects with O_NONBLOCK in flags.
    int connect(int fd, const sockaddr* addr, socklen_t addrlen) {
        lock_guard g(lock_);
        boot_locked();
        ksock::file* f = current_task().files.lookup(fd);
        if (!f)
            return -ebadf;
        auto* so = static_cast<ksock::socket*>(f->private_data);
        sockaddr_storage address;
        const int len = static_cast<int>(addrlen);
        if (const int err = move_addr_to_kernel(addr, len, &address))
            return err;
        const auto* a = reinterpret_cast<const sockaddr*>(&address);
        trace_scope ts(trace_, "__sys_connect");
        if (const int err = hooks_.socket_connect(*so, a, len))
            return ts.result(err);
        const int flags = static_cast<int>(f->f_flags);
        return ts.result(with_entry_inline(
            *so, [&]<class E>() { return ops_connect<E>(*this, *so, a, len, flags); }));
    }

    //! listen(2): the backlog is clamped to net.core.somaxconn (a negative
    //! one is huge to the unsigned comparison, so it is clamped too).
    int listen(int fd, int backlog) {
        lock_guard g(lock_);
        boot_locked();
        ksock::socket* so = socket_of_locked(fd);
        if (!so)
            return -ebadf;
        const int somaxconn = state_.value.net.sysctl.somaxconn;
        if (static_cast<unsigned>(backlog) > static_cast<unsigned>(somaxconn))
            backlog = somaxconn;
        trace_scope ts(trace_, "__sys_listen");
        if constexpr (trace_type::enabled)
            trace_.field("backlog (clamped to somaxconn)", backlog);
        if (const int err = hooks_.socket_listen(*so, backlog))
            return ts.result(err);
        return ts.result(
            with_entry_inline(*so, [&]<class E>() { return ops_listen<E>(*this, *so, backlog); }));
    }

    //! accept(2).
    int accept(int fd, sockaddr* addr, socklen_t* addrlen) { return accept4(fd, addr, addrlen, 0); }

    //! accept4(2), in __sys_accept4_file's order: flags, an fd reserved, a
    //! socket with the listener's ops and a file, the hook, ops->accept, the
    //! peer's address copied out, the fd installed. On any error the new
    //! socket and file go (with the accepted connection, if the copy-out
    //! failed: Linux drops it too) and the fd is given back.
    int accept4(int fd, sockaddr* addr, socklen_t* addrlen, int flags) {
        lock_guard g(lock_);
        boot_locked();
        task_type& t = current_task();
        ksock::file* lf = t.files.lookup(fd);
        if (!lf)
            return -ebadf;
        if (flags & ~(sock_cloexec | sock_nonblock))
            return -einval;
        auto* so = static_cast<ksock::socket*>(lf->private_data);
        trace_scope ts(trace_, "__sys_accept4");
        const int newfd = get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
        if (newfd < 0)
            return ts.result(newfd);
        int err = do_accept(*lf, *so, addr, addrlen, flags, newfd);
        if (err < 0)
            t.files.put_unused_fd(static_cast<unsigned>(newfd));
        if constexpr (trace_type::enabled)
            trace_.field("return", err);
        return err < 0 ? ts.result(err) : err;
    }

    //! getsockname(2).
    int getsockname(int fd, sockaddr* addr, socklen_t* addrlen) {
        return getname(fd, addr, addrlen, 0);
    }
    //! getpeername(2).
    int getpeername(int fd, sockaddr* addr, socklen_t* addrlen) {
        return getname(fd, addr, addrlen, 1);
    }

    //! send(2).
    long send(int fd, const void* buf, std::size_t len, int flags) {
        return sendto(fd, buf, len, flags, nullptr, 0);
    }

    //! sendto(2): one iovec over \p buf; the length is capped at
    //! MAX_RW_COUNT, a non-blocking file adds MSG_DONTWAIT. A bad buffer is
    //! found only when the protocol copies from it (EFAULT then), as in
    //! Linux: a send that fails earlier reports that error instead.
    long sendto(int fd, const void* buf, std::size_t len, int flags, const sockaddr* addr,
                socklen_t addrlen) {
        lock_guard g(lock_);
        boot_locked();
        if (len > max_rw_count)
            len = max_rw_count;
        ksock::file* f = current_task().files.lookup(fd);
        if (!f)
            return -ebadf;
        iovec iov{const_cast<void*>(buf), len};
        kmsghdr msg{};
        msg.msg_iter = iov_iter{&iov, 1, 0, len};
        sockaddr_storage address;
        if (addr) {
            const int alen = static_cast<int>(addrlen);
            if (const int err = move_addr_to_kernel(addr, alen, &address))
                return err;
            msg.msg_name = &address;
            msg.msg_namelen = alen;
        }
        if (f->f_flags & o_nonblock)
            flags |= msg_dontwait;
        msg.msg_flags = flags;
        return sock_sendmsg(*static_cast<ksock::socket*>(f->private_data), msg);
    }

    //! sendmsg(2). The control buffer is read in place by the protocol
    //! (PF_UNIX: SCM_RIGHTS, SCM_CREDENTIALS); like Linux's copy of it, one
    //! of INT_MAX bytes or more, or longer than the 36 bytes Linux keeps on
    //! its stack and at least net.core.optmem_max, is ENOBUFS.
    long sendmsg(int fd, const msghdr* umsg, int flags) {
        lock_guard g(lock_);
        boot_locked();
        ksock::file* f = current_task().files.lookup(fd);
        if (!f)
            return -ebadf;
        if (flags & msg_cmsg_compat)
            return -einval;
        if (!umsg)
            return -efault;
        kmsghdr msg{};
        sockaddr_storage address;
        if (const int err = copy_msghdr_from_user(*umsg, msg, &address, true))
            return err;
        if (const std::size_t ctl_len = umsg->msg_controllen) {
            if (ctl_len > 0x7fffffffu ||
                (ctl_len > sizeof(cmsghdr) + 20 &&
                 ctl_len >= static_cast<std::size_t>(state_.value.net.sysctl.optmem_max)))
                return -enobufs; // sock_kmalloc
            if (!umsg->msg_control)
                return -efault; // copy_from_user
            msg.msg_control = umsg->msg_control;
            msg.msg_controllen = ctl_len;
        }
        if (f->f_flags & o_nonblock)
            flags |= msg_dontwait;
        msg.msg_flags = flags;
        return sock_sendmsg(*static_cast<ksock::socket*>(f->private_data), msg);
    }

    //! recv(2).
    long recv(int fd, void* buf, std::size_t len, int flags) {
        return recvfrom(fd, buf, len, flags, nullptr, nullptr);
    }

    //! recvfrom(2): the sender's address is copied out when \p addr is given
    //! (its length is 0 for a connected stream).
    long recvfrom(int fd, void* buf, std::size_t len, int flags, sockaddr* addr,
                  socklen_t* addrlen) {
        lock_guard g(lock_);
        boot_locked();
        if (len > max_rw_count)
            len = max_rw_count;
        ksock::file* f = current_task().files.lookup(fd);
        if (!f)
            return -ebadf;
        iovec iov{buf, len};
        sockaddr_storage address{};
        kmsghdr msg{};
        msg.msg_name = addr ? &address : nullptr;
        msg.msg_iter = iov_iter{&iov, 1, 0, len};
        if (f->f_flags & o_nonblock)
            flags |= msg_dontwait;
        long n = sock_recvmsg(*static_cast<ksock::socket*>(f->private_data), msg, flags);
        if (n >= 0 && addr) {
            if (const int err = move_addr_to_user(&address, msg.msg_namelen, addr, addrlen))
                n = err;
        }
        return n;
    }

    //! recvmsg(2): msg_namelen, msg_flags and msg_controllen are written back.
    long recvmsg(int fd, msghdr* umsg, int flags) {
        lock_guard g(lock_);
        boot_locked();
        ksock::file* f = current_task().files.lookup(fd);
        if (!f)
            return -ebadf;
        if (flags & msg_cmsg_compat)
            return -einval;
        if (!umsg)
            return -efault;
        kmsghdr msg{};
        sockaddr_storage address{};
        if (const int err = copy_msghdr_from_user(*umsg, msg, &address, false))
            return err;
        auto* uaddr = static_cast<sockaddr*>(umsg->msg_name);
        msg.msg_name = uaddr ? &address : nullptr;
        msg.msg_namelen = 0;
        msg.msg_control = umsg->msg_control;
        msg.msg_controllen = umsg->msg_controllen;
        if (f->f_flags & o_nonblock)
            flags |= msg_dontwait;
        msg.msg_flags = flags & msg_cmsg_cloexec;
        const long n = sock_recvmsg(*static_cast<ksock::socket*>(f->private_data), msg, flags);
        if (n < 0)
            return n;
        if (uaddr) {
            if (const int err =
                    move_addr_to_user(&address, msg.msg_namelen, uaddr, &umsg->msg_namelen))
                return err;
        }
        umsg->msg_flags = msg.msg_flags;
        // What put_cmsg / scm_detach_fds wrote (msg_control - cmsg_ptr).
        umsg->msg_controllen -= msg.msg_controllen;
        return n;
    }

    //! shutdown(2).
    int shutdown(int fd, int how) {
        lock_guard g(lock_);
        boot_locked();
        ksock::socket* so = socket_of_locked(fd);
        if (!so)
            return -ebadf;
        trace_scope ts(trace_, "__sys_shutdown");
        if (const int err = hooks_.socket_shutdown(*so, how))
            return ts.result(err);
        return ts.result(
            with_entry_inline(*so, [&]<class E>() { return ops_shutdown<E>(*this, *so, how); }));
    }

    //! ioctl(2) on a socket: the VFS's own requests (FIONBIO, FIOASYNC,
    //! FIOCLEX, FIONCLEX), sock_ioctl's (the owner), then the ops' (SIOCINQ,
    //! SIOCOUTQ, SIOCATMARK ...). A request nobody knows is ENOTTY.
    int ioctl(int fd, unsigned long cmd, void* arg) {
        lock_guard g(lock_);
        boot_locked();
        task_type& t = current_task();
        ksock::file* f = t.files.lookup(fd);
        if (!f)
            return -ebadf;
        auto* so = static_cast<ksock::socket*>(f->private_data);
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
            t.files.set_close_on_exec(static_cast<unsigned>(fd), cmd == fioclex);
            return 0;
        case fionbio:
            if (const int err = get_int(v))
                return err;
            f->f_flags = v ? (f->f_flags | o_nonblock) : (f->f_flags & ~unsigned(o_nonblock));
            return 0;
        case fioasync:
            if (const int err = get_int(v))
                return err;
            return setfl(*f, v ? (f->f_flags | o_async) : (f->f_flags & ~unsigned(o_async)));
        case fiosetown:
        case siocspgrp:
            if (const int err = get_int(v))
                return err;
            f->f_owner = v;
            return 0;
        case fiogetown:
        case siocgpgrp:
            if (!arg)
                return -efault;
            std::memcpy(arg, &f->f_owner, sizeof f->f_owner);
            return 0;
        default:
            break;
        }
        const int err =
            with_entry_inline(*so, [&]<class E>() { return ops_ioctl<E>(*this, *so, cmd, arg); });
        return err == -enoioctlcmd ? -enotty : err;
    }

    //! poll(2): revents for each entry, the count of entries with any. A
    //! negative fd is skipped, a closed one reads POLLNVAL; POLLERR and
    //! POLLHUP are reported whether asked for or not. With a wait policy that
    //! cannot block the call never sleeps, whatever \p timeout_ms says.
    int poll(pollfd* fds, unsigned long nfds, int timeout_ms) {
        lock_guard g(lock_);
        boot_locked();
        if (nfds > current_task().nofile())
            return -einval;
        if (!fds && nfds)
            return -efault;
        long timeo =
            timeout_ms < 0
                ? max_schedule_timeout
                : static_cast<long>(msecs_to_jiffies(static_cast<std::uint32_t>(timeout_ms)));
        for (;;) {
            int count = 0;
            for (unsigned long i = 0; i < nfds; ++i) {
                pollfd& p = fds[i];
                unsigned mask = 0;
                if (p.fd >= 0) {
                    ksock::socket* so = socket_of_locked(p.fd);
                    if (!so) {
                        mask = pollnval;
                    } else {
                        const unsigned filter =
                            static_cast<unsigned short>(p.events) | pollerr | pollhup;
                        mask = with_entry_inline(
                                   *so, [&]<class E>() { return ops_poll<E>(*this, *so); }) &
                               filter;
                    }
                }
                p.revents = static_cast<short>(mask);
                count += mask != 0;
            }
            if constexpr (!wait_type::can_block)
                return count;
            else {
                if (count || timeo <= 0)
                    return count;
                wait_.wait(lock_, timeo);
            }
        }
    }

    //! Call \p fn(user, socket, events) whenever a socket's callbacks fire
    //! (sk_data_ready: POLLIN, sk_write_space: POLLOUT, sk_state_change and
    //! sk_error_report: POLLIN | POLLOUT | POLLERR | POLLHUP), so that an
    //! event loop or an RTOS task can sleep until something changed and
    //! then poll(). Called with the stack lock held: the callback must not
    //! call into the stack. Null turns it off.
    using wakeup_fn = void (*)(void* user, ksock::socket& so, unsigned events);
    void set_wakeup(wakeup_fn fn, void* user) noexcept {
        lock_guard g(lock_);
        wakeup_ = fn;
        wakeup_user_ = user;
    }

    //! Advance the stack's clock by \p ms milliseconds and run what expires
    //! (a proto's timers: TIME_WAIT, orphans): the firmware's tick.
    void advance(unsigned long ms) {
        lock_guard g(lock_);
        boot_locked();
        jiffies_ += ms * static_cast<unsigned long>(hz) / 1000u;
        detail::for_each_type(protos{}, [&]<class P>() {
            if constexpr (requires { P::on_tick(*this); })
                P::on_tick(*this);
        });
    }

    // --- tasks, namespace, introspection ----------------------------------

    //! The calling task (`current`).
    task_type& current() noexcept {
        boot();
        return current_task();
    }
    //! Task \p i (0 <= i < Config::tasks).
    task_type& task(std::size_t i) noexcept {
        boot();
        return state_.value.tasks[i];
    }
    //! Make task \p i the caller of the following calls (a context switch).
    void set_current(std::size_t i) noexcept {
        boot();
        if (i < Config::tasks)
            current_ = static_cast<unsigned>(i);
    }
    static constexpr std::size_t task_count() noexcept { return Config::tasks; }

    //! The stack's net namespace.
    ksock::net& net() noexcept {
        boot();
        return state_.value.net;
    }

    //! The socket behind \p fd of the calling task, or null.
    ksock::socket* socket_of(int fd) noexcept {
        boot();
        return socket_of_locked(fd);
    }
    //! The sock behind \p fd, or null.
    sock* sk_of_fd(int fd) noexcept {
        ksock::socket* so = socket_of(fd);
        return so ? so->sk : nullptr;
    }
    //! The file behind \p fd, or null.
    ksock::file* file_of(int fd) noexcept {
        boot();
        return current_task().files.lookup(fd);
    }

    //! Live objects in proto P's pool.
    template <class P>
    std::size_t objects_in_use() noexcept {
        return pools_.template slot<P>().objects.in_use();
    }
    //! Live socket_alloc / file objects.
    std::size_t sockets_in_use() const noexcept { return sockets_.in_use(); }
    std::size_t files_in_use() const noexcept { return files_.in_use(); }
    //! Per-proto state (e.g. the raw hash table).
    template <class P>
    auto& proto_state() noexcept {
        return pools_.template slot<P>().state;
    }

    //! The outcome of check_invariants(): ok, or the first broken rule.
    struct invariant_report {
        bool ok;
        const char* what;
        explicit operator bool() const noexcept { return ok; }
    };

    //! Checks every structural rule that must hold between two calls: each
    //! task's fd bitmaps match its installed files; every file is live and its
    //! f_count equals the fd slots that share it; every socket has exactly
    //! one file and live objects; every pool's count matches its bitmap;
    //! every live sock is linked both ways and counted in its namespace.
    invariant_report check_invariants() noexcept {
        lock_guard g(lock_);
        boot_locked();
        if (!sockets_.consistent() || !files_.consistent() || !skbs_.consistent())
            return {false, "socket, file or skb pool count disagrees with its bitmap"};
        std::size_t installed = 0;
        for (std::size_t ti = 0; ti < Config::tasks; ++ti) {
            const task_type& t = state_.value.tasks[ti];
            unsigned lowest_free = task_type::fd_capacity;
            for (unsigned i = 0; i < task_type::fd_capacity; ++i) {
                const bool open = t.files.fd_is_open(i);
                if (open != (t.files.fd[i] != nullptr))
                    return {false, "fd bitmap and installed files disagree"};
                if (!open && lowest_free == task_type::fd_capacity)
                    lowest_free = i;
                if (!open)
                    continue;
                const ksock::file* f = t.files.fd[i];
                if (!files_.owns(f) || !files_.live(files_.index_of(f)))
                    return {false, "an fd points at a file that is not live"};
                long refs = 0;
                for (std::size_t tj = 0; tj < Config::tasks; ++tj)
                    for (const ksock::file* g2 : state_.value.tasks[tj].files.fd)
                        refs += g2 == f;
                refs += scm_fp_refs(f);
                if (refs != f->f_count)
                    return {false, "a file's f_count differs from the fd slots sharing it "
                                   "and the messages carrying it"};
            }
            if (t.files.next_fd > lowest_free)
                return {false, "next_fd is above a free descriptor"};
            for (std::size_t w = 0; w < t.files.words; ++w) {
                const bool full = t.files.open_fds[w] == ~0UL;
                const bool marked =
                    (t.files.full_fds_bits[w / t.files.bits] >> (w % t.files.bits)) & 1UL;
                if (full != marked)
                    return {false, "full_fds_bits disagrees with open_fds"};
            }
            installed += t.files.count_open();
        }
        // Every live file is reachable from an fd and owns one live socket.
        std::size_t live_files = 0;
        std::size_t in_flight_only = 0;
        for (std::size_t i = 0; i < Config::max_sockets; ++i) {
            if (!files_.live(i))
                continue;
            ++live_files;
            const ksock::file& f = files_.slot(i);
            if (f.f_count < 1)
                return {false, "a live file has no reference"};
            if (f.f_count == scm_fp_refs(&f))
                ++in_flight_only; // reachable through a message, not an fd
            auto* so = static_cast<ksock::socket*>(f.private_data);
            if (!sockets_.owns(so) ||
                !sockets_.live(sockets_.index_of(reinterpret_cast<const socket_alloc*>(so))))
                return {false, "a file's socket is not live"};
            if (so->file != &f || so->ops == 0 || so->ops > entry_count)
                return {false, "a file and its socket are not linked"};
            if (so->sk && so->sk->sk_socket != so)
                return {false, "a socket and its sock are not linked both ways"};
        }
        if (live_files != sockets_.in_use())
            return {false, "live sockets and live files differ in number"};
        if (live_files - in_flight_only > installed)
            return {false, "a live file is not installed in any fd table"};
        // Every live sock: its proto, a reference, the namespace's count.
        int user_socks = 0;
        const char* bad = nullptr;
        detail::for_each_type(protos{}, [&]<class P>() {
            auto& pool = pools_.template slot<P>().objects;
            if (!pool.consistent())
                bad = "a proto pool count disagrees with its bitmap";
            for (std::size_t i = 0; i < Config::template proto_objects<P>; ++i) {
                if (!pool.live(i))
                    continue;
                const sock& sk = member_ref<sock>(pool.slot(i));
                // A sock whose last reference went lives on while skbs it
                // sent are charged to it (sk_wmem_alloc), as in Linux.
                if (sk.sk_prot_creator != proto_desc_v<P> ||
                    (sk.sk_refcnt() < 1 && sk.sk_wmem_alloc < 1))
                    bad = "a live sock has the wrong proto or no reference";
                if (sk.sk_socket && sk.sk_socket->sk != &sk)
                    bad = "a sock points at a socket that does not point back";
                user_socks += sk.sk_net_refcnt();
            }
        });
        if (bad)
            return {false, bad};
        if (user_socks != state_.value.net.sock_inuse)
            return {false, "net.sock_inuse differs from the live user socks"};
        return {true, "ok"};
    }

    //! Nothing is allocated and no fd is open in any task.
    bool empty() noexcept {
        lock_guard g(lock_);
        boot_locked();
        bool objects = false;
        detail::for_each_type(protos{}, [&]<class P>() {
            objects = objects || pools_.template slot<P>().objects.in_use() != 0;
        });
        for (std::size_t ti = 0; ti < Config::tasks; ++ti)
            if (state_.value.tasks[ti].files.count_open() != 0)
                return false;
        return !objects && sockets_.in_use() == 0 && files_.in_use() == 0 && skbs_.in_use() == 0 &&
               scm_fp_.in_use() == 0 && state_.value.net.sock_inuse == 0;
    }

    trace_type& trace() noexcept { return trace_; }
    fault_type& fault() noexcept { return fault_; }
    security_hooks<typename Config::security>& security() noexcept { return hooks_; }

    //! The stack's whole static RAM, in bytes: pools, fd tables, namespace.
    static constexpr std::size_t static_ram() noexcept { return sizeof(stack); }
    //! The part of it that is proto pools.
    static constexpr std::size_t proto_pool_ram() noexcept {
        return sizeof(detail::proto_pools<Config, protos>);
    }

    // --- the context families, protos and ops see -------------------------
    const ksock::cred& current_cred() noexcept { return current_task().cred; }
    std::uint32_t cgroup_classid() noexcept { return current_task().cgroup_classid; }
    std::uint16_t cgroup_prioidx() noexcept { return current_task().cgroup_prioidx; }
    template <class P>
    typename P::obj_type* obj_alloc() noexcept {
        if (fault_.should_fail(fault_site::sk_alloc))
            return nullptr;
        return pools_.template slot<P>().objects.alloc();
    }
    template <class P>
    void obj_free(typename P::obj_type* o) noexcept {
        pools_.template slot<P>().objects.free(o);
    }

    template <class P, class F>
    void for_each_obj(F&& f) {
        auto& objs = pools_.template slot<P>().objects;
        for (std::size_t i = 0; i < Config::template proto_objects<P>; ++i)
            if (objs.live(i))
                f(objs.slot(i));
    }

    // The data path's view of the stack: its wait policy, clock, skb pool and
    // the sock callbacks.
    static constexpr bool can_block = wait_type::can_block;
    //! Sleep (the stack lock released) until a wake-up or \p timeo jiffies.
    void wait(long& timeo) requires(wait_type::can_block) { wait_.wait(lock_, timeo); }
    unsigned long jiffies() const noexcept { return jiffies_; }
    //! One skb chunk, zeroed, with its data area; null when the pool is out.
    sk_buff* skb_alloc() noexcept {
        if (fault_.should_fail(fault_site::skb_alloc))
            return nullptr;
        sk_buff* s = skbs_.alloc();
        if (!s)
            return nullptr;
        s->head = skb_data_[skbs_.index_of(s)];
        s->cap = static_cast<std::uint32_t>(Config::skb_data_size);
        return s;
    }
    void skb_free(sk_buff* s) noexcept { skbs_.free(s); }
    //! Live skb chunks.
    std::size_t skbs_in_use() const noexcept { return skbs_.in_use(); }
    //! __sk_free for a sock of any proto: its pool is its creator's.
    void sk_free_any(sock& sk) noexcept {
        bool done = false;
        detail::for_each_type(protos{}, [&]<class P>() {
            if (!done && sk.sk_prot_creator == proto_desc_v<P>) {
                done = true;
                __sk_free<P>(*this, sk);
            }
        });
    }
    //! sock_def_readable and the protocols' data_ready.
    void sk_data_ready(sock& sk) noexcept {
        wake_up(sk, pollin | pollrdnorm | pollrdband, "sk_data_ready", sk.sk_data_ready);
    }
    //! sock_def_write_space, sk_stream_write_space, unix_write_space.
    void sk_write_space(sock& sk) noexcept {
        wake_up(sk, pollout | pollwrnorm | pollwrband, "sk_write_space", sk.sk_write_space);
    }
    //! sock_def_wakeup.
    void sk_state_change(sock& sk) noexcept {
        wake_up(sk, pollin | pollout | pollerr | pollhup | pollrdnorm | pollwrnorm,
                "sk_state_change", sk.sk_state_change);
    }
    //! sock_def_error_report.
    void sk_error_report(sock& sk) noexcept {
        wake_up(sk, pollerr, "sk_error_report", sk.sk_error_report);
    }

    // --- begin: files and tasks for ancillary data ------------------------
    // What a protocol needs to carry files in messages (SCM_RIGHTS: fs/file.c,
    // net/core/scm.c) and to name the calling task (SCM_CREDENTIALS,
    // SO_PEERCRED). See context.hpp.

    //! task_tgid_vnr(current).
    int current_pid() noexcept { return current_task().pid; }
    //! find_get_pid: does a task have \p pid?
    bool find_pid(int pid) noexcept {
        for (std::size_t i = 0; i < Config::tasks; ++i)
            if (pid > 0 && state_.value.tasks[i].pid == pid)
                return true;
        return false;
    }
    //! fget_raw: the file behind \p fd with a reference of its own, or null.
    ksock::file* fget_raw(int fd) noexcept {
        ksock::file* f = current_task().files.lookup(fd);
        if (f)
            ++f->f_count;
        return f;
    }
    //! fput for a reference a protocol holds (see fput: a release it causes
    //! inside another release is deferred).
    void fput_file(ksock::file* f) { fput(f); }
    //! receive_fd: a new fd in the calling task for \p f (lowest free;
    //! O_CLOEXEC in \p flags), with a reference of its own; -EMFILE. A socket
    //! received joins the receiver's cgroups (__receive_sock).
    int install_fd(ksock::file* f, unsigned flags) noexcept {
        task_type& t = current_task();
        const int fd = get_unused_fd_flags(t, 0, flags);
        if (fd < 0)
            return fd;
        ++f->f_count;
        t.files.fd_install(static_cast<unsigned>(fd), f);
        if (auto* so = static_cast<ksock::socket*>(f->private_data); so && so->sk) {
            so->sk->sk_cgrp_data.classid = t.cgroup_classid;
            so->sk->sk_cgrp_data.prioidx = t.cgroup_prioidx;
        }
        return fd;
    }
    //! An empty scm_fp_list of Config::scm_max_fd files, or null (ENOMEM).
    scm_fp_list* scm_fp_alloc() noexcept {
        scm_fp_list* l = scm_fp_.alloc();
        if (!l)
            return nullptr;
        l->max = static_cast<short>(Config::scm_max_fd);
        l->fp = scm_fp_files_[scm_fp_.index_of(l)];
        return l;
    }
    void scm_fp_free(scm_fp_list* l) noexcept { scm_fp_.free(l); }
    //! scm_fp_lists in use: messages carrying files.
    std::size_t scm_fp_lists_in_use() const noexcept { return scm_fp_.in_use(); }
    //! How many in-flight references to \p f the lists hold.
    long scm_fp_refs(const ksock::file* f) noexcept {
        long n = 0;
        for (std::size_t i = 0; i < Config::scm_fp_lists; ++i)
            if (scm_fp_.live(i))
                for (short j = 0; j < scm_fp_.slot(i).count; ++j)
                    n += scm_fp_.slot(i).fp[j] == f;
        return n;
    }
    // --- end: files and tasks for ancillary data --------------------------

private:
    struct booted_state {
        ksock::net net;
        task_type tasks[Config::tasks];
    };

    task_type& current_task() noexcept {
        if constexpr (Config::tasks == 1)
            return state_.value.tasks[0];
        else
            return state_.value.tasks[current_];
    }

    //! get_unused_fd_flags / alloc_fd(start, rlimit, flags), with the fault
    //! policy asked first.
    int get_unused_fd_flags(task_type& t, unsigned start, unsigned flags) noexcept {
        if (fault_.should_fail(fault_site::fd_alloc))
            return -emfile;
        return t.files.alloc_fd(start, t.nofile(), flags);
    }

    //! MAX_RW_COUNT: the most one read or write moves (INT_MAX & PAGE_MASK).
    static constexpr std::size_t max_rw_count = 0x7ffff000;

    //! Every sleeper re-checks, the readiness callback hears of it; the
    //! trace names the sock's callback (sock_def_readable, unix_write_space ...).
    void wake_up(sock& sk, unsigned events, [[maybe_unused]] const char* callback,
                 [[maybe_unused]] kfunc fn) noexcept {
        if constexpr (trace_type::enabled)
            trace_.text(callback, kfunc_name(fn));
        wait_.wake_all();
        if (wakeup_ && sk.sk_socket)
            wakeup_(wakeup_user_, *sk.sk_socket, events);
    }

    //! move_addr_to_kernel: a length outside [0, sizeof(sockaddr_storage)]
    //! is EINVAL, 0 copies nothing, a null address with a length is EFAULT.
    static int move_addr_to_kernel(const sockaddr* uaddr, int ulen,
                                   sockaddr_storage* kaddr) noexcept {
        if (ulen < 0 || ulen > static_cast<int>(sizeof(sockaddr_storage)))
            return -einval;
        if (ulen == 0)
            return 0;
        if (!uaddr)
            return -efault;
        std::memcpy(kaddr, uaddr, static_cast<std::size_t>(ulen));
        return 0;
    }

    //! move_addr_to_user: copy at most *ulen bytes of the klen-byte address,
    //! then store klen (the full length) in *ulen.
    static int move_addr_to_user(const sockaddr_storage* kaddr, int klen, sockaddr* uaddr,
                                 socklen_t* ulen) noexcept {
        if (!ulen)
            return -efault;
        int len = static_cast<int>(*ulen);
        if (len > klen)
            len = klen;
        if (len < 0)
            return -einval;
        if (len) {
            if (!uaddr)
                return -efault;
            std::memcpy(uaddr, kaddr, static_cast<std::size_t>(len));
        }
        *ulen = static_cast<socklen_t>(klen);
        return 0;
    }

    //! copy_msghdr_from_user + import_iovec into a zeroed \p k: the name
    //! checked (and copied in for a send), the iovecs checked and counted.
    static int copy_msghdr_from_user(const msghdr& u, kmsghdr& k, sockaddr_storage* address,
                                     bool for_send) noexcept {
        // __copy_msghdr: without a name the length is ignored (set to 0
        // before the sign check), so a "negative" one is no error.
        int namelen = u.msg_name ? static_cast<int>(u.msg_namelen) : 0;
        if (namelen < 0)
            return -einval;
        if (namelen > static_cast<int>(sizeof(sockaddr_storage)))
            namelen = static_cast<int>(sizeof(sockaddr_storage));
        // A send copies the name in; a receive only needs the checks (its
        // caller sets where the sender's address goes).
        if (for_send && u.msg_name && namelen) {
            if (const int err =
                    move_addr_to_kernel(static_cast<const sockaddr*>(u.msg_name), namelen, address))
                return err;
            k.msg_name = address;
            k.msg_namelen = namelen;
        }
        if (u.msg_iovlen > uio_maxiov)
            return -emsgsize;
        if (u.msg_iovlen && !u.msg_iov)
            return -efault;
        std::size_t total = 0;
        for (std::size_t i = 0; i < u.msg_iovlen; ++i) {
            const std::size_t l = u.msg_iov[i].iov_len;
            if (static_cast<long>(l) < 0)
                return -einval;
            total += l < max_rw_count - total ? l : max_rw_count - total;
        }
        k.msg_iter = iov_iter{u.msg_iov, u.msg_iovlen, 0, total};
        return 0;
    }

    //! sock_sendmsg: the hook, then ops->sendmsg for what the iterator holds.
    long sock_sendmsg(ksock::socket& so, kmsghdr& msg) {
        const std::size_t len = msg.msg_iter.count;
        trace_scope ts(trace_, "sock_sendmsg");
        if constexpr (trace_type::enabled) {
            trace_.field("len", static_cast<long long>(len));
            trace_.field("msg_flags", msg.msg_flags);
        }
        if (const int err = hooks_.socket_sendmsg(so, len))
            return ts.result(err);
        const long n =
            with_entry_inline(so, [&]<class E>() { return ops_sendmsg<E>(*this, so, msg, len); });
        if constexpr (trace_type::enabled)
            trace_.field("return", n);
        return n;
    }
    //! sock_recvmsg.
    long sock_recvmsg(ksock::socket& so, kmsghdr& msg, int flags) {
        const std::size_t len = msg.msg_iter.count;
        trace_scope ts(trace_, "sock_recvmsg");
        if constexpr (trace_type::enabled) {
            trace_.field("len", static_cast<long long>(len));
            trace_.field("flags", flags);
        }
        if (const int err = hooks_.socket_recvmsg(so, len, flags))
            return ts.result(err);
        const long n = with_entry_inline(
            so, [&]<class E>() { return ops_recvmsg<E>(*this, so, msg, len, flags); });
        if constexpr (trace_type::enabled)
            trace_.field("return", n);
        return n;
    }

    //! __sys_getsockname / __sys_getpeername.
    int getname(int fd, sockaddr* addr, socklen_t* addrlen, int peer) {
        lock_guard g(lock_);
        boot_locked();
        ksock::socket* so = socket_of_locked(fd);
        if (!so)
            return -ebadf;
        if (const int err = peer ? hooks_.socket_getpeername(*so) : hooks_.socket_getsockname(*so))
            return err;
        sockaddr_storage address{};
        auto* a = reinterpret_cast<sockaddr*>(&address);
        const int len =
            with_entry_inline(*so, [&]<class E>() { return ops_getname<E>(*this, *so, a, peer); });
        if (len < 0)
            return len;
        return move_addr_to_user(&address, len, addr, addrlen);
    }

    //! do_accept, after the fd is reserved: the new socket shares the
    //! listener's type and ops, its file is named after the listener's proto.
    int do_accept(ksock::file& lf, ksock::socket& so, sockaddr* addr, socklen_t* addrlen, int flags,
                  int newfd) {
        ksock::socket* newsock = sock_alloc();
        if (!newsock)
            return -enfile;
        newsock->type = so.type;
        newsock->ops = so.ops;
        ksock::file* nf = sock_alloc_file(newsock, flags, lf.f_name);
        if (!nf)
            return -enfile;
        int err = hooks_.socket_accept(so, *newsock);
        if (!err) {
            const int lflags = static_cast<int>(lf.f_flags);
            err = with_entry_inline(
                so, [&]<class E>() { return ops_accept<E>(*this, so, *newsock, lflags); });
        }
        if (!err && addr) {
            sockaddr_storage address{};
            auto* a = reinterpret_cast<sockaddr*>(&address);
            const int len = with_entry(
                *newsock, [&]<class E>() { return ops_getname<E>(*this, *newsock, a, 2); });
            err = len < 0 ? -econnaborted : move_addr_to_user(&address, len, addr, addrlen);
        }
        if (err < 0) {
            fput(nf);
            return err;
        }
        current_task().files.fd_install(static_cast<unsigned>(newfd), nf);
        return newfd;
    }

    ksock::socket* socket_of_locked(int fd) noexcept {
        ksock::file* f = current_task().files.lookup(fd);
        return f ? static_cast<ksock::socket*>(f->private_data) : nullptr;
    }

    //! One entry's getsockopt / setsockopt below the dispatch, out of line:
    //! the switch in getsockopt() / setsockopt() becomes a jump table of tail
    //! calls with the arguments still in registers (what a table of function
    //! pointers gives, without the pointers), and the dispatcher needs no
    //! frame of its own however many entries there are.
    template <class E>
    [[gnu::noinline]] int getsockopt_entry(ksock::socket& so, int level, int optname, void* optval,
                                           socklen_t* optlen) {
        return ops_getsockopt<E>(*this, so, level, optname, optval, optlen);
    }
    template <class E>
    [[gnu::noinline]] int setsockopt_entry(ksock::socket& so, int level, int optname,
                                           const void* optval, socklen_t optlen) {
        if (level == sol_socket && !(so.flags & (1UL << sock_custom_sockopt)))
            return sk_setsockopt<typename E::ops>(so, optname, optval, optlen, current_cred());
        return ops_setsockopt<E>(*this, so, level, optname, optval, optlen);
    }

    //! Dispatch to the ops of the entry that made \p so: a switch over the
    //! entries, each case calling f.template operator()<Entry>().
    template <class F>
    decltype(auto) with_entry(ksock::socket& so, F&& f) {
        return detail::with_index<entries::size>(
            static_cast<std::size_t>(so.ops - 1),
            [&]<std::size_t I>() { return f.template operator()<detail::at_t<I, entries>>(); });
    }
    //! The same, with the switch inlined into the caller: for the operations
    //! themselves (options, release), where the dispatch is the hot path.
    template <class F>
    [[gnu::always_inline]] decltype(auto) with_entry_inline(ksock::socket& so, F&& f) {
        return detail::with_index_inline<entries::size>(
            static_cast<std::size_t>(so.ops - 1),
            [&]<std::size_t I>() { return f.template operator()<detail::at_t<I, entries>>(); });
    }

    // --- net/socket.c -------------------------------------------------------

    //! __sys_socket. Entry >= 0 when the triple was resolved at compile time.
    template <int Entry>
    int sys_socket(int family, int type, int protocol) {
        trace_scope ts(trace_, "__sys_socket");
        if constexpr (trace_type::enabled) {
            trace_.field("family", family);
            trace_.field("type", type);
            trace_.field("protocol", protocol);
        }
        // update_socket_protocol(): the BPF hook returns protocol unchanged.
        // __sys_socket_create: the flag check comes before everything.
        if ((type & ~sock_type_mask) & ~(sock_cloexec | sock_nonblock))
            return ts.result(-einval);
        const int flags = type & ~sock_type_mask;
        type &= sock_type_mask;
        ksock::socket* so = nullptr;
        if (const int err = sock_create<Entry>(family, type, protocol, &so, 0))
            return ts.result(err);
        const int fd = sock_map_fd(so, flags & (o_cloexec | o_nonblock));
        if constexpr (trace_type::enabled)
            trace_.field("return", fd);
        return ts.result(fd);
    }

    //! __sock_create, in Linux's order. On error nothing is left allocated.
    template <int Entry>
    int sock_create(int family, int type, int protocol, ksock::socket** res, int kern) {
        trace_scope ts(trace_, "__sock_create");
        if (family < 0 || family >= nproto)
            return ts.result(-eafnosupport);
        if (type < 0 || type >= sock_max)
            return ts.result(-einval);
        family = effective_family(family, type);
        if (const int err = hooks_.socket_create(current_cred(), family, type, protocol, kern)) {
            trace_.note("security_socket_create denied");
            return ts.result(err);
        }
        ksock::socket* so = sock_alloc();
        if (!so)
            return ts.result(-enfile);
        so->type = static_cast<short>(type);

        resolution r{};
        if constexpr (Entry >= 0) {
            r = resolve_triple(family, type, protocol); // a constant: the compiler folds it
        } else {
            trace_scope tl(trace_, "net_families[family]->create: lookup");
            r = lookup(family, type, protocol);
            tl.result(r.err);
        }
        if (r.err) {
            sock_release(so);
            return ts.result(r.err);
        }
        so->type = static_cast<short>(r.type);
        auto create = [&]<class E>() {
            using F = detail::at_t<family_index_of(E{}), families>;
            return F::create::template create<E>(*this, *so, r.protocol, kern);
        };
        int err;
        if constexpr (Entry >= 0)
            err =
                create
                    .template operator()<detail::at_t<static_cast<std::size_t>(Entry), entries>>();
        else
            err = detail::with_index<entries::size>(
                static_cast<std::size_t>(r.entry), [&]<std::size_t I>() {
                    return create.template operator()<detail::at_t<I, entries>>();
                });
        if (err) {
            // pf->create failed and unwound its own work; ops stay NULL so
            // no release op runs on the half-built socket.
            so->ops = 0;
            sock_release(so);
            return ts.result(err);
        }
        so->ops = static_cast<std::uint8_t>(r.entry + 1);
        if constexpr (trace_type::enabled)
            trace_.text("sock->ops", with_entry(*so, []<class E>() { return E::ops::name; }));
        if (const int perr = hooks_.socket_post_create(*so, family, type, protocol, kern)) {
            trace_.note("security_socket_post_create denied");
            sock_release(so); // ops set: the release op tears the sock down
            return ts.result(perr);
        }
        *res = so;
        return 0;
    }

    //! Which family (index in `families`) an entry belongs to.
    template <class E>
    static consteval std::size_t family_index_of(E) {
        constexpr std::size_t e = detail::index_of_v<E, entries>;
        std::size_t f = 0;
        while (f + 1 < families::size && family_rows.r[f + 1].first <= static_cast<int>(e))
            ++f;
        return f;
    }

    //! sock_alloc: a socket_alloc from sockfs' cache, its inode numbered and
    //! owned by the caller's fsuid/fsgid.
    ksock::socket* sock_alloc() {
        trace_scope ts(trace_, "sock_alloc");
        socket_alloc* ei = fault_.should_fail(fault_site::sock_alloc) ? nullptr : sockets_.alloc();
        if (!ei) {
            ts.result(-enfile);
            return nullptr;
        }
        ei->socket.state = ss_unconnected;
        ei->socket.wq.wait.lock.initialised = 1;
        init_list_head(ei->socket.wq.wait.head);
        ei->vfs_inode.i_ino = ++last_ino_;
        ei->vfs_inode.i_mode = s_ifsock | s_irwxugo;
        ei->vfs_inode.i_uid = current_cred().fsuid;
        ei->vfs_inode.i_gid = current_cred().fsgid;
        if constexpr (trace_type::enabled) {
            trace_.field("inode.i_ino", static_cast<long long>(ei->vfs_inode.i_ino));
            trace_.field("inode.i_mode (S_IFSOCK | 0777)", ei->vfs_inode.i_mode);
            trace_.field("socket.state (SS_UNCONNECTED)", ei->socket.state);
        }
        return &ei->socket;
    }

    //! __sock_release: the ops' release (if ops are set), then the socket
    //! itself unless a file still refers to it.
    void sock_release(ksock::socket* so) {
        if (so->ops) {
            with_entry_inline(*so,
                              [&]<class E>() { return E::ops::template release<E>(*this, *so); });
            so->sk = nullptr;
            so->ops = 0;
        }
        if (!so->file)
            sockets_.free(reinterpret_cast<socket_alloc*>(so)); // iput(SOCK_INODE(sock))
        else
            so->file = nullptr;
    }

    //! sock_alloc_file: the file (named after the proto) for a socket. On
    //! failure the socket is released, as in Linux.
    ksock::file* sock_alloc_file(ksock::socket* so, int flags, const char* name = nullptr) {
        trace_scope ts(trace_, "sock_alloc_file");
        ksock::file* f = fault_.should_fail(fault_site::file_alloc) ? nullptr : files_.alloc();
        if (!f) {
            sock_release(so);
            ts.result(-enfile);
            return nullptr;
        }
        f->f_flags = static_cast<unsigned>(o_rdwr | (flags & o_nonblock));
        // alloc_file_pseudo + FMODE_NOWAIT + stream_open (no seeking).
        f->f_mode = fmode_read | fmode_write | fmode_nowait | fmode_stream;
        f->f_count = 1;
        f->f_inode = SOCK_INODE(so);
        f->private_data = so;
        f->f_name = name                                ? name
                    : so->sk && so->sk->sk_prot_creator ? so->sk->sk_prot_creator->name
                                                        : "";
        so->file = f;
        if constexpr (trace_type::enabled) {
            trace_.text("file name (sk_prot_creator->name)", f->f_name);
            trace_.field("f_flags", f->f_flags);
        }
        return f;
    }

    //! sock_map_fd: reserve an fd, make the file, install it.
    int sock_map_fd(ksock::socket* so, int flags) {
        trace_scope ts(trace_, "sock_map_fd");
        task_type& t = current_task();
        const int fd = get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
        if constexpr (trace_type::enabled)
            trace_.field("get_unused_fd_flags", fd);
        if (fd < 0) {
            sock_release(so);
            return ts.result(fd);
        }
        ksock::file* f = sock_alloc_file(so, flags);
        if (!f) {
            t.files.put_unused_fd(static_cast<unsigned>(fd));
            return ts.result(-enfile);
        }
        t.files.fd_install(static_cast<unsigned>(fd), f);
        if constexpr (trace_type::enabled)
            trace_.field("fd_install", fd);
        return fd;
    }

    //! fput: the last reference runs __fput. A release puts the files that
    //! the released socket's queued messages carried (SCM_RIGHTS), which may
    //! release more sockets: those __fputs are deferred to the outermost
    //! fput, which runs them one after the other (Linux's delayed_fput), so
    //! a chain of sockets in flight never recurses. While files are in
    //! flight, the outermost fput then runs the protos' collectors (unix_gc)
    //! for sockets that only in-flight messages still refer to.
    void fput(ksock::file* f) {
        const bool last = --f->f_count == 0;
        if (fput_busy_) {
            fput_deferred_ += last;
            return;
        }
        if (!last && !scm_fp_.in_use())
            return; // the common case: one check, no scan
        fput_busy_ = true;
        if (last)
            __fput(f);
        for (;;) {
            if (fput_deferred_) {
                --fput_deferred_;
                if (ksock::file* z = unreferenced_file())
                    __fput(z);
                continue;
            }
            if (!scm_fp_.in_use() || !run_gc())
                break;
        }
        fput_busy_ = false;
    }

    //! A file whose last reference went while an fput was running, or null.
    ksock::file* unreferenced_file() noexcept {
        for (std::size_t i = 0; i < Config::max_sockets; ++i)
            if (files_.live(i) && files_.slot(i).f_count == 0)
                return &files_.slot(i);
        return nullptr;
    }

    //! Every proto's collector of references it holds in flight (P::gc,
    //! unix_gc); true when one freed something.
    bool run_gc() {
        bool freed = false;
        detail::for_each_type(protos{}, [&]<class P>() {
            if constexpr (requires { P::gc(*this); })
                freed = P::gc(*this) || freed;
        });
        return freed;
    }

    //! __fput -> sock_close -> __sock_release, then the file and the
    //! socket_alloc (with its inode) are freed.
    void __fput(ksock::file* f) {
        auto* so = static_cast<ksock::socket*>(f->private_data);
        trace_scope ts(trace_, "__fput -> sock_close");
        sock_release(so);                                   // clears so->file
        sockets_.free(reinterpret_cast<socket_alloc*>(so)); // dput -> sock_free_inode
        files_.free(f);
    }

    //! __sys_socketpair, in Linux's order: flags, two fds reserved, the fds
    //! written out, two sockets, the hook, ops->socketpair, two files, install.
    int sys_socketpair(int family, int type, int protocol, int* sv) {
        trace_scope ts(trace_, "__sys_socketpair");
        if ((type & ~sock_type_mask) & ~(sock_cloexec | sock_nonblock))
            return ts.result(-einval);
        const int flags = type & ~sock_type_mask;
        type &= sock_type_mask;
        task_type& t = current_task();
        const int fd1 = get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
        if (fd1 < 0)
            return ts.result(fd1);
        const int fd2 = get_unused_fd_flags(t, 0, static_cast<unsigned>(flags));
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
        if (int err = sock_create<-1>(family, type, protocol, &so1, 0)) {
            put_fds();
            return ts.result(err);
        }
        if (int err = sock_create<-1>(family, type, protocol, &so2, 0)) {
            sock_release(so1);
            put_fds();
            return ts.result(err);
        }
        int err = hooks_.socket_socketpair(*so1, *so2);
        if (!err)
            err = with_entry(*so1, [&]<class E>() { return ops_socketpair<E>(*this, *so1, *so2); });
        if (err) {
            sock_release(so2);
            sock_release(so1);
            put_fds();
            return ts.result(err);
        }
        ksock::file* f1 = sock_alloc_file(so1, flags);
        if (!f1) {
            sock_release(so2);
            put_fds();
            return ts.result(-enfile);
        }
        ksock::file* f2 = sock_alloc_file(so2, flags);
        if (!f2) {
            fput(f1);
            put_fds();
            return ts.result(-enfile);
        }
        t.files.fd_install(static_cast<unsigned>(fd1), f1);
        t.files.fd_install(static_cast<unsigned>(fd2), f2);
        return 0;
    }

    //! ksys_dup3's checks, then do_dup2 (an open target is closed).
    int dup3_locked(int oldfd, int newfd, int flags) {
        task_type& t = current_task();
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
            fput(tofree);
        return newfd;
    }

    //! fs/fcntl.c setfl for a socket file.
    int setfl(ksock::file& f, unsigned arg) {
        constexpr unsigned setfl_mask = o_append | o_nonblock | o_ndelay | o_direct | o_noatime;
        // O_NOATIME: only the inode's owner or CAP_FOWNER may set it.
        if ((arg & o_noatime) && !(f.f_flags & o_noatime)) {
            const ksock::cred& c = current_cred();
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

    // --- state: everything zero until boot() --------------------------------
    detail::proto_pools<Config, protos> pools_{};
    pool<socket_alloc, Config::max_sockets> sockets_{};
    pool<ksock::file, Config::max_sockets> files_{};
    detail::lazy<booted_state> state_{};
    pool<sk_buff, Config::skbs> skbs_{};
    //! SCM_RIGHTS: the lists of files in flight, and their files by slot.
    pool<scm_fp_list, Config::scm_fp_lists> scm_fp_{};
    ksock::file* scm_fp_files_[Config::scm_fp_lists][Config::scm_max_fd]{};
    //! The skbs' data chunks, by skb slot; never zeroed (data is written
    //! before it is read).
    unsigned char skb_data_[Config::skbs][Config::skb_data_size]{};
    unsigned long last_ino_ = 0;
    unsigned long jiffies_ = 0;
    wakeup_fn wakeup_ = nullptr;
    void* wakeup_user_ = nullptr;
    unsigned current_ = 0;
    //! An fput is running: a file whose last reference goes waits for it,
    //! counted in fput_deferred_.
    bool fput_busy_ = false;
    unsigned fput_deferred_ = 0;
    //! Read and written with the __atomic builtins (not std::atomic, whose
    //! header costs a quarter of a second of compile time in C++20 mode).
    bool booted_ = false;
    [[no_unique_address]] security_hooks<typename Config::security> hooks_{};
    [[no_unique_address]] trace_type trace_{};
    [[no_unique_address]] lock_type lock_{};
    [[no_unique_address]] fault_type fault_{};
    [[no_unique_address]] wait_type wait_{};
};

//! PF_UNIX and PF_INET with Linux's tables; 64 fds, 64 sockets, 32 objects
//! per proto.
using default_stack = stack<default_config>;

} // namespace ksock
