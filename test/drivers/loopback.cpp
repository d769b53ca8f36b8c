// test/drivers/loopback.cpp: lo's constants as a 6.18 host reports them
// (`ip -d link show lo`, /sys/class/net/lo/): type 772, MTU 65536, qlen
// 1000, an all-zero Ethernet address; and its state once a stack boots.
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/objects/netdev_features.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>

#include "support/static_require.hpp"

TEST_CASE("loopback: Linux's lo") {
    using ksock::drivers::loopback;
    STATIC_REQUIRE(loopback::type == 772);
    STATIC_REQUIRE(loopback::mtu == 65536);
    STATIC_REQUIRE(loopback::hard_header_len == 14);
    STATIC_REQUIRE(loopback::addr_len == 6);
    STATIC_REQUIRE(loopback::tx_queue_len == 1000);
    STATIC_REQUIRE((loopback::features & ksock::netif_f_loopback) != 0);
    STATIC_REQUIRE((loopback::features & ksock::netif_f_hw_csum) != 0);
    // A small UDP datagram's skb on lo: 832 bytes, as the host charges it.
    STATIC_REQUIRE(loopback::rx_truesize(14 + 20 + 8 + 10) == 832);
    loopback lo;
    CHECK(lo.open() == 0);
    CHECK(lo.carrier());
    for (int i = 0; i < 6; ++i)
        CHECK(lo.dev_addr()[i] == 0);
    CHECK(lo.stop() == 0);
}

TEST_CASE("loopback: ifindex 1 of the default stack, up from boot") {
    static ksock::default_stack s;
    STATIC_REQUIRE(ksock::default_stack::ifindex_of<ksock::drivers::loopback>() == 1);
    const ksock::net_device_state* lo = s.netdev(1);
    REQUIRE(lo != nullptr);
    CHECK(lo->ifindex == 1);
    CHECK(lo->mtu == 65536);
    CHECK(lo->tx_queue_len == 1000);
    CHECK(lo->flags ==
          (ksock::iff_loopback | ksock::iff_up | ksock::iff_running | ksock::iff_lower_up));
    CHECK(s.netdev(0) == nullptr);
    CHECK(s.netdev(2) == nullptr);
    CHECK(&s.device<ksock::drivers::loopback>() == &s.device<ksock::drivers::loopback>());
}
