// The hardware address must be bytes.
// EXPECT: ksock::net_device<D>: D must define const unsigned char\* dev_addr\(\) const
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    int dev_addr() const;
};
static_assert(ksock::check_net_device<bad>());
