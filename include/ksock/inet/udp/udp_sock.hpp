// ksock/inet/udp/udp_sock.hpp: struct udp_sock (include/linux/udp.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sk_buff_head.hpp>

namespace ksock::inet {

//! struct udp_sock (include/linux/udp.h): a UDP or UDP-Lite socket's object, inet_sock first.
struct udp_sock {
    inet_sock inet;            //!< the inet sock, at offset 0
    unsigned long udp_flags;   //!< bits of udp_flags_bit
    int pending;               //!< AF_INET while a corked datagram is pending, else 0
    std::uint8_t encap_type;   //!< UDP_ENCAP's type, 0: none
    std::uint16_t len;         //!< bytes of the corked datagram
    std::uint16_t gso_size;    //!< UDP_SEGMENT's size, 0: no GSO
    std::uint16_t pcslen;      //!< UDP-Lite send coverage (UDPLITE_SEND_CSCOV)
    std::uint16_t pcrlen;      //!< UDP-Lite receive coverage (UDPLITE_RECV_CSCOV)
    int forward_deficit;       //!< receive memory freed but not yet given back
    int forward_threshold;     //!< sk_rcvbuf >> 2 at init
    sk_buff_head reader_queue; //!< skbs taken off the receive queue for reading
    list_head tunnel_list;     //!< 6.18
};

static_assert(std::is_standard_layout_v<udp_sock>,
              "ksock::inet::udp_sock: must be standard-layout");
static_assert(offsetof(udp_sock, inet) == 0, "ksock::inet::udp_sock: inet must be at offset 0");

//! Bit numbers in udp_sock::udp_flags (enum UDP_FLAGS_*, include/linux/udp.h).
enum udp_flags_bit : unsigned {
    udp_flags_cork = 0,
    udp_flags_no_check6_tx = 1,
    udp_flags_no_check6_rx = 2,
    udp_flags_gro_enabled = 3,
    udp_flags_accept_fraglist = 4,
    udp_flags_accept_l4 = 5,
    udp_flags_encap_enabled = 6,
    udp_flags_udplite_send_cc = 7,
    udp_flags_udplite_recv_cc = 8,
};

//! udp_test_bit(): whether flag \p b is set.
constexpr bool udp_test_bit(const udp_sock& up, udp_flags_bit b) noexcept {
    return (up.udp_flags >> b) & 1UL;
}
//! udp_assign_bit(): set flag \p b when \p on, clear it otherwise.
constexpr void udp_assign_bit(udp_sock& up, udp_flags_bit b, bool on) noexcept {
    if (on)
        up.udp_flags |= 1UL << b;
    else
        up.udp_flags &= ~(1UL << b);
}

//! udp_sk(sk): the checked layout cast to a udp_sock (objects/layout.hpp).
inline constexpr sk_caster<udp_sock> udp_sk{"udp_sk"};

} // namespace ksock::inet

//! The member that embeds udp_sock's parent at offset 0 (objects/layout.hpp).
template <>
struct ksock::first_member<ksock::inet::udp_sock>
    : ksock::first_member_is<&ksock::inet::udp_sock::inet> {};

static_assert(ksock::begins_with<ksock::inet::udp_sock, ksock::inet::inet_sock>,
              "ksock::inet::udp_sock must begin with inet_sock");
