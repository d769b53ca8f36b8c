// ksock/inet/ip/ip_sockglue.hpp: the SOL_IP options of every AF_INET socket,
// Linux 6.18's ip_getsockopt / ip_setsockopt (net/ipv4/ip_sockglue.c).
#pragma once

#include <cstdint>

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/runtime/net.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

namespace detail {

//! ip_tos2prio[]: the packet priority a TOS value implies (net/ipv4/route.c),
//! indexed by IPTOS_TOS(tos) >> 1.
inline constexpr std::uint8_t ip_tos2prio[16] = {0, 0, 0, 0, 2, 2, 2, 2, 6, 6, 6, 6, 4, 4, 4, 4};
inline constexpr int inet_ecn_mask = 3;

constexpr std::uint32_t rt_tos2priority(std::uint8_t tos) noexcept {
    return ip_tos2prio[(tos & iptos_tos_mask) >> 1];
}

//! __ip_sock_set_tos(): a stream socket keeps its ECN bits (TCP owns them).
//! Setting the TOS also sets SO_PRIORITY, but only when the TOS changes.
inline void ip_sock_set_tos(sock& sk, int val) noexcept {
    inet_sock& inet = *inet_sk(&sk);
    const std::uint8_t old_tos = inet.tos;
    if (sk.sk_type == sock_stream) {
        val &= ~inet_ecn_mask;
        val |= old_tos & inet_ecn_mask;
    }
    if (old_tos != val) {
        inet.tos = static_cast<std::uint8_t>(val);
        sk.sk_priority = rt_tos2priority(static_cast<std::uint8_t>(val));
        ksock::detail::sk_dst_reset(sk);
    }
}

//! The int-valued options that also accept a 1-byte optval.
constexpr bool ip_small_int_opt(int optname) noexcept {
    switch (optname) {
    case ip_pktinfo:
    case ip_recvttl:
    case ip_recvopts:
    case ip_recvtos:
    case ip_retopts:
    case ip_tos:
    case ip_ttl:
    case ip_hdrincl:
    case ip_mtu_discover:
    case ip_recverr:
    case ip_freebind:
    case ip_transparent:
    case ip_minttl:
    case ip_nodefrag:
    case ip_bind_address_no_port:
    case ip_multicast_ttl:
    case ip_multicast_all:
    case ip_multicast_loop:
    case ip_recverr_rfc4884:
    case ip_local_port_range:
        return true;
    default:
        return false;
    }
}

} // namespace detail

namespace detail {

//! What setting an inet_flags option asks beyond its bit (bits of
//! ip_flag_opt::rules), each refused as Linux's do_ip_setsockopt does.
enum ip_flag_rule : unsigned {
    ip_rule_cap_net = 1,     //!< setting it needs CAP_NET_RAW or CAP_NET_ADMIN: EPERM
    ip_rule_raw_only = 2,    //!< another socket type: ENOPROTOOPT
    ip_rule_needs_len = 4,   //!< optlen 0: EINVAL
    ip_rule_zero_or_one = 8, //!< a value other than 0 and 1: EINVAL
};

//! An IP option that is one bit of inet_flags: its name, its bit, and
//! its rules (ip_flag_rule bits).
struct ip_flag_opt {
    int optname;
    inet_flags_bit bit;
    unsigned rules;
};

//! The options Linux 6.x handles with inet_assign_bit / inet_test_bit,
//! set and got alike. IP_HDRINCL and IP_NODEFRAG are readable on every
//! socket (0 unless raw): only setting them is raw-only, because only a raw
//! socket builds its own IP header. Turning IP_RECVERR off also purges
//! sk_error_queue, where ksock queues nothing yet.
inline constexpr ip_flag_opt ip_flag_opts[] = {
    {ip_pktinfo, inet_flags_pktinfo, 0},
    {ip_recvttl, inet_flags_ttl, 0},
    {ip_recvtos, inet_flags_tos, 0},
    {ip_recvopts, inet_flags_recvopts, 0},
    {ip_retopts, inet_flags_retopts, 0},
    {ip_recverr, inet_flags_recverr, 0},
    {ip_recverr_rfc4884, inet_flags_recverr_rfc4884, ip_rule_zero_or_one},
    {ip_freebind, inet_flags_freebind, ip_rule_needs_len},
    {ip_hdrincl, inet_flags_hdrincl, ip_rule_raw_only},
    {ip_multicast_loop, inet_flags_mc_loop, ip_rule_needs_len},
    {ip_multicast_all, inet_flags_mc_all, ip_rule_needs_len | ip_rule_zero_or_one},
    {ip_transparent, inet_flags_transparent, ip_rule_cap_net | ip_rule_needs_len},
    {ip_nodefrag, inet_flags_nodefrag, ip_rule_raw_only},
    {ip_bind_address_no_port, inet_flags_bind_address_no_port, 0},
};

//! The flag option named \p optname, or null.
constexpr const ip_flag_opt* ip_flag_opt_find(int optname) noexcept {
    for (const ip_flag_opt& o : ip_flag_opts)
        if (o.optname == optname)
            return &o;
    return nullptr;
}

//! do_ip_setsockopt's reading of the value: the small-int options read an
//! int when there are 4 bytes, else one unsigned byte; optlen 0 reads as 0
//! (some options reject it later). Every other option reads nothing here.
inline int ip_setsockopt_val(int optname, const void* optval, socklen_t optlen, int& val) {
    val = 0;
    if (!ip_small_int_opt(optname))
        return 0;
    if (optlen >= sizeof(int)) {
        if (!ksock::copy_from_user(&val, optval, sizeof(val)))
            return -efault;
    } else if (optlen >= 1) {
        unsigned char ucval = 0;
        if (!ksock::copy_from_user(&ucval, optval, 1))
            return -efault;
        val = ucval;
    }
    return 0;
}

//! Setting a flag option: its rules in Linux's order (IP_TRANSPARENT's
//! capability before its length), then the bit.
inline int ip_set_flag_opt(sock& sk, const ip_flag_opt& o, int val, socklen_t optlen,
                           const cred& cr) noexcept {
    if ((o.rules & ip_rule_cap_net) && val && !cr.has(cap_net_raw) && !cr.has(cap_net_admin))
        return -eperm;
    if ((o.rules & ip_rule_raw_only) && sk.sk_type != sock_raw)
        return -enoprotoopt;
    if ((o.rules & ip_rule_needs_len) && optlen < 1)
        return -einval;
    if ((o.rules & ip_rule_zero_or_one) && val != 0 && val != 1)
        return -einval;
    inet_assign_bit(*inet_sk(&sk), o.bit, val);
    return 0;
}

//! Setting one of the options that hold a number (TTLs, PMTU discovery,
//! TOS, the local port range), each with its range check.
inline int ip_set_value_opt(sock& sk, int optname, int val, socklen_t optlen) noexcept {
    inet_sock& inet = *inet_sk(&sk);
    switch (optname) {
    case ip_ttl:
        // -1 restores "use net.ipv4.ip_default_ttl".
        if (optlen < 1)
            return -einval;
        if (val != -1 && (val < 1 || val > 255))
            return -einval;
        inet.uc_ttl = static_cast<std::int16_t>(val);
        return 0;
    case ip_minttl:
        if (optlen < 1)
            return -einval;
        if (val < 0 || val > 255)
            return -einval;
        inet.min_ttl = static_cast<std::uint8_t>(val);
        return 0;
    case ip_multicast_ttl:
        // Checked before the length: TCP never sends multicast.
        if (sk.sk_type == sock_stream)
            return -einval;
        if (optlen < 1)
            return -einval;
        if (val == -1)
            val = 1;
        if (val < 0 || val > 255)
            return -einval;
        inet.mc_ttl = static_cast<std::uint8_t>(val);
        return 0;
    case ip_mtu_discover:
        // ip_sock_set_mtu_discover(): IP_PMTUDISC_DONT .. IP_PMTUDISC_OMIT.
        if (val < ip_pmtudisc_dont || val > ip_pmtudisc_omit)
            return -einval;
        inet.pmtudisc = static_cast<std::uint8_t>(val);
        return 0;
    case ip_tos:
        // No length check at all: optlen 0 sets TOS 0.
        ip_sock_set_tos(sk, val);
        return 0;
    case ip_local_port_range: {
        const auto lo = static_cast<std::uint16_t>(val);
        const auto hi = static_cast<std::uint16_t>(static_cast<std::uint32_t>(val) >> 16);
        if (optlen != sizeof(std::uint32_t))
            return -einval;
        if (lo != 0 && hi != 0 && lo > hi)
            return -einval;
        inet.local_port_range = static_cast<std::uint32_t>(val);
        return 0;
    }
    default:
        // Everything else, IP_MTU (read-only) included. (With netfilter,
        // Linux offers unknown names to nf_setsockopt, which has nothing
        // registered for them either.)
        return -enoprotoopt;
    }
}

//! The number an option holds that is not a flag (ip_getsockopt's switch
//! past the flags); false for a name ip_getsockopt does not know.
inline bool ip_get_value_opt(const inet_sock& inet, int optname, const netns_ipv4& ns,
                             int& val) noexcept {
    switch (optname) {
    case ip_ttl:
        val = inet.uc_ttl;
        if (val < 0)
            val = ns.sysctl.ip_default_ttl;
        return true;
    case ip_minttl:
        val = inet.min_ttl;
        return true;
    case ip_multicast_ttl:
        val = inet.mc_ttl;
        return true;
    case ip_mtu_discover:
        val = inet.pmtudisc;
        return true;
    case ip_tos:
        val = inet.tos;
        return true;
    case ip_local_port_range:
        val = static_cast<int>(inet.local_port_range);
        return true;
    default:
        return false;
    }
}

} // namespace detail

//! ip_setsockopt(): setsockopt(fd, SOL_IP, ...) on an AF_INET socket, and
//! where TCP, UDP and raw sockets send every level they do not own.
//! Another level is ENOPROTOOPT (getsockopt says EOPNOTSUPP instead).
inline int ip_setsockopt(ksock::socket& s, int level, int optname, const void* optval,
                         socklen_t optlen, const cred& cr) {
    if (level != sol_ip)
        return -enoprotoopt;
    int val = 0;
    if (const int err = detail::ip_setsockopt_val(optname, optval, optlen, val))
        return err;
    if (const detail::ip_flag_opt* o = detail::ip_flag_opt_find(optname))
        return detail::ip_set_flag_opt(*s.sk, *o, val, optlen, cr);
    return detail::ip_set_value_opt(*s.sk, optname, val, optlen);
}

//! ip_getsockopt(): getsockopt(fd, SOL_IP, ...) on an AF_INET socket.
//! Another level is EOPNOTSUPP, checked before *optlen is read.
inline int ip_getsockopt(ksock::socket& s, int level, int optname, void* optval, socklen_t* optlen,
                         [[maybe_unused]] const cred& cr, const netns_ipv4& ns) {
    sock& sk = *s.sk;
    const inet_sock& inet = *inet_sk(&sk);
    int val = 0;
    int len = 0;

    if (level != sol_ip)
        return -eopnotsupp;
    if (!ksock::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;

    if (const detail::ip_flag_opt* o = detail::ip_flag_opt_find(optname)) {
        val = inet_test_bit(inet, o->bit);
    } else if (optname == ip_mtu) {
        // The path MTU of the cached route (dst4_mtu). ksock has no routes
        // yet, so this is always what an unconnected socket gets.
        return -enotconn;
    } else if (!detail::ip_get_value_opt(inet, optname, ns, val)) {
        return -enoprotoopt;
    }

    // copyval: a buffer shorter than an int gets one byte when the value
    // fits in one, else the int truncated to the buffer.
    if (len < static_cast<int>(sizeof(int)) && len > 0 && val >= 0 && val <= 255) {
        const auto ucval = static_cast<unsigned char>(val);
        return ksock::put_len_then_value(optlen, 1, optval, &ucval);
    }
    if (len > static_cast<int>(sizeof(int)))
        len = sizeof(int);
    return ksock::put_len_then_value(optlen, len, optval, &val);
}

} // namespace ksock::inet
