// ksock/inet/tcp/tcp_info.hpp: TCP_INFO's value, Linux 6.18's tcp_get_info
// (net/ipv4/tcp.c), filled from a tcp_sock.
#pragma once

#include <cstdint>

#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/tcp/tcp_ecn.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/runtime/jiffies.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/tcp.hpp>

namespace ksock::inet {

namespace detail {
//! tcp_delack_max(): the delayed-ACK ceiling, at most just under rto_min.
constexpr std::uint32_t tcp_delack_max(const inet_connection_sock& icsk) noexcept {
    const std::uint32_t rto_min = icsk.icsk_rto_min > 2 ? icsk.icsk_rto_min : 2;
    return icsk.icsk_delack_max < rto_min - 1 ? icsk.icsk_delack_max : rto_min - 1;
}
} // namespace detail

//! tcp_get_info(): fill \p info from the socket.
//!
//! Fields ksock cannot know read 0:
//!  * tcpi_last_data_sent, tcpi_last_data_recv, tcpi_last_ack_recv: "ms since
//!    the last event" needs a jiffies clock, which ksock does not have. (Linux
//!    reports the time since boot for a fresh socket, whose timestamps are 0.)
//!  * tcpi_busy_time, tcpi_rwnd_limited, tcpi_sndbuf_limited (chrono stats),
//!    tcpi_rcv_rtt (rcv_rtt_est), tcpi_rcv_space (rcvq_space),
//!    tcpi_delivery_rate (rate_delivered / rate_interval_us),
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
    // The options the handshake agreed (a connection on a device; ksock's
    // loopback model agrees none).
    if (tp.rx_opt.tstamp_ok)
        info.tcpi_options |= tcpi_opt_timestamps;
    if (tp.rx_opt.sack_ok)
        info.tcpi_options |= tcpi_opt_sack;
    if (tp.rx_opt.wscale_ok) {
        info.tcpi_options |= tcpi_opt_wscale;
        info.tcpi_snd_wscale = tp.rx_opt.snd_wscale & 0xf;
        info.tcpi_rcv_wscale = tp.rcv_wscale & 0xf;
    }
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
    info.tcpi_dsack_dups = tp.dsack_dups;
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

} // namespace ksock::inet
