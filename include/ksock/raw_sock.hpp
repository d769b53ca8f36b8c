// ksock/raw_sock.hpp: struct raw_sock (include/net/raw.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet_sock.hpp>

namespace ksock {

//! struct icmp_filter: bit n set = drop ICMP type n (ICMP_FILTER option).
struct icmp_filter {
    std::uint32_t data;
};

struct raw_sock {
    inet_sock inet;
    icmp_filter filter;
    std::uint32_t ipmr_table;
};

static_assert(std::is_standard_layout_v<raw_sock>, "ksock::raw_sock: must be standard-layout");
static_assert(offsetof(raw_sock, inet) == 0, "ksock::raw_sock: inet must be at offset 0");

} // namespace ksock
