// An Ethernet device without the 6-byte address ether_setup gives it.
// EXPECT: ksock::net_device<D>: D::addr_len must be a constant, ETH_ALEN for ARPHRD_ETHER
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr unsigned short type = ksock::arphrd_ether;
    static constexpr unsigned short hard_header_len = 14;
};
static_assert(ksock::check_net_device<bad>());
