// Config::fault is asked before every allocation: it needs should_fail(site).
// EXPECT: ksock::stack<Config>: Config::fault must model ksock::fault_policy
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct fault_without_question {
    static constexpr bool enabled = true;
};
struct cfg : ksock_test::toy_config {
    using fault = fault_without_question;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
