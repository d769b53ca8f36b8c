// A family's kfunc table must start at kfunc_family_base: the ids below it
// name the socket core's callbacks, and a trace would print the wrong name.
// EXPECT: ksock::stack<Config>: two families' kfunc tables share ids, or one uses the core's ids below kfunc_family_base
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

inline constexpr const char* toy_names[] = {"toy_data_ready"};
inline constexpr ksock::kfunc_table toy_table{ksock::kfunc_family_base - 1, 1, toy_names};

struct create_on_core_ids : ksock_test::toy_create {
    static constexpr const ksock::kfunc_table& kfuncs = toy_table;
};
using fam = ksock::family<ksock_test::pf_toy, create_on_core_ids,
                          ksock::type_list<ksock_test::toy_protosw>>;
constexpr int n = ksock::registry<ksock::type_list<fam>>::family_count;
