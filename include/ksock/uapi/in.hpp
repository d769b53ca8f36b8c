// ksock/uapi/in.hpp: IPv4's numbers (include/uapi/linux/in.h, linux/ip.h): the
// IPPROTO_* protocols and the SOL_IP options.
#pragma once
#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! IP protocol numbers (IPPROTO_*, include/uapi/linux/in.h): socket(2)'s protocol for PF_INET and
//! the IP header's protocol field.
//!@{
inline constexpr int ipproto_ip = 0;
inline constexpr int ipproto_icmp = 1;
inline constexpr int ipproto_igmp = 2;
inline constexpr int ipproto_tcp = 6;
inline constexpr int ipproto_udp = 17;
inline constexpr int ipproto_ipv6 = 41;
inline constexpr int ipproto_sctp = 132;
inline constexpr int ipproto_udplite = 136;
inline constexpr int ipproto_raw = 255;
inline constexpr int ipproto_smc = 256;
inline constexpr int ipproto_mptcp = 262;
//!@}
inline constexpr int ipproto_max = 263; //!< not 256: MPTCP lives above
//! The IPPROTO_* names, for traces of PF_INET's protocol numbers.
inline constexpr value_name ipproto_names[] = {
    {ipproto_ip, -1, "IPPROTO_IP"},      {ipproto_icmp, -1, "IPPROTO_ICMP"},
    {ipproto_igmp, -1, "IPPROTO_IGMP"},  {ipproto_tcp, -1, "IPPROTO_TCP"},
    {ipproto_udp, -1, "IPPROTO_UDP"},    {ipproto_ipv6, -1, "IPPROTO_IPV6"},
    {ipproto_sctp, -1, "IPPROTO_SCTP"},  {ipproto_udplite, -1, "IPPROTO_UDPLITE"},
    {ipproto_raw, -1, "IPPROTO_RAW"},    {ipproto_smc, -1, "IPPROTO_SMC"},
    {ipproto_mptcp, -1, "IPPROTO_MPTCP"}};

//! The SOL_IP options (IP_*, include/uapi/linux/in.h), and IP_MTU_DISCOVER's values
//! (IP_PMTUDISC_*).
//!@{
inline constexpr int ip_tos = 1;
inline constexpr int ip_ttl = 2;
inline constexpr int ip_hdrincl = 3;
inline constexpr int ip_options = 4;
inline constexpr int ip_recvopts = 6;
inline constexpr int ip_mtu_discover = 10;
inline constexpr int ip_mtu = 14;
inline constexpr int ip_multicast_if = 32;
inline constexpr int ip_multicast_ttl = 33;
inline constexpr int ip_multicast_loop = 34;
inline constexpr int ip_multicast_all = 49;
inline constexpr int ip_pmtudisc_dont = 0;
inline constexpr int ip_pmtudisc_want = 1;
inline constexpr int ip_pmtudisc_do = 2;
inline constexpr int ip_pmtudisc_probe = 3;
inline constexpr int ip_pmtudisc_interface = 4;
inline constexpr int ip_pmtudisc_omit = 5;
inline constexpr int ip_retopts = 7;
inline constexpr int ip_pktinfo = 8;
inline constexpr int ip_recverr = 11;
inline constexpr int ip_recvttl = 12;
inline constexpr int ip_recvtos = 13;
inline constexpr int ip_freebind = 15;
inline constexpr int ip_transparent = 19;
inline constexpr int ip_minttl = 21;
inline constexpr int ip_nodefrag = 22;
inline constexpr int ip_bind_address_no_port = 24;
inline constexpr int ip_recverr_rfc4884 = 26;
inline constexpr int ip_local_port_range = 51;
//!@}
//! IPTOS_TOS_MASK (include/uapi/linux/ip.h).
inline constexpr int iptos_tos_mask = 0x1e;

} // namespace ksock
