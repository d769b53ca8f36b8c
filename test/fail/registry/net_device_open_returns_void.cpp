// ndo_open returns 0 or -errno; a void open cannot fail properly.
// EXPECT: ksock::net_device<D>: D must define int open\(\)
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    void open();
};
static_assert(ksock::check_net_device<bad>());
