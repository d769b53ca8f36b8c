// test/core/sk_create.cpp: the generic create steps (core/sk_create.hpp), the
// sk_create_hooks concept that says where a family's pf->create differs, and
// sk_image, the constexpr object those steps leave behind.
//
// (a) the archetype sk_create_defaults models sk_create_hooks<H> (the
//     header pins it), and so do the hooks of a real family (unix_create)
//     and a family of the test's own (capability and values changed);
// (b) near-misses: a member missing or mistyped is not a model;
// (c) sk_image gives the values sk_alloc, sock_init_data and the hooks
//     write; sk_create writes the same ones at run time, asks for the
//     hooks' capability, and unwinds when the proto's init fails.
#include <cstddef>
#include <cstdint>

#include <doctest/doctest.h>

#include <ksock/config.hpp>
#include <ksock/core/sk_create.hpp>
#include <ksock/core/sk_release_ops.hpp>
#include <ksock/detail/type_list.hpp>
#include <ksock/objects/layout.hpp>
#include <ksock/objects/sock.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/family.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/registry/ranged_lookup.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/capability.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/unix/af_unix.hpp>

#include "support/static_require.hpp"

namespace sk_create_test {

using namespace ksock;

inline constexpr int pf_test = af_max - 2;
inline constexpr int test_nproto = 3;

struct test_sock {
    sock sk;
    int channel;
};

} // namespace sk_create_test

//! sk_image writes test_sock's sock in a constant expression: it must know
//! the member, it cannot cast.
template <>
struct ksock::first_member<sk_create_test::test_sock>
    : ksock::first_member_is<&sk_create_test::test_sock::sk> {};

namespace sk_create_test {

//! init fails (ENOBUFS) while fail_init is set, to see sk_create unwind.
inline bool fail_init = false;

struct test_prot {
    static constexpr const char* name = "SKCREATE_TEST";
    using obj_type = test_sock;
    static constexpr std::size_t obj_size = sizeof(test_sock);
    template <class Ctx>
    static int init(Ctx&, sock&) {
        return fail_init ? -enobufs : 0;
    }
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long) {
        sk_common_release<test_prot>(ctx, sk);
    }
};

//! Hooks that change all three: SOCK_DGRAM needs CAP_NET_ADMIN, the
//! protocol is not recorded, the family sets its own field and a buffer.
struct test_create : ranged_lookup<test_nproto>, sk_create_defaults {
    template <class Entry>
    static constexpr int capability = cap_net_admin;
    static constexpr bool sets_sk_protocol = false;
    template <class Entry>
    static constexpr void values(test_sock& t, int protocol) noexcept {
        t.channel = 10 + protocol;
        t.sk.sk_sndbuf = 4096;
    }
    template <class Entry, class Ctx>
    static int create(Ctx& ctx, ksock::socket& so, int protocol, int kern) {
        return sk_create<Entry, test_create>(ctx, so, pf_test, protocol, kern);
    }
};

using test_dgram = protosw<sock_dgram, 1, test_prot, sk_release_ops>;
using test_raw = protosw<sock_raw, 2, test_prot, sk_release_ops>;
using test_family = family<pf_test, test_create, type_list<test_dgram, test_raw>>;

struct test_config : stack_config {
    using families = type_list<test_family>;
};

// (b) near-misses, each one member away from sk_create_defaults.
struct no_capability_member {
    static constexpr bool sets_sk_protocol = true;
    template <class Entry>
    static constexpr void values(typename Entry::prot::obj_type&, int) noexcept {}
};
struct no_sets_sk_protocol {
    template <class Entry>
    static constexpr int capability = no_capability;
    template <class Entry>
    static constexpr void values(typename Entry::prot::obj_type&, int) noexcept {}
};
struct no_values {
    template <class Entry>
    static constexpr int capability = no_capability;
    static constexpr bool sets_sk_protocol = true;
};
struct values_returns_int : sk_create_defaults {
    template <class Entry>
    static constexpr int values(typename Entry::prot::obj_type&, int) noexcept {
        return 0;
    }
};
struct values_without_protocol : sk_create_defaults {
    template <class Entry>
    static constexpr void values(typename Entry::prot::obj_type&) noexcept {}
};
//! values for another object than the entry's: not callable with test_sock.
struct values_of_other_object : sk_create_defaults {
    template <class Entry>
    static constexpr void values(unix_domain::unix_sock&, int) noexcept {}
};

} // namespace sk_create_test

using namespace sk_create_test;

TEST_CASE("sk_create_hooks: the archetype, a real family's hooks and a test family's") {
    STATIC_REQUIRE(ksock::sk_create_hooks<ksock::sk_create_defaults>);
    STATIC_REQUIRE(ksock::sk_create_hooks<ksock::sk_create_defaults, test_dgram>);
    STATIC_REQUIRE(ksock::sk_create_hooks<ksock::unix_domain::unix_create,
                                          ksock::unix_domain::unix_stream_protosw>);
    STATIC_REQUIRE(ksock::sk_create_hooks<test_create, test_dgram>);
}

TEST_CASE("sk_create_hooks: a hook missing or mistyped is not a model") {
    STATIC_REQUIRE(!ksock::sk_create_hooks<no_capability_member, test_dgram>);
    STATIC_REQUIRE(!ksock::sk_create_hooks<no_sets_sk_protocol, test_dgram>);
    STATIC_REQUIRE(!ksock::sk_create_hooks<no_values, test_dgram>);
    STATIC_REQUIRE(!ksock::sk_create_hooks<values_returns_int, test_dgram>);
    STATIC_REQUIRE(!ksock::sk_create_hooks<values_without_protocol, test_dgram>);
    STATIC_REQUIRE(!ksock::sk_create_hooks<values_of_other_object, test_dgram>);
}

TEST_CASE("sk_create_defaults: CAP_NET_RAW for SOCK_RAW only, sk_protocol recorded") {
    STATIC_REQUIRE(ksock::sk_create_defaults::capability<test_raw> == ksock::cap_net_raw);
    STATIC_REQUIRE(ksock::sk_create_defaults::capability<test_dgram> == ksock::no_capability);
    STATIC_REQUIRE(ksock::sk_create_defaults::sets_sk_protocol);
    STATIC_REQUIRE(!ksock::unix_domain::unix_create::sets_sk_protocol);
}

TEST_CASE("sk_image: the values of sk_alloc, sock_init_data and the hooks, as a constant") {
    constexpr test_sock d = ksock::sk_image<test_dgram>(pf_test, 1);
    STATIC_REQUIRE(d.sk.sk_family() == pf_test);
    STATIC_REQUIRE(d.sk.sk_type == ksock::sock_dgram);
    STATIC_REQUIRE(d.sk.sk_protocol == 1);
    STATIC_REQUIRE(d.sk.sk_rcvbuf == 212992);
    STATIC_REQUIRE(d.sk.sk_sndbuf == 212992);
    STATIC_REQUIRE(d.channel == 0);

    constexpr test_sock t = ksock::sk_image<test_dgram, test_create>(pf_test, 1);
    STATIC_REQUIRE(t.sk.sk_protocol == 0); // not recorded
    STATIC_REQUIRE(t.channel == 11);
    STATIC_REQUIRE(t.sk.sk_sndbuf == 4096);
    STATIC_REQUIRE(t.sk.sk_rcvbuf == 212992);

    // The namespace's sysctls reach the image: net.core.rmem_default.
    constexpr ksock::net_core_sysctl small{.wmem_default = 8192, .rmem_default = 16384};
    constexpr test_sock s = ksock::sk_image<test_dgram>(pf_test, 1, small);
    STATIC_REQUIRE(s.sk.sk_sndbuf == 8192);
    STATIC_REQUIRE(s.sk.sk_rcvbuf == 16384);
}

TEST_CASE("sk_create: the run-time steps write what sk_image says") {
    ksock::stack<test_config> s;
    constexpr test_sock img = ksock::sk_image<test_dgram, test_create>(pf_test, 1);
    const int fd = s.socket(pf_test, ksock::sock_dgram, 1);
    REQUIRE(fd >= 0);
    int v = 0;
    ksock::socklen_t len = sizeof v;
    REQUIRE(s.getsockopt(fd, ksock::sol_socket, ksock::so_sndbuf, &v, &len) == 0);
    CHECK(v == img.sk.sk_sndbuf);
    REQUIRE(s.getsockopt(fd, ksock::sol_socket, ksock::so_protocol, &v, &len) == 0);
    CHECK(v == 0);
    REQUIRE(s.getsockopt(fd, ksock::sol_socket, ksock::so_domain, &v, &len) == 0);
    CHECK(v == pf_test);
    CHECK(s.objects_in_use<test_prot>() == 1);
    CHECK(s.close(fd) == 0);
    CHECK(s.objects_in_use<test_prot>() == 0);
}

TEST_CASE("sk_create: the hooks' capability is asked of the caller, not of the kernel") {
    ksock::stack<test_config> s;
    s.current().cred = ksock::cred::user(1000, 1000);
    CHECK(s.socket(pf_test, ksock::sock_dgram, 1) == -ksock::eperm);
    CHECK(s.socket(pf_test, ksock::sock_raw, 2) == -ksock::eperm);
    CHECK(s.sockets_in_use() == 0);
    CHECK(s.objects_in_use<test_prot>() == 0);
    s.current().cred.raise(ksock::cap_net_admin);
    const int fd = s.socket(pf_test, ksock::sock_dgram, 1);
    CHECK(fd >= 0);
    CHECK(s.close(fd) == 0);
}

TEST_CASE("sk_create: a failing init releases the sock and leaves nothing behind") {
    ksock::stack<test_config> s;
    fail_init = true;
    CHECK(s.socket(pf_test, ksock::sock_dgram, 1) == -ksock::enobufs);
    fail_init = false;
    CHECK(s.sockets_in_use() == 0);
    CHECK(s.files_in_use() == 0);
    CHECK(s.objects_in_use<test_prot>() == 0);
    CHECK(s.net().sock_inuse == 0);
    // And the slot is usable again.
    const int fd = s.socket(pf_test, ksock::sock_dgram, 1);
    CHECK(fd == 0);
    CHECK(s.close(fd) == 0);
}

TEST_CASE("ranged_lookup: protocols outside 0 .. NProto-1 are EINVAL, the rest protosw_lookup's") {
    ksock::stack<test_config> s;
    CHECK(s.socket(pf_test, ksock::sock_dgram, -1) == -ksock::einval);
    CHECK(s.socket(pf_test, ksock::sock_dgram, test_nproto) == -ksock::einval);
    // inet_create's walk: no entry of the type is ESOCKTNOSUPPORT, an entry
    // of the type with another protocol EPROTONOSUPPORT.
    CHECK(s.socket(pf_test, ksock::sock_stream, 1) == -ksock::esocktnosupport);
    CHECK(s.socket(pf_test, ksock::sock_dgram, 2) == -ksock::eprotonosupport);
    CHECK(s.sockets_in_use() == 0);
}
