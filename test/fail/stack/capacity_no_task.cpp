// A stack without a task: nobody could call it (every call runs as
// `current`, one of Config::tasks).
// EXPECT: ksock::stack<Config>: capacities must be at least 1
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct cfg : ksock_test::toy_config {
    static constexpr std::size_t tasks = 0;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
