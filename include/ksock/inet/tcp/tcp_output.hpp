// ksock/inet/tcp/tcp_output.hpp: the MSS of a TCP socket, its receive
// window's clamp and what connect() sets up before its SYN
// (net/ipv4/tcp_output.c): tcp_mss_clamp, tcp_mtu_to_mss,
// tcp_bound_to_half_wnd, tcp_sync_mss, tcp_full_space,
// tcp_select_initial_window, the windows offered (tcp_select_window) and
// taken (tcp_ack_update_window), tcp_connect_init.
#pragma once

#include <bit>
#include <cstdint>

#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/sock.hpp>

namespace ksock::inet {

inline constexpr std::uint16_t tcp_header_size = 20;        //!< sizeof(struct tcphdr)
inline constexpr std::uint16_t tcpolen_tstamp_aligned = 12; //!< TCPOLEN_TSTAMP_ALIGNED

//! tcp_mss_clamp: an MSS no larger than TCP_MAXSEG's, when one is set.
constexpr std::uint16_t tcp_mss_clamp(const tcp_sock& tp, std::uint16_t mss) noexcept {
    return tp.user_mss && tp.user_mss < mss ? tp.user_mss : mss;
}

//! tcp_mtu_to_mss: the MTU less the IPv4 and TCP headers, clamped to
//! rx_opt.mss_clamp, at least net.ipv4.tcp_min_snd_mss, less the options
//! every segment carries (tcp_header_len beyond the bare header).
constexpr int tcp_mtu_to_mss(const tcp_sock& tp, std::uint32_t pmtu,
                             const ipv4_sysctl& s) noexcept {
    int mss_now = static_cast<int>(pmtu) - 20 - tcp_header_size;
    if (mss_now > tp.mss_clamp)
        mss_now = tp.mss_clamp;
    if (mss_now < s.tcp_min_snd_mss)
        mss_now = s.tcp_min_snd_mss;
    return mss_now - (tp.tcp_header_len - tcp_header_size);
}

//! tcp_bound_to_half_wnd: no segment larger than half the largest window
//! the peer offered (the whole of it while that is below 536); no bound
//! before any window is known.
constexpr int tcp_bound_to_half_wnd(const tcp_sock& tp, int pktsize) noexcept {
    const int cutoff =
        static_cast<int>(tp.max_window > tcp_mss_default ? tp.max_window >> 1 : tp.max_window);
    if (cutoff && pktsize > cutoff) {
        const int least = 68 - tp.tcp_header_len;
        return cutoff > least ? cutoff : least;
    }
    return pktsize;
}

//! tcp_sync_mss: mss_cache for a path MTU of \p pmtu (TCP_MAXSEG reports
//! it); MTU probing (net.ipv4.tcp_mtu_probing) is off by default.
constexpr std::uint32_t tcp_sync_mss(tcp_sock& tp, std::uint32_t pmtu,
                                     const ipv4_sysctl& s) noexcept {
    const int mss_now = tcp_bound_to_half_wnd(tp, tcp_mtu_to_mss(tp, pmtu, s));
    tp.inet_conn.icsk_pmtu_cookie = pmtu;
    tp.mss_cache = static_cast<std::uint32_t>(mss_now);
    return tp.mss_cache;
}

//! tcp_win_from_space(sk, sk_rcvbuf): the window a receive buffer of
//! SO_RCVBUF bytes can offer (half of it at the default scaling ratio).
constexpr int tcp_full_space(const tcp_sock& tp) noexcept {
    const std::int64_t space = tp.inet_conn.icsk_inet.sk.sk_rcvbuf;
    return static_cast<int>((space * tp.scaling_ratio) >> tcp_rmem_to_win_scale);
}

//! U16_MAX << TCP_MAX_WSCALE: the largest window a scale can express.
inline constexpr std::uint32_t tcp_max_scaled_window = 65535u << tcp_max_wscale;

//! tcp_xmit_size_goal: how many bytes tcp_sendmsg gathers before it pushes
//! (lo does GSO): whole segments of mss_cache up to what GSO takes
//! (gso_max_size less MAX_TCP_HEADER) and half the largest window, so on lo
//! about 32 KB, one segment there.
constexpr std::uint32_t tcp_xmit_size_goal(const tcp_sock& tp) noexcept {
    const std::uint32_t mss = tp.mss_cache ? tp.mss_cache : 1;
    const auto bound = static_cast<std::uint32_t>(tcp_bound_to_half_wnd(tp, 65536 - 1 - 320));
    const std::uint32_t segs = bound / mss;
    return segs > 1 ? segs * mss : mss;
}

//! What tcp_select_initial_window chooses: the window a SYN (or SYN-ACK)
//! offers, the clamp and the scale of the windows that follow.
struct tcp_initial_window {
    //! The window the SYN offers, the clamp of the windows that follow, and their scale.
    //!@{
    std::uint32_t rcv_wnd;
    std::uint32_t window_clamp;
    std::uint8_t rcv_wscale;
    //!@}
};

//! tcp_select_initial_window for a receive space of \p full_space bytes,
//! segments of \p mss and a clamp of \p clamp (0: none). The window is the
//! space rounded down to whole segments (net.ipv4.tcp_workaround_signed_windows
//! is 0, lo has no initial-window metric). The scale is the one the largest
//! buffer the socket could grow to needs (tcp_rmem[2] or net.core.rmem_max,
//! no more than the clamp), and the clamp no larger than 65535 << scale:
//! 65535 << 10 on a host with tcp_rmem[2] 32 MiB.
constexpr tcp_initial_window tcp_select_initial_window(int full_space, std::uint32_t mss,
                                                       std::uint32_t clamp, const ipv4_sysctl& s,
                                                       int rmem_max) noexcept {
    std::uint32_t space = full_space < 0 ? 0u : static_cast<std::uint32_t>(full_space);
    if (clamp == 0)
        clamp = tcp_max_scaled_window;
    if (space > clamp)
        space = clamp;
    if (mss && space > mss)
        space = space / mss * mss; // "Quantize space offering to a multiple of mss"
    tcp_initial_window w{space, 0, 0};
    int wscale = 0;
    if (s.tcp_window_scaling) {
        const auto rmem2 = static_cast<std::uint32_t>(s.tcp_rmem[2]);
        const auto rmax = static_cast<std::uint32_t>(rmem_max);
        if (space < rmem2)
            space = rmem2;
        if (space < rmax)
            space = rmax;
        if (space > clamp)
            space = clamp;
        wscale = static_cast<int>(std::bit_width(space)) - 1 - 15; // ilog2(space) - 15
        wscale = wscale < 0 ? 0 : wscale > tcp_max_wscale ? tcp_max_wscale : wscale;
    }
    const std::uint32_t most = 65535u << wscale;
    w.window_clamp = clamp < most ? clamp : most;
    w.rcv_wscale = static_cast<std::uint8_t>(wscale);
    return w;
}

//! The receive window of a socket about to send its SYN (tcp_connect_init)
//! or of a listener's child (tcp_openreq_init_rwin, with the listener's
//! copy in \p tp), for segments of \p mss: TCP_WINDOW_CLAMP's value, else
//! none (lo has no RTAX_WINDOW metric); a receive buffer the user fixed
//! bounds it; then tcp_select_initial_window. rcv_ssthresh starts at the
//! window offered.
constexpr void tcp_init_rwin(tcp_sock& tp, std::uint32_t mss, const ipv4_sysctl& s,
                             int rmem_max) noexcept {
    const int full = tcp_full_space(tp);
    std::uint32_t clamp = tp.window_clamp;
    if ((tp.inet_conn.icsk_inet.sk.sk_userlocks & sock_rcvbuf_lock) &&
        (clamp > static_cast<std::uint32_t>(full) || clamp == 0))
        clamp = static_cast<std::uint32_t>(full);
    const tcp_initial_window w = tcp_select_initial_window(full, mss, clamp, s, rmem_max);
    tp.rcv_wnd = tp.rcv_ssthresh = w.rcv_wnd;
    tp.window_clamp = w.window_clamp;
    tp.rcv_wscale = w.rcv_wscale;
}

//! The window a SYN or SYN-ACK carries: rcv_wnd, never scaled.
constexpr std::uint32_t tcp_syn_window(const tcp_sock& tp) noexcept {
    return tp.rcv_wnd < 65535u ? tp.rcv_wnd : 65535u;
}

//! __tcp_select_window / tcp_select_window, as far as the largest window
//! the peer sees matters: the receive space (no more than the clamp) up to
//! rcv_ssthresh, rounded up to the scale so that it is not scaled away.
//! (A window never shrinks on Linux: a fuller buffer leaves the largest
//! one as it was.)
constexpr std::uint32_t tcp_adv_window(const tcp_sock& tp) noexcept {
    const int full = tcp_full_space(tp);
    std::uint32_t w = full < 0 ? 0u : static_cast<std::uint32_t>(full);
    if (tp.window_clamp && w > tp.window_clamp)
        w = tp.window_clamp;
    if (w > tp.rcv_ssthresh)
        w = tp.rcv_ssthresh;
    if (tp.rcv_wscale) {
        const std::uint32_t unit = 1u << tp.rcv_wscale;
        w = (w + unit - 1) & ~(unit - 1);
    }
    return w;
}

//! tcp_ack_update_window, the part the MSS depends on: a window larger than
//! any the peer offered before is the new max_window, and mss_cache (what
//! TCP_MAXSEG reads) is bounded by half of it again: 32741 on a client of
//! lo whose SYN-ACK offered 65483, 32768 once the peer's scaled window says
//! 65536.
//! Returns whether the window differs from the last one (snd_wnd): header
//! prediction fails on such a segment, and the slow path that takes it
//! pushes what the write queue holds.
constexpr bool tcp_ack_update_window(tcp_sock& tp, std::uint32_t nwin,
                                     const ipv4_sysctl& s) noexcept {
    const bool changed = nwin != tp.snd_wnd;
    tp.snd_wnd = nwin;
    if (nwin > tp.max_window) {
        tp.max_window = nwin;
        tcp_sync_mss(tp, lo_mtu, s);
    }
    return changed;
}

//! tcp_connect_init, the part ksock models: the header the connection's
//! segments will have (timestamps unless net.ipv4.tcp_timestamps is off),
//! TCP_MAXSEG as the MSS clamp, no window seen yet, mss_cache for lo's MTU
//! (524 with the defaults: the 536-byte default clamp less the timestamp
//! option; it stays when the SYN is refused), the MSS to advertise, the
//! receive window's clamp (\p rmem_max: net.core.rmem_max), and the send
//! sequence from write_seq: a socket connecting again goes on from where
//! tcp_disconnect left it. Nothing is received yet.
constexpr void tcp_connect_init(tcp_sock& tp, const ipv4_sysctl& s, int rmem_max) noexcept {
    tp.tcp_header_len = static_cast<std::uint16_t>(tcp_header_size +
                                                   (s.tcp_timestamps ? tcpolen_tstamp_aligned : 0));
    if (tp.user_mss)
        tp.mss_clamp = tp.user_mss;
    tp.max_window = tp.snd_wnd = 0;
    tcp_sync_mss(tp, lo_mtu, s);
    tp.advmss = tcp_mss_clamp(tp, ipv4_default_advmss(lo_mtu));
    tcp_init_rwin(tp, tp.advmss, s, rmem_max);
    tp.snd_una = tp.snd_nxt = tp.write_seq;
    tp.snd_up = 0; // (ksock: no urgent data pending)
    // "sk->sk_err = 0; sock_reset_flag(sk, SOCK_DONE)": an error a
    // disconnect left is gone once the socket connects again.
    tp.inet_conn.icsk_inet.sk.sk_err = 0;
    sock_reset_flag(tp.inet_conn.icsk_inet.sk, sock_done);
    tp.rcv_nxt = tp.copied_seq = tp.urg_seq = 0;
    tp.urg_data = 0;
}

} // namespace ksock::inet
