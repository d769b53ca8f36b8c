// A family with an empty protosw list, alone in a stack: no socket could
// ever be created.
// EXPECT: ksock::stack<Config>: between 1 and 254 protosw entries are supported
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

using empty_family = ksock::family<ksock_test::pf_toy, ksock_test::toy_create, ksock::type_list<>>;
constexpr int n = ksock::registry<ksock::type_list<empty_family>>::entry_count;
