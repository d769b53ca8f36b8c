// ksock/inet/ip/rtable.hpp: struct rtable (include/net/route.h), an IPv4
// route as a packet's sender uses it: what ip_route_output finds
// (route.hpp) and what a socket's cached route holds (dst_cache.hpp).
#pragma once

#include <cstdint>

namespace ksock::inet {

//! struct rtable, as far as a packet's sender needs it.
struct rtable {
    std::uint32_t saddr;   //!< the source address, network order
    std::uint32_t daddr;   //!< the destination address, network order
    bool broadcast;        //!< RTCF_BROADCAST (255.255.255.255 or a subnet's)
    bool multicast;        //!< RTCF_MULTICAST
    std::uint8_t type;     //!< RTN_LOCAL, RTN_BROADCAST, RTN_UNICAST, RTN_MULTICAST
    int oif;               //!< the device (lo for a local destination)
    std::uint32_t nexthop; //!< the gateway, or daddr on the link (rt_nexthop)
    unsigned mtu;          //!< dst_mtu: the device's MTU
};

} // namespace ksock::inet
