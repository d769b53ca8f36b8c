// A driver without ndo_stop (the member is not a function).
// EXPECT: ksock::net_device<D>: D must define int stop\(\)
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr int stop = 0;
};
static_assert(ksock::check_net_device<bad>());
