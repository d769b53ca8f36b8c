// ksock/inet/udp/udp.hpp: udp_prot (net/ipv4/udp.c) and udplite_prot
// (net/ipv4/udplite.c): udp_init_sock, the port table (udp_lib_get_port,
// udp_lib_unhash), connect/disconnect, sendmsg, recvmsg and udp_lib_close.
// The two protos share every function and differ in their name, their
// protocol number and their port table: a UDP-Lite port is not a UDP port.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/inet/inet_hash_order.hpp>
#include <ksock/inet/inet_kfunc.hpp>
#include <ksock/inet/ip/icmp.hpp>
#include <ksock/inet/ip/ip4_datagram_ioctl.hpp>
#include <ksock/inet/ip/ip4_datagram_proto.hpp>
#include <ksock/inet/ip/ip_loopback.hpp>
#include <ksock/inet/udp/udp_input.hpp>
#include <ksock/inet/udp/udp_output.hpp>
#include <ksock/inet/udp/udp_sock.hpp>
#include <ksock/inet/udp/udp_sockopt.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/list.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/types.hpp>

namespace ksock::inet {

//! The members udp_prot and udplite_prot share; \p Self is the proto whose
//! pool is the port table (udp_table, udplite_table).
template <class Self>
struct udp_lib_prot : ip4_datagram_proto<Self, udp_sock> {
    //! What processes a backlogged skb.
    static constexpr kfunc backlog_rcv = kf::udp_queue_rcv_skb;
    using state_type = udp_table; //!< the port table

    //! .getsockopt = udp_getsockopt: SOL_UDP and SOL_UDPLITE, then SOL_IP.
    static constexpr auto& getsockopt_fn = udp_getsockopt;

    //! udp_lib_init_sock + udp_init_sock values.
    static constexpr void init_values(udp_sock& up, const ipv4_sysctl&) noexcept {
        init_buffer_values(up);
        up.inet.sk.sk_destruct = kf::udp_destruct_sock;
    }
    //! The value that follows the receive buffer (net.core.rmem_default).
    static constexpr void init_buffer_values(udp_sock& up) noexcept {
        up.forward_threshold = up.inet.sk.sk_rcvbuf >> 2;
    }

    //! udp_init_sock: the values init_values gives, on the pool's sock.
    template <class Ctx>
    static int init(Ctx& ctx, sock& sk) {
        udp_sock& up = *udp_sk(&sk);
        init_values(up, ipv4_net(ctx).sysctl);
        init_after_image(ctx, sk);
        auto& tr = ctx.trace();
        if constexpr (std::remove_reference_t<decltype(tr)>::enabled) {
            tr.note(Self::init_note);
            tr.field("forward_threshold (sk_rcvbuf >> 2)", up.forward_threshold);
            tr.text("sk_destruct", kf::name(sk.sk_destruct));
            tr.note("SOCK_CUSTOM_SOCKOPT set on sk_socket->flags");
        }
        return 0;
    }

    //! init on a copy of the image: the queue and list that point at
    //! themselves, the buffer's value, the socket's flags.
    template <class Ctx>
    static int init_after_image(Ctx&, sock& sk) {
        udp_sock& up = *udp_sk(&sk);
        skb_queue_head_init(up.reader_queue);
        init_list_head(up.tunnel_list);
        init_buffer_values(up);
        // UDP handles SOL_SOCKET itself (udp_lib_setsockopt), and supports
        // zero-copy sends.
        if (sk.sk_socket)
            sk.sk_socket->flags |= (1UL << sock_custom_sockopt) | (1UL << sock_support_zc);
        return 0;
    }

    //! udp_lib_lport_inuse's test between \p sk and a hashed \p sk2 on the
    //! same port: 0 no conflict, 1 a conflict, 2 a conflict SO_REUSEPORT
    //! resolves (both set it, same owner).
    static int lport_conflict(const sock& sk, const sock& sk2) noexcept {
        if (&sk2 == &sk || (sk2.sk_reuse() && sk.sk_reuse()))
            return 0;
        if (sk2.sk_bound_dev_if() && sk.sk_bound_dev_if() &&
            sk2.sk_bound_dev_if() != sk.sk_bound_dev_if())
            return 0;
        const std::uint32_t a = inet_sk(&sk)->inet_rcv_saddr();
        const std::uint32_t b = inet_sk(&sk2)->inet_rcv_saddr();
        if (a && b && a != b)
            return 0;
        return sk2.sk_reuseport() && sk.sk_reuseport() && sk2.sk_uid == sk.sk_uid ? 2 : 1;
    }

    //! udp_lib_get_port. An explicit port is refused when a sock holds it
    //! on an overlapping address (0.0.0.0 overlaps every address) unless
    //! both set SO_REUSEADDR, or both set SO_REUSEPORT with the same owner:
    //! the most recently hashed such sock decides, as the head of Linux's
    //! chain does. Port 0 takes a free port of ip_local_port_range from a
    //! random start. Non-zero when nothing is free.
    template <class Ctx>
    static int get_port(Ctx& ctx, sock& sk, unsigned short snum) {
        if (!snum) {
            const auto& s = ipv4_net(ctx).sysctl;
            const int low = s.ip_local_port_range[0];
            const int high = s.ip_local_port_range[1];
            const auto remaining = static_cast<std::uint32_t>(high - low + 1);
            const std::uint32_t rand = ctx.net().prandom_u32();
            const auto first =
                static_cast<std::uint32_t>((static_cast<std::uint64_t>(rand) * remaining) >> 32);
            bool found = false;
            for (std::uint32_t i = 0; i < remaining && !found; ++i) {
                const auto port = static_cast<unsigned short>(static_cast<std::uint32_t>(low) +
                                                              (first + i) % remaining);
                bool used = false;
                udp_for_each_hashed<Self>(ctx, [&](sock& sk2) {
                    used =
                        used || (inet_sk(&sk2)->inet_num() == port && lport_conflict(sk, sk2) == 1);
                });
                if (!used) {
                    snum = port;
                    found = true;
                }
            }
            if (!found)
                return 1;
        } else {
            const sock* decider = nullptr;
            int verdict = 0;
            udp_for_each_hashed<Self>(ctx, [&](sock& sk2) {
                if (inet_sk(&sk2)->inet_num() != snum)
                    return;
                const int c = lport_conflict(sk, sk2);
                if (c && (!decider || sk2.sk_common.skc_hash > decider->sk_common.skc_hash)) {
                    decider = &sk2;
                    verdict = c;
                }
            });
            if (verdict == 1)
                return 1;
        }
        inet_sk_add_node(sk, snum, ctx.template proto_state<Self>().hash_seq);
        return 0;
    }

    //! udp_lib_unhash: the port is given up, with the hash's reference.
    template <class Ctx>
    static void unhash(Ctx&, sock& sk) {
        inet_sk_del_node_init(sk);
    }

    //! udp_ioctl: SIOCINQ is the first datagram's payload (0 when none),
    //! SIOCOUTQ the send memory still charged.
    template <class Ctx>
    static int ioctl(Ctx&, sock& sk, unsigned long cmd, int* karg) {
        return ip4_datagram_ioctl(sk, cmd, karg);
    }

    //! ->sendmsg (udp_sendmsg).
    template <class Ctx>
    static long sendmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len) {
        return udp_sendmsg(ctx, sk, msg, len);
    }
    //! ->recvmsg (udp_recvmsg).
    template <class Ctx>
    static long recvmsg(Ctx& ctx, sock& sk, kmsghdr& msg, std::size_t len, int flags,
                        int* addr_len) {
        return udp_recvmsg(ctx, sk, msg, len, flags, addr_len);
    }

    //! .setsockopt = udp_setsockopt, which takes SOL_SOCKET too
    //! (udp_lib_setsockopt: SOCK_CUSTOM_SOCKOPT).
    template <class Entry, class Ctx>
    static int setsockopt(Ctx& ctx, ksock::socket& so, int level, int optname, const void* optval,
                          socklen_t optlen) {
        return udp_lib_setsockopt<Entry>(ctx, so, level, optname, optval, optlen);
    }
};

//! udp_prot (struct proto "UDP", net/ipv4/udp.c).
struct udp_prot : udp_lib_prot<udp_prot> {
    static constexpr const char* name = "UDP"; //!< struct proto .name
    //! What the trace shows for init.
    static constexpr const char* init_note = "udp_init_sock -> udp_lib_init_sock";
    //! A fresh sock of this proto (the image the creation path copies).
    static const udp_sock defaults;
};

//! udplite_prot: udplite_sk_init is udp_init_sock (and a one-time warning
//! that UDP-Lite is deprecated, which ksock does not print).
struct udplite_prot : udp_lib_prot<udplite_prot> {
    static constexpr const char* name = "UDP-Lite"; //!< struct proto .name
    //! What the trace shows for init.
    static constexpr const char* init_note =
        "udplite_sk_init -> udp_init_sock -> udp_lib_init_sock";
    //! A fresh sock of this proto (the image the creation path copies).
    static const udp_sock defaults;
};

} // namespace ksock::inet
