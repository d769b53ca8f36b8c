// ksock/inet/tcp/tcp_cong.hpp: how fast a connection may send
// (net/ipv4/tcp_input.c's RTT estimator and RTO, tcp_cong.c's slow start
// and additive increase, tcp_cubic.c): the algorithms of the
// tcp_congestion_ops list, dispatched by a switch on the socket's
// algorithm (no function pointers, as everywhere in ksock).
//
// Reno and CUBIC are Linux's; CUBIC runs without HyStart (Linux's
// default has it on: it may leave slow start earlier on a path whose delay
// grows, which a test link with a fixed delay never shows). BBR is in the
// list for its name and its send-buffer factor, and sends with Reno's
// rules here.
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/inet/tcp/tcp_hdr.hpp>
#include <ksock/inet/tcp/tcp_sock.hpp>
#include <ksock/runtime/jiffies.hpp>

namespace ksock::inet {

//! icsk_ca_state's values (enum tcp_ca_state, include/net/tcp.h): no loss seen; duplicate ACKs or
//! SACKs (reordering?); the window reduced for ECN or local congestion; fast recovery; loss
//! recovery after an RTO.
//!@{
inline constexpr std::uint8_t tcp_ca_open = 0;
inline constexpr std::uint8_t tcp_ca_disorder = 1;
inline constexpr std::uint8_t tcp_ca_cwr = 2;
inline constexpr std::uint8_t tcp_ca_recovery = 3;
inline constexpr std::uint8_t tcp_ca_loss = 4;
//!@}

//! tcp_rtt_estimator + tcp_set_rto: Linux's estimator (srtt in µs << 3,
//! mdev in µs << 2, rttvar no lower than rto_min for a whole window, so the
//! RTO is never below srtt + rto_min), then the RTO, at most rto_max.
inline void tcp_rtt_estimator(tcp_sock& tp, long mrtt_us) noexcept {
    const auto rto_min_us = jiffies_to_usecs(tp.inet_conn.icsk_rto_min);
    long m = mrtt_us;
    std::uint32_t srtt = tp.srtt_us;
    if (srtt) {
        m -= static_cast<long>(srtt >> 3);
        srtt = static_cast<std::uint32_t>(static_cast<long>(srtt) + m);
        if (m < 0) {
            m = -m;
            m -= static_cast<long>(tp.mdev_us >> 2);
            if (m > 0)
                m >>= 3;
        } else {
            m -= static_cast<long>(tp.mdev_us >> 2);
        }
        tp.mdev_us = static_cast<std::uint32_t>(static_cast<long>(tp.mdev_us) + m);
        if (tp.mdev_us > tp.mdev_max_us) {
            tp.mdev_max_us = tp.mdev_us;
            if (tp.mdev_max_us > tp.rttvar_us)
                tp.rttvar_us = tp.mdev_max_us;
        }
        if (after(tp.snd_una, tp.rtt_seq)) {
            if (tp.mdev_max_us < tp.rttvar_us)
                tp.rttvar_us -= (tp.rttvar_us - tp.mdev_max_us) >> 2;
            tp.rtt_seq = tp.snd_nxt;
            tp.mdev_max_us = rto_min_us;
        }
    } else {
        srtt = static_cast<std::uint32_t>(m << 3);
        tp.mdev_us = static_cast<std::uint32_t>(m << 1);
        tp.rttvar_us = tp.mdev_us > rto_min_us ? tp.mdev_us : rto_min_us;
        tp.mdev_max_us = tp.rttvar_us;
        tp.rtt_seq = tp.snd_nxt;
    }
    tp.srtt_us = srtt ? srtt : 1u;
    // tcp_set_rto + tcp_bound_rto
    const std::uint64_t rto = units_to_jiffies<1000000>((tp.srtt_us >> 3) + tp.rttvar_us);
    tp.inet_conn.icsk_rto = static_cast<std::uint32_t>(
        rto < tp.inet_conn.icsk_rto_max ? rto : tp.inet_conn.icsk_rto_max);
    // minmax of rtt_min, as far as TCP_INFO's min_rtt reads it
    const auto us = static_cast<std::uint32_t>(mrtt_us);
    if (us < tp.rtt_min.s[0].v)
        tp.rtt_min.s[0].v = tp.rtt_min.s[1].v = tp.rtt_min.s[2].v = us;
}

//! tcp_in_slow_start.
constexpr bool tcp_in_slow_start(const tcp_sock& tp) noexcept {
    return tp.snd_cwnd < tp.snd_ssthresh;
}

//! tcp_is_cwnd_limited: the sender used its window (or, in slow start,
//! half of it).
constexpr bool tcp_is_cwnd_limited(const tcp_sock& tp) noexcept {
    if (tp.is_cwnd_limited)
        return true;
    return tcp_in_slow_start(tp) && tp.snd_cwnd < 2 * tp.max_packets_out;
}

//! tcp_slow_start: cwnd grows by the segments acknowledged, up to
//! ssthresh; returns what is left for congestion avoidance.
inline std::uint32_t tcp_slow_start(tcp_sock& tp, std::uint32_t acked) noexcept {
    std::uint32_t cwnd = tp.snd_cwnd + acked;
    if (cwnd > tp.snd_ssthresh)
        cwnd = tp.snd_ssthresh;
    acked -= cwnd - tp.snd_cwnd;
    tp.snd_cwnd = cwnd < tp.snd_cwnd_clamp ? cwnd : tp.snd_cwnd_clamp;
    return acked;
}

//! tcp_cong_avoid_ai: one more segment per \p w acknowledged.
inline void tcp_cong_avoid_ai(tcp_sock& tp, std::uint32_t w, std::uint32_t acked) noexcept {
    if (tp.snd_cwnd_cnt >= w) {
        tp.snd_cwnd_cnt = 0;
        ++tp.snd_cwnd;
    }
    tp.snd_cwnd_cnt += acked;
    if (tp.snd_cwnd_cnt >= w) {
        const std::uint32_t delta = tp.snd_cwnd_cnt / w;
        tp.snd_cwnd_cnt -= delta * w;
        tp.snd_cwnd += delta;
    }
    if (tp.snd_cwnd > tp.snd_cwnd_clamp)
        tp.snd_cwnd = tp.snd_cwnd_clamp;
}

//! struct bictcp: CUBIC's state in icsk_ca_priv.
struct bictcp {
    //! Linux's bictcp fields (net/ipv4/tcp_cubic.c): cnt, the ACKs per window increase; the window
    //! before the last reduction (last_max_cwnd) and at the last update (last_cwnd, at last_time);
    //! the origin point and K of the cubic; the epoch's start, the ACKs counted in it, and the
    //! window a Reno flow would have (tcp_cwnd).
    //!@{
    std::uint32_t cnt;
    std::uint32_t last_max_cwnd;
    std::uint32_t last_cwnd;
    std::uint32_t last_time;
    std::uint32_t bic_origin_point;
    std::uint32_t bic_K;
    std::uint32_t delay_min; //!< µs
    std::uint32_t epoch_start;
    std::uint32_t ack_cnt;
    std::uint32_t tcp_cwnd;
    //!@}
};
static_assert(sizeof(bictcp) <= icsk_ca_priv_size, "ksock::inet::bictcp: must fit icsk_ca_priv");

//! inet_csk_ca(sk) for CUBIC: its state in icsk_ca_priv, copied in and out
//! (icsk_ca_priv is an array of u64; a copy keeps the aliasing rules).
//!@{
inline bictcp cubic_load(const tcp_sock& tp) noexcept {
    bictcp ca;
    std::memcpy(&ca, tp.inet_conn.icsk_ca_priv, sizeof ca);
    return ca;
}
inline void cubic_store(tcp_sock& tp, const bictcp& ca) noexcept {
    std::memcpy(tp.inet_conn.icsk_ca_priv, &ca, sizeof ca);
}
//!@}

//! CUBIC's parameters (module defaults, net/ipv4/tcp_cubic.c; fast
//! convergence and TCP friendliness on): beta 717/1024 and its scale,
//! BICTCP_HZ, beta_scale (for TCP friendliness), cube_rtt_scale (bic_scale
//! 41 * 10) and cube_factor (2^(10 + 3 * BICTCP_HZ) / cube_rtt_scale).
//!@{
inline constexpr std::uint32_t cubic_beta = 717;
inline constexpr std::uint32_t bictcp_beta_scale = 1024;
inline constexpr std::uint32_t bictcp_hz = 10;
inline constexpr std::uint32_t cubic_beta_scale =
    8 * (bictcp_beta_scale + cubic_beta) / 3 / (bictcp_beta_scale - cubic_beta);
inline constexpr std::uint64_t cube_rtt_scale = 41 * 10;
inline constexpr std::uint64_t cube_factor = (1ull << (10 + 3 * bictcp_hz)) / cube_rtt_scale;
//!@}

//! cubic_root: the integer cube root (the largest r with r^3 <= a).
constexpr std::uint32_t cubic_root(std::uint64_t a) noexcept {
    std::uint64_t lo = 0, hi = 2097152; // 2^21: (2^21)^3 = 2^63
    while (lo < hi) {
        const std::uint64_t mid = (lo + hi + 1) / 2;
        if (mid * mid * mid <= a)
            lo = mid;
        else
            hi = mid - 1;
    }
    return static_cast<std::uint32_t>(lo);
}

//! bictcp_update: the cwnd CUBIC aims at \p now (ms), as a count of ACKs
//! per increment (ca->cnt).
inline void bictcp_update(bictcp& ca, std::uint32_t cwnd, std::uint32_t acked,
                          std::uint32_t now) noexcept {
    ca.ack_cnt += acked;
    if (ca.last_cwnd == cwnd && static_cast<std::int32_t>(now - ca.last_time) <= hz / 32)
        return;
    if (!(ca.epoch_start && now == ca.last_time)) {
        ca.last_cwnd = cwnd;
        ca.last_time = now;
        if (ca.epoch_start == 0) {
            ca.epoch_start = now ? now : 1;
            ca.ack_cnt = acked;
            ca.tcp_cwnd = cwnd;
            if (ca.last_max_cwnd <= cwnd) {
                ca.bic_K = 0;
                ca.bic_origin_point = cwnd;
            } else {
                ca.bic_K = cubic_root(cube_factor * (ca.last_max_cwnd - cwnd));
                ca.bic_origin_point = ca.last_max_cwnd;
            }
        }
        std::uint64_t t = static_cast<std::uint32_t>(now - ca.epoch_start);
        t += units_to_jiffies<1000000>(ca.delay_min);
        t = (t << bictcp_hz) / static_cast<std::uint64_t>(hz);
        const std::uint64_t offs = t < ca.bic_K ? ca.bic_K - t : t - ca.bic_K;
        const std::uint64_t delta = (cube_rtt_scale * offs * offs * offs) >> (10 + 3 * bictcp_hz);
        const std::uint64_t target =
            t < ca.bic_K ? ca.bic_origin_point - delta : ca.bic_origin_point + delta;
        if (target > cwnd)
            ca.cnt = static_cast<std::uint32_t>(cwnd / (target - cwnd));
        else
            ca.cnt = 100 * cwnd;
        if (ca.last_max_cwnd == 0 && ca.cnt > 20)
            ca.cnt = 20;
    }
    // TCP friendliness: no slower than Reno would be.
    std::uint32_t d = (cwnd * cubic_beta_scale) >> 3;
    if (d == 0)
        d = 1;
    while (ca.ack_cnt > d) {
        ca.ack_cnt -= d;
        ++ca.tcp_cwnd;
    }
    if (ca.tcp_cwnd > cwnd) {
        const std::uint32_t max_cnt = cwnd / (ca.tcp_cwnd - cwnd);
        if (ca.cnt > max_cnt)
            ca.cnt = max_cnt;
    }
    if (ca.cnt < 2)
        ca.cnt = 2;
}

//! Whether the socket's algorithm is CUBIC (else Reno's rules).
inline bool tcp_ca_is_cubic(const tcp_sock& tp) noexcept {
    return tp.inet_conn.icsk_ca_ops == &tcp_cubic;
}

//! icsk_ca_ops->init (bictcp_init): a fresh epoch.
inline void tcp_ca_init(tcp_sock& tp) noexcept {
    if (tcp_ca_is_cubic(tp))
        cubic_store(tp, bictcp{});
    tp.inet_conn.icsk_ca_initialized = 1;
}

//! icsk_ca_ops->ssthresh: Reno halves; CUBIC keeps 717/1024 and
//! remembers where the loss came (fast convergence: lower if the window
//! had not regained its last maximum).
inline std::uint32_t tcp_ca_ssthresh(tcp_sock& tp) noexcept {
    const std::uint32_t cwnd = tp.snd_cwnd;
    if (tcp_ca_is_cubic(tp)) {
        bictcp ca = cubic_load(tp);
        ca.epoch_start = 0;
        if (cwnd < ca.last_max_cwnd)
            ca.last_max_cwnd = (cwnd * (bictcp_beta_scale + cubic_beta)) / (2 * bictcp_beta_scale);
        else
            ca.last_max_cwnd = cwnd;
        cubic_store(tp, ca);
        const std::uint32_t s = (cwnd * cubic_beta) / bictcp_beta_scale;
        return s > 2 ? s : 2;
    }
    const std::uint32_t s = cwnd >> 1;
    return s > 2 ? s : 2;
}

//! icsk_ca_ops->cong_avoid for \p acked segments at \p now (ms).
inline void tcp_ca_cong_avoid(tcp_sock& tp, std::uint32_t acked, std::uint32_t now) noexcept {
    if (!tcp_is_cwnd_limited(tp))
        return;
    if (tcp_in_slow_start(tp)) {
        acked = tcp_slow_start(tp, acked);
        if (!acked)
            return;
    }
    if (tcp_ca_is_cubic(tp)) {
        bictcp ca = cubic_load(tp);
        bictcp_update(ca, tp.snd_cwnd, acked, now);
        cubic_store(tp, ca);
        tcp_cong_avoid_ai(tp, ca.cnt, acked);
        return;
    }
    tcp_cong_avoid_ai(tp, tp.snd_cwnd, acked);
}

//! icsk_ca_ops->pkts_acked (bictcp_acked): CUBIC's minimum delay.
inline void tcp_ca_pkts_acked(tcp_sock& tp, long rtt_us) noexcept {
    if (!tcp_ca_is_cubic(tp) || rtt_us < 0)
        return;
    bictcp ca = cubic_load(tp);
    const auto d = static_cast<std::uint32_t>(rtt_us ? rtt_us : 1);
    if (ca.delay_min == 0 || ca.delay_min > d)
        ca.delay_min = d;
    cubic_store(tp, ca);
}

//! icsk_ca_ops->cwnd_event(CA_EVENT_TX_START) for CUBIC: after idle the
//! epoch moves on by the idle time, so the curve does not jump.
inline void tcp_ca_tx_start(tcp_sock& tp, std::uint32_t now) noexcept {
    if (!tcp_ca_is_cubic(tp))
        return;
    bictcp ca = cubic_load(tp);
    const std::int32_t delta = static_cast<std::int32_t>(now - tp.lsndtime);
    if (ca.epoch_start && delta > 0) {
        ca.epoch_start += static_cast<std::uint32_t>(delta);
        if (after(ca.epoch_start, now))
            ca.epoch_start = now;
        cubic_store(tp, ca);
    }
}

} // namespace ksock::inet
