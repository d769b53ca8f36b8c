// ksock/inet/udp/udp_sock.hpp: struct udp_sock (include/linux/udp.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sk_buff_head.hpp>

namespace ksock::inet {

struct udp_sock {
    inet_sock inet;
    unsigned long udp_flags;
    int pending;
    std::uint8_t encap_type;
    std::uint16_t len;
    std::uint16_t gso_size;
    std::uint16_t pcslen;
    std::uint16_t pcrlen;
    int forward_deficit;
    int forward_threshold; //!< sk_rcvbuf >> 2 at init
    sk_buff_head reader_queue;
    list_head tunnel_list; //!< 6.18
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

constexpr bool udp_test_bit(const udp_sock& up, udp_flags_bit b) noexcept {
    return (up.udp_flags >> b) & 1UL;
}
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
