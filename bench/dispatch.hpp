// bench/dispatch.hpp: getsockopt(fd, level, optname) through the designs ksock's
// switch replaces. Every variant has Linux's shape (do_sock_getsockopt):
// SOL_SOCKET is the socket layer's own (sk_getsockopt, told whether the ops
// can set a peek offset), any other level goes to the socket's ops. Every
// variant runs the same bodies (ksock::sk_getsockopt, the entry's
// ops::getsockopt) on the same ksock::socket objects, behind a noinline
// function with the system call's arguments (fd, level, optname, optval,
// optlen) as run-time values; only the way from fd to body differs:
//
//   direct     entry 0's bodies on a known socket: no fd, no dispatch
//   direct_fd  fd table lookup, then entry 0's bodies (no dispatch)
//   fnptr      Linux-style C: fd table -> file -> struct socket, whose
//              const proto_ops* holds a function pointer per operation
//   virtual    fd table -> file -> a polymorphic socket, a virtual call
//   ksock      ksock::stack::getsockopt: fd table -> file -> socket, then the
//              switch over the entries that ksock generates
//
// Two operations: getsockopt(SOL_SOCKET, SO_TYPE), which no design sends
// through the ops, and getsockopt(SOL_BENCH, 1), the entry's own option,
// which every design except direct* dispatches.
//
// world<N> holds a dispatch_stack<N> (a family of N entries) with one socket
// per entry, fds 0 .. N-1, and the bench's own fd tables pointing at the
// same sockets.
#pragma once

#include <cstddef>
#include <utility>

#include <ksock/ksock.hpp>

#include "bench_family.hpp"

//! The measured functions stay out of line and opaque to their callers (GCC's
//! noipa also stops it from propagating their results into the loop).
#if defined(__clang__)
#define KBENCH_NOINLINE [[gnu::noinline]]
#else
#define KBENCH_NOINLINE [[gnu::noipa]]
#endif

namespace kbench::dispatch {

inline constexpr int max_fds = 64;

//! The credentials sk_getsockopt is given (the stack passes its task's).
inline constexpr ksock::cred bench_cred = ksock::cred::root();

//! The bodies every variant runs for entry E, in do_sock_getsockopt's shape.
template <class E, class Ctx>
inline int entry_getsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, void* optval,
                            ksock::socklen_t* optlen) {
    if (level == ksock::sol_socket)
        return ksock::sk_getsockopt(so, optname, optval, optlen, bench_cred,
                                    ksock::detail::has_set_peek_off<typename E::ops>);
    return ksock::ops_getsockopt<E>(ctx, so, level, optname, optval, optlen);
}

//! struct file and the fd array of struct fdtable, for the hand-written
//! variants (one task).
struct bfile {
    unsigned f_flags;
    void* private_data;
};
struct bfdtable {
    bfile* fd[max_fds];
    void* lookup(int i) const noexcept {
        const auto u = static_cast<unsigned>(i);
        if (u >= static_cast<unsigned>(max_fds))
            return nullptr;
        const bfile* f = fd[u];
        return f ? f->private_data : nullptr;
    }
};

// --- Linux-style C ------------------------------------------------------------
struct lsocket;
struct lproto_ops {
    int family;
    bool set_peek_off; //!< Linux tests the member pointer for null
    int (*getsockopt)(lsocket* sock, int level, int optname, void* optval,
                      ksock::socklen_t* optlen);
};
struct lsocket {
    ksock::socket so; // state, type, flags, file, sk (ops unused)
    const lproto_ops* ops;
};

// --- virtual functions --------------------------------------------------------
struct vsocket {
    ksock::socket so;
    bool set_peek_off = false;
    virtual int getsockopt(int level, int optname, void* optval, ksock::socklen_t* optlen) = 0;

protected:
    ~vsocket() = default;
};

template <std::size_t N>
struct world {
    using stack_type = dispatch_stack<N>;
    using entries = typename stack_type::entries;
    template <std::size_t I>
    using entry = ksock::detail::at_t<I, entries>;

    static inline stack_type stack;
    static inline int fds[N];
    static inline ksock::socket* first;
    static inline bfdtable direct_fds;
    static inline bfile direct_files[N];
    static inline bfdtable c_fds;
    static inline bfile c_files[N];
    static inline lsocket c_socks[N];
    static inline bfdtable v_fds;
    static inline bfile v_files[N];

    template <class E>
    static int c_getsockopt(lsocket* s, int level, int optname, void* optval,
                            ksock::socklen_t* optlen) {
        return ksock::ops_getsockopt<E>(stack, s->so, level, optname, optval, optlen);
    }
    template <class E>
    static constexpr lproto_ops c_ops{pf_bench, ksock::detail::has_set_peek_off<typename E::ops>,
                                      &c_getsockopt<E>};

    template <class E>
    struct vsocket_impl final : vsocket {
        int getsockopt(int level, int optname, void* optval, ksock::socklen_t* optlen) override {
            return ksock::ops_getsockopt<E>(stack, so, level, optname, optval, optlen);
        }
    };
    template <class E>
    static inline vsocket_impl<E> v_sock{};

    //! Set up once (later calls return the first result).
    static bool ready() {
        static const bool ok = setup();
        return ok;
    }

    //! One socket per entry, fds 0 .. N-1, mirrored into the bench's tables.
    static bool setup() {
        return [&]<std::size_t... I>(std::index_sequence<I...>) {
            return (setup_one<I>() && ...);
        }
        (std::make_index_sequence<N>{});
    }
    template <std::size_t I>
    static bool setup_one() {
        using E = entry<I>;
        const int fd = stack.socket(pf_bench, ksock::sock_dgram, static_cast<int>(I) + 1);
        if (fd != static_cast<int>(I))
            return false;
        fds[I] = fd;
        ksock::socket* so = stack.socket_of(fd);
        if (I == 0)
            first = so;
        direct_files[I].private_data = so;
        direct_fds.fd[fd] = &direct_files[I];
        c_socks[I].so = *so;
        c_socks[I].ops = &c_ops<E>;
        c_files[I].private_data = &c_socks[I];
        c_fds.fd[fd] = &c_files[I];
        v_sock<E>.so = *so;
        v_sock<E>.set_peek_off = ksock::detail::has_set_peek_off<typename E::ops>;
        v_files[I].private_data = static_cast<vsocket*>(&v_sock<E>);
        v_fds.fd[fd] = &v_files[I];
        return true;
    }

    // --- the measured functions ------------------------------------------------
    KBENCH_NOINLINE static int direct(int, int level, int optname, void* optval,
                                      ksock::socklen_t* optlen) {
        return entry_getsockopt<entry<0>>(stack, *first, level, optname, optval, optlen);
    }
    KBENCH_NOINLINE static int direct_fd(int fd, int level, int optname, void* optval,
                                         ksock::socklen_t* optlen) {
        auto* so = static_cast<ksock::socket*>(direct_fds.lookup(fd));
        if (!so)
            return -ksock::ebadf;
        return entry_getsockopt<entry<0>>(stack, *so, level, optname, optval, optlen);
    }
    KBENCH_NOINLINE static int fnptr(int fd, int level, int optname, void* optval,
                                     ksock::socklen_t* optlen) {
        auto* s = static_cast<lsocket*>(c_fds.lookup(fd));
        if (!s)
            return -ksock::ebadf;
        if (level == ksock::sol_socket)
            return ksock::sk_getsockopt(s->so, optname, optval, optlen, bench_cred,
                                        s->ops->set_peek_off);
        return s->ops->getsockopt(s, level, optname, optval, optlen);
    }
    KBENCH_NOINLINE static int virt(int fd, int level, int optname, void* optval,
                                    ksock::socklen_t* optlen) {
        auto* s = static_cast<vsocket*>(v_fds.lookup(fd));
        if (!s)
            return -ksock::ebadf;
        if (level == ksock::sol_socket)
            return ksock::sk_getsockopt(s->so, optname, optval, optlen, bench_cred,
                                        s->set_peek_off);
        return s->getsockopt(level, optname, optval, optlen);
    }
    KBENCH_NOINLINE static int ksock(int fd, int level, int optname, void* optval,
                                     ksock::socklen_t* optlen) {
        return stack.getsockopt(fd, level, optname, optval, optlen);
    }
};

//! The signature of every measured function.
using op_fn = int (*)(int, int, int, void*, ksock::socklen_t*);

//! The loop's own cost: a call with the same arguments that does nothing.
KBENCH_NOINLINE inline int empty(int, int, int, void*, ksock::socklen_t*) {
    return 0;
}

} // namespace kbench::dispatch
