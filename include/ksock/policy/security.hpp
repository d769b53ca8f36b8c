// ksock/policy/security.hpp: security hooks (the LSM calls of the socket path) as a
// compile-time list of policies.
//
// Linux calls every registered LSM at security_socket_create(),
// security_socket_post_create() and security_socket_socketpair(), in order,
// and the first non-zero result wins. A ksock stack holds one object of each
// policy type (empty ones cost no space) and calls the hooks a policy
// defines; a policy may define any subset. With no policies (the default)
// every hook is a constant 0 and disappears.
#pragma once

#include <ksock/detail/type_list.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock {

//! Hook signatures a policy may provide (all optional):
//!   int socket_create(const cred&, int family, int type, int protocol, int kern);
//!   int socket_post_create(socket&, int family, int type, int protocol, int kern);
//!   int socket_socketpair(socket&, socket&);
//!   int socket_bind(socket&, const sockaddr*, int addrlen);
//!   int socket_connect(socket&, const sockaddr*, int addrlen);
//!   int socket_listen(socket&, int backlog);
//!   int socket_accept(socket&, socket& newsock);
//!   int socket_getsockname(socket&);   int socket_getpeername(socket&);
//!   int socket_sendmsg(socket&, std::size_t size);
//!   int socket_recvmsg(socket&, std::size_t size, int flags);
//!   int socket_shutdown(socket&, int how);
template <class P>
concept security_policy = std::is_default_constructible_v<P>;

namespace detail {
template <class P>
struct hook_holder {
    [[no_unique_address]] P policy;
};
} // namespace detail

namespace detail {
//! An LSM answers 0 or -errno. Anything else from a policy (a positive value,
//! or one below -MAX_ERRNO) would read as an fd or as garbage to the caller:
//! it is taken as a denial, -EPERM.
constexpr int hook_result(int r) noexcept {
    return r > 0 || r < -4095 ? -1 : r;
}
} // namespace detail

template <class L>
class security_hooks;

//! The LSM hooks of a stack: one object of each policy \p Ps, called in order, the first non-zero
//! answer winning (as Linux's security_socket_* walk the registered LSMs).
template <class... Ps>
class security_hooks<type_list<Ps...>> : detail::hook_holder<Ps>... {
    static_assert((security_policy<Ps> && ...),
                  "ksock::security_hooks<...>: every policy must be default-constructible");
    static_assert(detail::all_distinct(type_list<Ps...>{}),
                  "ksock::security_hooks<...>: a policy is listed twice");

public:
    //! No policy: every hook is a constant 0.
    static constexpr bool none = sizeof...(Ps) == 0;

    //! Policy \p P's object.
    template <class P>
    constexpr P& get() noexcept {
        return static_cast<detail::hook_holder<P>&>(*this).policy;
    }

    //! security_socket_create, _post_create and _socketpair: each policy's hook in order, 0 or the
    //! first -errno.
    //!@{
    constexpr int socket_create([[maybe_unused]] const cred& c, [[maybe_unused]] int family,
                                [[maybe_unused]] int type, [[maybe_unused]] int protocol,
                                [[maybe_unused]] int kern) {
        int err = 0;
        (void)((err = call_create<Ps>(c, family, type, protocol, kern)) || ...);
        return err;
    }
    constexpr int socket_post_create([[maybe_unused]] socket& s, [[maybe_unused]] int family,
                                     [[maybe_unused]] int type, [[maybe_unused]] int protocol,
                                     [[maybe_unused]] int kern) {
        int err = 0;
        (void)((err = call_post_create<Ps>(s, family, type, protocol, kern)) || ...);
        return err;
    }
    constexpr int socket_socketpair([[maybe_unused]] socket& a, [[maybe_unused]] socket& b) {
        //!@}
        int err = 0;
        (void)((err = call_socketpair<Ps>(a, b)) || ...);
        return err;
    }

    //! The data-path hooks (security_socket_bind ...), each called before the ops member it guards:
    //! 0, or the first policy's -errno that refuses.
    //!@{
    int socket_bind(socket& s, const sockaddr* a, int len) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_bind(s, a, len); })
                return detail::hook_result(p.socket_bind(s, a, len));
            else
                return 0;
        });
    }
    int socket_connect(socket& s, const sockaddr* a, int len) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_connect(s, a, len); })
                return detail::hook_result(p.socket_connect(s, a, len));
            else
                return 0;
        });
    }
    int socket_listen(socket& s, int backlog) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_listen(s, backlog); })
                return detail::hook_result(p.socket_listen(s, backlog));
            else
                return 0;
        });
    }
    int socket_accept(socket& s, socket& newsock) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_accept(s, newsock); })
                return detail::hook_result(p.socket_accept(s, newsock));
            else
                return 0;
        });
    }
    int socket_getsockname(socket& s) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_getsockname(s); })
                return detail::hook_result(p.socket_getsockname(s));
            else
                return 0;
        });
    }
    int socket_getpeername(socket& s) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_getpeername(s); })
                return detail::hook_result(p.socket_getpeername(s));
            else
                return 0;
        });
    }
    int socket_sendmsg(socket& s, std::size_t size) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_sendmsg(s, size); })
                return detail::hook_result(p.socket_sendmsg(s, size));
            else
                return 0;
        });
    }
    int socket_recvmsg(socket& s, std::size_t size, int flags) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_recvmsg(s, size, flags); })
                return detail::hook_result(p.socket_recvmsg(s, size, flags));
            else
                return 0;
        });
    }
    int socket_shutdown(socket& s, int how) {
        return each([&](auto& p) {
            if constexpr (requires { p.socket_shutdown(s, how); })
                return detail::hook_result(p.socket_shutdown(s, how));
            else
                return 0;
        });
    }
    //!@}

private:
    //! Each policy in order; the first non-zero result stops the walk.
    template <class F>
    int each([[maybe_unused]] F&& f) {
        int err = 0;
        (void)((err = f(get<Ps>())) || ...);
        return err;
    }

    template <class P>
    constexpr int call_create([[maybe_unused]] const cred& c, [[maybe_unused]] int f,
                              [[maybe_unused]] int t, [[maybe_unused]] int p,
                              [[maybe_unused]] int k) {
        if constexpr (requires(P & x) { x.socket_create(c, f, t, p, k); })
            return detail::hook_result(get<P>().socket_create(c, f, t, p, k));
        else
            return 0;
    }
    template <class P>
    constexpr int call_post_create([[maybe_unused]] socket& s, [[maybe_unused]] int f,
                                   [[maybe_unused]] int t, [[maybe_unused]] int p,
                                   [[maybe_unused]] int k) {
        if constexpr (requires(P & x) { x.socket_post_create(s, f, t, p, k); })
            return detail::hook_result(get<P>().socket_post_create(s, f, t, p, k));
        else
            return 0;
    }
    template <class P>
    constexpr int call_socketpair([[maybe_unused]] socket& a, [[maybe_unused]] socket& b) {
        if constexpr (requires(P & x) { x.socket_socketpair(a, b); })
            return detail::hook_result(get<P>().socket_socketpair(a, b));
        else
            return 0;
    }
};

} // namespace ksock
