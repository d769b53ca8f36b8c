// 255 protosw entries: socket::ops stores the entry index + 1 in one byte,
// 0 meaning none, so 254 is the most a stack can dispatch to.
// EXPECT: ksock::stack<Config>: between 1 and 254 protosw entries are supported
#include <cstddef>
#include <utility>

#include <ksock/detail/type_list.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

template <std::size_t... Is>
auto repeat(std::index_sequence<Is...>)
    -> ksock::type_list<decltype((void)Is, ksock_test::toy_protosw{})...>;
using entries_255 = decltype(repeat(std::make_index_sequence<255>{}));
using big_family = ksock::family<ksock_test::pf_toy, ksock_test::toy_create, entries_255>;
constexpr int n = ksock::registry<ksock::type_list<big_family>>::entry_count;
