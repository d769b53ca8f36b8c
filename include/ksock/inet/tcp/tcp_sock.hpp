// ksock/inet/tcp/tcp_sock.hpp: struct tcp_sock (include/linux/tcp.h) and the TCP
// constants its initialisation uses (include/net/tcp.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet/inet_connection_sock.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/list.hpp>
#include <ksock/objects/timer.hpp>
#include <ksock/runtime/jiffies.hpp>

namespace ksock::inet {

inline constexpr std::uint32_t tcp_timeout_init = 1 * hz; //!< TCP_TIMEOUT_INIT
inline constexpr std::uint32_t tcp_rto_min = hz / 5;      //!< TCP_RTO_MIN
inline constexpr std::uint32_t tcp_rto_max = 120 * hz;    //!< TCP_RTO_MAX
inline constexpr std::uint32_t tcp_delack_max = hz / 5;   //!< TCP_DELACK_MAX
inline constexpr std::uint32_t tcp_init_cwnd = 10;        //!< TCP_INIT_CWND
//! TCP_INFINITE_SSTHRESH: the slow-start threshold before any loss.
inline constexpr std::uint32_t tcp_infinite_ssthresh = 0x7fffffff;
inline constexpr std::uint32_t tcp_mss_default = 536;          //!< TCP_MSS_DEFAULT
inline constexpr std::uint8_t tcp_default_scaling_ratio = 128; //!< 1 << (TCP_RMEM_TO_WIN_SCALE - 1)
//! TCP_RMEM_TO_WIN_SCALE: the shift of scaling_ratio's fixed point.
inline constexpr int tcp_rmem_to_win_scale = 8;
inline constexpr int tcp_keepalive_time = 7200 * hz; //!< TCP_KEEPALIVE_TIME
inline constexpr int tcp_keepalive_intvl = 75 * hz;  //!< TCP_KEEPALIVE_INTVL
inline constexpr int tcp_keepalive_probes = 9;       //!< TCP_KEEPALIVE_PROBES
inline constexpr int tcp_syn_retries = 6;            //!< TCP_SYN_RETRIES
inline constexpr int tcp_fin_timeout = 60 * hz;      //!< TCP_FIN_TIMEOUT
//! The limits of include/net/tcp.h: the largest TCP_KEEPIDLE and TCP_KEEPINTVL (seconds),
//! TCP_KEEPCNT and TCP_SYNCNT; the largest unscaled window (MAX_TCP_WINDOW); the least MSS
//! (TCP_MIN_MSS); the largest window scale (TCP_MAX_WSCALE).
//!@{
inline constexpr int max_tcp_keepidle = 32767;
inline constexpr int max_tcp_keepintvl = 32767;
inline constexpr int max_tcp_keepcnt = 127;
inline constexpr int max_tcp_syncnt = 127;
inline constexpr int max_tcp_window = 32767;
inline constexpr int tcp_min_mss = 88;
inline constexpr int tcp_max_wscale = 14;
//!@}
inline constexpr std::uint16_t tcp_urg_valid = 0x0100;  //!< TCP_URG_VALID
inline constexpr std::uint16_t tcp_urg_notyet = 0x0200; //!< TCP_URG_NOTYET
inline constexpr std::uint16_t tcp_urg_read = 0x0400;   //!< TCP_URG_READ

//! struct minmax: windowed min/max tracker; reset to ~0U for rtt_min.
struct minmax_sample {
    //! One sample: its time t and its value v.
    //!@{
    std::uint32_t t;
    std::uint32_t v;
    //!@}
};
//! struct minmax (include/linux/win_minmax.h): the best, second best and third best samples of a
//! sliding window.
struct minmax {
    //! The three samples, best first.
    minmax_sample s[3];
};

//! The RACK loss-detection state (tp->rack).
struct tcp_rack {
    //! The time (us) and RTT of the most recent (re)transmission RACK took into account, its end
    //! sequence, and `delivered` when the reordering window was last adjusted; the reordering
    //! window in steps and how many recoveries it persists; a DSACK was seen since; the state
    //! advanced since the last loss marking.
    //!@{
    std::uint64_t mstamp;
    std::uint32_t rtt_us;
    std::uint32_t end_seq;
    std::uint32_t last_delivered;
    std::uint8_t reo_wnd_steps;
    std::uint8_t reo_wnd_persist;
    std::uint8_t dsack_seen;
    std::uint8_t advanced;
    //!@}
};

//! struct tcp_options_received: what the handshake agreed and the last
//! segments said (mss_clamp and rcv_wscale are tcp_sock's own fields here).
struct tcp_options_received {
    std::uint32_t ts_recent_stamp; //!< when ts_recent was taken (seconds)
    std::uint32_t ts_recent;       //!< the peer's TS val to echo
    std::uint8_t saw_tstamp;       //!< the last segment had a timestamp
    std::uint8_t tstamp_ok;        //!< both ends send timestamps
    std::uint8_t sack_ok;          //!< the peer takes SACK blocks
    std::uint8_t wscale_ok;        //!< both ends scale their windows
    std::uint8_t snd_wscale;       //!< the peer's window scale
    std::uint8_t num_sacks;        //!< SACK blocks this side sends
    std::uint8_t dsack;            //!< a D-SACK block goes first
    //! The D-SACK block this side sends first, and the SACK blocks (num_sacks of them).
    //!@{
    tcp_sack_block duplicate_sack[1];
    tcp_sack_block selective_acks[tcp_max_sack_blocks];
    //!@}
};

// tp->nonagle
inline constexpr std::uint8_t tcp_nagle_off = 1;  //!< TCP_NAGLE_OFF (TCP_NODELAY)
inline constexpr std::uint8_t tcp_nagle_cork = 2; //!< TCP_NAGLE_CORK
inline constexpr std::uint8_t tcp_nagle_push = 4; //!< TCP_NAGLE_PUSH

//! struct tcp_sock (include/linux/tcp.h): a TCP socket's object, inet_connection_sock first. The
//! fields have Linux's names and meanings.
struct tcp_sock {
    //! The connection sock, at offset 0.
    inet_connection_sock inet_conn;
    //! Bytes of TCP header, with the options this connection sends; segments per GSO skb.
    //!@{
    std::uint16_t tcp_header_len;
    std::uint16_t gso_segs;
    //!@}
    //! Segments received (RFC 4898 tcpEStatsPerfSegsIn), and of them those that carried data.
    //!@{
    std::uint32_t segs_in;
    std::uint32_t data_segs_in;
    //!@}
    //! Receive sequence: the next byte expected (rcv_nxt), the first byte not yet read
    //! (copied_seq), and rcv_nxt when the window was last advertised (rcv_wup).
    //!@{
    std::uint32_t rcv_nxt;
    std::uint32_t copied_seq;
    std::uint32_t rcv_wup;
    //!@}
    //! The next sequence to send.
    std::uint32_t snd_nxt;
    //! Segments sent (RFC 4898 tcpEStatsPerfSegsOut), and of them those that carried data.
    //!@{
    std::uint32_t segs_out;
    std::uint32_t data_segs_out;
    //!@}
    //! Bytes sent (retransmissions included), acknowledged by the peer, received in order, and
    //! retransmitted (RFC 4898).
    //!@{
    std::uint64_t bytes_sent;
    std::uint64_t bytes_acked;
    std::uint64_t bytes_received;
    std::uint64_t bytes_retrans;
    //!@}
    //! The first sequence not acknowledged (snd_una); the end of the last small segment sent
    //! (snd_sml, Minshall's Nagle).
    //!@{
    std::uint32_t snd_una;
    std::uint32_t snd_sml;
    //!@}
    //! When an ACK was last received and data last sent (jiffies), and the offset this connection
    //! adds to its timestamps.
    //!@{
    std::uint32_t rcv_tstamp;
    std::uint32_t lsndtime;
    std::uint32_t tsoffset;
    //!@}
    //! Linux's links: the TSQ list, and the sent skbs in time order (RACK).
    //!@{
    list_head tsq_node;
    list_head tsorted_sent_queue;
    //!@}
    //! The send window: the sequence of the segment that last updated it (snd_wl1), its size as the
    //! peer offered it (snd_wnd), and the largest the peer ever offered (max_window).
    //!@{
    std::uint32_t snd_wl1;
    std::uint32_t snd_wnd;
    std::uint32_t max_window;
    //!@}
    //! The current send MSS (tcp_current_mss's cache).
    std::uint32_t mss_cache;
    //! The largest window this side advertises (TCP_WINDOW_CLAMP), and the threshold the advertised
    //! window grows up to (rcv_ssthresh).
    //!@{
    std::uint32_t window_clamp;
    std::uint32_t rcv_ssthresh;
    //!@}
    //! How much of the receive buffer counts as window, in 1/256 (tcp_win_from_space).
    std::uint8_t scaling_ratio;
    //! TCP_NAGLE_* bits (TCP_NODELAY, TCP_CORK); TCP_REPAIR; an F-RTO episode is running; TCP_ECN_*
    //! flags; TCP_KEEPCNT (0: the sysctl); the last delivery-rate sample was application-limited;
    //! TCP_SAVE_SYN.
    //!@{
    std::uint8_t nonagle;
    std::uint8_t repair;
    std::uint8_t frto;
    std::uint8_t ecn_flags;
    std::uint8_t keepalive_probes;
    std::uint8_t rate_app_limited;
    std::uint8_t save_syn;
    //!@}
    std::uint8_t thin_lto; //!< TCP_THIN_LINEAR_TIMEOUTS
    //! RACK's loss-detection state.
    tcp_rack rack;
    //! The MSS this side advertises.
    std::uint16_t advmss;
    //! RTT estimation (RFC 6298), in us: the smoothed RTT << 3 (srtt_us), the mean deviation << 2
    //! (mdev_us), its maximum over the current round, the variance the RTO uses (rttvar_us), and
    //! the sequence that ends the round (rtt_seq).
    //!@{
    std::uint32_t srtt_us;
    std::uint32_t mdev_us;
    std::uint32_t mdev_max_us;
    std::uint32_t rttvar_us;
    std::uint32_t rtt_seq;
    //!@}
    //! The least RTT over a window of tcp_min_rtt_wlen seconds, us.
    minmax rtt_min;
    //! Segments in flight (packets_out), of them retransmitted (retrans_out), SACKed (sacked_out)
    //! and deemed lost (lost_out).
    //!@{
    std::uint32_t packets_out;
    std::uint32_t retrans_out;
    std::uint32_t sacked_out;
    std::uint32_t lost_out;
    //!@}
    //! The reordering degree tolerated, and reordering events seen.
    //!@{
    std::uint32_t reordering;
    std::uint32_t reord_seen;
    //!@}
    //! The urgent pointer of data sent with MSG_OOB.
    std::uint32_t snd_up;
    //! Congestion control: the slow-start threshold and the window (segments), the count towards
    //! the next linear increase, the window's cap, the window used since the last change, when it
    //! last changed (jiffies), and the window before the recovery began.
    //!@{
    std::uint32_t snd_ssthresh;
    std::uint32_t snd_cwnd;
    std::uint32_t snd_cwnd_cnt;
    std::uint32_t snd_cwnd_clamp;
    std::uint32_t snd_cwnd_used;
    std::uint32_t snd_cwnd_stamp;
    std::uint32_t prior_cwnd;
    //!@}
    //! Delivery accounting: segments delivered (retransmissions once), of them with CE marks,
    //! segments lost, and the delivered count at which an application-limited period ends (0:
    //! none).
    //!@{
    std::uint32_t delivered;
    std::uint32_t delivered_ce;
    std::uint32_t lost;
    std::uint32_t app_limited;
    //!@}
    //! The window this side advertised last.
    std::uint32_t rcv_wnd;
    //! The next sequence the application's data takes (write_seq); TCP_NOTSENT_LOWAT; the end of
    //! the data last pushed (PSH).
    //!@{
    std::uint32_t write_seq;
    std::uint32_t notsent_lowat;
    std::uint32_t pushed_seq;
    //!@}
    //! Over the connection's life: retransmissions, RTO timeouts, the timeouts that started a
    //! recovery, and the time spent in RTO recoveries (ms).
    //!@{
    std::uint32_t total_retrans;
    std::uint32_t dsack_dups; //!< segments the peer reported received twice (D-SACK)
    std::uint16_t total_rto;
    std::uint16_t total_rto_recoveries;
    std::uint32_t total_rto_time;
    //!@}
    int linger2;                   //!< 0: use net.ipv4.tcp_fin_timeout
    std::uint32_t keepalive_time;  //!< 0: use net.ipv4.tcp_keepalive_time
    std::uint32_t keepalive_intvl; //!< 0: use net.ipv4.tcp_keepalive_intvl
    //! TCP_MAXSEG as the user set it (0: none).
    std::uint16_t user_mss;
    std::uint16_t mss_clamp; //!< rx_opt.mss_clamp: the peer's MSS, or TCP_MAXSEG's
    std::uint8_t rcv_wscale; //!< rx_opt.rcv_wscale: the scale of the windows this side offers
    //! The options the handshake agreed and the last segments carried.
    tcp_options_received rx_opt;
    std::uint32_t high_seq;        //!< snd_nxt when recovery or loss began
    std::uint32_t retrans_stamp;   //!< when the first retransmission of this episode left (ms)
    std::uint32_t prior_ssthresh;  //!< ssthresh before the episode (undo)
    std::uint32_t undo_marker;     //!< snd_una when the RTO's episode began (0: no undo)
    std::int32_t undo_retrans;     //!< its retransmissions (-1: none yet)
    std::uint32_t prr_delivered;   //!< proportional rate reduction: delivered in recovery
    std::uint32_t prr_out;         //!< ... and sent in recovery
    std::uint32_t max_packets_out; //!< the most in flight in this window (cwnd validation)
    std::uint32_t cwnd_usage_seq;  //!< where that window ends
    std::uint8_t is_cwnd_limited;  //!< the sender was held by cwnd in this window
    //! The out-of-order queue (its head in rb_node: a list sorted by
    //! sequence, see tcp_ofo_head), and the pacing and compressed-ACK timers
    //! tcp_init_sock sets up.
    //!@{
    rb_root out_of_order_queue;
    hrtimer pacing_timer;
    hrtimer compressed_ack_timer;
    //!@}

    // ksock's loopback: what Linux keeps in request socks, the accept queue's
    // request_sock chain and the segments in flight on lo.
    //! The connection sends real segments: its route leaves through a
    //! device (tcp_ipv4.hpp); the loopback model carries the others.
    std::uint8_t segments;
    std::uint8_t fin_alone;          //!< a FIN without data is in flight (no skb carries it)
    std::uint32_t last_oow_ack_time; //!< jiffies of the last out-of-window ACK (rate limit)
    std::uint32_t tlp_high_seq;      //!< snd_nxt when the tail loss probe left (0: none out)
    std::uint8_t tlp_retrans;        //!< that probe was a retransmission
    //! Full segments queued since the last PSH: Linux's write queue holds
    //! them in GSO skbs of tcp_tso_autosize segments, each ending in PSH.
    std::uint16_t chunk_segs;
    //! Where the write queue's last skb of Linux's (size_goal bytes, many
    //! segments here) began: tcp_sendmsg's forced push looks at it when full.
    std::uint32_t goal_seq;
    unsigned long keepalive_at; //!< jiffies: the keepalive timer of a connection on a device
    tcp_sock* accept_next;      //!< the next child in the listener's accept queue
    sock* parent;               //!< a child's listener until accept() takes it
    std::uint8_t rx_deferred;   //!< a segment processed at release_sock (tcp_rx_*)
    //! A child in SYN_RECV had the handshake's bare ACK while the listener's
    //! TCP_DEFER_ACCEPT held it (inet_rsk(req)->acked): it waits for data.
    std::uint8_t req_acked;
    std::uint8_t ack_owed;     //!< a FIN received, its ACK delayed (delack timer)
    std::uint8_t syn_retries;  //!< SYNs retransmitted so far (SYN_SENT)
    std::uint8_t fin_queued;   //!< a FIN waits behind the write queue
    std::uint16_t urg_data;    //!< TCP_URG_* | the urgent byte
    std::uint32_t urg_seq;     //!< where the urgent byte is (receive sequence)
    unsigned long timer_at;    //!< jiffies: delayed ACK, SYN retransmit, FIN_WAIT2 end
    unsigned long probe_at;    //!< jiffies: the probe0 timer, for corked data held
    std::uint8_t rwnd_limited; //!< the last push stopped at the receiver's window
    //! tp->pred_flags != 0: header prediction is on (tcp_fast_path_on), its
    //! word the ACK flag, tcp_header_len and snd_wnd's window as sent.
    std::uint8_t pred_on;
    //! jiffies: the delayed-ACK timer of data received in pingpong mode (the
    //! data itself counts as acknowledged at once; only the mode follows it)
    unsigned long dack_at;
    //! The last sock tcp_peer found for this 4-tuple: a hint, checked on use
    //! (Linux's early demux remembers the dst the same way), so a segment
    //! does not scan the pool.
    sock* peer_hint;
};

static_assert(std::is_standard_layout_v<tcp_sock>,
              "ksock::inet::tcp_sock: must be standard-layout");
static_assert(offsetof(tcp_sock, inet_conn) == 0,
              "ksock::inet::tcp_sock: inet_conn must be at offset 0");

//! Whether \p tp sends real segments: false at compile time in a stack
//! whose only device is lo (Ctx::has_wire_devices), which so links none of
//! the segment engine; else the connection's own flag.
template <class Ctx>
constexpr bool tcp_on_device(const tcp_sock& tp) noexcept {
    return tp.segments != 0;
}

//! tcp_sk(sk): the checked layout cast to a tcp_sock (objects/layout.hpp).
inline constexpr sk_caster<tcp_sock> tcp_sk{"tcp_sk"};

} // namespace ksock::inet

//! The member that embeds tcp_sock's parent at offset 0 (objects/layout.hpp).
template <>
struct ksock::first_member<ksock::inet::tcp_sock>
    : ksock::first_member_is<&ksock::inet::tcp_sock::inet_conn> {};

static_assert(ksock::begins_with<ksock::inet::tcp_sock, ksock::inet::inet_connection_sock>,
              "ksock::inet::tcp_sock must begin with inet_connection_sock");
static_assert(ksock::begins_with<ksock::inet::tcp_sock, ksock::sock>,
              "ksock::inet::tcp_sock must begin with sock");
