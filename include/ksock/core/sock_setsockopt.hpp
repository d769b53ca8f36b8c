// ksock/core/sock_setsockopt.hpp: setsockopt(fd, SOL_SOCKET, ...), Linux
// 6.18's sk_setsockopt (net/core/sock.c). One body serves every family and
// ops type; the three things that depend on them reach them through the
// protosw entry that made the socket: SO_PEEK_OFF and SO_RCVLOWAT go to the
// ops' set_peek_off / set_rcvlowat, SO_KEEPALIVE to the proto's keepalive
// (Linux's sk->sk_prot->keepalive, which only TCP defines).
#pragma once

#include <climits>
#include <cstdint>

#include <ksock/core/sock_opt.hpp>
#include <ksock/core/uaccess.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/proto.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock {

namespace detail {

//! sk_setsockopt's answer for a name the switch at hand does not handle.
inline constexpr int sk_opt_not_here = 1;

//! SO_MAX_PACING_RATE: an unsigned long where the buffer holds one.
inline int sk_set_max_pacing_rate(sock& sk, int val, const void* optval, socklen_t optlen) {
    unsigned long ulval =
        (static_cast<unsigned int>(val) == ~0U) ? ~0UL : static_cast<unsigned int>(val);
    if (sizeof(ulval) != sizeof(val) && optlen >= sizeof(ulval) &&
        !copy_from_user(&ulval, optval, sizeof(ulval)))
        return -efault;
    // (Linux also flags sk_pacing_status SK_PACING_NEEDED; ksock has no
    // pacing status yet.)
    sk.sk_max_pacing_rate = ulval;
    if (ulval < sk.sk_pacing_rate)
        sk.sk_pacing_rate = ulval;
    return 0;
}

//! The options Linux handles before it takes the socket lock.
inline int sk_set_unlocked(sock& sk, int optname, int val, const void* optval, socklen_t optlen,
                           const cred& cr) {
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
    case so_max_pacing_rate:
        return sk_set_max_pacing_rate(sk, val, optval, optlen);
    case so_txrehash:
        if (!sk_is_tcp(sk))
            return -eopnotsupp;
        if (val < -1 || val > 1)
            return -einval;
        if (static_cast<std::uint8_t>(val) == sock_txrehash_default)
            val = sk.sk_net()->sysctl.txrehash;
        sk.sk_txrehash = static_cast<std::uint8_t>(val);
        return 0;
    case so_peek_off: // no set_peek_off in the ops
        return -eopnotsupp;
    case so_sndtimeo_old:
    case so_sndtimeo_new:
        return sock_set_timeout(sk.sk_sndtimeo, optval, optlen, optname == so_sndtimeo_old);
    case so_rcvtimeo_old:
    case so_rcvtimeo_new:
        return sock_set_timeout(sk.sk_rcvtimeo, optval, optlen, optname == so_rcvtimeo_old);
    default:
        return sk_opt_not_here;
    }
}

//! SO_SNDBUF, SO_RCVBUF and their FORCE variants: a hint, never an error,
//! clamped to net.core.{w,r}mem_max (the comparison is unsigned, so a
//! negative value asks for the maximum); the FORCE ones need CAP_NET_ADMIN
//! and are not clamped.
inline int sk_set_buf(sock& sk, int optname, int val, const cred& cr) noexcept {
    const net_core_sysctl& sys = sk.sk_net()->sysctl;
    switch (optname) {
    case so_sndbuf:
        sock_set_sndbuf(sk, min_u32(val, sys.wmem_max));
        return 0;
    case so_rcvbuf:
        sock_set_rcvbuf(sk, min_u32(val, sys.rmem_max));
        return 0;
    case so_sndbufforce:
        if (!cr.has(cap_net_admin))
            return -eperm;
        sock_set_sndbuf(sk, val < 0 ? 0 : val);
        return 0;
    default: // so_rcvbufforce
        if (!cr.has(cap_net_admin))
            return -eperm;
        sock_set_rcvbuf(sk, val < 0 ? 0 : val);
        return 0;
    }
}

//! SO_LINGER: struct linger; l_linger is widened through unsigned long, so
//! a negative value becomes huge, i.e. linger forever.
inline int sk_set_linger(sock& sk, const void* optval, socklen_t optlen) {
    linger ling{};
    if (optlen < sizeof(ling))
        return -einval; // 1003.1g
    if (!copy_from_user(&ling, optval, sizeof(ling)))
        return -efault;
    if (!ling.l_onoff) {
        sock_reset_flag(sk, sock_linger);
        return 0;
    }
    const unsigned long t_sec = static_cast<unsigned long>(static_cast<long>(ling.l_linger));
    if (t_sec >= static_cast<unsigned long>(max_schedule_timeout / hz))
        sk.sk_lingertime = max_schedule_timeout;
    else
        sk.sk_lingertime = static_cast<long>(t_sec) * hz;
    sock_set_flag(sk, sock_linger);
    return 0;
}

//! SO_ZEROCOPY: TCP and UDP over inet only (PF_RDS would allow it too; ksock
//! has no RDS), and only 0 or 1.
inline int sk_set_zerocopy(sock& sk, int val) noexcept {
    if (sk.sk_family() != af_inet && sk.sk_family() != af_inet6)
        return -eopnotsupp;
    if (!(sk_is_tcp(sk) || (sk.sk_type == sock_dgram && sk.sk_protocol == ipproto_udp)))
        return -eopnotsupp;
    if (val < 0 || val > 1)
        return -einval;
    sock_valbool_flag(sk, sock_zerocopy, val != 0);
    return 0;
}

//! The options Linux handles with the socket lock held. SO_KEEPALIVE here
//! only sets the flag: the proto's keepalive ran before (sk_setsockopt<E>).
inline int sk_set_locked(ksock::socket& s, sock& sk, int optname, int val, const void* optval,
                         socklen_t optlen, const cred& cr) {
    const bool valbool = val != 0;
    switch (optname) {
    case so_debug:
        // Note the errno: EACCES, not the EPERM of the other privileged options.
        if (val && !cr.has(cap_net_admin))
            return -eacces;
        sock_valbool_flag(sk, sock_dbg, valbool);
        return 0;
    case so_reuseaddr:
        sk.sk_reuse() = valbool ? sk_can_reuse : sk_no_reuse;
        return 0;
    case so_reuseport:
        if (valbool && !sk_is_inet(sk))
            return -eopnotsupp;
        sk.sk_reuseport() = static_cast<std::uint8_t>(valbool);
        return 0;
    case so_dontroute:
        sock_valbool_flag(sk, sock_localroute, valbool);
        sk_dst_reset(sk);
        return 0;
    case so_broadcast:
        sock_valbool_flag(sk, sock_broadcast, valbool);
        return 0;
    case so_sndbuf:
    case so_rcvbuf:
    case so_sndbufforce:
    case so_rcvbufforce:
        return sk_set_buf(sk, optname, val, cr);
    case so_keepalive:
        sock_valbool_flag(sk, sock_keepopen, valbool);
        return 0;
    case so_oobinline:
        sock_valbool_flag(sk, sock_urginline, valbool);
        return 0;
    case so_no_check:
        sk.sk_no_check_tx = static_cast<std::uint8_t>(valbool);
        return 0;
    case so_linger:
        return sk_set_linger(sk, optval, optlen);
    case so_bsdcompat:
        return 0;
    case so_rcvlowat: // no set_rcvlowat in the ops
        if (val < 0)
            val = INT_MAX;
        sk.sk_rcvlowat = val ? val : 1;
        return 0;
    case so_mark:
        if (!cr.has(cap_net_raw) && !cr.has(cap_net_admin))
            return -eperm;
        if (static_cast<std::uint32_t>(val) != sk.sk_mark) {
            sk.sk_mark = static_cast<std::uint32_t>(val);
            sk_dst_reset(sk);
        }
        return 0;
    case so_passcred:
    case so_passsec:
        if (!sk_may_scm_recv(sk))
            return -eopnotsupp;
        socket_assign_flag(s, optname == so_passcred ? sock_passcred : sock_passsec, valbool);
        return 0;
    case so_incoming_cpu:
        // reuseport_update_incoming_cpu(): ksock has no reuseport groups.
        sk.sk_incoming_cpu() = val;
        return 0;
    case so_zerocopy:
        return sk_set_zerocopy(sk, val);
    default:
        return -enoprotoopt;
    }
}

//! Every SOL_SOCKET option takes at least an int: optlen < sizeof(int) is
//! EINVAL whatever the name, even for an unknown or read-only one.
inline int sk_get_optval(int& val, const void* optval, socklen_t optlen) noexcept {
    if (optlen < sizeof(int))
        return -einval;
    if (!copy_from_user(&val, optval, sizeof(val)))
        return -efault;
    return 0;
}

} // namespace detail

//! sk_setsockopt(): setsockopt(fd, SOL_SOCKET, optname, optval, optlen) for
//! a socket whose ops have neither set_peek_off nor set_rcvlowat and whose
//! proto has no keepalive: the one body every ops type shares.
inline int sk_setsockopt(ksock::socket& s, int optname, const void* optval, socklen_t optlen,
                         const cred& cr) {
    sock& sk = *s.sk;
    int val = 0;
    if (const int err = detail::sk_get_optval(val, optval, optlen))
        return err;
    const int ret = detail::sk_set_unlocked(sk, optname, val, optval, optlen, cr);
    if (ret != detail::sk_opt_not_here)
        return ret;
    // (Linux takes the socket lock here.)
    return detail::sk_set_locked(s, sk, optname, val, optval, optlen, cr);
}

//! sk_setsockopt for a socket made by protosw entry \p Entry: SO_PEEK_OFF
//! and SO_RCVLOWAT go to Entry::ops::set_peek_off / set_rcvlowat where the
//! ops have them, SO_KEEPALIVE first to Entry::prot::keepalive where the
//! proto has one (before the flag changes, as in Linux), each after the
//! same length and copy checks; everything else is the shared body above.
template <class Entry, class Ctx>
int sk_setsockopt(Ctx& ctx, ksock::socket& s, int optname, const void* optval, socklen_t optlen) {
    using Ops = typename Entry::ops;
    using P = typename Entry::prot;
    constexpr bool peek = detail::has_set_peek_off<Ops>;
    constexpr bool lowat = detail::has_set_rcvlowat<Ops>;
    constexpr bool keepalive = proto_has_keepalive<P, Ctx>;
    if constexpr (peek || lowat || keepalive) {
        if ((peek && optname == so_peek_off) || (lowat && optname == so_rcvlowat) ||
            (keepalive && optname == so_keepalive)) {
            int val = 0;
            if (const int err = detail::sk_get_optval(val, optval, optlen))
                return err;
            if constexpr (peek)
                if (optname == so_peek_off)
                    return Ops::set_peek_off(*s.sk, val);
            if constexpr (lowat)
                if (optname == so_rcvlowat)
                    return Ops::set_rcvlowat(ctx, *s.sk, val < 0 ? INT_MAX : val);
            if constexpr (keepalive)
                P::keepalive(ctx, *s.sk, val != 0);
        }
    }
    return sk_setsockopt(s, optname, optval, optlen, ctx.current_cred());
}

} // namespace ksock
