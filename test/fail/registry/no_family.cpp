// A stack without a family: every socket() would be EAFNOSUPPORT (the config
// derived from stack_config but did not list its families). The empty list
// has no protosw entry either, so the entry-count check fires as well.
// EXPECT: ksock::stack<Config>: at least one family is required
// ALSO-FIRES: ksock::stack<Config>: between 1 and 254 protosw entries are supported
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/registry.hpp>

constexpr int n = ksock::registry<ksock::type_list<>>::family_count;
