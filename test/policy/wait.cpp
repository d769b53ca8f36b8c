// test/policy/wait.cpp: the wait_policy concept. Every socket callback wakes
// the stack's sleepers, so a Config::wait without wake_all() is refused
// (test/fail/stack/wait_not_policy.cpp). Here: the minimal models (blocking
// and not) and no_wait model it, near-misses do not. condvar_wait, which
// needs threads, is checked in policy/condvar_wait.cpp (host).
#include <doctest/doctest.h>

#include <ksock/policy/wait.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

struct minimal_wait {
    static constexpr bool can_block = false;
    void wake_all() {}
};
struct minimal_blocking_wait {
    static constexpr bool can_block = true;
    void wake_all() {}
    template <class Lock>
    void wait(Lock&, long&) {}
};
struct no_can_block {
    void wake_all() {}
};
struct no_wake_all {
    static constexpr bool can_block = false;
};
//! wake_all that needs an argument cannot be called by a callback as is.
struct wake_needs_argument {
    static constexpr bool can_block = false;
    void wake_all(int) {}
};

} // namespace

TEST_CASE("wait_policy: the minimal models and no_wait") {
    STATIC_REQUIRE(wait_policy<minimal_wait>);
    STATIC_REQUIRE(wait_policy<minimal_blocking_wait>);
    STATIC_REQUIRE(wait_policy<no_wait>);
    // What the stack's blocking check reads.
    STATIC_REQUIRE(!no_wait::can_block);
    STATIC_REQUIRE(minimal_blocking_wait::can_block);
}

TEST_CASE("wait_policy: a missing member or a wrong signature is refused") {
    STATIC_REQUIRE(!wait_policy<no_can_block>);
    STATIC_REQUIRE(!wait_policy<no_wake_all>);
    STATIC_REQUIRE(!wait_policy<wake_needs_argument>);
    STATIC_REQUIRE(!wait_policy<int>);
}
