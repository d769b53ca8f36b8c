// ksock/inet/raw_sock.hpp: struct raw_sock (include/net/raw.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <ksock/inet/inet_sock.hpp>
#include <ksock/uapi/icmp.hpp>

namespace ksock {

struct raw_sock {
    inet_sock inet;
    icmp_filter filter;
    std::uint32_t ipmr_table;
};

static_assert(std::is_standard_layout_v<raw_sock>, "ksock::raw_sock: must be standard-layout");
static_assert(offsetof(raw_sock, inet) == 0, "ksock::raw_sock: inet must be at offset 0");

} // namespace ksock
