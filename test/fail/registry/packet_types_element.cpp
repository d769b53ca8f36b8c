// A family's packet_types must hold packet_type entries: here one without func.
// EXPECT: ksock::stack<Config>: every element of a family's packet_types must model ksock::packet_type
#include <cstdint>

#include <ksock/detail/type_list.hpp>
#include <ksock/registry/registry.hpp>

#include "support/toy_family.hpp"

struct no_func {
    static constexpr std::uint16_t type = 0x88b5;
};
struct fam : ksock_test::toy_family {
    using packet_types = ksock::type_list<no_func>;
};
constexpr int n = ksock::registry<ksock::type_list<fam>>::family_count;
