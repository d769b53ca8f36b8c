// test/stack/static_ram_wire.cpp: static_ram() of a firmware on a wire: the
// firmware example's capacities (8 fds, 8 sockets, 4 TCP + 4 UDP objects,
// 16 socket buffers of 256 B) with one Ethernet device beside lo, 8
// neighbours and 4 routes. Every table of the wire (the device's state and
// queue, the addresses, routes, neighbours, fragment queues) is inside the
// stack object, so static_ram() counts it: each table made larger makes the
// stack larger by at least its entries. The figure is printed (the README
// states it for the Cortex-M3, where this runs too), and such a stack comes
// up: an address, the device, its routes.
#include <cstddef>
#include <cstdio>
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/stack.hpp>

#include "support/static_require.hpp"
#include "support/vlink.hpp"

namespace {

using namespace ksock;

template <std::size_t Neigh, std::size_t Routes, class Devices>
struct eth_fw_config : default_config {
    using devices = Devices;
    static constexpr std::size_t max_fds = 8;
    static constexpr std::size_t max_sockets = 8;
    static constexpr std::size_t tasks = 1;
    static constexpr std::size_t skbs = 16;
    static constexpr std::size_t skb_data_size = 256;
    template <class P>
    static constexpr std::size_t proto_objects =
        std::is_same_v<P, inet::tcp_prot> || std::is_same_v<P, inet::udp_prot> ? 4 : 2;
    static constexpr std::size_t neigh_entries = Neigh;
    static constexpr std::size_t fib_entries = Routes;
};
using one_eth = type_list<drivers::loopback, ksock_test::vdev<0>>;
//! A second Ethernet device: the virtual link's other end, named eth1.
struct eth1 : ksock_test::vdev<1> {
    static constexpr const char* name = "eth1";
};
using two_eth = type_list<drivers::loopback, ksock_test::vdev<0>, eth1>;
using S = stack<eth_fw_config<8, 4, one_eth>>;
using lo_only = stack<eth_fw_config<8, 4, type_list<drivers::loopback>>>;

S fw; // static storage, as on a board

} // namespace

TEST_CASE("static_ram: a firmware with one Ethernet device, 8 neighbours and 4 routes") {
    STATIC_REQUIRE(S::static_ram() == sizeof(S));
    // Each table is in the stack object: more entries, more RAM.
    STATIC_REQUIRE(stack<eth_fw_config<16, 4, one_eth>>::static_ram() >=
                   S::static_ram() + 8 * sizeof(inet::neighbour));
    STATIC_REQUIRE(stack<eth_fw_config<8, 8, one_eth>>::static_ram() >=
                   S::static_ram() + 4 * sizeof(inet::fib_route));
    STATIC_REQUIRE(stack<eth_fw_config<8, 4, two_eth>>::static_ram() >=
                   S::static_ram() + sizeof(net_device_state) + sizeof(eth1));
    STATIC_REQUIRE(S::static_ram() >= lo_only::static_ram() + sizeof(net_device_state));
    std::printf("static RAM, firmware with eth0, 8 neighbours, 4 routes: %lu B (lo only: %lu B; "
                "a neighbour %lu B, a route %lu B, a device's state %lu B)\n",
                static_cast<unsigned long>(S::static_ram()),
                static_cast<unsigned long>(lo_only::static_ram()),
                static_cast<unsigned long>(sizeof(inet::neighbour)),
                static_cast<unsigned long>(sizeof(inet::fib_route)),
                static_cast<unsigned long>(sizeof(net_device_state)));

    // It comes up: an address, the device, a default route and three more.
    ksock_test::vwire w;
    fw.device<ksock_test::vdev<0>>().wire = &w;
    constexpr int eth0 = S::ifindex_of<ksock_test::vdev<0>>();
    CHECK(inet::iproute::addr_add(fw, eth0, inet::ipv4(192, 0, 2, 2), 24) == 0);
    CHECK(fw.dev_open(eth0) == 0);
    CHECK(inet::iproute::route_add(fw, 0, 0, inet::ipv4(192, 0, 2, 1), eth0) == 0);
    for (unsigned i = 1; i <= 3; ++i)
        CHECK(inet::iproute::route_add(fw, inet::ipv4(198, 51, 100, i * 8), 29,
                                       inet::ipv4(192, 0, 2, 1), eth0) == 0);
    inet::rtable rt{};
    CHECK(inet::iproute::route_get(fw, inet::ipv4(198, 51, 100, 9), rt) == 0);
    CHECK(fw.dev_close(eth0) == 0);
    fw.device<ksock_test::vdev<0>>().wire = nullptr;
}
