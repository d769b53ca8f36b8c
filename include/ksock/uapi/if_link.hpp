// ksock/uapi/if_link.hpp: a device's counters as `ip -s -s link` prints them
// (include/uapi/linux/if_link.h: struct rtnl_link_stats64).
#pragma once

#include <cstdint>

namespace ksock {

//! struct rtnl_link_stats64, Linux's member names and order.
struct rtnl_link_stats64 {
    std::uint64_t rx_packets;
    std::uint64_t tx_packets;
    std::uint64_t rx_bytes;
    std::uint64_t tx_bytes;
    std::uint64_t rx_errors;
    std::uint64_t tx_errors;
    std::uint64_t rx_dropped;
    std::uint64_t tx_dropped;
    std::uint64_t multicast;
    std::uint64_t collisions;
    std::uint64_t rx_length_errors;
    std::uint64_t rx_over_errors;
    std::uint64_t rx_crc_errors;
    std::uint64_t rx_frame_errors;
    std::uint64_t rx_fifo_errors;
    std::uint64_t rx_missed_errors;
    std::uint64_t tx_aborted_errors;
    std::uint64_t tx_carrier_errors;
    std::uint64_t tx_fifo_errors;
    std::uint64_t tx_heartbeat_errors;
    std::uint64_t tx_window_errors;
    std::uint64_t rx_compressed;
    std::uint64_t tx_compressed;
    std::uint64_t rx_nohandler;
    std::uint64_t rx_otherhost_dropped;
};

} // namespace ksock
