// family<..., Protosw>: Protosw is a type_list of entries, even for one entry.
// EXPECT: ksock::family<...>: Protosw must be a ksock::type_list of protosw entries
#include <ksock/registry/family.hpp>

#include "support/toy_family.hpp"

using bad = ksock::family<ksock_test::pf_toy, ksock_test::toy_create, ksock_test::toy_protosw>;
constexpr int n = bad::number;
