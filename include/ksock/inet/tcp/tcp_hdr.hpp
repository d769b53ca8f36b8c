// ksock/inet/tcp/tcp_hdr.hpp: a TCP segment's header on the wire (struct
// tcphdr, include/uapi/linux/tcp.h), its options as tcp_options_write lays
// them out and as tcp_parse_options reads them (net/ipv4/tcp_output.c,
// tcp_input.c), and sequence-number arithmetic (before/after).
//
// Everything here reads and writes bytes: nothing from a wire is trusted
// until a parser here has checked its length.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/uapi/byteorder.hpp>

namespace ksock::inet {

//! struct tcphdr (20 bytes, network order). The data offset and the flags
//! are one 16-bit word here (doff << 12 | flags): bit-fields would follow
//! the compiler's order, the wire's does not change.
struct tcphdr {
    //! The fields in network order: source and destination port, sequence and acknowledgment
    //! number, doff << 12
    //!  flags, the window (unscaled), the checksum, the urgent pointer.
    //!@{
    std::uint16_t source;
    std::uint16_t dest;
    std::uint32_t seq;
    std::uint32_t ack_seq;
    std::uint16_t doff_flags;
    std::uint16_t window;
    std::uint16_t check;
    std::uint16_t urg_ptr;
    //!@}
};
static_assert(sizeof(tcphdr) == 20, "ksock::inet::tcphdr: must be 20 bytes, as on the wire");

//! TCPHDR_* flags (include/net/tcp.h): the low byte of doff_flags, host order.
//!@{
inline constexpr std::uint8_t tcphdr_fin = 0x01;
inline constexpr std::uint8_t tcphdr_syn = 0x02;
inline constexpr std::uint8_t tcphdr_rst = 0x04;
inline constexpr std::uint8_t tcphdr_psh = 0x08;
inline constexpr std::uint8_t tcphdr_ack = 0x10;
inline constexpr std::uint8_t tcphdr_urg = 0x20;
inline constexpr std::uint8_t tcphdr_ece = 0x40;
inline constexpr std::uint8_t tcphdr_cwr = 0x80;
//!@}

//! The TCPHDR_* flags of \p th.
constexpr std::uint8_t tcp_flags_of(const tcphdr& th) noexcept {
    return static_cast<std::uint8_t>(ksock::be16_to_cpu(th.doff_flags) & 0xffu);
}
//! The header's length in bytes (doff * 4).
constexpr std::size_t tcp_hdrlen(const tcphdr& th) noexcept {
    return static_cast<std::size_t>(ksock::be16_to_cpu(th.doff_flags) >> 12) * 4u;
}

//! before(a, b) / after(a, b): sequence numbers compared modulo 2^32.
//!@{
constexpr bool before(std::uint32_t a, std::uint32_t b) noexcept {
    return static_cast<std::int32_t>(a - b) < 0;
}
constexpr bool after(std::uint32_t a, std::uint32_t b) noexcept {
    return before(b, a);
}
//!@}
//! between(a, lo, hi): lo <= a <= hi, modulo 2^32.
constexpr bool seq_between(std::uint32_t a, std::uint32_t lo, std::uint32_t hi) noexcept {
    return hi - lo >= a - lo;
}

//! TCP option kinds (TCPOPT_*, include/net/tcp.h) and their lengths
//! (TCPOLEN_*): end of list, no-op, MSS, window scale, SACK-permitted,
//! SACK (a base and 8 bytes per block), timestamps.
//!@{
inline constexpr std::uint8_t tcpopt_eol = 0;
inline constexpr std::uint8_t tcpopt_nop = 1;
inline constexpr std::uint8_t tcpopt_mss = 2;
inline constexpr std::uint8_t tcpopt_window = 3;
inline constexpr std::uint8_t tcpopt_sack_perm = 4;
inline constexpr std::uint8_t tcpopt_sack = 5;
inline constexpr std::uint8_t tcpopt_timestamp = 8;
inline constexpr std::uint8_t tcpolen_mss = 4;
inline constexpr std::uint8_t tcpolen_window = 3;
inline constexpr std::uint8_t tcpolen_sack_perm = 2;
inline constexpr std::uint8_t tcpolen_timestamp = 10;
inline constexpr std::uint8_t tcpolen_sack_base = 2;
inline constexpr std::uint8_t tcpolen_sack_perblock = 8;
//!@}
inline constexpr std::size_t tcp_max_sack_blocks = 4; //!< TCP_NUM_SACKS

//! A SACK block, host order.
struct tcp_sack_block {
    //! The first sequence of the block and the one after its last.
    //!@{
    std::uint32_t start_seq;
    std::uint32_t end_seq;
    //!@}
};

//! What tcp_parse_options found in a segment (struct tcp_options_received's
//! per-segment part).
struct tcp_options_in {
    std::uint16_t mss = 0;      //!< 0: none (only a SYN's counts)
    std::uint8_t wscale_ok = 0; //!< a window-scale option (SYN only)
    //! The peer's window scale (when wscale_ok).
    std::uint8_t snd_wscale = 0;
    std::uint8_t sack_ok = 0;    //!< SACK-permitted (SYN only)
    std::uint8_t saw_tstamp = 0; //!< a timestamp option
    //! The timestamp option's value and echo reply (when saw_tstamp).
    //!@{
    std::uint32_t rcv_tsval = 0;
    std::uint32_t rcv_tsecr = 0;
    //!@}
    //! The SACK blocks the segment carried.
    //!@{
    std::uint8_t num_sacks = 0;
    tcp_sack_block sacks[tcp_max_sack_blocks] = {};
    //!@}
};

//! tcp_parse_options over the \p len option bytes at \p p of a segment
//! (\p syn: the options only a SYN may carry count). Linux's rules: EOL
//! ends the list, NOP is one byte, every other option needs a length of at
//! least 2 that fits what is left ("don't parse partial options"); an
//! option of the wrong length is ignored; a window scale above 14 is 14.
constexpr tcp_options_in tcp_parse_options(const unsigned char* p, std::size_t len,
                                           bool syn) noexcept {
    tcp_options_in o{};
    auto be32 = [](const unsigned char* q) {
        return (std::uint32_t{q[0]} << 24) | (std::uint32_t{q[1]} << 16) |
               (std::uint32_t{q[2]} << 8) | q[3];
    };
    std::size_t i = 0;
    while (i < len) {
        const std::uint8_t kind = p[i];
        if (kind == tcpopt_eol)
            break;
        if (kind == tcpopt_nop) {
            ++i;
            continue;
        }
        if (len - i < 2)
            break;
        const std::uint8_t olen = p[i + 1];
        if (olen < 2 || olen > len - i)
            break;
        const unsigned char* v = p + i + 2;
        switch (kind) {
        case tcpopt_mss:
            if (olen == tcpolen_mss && syn) {
                const auto m = static_cast<std::uint16_t>((v[0] << 8) | v[1]);
                if (m)
                    o.mss = m;
            }
            break;
        case tcpopt_window:
            if (olen == tcpolen_window && syn) {
                o.wscale_ok = 1;
                o.snd_wscale = v[0] > 14 ? 14 : v[0];
            }
            break;
        case tcpopt_timestamp:
            if (olen == tcpolen_timestamp) {
                o.saw_tstamp = 1;
                o.rcv_tsval = be32(v);
                o.rcv_tsecr = be32(v + 4);
            }
            break;
        case tcpopt_sack_perm:
            if (olen == tcpolen_sack_perm && syn)
                o.sack_ok = 1;
            break;
        case tcpopt_sack:
            if (olen >= tcpolen_sack_base + tcpolen_sack_perblock &&
                (olen - tcpolen_sack_base) % tcpolen_sack_perblock == 0) {
                std::size_t n =
                    static_cast<std::size_t>(olen - tcpolen_sack_base) / tcpolen_sack_perblock;
                if (n > tcp_max_sack_blocks)
                    n = tcp_max_sack_blocks;
                for (std::size_t b = 0; b < n; ++b)
                    o.sacks[b] = {be32(v + 8 * b), be32(v + 8 * b + 4)};
                o.num_sacks = static_cast<std::uint8_t>(n);
            }
            break;
        default:
            break;
        }
        i += olen;
    }
    return o;
}

//! What tcp_options_write puts in a segment (struct tcp_out_options).
struct tcp_options_out {
    std::uint16_t mss = 0; //!< 0: no MSS option
    //! The options to write: SACK-permitted, timestamps (tsval, tsecr), window scale (ws), and
    //! num_sacks SACK blocks from sacks.
    //!@{
    bool sack_perm = false;
    bool tstamp = false;
    bool wscale = false;
    std::uint8_t ws = 0;
    std::uint32_t tsval = 0;
    std::uint32_t tsecr = 0;
    std::uint8_t num_sacks = 0;
    const tcp_sack_block* sacks = nullptr;
    //!@}
};

//! The option bytes tcp_options_write writes for \p o (a multiple of 4).
constexpr std::size_t tcp_options_size(const tcp_options_out& o) noexcept {
    std::size_t n = 0;
    if (o.mss)
        n += 4;
    if (o.tstamp)
        n += 12; // (SACK-permitted shares the timestamp's two NOPs)
    else if (o.sack_perm)
        n += 4;
    if (o.wscale)
        n += 4;
    if (o.num_sacks)
        n += 4 + 8u * o.num_sacks;
    return n;
}

//! tcp_options_write: MSS; SACK-permitted in place of the timestamp's two
//! NOPs when both go (else NOP NOP before either); NOP + window scale;
//! NOP NOP + SACK blocks. Writes tcp_options_size(o) bytes at \p p.
constexpr void tcp_options_write(unsigned char* p, const tcp_options_out& o) noexcept {
    auto put32 = [&](std::uint32_t v) {
        *p++ = static_cast<unsigned char>(v >> 24);
        *p++ = static_cast<unsigned char>(v >> 16);
        *p++ = static_cast<unsigned char>(v >> 8);
        *p++ = static_cast<unsigned char>(v);
    };
    if (o.mss) {
        *p++ = tcpopt_mss;
        *p++ = tcpolen_mss;
        *p++ = static_cast<unsigned char>(o.mss >> 8);
        *p++ = static_cast<unsigned char>(o.mss);
    }
    if (o.tstamp) {
        if (o.sack_perm) {
            *p++ = tcpopt_sack_perm;
            *p++ = tcpolen_sack_perm;
        } else {
            *p++ = tcpopt_nop;
            *p++ = tcpopt_nop;
        }
        *p++ = tcpopt_timestamp;
        *p++ = tcpolen_timestamp;
        put32(o.tsval);
        put32(o.tsecr);
    } else if (o.sack_perm) {
        *p++ = tcpopt_nop;
        *p++ = tcpopt_nop;
        *p++ = tcpopt_sack_perm;
        *p++ = tcpolen_sack_perm;
    }
    if (o.wscale) {
        *p++ = tcpopt_nop;
        *p++ = tcpopt_window;
        *p++ = tcpolen_window;
        *p++ = o.ws;
    }
    if (o.num_sacks) {
        *p++ = tcpopt_nop;
        *p++ = tcpopt_nop;
        *p++ = tcpopt_sack;
        *p++ = static_cast<unsigned char>(tcpolen_sack_base + tcpolen_sack_perblock * o.num_sacks);
        for (std::size_t b = 0; b < o.num_sacks; ++b) {
            put32(o.sacks[b].start_seq);
            put32(o.sacks[b].end_seq);
        }
    }
}

} // namespace ksock::inet
