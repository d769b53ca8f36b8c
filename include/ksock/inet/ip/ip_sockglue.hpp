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

//! ip_setsockopt(): setsockopt(fd, SOL_IP, ...) on an AF_INET socket, and
//! where TCP, UDP and raw sockets send every level they do not own.
//! Another level is ENOPROTOOPT (getsockopt says EOPNOTSUPP instead).
inline int ip_setsockopt(ksock::socket& s, int level, int optname, const void* optval,
                         socklen_t optlen, const cred& cr) {
    sock& sk = *s.sk;
    inet_sock& inet = *inet_sk(&sk);
    int val = 0;

    if (level != sol_ip)
        return -enoprotoopt;

    // The small-int options read an int when there are 4 bytes, else one
    // unsigned byte; optlen 0 reads as 0 (some options reject it below).
    if (detail::ip_small_int_opt(optname)) {
        if (optlen >= sizeof(int)) {
            if (!ksock::detail::copy_from_user(&val, optval, sizeof(val)))
                return -efault;
        } else if (optlen >= 1) {
            unsigned char ucval = 0;
            if (!ksock::detail::copy_from_user(&ucval, optval, 1))
                return -efault;
            val = ucval;
        }
    }

    switch (optname) {
    case ip_pktinfo:
        inet_assign_bit(inet, inet_flags_pktinfo, val);
        return 0;
    case ip_recvttl:
        inet_assign_bit(inet, inet_flags_ttl, val);
        return 0;
    case ip_recvtos:
        inet_assign_bit(inet, inet_flags_tos, val);
        return 0;
    case ip_recvopts:
        inet_assign_bit(inet, inet_flags_recvopts, val);
        return 0;
    case ip_retopts:
        inet_assign_bit(inet, inet_flags_retopts, val);
        return 0;
    case ip_recverr:
        // (Turning it off also purges sk_error_queue; ksock queues nothing yet.)
        inet_assign_bit(inet, inet_flags_recverr, val);
        return 0;
    case ip_recverr_rfc4884:
        if (val < 0 || val > 1)
            return -einval;
        inet_assign_bit(inet, inet_flags_recverr_rfc4884, val);
        return 0;
    case ip_freebind:
        if (optlen < 1)
            return -einval;
        inet_assign_bit(inet, inet_flags_freebind, val);
        return 0;
    case ip_hdrincl:
        // Only a raw socket builds its own IP header.
        if (sk.sk_type != sock_raw)
            return -enoprotoopt;
        inet_assign_bit(inet, inet_flags_hdrincl, val);
        return 0;
    case ip_multicast_loop:
        if (optlen < 1)
            return -einval;
        inet_assign_bit(inet, inet_flags_mc_loop, val);
        return 0;
    case ip_multicast_all:
        if (optlen < 1)
            return -einval;
        if (val != 0 && val != 1)
            return -einval;
        inet_assign_bit(inet, inet_flags_mc_all, val);
        return 0;
    case ip_transparent:
        // The capability is checked before the length.
        if (val && !cr.has(cap_net_raw) && !cr.has(cap_net_admin))
            return -eperm;
        if (optlen < 1)
            return -einval;
        inet_assign_bit(inet, inet_flags_transparent, val);
        return 0;
    case ip_nodefrag:
        if (sk.sk_type != sock_raw)
            return -enoprotoopt;
        inet_assign_bit(inet, inet_flags_nodefrag, val);
        return 0;
    case ip_bind_address_no_port:
        inet_assign_bit(inet, inet_flags_bind_address_no_port, val);
        return 0;
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
        detail::ip_sock_set_tos(sk, val);
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
    if (!ksock::detail::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;

    switch (optname) {
    case ip_pktinfo:
        val = inet_test_bit(inet, inet_flags_pktinfo);
        break;
    case ip_recvttl:
        val = inet_test_bit(inet, inet_flags_ttl);
        break;
    case ip_recvtos:
        val = inet_test_bit(inet, inet_flags_tos);
        break;
    case ip_recvopts:
        val = inet_test_bit(inet, inet_flags_recvopts);
        break;
    case ip_retopts:
        val = inet_test_bit(inet, inet_flags_retopts);
        break;
    case ip_recverr:
        val = inet_test_bit(inet, inet_flags_recverr);
        break;
    case ip_recverr_rfc4884:
        val = inet_test_bit(inet, inet_flags_recverr_rfc4884);
        break;
    case ip_freebind:
        val = inet_test_bit(inet, inet_flags_freebind);
        break;
    case ip_hdrincl:
        // Readable on every socket (0 unless raw): only setting is raw-only.
        val = inet_test_bit(inet, inet_flags_hdrincl);
        break;
    case ip_multicast_loop:
        val = inet_test_bit(inet, inet_flags_mc_loop);
        break;
    case ip_multicast_all:
        val = inet_test_bit(inet, inet_flags_mc_all);
        break;
    case ip_transparent:
        val = inet_test_bit(inet, inet_flags_transparent);
        break;
    case ip_nodefrag:
        val = inet_test_bit(inet, inet_flags_nodefrag);
        break;
    case ip_bind_address_no_port:
        val = inet_test_bit(inet, inet_flags_bind_address_no_port);
        break;
    case ip_ttl:
        val = inet.uc_ttl;
        if (val < 0)
            val = ns.sysctl.ip_default_ttl;
        break;
    case ip_minttl:
        val = inet.min_ttl;
        break;
    case ip_multicast_ttl:
        val = inet.mc_ttl;
        break;
    case ip_mtu_discover:
        val = inet.pmtudisc;
        break;
    case ip_tos:
        val = inet.tos;
        break;
    case ip_mtu:
        // The path MTU of the cached route (dst4_mtu). ksock has no routes
        // yet, so this is always what an unconnected socket gets.
        return -enotconn;
    case ip_local_port_range:
        val = static_cast<int>(inet.local_port_range);
        break;
    default:
        return -enoprotoopt;
    }

    // copyval: a buffer shorter than an int gets one byte when the value
    // fits in one, else the int truncated to the buffer.
    if (len < static_cast<int>(sizeof(int)) && len > 0 && val >= 0 && val <= 255) {
        const auto ucval = static_cast<unsigned char>(val);
        return ksock::detail::put_len_then_value(optlen, 1, optval, &ucval);
    }
    if (len > static_cast<int>(sizeof(int)))
        len = sizeof(int);
    return ksock::detail::put_len_then_value(optlen, len, optval, &val);
}

} // namespace ksock::inet
