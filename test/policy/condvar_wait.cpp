// test/policy/condvar_wait.cpp: condvar_wait, the blocking wait policy, and
// std::mutex as a stack lock: the combination a threaded host stack uses.
// Host only (linked into ksock_threads): the target's C++ library has no
// std::mutex or std::condition_variable_any.
#include <mutex>

#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/kernel/context.hpp>
#include <ksock/policy/condvar_wait.hpp>
#include <ksock/policy/lock.hpp>
#include <ksock/policy/wait.hpp>
#include <ksock/registry/context.hpp>

#include "support/static_require.hpp"

namespace {

struct threaded_config : ksock::default_config {
    using lock = std::mutex;
    using wait = ksock::condvar_wait;
};

} // namespace

TEST_CASE("condvar_wait: a blocking wait policy, std::mutex a lock policy") {
    STATIC_REQUIRE(ksock::wait_policy<ksock::condvar_wait>);
    STATIC_REQUIRE(ksock::condvar_wait::can_block);
    STATIC_REQUIRE(ksock::lock_policy<std::mutex>);
}

TEST_CASE("condvar_wait: the kernel context of a threaded stack models stack_context") {
    // can_block, so the concept requires wait(timeo) as well.
    STATIC_REQUIRE(ksock::kernel::context<threaded_config>::can_block);
    STATIC_REQUIRE(ksock::stack_context<ksock::kernel::context<threaded_config>>);
}

TEST_CASE("condvar_wait: a wait that times out leaves no time") {
    ksock::condvar_wait w;
    std::mutex m;
    long timeo = 1; // one jiffy; nobody wakes it
    {
        std::lock_guard<std::mutex> g(m);
        while (timeo > 0) // a spurious wake-up returns early: wait again
            w.wait(m, timeo);
    }
    CHECK(timeo == 0);
}
