// ksock/uapi/rtnetlink.hpp: the numbers `ip route`, `ip addr` and `ip neigh`
// print (include/uapi/linux/rtnetlink.h, if_addr.h, neighbour.h): route
// scopes, origins and tables, address flags, neighbour states. The route
// types (RTN_LOCAL ...) are PF_INET's inet::rtn_type.
#pragma once

#include <cstdint>

namespace ksock {

//! Route scopes (enum rt_scope_t, include/uapi/linux/rtnetlink.h): how far a route or an address
//! reaches, host (254) being the narrowest.
//!@{
inline constexpr std::uint8_t rt_scope_universe = 0;
inline constexpr std::uint8_t rt_scope_site = 200;
inline constexpr std::uint8_t rt_scope_link = 253;
inline constexpr std::uint8_t rt_scope_host = 254;
inline constexpr std::uint8_t rt_scope_nowhere = 255;
//!@}

//! Route origins (rtm_protocol, RTPROT_*): who installed a route; `ip route` prints them as
//! "proto".
//!@{
inline constexpr std::uint8_t rtprot_kernel = 2; //!< from an address (fib_add_ifaddr)
inline constexpr std::uint8_t rtprot_boot = 3;   //!< `ip route add` (its default)
inline constexpr std::uint8_t rtprot_static = 4;
//!@}

//! Routing tables (enum rt_class_t, RT_TABLE_*): local holds the addresses of this host, main the
//! others.
//!@{
inline constexpr std::uint8_t rt_table_main = 254;
inline constexpr std::uint8_t rt_table_local = 255;
//!@}

//! Address flags (IFA_F_*, include/uapi/linux/if_addr.h): secondary is an address in a subnet that
//! a primary address already covers.
//!@{
inline constexpr std::uint8_t ifa_f_secondary = 0x01;
//!@}

//! Neighbour states (NUD_*, include/uapi/linux/neighbour.h): bits of a neighbour entry's state, as
//! `ip neigh` prints them.
//!@{
inline constexpr std::uint8_t nud_none = 0x00;
inline constexpr std::uint8_t nud_incomplete = 0x01;
inline constexpr std::uint8_t nud_reachable = 0x02;
inline constexpr std::uint8_t nud_stale = 0x04;
inline constexpr std::uint8_t nud_delay = 0x08;
inline constexpr std::uint8_t nud_probe = 0x10;
inline constexpr std::uint8_t nud_failed = 0x20;
inline constexpr std::uint8_t nud_noarp = 0x40;
inline constexpr std::uint8_t nud_permanent = 0x80;
//!@}

} // namespace ksock
