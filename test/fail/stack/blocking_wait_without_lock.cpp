// A blocking wait releases the stack lock while it sleeps so that another
// thread can make progress: with no_lock there is nothing to release.
// EXPECT: ksock::stack<Config>: a blocking Config::wait needs a real Config::lock
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct blocking_wait {
    static constexpr bool can_block = true;
    void wake_all() {}
    template <class Lock>
    void wait(Lock&, long&) {}
};
struct cfg : ksock_test::toy_config {
    using wait = blocking_wait;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
