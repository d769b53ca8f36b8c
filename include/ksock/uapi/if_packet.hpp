// ksock/uapi/if_packet.hpp: the classes of a received frame (skb->pkt_type,
// include/uapi/linux/if_packet.h PACKET_*).
#pragma once

#include <cstdint>

namespace ksock {

inline constexpr std::uint8_t packet_host = 0;      //!< to us
inline constexpr std::uint8_t packet_broadcast = 1; //!< to all
inline constexpr std::uint8_t packet_multicast = 2; //!< to a group
inline constexpr std::uint8_t packet_otherhost = 3; //!< to someone else
inline constexpr std::uint8_t packet_outgoing = 4;  //!< outgoing of any type
inline constexpr std::uint8_t packet_loopback = 5;  //!< MC/BRD frame looped back

} // namespace ksock
