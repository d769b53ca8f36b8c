// ksock/inet/tcp/tcp_ecn.hpp: Explicit Congestion Notification on a TCP
// connection as RFC 3168 has it and Linux 6.18 does it (the tcp_ecn_*
// helpers of include/net/tcp_ecn.h, tcp_input.c, tcp_output.c): the
// negotiation on the SYN (ECE|CWR) and the SYN-ACK (ECE), the ECT(0) mark
// on new data, ECE on every segment while a CE mark waits for the peer's
// CWR, and the CWR on the first new data after the window came down.
//
// ksock models the classic mode only: net.ipv4.tcp_ecn 1 asks on active
// opens, 2 (the default) only accepts, 0 neither. Accurate ECN (6.18's
// values 3 to 5) is not modelled: 3 and 4 ask as 1 does, 5 accepts as 2.
// The receive side reads the TOS byte of the segment's own IP header: a
// hostile frame can set any bits there, and they are only ever bits.
#pragma once

#include <cstdint>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>

namespace ksock::inet {

//! tp->ecn_flags: ECN was agreed (TCP_ECN_OK), a CWR goes on the next new
//! data segment (TCP_ECN_QUEUE_CWR; named apart from tcp_ecn_queue_cwr(),
//! which sets it), a CE mark waits for the peer's CWR so
//! every segment carries ECE (TCP_ECN_DEMAND_CWR), an ECT or CE mark was
//! received (TCP_ECN_SEEN).
//!@{
inline constexpr std::uint8_t tcp_ecn_ok = 1;
inline constexpr std::uint8_t tcp_ecn_queued_cwr = 2;
inline constexpr std::uint8_t tcp_ecn_demand_cwr = 4;
inline constexpr std::uint8_t tcp_ecn_seen = 8;
//!@}

//! The ECN field of the TOS byte (INET_ECN_*).
//!@{
inline constexpr std::uint8_t inet_ecn_not_ect = 0;
inline constexpr std::uint8_t inet_ecn_ect_1 = 1;
inline constexpr std::uint8_t inet_ecn_ect_0 = 2;
inline constexpr std::uint8_t inet_ecn_ce = 3;
inline constexpr std::uint8_t inet_ecn_field = 3;
//!@}

//! Whether an active open asks for ECN under net.ipv4.tcp_ecn \p sysctl
//! (1, and Accurate ECN's 3 and 4, which ksock answers classically).
constexpr bool tcp_ecn_asks(int sysctl) noexcept {
    return sysctl == 1 || sysctl == 3 || sysctl == 4;
}

//! tcp_ecn_send_syn: an active open that asks for ECN is ECN-capable until
//! the SYN-ACK says otherwise.
inline void tcp_ecn_send_syn(tcp_sock& tp, int sysctl) noexcept {
    tp.ecn_flags = tcp_ecn_asks(sysctl) ? tcp_ecn_ok : std::uint8_t{0};
}

//! The ECN flags a SYN or SYN-ACK carries: the SYN asks with ECE|CWR, but
//! a retransmitted one without them under net.ipv4.tcp_ecn_fallback
//! (RFC 3168 6.1.1.1: a middlebox may drop SYNs that ask; tcp_ecn_clear_syn);
//! the SYN-ACK agrees with ECE alone (tcp_ecn_make_synack,
//! tcp_ecn_send_synack).
constexpr std::uint8_t tcp_ecn_syn_flags(const tcp_sock& tp, bool ack, bool retransmit,
                                         int fallback) noexcept {
    if (!(tp.ecn_flags & tcp_ecn_ok))
        return 0;
    if (ack)
        return tcphdr_ece;
    return retransmit && fallback ? 0 : static_cast<std::uint8_t>(tcphdr_ece | tcphdr_cwr);
}

//! tcp_ecn_create_request: a SYN asks for ECN with ECE and CWR both. A SYN
//! that is itself ECT-marked is refused ECN (a middlebox that rewrites the
//! TOS byte), unless it also sets a reserved bit (\p res1: Accurate ECN's
//! AE, which Linux lets through); tcp_ecn 0 refuses all.
constexpr bool tcp_ecn_syn_ok(std::uint8_t flags, std::uint8_t dsfield, bool res1,
                              int sysctl) noexcept {
    if ((flags & (tcphdr_ece | tcphdr_cwr)) != (tcphdr_ece | tcphdr_cwr))
        return false;
    const bool ect = (dsfield & inet_ecn_field) != inet_ecn_not_ect;
    return (!ect || res1) && sysctl != 0;
}

//! tcp_ecn_rcv_synack: the SYN-ACK agrees with ECE without CWR; anything
//! else turns ECN off.
inline void tcp_ecn_rcv_synack(tcp_sock& tp, std::uint8_t flags) noexcept {
    if ((tp.ecn_flags & tcp_ecn_ok) && (!(flags & tcphdr_ece) || (flags & tcphdr_cwr)))
        tp.ecn_flags = static_cast<std::uint8_t>(tp.ecn_flags & ~tcp_ecn_ok);
}

//! tcp_ecn_rcv_syn: in a simultaneous open the peer's SYN must ask too.
inline void tcp_ecn_rcv_syn(tcp_sock& tp, std::uint8_t flags) noexcept {
    if ((tp.ecn_flags & tcp_ecn_ok) && (!(flags & tcphdr_ece) || !(flags & tcphdr_cwr)))
        tp.ecn_flags = static_cast<std::uint8_t>(tp.ecn_flags & ~tcp_ecn_ok);
}

//! tcp_ecn_rcv_ecn_echo: an ECE on a segment other than a SYN of an ECN
//! connection reports congestion.
constexpr bool tcp_ecn_rcv_ecn_echo(const tcp_sock& tp, std::uint8_t flags) noexcept {
    return (flags & tcphdr_ece) && !(flags & tcphdr_syn) && (tp.ecn_flags & tcp_ecn_ok);
}

//! tcp_ecn_queue_cwr: the window came down; the next new data says so.
inline void tcp_ecn_queue_cwr(tcp_sock& tp) noexcept {
    if (tp.ecn_flags & tcp_ecn_ok)
        tp.ecn_flags |= tcp_ecn_queued_cwr;
}

//! tcp_ecn_accept_cwr: the peer's CWR answers our ECE; when it came with
//! data, that data is ACKed at once (the ACK without ECE tells the peer).
//! Returns whether an immediate ACK is due.
inline bool tcp_ecn_accept_cwr(tcp_sock& tp, std::uint8_t flags, bool data) noexcept {
    if (!(flags & tcphdr_cwr))
        return false;
    tp.ecn_flags = static_cast<std::uint8_t>(tp.ecn_flags & ~tcp_ecn_demand_cwr);
    return data;
}

//! tcp_ecn_send for a segment after the handshake of \p len data bytes
//! from \p seq: new data is ECT(0) (the socket's TOS keeps the mark, as
//! INET_ECN_xmit sets it) and takes a queued CWR; a retransmission, a pure
//! ACK or a FIN goes Not-ECT (INET_ECN_dontxmit); every segment carries
//! ECE while the peer owes a CWR. Returns the flags to add.
inline std::uint8_t tcp_ecn_send(tcp_sock& tp, inet_sock& inet, std::uint32_t seq,
                                 std::uint32_t len) noexcept {
    if (!(tp.ecn_flags & tcp_ecn_ok))
        return 0;
    std::uint8_t add = 0;
    const auto tos_no_ecn = static_cast<std::uint8_t>(inet.tos & ~inet_ecn_field);
    if (len && !before(seq, tp.snd_nxt)) {
        inet.tos = static_cast<std::uint8_t>(tos_no_ecn | inet_ecn_ect_0);
        if (tp.ecn_flags & tcp_ecn_queued_cwr) {
            tp.ecn_flags = static_cast<std::uint8_t>(tp.ecn_flags & ~tcp_ecn_queued_cwr);
            add |= tcphdr_cwr;
        }
    } else {
        inet.tos = tos_no_ecn;
    }
    if (tp.ecn_flags & tcp_ecn_demand_cwr)
        add |= tcphdr_ece;
    return add;
}

} // namespace ksock::inet
