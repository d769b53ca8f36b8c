// A device name of 16 characters: dev_valid_name refuses it (IFNAMSIZ counts the zero).
// EXPECT: ksock::net_device<D>: D::name must be a constexpr string of 1 to 15 characters
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static constexpr const char* name = "sixteen-chars-xx";
};
static_assert(ksock::check_net_device<bad>());
