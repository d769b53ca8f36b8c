// ksock/uapi/tcp.hpp: TCP's user-visible numbers (include/uapi/linux/tcp.h): the
// SOL_TCP options and struct tcp_info.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ksock {

// --- SOL_TCP options (include/uapi/linux/tcp.h) ---------------------------
inline constexpr int tcp_nodelay = 1;
inline constexpr int tcp_maxseg = 2;
inline constexpr int tcp_cork = 3;
inline constexpr int tcp_keepidle = 4;
inline constexpr int tcp_keepintvl = 5;
inline constexpr int tcp_keepcnt = 6;
inline constexpr int tcp_syncnt = 7;
inline constexpr int tcp_linger2 = 8;
inline constexpr int tcp_defer_accept = 9;
inline constexpr int tcp_window_clamp = 10;
inline constexpr int tcp_info = 11; //!< the option; the struct is ksock::tcp_info_t
inline constexpr int tcp_quickack = 12;
inline constexpr int tcp_congestion = 13;
inline constexpr int tcp_thin_linear_timeouts = 16;
inline constexpr int tcp_thin_dupack = 17; //!< accepted, no effect (since Linux 4.19)
inline constexpr int tcp_user_timeout = 18;
inline constexpr int tcp_repair = 19;
inline constexpr int tcp_notsent_lowat = 25;
inline constexpr int tcp_save_syn = 27;
inline constexpr int tcp_is_mptcp = 43;
inline constexpr int tcp_rto_max_ms = 44; //!< 6.15+
inline constexpr int tcp_rto_min_us = 45; //!< 6.15+

//! TCP_CA_NAME_MAX: the longest congestion-control name, with its NUL.
inline constexpr int tcp_ca_name_max = 16;

// struct tcp_info's tcpi_options bits.
inline constexpr std::uint8_t tcpi_opt_timestamps = 1; //!< TCPI_OPT_TIMESTAMPS
inline constexpr std::uint8_t tcpi_opt_sack = 2;       //!< TCPI_OPT_SACK
inline constexpr std::uint8_t tcpi_opt_wscale = 4;     //!< TCPI_OPT_WSCALE
inline constexpr std::uint8_t tcpi_opt_ecn = 8;        //!< TCPI_OPT_ECN
inline constexpr std::uint8_t tcpi_opt_ecn_seen = 16;  //!< TCPI_OPT_ECN_SEEN

//! struct tcp_info as Linux 6.18 lays it out (280 bytes: the AccECN counters
//! after tcpi_total_rto_time are new in 6.18). Bit-fields are used where
//! Linux uses them, so the layout follows the target's C ABI exactly as the
//! kernel's does. The option number is ksock::tcp_info.
struct tcp_info_t {
    std::uint8_t tcpi_state;
    std::uint8_t tcpi_ca_state;
    std::uint8_t tcpi_retransmits;
    std::uint8_t tcpi_probes;
    std::uint8_t tcpi_backoff;
    std::uint8_t tcpi_options;
    std::uint8_t tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
    std::uint8_t tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;

    std::uint32_t tcpi_rto; //!< us
    std::uint32_t tcpi_ato; //!< us
    std::uint32_t tcpi_snd_mss;
    std::uint32_t tcpi_rcv_mss;

    std::uint32_t tcpi_unacked;
    std::uint32_t tcpi_sacked;
    std::uint32_t tcpi_lost;
    std::uint32_t tcpi_retrans;
    std::uint32_t tcpi_fackets;

    // Times, ms ago.
    std::uint32_t tcpi_last_data_sent;
    std::uint32_t tcpi_last_ack_sent; //!< not remembered by Linux either: always 0
    std::uint32_t tcpi_last_data_recv;
    std::uint32_t tcpi_last_ack_recv;

    // Metrics.
    std::uint32_t tcpi_pmtu;
    std::uint32_t tcpi_rcv_ssthresh;
    std::uint32_t tcpi_rtt;    //!< us
    std::uint32_t tcpi_rttvar; //!< us
    std::uint32_t tcpi_snd_ssthresh;
    std::uint32_t tcpi_snd_cwnd;
    std::uint32_t tcpi_advmss;
    std::uint32_t tcpi_reordering;

    std::uint32_t tcpi_rcv_rtt;
    std::uint32_t tcpi_rcv_space;

    std::uint32_t tcpi_total_retrans;

    std::uint64_t tcpi_pacing_rate;
    std::uint64_t tcpi_max_pacing_rate;
    std::uint64_t tcpi_bytes_acked;
    std::uint64_t tcpi_bytes_received;
    std::uint32_t tcpi_segs_out;
    std::uint32_t tcpi_segs_in;

    std::uint32_t tcpi_notsent_bytes;
    std::uint32_t tcpi_min_rtt;
    std::uint32_t tcpi_data_segs_in;
    std::uint32_t tcpi_data_segs_out;

    std::uint64_t tcpi_delivery_rate;

    std::uint64_t tcpi_busy_time;
    std::uint64_t tcpi_rwnd_limited;
    std::uint64_t tcpi_sndbuf_limited;

    std::uint32_t tcpi_delivered;
    std::uint32_t tcpi_delivered_ce;

    std::uint64_t tcpi_bytes_sent;
    std::uint64_t tcpi_bytes_retrans;
    std::uint32_t tcpi_dsack_dups;
    std::uint32_t tcpi_reord_seen;

    std::uint32_t tcpi_rcv_ooopack;

    std::uint32_t tcpi_snd_wnd;
    std::uint32_t tcpi_rcv_wnd;

    std::uint32_t tcpi_rehash;

    std::uint16_t tcpi_total_rto;
    std::uint16_t tcpi_total_rto_recoveries;
    std::uint32_t tcpi_total_rto_time;
    // 6.18: Accurate ECN.
    std::uint32_t tcpi_received_ce;
    std::uint32_t tcpi_delivered_e1_bytes;
    std::uint32_t tcpi_delivered_e0_bytes;
    std::uint32_t tcpi_delivered_ce_bytes;
    std::uint32_t tcpi_received_e1_bytes;
    std::uint32_t tcpi_received_e0_bytes;
    std::uint32_t tcpi_received_ce_bytes;
    std::uint16_t tcpi_accecn_fail_mode;
    std::uint16_t tcpi_accecn_opt_seen;
};

static_assert(std::is_standard_layout_v<tcp_info_t> && std::is_trivially_copyable_v<tcp_info_t>,
              "ksock::tcp_info_t: must be standard-layout and trivially copyable");
static_assert(sizeof(tcp_info_t) == 280,
              "ksock::tcp_info_t: Linux 6.18's struct tcp_info is 280 bytes");
static_assert(offsetof(tcp_info_t, tcpi_rto) == 8 &&
                  offsetof(tcp_info_t, tcpi_pacing_rate) == 104 &&
                  offsetof(tcp_info_t, tcpi_total_rto) == 240 &&
                  offsetof(tcp_info_t, tcpi_received_ce) == 248 &&
                  offsetof(tcp_info_t, tcpi_accecn_opt_seen) == 278,
              "ksock::tcp_info_t: field offsets must match Linux 6.18's struct tcp_info");

} // namespace ksock
