// ksock/uapi/socket.hpp: the socket API's numbers (include/linux/socket.h,
// linux/net.h, asm-generic/socket.h): families, types, option levels, the
// SOL_SOCKET options, socket states, and the structures those options carry.
#pragma once

#include <cstdint>

#include <ksock/uapi/fcntl.hpp>
#include <ksock/uapi/value_names.hpp>

namespace ksock {

//! socket(2)'s domain and sockaddr's sa_family: AF_* and the same numbers as
//! PF_* (include/linux/socket.h); nproto is Linux's NPROTO.
//!@{
inline constexpr int af_unspec = 0;
inline constexpr int af_unix = 1;
inline constexpr int af_local = af_unix;
inline constexpr int af_inet = 2;
inline constexpr int af_inet6 = 10;
inline constexpr int af_netlink = 16;
inline constexpr int af_packet = 17;
inline constexpr int af_bluetooth = 31;
inline constexpr int af_vsock = 40;
inline constexpr int af_xdp = 44;
inline constexpr int af_mctp = 45;
inline constexpr int af_max = 46; //!< NPROTO: families are 0 .. af_max-1
inline constexpr int pf_unspec = af_unspec;
inline constexpr int pf_unix = af_unix;
inline constexpr int pf_local = af_local;
inline constexpr int pf_inet = af_inet;
inline constexpr int pf_inet6 = af_inet6;
inline constexpr int pf_netlink = af_netlink;
inline constexpr int pf_packet = af_packet;
inline constexpr int pf_max = af_max;
inline constexpr int nproto = af_max;
//!@}
//! The families' names, for traces.
inline constexpr value_name af_names[] = {{af_unspec, -1, "AF_UNSPEC"},
                                          {af_unix, -1, "AF_UNIX"},
                                          {af_inet, -1, "AF_INET"},
                                          {af_inet6, -1, "AF_INET6"},
                                          {af_netlink, -1, "AF_NETLINK"},
                                          {af_packet, -1, "AF_PACKET"},
                                          {af_bluetooth, -1, "AF_BLUETOOTH"},
                                          {af_vsock, -1, "AF_VSOCK"},
                                          {af_xdp, -1, "AF_XDP"},
                                          {af_mctp, -1, "AF_MCTP"}};

//! socket(2)'s type, enum sock_type in include/linux/net.h; sock_type_mask
//! takes the type out of a type argument that carries flags.
//!@{
inline constexpr int sock_stream = 1;
inline constexpr int sock_dgram = 2;
inline constexpr int sock_raw = 3;
inline constexpr int sock_rdm = 4;
inline constexpr int sock_seqpacket = 5;
inline constexpr int sock_dccp = 6;
inline constexpr int sock_packet = 10;
inline constexpr int sock_max = sock_packet + 1;
inline constexpr int sock_type_mask = 0xf;
//!@}

//! socket(2)'s type flags: SOCK_CLOEXEC and SOCK_NONBLOCK are O_CLOEXEC and
//! O_NONBLOCK.
//!@{
inline constexpr int sock_cloexec = o_cloexec;
inline constexpr int sock_nonblock = o_nonblock;
//!@}
//! socket(2)'s type argument, type and flags, for traces.
inline constexpr value_name sock_type_names[] = {{sock_stream, sock_type_mask, "SOCK_STREAM"},
                                                 {sock_dgram, sock_type_mask, "SOCK_DGRAM"},
                                                 {sock_raw, sock_type_mask, "SOCK_RAW"},
                                                 {sock_rdm, sock_type_mask, "SOCK_RDM"},
                                                 {sock_seqpacket, sock_type_mask, "SOCK_SEQPACKET"},
                                                 {sock_dccp, sock_type_mask, "SOCK_DCCP"},
                                                 {sock_packet, sock_type_mask, "SOCK_PACKET"},
                                                 {sock_nonblock, sock_nonblock, "SOCK_NONBLOCK"},
                                                 {sock_cloexec, sock_cloexec, "SOCK_CLOEXEC"}};

//! setsockopt(2)'s level: SOL_SOCKET (asm-generic/socket.h), the others are
//! the protocol numbers (include/linux/socket.h).
//!@{
inline constexpr int sol_ip = 0;
inline constexpr int sol_socket = 1;
inline constexpr int sol_tcp = 6;
inline constexpr int sol_udp = 17;
inline constexpr int sol_udplite = 136;
inline constexpr int sol_raw = 255;
//!@}

//! The SO_* option names at level SOL_SOCKET, as numbered in
//! include/uapi/asm-generic/socket.h (the layout x86-64 and ARM share).
//!@{
inline constexpr int so_debug = 1;
inline constexpr int so_reuseaddr = 2;
inline constexpr int so_type = 3;
inline constexpr int so_error = 4;
inline constexpr int so_dontroute = 5;
inline constexpr int so_broadcast = 6;
inline constexpr int so_sndbuf = 7;
inline constexpr int so_rcvbuf = 8;
inline constexpr int so_keepalive = 9;
inline constexpr int so_oobinline = 10;
inline constexpr int so_no_check = 11;
inline constexpr int so_priority = 12;
inline constexpr int so_linger = 13;
inline constexpr int so_bsdcompat = 14;
inline constexpr int so_reuseport = 15;
inline constexpr int so_passcred = 16;
inline constexpr int so_peercred = 17;
inline constexpr int so_rcvlowat = 18;
inline constexpr int so_sndlowat = 19;
inline constexpr int so_rcvtimeo_old = 20;
inline constexpr int so_sndtimeo_old = 21;
inline constexpr int so_acceptconn = 30;
inline constexpr int so_sndbufforce = 32;
inline constexpr int so_rcvbufforce = 33;
inline constexpr int so_mark = 36;
inline constexpr int so_protocol = 38;
inline constexpr int so_domain = 39;
inline constexpr int so_peek_off = 42;
inline constexpr int so_passsec = 34;
inline constexpr int so_max_pacing_rate = 47;
inline constexpr int so_incoming_cpu = 49;
inline constexpr int so_zerocopy = 60;
inline constexpr int so_txrehash = 74;
inline constexpr int so_rcvtimeo_new = 66;
inline constexpr int so_sndtimeo_new = 67;
//!@}

//! On 64-bit Linux the plain names are the _OLD numbers (struct timeval of longs).
//!@{
inline constexpr int so_rcvtimeo = so_rcvtimeo_old;
inline constexpr int so_sndtimeo = so_sndtimeo_old;
//!@}

//! struct socket's state, enum socket_state in include/uapi/linux/net.h.
//!@{
inline constexpr int ss_free = 0;
inline constexpr int ss_unconnected = 1;
inline constexpr int ss_connecting = 2;
inline constexpr int ss_connected = 3;
inline constexpr int ss_disconnecting = 4;
//!@}
//! socket_state's names, for traces.
inline constexpr value_name ss_names[] = {{ss_free, -1, "SS_FREE"},
                                          {ss_unconnected, -1, "SS_UNCONNECTED"},
                                          {ss_connecting, -1, "SS_CONNECTING"},
                                          {ss_connected, -1, "SS_CONNECTED"},
                                          {ss_disconnecting, -1, "SS_DISCONNECTING"}};

//! struct __kernel_old_timeval: what SO_RCVTIMEO_OLD / SO_SNDTIMEO_OLD carry.
struct timeval {
    long tv_sec;  //!< whole seconds
    long tv_usec; //!< microseconds, 0 .. 999999
};

//! struct __kernel_sock_timeval: what SO_RCVTIMEO_NEW / SO_SNDTIMEO_NEW carry.
struct sock_timeval {
    std::int64_t tv_sec;  //!< whole seconds
    std::int64_t tv_usec; //!< microseconds, 0 .. 999999
};

//! struct linger (SO_LINGER).
struct linger {
    int l_onoff;  //!< nonzero: close() lingers
    int l_linger; //!< how long close() lingers, in seconds
};

} // namespace ksock
