// Config::wait must be able to wake its sleepers (wake_all), which every
// socket callback does.
// EXPECT: ksock::stack<Config>: Config::wait must model ksock::wait_policy
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct wait_without_wake {
    static constexpr bool can_block = false;
};
struct cfg : ksock_test::toy_config {
    using wait = wait_without_wake;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
