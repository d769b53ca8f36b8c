// An MTU below IPv4's minimum of 68 (dev_validate_mtu refuses it).
// EXPECT: ksock::net_device<D>: D::mtu must be a constant from 68
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr unsigned mtu = 67;
};
static_assert(ksock::check_net_device<bad>());
