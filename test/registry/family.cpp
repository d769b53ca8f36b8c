// test/registry/family.cpp: the protocol_family concept (what the registry
// reads of a family: number, create, protosw), its optional parts
// family_has_kfuncs and family_has_pernet, and what family<> takes from its
// create policy.
//
// (a) a minimal hand-written family and the tests' toy_family (neither
//     kfuncs nor pernet);
// (b) every family of the default stack (PF_UNIX and PF_INET have both);
// (c) near-misses: a member missing, a kfunc table of the wrong type, a
//     pernet_type that cannot be default-constructed.
#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/kfunc.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace family_test {

using namespace ksock;
using ksock_test::toy_create;
using ksock_test::toy_protosw;

struct minimal_family {
    static constexpr int number = 40;
    using create = toy_create;
    using protosw = type_list<toy_protosw>;
};
struct no_number {
    using create = toy_create;
    using protosw = type_list<toy_protosw>;
};
struct no_create {
    static constexpr int number = 40;
    using protosw = type_list<toy_protosw>;
};
struct no_protosw {
    static constexpr int number = 40;
    using create = toy_create;
};

inline constexpr const char* toy_names[] = {"toy_data_ready"};
inline constexpr kfunc_table toy_table{kfunc_family_base, 1, toy_names};

struct netns_toy {
    int counter = 7;
};
struct netns_needs_argument {
    explicit netns_needs_argument(int) {}
};

//! Create policies that declare the optional parts, as inet_create and
//! unix_create do; family<> takes them over.
struct create_with_kfuncs : toy_create {
    static constexpr const kfunc_table& kfuncs = toy_table;
};
struct create_with_pernet : toy_create {
    using pernet_type = netns_toy;
};
struct create_with_both : toy_create {
    static constexpr const kfunc_table& kfuncs = toy_table;
    using pernet_type = netns_toy;
};
//! Near-misses of the optional parts.
struct create_with_kfunc_count : toy_create {
    static constexpr int kfuncs = 1; // a number, not a table
};
struct create_with_bad_pernet : toy_create {
    using pernet_type = netns_needs_argument;
};

template <class Create>
using family_of = family<ksock_test::pf_toy, Create, type_list<toy_protosw>>;

template <class... Fs>
constexpr bool all_families(type_list<Fs...>) {
    return ((protocol_family<Fs> && family_has_kfuncs<Fs> && family_has_pernet<Fs>)&&...);
}

} // namespace family_test

using namespace family_test;

TEST_CASE("protocol_family: a minimal family and family<>") {
    STATIC_REQUIRE(protocol_family<minimal_family>);
    STATIC_REQUIRE(protocol_family<ksock_test::toy_family>);
    STATIC_REQUIRE(ksock_test::toy_family::number == ksock_test::pf_toy);
    STATIC_REQUIRE(ksock_test::toy_family::protosw::size == 1);
}

TEST_CASE("protocol_family: PF_UNIX and PF_INET, with kfuncs and a part of the namespace") {
    STATIC_REQUIRE(default_config::families::size == 2);
    STATIC_REQUIRE(all_families(default_config::families{}));
}

TEST_CASE("protocol_family: one member missing") {
    STATIC_REQUIRE(!protocol_family<no_number>);
    STATIC_REQUIRE(!protocol_family<no_create>);
    STATIC_REQUIRE(!protocol_family<no_protosw>);
    STATIC_REQUIRE(!protocol_family<toy_protosw>); // an entry is not a family
    STATIC_REQUIRE(!protocol_family<int>);
}

TEST_CASE("family_has_kfuncs / family_has_pernet: none, either, both") {
    STATIC_REQUIRE(!family_has_kfuncs<ksock_test::toy_family>);
    STATIC_REQUIRE(!family_has_pernet<ksock_test::toy_family>);
    STATIC_REQUIRE(family_has_kfuncs<family_of<create_with_kfuncs>>);
    STATIC_REQUIRE(!family_has_pernet<family_of<create_with_kfuncs>>);
    STATIC_REQUIRE(!family_has_kfuncs<family_of<create_with_pernet>>);
    STATIC_REQUIRE(family_has_pernet<family_of<create_with_pernet>>);
    STATIC_REQUIRE(family_has_kfuncs<family_of<create_with_both>>);
    STATIC_REQUIRE(family_has_pernet<family_of<create_with_both>>);
    // family<> hands the policy's own table and type on.
    CHECK(&family_of<create_with_both>::kfuncs == &toy_table);
    CHECK(family_of<create_with_both>::pernet_type{}.counter == 7);
}

TEST_CASE("family_has_kfuncs / family_has_pernet: near-misses") {
    // The concepts read the create policies as they read families.
    STATIC_REQUIRE(family_has_kfuncs<create_with_kfuncs>);
    STATIC_REQUIRE(!family_has_kfuncs<create_with_kfunc_count>);
    STATIC_REQUIRE(family_has_pernet<create_with_pernet>);
    STATIC_REQUIRE(!family_has_pernet<create_with_bad_pernet>);
    // A family over them has neither part: a stack would not keep a pernet
    // it cannot construct.
    STATIC_REQUIRE(!family_has_kfuncs<family_of<create_with_kfunc_count>>);
    STATIC_REQUIRE(!family_has_pernet<family_of<create_with_bad_pernet>>);
    CHECK(create_with_kfunc_count::kfuncs == 1);
}

TEST_CASE("family<>: a stack of the tests' own family alone creates and closes its sockets") {
    // The test double the compile-fail and layering tests build on works.
    static ksock::stack<ksock_test::toy_config> s;
    const int fd = s.socket(ksock_test::pf_toy, ksock::sock_dgram, 0);
    REQUIRE(fd >= 0);
    CHECK(s.sk_of_fd(fd)->sk_protocol == ksock_test::toyproto_dgram);
    CHECK(ksock::sk_cast<ksock_test::toy_sock>(s.sk_of_fd(fd))->value == 42);
    CHECK(s.objects_in_use<ksock_test::toy_prot>() == 1u);
    // No entry for the type, an unknown protocol, a family not registered.
    CHECK(s.socket(ksock_test::pf_toy, ksock::sock_stream, 0) == -ksock::esocktnosupport);
    CHECK(s.socket(ksock_test::pf_toy, ksock::sock_dgram, 5) == -ksock::einval);
    CHECK(s.socket(ksock::pf_inet, ksock::sock_dgram, 0) == -ksock::eafnosupport);
    CHECK(s.close(fd) == 0);
    CHECK(s.empty());
}
