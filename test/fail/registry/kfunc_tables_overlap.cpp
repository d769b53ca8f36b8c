// Two families whose kfunc tables give one id two names: a trace of either
// family's callback could print the other's.
// EXPECT: ksock::stack<Config>: two families' kfunc tables share ids, or one uses the core's ids below kfunc_family_base
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

inline constexpr const char* a_names[] = {"a_data_ready", "a_destruct"};
inline constexpr const char* b_names[] = {"b_data_ready"};
inline constexpr ksock::kfunc_table a_table{ksock::kfunc_family_base, 2, a_names};
inline constexpr ksock::kfunc_table b_table{ksock::kfunc_family_base + 1, 1, b_names};

struct create_a : ksock_test::toy_create {
    static constexpr const ksock::kfunc_table& kfuncs = a_table;
};
struct create_b : ksock_test::toy_create {
    static constexpr const ksock::kfunc_table& kfuncs = b_table;
};
using fam_a =
    ksock::family<ksock_test::pf_toy, create_a, ksock::type_list<ksock_test::toy_protosw>>;
using fam_b =
    ksock::family<ksock_test::pf_toy - 1, create_b, ksock::type_list<ksock_test::toy_protosw>>;
constexpr int n = ksock::registry<ksock::type_list<fam_a, fam_b>>::family_count;
