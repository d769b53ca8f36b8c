// ksock/uapi/if_link.hpp: a device's counters as `ip -s -s link` prints them
// (include/uapi/linux/if_link.h: struct rtnl_link_stats64).
#pragma once

#include <cstdint>

namespace ksock {

//! struct rtnl_link_stats64, Linux's member names and order.
struct rtnl_link_stats64 {
    //! The packets and bytes a device received and sent, and those that failed (errors) or were
    //! dropped, since it was registered.
    //!@{
    std::uint64_t rx_packets;
    std::uint64_t tx_packets;
    std::uint64_t rx_bytes;
    std::uint64_t tx_bytes;
    std::uint64_t rx_errors;
    std::uint64_t tx_errors;
    std::uint64_t rx_dropped;
    std::uint64_t tx_dropped;
    //!@}
    std::uint64_t multicast;  //!< multicast packets received
    std::uint64_t collisions; //!< collisions on a half-duplex medium (0 on ksock's devices)
    //! The receive errors by cause (rx_errors counts them all): bad length, ring overrun, CRC,
    //! framing, FIFO overrun, missed for lack of buffers.
    //!@{
    std::uint64_t rx_length_errors;
    std::uint64_t rx_over_errors;
    std::uint64_t rx_crc_errors;
    std::uint64_t rx_frame_errors;
    std::uint64_t rx_fifo_errors;
    std::uint64_t rx_missed_errors;
    //!@}
    //! The transmit errors by cause (tx_errors counts them all), as the driver reports them.
    //!@{
    std::uint64_t tx_aborted_errors;
    std::uint64_t tx_carrier_errors;
    std::uint64_t tx_fifo_errors;
    std::uint64_t tx_heartbeat_errors;
    std::uint64_t tx_window_errors;
    //!@}
    //! Compressed packets (CSLIP, PPP); 0 on an Ethernet device.
    //!@{
    std::uint64_t rx_compressed;
    std::uint64_t tx_compressed;
    //!@}
    std::uint64_t
        rx_nohandler; //!< packets dropped because no protocol handler took them (unknown ethertype)
    std::uint64_t
        rx_otherhost_dropped; //!< packets dropped because they were addressed to another host
};

} // namespace ksock
