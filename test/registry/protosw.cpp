// test/registry/protosw.cpp: the protosw_entry concept (what the registry
// reads of an entry: type, protocol, flags, prot, ops), the protosw<>
// template that models it, and protosw_lookup, inet_create's table walk.
//
// (a) a minimal hand-written entry and the tests' toy_protosw;
// (b) every entry of the default stack;
// (c) near-misses: one of the five members missing, or of the wrong kind.
#include <doctest/doctest.h>

#include <ksock/default_config.hpp>
#include <ksock/registry/archetypes.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace protosw_test {

using namespace ksock;

//! The five members, nothing else: what protosw<> provides, by hand.
struct minimal_entry {
    static constexpr int type = sock_dgram;
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
    using prot = ksock_test::toy_prot;
    using ops = ksock_test::toy_ops;
};
struct no_type {
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
    using prot = ksock_test::toy_prot;
    using ops = ksock_test::toy_ops;
};
struct no_protocol {
    static constexpr int type = sock_dgram;
    static constexpr unsigned flags = 0;
    using prot = ksock_test::toy_prot;
    using ops = ksock_test::toy_ops;
};
struct no_flags {
    static constexpr int type = sock_dgram;
    static constexpr int protocol = 0;
    using prot = ksock_test::toy_prot;
    using ops = ksock_test::toy_ops;
};
struct no_prot {
    static constexpr int type = sock_dgram;
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
    using ops = ksock_test::toy_ops;
};
struct no_ops {
    static constexpr int type = sock_dgram;
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
    using prot = ksock_test::toy_prot;
};
//! The type as a name: the lookup compares numbers.
struct type_is_a_name {
    static constexpr const char* type = "SOCK_DGRAM";
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
    using prot = ksock_test::toy_prot;
    using ops = ksock_test::toy_ops;
};
//! prot as a value, not a type.
struct prot_is_a_value {
    static constexpr int type = sock_dgram;
    static constexpr int protocol = 0;
    static constexpr unsigned flags = 0;
    static constexpr int prot = 0;
    using ops = ksock_test::toy_ops;
};

template <class... Es>
constexpr bool all_entries(type_list<Es...>) {
    return (protosw_entry<Es> && ...);
}

using reg = registry<default_config::families>;

} // namespace protosw_test

using namespace protosw_test;

TEST_CASE("protosw_entry: a minimal entry, protosw<>, the archetype") {
    STATIC_REQUIRE(protosw_entry<minimal_entry>);
    STATIC_REQUIRE(protosw_entry<ksock_test::toy_protosw>);
    STATIC_REQUIRE(protosw_entry<archetypes::entry>);
    // protosw<> carries its arguments.
    using e = ksock_test::toy_protosw;
    STATIC_REQUIRE(e::type == sock_dgram);
    STATIC_REQUIRE(e::protocol == ksock_test::toyproto_dgram);
    STATIC_REQUIRE(e::flags == 0u);
    STATIC_REQUIRE(e::obj_size == sizeof(ksock_test::toy_sock));
}

TEST_CASE("protosw_entry: every entry of the default stack") {
    STATIC_REQUIRE(reg::entries::size == 8);
    STATIC_REQUIRE(all_entries(reg::entries{}));
}

TEST_CASE("protosw_entry: one member missing or of the wrong kind") {
    STATIC_REQUIRE(!protosw_entry<no_type>);
    STATIC_REQUIRE(!protosw_entry<no_protocol>);
    STATIC_REQUIRE(!protosw_entry<no_flags>);
    STATIC_REQUIRE(!protosw_entry<no_prot>);
    STATIC_REQUIRE(!protosw_entry<no_ops>);
    STATIC_REQUIRE(!protosw_entry<type_is_a_name>);
    STATIC_REQUIRE(!protosw_entry<prot_is_a_value>);
    STATIC_REQUIRE(!protosw_entry<int>);
}

TEST_CASE("protosw_lookup: inet_create's walk over a table") {
    // SOCK_STREAM/TCP, SOCK_DGRAM/UDP, SOCK_DGRAM/ICMP, SOCK_RAW wildcard.
    constexpr protosw_desc t[] = {{sock_stream, ipproto_tcp, 0},
                                  {sock_dgram, ipproto_udp, 0},
                                  {sock_dgram, ipproto_icmp, 0},
                                  {sock_raw, ipproto_ip, 0}};
    constexpr int n = 4;
    // Protocol 0 takes the first entry's protocol.
    STATIC_REQUIRE(protosw_lookup(t, n, sock_dgram, 0).entry == 1);
    STATIC_REQUIRE(protosw_lookup(t, n, sock_dgram, 0).protocol == ipproto_udp);
    // An exact protocol finds its entry, past others of the type.
    STATIC_REQUIRE(protosw_lookup(t, n, sock_dgram, ipproto_icmp).entry == 2);
    // The wildcard entry takes any non-zero protocol, but not 0.
    STATIC_REQUIRE(protosw_lookup(t, n, sock_raw, 99).entry == 3);
    STATIC_REQUIRE(protosw_lookup(t, n, sock_raw, 0).err == -eprotonosupport);
    // A type without an entry, a protocol no entry of the type serves.
    STATIC_REQUIRE(protosw_lookup(t, n, sock_seqpacket, 0).err == -esocktnosupport);
    STATIC_REQUIRE(protosw_lookup(t, n, sock_stream, ipproto_udp).err == -eprotonosupport);
}
