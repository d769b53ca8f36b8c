// ksock/uapi/udp.hpp: UDP's user-visible numbers (include/uapi/linux/udp.h): the
// SOL_UDP and SOL_UDPLITE options and the UDP_ENCAP types.
#pragma once

namespace ksock {

//! The SOL_UDP and SOL_UDPLITE options (UDP_*, UDPLITE_*, include/uapi/linux/udp.h).
//!@{
inline constexpr int udp_cork = 1;
inline constexpr int udp_encap = 100;
inline constexpr int udp_no_check6_tx = 101;
inline constexpr int udp_no_check6_rx = 102;
inline constexpr int udp_segment = 103;
inline constexpr int udp_gro = 104;
inline constexpr int udplite_send_cscov = 10;
inline constexpr int udplite_recv_cscov = 11;
//!@}

//! UDP_ENCAP's values (UDP_ENCAP_*, include/uapi/linux/udp.h): which encapsulation a UDP socket's
//! packets carry.
//!@{
inline constexpr int udp_encap_espinudp_non_ike = 1;
inline constexpr int udp_encap_espinudp = 2;
inline constexpr int udp_encap_l2tpinudp = 3;
//!@}

} // namespace ksock
