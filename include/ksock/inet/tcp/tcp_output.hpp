// ksock/inet/tcp/tcp_output.hpp: the MSS of a TCP socket and what connect()
// sets up before its SYN (net/ipv4/tcp_output.c): tcp_mss_clamp,
// tcp_mtu_to_mss, tcp_bound_to_half_wnd, tcp_sync_mss, tcp_connect_init.
#pragma once

#include <cstdint>

#include <ksock/inet/ip/route.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>

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

//! tcp_connect_init, the part ksock models: the header the connection's
//! segments will have (timestamps unless net.ipv4.tcp_timestamps is off),
//! TCP_MAXSEG as the MSS clamp, no window seen yet, mss_cache for lo's MTU
//! (524 with the defaults: the 536-byte default clamp less the timestamp
//! option; it stays when the SYN is refused), the MSS to advertise, and the
//! send sequence from write_seq: a socket connecting again goes on from
//! where tcp_disconnect left it. Nothing is received yet.
constexpr void tcp_connect_init(tcp_sock& tp, const ipv4_sysctl& s) noexcept {
    tp.tcp_header_len = static_cast<std::uint16_t>(tcp_header_size +
                                                   (s.tcp_timestamps ? tcpolen_tstamp_aligned : 0));
    if (tp.user_mss)
        tp.mss_clamp = tp.user_mss;
    tp.max_window = 0;
    tcp_sync_mss(tp, lo_mtu, s);
    tp.advmss = tcp_mss_clamp(tp, ipv4_default_advmss(lo_mtu));
    tp.snd_una = tp.snd_nxt = tp.write_seq;
    tp.snd_up = 0; // (ksock: no urgent data pending)
    tp.rcv_nxt = tp.copied_seq = tp.urg_seq = 0;
    tp.urg_data = 0;
}

} // namespace ksock::inet
