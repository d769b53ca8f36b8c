// ksock/core/eth.hpp: Ethernet's link layer (net/ethernet/eth.c): the hard
// header a frame leaves with (eth_header) and the classification of a frame
// that arrives (eth_type_trans), every field checked before it is used.
#pragma once

#include <cstdint>
#include <cstring>

#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/if_packet.hpp>

namespace ksock {

//! The Ethernet broadcast address.
inline constexpr unsigned char eth_broadcast_addr[eth_alen] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

//! eth_header: the 14 bytes of a frame of \p type (ETH_P_*, host order) from
//! \p saddr to \p daddr (null: broadcast) into \p hh.
inline void eth_header(unsigned char* hh, const unsigned char* daddr, const unsigned char* saddr,
                       std::uint16_t type) noexcept {
    std::memcpy(hh, daddr ? daddr : eth_broadcast_addr, eth_alen);
    std::memcpy(hh + eth_alen, saddr, eth_alen);
    hh[12] = static_cast<unsigned char>(type >> 8);
    hh[13] = static_cast<unsigned char>(type & 0xff);
}

//! eth_type_trans: the class of a received Ethernet frame by its
//! destination (ours, broadcast, multicast, someone else's) and its
//! protocol (an 802.3 length field means an LLC frame, which no family
//! takes); the header is pulled. The caller has checked that the frame
//! holds a whole header.
inline netif_rx eth_type_trans(sk_buff* skb, const unsigned char* dev_addr, int ifindex) noexcept {
    unsigned char h[eth_hlen];
    skb_copy_bits(skb, 0, h, sizeof h);
    netif_rx rx{ifindex, 0, packet_host};
    if (h[0] & 1)
        rx.pkt_type =
            std::memcmp(h, eth_broadcast_addr, eth_alen) == 0 ? packet_broadcast : packet_multicast;
    else if (std::memcmp(h, dev_addr, eth_alen) != 0)
        rx.pkt_type = packet_otherhost;
    const auto proto = static_cast<std::uint16_t>((h[12] << 8) | h[13]);
    rx.protocol = proto >= eth_p_802_3_min ? proto : eth_p_802_2;
    skb_pull(skb, eth_hlen);
    return rx;
}

} // namespace ksock
