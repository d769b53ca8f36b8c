// ksock/uapi/tcp.hpp: TCP's user-visible numbers (include/uapi/linux/tcp.h): the
// SOL_TCP options and struct tcp_info.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ksock {

//! The SOL_TCP options (TCP_*, include/uapi/linux/tcp.h), Linux's numbers.
//!@{
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
//!@}
inline constexpr int tcp_rto_max_ms = 44; //!< 6.15+
inline constexpr int tcp_rto_min_us = 45; //!< 6.15+

//! TCP_CA_NAME_MAX: the longest congestion-control name, with its NUL.
inline constexpr int tcp_ca_name_max = 16;

//! struct tcp_info's tcpi_options bits (TCPI_OPT_*): what the handshake negotiated.
//!@{
inline constexpr std::uint8_t tcpi_opt_timestamps = 1; //!< TCPI_OPT_TIMESTAMPS
inline constexpr std::uint8_t tcpi_opt_sack = 2;       //!< TCPI_OPT_SACK
inline constexpr std::uint8_t tcpi_opt_wscale = 4;     //!< TCPI_OPT_WSCALE
inline constexpr std::uint8_t tcpi_opt_ecn = 8;        //!< TCPI_OPT_ECN
inline constexpr std::uint8_t tcpi_opt_ecn_seen = 16;  //!< TCPI_OPT_ECN_SEEN
//!@}

//! struct tcp_info as Linux 6.18 lays it out (280 bytes: the AccECN counters
//! after tcpi_total_rto_time are new in 6.18). Bit-fields are used where
//! Linux uses them, so the layout follows the target's C ABI exactly as the
//! kernel's does. The option number is ksock::tcp_info.
struct tcp_info_t {
    std::uint8_t tcpi_state;    //!< state: TCP_ESTABLISHED ... (include/net/tcp_states.h)
    std::uint8_t tcpi_ca_state; //!< congestion state: TCP_CA_Open, Disorder, CWR, Recovery, Loss
    //! Retransmissions of the head since the last progress (icsk_retransmits).
    std::uint8_t tcpi_retransmits;
    std::uint8_t tcpi_probes;  //!< zero-window probes sent without an answer (icsk_probes_out)
    std::uint8_t tcpi_backoff; //!< the RTO's exponential backoff (icsk_backoff)
    std::uint8_t tcpi_options; //!< the TCPI_OPT_* options the connection negotiated
    //! Window scale shifts: the peer's (snd, for what we send) and ours (rcv, for what we receive).
    //!@{
    std::uint8_t tcpi_snd_wscale : 4, tcpi_rcv_wscale : 4;
    //!@}
    //! The delivery rate was limited by the application; why a Fast Open attempt failed.
    //!@{
    std::uint8_t tcpi_delivery_rate_app_limited : 1, tcpi_fastopen_client_fail : 2;
    //!@}

    std::uint32_t tcpi_rto;     //!< us
    std::uint32_t tcpi_ato;     //!< us
    std::uint32_t tcpi_snd_mss; //!< current send MSS
    std::uint32_t tcpi_rcv_mss; //!< the MSS estimated from what we received (icsk_ack.rcv_mss)

    std::uint32_t tcpi_unacked; //!< segments sent and not yet acknowledged (packets_out)
    std::uint32_t tcpi_sacked;  //!< segments SACKed (sacked_out)
    std::uint32_t tcpi_lost;    //!< segments deemed lost (lost_out)
    std::uint32_t tcpi_retrans; //!< retransmitted segments in flight (retrans_out)
    std::uint32_t tcpi_fackets; //!< always 0 since Linux removed FACK

    std::uint32_t tcpi_last_data_sent; //!< ms since data was last sent
    std::uint32_t tcpi_last_ack_sent;  //!< not remembered by Linux either: always 0
    std::uint32_t tcpi_last_data_recv; //!< ms since data was last received
    std::uint32_t tcpi_last_ack_recv;  //!< ms since an ACK was last received

    // Metrics.
    std::uint32_t tcpi_pmtu;         //!< the path MTU
    std::uint32_t tcpi_rcv_ssthresh; //!< the receive window's slow-start threshold
    std::uint32_t tcpi_rtt;          //!< us
    std::uint32_t tcpi_rttvar;       //!< us
    std::uint32_t tcpi_snd_ssthresh; //!< the slow-start threshold, in segments
    std::uint32_t tcpi_snd_cwnd;     //!< the congestion window, in segments
    std::uint32_t tcpi_advmss;       //!< the MSS this side advertised
    std::uint32_t tcpi_reordering;   //!< reordering the sender tolerates (tp->reordering)

    std::uint32_t tcpi_rcv_rtt;   //!< the receiver's RTT estimate, us (rcv_rtt_est)
    std::uint32_t tcpi_rcv_space; //!< the receive space auto-tuning aims for

    std::uint32_t tcpi_total_retrans; //!< retransmissions over the connection's life

    std::uint64_t tcpi_pacing_rate;     //!< the pacing rate, bytes per second
    std::uint64_t tcpi_max_pacing_rate; //!< SO_MAX_PACING_RATE, bytes per second (~0: none)
    std::uint64_t tcpi_bytes_acked;     //!< bytes the peer acknowledged (RFC 4898)
    std::uint64_t tcpi_bytes_received;  //!< bytes received in order (RFC 4898)
    std::uint32_t tcpi_segs_out;        //!< segments sent, retransmissions included
    std::uint32_t tcpi_segs_in;         //!< segments received

    std::uint32_t tcpi_notsent_bytes; //!< bytes written and not yet sent
    std::uint32_t tcpi_min_rtt;       //!< the least RTT in the windowed filter, us
    std::uint32_t tcpi_data_segs_in;  //!< segments received that carried data
    std::uint32_t tcpi_data_segs_out; //!< segments sent that carried data

    std::uint64_t tcpi_delivery_rate; //!< the delivery-rate estimate, bytes per second

    //! Time, us, the connection was busy sending; of that, limited by the receive window; limited
    //! by the send buffer.
    //!@{
    std::uint64_t tcpi_busy_time;
    std::uint64_t tcpi_rwnd_limited;
    std::uint64_t tcpi_sndbuf_limited;
    //!@}

    std::uint32_t tcpi_delivered;    //!< segments delivered, retransmissions counted once
    std::uint32_t tcpi_delivered_ce; //!< of those, delivered with ECN CE marks

    std::uint64_t tcpi_bytes_sent;    //!< bytes sent, retransmissions included
    std::uint64_t tcpi_bytes_retrans; //!< bytes retransmitted
    std::uint32_t tcpi_dsack_dups;    //!< DSACKs received
    std::uint32_t tcpi_reord_seen;    //!< reordering events seen

    std::uint32_t tcpi_rcv_ooopack; //!< out-of-order packets received

    std::uint32_t tcpi_snd_wnd; //!< the peer's advertised window, bytes
    std::uint32_t tcpi_rcv_wnd; //!< the window this side advertises, bytes

    std::uint32_t tcpi_rehash; //!< times the flow was rehashed (PLB, RTO)

    std::uint16_t tcpi_total_rto;            //!< RTO timeouts, all
    std::uint16_t tcpi_total_rto_recoveries; //!< RTO timeouts that started a recovery
    std::uint32_t tcpi_total_rto_time;       //!< time spent in RTO recoveries, ms
    //! 6.18, Accurate ECN (RFC 9768): CE-marked packets received, then bytes delivered and received
    //! per ECN codepoint (ECT(1), ECT(0), CE).
    //!@{
    std::uint32_t tcpi_received_ce;
    std::uint32_t tcpi_delivered_e1_bytes;
    std::uint32_t tcpi_delivered_e0_bytes;
    std::uint32_t tcpi_delivered_ce_bytes;
    std::uint32_t tcpi_received_e1_bytes;
    std::uint32_t tcpi_received_e0_bytes;
    std::uint32_t tcpi_received_ce_bytes;
    //!@}
    std::uint16_t tcpi_accecn_fail_mode; //!< why AccECN fell back (TCP_ACCECN_*_FAIL bits)
    std::uint16_t tcpi_accecn_opt_seen;  //!< which AccECN options were seen
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
