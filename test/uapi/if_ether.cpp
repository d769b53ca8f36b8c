// test/uapi/if_ether.cpp: Ethernet's and ARP's wire headers have Linux's
// sizes and offsets (include/uapi/linux/if_ether.h, if_arp.h).
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>
#include <ksock/uapi/if_link.hpp>

#include "support/static_require.hpp"

TEST_CASE("uapi: ethhdr and arphdr as on the wire") {
    using namespace ksock;
    STATIC_REQUIRE(sizeof(ethhdr) == 14);
    STATIC_REQUIRE(offsetof(ethhdr, h_source) == 6);
    STATIC_REQUIRE(offsetof(ethhdr, h_proto) == 12);
    STATIC_REQUIRE(sizeof(arphdr) == 8);
    STATIC_REQUIRE(offsetof(arphdr, ar_op) == 6);
    STATIC_REQUIRE(eth_p_ip == 0x0800);
    STATIC_REQUIRE(eth_p_arp == 0x0806);
    STATIC_REQUIRE(arphrd_ether == 1);
    STATIC_REQUIRE(arphrd_none == 0xfffe);
    STATIC_REQUIRE(arphrd_loopback == 772);
    // rtnl_link_stats64: 25 counters of 64 bits (6.18 has rx_otherhost_dropped last).
    STATIC_REQUIRE(sizeof(rtnl_link_stats64) == 25 * 8);
    STATIC_REQUIRE(offsetof(rtnl_link_stats64, rx_nohandler) == 23 * 8);
}
