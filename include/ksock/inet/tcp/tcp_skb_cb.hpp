// ksock/inet/tcp/tcp_skb_cb.hpp: TCP's control block in an skb (struct
// tcp_skb_cb, include/net/tcp.h): where a segment sits in sequence space,
// its flags and what happened to it (sent, SACKed, lost, retransmitted).
//
// A connection that sends real segments keeps one skb per segment in its
// write queue, as Linux does without TSO: tcp_sendmsg fills an skb up to
// the MSS, tcp_write_xmit sends it whole, tcp_ack frees it once
// acknowledged. Received segments keep their numbers here too, in the
// receive and out-of-order queues.
#pragma once

#include <cstdint>

#include <ksock/objects/sk_buff.hpp>

namespace ksock::inet {

// TCP_SKB_CB(skb)->sacked bits.
inline constexpr std::uint8_t tcpcb_sacked_acked = 0x01; //!< TCPCB_SACKED_ACKED
inline constexpr std::uint8_t tcpcb_sacked_retrans =
    0x02;                                                //!< TCPCB_SACKED_RETRANS: in flight again
inline constexpr std::uint8_t tcpcb_lost = 0x04;         //!< TCPCB_LOST
inline constexpr std::uint8_t tcpcb_ever_retrans = 0x80; //!< TCPCB_EVER_RETRANS (Karn)

//! TCP_SKB_CB (struct tcp_skb_cb, include/net/tcp.h): a segment's sequence range, flags and
//! retransmission state in skb->cb.
struct tcp_skb_cb {
    std::uint32_t seq;     //!< the first sequence number
    std::uint32_t end_seq; //!< seq + data length (+1 for a FIN, a SYN)
    std::uint32_t when;    //!< ms clock of the last transmission (skb_mstamp)
    //! TCPHDR_* flags of the segment.
    std::uint8_t tcp_flags;
    //! TCPCB_* bits: SACKed, retransmitted, lost, ever retransmitted.
    std::uint8_t sacked;
    std::uint8_t sent; //!< left at least once (Linux: on the rtx queue)
    //! The segment ends one of Linux's GSO skbs: software GSO gives the
    //! last segment of a multi-segment skb PSH on the wire, whatever the
    //! skb's own flags. Its flags keep no PSH for it, so the segment
    //! retransmitted alone goes without (tcp_fragment, tcp_retransmit_skb).
    std::uint8_t gso_end;
    //! A received segment's TOS byte (its ECN field: tcp_ecn_check_ce).
    std::uint8_t ip_dsfield;
};

//! TCP_SKB_CB(skb). (The IP layer's control block is done with once a
//! segment reaches TCP, as in Linux, which overlays the two.)
//!@{
inline tcp_skb_cb& tcp_cb(sk_buff& skb) noexcept {
    static_assert(sizeof(tcp_skb_cb) <= sizeof(sk_buff::cb) && alignof(tcp_skb_cb) <= 8,
                  "ksock::inet::tcp_skb_cb: must fit skb->cb (48 bytes, 8-aligned)");
    return *static_cast<tcp_skb_cb*>(static_cast<void*>(skb.cb));
}
inline const tcp_skb_cb& tcp_cb(const sk_buff& skb) noexcept {
    return *static_cast<const tcp_skb_cb*>(static_cast<const void*>(skb.cb));
}
//!@}

} // namespace ksock::inet
