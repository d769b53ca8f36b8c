// NAPI's poll takes a budget.
// EXPECT: ksock::net_device<D>: D must define template <class Sink> int poll
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    template <class Sink>
    int poll(Sink&);
};
static_assert(ksock::check_net_device<bad>());
