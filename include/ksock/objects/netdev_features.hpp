// ksock/objects/netdev_features.hpp: what a device can do for the stack
// (include/linux/netdev_features.h: netdev_features_t, NETIF_F_*), as
// `ethtool -k` lists it. Kernel-internal numbers (Linux renumbers them
// between versions), so they live here rather than in uapi/.
#pragma once

#include <cstdint>

namespace ksock {

using netdev_features_t = std::uint64_t; //!< NETIF_F_* bits (include/linux/netdev_features.h)

//! Scatter/gather: the device takes a frame in several runs (a driver that
//! walks netdev_frame::for_each_run). Without it ksock still hands over a
//! gather view; the bit is reported, not enforced.
inline constexpr netdev_features_t netif_f_sg = 1ull << 0;
//! The device checksums TCP/UDP over IPv4 (NETIF_F_IP_CSUM), or any packet (NETIF_F_HW_CSUM). ksock
//! completes every checksum before start_xmit on every device but lo, so a driver never has to.
//!@{
inline constexpr netdev_features_t netif_f_ip_csum = 1ull << 1;
inline constexpr netdev_features_t netif_f_hw_csum = 1ull << 3;
//!@}
//! DMA reaches all of memory (NETIF_F_HIGHDMA).
inline constexpr netdev_features_t netif_f_highdma = 1ull << 5;
//! The device takes skb frag lists (NETIF_F_FRAGLIST).
inline constexpr netdev_features_t netif_f_fraglist = 1ull << 6;
//! The driver verified the received checksums (NETIF_F_RXCSUM).
inline constexpr netdev_features_t netif_f_rxcsum = 1ull << 32;
//! The device is a loopback (NETIF_F_LOOPBACK).
inline constexpr netdev_features_t netif_f_loopback = 1ull << 33;

} // namespace ksock
