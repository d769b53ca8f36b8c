// ksock/inet/ip/ip_hdr.hpp: the IPv4, UDP and ICMP headers as they travel
// through the in-stack loopback (include/uapi/linux/ip.h, udp.h, icmp.h), in
// network byte order, and the Internet checksum (RFC 1071) over a packet.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/byteorder.hpp>

namespace ksock::inet {

//! struct iphdr, without options (ihl 5): the fields in network order.
struct iphdr {
    std::uint8_t ver_ihl;   //!< version 4 in the high nibble, ihl (32-bit words) low
    std::uint8_t tos;       //!< type of service: DSCP and ECN
    std::uint16_t tot_len;  //!< header and payload, bytes
    std::uint16_t id;       //!< identification, for reassembly
    std::uint16_t frag_off; //!< IP_DF 0x4000, IP_MF 0x2000, offset 0x1fff
    std::uint8_t ttl;       //!< time to live
    std::uint8_t protocol;  //!< IPPROTO_* of the payload
    std::uint16_t check;    //!< the header's checksum
    std::uint32_t saddr;    //!< source address
    std::uint32_t daddr;    //!< destination address
};
static_assert(sizeof(iphdr) == 20, "ksock::inet::iphdr: must be the 20 bytes of the wire header");

//! struct udphdr.
struct udphdr {
    std::uint16_t source; //!< source port
    std::uint16_t dest;   //!< destination port
    std::uint16_t len;    //!< header and payload, bytes
    std::uint16_t check;  //!< checksum over the pseudo-header, header and payload; 0: none
};
static_assert(sizeof(udphdr) == 8, "ksock::inet::udphdr: must be 8 bytes");

//! struct icmphdr with the echo / frag-needed union as two 16-bit words.
struct icmphdr {
    std::uint8_t type;      //!< ICMP_* type
    std::uint8_t code;      //!< the code within the type
    std::uint16_t checksum; //!< checksum over the message
    std::uint16_t id;       //!< un.echo.id (un.frag.__unused for errors)
    std::uint16_t sequence; //!< un.echo.sequence (un.frag.mtu)
};
static_assert(sizeof(icmphdr) == 8, "ksock::inet::icmphdr: must be 8 bytes");

//! frag_off's bits in host order (include/net/ip.h): don't fragment, more fragments, and the offset
//! in 8-byte units.
//!@{
inline constexpr std::uint16_t ip_df = 0x4000;
inline constexpr std::uint16_t ip_mf = 0x2000;
inline constexpr std::uint16_t ip_offset = 0x1fff;
//!@}
//! The largest IPv4 datagram (tot_len is 16 bits).
inline constexpr std::size_t ip_max_len = 0xffff;

//! ICMP types (ICMP_ECHOREPLY ... as icmp_t_*) and the destination-unreachable codes ksock sends
//! (ICMP_PROT_UNREACH, ICMP_PORT_UNREACH; NR_ICMP_UNREACH is the last code),
//! include/uapi/linux/icmp.h.
//!@{
inline constexpr std::uint8_t icmp_t_echoreply = 0;
inline constexpr std::uint8_t icmp_t_dest_unreach = 3;
inline constexpr std::uint8_t icmp_t_echo = 8;
inline constexpr std::uint8_t icmp_t_time_exceeded = 11;
inline constexpr std::uint8_t icmp_t_parameterprob = 12;
inline constexpr std::uint8_t icmp_prot_unreach = 2;
inline constexpr std::uint8_t icmp_port_unreach = 3;
inline constexpr std::uint8_t nr_icmp_unreach = 15;
//!@}

//! An ICMP error type (icmp_is_err): no error is ever sent about one.
constexpr bool icmp_is_err(std::uint8_t type) noexcept {
    return type == icmp_t_dest_unreach || type == 4 /* source quench */ ||
           type == 5 /* redirect */ || type == icmp_t_time_exceeded || type == icmp_t_parameterprob;
}

//! Copy \p len bytes from the caller into the message at \p off; the count
//! copied (short when the caller's iovecs end first).
inline std::size_t skb_copy_from_iter_at(sk_buff* skb, std::size_t off, iov_iter& from,
                                         std::size_t len) noexcept {
    return skb_walk(skb, off, len,
                    [&](unsigned char* p, std::size_t k) { return from.copy_from(p, k); });
}

namespace detail {

//! The ones-complement sum of \p n bytes from \p p as big-endian 16-bit
//! words (an odd last byte the high half of a word), folded to 16 bits.
//! RFC 1071's byte-order independence lets it add the bytes as the host's
//! 32-bit words (four bytes a step, no byte shuffling) and swap the folded
//! result once on a little-endian host: a checksum is read and written on
//! every segment, and two byte loads per 16-bit word made it most of a
//! bulk segment's instructions.
inline std::uint32_t csum_be16(const unsigned char* p, std::size_t n) noexcept {
    std::uint64_t acc = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        std::uint32_t w;
        std::memcpy(&w, p + i, 4);
        acc += w;
    }
    if (i < n) { // the last 1 to 3 bytes, zero-padded in memory order
        unsigned char tail[4] = {};
        std::memcpy(tail, p + i, n - i);
        std::uint32_t w;
        std::memcpy(&w, tail, 4);
        acc += w;
    }
    // 2^16 = 1 modulo 0xffff: folding keeps the one's-complement sum.
    while (acc >> 16)
        acc = (acc & 0xffffu) + (acc >> 16);
    auto s = static_cast<std::uint32_t>(acc);
    if constexpr (std::endian::native == std::endian::little)
        s = ((s & 0xffu) << 8) | (s >> 8);
    return s;
}

} // namespace detail

//! The ones-complement sum of \p len bytes of the message from \p off, added
//! to \p sum (csum_partial over an skb, folded later by csum_fold).
inline std::uint32_t skb_checksum(const sk_buff* skb, std::size_t off, std::size_t len,
                                  std::uint32_t sum) noexcept {
    bool odd = false;
    skb_walk(skb, off, len, [&](const unsigned char* p, std::size_t k) {
        // A chunk that starts inside a word (the one before it had an odd
        // length) adds its bytes one position later: its sum byte-swapped.
        std::uint32_t c = detail::csum_be16(p, k);
        if (odd)
            c = ((c & 0xffu) << 8) | (c >> 8);
        odd ^= (k & 1) != 0;
        const std::uint64_t acc = std::uint64_t{sum} + c;
        sum = static_cast<std::uint32_t>((acc & 0xffffffffu) + (acc >> 32));
        return k;
    });
    return sum;
}

//! csum_fold: the 16-bit complement of the folded sum, in host order (store
//! it with htons).
constexpr std::uint16_t csum_fold(std::uint32_t sum) noexcept {
    while (sum >> 16)
        sum = (sum & 0xffffu) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum & 0xffffu);
}

//! csum_tcpudp_nofold: the unfolded sum of the IPv4 pseudo-header (the
//! addresses, in network order, the protocol and the transport length) that
//! UDP's and TCP's checksums cover.
constexpr std::uint32_t csum_tcpudp_nofold(std::uint32_t saddr, std::uint32_t daddr,
                                           std::uint32_t len, std::uint8_t proto) noexcept {
    const std::uint32_t s = ksock::be32_to_cpu(saddr);
    const std::uint32_t d = ksock::be32_to_cpu(daddr);
    return (s >> 16) + (s & 0xffffu) + (d >> 16) + (d & 0xffffu) + proto + len;
}

} // namespace ksock::inet
