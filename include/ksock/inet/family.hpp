// ksock/inet/family.hpp: PF_INET, registered with Linux's inetsw_array in
// its order and with its flags, plus the protos' constexpr default images.
#pragma once

#include <ksock/inet/inet_create.hpp>
#include <ksock/inet/inet_dgram_ops.hpp>
#include <ksock/inet/inet_kfunc.hpp>
#include <ksock/inet/inet_sockraw_ops.hpp>
#include <ksock/inet/inet_stream_ops.hpp>
#include <ksock/inet/ip/arp.hpp>
#include <ksock/inet/ip/inet_pernet.hpp>
#include <ksock/inet/ip/ip_input.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/netns_ipv4_tables.hpp>
#include <ksock/inet/ping.hpp>
#include <ksock/inet/raw.hpp>
#include <ksock/inet/tcp/tcp.hpp>
#include <ksock/inet/udp/udp.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

//! The inetsw entries (inetsw_array, net/ipv4/af_inet.c): TCP, UDP, UDP-Lite, ping and raw.
//!@{
using tcp_protosw = protosw<sock_stream, ipproto_tcp, tcp_prot, inet_stream_ops,
                            inet_protosw_permanent | inet_protosw_icsk>;
using udp_protosw =
    protosw<sock_dgram, ipproto_udp, udp_prot, inet_dgram_ops, inet_protosw_permanent>;
//! udplite4_protosw: registered by udplite4_register after inetsw_array,
//! it goes after the last permanent SOCK_DGRAM entry (UDP), before PING.
using udplite_protosw =
    protosw<sock_dgram, ipproto_udplite, udplite_prot, inet_dgram_ops, inet_protosw_permanent>;
using ping_protosw =
    protosw<sock_dgram, ipproto_icmp, ping_prot, inet_sockraw_ops, inet_protosw_reuse>;
using raw_protosw = protosw<sock_raw, ipproto_ip, raw_prot, inet_sockraw_ops, inet_protosw_reuse>;
//!@}

//! inetsw_array, with udplite4_protosw where inet_register_protosw puts it.
using inetsw = type_list<tcp_protosw, udp_protosw, udplite_protosw, ping_protosw, raw_protosw>;

inline constexpr tcp_sock tcp_prot::defaults = inet_create::image<tcp_protosw>(ipproto_tcp);
inline constexpr udp_sock udp_prot::defaults = inet_create::image<udp_protosw>(ipproto_udp);
inline constexpr udp_sock udplite_prot::defaults =
    inet_create::image<udplite_protosw>(ipproto_udplite);
inline constexpr inet_sock ping_prot::defaults = inet_create::image<ping_protosw>(ipproto_icmp);
inline constexpr raw_sock raw_prot::defaults = inet_create::image<raw_protosw>(ipproto_raw);

//! PF_INET (inet_family_ops); its part of the namespace (netns_ipv4) and
//! the names of its callbacks come with inet_create. Beside its sockets it
//! keeps the namespace's IPv4 tables, sized by the stack's Config
//! (netns_ipv4_tables: addresses, routes, neighbours, fragments), receives
//! IPv4 and ARP from the devices (ptype_base's ip_packet_type and
//! arp_packet_type), runs their timers and hears of the devices' changes.
struct inet_family : family<pf_inet, inet_create, inetsw>, inet_pernet_hooks {
    //! PF_INET's part of the namespace, sized by Config.
    template <class Config>
    using pernet_storage_type = netns_ipv4_tables<Config>;
    using packet_types = type_list<ip_packet_type, arp_packet_type>; //!< IPv4 and ARP
};

} // namespace ksock::inet
