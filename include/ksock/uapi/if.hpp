// ksock/uapi/if.hpp: a network interface's name length and flags
// (include/uapi/linux/if.h): what SIOCGIFFLAGS and `ip link` show.
#pragma once

namespace ksock {

//! IFNAMSIZ: an interface name, its terminating zero included.
inline constexpr unsigned ifnamsiz = 16;

// --- net_device_flags ---------------------------------------------------------
inline constexpr unsigned iff_up = 1u << 0;        //!< administratively up
inline constexpr unsigned iff_broadcast = 1u << 1; //!< broadcast address valid
inline constexpr unsigned iff_debug = 1u << 2;
inline constexpr unsigned iff_loopback = 1u << 3;
inline constexpr unsigned iff_pointopoint = 1u << 4;
inline constexpr unsigned iff_notrailers = 1u << 5;
inline constexpr unsigned iff_running = 1u << 6; //!< operationally up (RFC 2863)
inline constexpr unsigned iff_noarp = 1u << 7;   //!< no ARP protocol
inline constexpr unsigned iff_promisc = 1u << 8;
inline constexpr unsigned iff_allmulti = 1u << 9;
inline constexpr unsigned iff_multicast = 1u << 12;
inline constexpr unsigned iff_lower_up = 1u << 16; //!< the driver signals L1 up (carrier)
inline constexpr unsigned iff_dormant = 1u << 17;

} // namespace ksock
