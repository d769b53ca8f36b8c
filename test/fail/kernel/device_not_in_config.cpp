// stack.device<D>() for a driver the config does not list.
// EXPECT: ksock::kernel::context::device<D>: D is not in Config::devices
#include <ksock/default_config.hpp>
#include <ksock/registry/net_device.hpp>

struct eth : ksock::archetypes::net_device {};
eth& f(ksock::default_stack& s) {
    return s.device<eth>();
}
