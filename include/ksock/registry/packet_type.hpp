// ksock/registry/packet_type.hpp: a family's receiver of one link-layer
// protocol (Linux's struct packet_type in ptype_base: ip_packet_type for
// ETH_P_IP, arp_packet_type for ETH_P_ARP), as a compile-time entry of the
// family's packet_types list, which the device layer dispatches a received
// frame on (__netif_receive_skb's deliver_skb), with a generated switch.
//
// An entry E provides
//   static constexpr std::uint16_t type;           // ETH_P_* (host order)
//   template <class Ctx> static void func(Ctx&, sk_buff*, const netif_rx&);
// func takes the frame with its link-layer header pulled (the skb starts at
// the network header) and consumes it.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>

#include <ksock/detail/type_list.hpp>
#include <ksock/detail/with_index.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/context.hpp>

namespace ksock {

//! What the device layer knows of a received frame beside its bytes
//! (Linux keeps them in the skb: skb->dev, skb->protocol, skb->pkt_type).
struct netif_rx {
    int ifindex;            //!< the device it came in on (skb->skb_iif)
    std::uint16_t protocol; //!< ETH_P_*, host order
    std::uint8_t pkt_type;  //!< PACKET_HOST, _BROADCAST, _MULTICAST, _OTHERHOST
};

//! A packet_type entry (checked with the minimal context).
template <class E>
concept packet_type = requires(archetypes::context& c, sk_buff* skb, const netif_rx& rx) {
    { E::type } -> std::convertible_to<std::uint16_t>;
    { E::func(c, skb, rx) } -> std::same_as<void>;
};

namespace archetypes {
//! The minimal packet_type (a stand-in at the type level: it receives nothing).
struct packet_type {
    static constexpr std::uint16_t type = 0x88b5; //!< ETH_P_802_EX1, local experimental
    template <class Ctx>
    //! Receives nothing.
    static void func(Ctx&, sk_buff*, const netif_rx&) noexcept {}
};
} // namespace archetypes
static_assert(ksock::packet_type<archetypes::packet_type>,
              "ksock::archetypes::packet_type must model ksock::packet_type");

namespace detail {

template <class... Es>
consteval bool packet_types_valid(type_list<Es...>) {
    static_assert((ksock::packet_type<Es> && ...),
                  "ksock::stack<Config>: every element of a family's packet_types must model "
                  "ksock::packet_type (static constexpr std::uint16_t type; template <class "
                  "Ctx> static void func(Ctx&, sk_buff*, const netif_rx&))");
    constexpr std::uint16_t t[] = {Es::type..., 0};
    for (std::size_t i = 0; i < sizeof...(Es); ++i)
        for (std::size_t j = i + 1; j < sizeof...(Es); ++j)
            if (t[i] == t[j])
                return false;
    return true;
}

//! The entry whose type is \p protocol gets the frame: true; false (the
//! frame untouched) when no entry takes that protocol.
template <class Ctx, class... Es>
bool deliver_packet(type_list<Es...>, Ctx& ctx, sk_buff* skb, const netif_rx& rx) {
    constexpr std::size_t n = sizeof...(Es);
    if constexpr (n == 0) {
        (void)ctx;
        (void)skb;
        (void)rx;
        return false;
    } else {
        constexpr std::uint16_t types[] = {Es::type...};
        std::size_t i = 0;
        while (i < n && types[i] != rx.protocol)
            ++i;
        if (i == n)
            return false;
        with_index_inline<n>(
            i, [&]<std::size_t I>() { at_t<I, type_list<Es...>>::func(ctx, skb, rx); });
        return true;
    }
}

} // namespace detail

} // namespace ksock
