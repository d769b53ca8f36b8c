// rx_truesize must be known while compiling (it sizes what a socket is charged).
// EXPECT: ksock::net_device<D>: D::rx_truesize\(len\) must be a constexpr function
#include <cstddef>
#include <cstdint>

#include <ksock/objects/netdev_frame.hpp>
#include <ksock/registry/net_device.hpp>

struct bad : ksock::archetypes::net_device {
    static std::uint32_t rx_truesize(std::size_t len) noexcept {
        return static_cast<std::uint32_t>(len);
    }
};
static_assert(ksock::check_net_device<bad>());
