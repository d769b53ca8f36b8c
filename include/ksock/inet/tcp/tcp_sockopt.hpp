// ksock/inet/tcp/tcp_sockopt.hpp: the SOL_TCP options and struct tcp_info, Linux
// 6.18's tcp_getsockopt / tcp_setsockopt / tcp_get_info / tcp_set_rcvlowat
// (net/ipv4/tcp.c, net/ipv4/tcp_cong.c, include/uapi/linux/tcp.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include <ksock/core/sock_sockopt.hpp>
#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/ip/ip_sockglue.hpp>
#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
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

namespace ksock {

// --- tp->nonagle / icsk_ack constants ------------------------
inline constexpr std::uint8_t tcp_ecn_ok = 1;        //!< tp->ecn_flags: TCP_ECN_OK
inline constexpr std::uint8_t tcp_ecn_seen = 8;      //!< tp->ecn_flags: TCP_ECN_SEEN
inline constexpr std::uint8_t tcp_nagle_off = 1;     //!< TCP_NAGLE_OFF (TCP_NODELAY)
inline constexpr std::uint8_t tcp_nagle_cork = 2;    //!< TCP_NAGLE_CORK
inline constexpr std::uint8_t tcp_nagle_push = 4;    //!< TCP_NAGLE_PUSH
inline constexpr std::uint8_t icsk_ack_sched = 1;    //!< ICSK_ACK_SCHED
inline constexpr std::uint8_t icsk_ack_pushed = 4;   //!< ICSK_ACK_PUSHED
inline constexpr int tcp_fin_timeout_max = 120 * hz; //!< TCP_FIN_TIMEOUT_MAX, jiffies
inline constexpr std::uint32_t tcp_timeout_min = 2;  //!< TCP_TIMEOUT_MIN, jiffies
inline constexpr int tcp_rto_max_sec = 120;          //!< TCP_RTO_MAX_SEC
//! net.ipv4.tcp_pingpong_thresh: ksock's net_sysctl has no such entry yet;
//! this is Linux's default (and the host's value).
inline constexpr std::uint8_t tcp_pingpong_thresh = 1;

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

//! tcp_delack_max(): the delayed-ACK ceiling, at most just under rto_min.
constexpr std::uint32_t tcp_delack_max(const inet_connection_sock& icsk) noexcept {
    const std::uint32_t rto_min = icsk.icsk_rto_min > 2 ? icsk.icsk_rto_min : 2;
    return icsk.icsk_delack_max < rto_min - 1 ? icsk.icsk_delack_max : rto_min - 1;
}

constexpr bool inet_csk_in_pingpong_mode(const inet_connection_sock& icsk) noexcept {
    return icsk.icsk_ack.pingpong >= tcp_pingpong_thresh;
}

//! tcp_set_congestion_control(). Linux lets anyone choose a "non-restricted"
//! algorithm (net.ipv4.tcp_allowed_congestion_control, which always holds
//! the default); the others need CAP_NET_ADMIN. ksock's algorithms carry
//! their flag statically, and the netns default counts as allowed.
inline int tcp_set_congestion_control(sock& sk, const char* name, bool cap_net_admin) {
    inet_connection_sock& icsk = *inet_csk(&sk);
    const tcp_congestion_ops* ca = tcp_ca_find(name);
    // Asking for the current algorithm always succeeds.
    if (ca == icsk.icsk_ca_ops)
        return 0;
    if (!ca)
        return -enoent; // (no modules to autoload on the observed kernel either)
    const tcp_congestion_ops* dflt = sk.sk_net()->tcp_congestion_default();
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
inline int tcp_set_rcvlowat(sock& sk, int val) {
    tcp_sock& tp = *tcp_sk(&sk);
    int cap;
    if (sk.sk_userlocks & sock_rcvbuf_lock)
        cap = sk.sk_rcvbuf >> 1;
    else
        cap = sk.sk_net()->sysctl.tcp_rmem[2] >> 1;
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

//! tcp_get_info(): fill \p info from the socket.
//!
//! Fields ksock cannot know read 0:
//!  * tcpi_last_data_sent, tcpi_last_data_recv, tcpi_last_ack_recv: "ms since
//!    the last event" needs a jiffies clock, which ksock does not have. (Linux
//!    reports the time since boot for a fresh socket, whose timestamps are 0.)
//!  * tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited (chrono stats),
//!    tcpi_rcv_rtt (rcv_rtt_est), tcpi_rcv_space (rcvq_space),
//!    tcpi_delivery_rate (rate_delivered / rate_interval_us), tcpi_dsack_dups,
//!    tcpi_rcv_ooopack, tcpi_rehash (plb/timeout rehash counts),
//!    tcpi_fastopen_client_fail, the AccECN counters and the TIMESTAMPS /
//!    SACK / WSCALE / SYN_DATA / USEC_TS option bits (tp->rx_opt): tcp_sock
//!    has no fields for them yet; all are 0 until a connection exists, which
//!    ksock sockets never have so far.
inline void tcp_get_info(const sock& sk, tcp_info_t& info) {
    info = tcp_info_t{};
    if (sk.sk_type != sock_stream)
        return;
    const tcp_sock& tp = *tcp_sk(&sk);
    const inet_connection_sock& icsk = tp.inet_conn;

    info.tcpi_state = sk.sk_state();
    // ~0UL ("unlimited") is ~0ULL even on a 32-bit target.
    info.tcpi_pacing_rate = sk.sk_pacing_rate != ~0UL ? sk.sk_pacing_rate : ~0ULL;
    info.tcpi_max_pacing_rate = sk.sk_max_pacing_rate != ~0UL ? sk.sk_max_pacing_rate : ~0ULL;
    info.tcpi_reordering = tp.reordering;
    info.tcpi_snd_cwnd = tp.snd_cwnd;

    if (sk.sk_state() == tcp_listen) {
        // A listener reuses two fields: children ready for accept(), and the
        // backlog. Nothing else is reported.
        info.tcpi_unacked = sk.sk_ack_backlog;
        info.tcpi_sacked = sk.sk_max_ack_backlog;
        return;
    }

    info.tcpi_ca_state = icsk.icsk_ca_state;
    info.tcpi_retransmits = icsk.icsk_retransmits;
    info.tcpi_probes = icsk.icsk_probes_out;
    info.tcpi_backoff = icsk.icsk_backoff;
    if (tp.ecn_flags & tcp_ecn_ok)
        info.tcpi_options |= tcpi_opt_ecn;
    if (tp.ecn_flags & tcp_ecn_seen)
        info.tcpi_options |= tcpi_opt_ecn_seen;

    info.tcpi_rto = jiffies_to_usecs(icsk.icsk_rto);
    const std::uint32_t delack = detail::tcp_delack_max(icsk);
    info.tcpi_ato = jiffies_to_usecs(icsk.icsk_ack.ato < delack ? icsk.icsk_ack.ato : delack);
    info.tcpi_snd_mss = tp.mss_cache;
    info.tcpi_rcv_mss = icsk.icsk_ack.rcv_mss;

    info.tcpi_unacked = tp.packets_out;
    info.tcpi_sacked = tp.sacked_out;
    info.tcpi_lost = tp.lost_out;
    info.tcpi_retrans = tp.retrans_out;

    info.tcpi_pmtu = icsk.icsk_pmtu_cookie;
    info.tcpi_rcv_ssthresh = tp.rcv_ssthresh;
    info.tcpi_rtt = tp.srtt_us >> 3;    // srtt_us is kept scaled by 8
    info.tcpi_rttvar = tp.mdev_us >> 2; // and mdev_us by 4
    info.tcpi_snd_ssthresh = tp.snd_ssthresh;
    info.tcpi_advmss = tp.advmss;

    info.tcpi_total_retrans = tp.total_retrans;
    info.tcpi_bytes_acked = tp.bytes_acked;
    info.tcpi_bytes_received = tp.bytes_received;
    const auto notsent = static_cast<std::int32_t>(tp.write_seq - tp.snd_nxt);
    info.tcpi_notsent_bytes = notsent > 0 ? static_cast<std::uint32_t>(notsent) : 0;

    info.tcpi_segs_out = tp.segs_out;
    info.tcpi_segs_in = tp.segs_in;
    info.tcpi_data_segs_in = tp.data_segs_in;
    info.tcpi_min_rtt = tp.rtt_min.s[0].v; // minmax_get(): ~0U until a sample
    info.tcpi_data_segs_out = tp.data_segs_out;

    info.tcpi_delivery_rate_app_limited = tp.rate_app_limited ? 1 : 0;
    info.tcpi_delivered = tp.delivered;
    info.tcpi_delivered_ce = tp.delivered_ce;
    info.tcpi_bytes_sent = tp.bytes_sent;
    info.tcpi_bytes_retrans = tp.bytes_retrans;
    info.tcpi_reord_seen = tp.reord_seen;
    info.tcpi_snd_wnd = tp.snd_wnd;
    info.tcpi_rcv_wnd = tp.rcv_wnd;

    info.tcpi_total_rto = tp.total_rto;
    info.tcpi_total_rto_recoveries = tp.total_rto_recoveries;
    info.tcpi_total_rto_time = tp.total_rto_time;
}

//! tcp_setsockopt(): setsockopt on a TCP socket. Levels other than SOL_TCP
//! go to the address family's handler (icsk_af_ops: ip_setsockopt).
inline int tcp_setsockopt(ksock::socket& s, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr) {
    if (level != sol_tcp)
        return ip_setsockopt(s, level, optname, optval, optlen, cr);

    sock& sk = *s.sk;
    tcp_sock& tp = *tcp_sk(&sk);
    inet_connection_sock& icsk = tp.inet_conn;
    int val = 0;

    // The one string option: a name, cut at its NUL or at 15 characters.
    if (optname == tcp_congestion) {
        char name[tcp_ca_name_max] = {};
        if (optlen < 1)
            return -einval;
        const std::size_t n = optlen < tcp_ca_name_max - 1 ? optlen : tcp_ca_name_max - 1;
        if (!optval)
            return -efault;
        for (std::size_t i = 0; i < n; ++i) { // strncpy_from_sockptr
            std::memcpy(&name[i], static_cast<const char*>(optval) + i, 1);
            if (name[i] == '\0')
                break;
        }
        return detail::tcp_set_congestion_control(sk, name, cr.has(cap_net_admin));
    }

    if (optlen < sizeof(int))
        return -einval;
    if (!detail::copy_from_user(&val, optval, sizeof(val)))
        return -efault;

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
        icsk.icsk_accept_queue.rskq_defer_accept = detail::secs_to_retrans(
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
        break;
    }

    // (Linux takes the socket lock here.)
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
        if (sock_flag(sk, sock_keepopen) && !detail::tcp_state_in(sk, tcp_close, tcp_listen))
            inet_csk_reset_keepalive_timer(sk, tp.keepalive_time);
        return 0;
    case tcp_window_clamp:
        return detail::tcp_set_window_clamp(sk, val);
    case tcp_quickack:
        // __tcp_sock_set_quickack(): 0 enters "pingpong" (delayed ACK) mode.
        if (!val) {
            icsk.icsk_ack.pingpong = tcp_pingpong_thresh;
            return 0;
        }
        icsk.icsk_ack.pingpong = 0;
        if (detail::tcp_state_in(sk, tcp_established, tcp_close_wait) &&
            (icsk.icsk_ack.pending & icsk_ack_sched)) {
            icsk.icsk_ack.pending |= icsk_ack_pushed; // (then tcp_cleanup_rbuf)
            if (!(val & 1))
                icsk.icsk_ack.pingpong = tcp_pingpong_thresh;
        }
        return 0;
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

//! tcp_getsockopt(): getsockopt on a TCP socket. Levels other than SOL_TCP
//! go to ip_getsockopt.
inline int tcp_getsockopt(ksock::socket& s, int level, int optname, void* optval, socklen_t* optlen,
                          const cred& cr) {
    if (level != sol_tcp)
        return ip_getsockopt(s, level, optname, optval, optlen, cr);

    sock& sk = *s.sk;
    const tcp_sock& tp = *tcp_sk(&sk);
    const inet_connection_sock& icsk = tp.inet_conn;
    const net& ns = *sk.sk_net();
    int val = 0;
    int len = 0;

    if (!detail::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;
    const int user_len = len;
    if (len > static_cast<int>(sizeof(int)))
        len = sizeof(int);

    switch (optname) {
    case tcp_maxseg:
        // Before a connection, the user's TCP_MAXSEG wins over the default.
        val = static_cast<int>(tp.mss_cache);
        if (tp.user_mss && detail::tcp_state_in(sk, tcp_close, tcp_listen))
            val = tp.user_mss;
        // (Under TCP_REPAIR Linux reports rx_opt.mss_clamp; ksock has none.)
        break;
    case tcp_nodelay:
        val = (tp.nonagle & tcp_nagle_off) ? 1 : 0;
        break;
    case tcp_cork:
        val = (tp.nonagle & tcp_nagle_cork) ? 1 : 0;
        break;
    case tcp_keepidle:
        val = keepalive_time_when(tp) / static_cast<int>(hz);
        break;
    case tcp_keepintvl:
        val = keepalive_intvl_when(tp) / static_cast<int>(hz);
        break;
    case tcp_keepcnt:
        val = keepalive_probes(tp);
        break;
    case tcp_syncnt:
        val = icsk.icsk_syn_retries ? icsk.icsk_syn_retries : ns.sysctl.tcp_syn_retries;
        break;
    case tcp_linger2:
        val = tp.linger2;
        if (val >= 0)
            val = (val ? val / static_cast<int>(hz) : ns.sysctl.tcp_fin_timeout);
        break;
    case tcp_defer_accept:
        val = detail::retrans_to_secs(icsk.icsk_accept_queue.rskq_defer_accept,
                                      static_cast<int>(tcp_timeout_init / hz),
                                      static_cast<int>(tcp_rto_max / hz));
        break;
    case tcp_window_clamp:
        val = static_cast<int>(tp.window_clamp);
        break;
    case tcp_info: {
        // The whole caller's length, not the int-clamped one.
        tcp_info_t info;
        tcp_get_info(sk, info);
        len = user_len < static_cast<int>(sizeof(info)) ? user_len : static_cast<int>(sizeof(info));
        return detail::put_len_then_value(optlen, len, optval, &info);
    }
    case tcp_quickack:
        val = !detail::inet_csk_in_pingpong_mode(icsk);
        break;
    case tcp_congestion: {
        // The 16-byte, NUL-padded name, cut to the caller's length; the length
        // reported is min(len, 16), not strlen.
        char ca_name[tcp_ca_name_max] = {};
        if (icsk.icsk_ca_ops)
            std::memcpy(ca_name, icsk.icsk_ca_ops->name, sizeof(ca_name));
        len = user_len < tcp_ca_name_max ? user_len : tcp_ca_name_max;
        return detail::put_len_then_value(optlen, len, optval, ca_name);
    }
    case tcp_user_timeout:
        val = static_cast<int>(icsk.icsk_user_timeout);
        break;
    case tcp_repair:
        val = tp.repair;
        break;
    case tcp_notsent_lowat:
        val = static_cast<int>(tp.notsent_lowat);
        break;
    case tcp_save_syn:
        val = tp.save_syn;
        break;
    case tcp_is_mptcp:
        val = 0; // a plain TCP socket (an MPTCP one answers 1 itself)
        break;
    case tcp_rto_max_ms:
        val = static_cast<int>(jiffies_to_msecs(icsk.icsk_rto_max));
        break;
    case tcp_rto_min_us:
        val = static_cast<int>(jiffies_to_usecs(icsk.icsk_rto_min));
        break;
    default:
        return -enoprotoopt;
    }

    return detail::put_len_then_value(optlen, len, optval, &val);
}

} // namespace ksock
