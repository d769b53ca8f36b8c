// carrier() must be callable on a const device (it only reads the link state).
// EXPECT: ksock::net_device<D>: D must define bool carrier\(\) const
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    bool carrier();
};
static_assert(ksock::check_net_device<bad>());
