// ksock/uapi/if_arp.hpp: the ARP hardware types a device reports
// (include/uapi/linux/if_arp.h: ARPHRD_*), the ARP opcodes and struct arphdr.
#pragma once

#include <cstdint>

namespace ksock {

// --- ARP protocol hardware identifiers (dev->type) --------------------------
inline constexpr unsigned short arphrd_ether = 1;      //!< Ethernet 10/100 Mbps
inline constexpr unsigned short arphrd_loopback = 772; //!< loopback device
inline constexpr unsigned short arphrd_none = 0xfffe;  //!< no link header (TUN, PPP-like)
inline constexpr unsigned short arphrd_void = 0xffff;  //!< not a hardware type at all

//! ARP's opcodes (ar_op, ARPOP_* in include/uapi/linux/if_arp.h): a request asks who holds an
//! address, a reply answers.
//!@{
inline constexpr unsigned short arpop_request = 1;
inline constexpr unsigned short arpop_reply = 2;
//!@}

//! struct arphdr: the fixed part of an ARP packet, in network order; the
//! addresses follow it (sender hw, sender ip, target hw, target ip).
struct arphdr {
    std::uint16_t ar_hrd; //!< format of hardware address (ARPHRD_*)
    std::uint16_t ar_pro; //!< format of protocol address (ETH_P_IP)
    std::uint8_t ar_hln;  //!< length of hardware address
    std::uint8_t ar_pln;  //!< length of protocol address
    std::uint16_t ar_op;  //!< ARPOP_*
};
static_assert(sizeof(arphdr) == 8, "ksock::arphdr: must be the 8 bytes of the wire header");

} // namespace ksock
