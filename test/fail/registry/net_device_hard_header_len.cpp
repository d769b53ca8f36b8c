// An IP-only device (ARPHRD_NONE) that claims an Ethernet header.
// EXPECT: ksock::net_device<D>: D::hard_header_len must be a constant, ETH_HLEN for ARPHRD_ETHER
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr unsigned short hard_header_len = 14;
};
static_assert(ksock::check_net_device<bad>());
