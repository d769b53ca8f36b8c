// A queue of length 0: a busy driver's frames would have nowhere to wait.
// EXPECT: ksock::net_device<D>: D::tx_queue_len must be a constant of at least 1
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr unsigned tx_queue_len = 0;
};
static_assert(ksock::check_net_device<bad>());
