// Two devices named eth0: register_netdevice refuses the second (EEXIST).
// EXPECT: ksock::stack<Config>: two devices of Config::devices share one name
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/registry/net_devices.hpp>

struct a : ksock::archetypes::net_device {
    static constexpr const char* name = "eth0";
};
struct b : ksock::archetypes::net_device {
    static constexpr const char* name = "eth0";
};
constexpr auto n = ksock::net_devices<ksock::type_list<a, b>>::count;
