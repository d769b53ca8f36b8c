// test/differential/packet/ksock_sysctl.hpp: a script's `sysctl NAME = VALUE`
// on ksock's side. net.ipv4.X is the field X of ksock's ipv4_sysctl
// (inet/netns_ipv4.hpp), net.core.X the field X of its net_core_sysctl
// (runtime/net.hpp): the same leaf names and units as /proc/sys.
//
// Each of Linux 6.18's names is looked up in ksock's structs at compile
// time (a requires-expression per name), so a knob ksock gains later is
// picked up by the next build without touching this file. A name ksock does
// not have makes the script unrunnable on ksock, with the name in the
// reason: a script that tunes a behaviour ksock does not model must not
// pass by accident.
#pragma once

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace ksock_packet::ksock_sysctl {

//! The integers of a value ("4096 131072 6291456"), or nothing when a word
//! is not an integer.
inline bool parse_ints(const std::string& v, std::vector<long long>& out) {
    const char* p = v.data();
    const char* end = p + v.size();
    for (;;) {
        while (p < end && (*p == ' ' || *p == '\t'))
            ++p;
        if (p == end)
            return !out.empty();
        long long x = 0;
        const auto r = std::from_chars(p, end, x);
        if (r.ec != std::errc{})
            return false;
        out.push_back(x);
        p = r.ptr;
    }
}

//! Writes \p v into an integer field or an array of them (tcp_rmem's
//! three): "" or why not.
template <class T>
std::string assign(T& field, const std::string& name, const std::string& v) {
    std::vector<long long> xs;
    if (!parse_ints(v, xs))
        return name + " = " + v + ": not an integer value";
    using elem = std::remove_all_extents_t<T>;
    static_assert(std::is_integral_v<elem>, "ksock_sysctl::assign: an integer sysctl field");
    constexpr std::size_t n = std::is_array_v<T> ? std::extent_v<T> : 1;
    if (xs.size() != n)
        return name + " = " + v + ": ksock's field takes " + std::to_string(n) + " value(s)";
    elem* out = reinterpret_cast<elem*>(&field);
    for (std::size_t i = 0; i < n; ++i) {
        if (xs[i] < static_cast<long long>(std::numeric_limits<elem>::min()) ||
            static_cast<unsigned long long>(xs[i]) >
                static_cast<unsigned long long>(std::numeric_limits<elem>::max()))
            return name + " = " + v + ": out of the field's range";
        out[i] = static_cast<elem>(xs[i]);
    }
    return "";
}

inline std::string absent(const std::string& name) {
    return "ksock has no sysctl " + name + " (a behaviour it does not model or tune)";
}

// One line per Linux name: when ksock's struct has a field of that name it is
// written, else the script is unrunnable. A macro because a member's name
// cannot be passed to a template.
#define KSOCK_PKT_SYSCTL(leaf)                                                                     \
    if (key == #leaf) {                                                                            \
        if constexpr (requires { s.leaf; })                                                        \
            return assign(s.leaf, name, v);                                                        \
        else                                                                                       \
            return absent(name);                                                                   \
    }

//! net.ipv4.\p key of ksock's ipv4_sysctl \p s. The congestion control is
//! the caller's (a name, checked against the algorithms ksock has).
template <class S>
std::string set_ipv4(S& s, const std::string& name, const std::string& key, const std::string& v) {
    KSOCK_PKT_SYSCTL(tcp_abort_on_overflow)
    KSOCK_PKT_SYSCTL(tcp_adv_win_scale)
    KSOCK_PKT_SYSCTL(tcp_app_win)
    KSOCK_PKT_SYSCTL(tcp_autocorking)
    KSOCK_PKT_SYSCTL(tcp_backlog_ack_defer)
    KSOCK_PKT_SYSCTL(tcp_base_mss)
    KSOCK_PKT_SYSCTL(tcp_challenge_ack_limit)
    KSOCK_PKT_SYSCTL(tcp_comp_sack_delay_ns)
    KSOCK_PKT_SYSCTL(tcp_comp_sack_nr)
    KSOCK_PKT_SYSCTL(tcp_comp_sack_slack_ns)
    KSOCK_PKT_SYSCTL(tcp_dsack)
    KSOCK_PKT_SYSCTL(tcp_early_retrans)
    KSOCK_PKT_SYSCTL(tcp_ecn)
    KSOCK_PKT_SYSCTL(tcp_ecn_fallback)
    KSOCK_PKT_SYSCTL(tcp_fack)
    KSOCK_PKT_SYSCTL(tcp_fastopen)
    KSOCK_PKT_SYSCTL(tcp_fin_timeout)
    KSOCK_PKT_SYSCTL(tcp_frto)
    KSOCK_PKT_SYSCTL(tcp_invalid_ratelimit)
    KSOCK_PKT_SYSCTL(tcp_keepalive_intvl)
    KSOCK_PKT_SYSCTL(tcp_keepalive_probes)
    KSOCK_PKT_SYSCTL(tcp_keepalive_time)
    KSOCK_PKT_SYSCTL(tcp_limit_output_bytes)
    KSOCK_PKT_SYSCTL(tcp_max_reordering)
    KSOCK_PKT_SYSCTL(tcp_max_syn_backlog)
    KSOCK_PKT_SYSCTL(tcp_max_tw_buckets)
    KSOCK_PKT_SYSCTL(tcp_min_rtt_wlen)
    KSOCK_PKT_SYSCTL(tcp_min_snd_mss)
    KSOCK_PKT_SYSCTL(tcp_min_tso_segs)
    KSOCK_PKT_SYSCTL(tcp_moderate_rcvbuf)
    KSOCK_PKT_SYSCTL(tcp_mtu_probe_floor)
    KSOCK_PKT_SYSCTL(tcp_mtu_probing)
    KSOCK_PKT_SYSCTL(tcp_no_metrics_save)
    KSOCK_PKT_SYSCTL(tcp_no_ssthresh_metrics_save)
    KSOCK_PKT_SYSCTL(tcp_notsent_lowat)
    KSOCK_PKT_SYSCTL(tcp_orphan_retries)
    KSOCK_PKT_SYSCTL(tcp_pacing_ca_ratio)
    KSOCK_PKT_SYSCTL(tcp_pacing_ss_ratio)
    KSOCK_PKT_SYSCTL(tcp_pingpong_thresh)
    KSOCK_PKT_SYSCTL(tcp_probe_interval)
    KSOCK_PKT_SYSCTL(tcp_probe_threshold)
    KSOCK_PKT_SYSCTL(tcp_recovery)
    KSOCK_PKT_SYSCTL(tcp_reflect_tos)
    KSOCK_PKT_SYSCTL(tcp_reordering)
    KSOCK_PKT_SYSCTL(tcp_retrans_collapse)
    KSOCK_PKT_SYSCTL(tcp_retries1)
    KSOCK_PKT_SYSCTL(tcp_retries2)
    KSOCK_PKT_SYSCTL(tcp_rfc1337)
    KSOCK_PKT_SYSCTL(tcp_rmem)
    KSOCK_PKT_SYSCTL(tcp_rto_max_ms)
    KSOCK_PKT_SYSCTL(tcp_rto_min_us)
    KSOCK_PKT_SYSCTL(tcp_sack)
    KSOCK_PKT_SYSCTL(tcp_shrink_window)
    KSOCK_PKT_SYSCTL(tcp_slow_start_after_idle)
    KSOCK_PKT_SYSCTL(tcp_stdurg)
    KSOCK_PKT_SYSCTL(tcp_syn_linear_timeouts)
    KSOCK_PKT_SYSCTL(tcp_syn_retries)
    KSOCK_PKT_SYSCTL(tcp_synack_retries)
    KSOCK_PKT_SYSCTL(tcp_syncookies)
    KSOCK_PKT_SYSCTL(tcp_thin_linear_timeouts)
    KSOCK_PKT_SYSCTL(tcp_timestamps)
    KSOCK_PKT_SYSCTL(tcp_tso_rtt_log)
    KSOCK_PKT_SYSCTL(tcp_tso_win_divisor)
    KSOCK_PKT_SYSCTL(tcp_tw_reuse)
    KSOCK_PKT_SYSCTL(tcp_tw_reuse_delay)
    KSOCK_PKT_SYSCTL(tcp_window_scaling)
    KSOCK_PKT_SYSCTL(tcp_wmem)
    KSOCK_PKT_SYSCTL(tcp_workaround_signed_windows)
    KSOCK_PKT_SYSCTL(ip_default_ttl)
    KSOCK_PKT_SYSCTL(ip_no_pmtu_disc)
    KSOCK_PKT_SYSCTL(ip_local_port_range)
    KSOCK_PKT_SYSCTL(ip_unprivileged_port_start)
    KSOCK_PKT_SYSCTL(ip_nonlocal_bind)
    KSOCK_PKT_SYSCTL(icmp_echo_ignore_all)
    KSOCK_PKT_SYSCTL(icmp_echo_ignore_broadcasts)
    KSOCK_PKT_SYSCTL(ipfrag_time)
    return absent(name);
}

//! net.core.\p key of ksock's net_core_sysctl \p s.
template <class S>
std::string set_core(S& s, const std::string& name, const std::string& key, const std::string& v) {
    KSOCK_PKT_SYSCTL(busy_poll)
    KSOCK_PKT_SYSCTL(busy_read)
    KSOCK_PKT_SYSCTL(dev_weight)
    KSOCK_PKT_SYSCTL(netdev_budget)
    KSOCK_PKT_SYSCTL(netdev_max_backlog)
    KSOCK_PKT_SYSCTL(optmem_max)
    KSOCK_PKT_SYSCTL(rmem_default)
    KSOCK_PKT_SYSCTL(rmem_max)
    KSOCK_PKT_SYSCTL(somaxconn)
    KSOCK_PKT_SYSCTL(tstamp_allow_data)
    KSOCK_PKT_SYSCTL(txrehash)
    KSOCK_PKT_SYSCTL(wmem_default)
    KSOCK_PKT_SYSCTL(wmem_max)
    return absent(name);
}

#undef KSOCK_PKT_SYSCTL

} // namespace ksock_packet::ksock_sysctl
