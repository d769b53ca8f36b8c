// ksock/inet/udp/udp_sockopt.hpp: the SOL_UDP / SOL_UDPLITE options and UDP's
// own SOL_SOCKET path, Linux 6.18's udp_getsockopt / udp_setsockopt
// (net/ipv4/udp.c, include/linux/udp.h, include/uapi/linux/udp.h).
#pragma once

#include <cstdint>

#include <ksock/core/sock_getsockopt.hpp>
#include <ksock/core/sock_opt.hpp>
#include <ksock/core/sock_setsockopt.hpp>
#include <ksock/inet/ip/ip_sockglue.hpp>
#include <ksock/inet/netns_ipv4.hpp>
#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>
#include <ksock/uapi/udp.hpp>

namespace ksock::inet {

//! udp_set_peek_off(): the set_peek_off of inet_dgram_ops. Linux also
//! records `peeking_with_offset = val >= 0` in the udp_sock; ksock's
//! udp_sock has no such field yet, so only sk_peek_off changes.
inline int udp_set_peek_off(sock& sk, int val) noexcept {
    return sk_set_peek_off(sk, val);
}

namespace detail {
constexpr bool is_udplite(const sock& sk) noexcept {
    return sk.sk_protocol == ipproto_udplite;
}
//! udp_tunnel_encap_enable(): mark the socket as an encapsulation endpoint
//! (Linux also flips the global udp_encap_needed static key).
constexpr void udp_tunnel_encap_enable(udp_sock& up) noexcept {
    udp_assign_bit(up, udp_flags_encap_enabled, true);
}
} // namespace detail

namespace detail {

//! A SOL_UDP option that is one bit of udp_flags.
struct udp_flag_opt {
    int optname;
    udp_flags_bit bit;
};

//! The options udp_setsockopt sets with udp_assign_bit and udp_getsockopt
//! reads with udp_test_bit. (Uncorking pushes the pending datagram: ksock
//! queues none yet.)
inline constexpr udp_flag_opt udp_flag_opts[] = {
    {udp_cork, udp_flags_cork},
    {udp_no_check6_tx, udp_flags_no_check6_tx},
    {udp_no_check6_rx, udp_flags_no_check6_rx},
};

//! The flag option named \p optname, or null.
constexpr const udp_flag_opt* udp_flag_opt_find(int optname) noexcept {
    for (const udp_flag_opt& o : udp_flag_opts)
        if (o.optname == optname)
            return &o;
    return nullptr;
}

//! The SOL_UDP and SOL_UDPLITE options (an int each).
inline int udp_set_int(sock& sk, udp_sock& up, int optname, int val) noexcept {
    const bool valbool = val != 0;
    if (const udp_flag_opt* o = udp_flag_opt_find(optname)) {
        udp_assign_bit(up, o->bit, valbool);
        return 0;
    }
    switch (optname) {
    case udp_encap:
        // With CONFIG_XFRM (as on the observed kernel) ESP-in-UDP is known;
        // the draft NON_IKE mode (1) and the GTP/RxRPC kinds, which only
        // in-kernel users set, are not.
        switch (val) {
        case 0:
        case udp_encap_espinudp:
        case udp_encap_l2tpinudp:
            up.encap_type = static_cast<std::uint8_t>(val);
            detail::udp_tunnel_encap_enable(up);
            return 0;
        default:
            return -enoprotoopt;
        }
    case udp_segment:
        if (val < 0 || val > 0xffff)
            return -einval;
        up.gso_size = static_cast<std::uint16_t>(val);
        return 0;
    case udp_gro:
        // Enabling GRO also accepts the matching GSO packets (ACCEPT_L4).
        if (valbool)
            detail::udp_tunnel_encap_enable(up);
        udp_assign_bit(up, udp_flags_gro_enabled, valbool);
        udp_assign_bit(up, udp_flags_accept_l4, valbool);
        return 0;
    case udplite_send_cscov:
    case udplite_recv_cscov:
        // UDP-Lite checksum coverage: 0 is "whole packet", 1..7 round up to
        // the 8-byte header, anything above 65535 saturates.
        if (!detail::is_udplite(sk))
            return -enoprotoopt;
        if (val != 0 && val < 8)
            val = 8;
        else if (val > 0xffff)
            val = 0xffff;
        if (optname == udplite_send_cscov) {
            up.pcslen = static_cast<std::uint16_t>(val);
            udp_assign_bit(up, udp_flags_udplite_send_cc, true);
        } else {
            up.pcrlen = static_cast<std::uint16_t>(val);
            udp_assign_bit(up, udp_flags_udplite_recv_cc, true);
        }
        return 0;
    default:
        return -enoprotoopt;
    }
}

//! The value of an option that is not a flag (udp_getsockopt's switch past
//! the flags); false for a name udp_getsockopt does not know.
inline bool udp_get_value_opt(const udp_sock& up, int optname, int& val) noexcept {
    switch (optname) {
    case udp_encap:
        val = up.encap_type;
        return true;
    case udp_segment:
        val = up.gso_size;
        return true;
    case udp_gro:
        val = udp_test_bit(up, udp_flags_gro_enabled);
        return true;
    case udplite_send_cscov:
        // Readable on plain UDP too: always 0 (full coverage) there.
        val = up.pcslen;
        return true;
    case udplite_recv_cscov:
        val = up.pcrlen;
        return true;
    default:
        return false;
    }
}

} // namespace detail

//! udp_setsockopt(): SOL_UDP and SOL_UDPLITE are UDP's own; any other level
//! but SOL_SOCKET goes to ip_setsockopt (SOL_SOCKET: udp_lib_setsockopt).
inline int udp_setsockopt(ksock::socket& s, int level, int optname, const void* optval,
                          socklen_t optlen, const cred& cr) {
    if (level != sol_udp && level != sol_udplite)
        return ip_setsockopt(s, level, optname, optval, optlen, cr);
    int val = 0;
    if (optlen < sizeof(int))
        return -einval;
    if (!ksock::copy_from_user(&val, optval, sizeof(val)))
        return -efault;
    return detail::udp_set_int(*s.sk, *udp_sk(s.sk), optname, val);
}

//! udp_lib_setsockopt(): UDP sets SOCK_CUSTOM_SOCKOPT, so even SOL_SOCKET
//! comes here: it runs sk_setsockopt for the socket's entry and then
//! re-derives forward_threshold (a quarter of the receive buffer) after
//! SO_RCVBUF / SO_RCVBUFFORCE, whether or not the option succeeded.
template <class Entry, class Ctx>
int udp_lib_setsockopt(Ctx& ctx, ksock::socket& s, int level, int optname, const void* optval,
                       socklen_t optlen) {
    if (level != sol_socket)
        return udp_setsockopt(s, level, optname, optval, optlen, ctx.current_cred());
    const int err = sk_setsockopt<Entry>(ctx, s, optname, optval, optlen);
    if (optname == so_rcvbuf || optname == so_rcvbufforce)
        udp_sk(s.sk)->forward_threshold = s.sk->sk_rcvbuf >> 2;
    return err;
}

//! udp_getsockopt(): SOL_UDP and SOL_UDPLITE are UDP's own, other levels go
//! to ip_getsockopt (SOL_SOCKET never arrives here: getsockopt has no
//! custom-SOL_SOCKET path).
inline int udp_getsockopt(ksock::socket& s, int level, int optname, void* optval, socklen_t* optlen,
                          const cred& cr, const netns_ipv4& ns) {
    if (level != sol_udp && level != sol_udplite)
        return ip_getsockopt(s, level, optname, optval, optlen, cr, ns);

    const udp_sock& up = *udp_sk(s.sk);
    int val = 0;
    int len = 0;
    if (!ksock::get_user_len(optlen, len))
        return -efault;
    if (len < 0)
        return -einval;
    if (len > static_cast<int>(sizeof(int)))
        len = sizeof(int);

    if (const detail::udp_flag_opt* o = detail::udp_flag_opt_find(optname))
        val = udp_test_bit(up, o->bit);
    else if (!detail::udp_get_value_opt(up, optname, val))
        return -enoprotoopt;
    return ksock::put_len_then_value(optlen, len, optval, &val);
}

} // namespace ksock::inet
