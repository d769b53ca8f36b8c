// Config::lock must have lock() and unlock(): every system call holds it.
// EXPECT: ksock::stack<Config>: Config::lock must have lock\(\) and unlock\(\)
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct lock_without_unlock {
    void lock() {}
};
struct cfg : ksock_test::toy_config {
    using lock = lock_without_unlock;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
