// test/core/dev.cpp: the device layer of net/core/dev.c: a device's state as
// register_netdevice and its link type's setup leave it.
#include <doctest/doctest.h>

#include <ksock/core/dev.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/objects/net_device_state.hpp>
#include <ksock/objects/sk_buff.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/uapi/if.hpp>
#include <ksock/uapi/if_arp.hpp>
#include <ksock/uapi/if_ether.hpp>

namespace {
struct eth : ksock::archetypes::net_device {
    static constexpr unsigned short type = ksock::arphrd_ether;
    static constexpr unsigned short hard_header_len = ksock::eth_hlen;
    static constexpr unsigned char addr_len = ksock::eth_alen;
    static constexpr unsigned tx_queue_len = 1000;
    const unsigned char* dev_addr() const { return mac; }
    unsigned char mac[6] = {2, 0, 0, 0, 0, 7};
};
} // namespace

TEST_CASE("netdev_register: flags by link type, down but for lo, an empty queue") {
    using namespace ksock;
    net_device_state st{};
    eth e;
    netdev_register(e, st, 2);
    CHECK(st.dev_addr[5] == 7);
    CHECK(st.type == arphrd_ether);
    CHECK(st.addr_len == 6);
    CHECK(st.ifindex == 2);
    CHECK(st.mtu == 1500);
    CHECK(st.tx_queue_len == 1000);
    CHECK(st.flags == (iff_broadcast | iff_multicast)); // `ip link`: BROADCAST,MULTICAST
    CHECK(skb_queue_empty(st.qdisc));

    archetypes::net_device none; // ARPHRD_NONE, as a TUN device
    netdev_register(none, st, 3);
    CHECK(st.flags == (iff_pointopoint | iff_noarp | iff_multicast));
    CHECK(st.tx_queue_len == 1);

    drivers::loopback lo;
    netdev_register(lo, st, 1);
    CHECK(st.flags == (iff_loopback | iff_up | iff_running | iff_lower_up));
    CHECK(st.stats.rx_packets == 0);
}
