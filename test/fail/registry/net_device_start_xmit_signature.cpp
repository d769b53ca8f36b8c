// start_xmit takes the frame view and answers ok or busy, not a count.
// EXPECT: ksock::net_device<D>: D must define netdev_tx start_xmit
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    int start_xmit(const ksock::netdev_frame&);
};
static_assert(ksock::check_net_device<bad>());
