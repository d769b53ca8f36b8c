// ksock/inet/ip/inet_protos.hpp: inet_protos[] (net/ipv4/protocol.c), the IP
// protocols inet_init registers (net/ipv4/af_inet.c: icmp_protocol,
// udp_protocol, tcp_protocol, then udplite4_register's udplite_protocol), as
// a compile-time list of net_protocol entries, and the dispatches on it:
// ip_protocol_deliver_rcu's (a packet) and icmp_socket_deliver's (an ICMP
// error about one).
//
// The receivers are defined in their own headers (udp_input.hpp, icmp.hpp),
// which include the IP layer in turn, and are declared here, as Linux's
// af_inet.c sees them through include/net/udp.h and icmp.h.
#pragma once

#include <cstddef>
#include <cstdint>

#include <ksock/core/skbuff.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/detail/with_index.hpp>
#include <ksock/inet/ip/net_protocol.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/in.hpp>

namespace ksock::inet {

struct udp_prot;
struct udplite_prot;
template <class T, class Ctx>
void udp4_lib_rcv(Ctx& ctx, sk_buff* skb, std::uint8_t proto);
template <class T, class Ctx>
void udp4_lib_err(Ctx& ctx, const sk_buff* skb, std::size_t inner, std::uint8_t type,
                  std::uint8_t code);
template <class Ctx>
void icmp_rcv(Ctx& ctx, sk_buff* skb);
struct tcp_prot;
template <class P, class Ctx>
void tcp_v4_rcv(Ctx& ctx, sk_buff* skb);

//! icmp_protocol: .handler = icmp_rcv.
struct icmp_protocol {
    //! icmp_rcv.
    template <class Ctx>
    static void handler(Ctx& ctx, sk_buff* skb) {
        icmp_rcv(ctx, skb);
    }
};

//! udp_protocol and udplite_protocol: .handler = udp_rcv / udplite_rcv,
//! .err_handler = udp_err / udplite_err, which are __udp4_lib_rcv and
//! __udp4_lib_err with the protocol's table \p T (its proto's pool).
template <class T, std::uint8_t Proto>
struct udp_table_protocol {
    //! udp_rcv / udplite_rcv: deliver the datagram to its socket.
    template <class Ctx>
    static void handler(Ctx& ctx, sk_buff* skb) {
        udp4_lib_rcv<T>(ctx, skb, Proto);
    }
    //! udp_err / udplite_err: an ICMP error about a datagram this host sent.
    template <class Ctx>
    static void err_handler(Ctx& ctx, const sk_buff* skb, std::size_t inner, std::uint8_t type,
                            std::uint8_t code) {
        udp4_lib_err<T>(ctx, skb, inner, type, code);
    }
};
//! UDP's and UDP-Lite's net_protocol, on their protos' tables.
//!@{
using udp_protocol = udp_table_protocol<udp_prot, ipproto_udp>;
using udplite_protocol = udp_table_protocol<udplite_prot, ipproto_udplite>;
//!@}

//! tcp_protocol: .handler = tcp_v4_rcv (tcp_v4_rcv.hpp), for segments from
//! a device and over lo alike.
struct tcp_protocol {
    //! tcp_v4_rcv, on a stack with a device besides lo.
    template <class Ctx>
    static void handler(Ctx& ctx, sk_buff* skb) {
        tcp_v4_rcv<tcp_prot>(ctx, skb);
    }
};

//! inet_protos: the protocols inet_init adds, in its order (IGMP aside:
//! ksock has no multicast), then UDP-Lite.
using inet_protos =
    type_list<net_protocol<ipproto_icmp, icmp_protocol>, net_protocol<ipproto_udp, udp_protocol>,
              net_protocol<ipproto_tcp, tcp_protocol>,
              net_protocol<ipproto_udplite, udplite_protocol>>;

namespace detail {

//! inet_add_protocol's rules over a list of entries: each one a
//! net_protocol, each IP protocol in one of them at most.
template <class... Es>
constexpr bool inet_protos_valid(type_list<Es...>) {
    static_assert((inet_protocol<Es> && ...), "ksock::inet::inet_protos: every element must be a "
                                              "ksock::inet::net_protocol<Protocol, Handler>");
    constexpr int p[] = {Es::protocol..., -1};
    for (std::size_t i = 0; i < sizeof...(Es); ++i)
        for (std::size_t j = i + 1; j < sizeof...(Es); ++j)
            if (p[i] == p[j])
                return false;
    return true;
}

//! The dispatch itself: the entry's index found in the list's constexpr
//! table of protocol numbers, then a generated switch on it
//! (ksock::detail::with_index) that calls that entry's handler.
template <class Ctx, class... Es>
inline bool inet_protocol_deliver(type_list<Es...>, Ctx& ctx, sk_buff* skb, std::uint8_t protocol) {
    constexpr std::size_t n = sizeof...(Es);
    if constexpr (n == 0) {
        (void)ctx;
        (void)skb;
        (void)protocol;
        return false;
    } else {
        constexpr int numbers[] = {Es::protocol...};
        std::size_t i = 0;
        while (i < n && numbers[i] != protocol)
            ++i;
        if (i == n)
            return false;
        ksock::detail::with_index_inline<n>(i, [&]<std::size_t I>() {
            ksock::detail::at_t<I, type_list<Es...>>::handler(ctx, skb);
        });
        return true;
    }
}

//! icmp_socket_deliver's call of inet_protos[protocol]->err_handler.
template <class Ctx, class... Es>
inline void inet_protocol_err(type_list<Es...>, Ctx& ctx, const sk_buff* icmp, std::size_t inner,
                              std::uint8_t protocol, std::uint8_t type, std::uint8_t code) {
    (void)((Es::protocol == protocol ? (Es::err_handler(ctx, icmp, inner, type, code), true)
                                     : false) ||
           ...);
}

} // namespace detail

static_assert(detail::inet_protos_valid(inet_protos{}),
              "ksock::inet::inet_protos: each IP protocol may have one net_protocol "
              "(inet_add_protocol refuses a taken slot)");

//! ip_protocol_deliver_rcu's call of inet_protos[protocol]->handler: the
//! packet goes to its protocol's handler, which consumes it; false (the
//! packet untouched) when no protocol is registered for it.
template <class Ctx>
inline bool inet_protocol_deliver(Ctx& ctx, sk_buff* skb, std::uint8_t protocol) {
    return detail::inet_protocol_deliver(inet_protos{}, ctx, skb, protocol);
}

//! icmp_socket_deliver: an ICMP error (\p icmp, the quoted IP header at
//! \p inner) reaches the err_handler of the protocol it quotes, if any.
template <class Ctx>
inline void inet_protocol_err(Ctx& ctx, const sk_buff* icmp, std::size_t inner,
                              std::uint8_t protocol, std::uint8_t type, std::uint8_t code) {
    detail::inet_protocol_err(inet_protos{}, ctx, icmp, inner, protocol, type, code);
}

} // namespace ksock::inet
