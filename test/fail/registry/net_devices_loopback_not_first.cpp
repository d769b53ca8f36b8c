// lo must be ifindex 1: a loopback device listed after another device.
// EXPECT: ksock::stack<Config>: a loopback device may only be the first of Config::devices
#include <ksock/detail/type_list.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/registry/net_device.hpp>
#include <ksock/registry/net_devices.hpp>

struct eth : ksock::archetypes::net_device {
    static constexpr const char* name = "eth0";
};
constexpr auto n = ksock::net_devices<ksock::type_list<eth, ksock::drivers::loopback>>::count;
