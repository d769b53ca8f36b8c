// A driver the stack cannot hold an instance of (its constructor needs an argument).
// EXPECT: ksock::net_device<D>: D must be default-constructible
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    explicit bad(int) {}
};
static_assert(ksock::check_net_device<bad>());
