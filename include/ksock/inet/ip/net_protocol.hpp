// ksock/inet/ip/net_protocol.hpp: struct net_protocol (include/net/protocol.h),
// the receiver of one IP protocol's packets, as a compile-time entry of the
// inet_protos list (ip/inet_protos.hpp) that ip_local_deliver dispatches on.
//
// A handler type H provides
//   template <class Ctx> static void handler(Ctx&, sk_buff*);   // .handler
// which takes the packet, its inet_skb_cb filled in by ip_rcv, and consumes
// it, and may provide
//   template <class Ctx> static void err_handler(Ctx&, const sk_buff* icmp,
//       std::size_t inner, std::uint8_t type, std::uint8_t code);   // .err_handler
// which hears of an ICMP error (\p icmp, the quoted IP header at offset
// \p inner) about a packet of its protocol (icmp_socket_deliver).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/context.hpp>

namespace ksock::inet {

//! A net_protocol handler: H::handler(ctx, skb) for every stack context
//! (checked with the minimal one, ksock::archetypes::context).
template <class H>
concept net_protocol_handler = requires(ksock::archetypes::context& c, sk_buff* skb) {
    { H::handler(c, skb) } -> std::same_as<void>;
};

//! A net_protocol handler with an err_handler (checked with the minimal
//! context as well).
template <class H>
concept net_protocol_err_handler = requires(ksock::archetypes::context& c, const sk_buff* skb,
                                            std::size_t inner, std::uint8_t t) {
    { H::err_handler(c, skb, inner, t, t) } -> std::same_as<void>;
};

//! The minimal net_protocol handler, which the concept is checked against
//! (it drops nothing and delivers nowhere: a type-level stand-in only).
struct net_protocol_archetype {
    //! Takes the packet and does nothing with it.
    template <class Ctx>
    static void handler(Ctx&, sk_buff*) noexcept {}
};
static_assert(net_protocol_handler<net_protocol_archetype>,
              "ksock::inet::net_protocol_archetype must model ksock::inet::net_protocol_handler");

//! inet_add_protocol(&Handler's net_protocol, Protocol): the entry of IP
//! protocol number \p Protocol.
template <int Protocol, class Handler>
struct net_protocol {
    static_assert(Protocol >= 0 && Protocol <= 255,
                  "ksock::inet::net_protocol<...>: Protocol must be an IP protocol number, "
                  "0 to 255 (inet_protos has MAX_INET_PROTOS = 256 slots)");
    static_assert(net_protocol_handler<Handler>,
                  "ksock::inet::net_protocol<...>: Handler must define template <class Ctx> "
                  "static void handler(Ctx&, sk_buff*) (struct net_protocol .handler), which "
                  "consumes the packet");

    static constexpr int protocol = Protocol; //!< the IPPROTO_* number
    using handler_type = Handler;             //!< the handler type
    //! Whether ICMP errors about this protocol's packets reach it.
    static constexpr bool has_err_handler = net_protocol_err_handler<Handler>;

    //! .handler.
    template <class Ctx>
    static void handler(Ctx& ctx, sk_buff* skb) {
        Handler::handler(ctx, skb);
    }
    //! .err_handler (a protocol without one ignores the error).
    template <class Ctx>
    static void err_handler(Ctx& ctx, const sk_buff* icmp, std::size_t inner, std::uint8_t type,
                            std::uint8_t code) {
        if constexpr (has_err_handler)
            Handler::err_handler(ctx, icmp, inner, type, code);
    }
};

//! An entry of inet_protos: a net_protocol<Protocol, Handler>.
template <class E>
concept inet_protocol = requires {
    { E::protocol } -> std::convertible_to<int>;
    typename E::handler_type;
}
&&net_protocol_handler<E>;

} // namespace ksock::inet
