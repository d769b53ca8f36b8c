// Config::trace must offer what the socket path calls (enter, leave, field,
// text, note, enabled); a type with only some of them is refused at the
// config, not deep inside a system call.
// EXPECT: ksock::stack<Config>: Config::trace must model ksock::trace_policy
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct enter_only_trace {
    static constexpr bool enabled = true;
    void enter(const char*) {}
};
struct cfg : ksock_test::toy_config {
    using trace = enter_only_trace;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
