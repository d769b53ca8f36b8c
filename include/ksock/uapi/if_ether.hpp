// ksock/uapi/if_ether.hpp: Ethernet's numbers and header
// (include/uapi/linux/if_ether.h).
#pragma once

#include <cstdint>

namespace ksock {

inline constexpr unsigned eth_alen = 6;         //!< ETH_ALEN: octets in one address
inline constexpr unsigned eth_hlen = 14;        //!< ETH_HLEN: octets in the header
inline constexpr unsigned eth_zlen = 60;        //!< ETH_ZLEN: minimum frame, FCS excluded
inline constexpr unsigned eth_data_len = 1500;  //!< ETH_DATA_LEN: the payload MTU
inline constexpr unsigned eth_frame_len = 1514; //!< ETH_FRAME_LEN: maximum frame, FCS excluded
inline constexpr unsigned eth_min_mtu = 68;     //!< ETH_MIN_MTU

//! Ethernet protocol ids (ETH_P_*, include/uapi/linux/if_ether.h), as numbers:
//! h_proto carries them in network order.
//!@{
inline constexpr std::uint16_t eth_p_loop = 0x0060;
inline constexpr std::uint16_t eth_p_ip = 0x0800;
inline constexpr std::uint16_t eth_p_arp = 0x0806;
inline constexpr std::uint16_t eth_p_8021q = 0x8100;
inline constexpr std::uint16_t eth_p_ipv6 = 0x86dd;
//!@}
//! ETH_P_802_3_MIN: h_proto values below it are 802.3 lengths, not types.
inline constexpr std::uint16_t eth_p_802_3_min = 0x0600;
inline constexpr std::uint16_t eth_p_802_3 = 0x0001; //!< dummy type for 802.3 frames
inline constexpr std::uint16_t eth_p_802_2 = 0x0004; //!< 802.2 frames

//! struct ethhdr, in network order.
struct ethhdr {
    unsigned char h_dest[eth_alen];   //!< destination hardware address
    unsigned char h_source[eth_alen]; //!< source hardware address
    std::uint16_t h_proto; //!< ETH_P_* of the payload, or an 802.3 length, in network order
};
static_assert(sizeof(ethhdr) == 14, "ksock::ethhdr: must be the 14 bytes of the wire header");

} // namespace ksock
