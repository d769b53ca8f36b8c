// Config::families is a ksock::type_list of families, not a family.
// EXPECT: ksock::stack<Config>: Config::families must be a ksock::type_list
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

constexpr int n = ksock::registry<ksock_test::toy_family>::family_count;
