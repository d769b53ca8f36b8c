// Two receivers of one link-layer protocol: each frame goes to one.
// EXPECT: ksock::stack<Config>: two packet_types of the registered families take one link-layer protocol
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/packet_type.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

struct fam : ksock_test::toy_family {
    using packet_types =
        ksock::type_list<ksock::archetypes::packet_type, ksock::archetypes::packet_type>;
};
constexpr int n = ksock::registry<ksock::type_list<fam>>::family_count;
