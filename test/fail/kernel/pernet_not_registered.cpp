// ctx.pernet<T>() for a T no registered family declares as its pernet_type
// (net_generic with an id nobody registered).
// EXPECT: ksock::kernel::pernet_storage: no registered family declares this pernet_type
#include <ksock/detail/type_list.hpp>
#include <ksock/kernel/storage.hpp>

#include "support/toy_family.hpp"

struct netns_other {};
netns_other& f(ksock::kernel::pernet_storage<ksock_test::toy_config,
                                             ksock::type_list<ksock_test::toy_family>>& s) {
    return s.get<netns_other>();
}
