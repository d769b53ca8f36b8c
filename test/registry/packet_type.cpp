// test/registry/packet_type.cpp: a family's link-layer receivers (struct
// packet_type of ptype_base): the concept with its archetype and
// near-misses, a family's optional packet_types, and the dispatch of a
// frame to the entry of its protocol.
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/uapi/if_ether.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace {
using namespace ksock;

struct no_type {
    template <class Ctx>
    static void func(Ctx&, sk_buff*, const netif_rx&) {}
};
struct func_returns_int {
    static constexpr std::uint16_t type = 1;
    template <class Ctx>
    static int func(Ctx&, sk_buff*, const netif_rx&);
};
struct func_takes_no_rx {
    static constexpr std::uint16_t type = 1;
    template <class Ctx>
    static void func(Ctx&, sk_buff*);
};

int seen = 0;
template <std::uint16_t T, int Mark>
struct counting {
    static constexpr std::uint16_t type = T;
    template <class Ctx>
    static void func(Ctx&, sk_buff*, const netif_rx&) {
        seen = Mark;
    }
};
struct dummy_ctx {};
} // namespace

TEST_CASE("packet_type: the archetype models it, near-misses do not") {
    STATIC_REQUIRE(packet_type<archetypes::packet_type>);
    STATIC_REQUIRE(!packet_type<no_type>);
    STATIC_REQUIRE(!packet_type<func_returns_int>);
    STATIC_REQUIRE(!packet_type<func_takes_no_rx>);
    STATIC_REQUIRE(detail::packet_types_valid(type_list<counting<1, 1>, counting<2, 2>>{}));
    STATIC_REQUIRE(!detail::packet_types_valid(type_list<counting<1, 1>, counting<1, 2>>{}));
}

TEST_CASE("packet_type: a family's list, and the dispatch by protocol") {
    using reg = registry<default_config::families>;
    STATIC_REQUIRE(reg::packet_types::size == 2); // PF_INET: IPv4 and ARP
    STATIC_REQUIRE(!family_has_packet_types<ksock_test::toy_family>);
    using list = type_list<counting<eth_p_ip, 1>, counting<eth_p_arp, 2>>;
    dummy_ctx c;
    seen = 0;
    CHECK(detail::deliver_packet(list{}, c, nullptr, netif_rx{2, eth_p_arp, 0}));
    CHECK(seen == 2);
    CHECK(detail::deliver_packet(list{}, c, nullptr, netif_rx{2, eth_p_ip, 0}));
    CHECK(seen == 1);
    CHECK_FALSE(detail::deliver_packet(list{}, c, nullptr, netif_rx{2, eth_p_ipv6, 0}));
    CHECK_FALSE(detail::deliver_packet(type_list<>{}, c, nullptr, netif_rx{2, eth_p_ip, 0}));
}
