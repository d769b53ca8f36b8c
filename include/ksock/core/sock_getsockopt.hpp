// ksock/core/sock_getsockopt.hpp: getsockopt(fd, SOL_SOCKET, ...), Linux
// 6.18's sk_getsockopt (net/core/sock.c). One body serves every family and
// ops type: the only thing the ops decide here (can they set a peek offset?)
// is passed in as a bit, and SO_PEERCRED reads the sock's sk_peer_pid and
// sk_peer_cred, which the family that has peers sets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/core/sock_opt.hpp>
#include <ksock/core/uaccess.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

namespace detail {

//! Linux's union v of sk_getsockopt: large enough for every value, zeroed
//! first so that a short value (SO_LINGER's ints, an int) reads with zero
//! padding.
struct sock_optval {
    unsigned char
        bytes[sizeof(sock_timeval) > sizeof(timeval) ? sizeof(sock_timeval) : sizeof(timeval)]{};

    void set_int(int x) noexcept { std::memcpy(bytes, &x, sizeof x); }
    //! Any value; its length (what Linux calls lv).
    template <class T>
    int set(const T& x) noexcept {
        static_assert(sizeof(T) <= sizeof bytes, "ksock::sk_getsockopt: the value must fit in v");
        std::memcpy(bytes, &x, sizeof x);
        return static_cast<int>(sizeof x);
    }
};

//! SO_ERROR: reading the error consumes it, first the hard error, else the
//! soft one.
inline int sk_take_error(sock& sk) noexcept {
    int err = -ksock::sock_error(sk);
    if (err == 0) {
        err = sk.sk_err_soft;
        sk.sk_err_soft = 0;
    }
    return err;
}

//! SO_RCVTIMEO / SO_SNDTIMEO, old (struct timeval of longs) or new layout.
inline int sk_get_timeout(const sock& sk, int optname, sock_optval& v) noexcept {
    const bool rcv = optname == so_rcvtimeo_old || optname == so_rcvtimeo_new;
    const sock_timeval tv = sock_get_timeout(rcv ? sk.sk_rcvtimeo : sk.sk_sndtimeo);
    if (optname == so_rcvtimeo_old || optname == so_sndtimeo_old)
        return v.set(timeval{static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec)});
    return v.set(tv);
}

//! SO_PEERCRED: cred_to_ucred(sk_peer_pid, sk_peer_cred); without a peer
//! {0, -1, -1}.
inline ucred sk_peer_ucred(const sock& sk) noexcept {
    if (!sk.sk_peer_pid)
        return ucred{0, static_cast<std::uint32_t>(-1), static_cast<std::uint32_t>(-1)};
    return ucred{sk.sk_peer_pid, sk.sk_peer_cred.euid, sk.sk_peer_cred.egid};
}

//! SO_MAX_PACING_RATE: a 64-bit value for a buffer that can hold one, else
//! the 32-bit, saturated, legacy value.
inline int sk_get_max_pacing_rate(const sock& sk, int len, sock_optval& v) noexcept {
    if (sizeof(unsigned long) != sizeof(int) && len >= static_cast<int>(sizeof(unsigned long)))
        return v.set(sk.sk_max_pacing_rate);
    return v.set(sk.sk_max_pacing_rate > 0xffffffffUL
                     ? 0xffffffffU
                     : static_cast<unsigned int>(sk.sk_max_pacing_rate));
}

} // namespace detail

//! sk_getsockopt(): getsockopt(fd, SOL_SOCKET, optname, optval, optlen).
//! *optlen is read as an int (negative: EINVAL), the value is truncated to it
//! and the length actually written is stored back. \p has_set_peek_off says
//! whether the socket's ops can set a peek offset, the only thing the ops
//! decide here: one copy of this function serves every ops type.
inline int sk_getsockopt(ksock::socket& s, int optname, void* optval, socklen_t* optlen,
                         [[maybe_unused]] const cred& cr, bool has_set_peek_off) {
    sock& sk = *s.sk;
    detail::sock_optval v;
    int lv = sizeof(int);
    int len = 0;
    if (!get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;

    switch (optname) {
    // clang-format off
    case so_debug:        v.set_int(sock_flag(sk, sock_dbg)); break;
    case so_dontroute:    v.set_int(sock_flag(sk, sock_localroute)); break;
    case so_broadcast:    v.set_int(sock_flag(sk, sock_broadcast)); break;
    case so_keepalive:    v.set_int(sock_flag(sk, sock_keepopen)); break;
    case so_oobinline:    v.set_int(sock_flag(sk, sock_urginline)); break;
    case so_zerocopy:     v.set_int(sock_flag(sk, sock_zerocopy)); break;
    case so_sndbuf:       v.set_int(sk.sk_sndbuf); break;
    case so_rcvbuf:       v.set_int(sk.sk_rcvbuf); break;
    case so_reuseaddr:    v.set_int(sk.sk_reuse()); break;
    case so_reuseport:    v.set_int(sk.sk_reuseport()); break;
    case so_type:         v.set_int(sk.sk_type); break;
    case so_protocol:     v.set_int(sk.sk_protocol); break;
    case so_domain:       v.set_int(sk.sk_family()); break;
    case so_no_check:     v.set_int(sk.sk_no_check_tx); break;
    case so_priority:     v.set_int(static_cast<int>(sk.sk_priority)); break;
    case so_rcvlowat:     v.set_int(sk.sk_rcvlowat); break;
    case so_sndlowat:     v.set_int(1); break; // not settable (POSIX 1003.1g)
    case so_acceptconn:   v.set_int(sk.sk_state() == tcp_listen); break;
    case so_mark:         v.set_int(static_cast<int>(sk.sk_mark)); break;
    case so_incoming_cpu: v.set_int(sk.sk_incoming_cpu()); break;
    case so_bsdcompat:    v.set_int(0); break;
    case so_error:        v.set_int(detail::sk_take_error(sk)); break;
    case so_peercred:     lv = v.set(detail::sk_peer_ucred(sk)); break;
    // clang-format on
    case so_linger:
        // l_linger is seconds; a "forever" lingertime (MAX_SCHEDULE_TIMEOUT,
        // from a negative or huge l_linger) reads back truncated to an int.
        lv = v.set(
            linger{sock_flag(sk, sock_linger) ? 1 : 0, static_cast<int>(sk.sk_lingertime / hz)});
        break;
    case so_rcvtimeo_old:
    case so_sndtimeo_old:
    case so_rcvtimeo_new:
    case so_sndtimeo_new:
        lv = detail::sk_get_timeout(sk, optname, v);
        break;
    case so_passcred:
        if (!detail::sk_may_scm_recv(sk))
            return -eopnotsupp;
        v.set_int(detail::socket_test_flag(s, sock_passcred));
        break;
    case so_passsec:
        if (!detail::sk_may_scm_recv(sk))
            return -eopnotsupp;
        v.set_int(detail::socket_test_flag(s, sock_passsec));
        break;
    case so_peek_off:
        // Only sockets whose ops can set a peek offset report one (raw and
        // ping sockets cannot).
        if (!has_set_peek_off)
            return -eopnotsupp;
        v.set_int(sk.sk_peek_off);
        break;
    case so_max_pacing_rate:
        lv = detail::sk_get_max_pacing_rate(sk, len, v);
        break;
    case so_txrehash:
        // 6.18: only TCP has a transmit-hash policy.
        if (!detail::sk_is_tcp(sk))
            return -eopnotsupp;
        v.set_int(sk.sk_txrehash);
        break;
    default:
        // SO_SNDLOWAT etc. are not settable (1003.1g 7); unknown names too.
        return -enoprotoopt;
    }

    if (len > lv)
        len = lv;
    if (!copy_to_user(optval, v.bytes, static_cast<std::size_t>(len)))
        return -efault;
    if (!put_user_len(optlen, len))
        return -efault;
    return 0;
}

//! sk_getsockopt for a socket whose proto_ops type is Ops.
template <class Ops>
int sk_getsockopt(ksock::socket& s, int optname, void* optval, socklen_t* optlen, const cred& cr) {
    return sk_getsockopt(s, optname, optval, optlen, cr, detail::has_set_peek_off<Ops>);
}

} // namespace ksock
