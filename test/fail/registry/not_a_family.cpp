// An element of Config::families that is not a family (here: a protosw entry
// listed where its family belongs).
// EXPECT: ksock::stack<Config>: every element of Config::families must model ksock::protocol_family
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

constexpr int n = ksock::registry<ksock::type_list<ksock_test::toy_protosw>>::family_count;
