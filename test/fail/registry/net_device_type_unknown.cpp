// A link type ksock does not speak (ARPHRD_IEEE1394).
// EXPECT: ksock::net_device<D>: D::type must be a constant, ARPHRD_ETHER, ARPHRD_LOOPBACK or ARPHRD_NONE
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr unsigned short type = 24;
};
static_assert(ksock::check_net_device<bad>());
