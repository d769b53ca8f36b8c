// ksock/uapi/icmp.hpp: the ICMP_FILTER option of raw ICMP sockets
// (include/uapi/linux/icmp.h).
#pragma once

#include <cstdint>

namespace ksock {

//! ICMP_FILTER (level SOL_RAW): the ICMP types a raw ICMP socket drops.
inline constexpr int icmp_filter_opt = 1;

//! struct icmp_filter: bit n set = drop ICMP type n.
struct icmp_filter {
    std::uint32_t data; //!< one bit per ICMP type 0 .. 31, bit n dropping type n
};

} // namespace ksock
