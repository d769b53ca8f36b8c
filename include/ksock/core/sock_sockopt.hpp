// ksock/core/sock_sockopt.hpp: the SOL_SOCKET options, Linux 6.18's sk_getsockopt /
// sk_setsockopt (net/core/sock.c), over ksock's socket and sock objects.
//
// Every function returns 0 or -errno, kernel-style. Option values travel
// through std::memcpy, as copy_{from,to}_user move bytes, so any buffer
// alignment works. About user pointers: Linux returns EFAULT when the MMU
// says a pointer is bad. ksock has no such oracle: a null pointer is a fault
// when bytes must move through it (a zero-length copy never faults, as in
// Linux), but a non-null pointer to too little memory cannot be detected and
// is undefined behaviour, as for any C++ API.
#pragma once

#include <climits>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/detail/uaccess.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/cmsg.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/unix/unix_sock.hpp>

namespace ksock {

//! TCP_SKB_MIN_TRUESIZE = 2048 + SKB_DATA_ALIGN(sizeof(struct sk_buff)): the
//! sk_buff of a 64-bit kernel is 232 bytes, 256 once cache-aligned.
inline constexpr int tcp_skb_min_truesize = 2048 + 256;
//! SOCK_MIN_SNDBUF: the floor of SO_SNDBUF (probe: setting 0 reads 4608).
inline constexpr int sock_min_sndbuf = 2 * tcp_skb_min_truesize;
//! SOCK_MIN_RCVBUF: the floor of SO_RCVBUF (probe: setting 0 reads 2304).
inline constexpr int sock_min_rcvbuf = tcp_skb_min_truesize;

//! SOCK_TXREHASH_DEFAULT: SO_TXREHASH -1 means "the netns default".
inline constexpr std::uint8_t sock_txrehash_default = 255;

inline constexpr long usec_per_sec = 1000000L;

namespace detail {

// --- socket predicates (include/net/sock.h) -------------------------------------
constexpr bool sk_is_inet(const sock& sk) noexcept {
    return sk.sk_family() == af_inet || sk.sk_family() == af_inet6;
}
constexpr bool sk_is_tcp(const sock& sk) noexcept {
    return sk_is_inet(sk) && sk.sk_type == sock_stream && sk.sk_protocol == ipproto_tcp;
}
//! 6.16+: SCM options (SO_PASSCRED, SO_PASSSEC) exist only where SCM messages
//! can be received; everywhere else they are EOPNOTSUPP, get and set alike.
constexpr bool sk_may_scm_recv(const sock& sk) noexcept {
    return sk.sk_family() == af_unix || sk.sk_family() == af_netlink ||
           sk.sk_family() == af_bluetooth;
}
constexpr bool socket_test_flag(const socket& s, socket_flags_bit b) noexcept {
    return (s.flags >> b) & 1UL;
}
constexpr void socket_assign_flag(socket& s, socket_flags_bit b, bool on) noexcept {
    if (on)
        s.flags |= 1UL << b;
    else
        s.flags &= ~(1UL << b);
}
//! sk_dst_reset(): forget the cached route (ksock caches none yet).
constexpr void sk_dst_reset(sock& sk) noexcept {
    sk.sk_dst_cache = nullptr;
}

// --- timeouts (sock_get_timeout / sock_copy_user_timeval / sock_set_timeout) ---
//! The value SO_RCVTIMEO/SO_SNDTIMEO report; MAX_SCHEDULE_TIMEOUT ("forever")
//! reads as 0 s 0 us, the same as the 0 a user sets to mean forever.
constexpr sock_timeval sock_get_timeout(long timeo) noexcept {
    if (timeo == max_schedule_timeout)
        return {0, 0};
    return {timeo / hz, ((timeo % hz) * usec_per_sec) / hz};
}

inline int sock_set_timeout(long& timeo, const void* optval, socklen_t optlen, bool old_timeval) {
    sock_timeval tv{};
    if (old_timeval) {
        timeval old{};
        if (optlen < sizeof(old))
            return -einval;
        if (!copy_from_user(&old, optval, sizeof(old)))
            return -efault;
        tv.tv_sec = old.tv_sec;
        tv.tv_usec = old.tv_usec;
    } else {
        if (optlen < sizeof(tv))
            return -einval;
        if (!copy_from_user(&tv, optval, sizeof(tv)))
            return -efault;
    }
    if (tv.tv_usec < 0 || tv.tv_usec >= usec_per_sec)
        return -edom;
    // A negative time is accepted and means "do not wait" (0), not an error;
    // Linux only logs it (rate-limited).
    if (tv.tv_sec < 0) {
        timeo = 0;
        return 0;
    }
    long val = max_schedule_timeout;
    if ((tv.tv_sec || tv.tv_usec) && tv.tv_sec < (max_schedule_timeout / hz - 1))
        val = static_cast<long>(tv.tv_sec) * hz +
              static_cast<long>((static_cast<unsigned long>(tv.tv_usec) +
                                 static_cast<unsigned long>(usec_per_sec / hz) - 1) /
                                static_cast<unsigned long>(usec_per_sec / hz));
    timeo = val;
    return 0;
}

//! min_t(u32, val, limit), back in an int: a negative val counts as huge.
constexpr int min_u32(int val, int limit) noexcept {
    const auto a = static_cast<std::uint32_t>(val);
    const auto b = static_cast<std::uint32_t>(limit);
    return static_cast<int>(a < b ? a : b);
}

//! The tail of SO_SNDBUF / SO_SNDBUFFORCE: the value is doubled for the
//! sk_buff overhead (what getsockopt then reports), with INT_MAX/2 keeping
//! the product an int, and locked against autotuning. (Linux then wakes
//! writers through sk_write_space; ksock has no waiters yet.)
constexpr void sock_set_sndbuf(sock& sk, int val) noexcept {
    if (val > INT_MAX / 2)
        val = INT_MAX / 2;
    sk.sk_userlocks |= sock_sndbuf_lock;
    sk.sk_sndbuf = val * 2 > sock_min_sndbuf ? val * 2 : sock_min_sndbuf;
}
//! __sock_set_rcvbuf().
constexpr void sock_set_rcvbuf(sock& sk, int val) noexcept {
    if (val > INT_MAX / 2)
        val = INT_MAX / 2;
    sk.sk_userlocks |= sock_rcvbuf_lock;
    sk.sk_rcvbuf = val * 2 > sock_min_rcvbuf ? val * 2 : sock_min_rcvbuf;
}

//! sock_error(): take sk_err (a pending asynchronous error), clearing it.
constexpr int sock_error(sock& sk) noexcept {
    if (!sk.sk_err)
        return 0;
    const int err = sk.sk_err;
    sk.sk_err = 0;
    return -err;
}

} // namespace detail

// --- TCP helpers SO_KEEPALIVE needs (include/net/tcp.h, net/ipv4/tcp_timer.c) --
// They live here because sk_setsockopt calls sk->sk_prot->keepalive, which
// only TCP defines; tcp_sockopt.hpp uses them too.

//! keepalive_time_when(): idle time before the first probe, in jiffies.
inline int keepalive_time_when(const tcp_sock& tp) noexcept {
    const sock& sk = tp.inet_conn.icsk_inet.sk;
    return tp.keepalive_time ? static_cast<int>(tp.keepalive_time)
                             : static_cast<int>(sk.sk_net()->sysctl.tcp_keepalive_time * hz);
}
//! keepalive_intvl_when(): time between probes, in jiffies.
inline int keepalive_intvl_when(const tcp_sock& tp) noexcept {
    const sock& sk = tp.inet_conn.icsk_inet.sk;
    return tp.keepalive_intvl ? static_cast<int>(tp.keepalive_intvl)
                              : static_cast<int>(sk.sk_net()->sysctl.tcp_keepalive_intvl * hz);
}
//! keepalive_probes(): unanswered probes before the connection is dropped.
inline int keepalive_probes(const tcp_sock& tp) noexcept {
    const sock& sk = tp.inet_conn.icsk_inet.sk;
    return tp.keepalive_probes ? tp.keepalive_probes : sk.sk_net()->sysctl.tcp_keepalive_probes;
}

//! inet_csk_reset_keepalive_timer(sk, len). The keepalive timer is sk_timer.
//! ksock has no jiffies clock yet, so `expires` records the delay (relative,
//! in jiffies) and `pending` that the timer is armed.
inline void inet_csk_reset_keepalive_timer(sock& sk, unsigned long len) noexcept {
    sk.sk_timer.expires = len;
    sk.sk_timer.pending = 1;
}
//! inet_csk_delete_keepalive_timer(sk).
inline void inet_csk_delete_keepalive_timer(sock& sk) noexcept {
    sk.sk_timer.pending = 0;
}

//! tcp_set_keepalive(): TCP's sk_prot->keepalive. Closed and listening
//! sockets have no connection to probe, so only the SO_KEEPALIVE flag changes
//! for them (the caller sets it).
inline void tcp_set_keepalive(sock& sk, int val) noexcept {
    if (sk.sk_state() == tcp_close || sk.sk_state() == tcp_listen)
        return;
    if (val && !sock_flag(sk, sock_keepopen))
        inet_csk_reset_keepalive_timer(
            sk, static_cast<unsigned long>(keepalive_time_when(*tcp_sk(&sk))));
    else if (!val)
        inet_csk_delete_keepalive_timer(sk);
}

//! sk_set_peek_off(): the set_peek_off of the inet stream and unix ops.
inline int sk_set_peek_off(sock& sk, int val) noexcept {
    sk.sk_peek_off = val;
    return 0;
}

//! sk_getsockopt(): getsockopt(fd, SOL_SOCKET, optname, optval, optlen).
//! *optlen is read as an int (negative: EINVAL), the value is truncated to it
//! and the length actually written is stored back. \p has_set_peek_off says
//! whether the socket's ops can set a peek offset, the only thing the ops
//! decide here: one copy of this function serves every ops type.
inline int sk_getsockopt(ksock::socket& s, int optname, void* optval, socklen_t* optlen,
                         [[maybe_unused]] const cred& cr, bool has_set_peek_off) {
    sock& sk = *s.sk;

    // Linux's union v: large enough for every value, zeroed first so that a
    // short value (SO_LINGER's ints, an int) reads with zero padding.
    unsigned char
        v[sizeof(sock_timeval) > sizeof(timeval) ? sizeof(sock_timeval) : sizeof(timeval)]{};
    int lv = sizeof(int);
    int len = 0;
    auto set_int = [&](int x) { std::memcpy(v, &x, sizeof(x)); };

    if (!detail::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;

    switch (optname) {
    case so_debug:
        set_int(sock_flag(sk, sock_dbg));
        break;
    case so_dontroute:
        set_int(sock_flag(sk, sock_localroute));
        break;
    case so_broadcast:
        set_int(sock_flag(sk, sock_broadcast));
        break;
    case so_sndbuf:
        set_int(sk.sk_sndbuf);
        break;
    case so_rcvbuf:
        set_int(sk.sk_rcvbuf);
        break;
    case so_reuseaddr:
        set_int(sk.sk_reuse());
        break;
    case so_reuseport:
        set_int(sk.sk_reuseport());
        break;
    case so_keepalive:
        set_int(sock_flag(sk, sock_keepopen));
        break;
    case so_type:
        set_int(sk.sk_type);
        break;
    case so_protocol:
        set_int(sk.sk_protocol);
        break;
    case so_domain:
        set_int(sk.sk_family());
        break;
    case so_error: {
        // Reading the error consumes it: first the hard error, else the soft one.
        int err = -detail::sock_error(sk);
        if (err == 0) {
            err = sk.sk_err_soft;
            sk.sk_err_soft = 0;
        }
        set_int(err);
        break;
    }
    case so_oobinline:
        set_int(sock_flag(sk, sock_urginline));
        break;
    case so_no_check:
        set_int(sk.sk_no_check_tx);
        break;
    case so_priority:
        set_int(static_cast<int>(sk.sk_priority));
        break;
    case so_linger: {
        lv = sizeof(linger);
        // l_linger is seconds; a "forever" lingertime (MAX_SCHEDULE_TIMEOUT,
        // from a negative or huge l_linger) reads back truncated to an int.
        const linger l{sock_flag(sk, sock_linger) ? 1 : 0, static_cast<int>(sk.sk_lingertime / hz)};
        std::memcpy(v, &l, sizeof(l));
        break;
    }
    case so_bsdcompat:
        break;
    case so_rcvtimeo_old:
    case so_sndtimeo_old:
    case so_rcvtimeo_new:
    case so_sndtimeo_new: {
        const bool rcv = optname == so_rcvtimeo_old || optname == so_rcvtimeo_new;
        const sock_timeval tv = detail::sock_get_timeout(rcv ? sk.sk_rcvtimeo : sk.sk_sndtimeo);
        if (optname == so_rcvtimeo_old || optname == so_sndtimeo_old) {
            const timeval old{static_cast<long>(tv.tv_sec), static_cast<long>(tv.tv_usec)};
            lv = sizeof(old);
            std::memcpy(v, &old, sizeof(old));
        } else {
            lv = sizeof(tv);
            std::memcpy(v, &tv, sizeof(tv));
        }
        break;
    }
    case so_rcvlowat:
        set_int(sk.sk_rcvlowat);
        break;
    case so_sndlowat:
        // Not settable (POSIX 1003.1g): always 1.
        set_int(1);
        break;
    case so_passcred:
        if (!detail::sk_may_scm_recv(sk))
            return -eopnotsupp;
        set_int(detail::socket_test_flag(s, sock_passcred));
        break;
    case so_peercred: {
        // cred_to_ucred(sk_peer_pid, sk_peer_cred): the peer's pid, euid and
        // egid as PF_UNIX recorded them at socketpair, listen or connect
        // (ksock keeps them in the unix_sock); without them {0, -1, -1}.
        ucred u{0, static_cast<std::uint32_t>(-1), static_cast<std::uint32_t>(-1)};
        if (sk.sk_family() == pf_unix && unix_sk(&sk)->peer_pid) {
            const unix_sock* us = unix_sk(&sk);
            u = ucred{us->peer_pid, us->peer_uid, us->peer_gid};
        }
        static_assert(sizeof(u) <= sizeof(v), "ksock::sk_getsockopt: ucred must fit in v");
        std::memcpy(v, &u, sizeof(u));
        lv = sizeof(u);
        break;
    }
    case so_passsec:
        if (!detail::sk_may_scm_recv(sk))
            return -eopnotsupp;
        set_int(detail::socket_test_flag(s, sock_passsec));
        break;
    case so_acceptconn:
        set_int(sk.sk_state() == tcp_listen);
        break;
    case so_mark:
        set_int(static_cast<int>(sk.sk_mark));
        break;
    case so_peek_off:
        // Only sockets whose ops can set a peek offset report one (raw and
        // ping sockets cannot).
        if (!has_set_peek_off)
            return -eopnotsupp;
        set_int(sk.sk_peek_off);
        break;
    case so_max_pacing_rate:
        // A 64-bit value for a buffer that can hold one, else the 32-bit,
        // saturated, legacy value.
        if (sizeof(unsigned long) != sizeof(int) &&
            len >= static_cast<int>(sizeof(unsigned long))) {
            lv = sizeof(unsigned long);
            std::memcpy(v, &sk.sk_max_pacing_rate, sizeof(unsigned long));
        } else {
            const unsigned int r = sk.sk_max_pacing_rate > 0xffffffffUL
                                       ? 0xffffffffU
                                       : static_cast<unsigned int>(sk.sk_max_pacing_rate);
            std::memcpy(v, &r, sizeof(r));
        }
        break;
    case so_incoming_cpu:
        set_int(sk.sk_incoming_cpu());
        break;
    case so_zerocopy:
        set_int(sock_flag(sk, sock_zerocopy));
        break;
    case so_txrehash:
        // 6.18: only TCP has a transmit-hash policy.
        if (!detail::sk_is_tcp(sk))
            return -eopnotsupp;
        set_int(sk.sk_txrehash);
        break;
    default:
        // SO_SNDLOWAT etc. are not settable (1003.1g 7); unknown names too.
        return -enoprotoopt;
    }

    if (len > lv)
        len = lv;
    if (!detail::copy_to_user(optval, v, static_cast<std::size_t>(len)))
        return -efault;
    if (!detail::put_user_len(optlen, len))
        return -efault;
    return 0;
}

//! sk_getsockopt for a socket whose proto_ops type is Ops.
template <class Ops>
int sk_getsockopt(ksock::socket& s, int optname, void* optval, socklen_t* optlen, const cred& cr) {
    return sk_getsockopt(s, optname, optval, optlen, cr, detail::has_set_peek_off<Ops>);
}

//! sk_setsockopt(): setsockopt(fd, SOL_SOCKET, optname, optval, optlen).
//! Every option here takes at least an int: optlen < sizeof(int) is EINVAL
//! whatever the name, even for an unknown or read-only one.
//! This body serves every ops type: it is what a socket whose ops have
//! neither set_peek_off nor set_rcvlowat gets; the template below routes
//! those two options to the ops that have them.
inline int sk_setsockopt(ksock::socket& s, int optname, const void* optval, socklen_t optlen,
                         const cred& cr) {
    sock& sk = *s.sk;
    net& ns = *sk.sk_net();
    int val = 0;
    int ret = 0;

    if (optlen < sizeof(int))
        return -einval;
    if (!detail::copy_from_user(&val, optval, sizeof(val)))
        return -efault;
    const int valbool = val ? 1 : 0;

    // Options Linux handles without the socket lock.
    switch (optname) {
    case so_priority:
        // 0..6 (TC_PRIO_BESTEFFORT..TC_PRIO_INTERACTIVE) are free; anything
        // else, negative values included, needs CAP_NET_RAW or CAP_NET_ADMIN.
        if ((val >= 0 && val <= 6) || cr.has(cap_net_raw) || cr.has(cap_net_admin)) {
            sk.sk_priority = static_cast<std::uint32_t>(val);
            return 0;
        }
        return -eperm;
    case so_type:
    case so_protocol:
    case so_domain:
    case so_error:
        return -enoprotoopt;
    case so_max_pacing_rate: {
        unsigned long ulval =
            (static_cast<unsigned int>(val) == ~0U) ? ~0UL : static_cast<unsigned int>(val);
        if (sizeof(ulval) != sizeof(val) && optlen >= sizeof(ulval) &&
            !detail::copy_from_user(&ulval, optval, sizeof(ulval)))
            return -efault;
        // (Linux also flags sk_pacing_status SK_PACING_NEEDED; ksock has no
        // pacing status yet.)
        sk.sk_max_pacing_rate = ulval;
        if (ulval < sk.sk_pacing_rate)
            sk.sk_pacing_rate = ulval;
        return 0;
    }
    case so_txrehash:
        if (!detail::sk_is_tcp(sk))
            return -eopnotsupp;
        if (val < -1 || val > 1)
            return -einval;
        if (static_cast<std::uint8_t>(val) == sock_txrehash_default)
            val = ns.sysctl.txrehash;
        sk.sk_txrehash = static_cast<std::uint8_t>(val);
        return 0;
    case so_peek_off: // no set_peek_off in the ops
        return -eopnotsupp;
    case so_sndtimeo_old:
    case so_sndtimeo_new:
        return detail::sock_set_timeout(sk.sk_sndtimeo, optval, optlen, optname == so_sndtimeo_old);
    case so_rcvtimeo_old:
    case so_rcvtimeo_new:
        return detail::sock_set_timeout(sk.sk_rcvtimeo, optval, optlen, optname == so_rcvtimeo_old);
    default:
        break;
    }

    // (Linux takes the socket lock here.)
    switch (optname) {
    case so_debug:
        // Note the errno: EACCES, not the EPERM of the other privileged options.
        if (val && !cr.has(cap_net_admin))
            ret = -eacces;
        else
            sock_valbool_flag(sk, sock_dbg, valbool);
        break;
    case so_reuseaddr:
        sk.sk_reuse() = valbool ? sk_can_reuse : sk_no_reuse;
        break;
    case so_reuseport:
        if (valbool && !detail::sk_is_inet(sk))
            ret = -eopnotsupp;
        else
            sk.sk_reuseport() = static_cast<std::uint8_t>(valbool);
        break;
    case so_dontroute:
        sock_valbool_flag(sk, sock_localroute, valbool);
        detail::sk_dst_reset(sk);
        break;
    case so_broadcast:
        sock_valbool_flag(sk, sock_broadcast, valbool);
        break;
    case so_sndbuf:
        // A hint, never an error: clamp to net.core.wmem_max. The comparison
        // is unsigned, so a negative value asks for the maximum.
        detail::sock_set_sndbuf(sk, detail::min_u32(val, ns.sysctl.wmem_max));
        break;
    case so_sndbufforce:
        if (!cr.has(cap_net_admin))
            ret = -eperm;
        else
            detail::sock_set_sndbuf(sk, val < 0 ? 0 : val);
        break;
    case so_rcvbuf:
        detail::sock_set_rcvbuf(sk, detail::min_u32(val, ns.sysctl.rmem_max));
        break;
    case so_rcvbufforce:
        if (!cr.has(cap_net_admin))
            ret = -eperm;
        else
            detail::sock_set_rcvbuf(sk, val < 0 ? 0 : val);
        break;
    case so_keepalive:
        // sk->sk_prot->keepalive: only TCP has one (arms or stops the timer).
        if (detail::sk_is_tcp(sk))
            tcp_set_keepalive(sk, valbool);
        sock_valbool_flag(sk, sock_keepopen, valbool);
        break;
    case so_oobinline:
        sock_valbool_flag(sk, sock_urginline, valbool);
        break;
    case so_no_check:
        sk.sk_no_check_tx = static_cast<std::uint8_t>(valbool);
        break;
    case so_linger: {
        linger ling{};
        if (optlen < sizeof(ling)) {
            ret = -einval; // 1003.1g
            break;
        }
        if (!detail::copy_from_user(&ling, optval, sizeof(ling))) {
            ret = -efault;
            break;
        }
        if (!ling.l_onoff) {
            sock_reset_flag(sk, sock_linger);
        } else {
            // Linux widens l_linger through unsigned long: a negative value
            // becomes huge, i.e. linger forever.
            const unsigned long t_sec =
                static_cast<unsigned long>(static_cast<long>(ling.l_linger));
            if (t_sec >= static_cast<unsigned long>(max_schedule_timeout / hz))
                sk.sk_lingertime = max_schedule_timeout;
            else
                sk.sk_lingertime = static_cast<long>(t_sec) * hz;
            sock_set_flag(sk, sock_linger);
        }
        break;
    }
    case so_bsdcompat:
        break;
    case so_rcvlowat: // no set_rcvlowat in the ops
        if (val < 0)
            val = INT_MAX;
        sk.sk_rcvlowat = val ? val : 1;
        break;
    case so_mark:
        if (!cr.has(cap_net_raw) && !cr.has(cap_net_admin)) {
            ret = -eperm;
            break;
        }
        if (static_cast<std::uint32_t>(val) != sk.sk_mark) {
            sk.sk_mark = static_cast<std::uint32_t>(val);
            detail::sk_dst_reset(sk);
        }
        break;
    case so_passcred:
        if (detail::sk_may_scm_recv(sk))
            detail::socket_assign_flag(s, sock_passcred, valbool);
        else
            ret = -eopnotsupp;
        break;
    case so_passsec:
        if (detail::sk_may_scm_recv(sk))
            detail::socket_assign_flag(s, sock_passsec, valbool);
        else
            ret = -eopnotsupp;
        break;
    case so_incoming_cpu:
        // reuseport_update_incoming_cpu(): ksock has no reuseport groups.
        sk.sk_incoming_cpu() = val;
        break;
    case so_zerocopy:
        if (sk.sk_family() == af_inet || sk.sk_family() == af_inet6) {
            if (!(detail::sk_is_tcp(sk) ||
                  (sk.sk_type == sock_dgram && sk.sk_protocol == ipproto_udp)))
                ret = -eopnotsupp;
        } else {
            ret = -eopnotsupp; // (PF_RDS would allow it; ksock has no RDS)
        }
        if (!ret) {
            if (val < 0 || val > 1)
                ret = -einval;
            else
                sock_valbool_flag(sk, sock_zerocopy, valbool);
        }
        break;
    default:
        ret = -enoprotoopt;
        break;
    }
    return ret;
}

//! sk_setsockopt for a socket whose proto_ops type is Ops: SO_PEEK_OFF and
//! SO_RCVLOWAT go to Ops::set_peek_off / Ops::set_rcvlowat where Ops has
//! them, after the same length and copy checks; everything else is the
//! shared body above.
template <class Ops>
int sk_setsockopt(ksock::socket& s, int optname, const void* optval, socklen_t optlen,
                  const cred& cr) {
    constexpr bool peek = detail::has_set_peek_off<Ops>;
    constexpr bool lowat = detail::has_set_rcvlowat<Ops>;
    if constexpr (peek || lowat) {
        if ((peek && optname == so_peek_off) || (lowat && optname == so_rcvlowat)) {
            int val = 0;
            if (optlen < sizeof(int))
                return -einval;
            if (!detail::copy_from_user(&val, optval, sizeof(val)))
                return -efault;
            if constexpr (peek)
                if (optname == so_peek_off)
                    return Ops::set_peek_off(*s.sk, val);
            if constexpr (lowat)
                return Ops::set_rcvlowat(*s.sk, val < 0 ? INT_MAX : val);
        }
    }
    return sk_setsockopt(s, optname, optval, optlen, cr);
}

} // namespace ksock
