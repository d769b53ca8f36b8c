// ksock/inet/ip/route.hpp: the routes of a namespace whose only device is lo
// (net/ipv4/route.c): ip_route_output and its per-socket form, lo's MTU and
// the advertised MSS its routes carry (ipv4_default_advmss).
#pragma once

#include <cstdint>

#include <ksock/inet/af_inet.hpp>
#include <ksock/inet/inet_sock.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock::inet {

constexpr std::uint32_t htonl_loopback() noexcept {
    return ksock::cpu_to_be32(inaddr_loopback);
}

//! lo's MTU (loopback_setup: 64 KiB), the dst_mtu of every route.
inline constexpr std::uint32_t lo_mtu = 64 * 1024;

//! ipv4_default_advmss: the MSS a route lets TCP advertise, the MTU less
//! the IPv4 and TCP headers, at most IPV4_MAX_PMTU (65535) less them: 65495
//! on lo.
constexpr std::uint16_t ipv4_default_advmss(std::uint32_t mtu) noexcept {
    constexpr std::uint32_t header_size = 20 + 20;
    constexpr std::uint32_t max = 65535 - header_size;
    const std::uint32_t advmss = mtu - header_size;
    return static_cast<std::uint16_t>(advmss < max ? advmss : max);
}

//! The route ip_route_output_flow finds in a namespace whose only device
//! is lo.
struct rtable {
    std::uint32_t saddr;
    std::uint32_t daddr;
    bool broadcast; //!< RTCF_BROADCAST
};

//! ip_route_output: 0.0.0.0 is the source address or 127.0.0.1 (Linux maps
//! INADDR_ANY to loopback), 127.0.0.0/8 is local with preferred source
//! 127.0.0.1, 127.255.255.255 is lo's broadcast route (the same source),
//! every other destination (other unicast, multicast, 255.255.255.255) has
//! no route: ENETUNREACH.
constexpr int ip_route_output(std::uint32_t daddr, std::uint32_t saddr, rtable& rt) noexcept {
    rt = {saddr, daddr, false};
    if (!daddr) {
        rt.daddr = saddr ? saddr : htonl_loopback();
        if (!rt.saddr)
            rt.saddr = rt.daddr;
        return 0;
    }
    // Every address of 127.0.0.0/8 is lo's, local or its broadcast.
    if ((ksock::be32_to_cpu(daddr) >> 24) != 127)
        return -enetunreach;
    rt.broadcast = daddr == lo_broadcast();
    if (!rt.saddr)
        rt.saddr = htonl_loopback();
    return 0;
}

//! ip_route_output_flow for a socket's datagram to \p daddr (from its source
//! address), with the check every sender makes of the route it gets
//! (udp_sendmsg, raw_sendmsg, ping_v4_sendmsg, __ip4_datagram_connect):
//! lo's broadcast needs SO_BROADCAST, else EACCES.
inline int ip_route_output_flow(const sock& sk, std::uint32_t daddr, rtable& rt) noexcept {
    if (const int err = ip_route_output(daddr, inet_sk(&sk)->inet_saddr, rt))
        return err;
    if (rt.broadcast && !sock_flag(sk, sock_broadcast))
        return -eacces;
    return 0;
}

} // namespace ksock::inet
