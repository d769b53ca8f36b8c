// ksock/inet/raw_sock.hpp: struct raw_sock (include/net/raw.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/uapi/icmp.hpp>

namespace ksock::inet {

//! struct raw_sock (include/net/raw.h): a raw IPv4 socket's object, inet_sock first.
struct raw_sock {
    inet_sock inet;           //!< the inet sock, at offset 0
    icmp_filter filter;       //!< ICMP_FILTER: the ICMP types an ICMP raw socket drops
    std::uint32_t ipmr_table; //!< MRT_TABLE (multicast routing; unused: 0)
};

static_assert(std::is_standard_layout_v<raw_sock>,
              "ksock::inet::raw_sock: must be standard-layout");
static_assert(offsetof(raw_sock, inet) == 0, "ksock::inet::raw_sock: inet must be at offset 0");

//! raw_sk(sk): the checked layout cast to a raw_sock (objects/layout.hpp).
inline constexpr sk_caster<raw_sock> raw_sk{"raw_sk"};

} // namespace ksock::inet

//! The member that embeds raw_sock's parent at offset 0 (objects/layout.hpp).
template <>
struct ksock::first_member<ksock::inet::raw_sock>
    : ksock::first_member_is<&ksock::inet::raw_sock::inet> {};

static_assert(ksock::begins_with<ksock::inet::raw_sock, ksock::inet::inet_sock>,
              "ksock::inet::raw_sock must begin with inet_sock");
