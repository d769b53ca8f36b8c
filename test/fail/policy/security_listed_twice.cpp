// A policy listed twice would run its hooks twice (Linux registers an LSM
// once).
// EXPECT: ksock::security_hooks<...>: a policy is listed twice
#include <ksock/detail/type_list.hpp>
#include <ksock/policy/security.hpp>

struct deny_nothing {};
constexpr auto n = sizeof(ksock::security_hooks<ksock::type_list<deny_nothing, deny_nothing>>);
