// PF_INET routes 127.0.0.0/8 and every local address over lo: a config that
// lists PF_INET with devices but no lo first is refused.
// EXPECT: ksock::inet: PF_INET needs the loopback device as ifindex 1
#include <ksock/default_config.hpp>
#include <ksock/registry/net_device.hpp>

struct eth : ksock::archetypes::net_device {
    static constexpr const char* name = "eth0";
};
struct no_lo_config : ksock::default_config {
    using devices = ksock::type_list<eth>;
};
constexpr auto n = sizeof(ksock::stack<no_lo_config>);
