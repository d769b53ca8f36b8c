// ksock/inet/tcp/tcp_sockopt.hpp: the SOL_TCP options and struct tcp_info, Linux
// 6.18's tcp_getsockopt / tcp_setsockopt / tcp_get_info / tcp_set_rcvlowat
// (net/ipv4/tcp.c, net/ipv4/tcp_cong.c, include/uapi/linux/tcp.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/ip/ip_sockglue.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/inet/tcp/tcp_info.hpp>
#include <ksock/inet/tcp/tcp_keepalive.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

// (tp->nonagle's constants are in tcp_sock.hpp.)
inline constexpr int tcp_fin_timeout_max = 120 * hz; //!< TCP_FIN_TIMEOUT_MAX, jiffies
inline constexpr std::uint32_t tcp_timeout_min = 2;  //!< TCP_TIMEOUT_MIN, jiffies
inline constexpr int tcp_rto_max_sec = 120;          //!< TCP_RTO_MAX_SEC

namespace detail {

//! secs_to_retrans(): TCP_DEFER_ACCEPT seconds to SYN-ACK retransmissions.
constexpr std::uint8_t secs_to_retrans(int seconds, int timeout, int rto_max) noexcept {
    std::uint8_t res = 0;
    if (seconds > 0) {
        int period = timeout;
        res = 1;
        while (seconds > period && res < 255) {
            res++;
            timeout <<= 1;
            if (timeout > rto_max)
                timeout = rto_max;
            period += timeout;
        }
    }
    return res;
}
//! retrans_to_secs(): the inverse, so TCP_DEFER_ACCEPT reads back rounded up
//! to the end of a retransmission period (10 reads back as 15).
constexpr int retrans_to_secs(std::uint8_t retrans, int timeout, int rto_max) noexcept {
    int period = 0;
    if (retrans > 0) {
        period = timeout;
        while (--retrans) {
            timeout <<= 1;
            if (timeout > rto_max)
                timeout = rto_max;
            period += timeout;
        }
    }
    return period;
}

constexpr bool tcp_state_in(const sock& sk, std::uint8_t a, std::uint8_t b) noexcept {
    return sk.sk_state() == a || sk.sk_state() == b;
}

//! tcp_set_congestion_control(). Linux lets anyone choose a "non-restricted"
//! algorithm (net.ipv4.tcp_allowed_congestion_control, which always holds
//! the default); the others need CAP_NET_ADMIN. ksock's algorithms carry
//! their flag statically, and the netns default counts as allowed.
inline int tcp_set_congestion_control(sock& sk, const char* name, bool cap_net_admin,
                                      netns_ipv4& ns) {
    inet_connection_sock& icsk = *inet_csk(&sk);
    const tcp_congestion_ops* ca = tcp_ca_find(name);
    // Asking for the current algorithm always succeeds.
    if (ca == icsk.icsk_ca_ops)
        return 0;
    if (!ca)
        return -enoent; // (no modules to autoload on the observed kernel either)
    const tcp_congestion_ops* dflt = ns.tcp_congestion_default();
    if (!((ca->flags & tcp_cong_non_restricted) || ca == dflt || cap_net_admin))
        return -eperm;
    // tcp_reinit_congestion_control(): on a socket that is not connected
    // yet (ksock's only kind) nothing is initialised until the handshake.
    icsk.icsk_ca_ops = ca;
    for (auto& w : icsk.icsk_ca_priv)
        w = 0;
    return 0;
}

//! tcp_set_window_clamp().
inline int tcp_set_window_clamp(sock& sk, int val) {
    tcp_sock& tp = *tcp_sk(&sk);
    if (!val) {
        if (sk.sk_state() != tcp_close)
            return -einval;
        tp.window_clamp = 0;
        return 0;
    }
    const auto new_clamp =
        static_cast<std::uint32_t>(val < sock_min_rcvbuf / 2 ? sock_min_rcvbuf / 2 : val);
    const std::uint32_t old_clamp = tp.window_clamp;
    if (new_clamp == old_clamp)
        return 0;
    tp.window_clamp = new_clamp;
    if (new_clamp < old_clamp) {
        // __tcp_adjust_rcv_ssthresh() with no reserved memory.
        if (tp.rcv_ssthresh > new_clamp)
            tp.rcv_ssthresh = new_clamp;
    } else {
        const std::uint32_t n = tp.rcv_wnd < new_clamp ? tp.rcv_wnd : new_clamp;
        if (n > tp.rcv_ssthresh)
            tp.rcv_ssthresh = n;
    }
    return 0;
}

} // namespace detail

//! tcp_set_rcvlowat(): TCP's set_rcvlowat (inet_stream_ops). The low-water
//! mark is capped by half the receive buffer the socket can have, and
//! sk_rcvbuf grows so that a window of that many bytes fits, unless the user
//! fixed it with SO_RCVBUF.
inline int tcp_set_rcvlowat(sock& sk, int val, const netns_ipv4& ns) {
    tcp_sock& tp = *tcp_sk(&sk);
    int cap;
    if (sk.sk_userlocks & sock_rcvbuf_lock)
        cap = sk.sk_rcvbuf >> 1;
    else
        cap = ns.sysctl.tcp_rmem[2] >> 1;
    if (val > cap)
        val = cap;
    sk.sk_rcvlowat = val ? val : 1;

    // (Linux checks here whether to signal EPOLLIN: tcp_data_ready.)
    if (sk.sk_userlocks & sock_rcvbuf_lock)
        return 0;

    // tcp_space_from_win()
    const auto space = static_cast<int>((static_cast<std::uint64_t>(val) << tcp_rmem_to_win_scale) /
                                        tp.scaling_ratio);
    if (space > sk.sk_rcvbuf) {
        sk.sk_rcvbuf = space;
        if (tp.window_clamp && tp.window_clamp < static_cast<std::uint32_t>(val))
            tp.window_clamp = static_cast<std::uint32_t>(val);
    }
    return 0;
}

namespace detail {

//! TCP_CONGESTION's value: a name, cut at its NUL or at 15 characters
//! (strncpy_from_sockptr).
inline int tcp_set_congestion_control_user(sock& sk, const void* optval, socklen_t optlen,
                                           const cred& cr, netns_ipv4& ns) {
    char name[tcp_ca_name_max] = {};
    if (optlen < 1)
        return -einval;
    const std::size_t n = optlen < tcp_ca_name_max - 1 ? optlen : tcp_ca_name_max - 1;
    if (!optval)
        return -efault;
    for (std::size_t i = 0; i < n; ++i) {
        std::memcpy(&name[i], static_cast<const char*>(optval) + i, 1);
        if (name[i] == '\0')
            break;
    }
    return tcp_set_congestion_control(sk, name, cr.has(cap_net_admin), ns);
}

//! The SOL_TCP options Linux sets before it takes the socket lock: 0 or
//! -errno, sk_opt_not_here for the others.
inline int tcp_set_unlocked(tcp_sock& tp, int optname, int val) noexcept {
    inet_connection_sock& icsk = tp.inet_conn;
    switch (optname) {
    case tcp_syncnt:
        if (val < 1 || val > max_tcp_syncnt)
            return -einval;
        icsk.icsk_syn_retries = static_cast<std::uint8_t>(val);
        return 0;
    case tcp_user_timeout:
        // ms; 0 means "use the retransmission counts".
        if (val < 0)
            return -einval;
        icsk.icsk_user_timeout = static_cast<std::uint32_t>(val);
        return 0;
    case tcp_keepintvl:
        if (val < 1 || val > max_tcp_keepintvl)
            return -einval;
        tp.keepalive_intvl = static_cast<std::uint32_t>(val * hz);
        return 0;
    case tcp_keepcnt:
        if (val < 1 || val > max_tcp_keepcnt)
            return -einval;
        tp.keepalive_probes = static_cast<std::uint8_t>(val);
        return 0;
    case tcp_linger2:
        // Negative: no FIN_WAIT2 state at all (reads -1); above the maximum:
        // clamped, silently.
        if (val < 0)
            tp.linger2 = -1;
        else if (val > tcp_fin_timeout_max / hz)
            tp.linger2 = tcp_fin_timeout_max;
        else
            tp.linger2 = val * static_cast<int>(hz);
        return 0;
    case tcp_defer_accept:
        // Seconds become SYN-ACK retransmissions (TCP_TIMEOUT_INIT doubling up
        // to TCP_RTO_MAX), so the value reads back rounded up.
        icsk.icsk_accept_queue.rskq_defer_accept = secs_to_retrans(
            val, static_cast<int>(tcp_timeout_init / hz), static_cast<int>(tcp_rto_max / hz));
        return 0;
    case tcp_rto_max_ms:
        // 1 s .. 120 s, in ms.
        if (val < 1000 || val > tcp_rto_max_sec * 1000)
            return -einval;
        icsk.icsk_rto_max =
            static_cast<std::uint32_t>(msecs_to_jiffies(static_cast<std::uint32_t>(val)));
        return 0;
    case tcp_rto_min_us: {
        // In us, but checked in jiffies: at most TCP_RTO_MIN (200 ms), at
        // least TCP_TIMEOUT_MIN (2 jiffies), so the floor depends on HZ.
        const std::uint64_t rto_min = usecs_to_jiffies(static_cast<std::uint32_t>(val));
        if (rto_min > tcp_rto_min || rto_min < tcp_timeout_min)
            return -einval;
        icsk.icsk_rto_min = static_cast<std::uint32_t>(rto_min);
        return 0;
    }
    default:
        return ksock::detail::sk_opt_not_here;
    }
}

//! __tcp_sock_set_quickack(): 0 enters "pingpong" (delayed ACK) mode.
inline int tcp_set_quickack(sock& sk, inet_connection_sock& icsk, int val) noexcept {
    if (!val) {
        icsk.icsk_ack.pingpong = tcp_pingpong_thresh;
        return 0;
    }
    icsk.icsk_ack.pingpong = 0;
    if (tcp_state_in(sk, tcp_established, tcp_close_wait) &&
        (icsk.icsk_ack.pending & icsk_ack_sched)) {
        icsk.icsk_ack.pending |= icsk_ack_pushed; // (then tcp_cleanup_rbuf)
        if (!(val & 1))
            icsk.icsk_ack.pingpong = tcp_pingpong_thresh;
    }
    return 0;
}

//! The SOL_TCP options Linux sets with the socket lock held.
inline int tcp_set_locked(sock& sk, tcp_sock& tp, int optname, int val) noexcept {
    switch (optname) {
    case tcp_maxseg:
        // 0 restores the default; the MTU is not known yet, so only the
        // protocol's limits are checked.
        if (val && (val < tcp_min_mss || val > max_tcp_window))
            return -einval;
        tp.user_mss = static_cast<std::uint16_t>(val);
        return 0;
    case tcp_nodelay:
        // __tcp_sock_set_nodelay() (the push of pending frames: none queued).
        if (val)
            tp.nonagle |= tcp_nagle_off | tcp_nagle_push;
        else
            tp.nonagle &= static_cast<std::uint8_t>(~tcp_nagle_off);
        return 0;
    case tcp_cork:
        // __tcp_sock_set_cork(): uncorking a TCP_NODELAY socket pushes.
        if (val) {
            tp.nonagle |= tcp_nagle_cork;
        } else {
            tp.nonagle &= static_cast<std::uint8_t>(~tcp_nagle_cork);
            if (tp.nonagle & tcp_nagle_off)
                tp.nonagle |= tcp_nagle_push;
        }
        return 0;
    case tcp_keepidle:
        // tcp_sock_set_keepidle_locked(). A running keepalive timer restarts
        // with the new idle time; ksock has no clock to subtract the time
        // already idle, so the full period is used.
        if (val < 1 || val > max_tcp_keepidle)
            return -einval;
        tp.keepalive_time = static_cast<std::uint32_t>(val * hz);
        if (sock_flag(sk, sock_keepopen) && !tcp_state_in(sk, tcp_close, tcp_listen))
            inet_csk_reset_keepalive_timer(sk, tp.keepalive_time);
        return 0;
    case tcp_window_clamp:
        return tcp_set_window_clamp(sk, val);
    case tcp_quickack:
        return tcp_set_quickack(sk, tp.inet_conn, val);
    case tcp_thin_linear_timeouts:
        if (val < 0 || val > 1)
            return -einval;
        tp.thin_lto = static_cast<std::uint8_t>(val);
        return 0;
    case tcp_thin_dupack:
        return val < 0 || val > 1 ? -einval : 0;
    case tcp_save_syn:
        if (val < 0 || val > 2)
            return -einval;
        tp.save_syn = static_cast<std::uint8_t>(val);
        return 0;
    case tcp_notsent_lowat:
        // (Linux then calls sk_write_space.)
        tp.notsent_lowat = static_cast<std::uint32_t>(val);
        return 0;
    default:
        return -enoprotoopt;
    }
}

//! The SOL_TCP options whose value is one int: true, with \p val set, when
//! \p optname is one of them.
inline bool tcp_get_int(const sock& sk, const tcp_sock& tp, const netns_ipv4& ns, int optname,
                        int& val) noexcept {
    const inet_connection_sock& icsk = tp.inet_conn;
    switch (optname) {
    case tcp_maxseg:
        // Before a connection, the user's TCP_MAXSEG wins over the default.
        // (Under TCP_REPAIR Linux reports rx_opt.mss_clamp; ksock has none.)
        val = static_cast<int>(tp.mss_cache);
        if (tp.user_mss && tcp_state_in(sk, tcp_close, tcp_listen))
            val = tp.user_mss;
        return true;
    case tcp_nodelay:
        val = (tp.nonagle & tcp_nagle_off) ? 1 : 0;
        return true;
    case tcp_cork:
        val = (tp.nonagle & tcp_nagle_cork) ? 1 : 0;
        return true;
    case tcp_keepidle:
        val = keepalive_time_when(tp, ns) / static_cast<int>(hz);
        return true;
    case tcp_keepintvl:
        val = keepalive_intvl_when(tp, ns) / static_cast<int>(hz);
        return true;
    case tcp_keepcnt:
        val = keepalive_probes(tp, ns);
        return true;
    case tcp_syncnt:
        val = icsk.icsk_syn_retries ? icsk.icsk_syn_retries : ns.sysctl.tcp_syn_retries;
        return true;
    case tcp_linger2:
        val = tp.linger2;
        if (val >= 0)
            val = (val ? val / static_cast<int>(hz) : ns.sysctl.tcp_fin_timeout);
        return true;
    case tcp_defer_accept:
        val = retrans_to_secs(icsk.icsk_accept_queue.rskq_defer_accept,
                              static_cast<int>(tcp_timeout_init / hz),
                              static_cast<int>(tcp_rto_max / hz));
        return true;
    case tcp_window_clamp:
        val = static_cast<int>(tp.window_clamp);
        return true;
    case tcp_quickack:
        val = !inet_csk_in_pingpong_mode(icsk);
        return true;
    case tcp_user_timeout:
        val = static_cast<int>(icsk.icsk_user_timeout);
        return true;
    case tcp_repair:
        val = tp.repair;
        return true;
    case tcp_notsent_lowat:
        val = static_cast<int>(tp.notsent_lowat);
        return true;
    case tcp_save_syn:
        val = tp.save_syn;
        return true;
    case tcp_thin_linear_timeouts:
        val = tp.thin_lto;
        return true;
    case tcp_thin_dupack:
        val = 0;
        return true;
    case tcp_is_mptcp:
        val = 0; // a plain TCP socket (an MPTCP one answers 1 itself)
        return true;
    case tcp_rto_max_ms:
        val = static_cast<int>(jiffies_to_msecs(icsk.icsk_rto_max));
        return true;
    case tcp_rto_min_us:
        val = static_cast<int>(jiffies_to_usecs(icsk.icsk_rto_min));
        return true;
    default:
        return false;
    }
}

} // namespace detail

//! tcp_setsockopt(): setsockopt on a TCP socket. Levels other than SOL_TCP
//! go to the address family's handler (icsk_af_ops: ip_setsockopt).
inline int tcp_setsockopt(ksock::socket& s, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr, netns_ipv4& ns) {
    if (level != sol_tcp)
        return ip_setsockopt(s, level, optname, optval, optlen, cr);
    sock& sk = *s.sk;
    tcp_sock& tp = *tcp_sk(&sk);
    // The one string option.
    if (optname == tcp_congestion)
        return detail::tcp_set_congestion_control_user(sk, optval, optlen, cr, ns);
    int val = 0;
    if (optlen < sizeof(int))
        return -einval;
    if (!ksock::copy_from_user(&val, optval, sizeof(val)))
        return -efault;
    const int ret = detail::tcp_set_unlocked(tp, optname, val);
    if (ret != ksock::detail::sk_opt_not_here)
        return ret;
    // (Linux takes the socket lock here.)
    return detail::tcp_set_locked(sk, tp, optname, val);
}

//! tcp_getsockopt(): getsockopt on a TCP socket. Levels other than SOL_TCP
//! go to ip_getsockopt.
inline int tcp_getsockopt(ksock::socket& s, int level, int optname, void* optval, socklen_t* optlen,
                          const cred& cr, netns_ipv4& ns) {
    if (level != sol_tcp)
        return ip_getsockopt(s, level, optname, optval, optlen, cr, ns);
    sock& sk = *s.sk;
    const tcp_sock& tp = *tcp_sk(&sk);
    int len = 0;
    if (!ksock::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;
    const int user_len = len;
    if (len > static_cast<int>(sizeof(int)))
        len = sizeof(int);

    if (int val = 0; detail::tcp_get_int(sk, tp, ns, optname, val))
        return ksock::put_len_then_value(optlen, len, optval, &val);
    if (optname == tcp_info) {
        // The whole caller's length, not the int-clamped one.
        tcp_info_t info;
        tcp_get_info(sk, info);
        len = user_len < static_cast<int>(sizeof(info)) ? user_len : static_cast<int>(sizeof(info));
        return ksock::put_len_then_value(optlen, len, optval, &info);
    }
    if (optname == tcp_congestion) {
        // The 16-byte, NUL-padded name, cut to the caller's length; the length
        // reported is min(len, 16), not strlen.
        char ca_name[tcp_ca_name_max] = {};
        if (tp.inet_conn.icsk_ca_ops)
            std::memcpy(ca_name, tp.inet_conn.icsk_ca_ops->name, sizeof(ca_name));
        len = user_len < tcp_ca_name_max ? user_len : tcp_ca_name_max;
        return ksock::put_len_then_value(optlen, len, optval, ca_name);
    }
    return -enoprotoopt;
}

} // namespace ksock::inet
