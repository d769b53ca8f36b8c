// ksock/inet/inet_connection_sock.hpp: struct inet_connection_sock
// (include/net/inet_connection_sock.h), the connection-oriented INET socket.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/tcp/tcp_congestion_ops.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/timer.hpp>

namespace ksock::inet {

//! struct fastopen_queue.
struct fastopen_queue {
    void* rskq_rst_head; //!< requests reset by the client (TFO): first
    void* rskq_rst_tail; //!< and last
    spinlock_t lock;     //!< protects the queue
    int qlen;            //!< TFO requests outstanding
    int max_qlen;        //!< TCP_FASTOPEN's limit (0: TFO off)
};

//! struct request_sock_queue: the accept queue of a listener.
struct request_sock_queue {
    spinlock_t rskq_lock;           //!< protects the accept queue
    std::uint8_t rskq_defer_accept; //!< TCP_DEFER_ACCEPT, in SYN-ACK retransmissions
    std::uint32_t synflood_warned;  //!< a SYN flood was reported
    int qlen;                       //!< requests pending (SYN_RECV)
    int young;                      //!< of them, not yet retransmitted
    void* rskq_accept_head;         //!< established children not yet accepted: first
    void* rskq_accept_tail;         //!< and last
    fastopen_queue fastopenq;       //!< TCP Fast Open's part
};

//! ICSK_CA_PRIV_SIZE: private area of the congestion-control algorithm.
inline constexpr std::size_t icsk_ca_priv_size = 13 * sizeof(std::uint64_t);

//! struct inet_connection_sock (include/net/inet_connection_sock.h): a connection-oriented inet
//! sock (TCP), inet_sock first.
struct inet_connection_sock {
    inet_sock icsk_inet;                   //!< the inet sock, at offset 0
    request_sock_queue icsk_accept_queue;  //!< a listener's accept queue
    void* icsk_bind_hash;                  //!< the bind bucket of the local port
    void* icsk_bind2_hash;                 //!< the bind2 bucket (port and address)
    unsigned long icsk_timeout;            //!< when the pending timer fires, jiffies
    timer_list icsk_retransmit_timer;      //!< the retransmit / probe timer
    timer_list icsk_delack_timer;          //!< the delayed-ACK timer
    std::uint32_t icsk_rto;                //!< jiffies
    std::uint32_t icsk_rto_min;            //!< jiffies
    std::uint32_t icsk_rto_max;            //!< jiffies (6.15+)
    std::uint32_t icsk_delack_max;         //!< the longest delayed-ACK wait, jiffies
    std::uint32_t icsk_pmtu_cookie;        //!< the PMTU the MSS was last computed for
    const tcp_congestion_ops* icsk_ca_ops; //!< the congestion control
    kfunc icsk_af_ops;                     //!< the address family's ops (ipv4_specific)
    kfunc icsk_sync_mss;                   //!< the sync_mss function (tcp_sync_mss)
    std::uint8_t icsk_ca_state;            //!< TCP_CA_Open ... (tcp_info's tcpi_ca_state)
    std::uint8_t icsk_ca_initialized;      //!< ca_ops->init has run
    std::uint8_t icsk_retransmits;         //!< retransmissions since the last progress
    std::uint8_t icsk_pending;             //!< ICSK_TIME_* pending on the retransmit timer
    std::uint8_t icsk_backoff;             //!< the RTO's exponential backoff
    std::uint8_t icsk_syn_retries;         //!< TCP_SYNCNT, 0: the sysctl
    std::uint8_t icsk_probes_out;          //!< zero-window or keepalive probes unanswered
    std::uint16_t icsk_ext_hdr_len;        //!< IP options' length
    struct {
        std::uint8_t pending;
        std::uint8_t quick;
        std::uint8_t pingpong;
        std::uint8_t retry;
        std::uint32_t ato;
        std::uint32_t lrcvtime;
        std::uint16_t last_seg_size;
        std::uint16_t rcv_mss;
    } icsk_ack; //!< the delayed-ACK state (pending, quick ACKs, pingpong, ato)
    struct {
        int search_high;
        int search_low;
        std::uint32_t probe_size;
        std::uint8_t enabled;
        std::uint32_t probe_timestamp;
    } icsk_mtup;                      //!< MTU probing's state
    std::uint32_t icsk_probes_tstamp; //!< when the first unanswered probe went, jiffies
    std::uint32_t icsk_user_timeout;  //!< TCP_USER_TIMEOUT, ms
    //! The congestion control's private area.
    std::uint64_t icsk_ca_priv[icsk_ca_priv_size / sizeof(std::uint64_t)];
};

static_assert(std::is_standard_layout_v<inet_connection_sock>,
              "ksock::inet::inet_connection_sock: must be standard-layout");
static_assert(offsetof(inet_connection_sock, icsk_inet) == 0,
              "ksock::inet::inet_connection_sock: icsk_inet must be at offset 0");

//! inet_csk(sk): the checked layout cast to a inet_connection_sock (objects/layout.hpp).
inline constexpr sk_caster<inet_connection_sock> inet_csk{"inet_csk"};

inline constexpr std::uint8_t icsk_ack_sched = 1;  //!< ICSK_ACK_SCHED
inline constexpr std::uint8_t icsk_ack_pushed = 4; //!< ICSK_ACK_PUSHED
//! net.ipv4.tcp_pingpong_thresh: ksock's ipv4_sysctl has no such entry yet;
//! this is Linux's default (and the host's value).
inline constexpr std::uint8_t tcp_pingpong_thresh = 1;

//! Delayed-ACK ("pingpong") mode: an interactive connection's ACKs wait
//! for data to ride on. TCP_QUICKACK reads its opposite.
//!@{
constexpr bool inet_csk_in_pingpong_mode(const inet_connection_sock& icsk) noexcept {
    return icsk.icsk_ack.pingpong >= tcp_pingpong_thresh;
}
constexpr void inet_csk_enter_pingpong_mode(inet_connection_sock& icsk) noexcept {
    icsk.icsk_ack.pingpong = tcp_pingpong_thresh;
}
constexpr void inet_csk_exit_pingpong_mode(inet_connection_sock& icsk) noexcept {
    icsk.icsk_ack.pingpong = 0;
}
//!@}

} // namespace ksock::inet

//! The member that embeds inet_connection_sock's parent at offset 0 (objects/layout.hpp).
template <>
struct ksock::first_member<ksock::inet::inet_connection_sock>
    : ksock::first_member_is<&ksock::inet::inet_connection_sock::icsk_inet> {};

static_assert(ksock::begins_with<ksock::inet::inet_connection_sock, ksock::inet::inet_sock>,
              "ksock::inet::inet_connection_sock must begin with inet_sock");
