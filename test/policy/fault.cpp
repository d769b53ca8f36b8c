// test/policy/fault.cpp: the fault_policy concept. A stack asks its fault
// policy before every allocation; a Config::fault that cannot answer is
// refused (test/fail/stack/fault_not_policy.cpp). Here: the minimal model and
// the library's policies model it, near-misses do not.
#include <doctest/doctest.h>

#include <ksock/policy/fault.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

struct minimal_fault {
    static constexpr bool enabled = true;
    bool should_fail(fault_site) { return false; }
};
struct no_enabled {
    bool should_fail(fault_site) { return false; }
};
//! A question without the site cannot be asked at a given allocation point.
struct question_without_site {
    static constexpr bool enabled = true;
    bool should_fail() { return false; }
};
//! An answer that is not a yes or a no.
struct no_answer {
    static constexpr bool enabled = true;
    void should_fail(fault_site) {}
};

} // namespace

TEST_CASE("fault_policy: the minimal model, no_faults, fail_nth") {
    STATIC_REQUIRE(fault_policy<minimal_fault>);
    STATIC_REQUIRE(fault_policy<no_faults>);
    STATIC_REQUIRE(fault_policy<fail_nth>);
}

TEST_CASE("fault_policy: a missing member or a wrong signature is refused") {
    STATIC_REQUIRE(!fault_policy<no_enabled>);
    STATIC_REQUIRE(!fault_policy<question_without_site>);
    STATIC_REQUIRE(!fault_policy<no_answer>);
    STATIC_REQUIRE(!fault_policy<int>);
}

TEST_CASE("fail_nth: fails the nth question once, and says which site") {
    fail_nth f;
    f.reset(2);
    CHECK_FALSE(f.should_fail(fault_site::sock_alloc));
    CHECK(f.should_fail(fault_site::sk_alloc));
    CHECK(f.last_failed == fault_site::sk_alloc);
    CHECK_FALSE(f.should_fail(fault_site::file_alloc));
    CHECK(f.count == 3);
    CHECK_FALSE(no_faults{}.should_fail(fault_site::skb_alloc));
}
