// test/registry/net_device.cpp: the net_device concept (a driver as a type)
// and the device list of a stack (registry/net_devices.hpp).
//
// (a) archetypes::net_device, the minimal model, satisfies it, and every
//     check of check_net_device passes for it (the header pins that);
// (b) a real model: lo (drivers/loopback.hpp);
// (c) near-misses: the archetype with one member shadowed by something of
//     the wrong kind or value is not a net_device, one per requirement;
// (d) the list: ifindex = position + 1, lo first, the dispatch of a
//     run-time ifindex to its device through the generated switch.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <doctest/doctest.h>

#include <ksock/detail/type_list.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/registry/net_devices.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;
using arch = archetypes::net_device;
using drivers::loopback;

// --- near-misses: the archetype with one thing wrong ---------------------------

struct not_default_constructible : arch {
    explicit not_default_constructible(int) {}
};
struct name_not_a_string : arch {
    static constexpr int name = 1;
};
struct name_empty : arch {
    static constexpr const char* name = "";
};
struct name_too_long : arch {
    static constexpr const char* name = "sixteen-chars-xx"; // IFNAMSIZ is 16 with the zero
};
struct name_not_constant : arch {
    static const char* name; // defined below: a variable, not a constant
};
struct type_unknown : arch {
    static constexpr unsigned short type = 24; // ARPHRD_IEEE1394: not a link ksock speaks
};
struct mtu_too_small : arch {
    static constexpr unsigned mtu = 67;
};
struct mtu_too_large : arch {
    static constexpr unsigned mtu = 65537;
};
struct ether_without_header : arch {
    static constexpr unsigned short type = arphrd_ether;
    // Right, but never looked at: the header's check fails first.
    [[maybe_unused]] static constexpr unsigned char addr_len = eth_alen;
};
struct none_with_header : arch {
    static constexpr unsigned short hard_header_len = eth_hlen;
};
struct ether_without_address : arch {
    static constexpr unsigned short type = arphrd_ether;
    static constexpr unsigned short hard_header_len = eth_hlen;
};
struct features_not_constant : arch {
    static netdev_features_t features; // a variable (defined below), not a constant
};
struct no_queue : arch {
    static constexpr unsigned tx_queue_len = 0;
};
struct rx_truesize_not_constexpr : arch {
    static std::uint32_t rx_truesize(std::size_t len) noexcept {
        return static_cast<std::uint32_t>(len);
    }
};
struct rx_truesize_a_constant : arch {
    static constexpr std::uint32_t rx_truesize = 768;
};
struct open_returns_void : arch {
    void open();
};
struct no_stop : arch {
    static constexpr int stop = 0;
};
struct carrier_not_const : arch {
    bool carrier();
};
struct dev_addr_wrong_type : arch {
    int dev_addr() const;
};
struct start_xmit_returns_int : arch {
    int start_xmit(const netdev_frame&);
};
struct start_xmit_takes_bytes : arch {
    netdev_tx start_xmit(const unsigned char*, std::size_t);
};
struct poll_without_budget : arch {
    template <class Sink>
    int poll(Sink&);
};

// --- a second and a third device, for the list ------------------------------------

struct eth_a : arch {
    static constexpr const char* name = "eth0";
    static constexpr unsigned short type = arphrd_ether;
    static constexpr unsigned short hard_header_len = eth_hlen;
    static constexpr unsigned char addr_len = eth_alen;
};
struct tun_b : arch {
    static constexpr const char* name = "tun0";
};

const char* name_not_constant::name = "eth9";
netdev_features_t features_not_constant::features = 0;

} // namespace

TEST_CASE("net_device: the archetype models the concept, and every check passes") {
    STATIC_REQUIRE(net_device<archetypes::net_device>);
    STATIC_REQUIRE(check_net_device<archetypes::net_device>());
    STATIC_REQUIRE(detail::valid_ifname("eth0"));
    STATIC_REQUIRE(!detail::valid_ifname(""));
    STATIC_REQUIRE(detail::valid_ifname("fifteen-chars-x"));
    STATIC_REQUIRE(!detail::valid_ifname("sixteen-chars-xx"));
}

TEST_CASE("net_device: lo is a model") {
    STATIC_REQUIRE(net_device<loopback>);
    STATIC_REQUIRE(check_net_device<loopback>());
}

TEST_CASE("net_device: near-misses, one requirement each") {
    STATIC_REQUIRE(!net_device<not_default_constructible>);
    STATIC_REQUIRE(!net_device<name_not_a_string>);
    STATIC_REQUIRE(!net_device<name_empty>);
    STATIC_REQUIRE(!net_device<name_too_long>);
    STATIC_REQUIRE(!net_device<name_not_constant>);
    STATIC_REQUIRE(!net_device<type_unknown>);
    STATIC_REQUIRE(!net_device<mtu_too_small>);
    STATIC_REQUIRE(!net_device<mtu_too_large>);
    STATIC_REQUIRE(!net_device<ether_without_header>);
    STATIC_REQUIRE(!net_device<none_with_header>);
    STATIC_REQUIRE(!net_device<ether_without_address>);
    STATIC_REQUIRE(!net_device<features_not_constant>);
    STATIC_REQUIRE(!net_device<no_queue>);
    STATIC_REQUIRE(!net_device<rx_truesize_not_constexpr>);
    STATIC_REQUIRE(!net_device<rx_truesize_a_constant>);
    STATIC_REQUIRE(!net_device<open_returns_void>);
    STATIC_REQUIRE(!net_device<no_stop>);
    STATIC_REQUIRE(!net_device<carrier_not_const>);
    STATIC_REQUIRE(!net_device<dev_addr_wrong_type>);
    STATIC_REQUIRE(!net_device<start_xmit_returns_int>);
    STATIC_REQUIRE(!net_device<start_xmit_takes_bytes>);
    STATIC_REQUIRE(!net_device<poll_without_budget>);
    // A mistake in the type is reported once: the header and address
    // lengths are only held against a type that is valid.
    STATIC_REQUIRE(detail::dev_has_hard_header_len<type_unknown>);
    STATIC_REQUIRE(detail::dev_has_addr_len<type_unknown>);
}

TEST_CASE("net_devices: ifindex by position, lo first, dispatch by ifindex") {
    using devs = net_devices<type_list<loopback, eth_a, tun_b>>;
    STATIC_REQUIRE(devs::count == 3);
    STATIC_REQUIRE(devs::ifindex_of<loopback> == 1);
    STATIC_REQUIRE(devs::ifindex_of<eth_a> == 2);
    STATIC_REQUIRE(devs::ifindex_of<tun_b> == 3);
    STATIC_REQUIRE(devs::has_loopback);
    STATIC_REQUIRE(!net_devices<type_list<eth_a>>::has_loopback);
    STATIC_REQUIRE(net_devices<type_list<>>::count == 0);
    STATIC_REQUIRE(!net_devices<type_list<>>::has_loopback);
    STATIC_REQUIRE(!detail::ifnames_distinct(type_list<eth_a, eth_a>{}));
    STATIC_REQUIRE(detail::ifnames_distinct(type_list<loopback, eth_a, tun_b>{}));
    STATIC_REQUIRE(!detail::loopback_first(type_list<eth_a, loopback>{}));
    STATIC_REQUIRE(!detail::loopback_first(type_list<loopback, loopback>{}));
    STATIC_REQUIRE(detail::loopback_first(type_list<eth_a, tun_b>{}));

    for (int i = 1; i <= 3; ++i) {
        const char* name = devs::with_device(i, []<class D>() -> const char* { return D::name; });
        CHECK(std::strcmp(name, i == 1 ? "lo" : i == 2 ? "eth0" : "tun0") == 0);
        const unsigned short type = devs::with_device(i, []<class D>() { return D::type; });
        CHECK(type == (i == 1 ? arphrd_loopback : i == 2 ? arphrd_ether : arphrd_none));
    }
}
