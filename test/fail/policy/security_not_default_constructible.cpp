// A stack holds one object of each security policy and builds it itself:
// a policy without a default constructor cannot be registered.
// EXPECT: ksock::security_hooks<...>: every policy must be default-constructible
#include <ksock/detail/type_list.hpp>
#include <ksock/policy/security.hpp>

struct needs_an_argument {
    explicit needs_an_argument(int) {}
};
constexpr auto n = sizeof(ksock::security_hooks<ksock::type_list<needs_an_argument>>);
