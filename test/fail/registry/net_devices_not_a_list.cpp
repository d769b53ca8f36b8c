// Config::devices must be a type list, even for one device.
// EXPECT: ksock::stack<Config>: Config::devices must be a ksock::type_list of net_device types
#include <ksock/drivers/loopback.hpp>
#include <ksock/registry/net_devices.hpp>

constexpr auto n = ksock::net_devices<ksock::drivers::loopback>::count;
