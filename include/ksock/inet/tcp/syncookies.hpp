// ksock/inet/tcp/syncookies.hpp: SYN cookies (net/ipv4/syncookies.c): an
// ISN that carries, under a keyed hash, the peer's MSS (an index into
// msstab) and the minute it was made, so that a listener whose SYN queue
// is full (or every listener with net.ipv4.tcp_syncookies 2) keeps nothing
// for a SYN and rebuilds the connection from the ACK of its SYN-ACK. With
// timestamps, the low six bits of the SYN-ACK's TS val carry the window
// scale, SACK and ECN the SYN offered (cookie_init_timestamp), and the
// ACK's echo brings them back.
//
// The keys come from the same draw as the ISN's (tcp_secret: the
// namespace's deterministic generator); each hash mixes in a constant of
// its own, as Linux keeps a secret for each of the two hashes.
#pragma once

#include <cstdint>

#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/tcp/tcp_transmit.hpp>

namespace ksock::inet {

//! msstab: the MSSes a cookie can name (two bits), "in order of
//! increasing frequency": a peer's MSS is rounded down to one of them.
inline constexpr std::uint16_t syncookie_msstab[4] = {536, 1300, 1440, 1460};

inline constexpr unsigned syncookie_bits = 24;                              //!< COOKIEBITS
inline constexpr std::uint32_t syncookie_mask = (1u << syncookie_bits) - 1; //!< COOKIEMASK
//! MAX_SYNCOOKIE_AGE: a cookie is good for the minute it was made in and
//! the next one.
inline constexpr std::uint32_t max_syncookie_age = 2;
//! HZ as the 32-bit jiffies of the overflow stamp count it.
inline constexpr std::uint32_t syncookie_hz = static_cast<std::uint32_t>(hz);
//! TCP_SYNCOOKIE_VALID in jiffies: how long after the last overflow a
//! listener still takes an ACK as a cookie's.
inline constexpr std::uint32_t tcp_syncookie_valid = max_syncookie_age * 60u * syncookie_hz;

//! The option bits of a cookie's TS val (TS_OPT_*): the peer's window
//! scale (0xf: none), SACK, ECN; TSBITS of them.
//!@{
inline constexpr std::uint32_t ts_opt_wscale_mask = 0xf;
inline constexpr std::uint32_t ts_opt_sack = 1u << 4;
inline constexpr std::uint32_t ts_opt_ecn = 1u << 5;
inline constexpr unsigned ts_opt_bits = 6;
//!@}

//! tcp_cookie_time: the minute counter a cookie carries in its top byte.
template <class Ctx>
std::uint32_t tcp_cookie_time(Ctx& ctx) noexcept {
    return static_cast<std::uint32_t>(ctx.jiffies() / static_cast<unsigned long>(hz) / 60u);
}

//! cookie_hash: the keyed hash of a connection's 4-tuple and \p count,
//! under key \p c (0 or 1). \p t is the tuple as this side sends it.
template <class P, class Ctx>
std::uint32_t cookie_hash(Ctx& ctx, const tcp_tuple& t, std::uint32_t count, unsigned c) noexcept {
    const std::uint32_t* k = tcp_secret<P>(ctx);
    std::uint32_t h = tcp_mix(k[c & 1u], c ? 0x636b3231u : 0x636b3130u);
    h = tcp_mix(h, t.daddr);
    h = tcp_mix(h, t.saddr);
    h = tcp_mix(h, (std::uint32_t{t.dport} << 16) | t.sport);
    return tcp_mix(h, count);
}

//! secure_tcp_syn_cookie: hash(0) + the peer's ISN \p sseq + the minute in
//! the top byte + (hash(minute) + \p data) in the low 24 bits.
template <class P, class Ctx>
std::uint32_t secure_tcp_syn_cookie(Ctx& ctx, const tcp_tuple& t, std::uint32_t sseq,
                                    std::uint32_t data) noexcept {
    const std::uint32_t count = tcp_cookie_time(ctx);
    return cookie_hash<P>(ctx, t, 0, 0) + sseq + (count << syncookie_bits) +
           ((cookie_hash<P>(ctx, t, count, 1) + data) & syncookie_mask);
}

//! check_tcp_syn_cookie: the data a cookie carries, or 0xffffffff when it
//! is older than MAX_SYNCOOKIE_AGE minutes (or from the future: forged).
template <class P, class Ctx>
std::uint32_t check_tcp_syn_cookie(Ctx& ctx, std::uint32_t cookie, const tcp_tuple& t,
                                   std::uint32_t sseq) noexcept {
    const std::uint32_t count = tcp_cookie_time(ctx);
    cookie -= cookie_hash<P>(ctx, t, 0, 0) + sseq;
    const std::uint32_t diff = (count - (cookie >> syncookie_bits)) & (~0u >> syncookie_bits);
    if (diff >= max_syncookie_age)
        return ~0u;
    return (cookie - cookie_hash<P>(ctx, t, count - diff, 1)) & syncookie_mask;
}

//! __cookie_v4_init_sequence: the cookie for a SYN of sequence \p seq whose
//! MSS (clamped by TCP_MAXSEG) is \p mss; \p mss becomes the table's MSS
//! the cookie names.
template <class P, class Ctx>
std::uint32_t cookie_v4_init_sequence(Ctx& ctx, const tcp_tuple& t, std::uint32_t seq,
                                      std::uint16_t& mss) noexcept {
    std::uint32_t i = 3;
    while (i && mss < syncookie_msstab[i])
        --i;
    mss = syncookie_msstab[i];
    return secure_tcp_syn_cookie<P>(ctx, t, seq, i);
}

//! __cookie_v4_check: the MSS the cookie of an ACK (\p seq, \p ack_seq)
//! names, or 0 when it is not one of this host's or has expired.
template <class P, class Ctx>
std::uint16_t cookie_v4_check_mss(Ctx& ctx, const tcp_tuple& t, std::uint32_t seq,
                                  std::uint32_t ack_seq) noexcept {
    const std::uint32_t i = check_tcp_syn_cookie<P>(ctx, ack_seq - 1, t, seq - 1);
    return i < 4 ? syncookie_msstab[i] : std::uint16_t{0};
}

//! cookie_init_timestamp: the TS val (before the connection's offset) a
//! cookie's SYN-ACK carries at clock \p now: \p now with its low six bits
//! replaced by the options, never after \p now.
constexpr std::uint32_t cookie_init_timestamp(std::uint32_t now, bool wscale_ok,
                                              std::uint8_t snd_wscale, bool sack_ok,
                                              bool ecn_ok) noexcept {
    std::uint32_t options = wscale_ok ? snd_wscale : ts_opt_wscale_mask;
    if (sack_ok)
        options |= ts_opt_sack;
    if (ecn_ok)
        options |= ts_opt_ecn;
    std::uint32_t ts = ((now >> ts_opt_bits) << ts_opt_bits) | options;
    if (ts > now)
        ts -= 1u << ts_opt_bits;
    return ts;
}

//! cookie_timestamp_decode: the options of \p o from its echo (\p tsecr,
//! the connection's offset taken off). False when they ask for what the
//! sysctls now refuse. Without a timestamp, no option survives.
constexpr bool cookie_timestamp_decode(const ipv4_sysctl& sc, tcp_options_in& o,
                                       std::uint32_t tsecr) noexcept {
    o.wscale_ok = o.snd_wscale = o.sack_ok = 0;
    if (!o.saw_tstamp)
        return true;
    if (!sc.tcp_timestamps)
        return false;
    o.sack_ok = (tsecr & ts_opt_sack) ? 1 : 0;
    if (o.sack_ok && !sc.tcp_sack)
        return false;
    if ((tsecr & ts_opt_wscale_mask) == ts_opt_wscale_mask)
        return true; // no window scaling
    o.wscale_ok = 1;
    o.snd_wscale = static_cast<std::uint8_t>(tsecr & ts_opt_wscale_mask);
    return sc.tcp_window_scaling != 0;
}

//! tcp_synq_overflow: the listener \p tp sent a cookie; the time is kept
//! (in rx_opt.ts_recent_stamp, as Linux keeps it: a listener has no peer
//! timestamp), at most once a second. (0 is "never", so a stamp taken at
//! jiffy 0 is 1.)
template <class Ctx>
void tcp_synq_overflow(Ctx& ctx, tcp_sock& tp) noexcept {
    const auto now = static_cast<std::uint32_t>(ctx.jiffies());
    const std::uint32_t last = tp.rx_opt.ts_recent_stamp;
    if (!last || now - last > syncookie_hz)
        tp.rx_opt.ts_recent_stamp = now ? now : 1u;
}

//! tcp_synq_no_recent_overflow: no cookie was sent from \p tp in the last
//! TCP_SYNCOOKIE_VALID (or in the second before the stamp), so an ACK is
//! not taken as a cookie's.
template <class Ctx>
bool tcp_synq_no_recent_overflow(Ctx& ctx, const tcp_sock& tp) noexcept {
    const std::uint32_t last = tp.rx_opt.ts_recent_stamp;
    if (!last)
        return true;
    const auto now = static_cast<std::uint32_t>(ctx.jiffies());
    return now - (last - syncookie_hz) > tcp_syncookie_valid + syncookie_hz;
}

} // namespace ksock::inet
