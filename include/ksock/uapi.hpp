// ksock/uapi.hpp: the Linux UAPI constants and types ksock uses, with Linux's
// values (x86-64 numbering, which is also the generic one for everything here).
//
// Named ksock:: + the lowercase Linux name so that no system header is needed
// (a Cortex-M build has none of them) and no macro can collide.
#pragma once

#include <cstdint>

// The structures of the data path, one header each.
#include <ksock/uapi/msghdr.hpp>
#include <ksock/uapi/poll.hpp>
#include <ksock/uapi/sockaddr.hpp>

namespace ksock {

// --- address / protocol families (include/linux/socket.h) -----------------
inline constexpr int af_unspec = 0;
inline constexpr int af_unix = 1;
inline constexpr int af_local = af_unix;
inline constexpr int af_inet = 2;
inline constexpr int af_inet6 = 10;
inline constexpr int af_netlink = 16;
inline constexpr int af_packet = 17;
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

// --- socket types (include/linux/net.h, enum sock_type) -------------------
inline constexpr int sock_stream = 1;
inline constexpr int sock_dgram = 2;
inline constexpr int sock_raw = 3;
inline constexpr int sock_rdm = 4;
inline constexpr int sock_seqpacket = 5;
inline constexpr int sock_dccp = 6;
inline constexpr int sock_packet = 10;
inline constexpr int sock_max = sock_packet + 1;
inline constexpr int sock_type_mask = 0xf;

// --- open flags (include/uapi/asm-generic/fcntl.h) ------------------------
inline constexpr int o_rdonly = 00;
inline constexpr int o_wronly = 01;
inline constexpr int o_rdwr = 02;
inline constexpr int o_accmode = 03;
inline constexpr int o_append = 02000;
inline constexpr int o_nonblock = 04000;
inline constexpr int o_ndelay = o_nonblock;
inline constexpr int o_async = 020000; //!< FASYNC
inline constexpr int o_direct = 040000;
inline constexpr int o_noatime = 01000000;
inline constexpr int o_cloexec = 02000000;
inline constexpr int sock_cloexec = o_cloexec;
inline constexpr int sock_nonblock = o_nonblock;

// --- fcntl commands -------------------------------------------------------
inline constexpr int f_dupfd = 0;
inline constexpr int f_getfd = 1;
inline constexpr int f_setfd = 2;
inline constexpr int f_getfl = 3;
inline constexpr int f_setfl = 4;
inline constexpr int f_dupfd_cloexec = 1030;
inline constexpr int fd_cloexec = 1;

// --- protocols (include/uapi/linux/in.h) ----------------------------------
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
inline constexpr int ipproto_max = 263; //!< not 256: MPTCP lives above

// --- option levels --------------------------------------------------------
inline constexpr int sol_ip = 0;
inline constexpr int sol_socket = 1;
inline constexpr int sol_tcp = 6;
inline constexpr int sol_udp = 17;
inline constexpr int sol_raw = 255;

// --- SOL_SOCKET options (include/uapi/asm-generic/socket.h) ---------------
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
inline constexpr int so_rcvtimeo_new = 66;
inline constexpr int so_sndtimeo_new = 67;
//! On 64-bit Linux the plain names are the _OLD numbers (struct timeval of longs).
inline constexpr int so_rcvtimeo = so_rcvtimeo_old;
inline constexpr int so_sndtimeo = so_sndtimeo_old;

// --- SOL_IP options -------------------------------------------------------
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

// --- SOL_TCP options (include/uapi/linux/tcp.h) ---------------------------
inline constexpr int tcp_nodelay = 1;
inline constexpr int tcp_maxseg = 2;
inline constexpr int tcp_cork = 3;
inline constexpr int tcp_keepidle = 4;
inline constexpr int tcp_keepintvl = 5;
inline constexpr int tcp_keepcnt = 6;
inline constexpr int tcp_syncnt = 7;
inline constexpr int tcp_linger2 = 8;
inline constexpr int tcp_defer_accept = 9;
inline constexpr int tcp_window_clamp = 10;
inline constexpr int tcp_info = 11; //!< the option; the struct is ksock::tcp_info_t
inline constexpr int tcp_quickack = 12;
inline constexpr int tcp_congestion = 13;
inline constexpr int tcp_user_timeout = 18;

// --- capabilities (include/uapi/linux/capability.h) -----------------------
inline constexpr int cap_chown = 0;
inline constexpr int cap_fowner = 3;
inline constexpr int cap_net_bind_service = 10;
inline constexpr int cap_net_broadcast = 11;
inline constexpr int cap_net_admin = 12;
inline constexpr int cap_net_raw = 13;
inline constexpr int cap_sys_admin = 21;
inline constexpr int cap_sys_resource = 24;
inline constexpr int cap_last_cap = 40;

// --- socket states (include/uapi/linux/net.h, enum socket_state) ----------
inline constexpr int ss_free = 0;
inline constexpr int ss_unconnected = 1;
inline constexpr int ss_connecting = 2;
inline constexpr int ss_connected = 3;
inline constexpr int ss_disconnecting = 4;

// --- ioctl requests (asm-generic/ioctls.h, linux/sockios.h) ---------------
inline constexpr unsigned long fionread = 0x541b; //!< = SIOCINQ
inline constexpr unsigned long siocinq = fionread;
inline constexpr unsigned long tiocoutq = 0x5411; //!< = SIOCOUTQ
inline constexpr unsigned long siocoutq = tiocoutq;
inline constexpr unsigned long fionbio = 0x5421;
inline constexpr unsigned long fionclex = 0x5450;
inline constexpr unsigned long fioclex = 0x5451;
inline constexpr unsigned long fioasync = 0x5452;
inline constexpr unsigned long fiosetown = 0x8901;
inline constexpr unsigned long siocspgrp = 0x8902;
inline constexpr unsigned long fiogetown = 0x8903;
inline constexpr unsigned long siocgpgrp = 0x8904;
inline constexpr unsigned long siocatmark = 0x8905;
inline constexpr unsigned long siocgstamp_old = 0x8906;
inline constexpr unsigned long siocgstampns_old = 0x8907;
inline constexpr unsigned long siocgstamp_new = 0x80108906; //!< _IOR(0x89, 6, long long[2])
inline constexpr unsigned long siocgstampns_new = 0x80108907;
inline constexpr unsigned long siocoutqnsd = 0x894b;

// --- types ----------------------------------------------------------------
using socklen_t = std::uint32_t;
using uid_t = std::uint32_t;
using gid_t = std::uint32_t;

//! struct __kernel_old_timeval: what SO_RCVTIMEO_OLD / SO_SNDTIMEO_OLD carry.
struct timeval {
    long tv_sec;
    long tv_usec;
};

//! struct __kernel_sock_timeval: what SO_RCVTIMEO_NEW / SO_SNDTIMEO_NEW carry.
struct sock_timeval {
    std::int64_t tv_sec;
    std::int64_t tv_usec;
};

//! struct linger (SO_LINGER).
struct linger {
    int l_onoff;
    int l_linger;
};

} // namespace ksock
