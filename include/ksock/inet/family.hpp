// ksock/inet/family.hpp: PF_INET, registered with Linux's inetsw_array in
// its order and with its flags, plus the protos' constexpr default images.
#pragma once

#include <ksock/inet/inet_create.hpp>
#include <ksock/inet/inet_dgram_ops.hpp>
#include <ksock/inet/inet_sockraw_ops.hpp>
#include <ksock/inet/inet_stream_ops.hpp>
#include <ksock/inet/ping.hpp>
#include <ksock/inet/raw.hpp>
#include <ksock/inet/tcp/tcp.hpp>
#include <ksock/inet/udp/udp.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

namespace ksock::inet {

using tcp_protosw = protosw<sock_stream, ipproto_tcp, tcp_prot, inet_stream_ops,
                            inet_protosw_permanent | inet_protosw_icsk>;
using udp_protosw =
    protosw<sock_dgram, ipproto_udp, udp_prot, inet_dgram_ops, inet_protosw_permanent>;
using ping_protosw =
    protosw<sock_dgram, ipproto_icmp, ping_prot, inet_sockraw_ops, inet_protosw_reuse>;
using raw_protosw = protosw<sock_raw, ipproto_ip, raw_prot, inet_sockraw_ops, inet_protosw_reuse>;

//! inetsw_array.
using inetsw = type_list<tcp_protosw, udp_protosw, ping_protosw, raw_protosw>;

} // namespace ksock::inet

namespace ksock {

//! PF_INET (inet_family_ops).
using inet_family = family<pf_inet, inet::inet_create, inet::inetsw>;

inline constexpr tcp_sock inet::tcp_prot::defaults =
    inet::inet_create::image<inet::tcp_protosw>(ipproto_tcp);
inline constexpr udp_sock inet::udp_prot::defaults =
    inet::inet_create::image<inet::udp_protosw>(ipproto_udp);
inline constexpr inet_sock inet::ping_prot::defaults =
    inet::inet_create::image<inet::ping_protosw>(ipproto_icmp);
inline constexpr raw_sock inet::raw_prot::defaults =
    inet::inet_create::image<inet::raw_protosw>(ipproto_raw);

} // namespace ksock
