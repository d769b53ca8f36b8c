// Features that are not a constant (NETIF_F_* bits are fixed per driver here).
// EXPECT: ksock::net_device<D>: D::features must be a constant netdev_features_t
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static const ksock::netdev_features_t features;
};
static_assert(ksock::check_net_device<bad>());
