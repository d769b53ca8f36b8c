// test/differential/packet/ksock_sysctl.hpp: a script's `sysctl NAME = VALUE`
// on ksock's side. net.ipv4.X is the field X of ksock's ipv4_sysctl
// (inet/netns_ipv4.hpp), net.core.X the field X of its net_core_sysctl
// (runtime/net.hpp): the same leaf names and units as /proc/sys.
//
// Each of Linux 6.18's names is looked up in ksock's structs at compile
// time (a requires-expression per name), so a knob ksock gains later is
// picked up by the next build without touching this file. A name ksock does
// not have is accepted only at Linux's default value, the behaviour ksock
// models; any other value makes the script unrunnable on ksock, with the
// name in the reason: a script that tunes a behaviour ksock cannot be
// switched to must not pass by accident (and one that sets the default
// still fails, visibly, where ksock differs from that default).
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

//! A knob ksock does not have: ksock behaves as that knob at \p fixed
//! (Linux 6.18's default, the behaviour ksock models, unless the table
//! says why not; null when the default depends on the machine). A script
//! that sets that value asks for what ksock does, and runs; any other value
//! asks for a behaviour ksock cannot be switched to: unrunnable.
inline std::string absent(const std::string& name, const std::string& v = "",
                          const char* fixed = nullptr) {
    std::vector<long long> want, have;
    if (fixed && parse_ints(v, want) && parse_ints(fixed, have) && want == have)
        return "";
    return "ksock has no sysctl " + name +
           (fixed ? std::string(" (it behaves as ") + fixed + "; the script sets " + v + ")"
                  : std::string(" (a behaviour it does not model or tune)"));
}

// One line per Linux name and the value ksock behaves as: when ksock's
// struct has a field of that name it is written, else absent() decides. A macro because a
// member's name cannot be passed to a template.
#define KSOCK_PKT_SYSCTL(leaf, behaves_as)                                                         \
    if (key == #leaf) {                                                                            \
        if constexpr (requires { s.leaf; })                                                        \
            return assign(s.leaf, name, v);                                                        \
        else                                                                                       \
            return absent(name, v, behaves_as);                                                    \
    }

//! net.ipv4.\p key of ksock's ipv4_sysctl \p s. The congestion control is
//! the caller's (a name, checked against the algorithms ksock has).
template <class S>
std::string set_ipv4(S& s, const std::string& name, const std::string& key, const std::string& v) {
    KSOCK_PKT_SYSCTL(tcp_abort_on_overflow, "0")
    KSOCK_PKT_SYSCTL(tcp_adv_win_scale, "1")
    KSOCK_PKT_SYSCTL(tcp_app_win, "31")
    KSOCK_PKT_SYSCTL(tcp_autocorking, "1")
    KSOCK_PKT_SYSCTL(tcp_backlog_ack_defer, "1")
    KSOCK_PKT_SYSCTL(tcp_base_mss, "1024")
    KSOCK_PKT_SYSCTL(tcp_challenge_ack_limit, "2147483647")
    KSOCK_PKT_SYSCTL(tcp_comp_sack_delay_ns, "1000000")
    KSOCK_PKT_SYSCTL(tcp_comp_sack_nr, "44")
    KSOCK_PKT_SYSCTL(tcp_comp_sack_slack_ns, "100000")
    KSOCK_PKT_SYSCTL(tcp_dsack, "1")
    KSOCK_PKT_SYSCTL(tcp_early_retrans, "3")
    KSOCK_PKT_SYSCTL(tcp_ecn, "2")
    KSOCK_PKT_SYSCTL(tcp_ecn_fallback, "1")
    KSOCK_PKT_SYSCTL(tcp_fack, "0")
    // Not Linux's default (1, the client side on): ksock has no Fast Open,
    // neither side, which is what 0 asks.
    KSOCK_PKT_SYSCTL(tcp_fastopen, "0")
    KSOCK_PKT_SYSCTL(tcp_fin_timeout, "60")
    KSOCK_PKT_SYSCTL(tcp_frto, "2")
    KSOCK_PKT_SYSCTL(tcp_invalid_ratelimit, "500")
    KSOCK_PKT_SYSCTL(tcp_keepalive_intvl, "75")
    KSOCK_PKT_SYSCTL(tcp_keepalive_probes, "9")
    KSOCK_PKT_SYSCTL(tcp_keepalive_time, "7200")
    KSOCK_PKT_SYSCTL(tcp_limit_output_bytes, "4194304")
    KSOCK_PKT_SYSCTL(tcp_max_reordering, "300")
    KSOCK_PKT_SYSCTL(tcp_max_syn_backlog, nullptr)
    KSOCK_PKT_SYSCTL(tcp_max_tw_buckets, nullptr)
    KSOCK_PKT_SYSCTL(tcp_min_rtt_wlen, "300")
    KSOCK_PKT_SYSCTL(tcp_min_snd_mss, "48")
    KSOCK_PKT_SYSCTL(tcp_min_tso_segs, "2")
    KSOCK_PKT_SYSCTL(tcp_moderate_rcvbuf, "1")
    KSOCK_PKT_SYSCTL(tcp_mtu_probe_floor, "48")
    KSOCK_PKT_SYSCTL(tcp_mtu_probing, "0")
    KSOCK_PKT_SYSCTL(tcp_no_metrics_save, "0")
    KSOCK_PKT_SYSCTL(tcp_no_ssthresh_metrics_save, "1")
    KSOCK_PKT_SYSCTL(tcp_notsent_lowat, "4294967295")
    KSOCK_PKT_SYSCTL(tcp_orphan_retries, "0")
    KSOCK_PKT_SYSCTL(tcp_pacing_ca_ratio, "120")
    KSOCK_PKT_SYSCTL(tcp_pacing_ss_ratio, "200")
    KSOCK_PKT_SYSCTL(tcp_pingpong_thresh, "1")
    KSOCK_PKT_SYSCTL(tcp_probe_interval, "600")
    KSOCK_PKT_SYSCTL(tcp_probe_threshold, "8")
    KSOCK_PKT_SYSCTL(tcp_recovery, "1")
    KSOCK_PKT_SYSCTL(tcp_reflect_tos, "0")
    KSOCK_PKT_SYSCTL(tcp_reordering, "3")
    KSOCK_PKT_SYSCTL(tcp_retrans_collapse, "1")
    KSOCK_PKT_SYSCTL(tcp_retries1, "3")
    KSOCK_PKT_SYSCTL(tcp_retries2, "15")
    KSOCK_PKT_SYSCTL(tcp_rfc1337, "0")
    KSOCK_PKT_SYSCTL(tcp_rmem, "4096 131072 6291456")
    KSOCK_PKT_SYSCTL(tcp_rto_max_ms, "120000")
    KSOCK_PKT_SYSCTL(tcp_rto_min_us, "200000")
    KSOCK_PKT_SYSCTL(tcp_sack, "1")
    KSOCK_PKT_SYSCTL(tcp_shrink_window, "0")
    KSOCK_PKT_SYSCTL(tcp_slow_start_after_idle, "1")
    KSOCK_PKT_SYSCTL(tcp_stdurg, "0")
    KSOCK_PKT_SYSCTL(tcp_syn_linear_timeouts, "4")
    KSOCK_PKT_SYSCTL(tcp_syn_retries, "6")
    KSOCK_PKT_SYSCTL(tcp_synack_retries, "5")
    KSOCK_PKT_SYSCTL(tcp_syncookies, "1")
    KSOCK_PKT_SYSCTL(tcp_thin_linear_timeouts, "0")
    KSOCK_PKT_SYSCTL(tcp_timestamps, "1")
    KSOCK_PKT_SYSCTL(tcp_tso_rtt_log, "9")
    KSOCK_PKT_SYSCTL(tcp_tso_win_divisor, "3")
    KSOCK_PKT_SYSCTL(tcp_tw_reuse, "2")
    KSOCK_PKT_SYSCTL(tcp_tw_reuse_delay, "1000")
    KSOCK_PKT_SYSCTL(tcp_window_scaling, "1")
    KSOCK_PKT_SYSCTL(tcp_wmem, "4096 16384 4194304")
    KSOCK_PKT_SYSCTL(tcp_workaround_signed_windows, "0")
    KSOCK_PKT_SYSCTL(ip_default_ttl, "64")
    KSOCK_PKT_SYSCTL(ip_no_pmtu_disc, "0")
    KSOCK_PKT_SYSCTL(ip_local_port_range, "32768 60999")
    KSOCK_PKT_SYSCTL(ip_unprivileged_port_start, "1024")
    KSOCK_PKT_SYSCTL(ip_nonlocal_bind, "0")
    KSOCK_PKT_SYSCTL(icmp_echo_ignore_all, "0")
    KSOCK_PKT_SYSCTL(icmp_echo_ignore_broadcasts, "1")
    KSOCK_PKT_SYSCTL(ipfrag_time, "30")
    return absent(name);
}

//! net.core.\p key of ksock's net_core_sysctl \p s.
template <class S>
std::string set_core(S& s, const std::string& name, const std::string& key, const std::string& v) {
    KSOCK_PKT_SYSCTL(busy_poll, nullptr)
    KSOCK_PKT_SYSCTL(busy_read, nullptr)
    KSOCK_PKT_SYSCTL(dev_weight, nullptr)
    KSOCK_PKT_SYSCTL(netdev_budget, nullptr)
    KSOCK_PKT_SYSCTL(netdev_max_backlog, nullptr)
    KSOCK_PKT_SYSCTL(optmem_max, "131072")
    KSOCK_PKT_SYSCTL(rmem_default, "212992")
    KSOCK_PKT_SYSCTL(rmem_max, nullptr)
    KSOCK_PKT_SYSCTL(somaxconn, "4096")
    KSOCK_PKT_SYSCTL(tstamp_allow_data, "1")
    KSOCK_PKT_SYSCTL(txrehash, "1")
    KSOCK_PKT_SYSCTL(wmem_default, "212992")
    KSOCK_PKT_SYSCTL(wmem_max, nullptr)
    return absent(name);
}

#undef KSOCK_PKT_SYSCTL

} // namespace ksock_packet::ksock_sysctl
