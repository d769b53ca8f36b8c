// ksock/inet/inet_sock.hpp: struct inet_sock (include/net/inet_sock.h), the
// representation of INET sockets, and its inet_flags bit numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock::inet {

//! Bit numbers in inet_sock::inet_flags (6.x `enum { INET_FLAGS_... }`).
enum inet_flags_bit : unsigned {
    inet_flags_pktinfo = 0,
    inet_flags_ttl = 1,
    inet_flags_tos = 2,
    inet_flags_recvopts = 3,
    inet_flags_retopts = 4,
    inet_flags_passsec = 5,
    inet_flags_origdstaddr = 6,
    inet_flags_checksum = 7,
    inet_flags_recvfragsize = 8,
    inet_flags_recverr = 9,
    inet_flags_recverr_rfc4884 = 10,
    inet_flags_freebind = 11,
    inet_flags_hdrincl = 12,
    inet_flags_mc_loop = 13,
    inet_flags_mc_all = 14,
    inet_flags_transparent = 15,
    inet_flags_is_icsk = 16,
    inet_flags_nodefrag = 17,
    inet_flags_bind_address_no_port = 18,
    inet_flags_defer_connect = 19,
};
//! inet_flags' bits, for traces.
inline constexpr value_name inet_flags_names[] = {
    {1LL << inet_flags_pktinfo, 1LL << inet_flags_pktinfo, "INET_FLAGS_PKTINFO"},
    {1LL << inet_flags_ttl, 1LL << inet_flags_ttl, "INET_FLAGS_TTL"},
    {1LL << inet_flags_tos, 1LL << inet_flags_tos, "INET_FLAGS_TOS"},
    {1LL << inet_flags_recvopts, 1LL << inet_flags_recvopts, "INET_FLAGS_RECVOPTS"},
    {1LL << inet_flags_retopts, 1LL << inet_flags_retopts, "INET_FLAGS_RETOPTS"},
    {1LL << inet_flags_passsec, 1LL << inet_flags_passsec, "INET_FLAGS_PASSSEC"},
    {1LL << inet_flags_origdstaddr, 1LL << inet_flags_origdstaddr, "INET_FLAGS_ORIGDSTADDR"},
    {1LL << inet_flags_checksum, 1LL << inet_flags_checksum, "INET_FLAGS_CHECKSUM"},
    {1LL << inet_flags_recvfragsize, 1LL << inet_flags_recvfragsize, "INET_FLAGS_RECVFRAGSIZE"},
    {1LL << inet_flags_recverr, 1LL << inet_flags_recverr, "INET_FLAGS_RECVERR"},
    {1LL << inet_flags_recverr_rfc4884, 1LL << inet_flags_recverr_rfc4884,
     "INET_FLAGS_RECVERR_RFC4884"},
    {1LL << inet_flags_freebind, 1LL << inet_flags_freebind, "INET_FLAGS_FREEBIND"},
    {1LL << inet_flags_hdrincl, 1LL << inet_flags_hdrincl, "INET_FLAGS_HDRINCL"},
    {1LL << inet_flags_mc_loop, 1LL << inet_flags_mc_loop, "INET_FLAGS_MC_LOOP"},
    {1LL << inet_flags_mc_all, 1LL << inet_flags_mc_all, "INET_FLAGS_MC_ALL"},
    {1LL << inet_flags_transparent, 1LL << inet_flags_transparent, "INET_FLAGS_TRANSPARENT"},
    {1LL << inet_flags_is_icsk, 1LL << inet_flags_is_icsk, "INET_FLAGS_IS_ICSK"},
    {1LL << inet_flags_nodefrag, 1LL << inet_flags_nodefrag, "INET_FLAGS_NODEFRAG"},
    {1LL << inet_flags_bind_address_no_port, 1LL << inet_flags_bind_address_no_port,
     "INET_FLAGS_BIND_ADDRESS_NO_PORT"},
    {1LL << inet_flags_defer_connect, 1LL << inet_flags_defer_connect, "INET_FLAGS_DEFER_CONNECT"}};

//! struct inet_cork_full, as far as a fresh socket has one: all zero.
struct inet_cork_full {
    std::uint32_t flags;    //!< cork flags (IPCORK_OPT ...)
    std::uint32_t addr;     //!< the corked datagram's destination
    std::uint32_t fragsize; //!< the fragment size the cork was set up for
    int length;             //!< bytes corked
    std::int16_t ttl;       //!< the TTL the cork sends with, -1: the socket's
    std::int16_t tos;       //!< the TOS the cork sends with, -1: the socket's
    std::uint32_t priority; //!< the priority the cork sends with
    std::uint32_t mark;     //!< the mark the cork sends with
};

//! struct inet_sock (include/net/inet_sock.h): a PF_INET sock, sock first, with the addresses,
//! ports and IP options of the socket.
struct inet_sock {
    sock sk;                        //!< the sock, at offset 0
    void* pinet6;                   //!< IPv6's part (null: ksock has no IPv6 sockets)
    void* ipv6_fl_list;             //!< IPv6 flow labels (null)
    unsigned long inet_flags;       //!< bits of inet_flags_bit
    std::uint32_t inet_saddr;       //!< the source address sent from, network order
    std::int16_t uc_ttl;            //!< -1: use net.ipv4.ip_default_ttl
    std::uint16_t inet_sport;       //!< the source port, network order
    void* inet_opt;                 //!< IP options (IP_OPTIONS), null when none
    std::uint16_t inet_id;          //!< the next IP id
    std::uint8_t tos;               //!< IP_TOS
    std::uint8_t min_ttl;           //!< IP_MINTTL: packets below it are dropped
    std::uint8_t mc_ttl;            //!< IP_MULTICAST_TTL
    std::uint8_t pmtudisc;          //!< IP_MTU_DISCOVER: IP_PMTUDISC_*
    std::uint8_t rcv_tos;           //!< the TOS of the last packet received (IP_RECVTOS)
    std::uint8_t convert_csum;      //!< the checksum is converted (UDP encapsulation)
    int uc_index;                   //!< IP_UNICAST_IF's ifindex
    int mc_index;                   //!< IP_MULTICAST_IF's ifindex
    std::uint32_t mc_addr;          //!< IP_MULTICAST_IF's address
    std::uint32_t local_port_range; //!< IP_LOCAL_PORT_RANGE: high << 16 | low, 0 when unset
    void* mc_list;                  //!< the multicast groups joined (null)
    inet_cork_full cork;            //!< the cork of a corked UDP socket (UDP_CORK, MSG_MORE)

    //! Linux's `#define` aliases into sk.sk_common: inet_num is the local port in host order,
    //! inet_dport the peer's port and inet_daddr its address, inet_rcv_saddr the bound address
    //! (network order).
    //!@{
    constexpr std::uint16_t& inet_num() noexcept { return sk.sk_common.skc_num; }
    constexpr std::uint16_t inet_num() const noexcept { return sk.sk_common.skc_num; }
    constexpr std::uint16_t& inet_dport() noexcept { return sk.sk_common.skc_dport; }
    constexpr std::uint16_t inet_dport() const noexcept { return sk.sk_common.skc_dport; }
    constexpr std::uint32_t& inet_daddr() noexcept { return sk.sk_common.skc_daddr; }
    constexpr std::uint32_t inet_daddr() const noexcept { return sk.sk_common.skc_daddr; }
    constexpr std::uint32_t& inet_rcv_saddr() noexcept { return sk.sk_common.skc_rcv_saddr; }
    constexpr std::uint32_t inet_rcv_saddr() const noexcept { return sk.sk_common.skc_rcv_saddr; }
    //!@}
};

//! inet_test_bit(): whether flag \p b is set.
constexpr bool inet_test_bit(const inet_sock& inet, inet_flags_bit b) noexcept {
    return (inet.inet_flags >> b) & 1UL;
}
//! inet_assign_bit(): set flag \p b when \p on, clear it otherwise.
constexpr void inet_assign_bit(inet_sock& inet, inet_flags_bit b, bool on) noexcept {
    if (on)
        inet.inet_flags |= 1UL << b;
    else
        inet.inet_flags &= ~(1UL << b);
}

static_assert(std::is_standard_layout_v<inet_sock>,
              "ksock::inet::inet_sock: must be standard-layout");
static_assert(offsetof(inet_sock, sk) == 0, "ksock::inet::inet_sock: sk must be at offset 0");

//! inet_sk(sk): the checked layout cast to a inet_sock (objects/layout.hpp).
inline constexpr sk_caster<inet_sock> inet_sk{"inet_sk"};

} // namespace ksock::inet

//! The member that embeds inet_sock's parent at offset 0 (objects/layout.hpp).
template <>
struct ksock::first_member<ksock::inet::inet_sock>
    : ksock::first_member_is<&ksock::inet::inet_sock::sk> {};

static_assert(ksock::begins_with<ksock::inet::inet_sock, ksock::sock>,
              "ksock::inet::inet_sock must begin with sock");
