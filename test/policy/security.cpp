// test/policy/security.cpp: the security_policy concept (a policy is any
// default-constructible type: a stack builds one of each and calls the hooks
// it defines). Here: the minimal model, a policy with hooks, and near-misses;
// security_hooks over them calls the hooks in order, first denial wins.
#include <doctest/doctest.h>

#include <ksock/detail/type_list.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/policy/security.hpp>
#include <ksock/runtime/cred.hpp>
#include <ksock/uapi/errno.hpp>

#include "support/static_require.hpp"

namespace {

using namespace ksock;

//! The minimal model: no hook at all.
struct no_hooks {};
//! Denies listen(), counts the creates it saw.
struct deny_listen {
    int creates = 0;
    int socket_create(const cred&, int, int, int, int) {
        ++creates;
        return 0;
    }
    int socket_listen(ksock::socket&, int) { return -eacces; }
};
//! Would deny listen too, but comes second.
struct deny_listen_later {
    int socket_listen(ksock::socket&, int) { return -eperm; }
};
struct needs_an_argument {
    explicit needs_an_argument(int) {}
};
struct not_constructible {
    not_constructible() = delete;
};

} // namespace

TEST_CASE("security_policy: any default-constructible type, with or without hooks") {
    STATIC_REQUIRE(security_policy<no_hooks>);
    STATIC_REQUIRE(security_policy<deny_listen>);
}

TEST_CASE("security_policy: a type the stack cannot build is refused") {
    STATIC_REQUIRE(!security_policy<needs_an_argument>);
    STATIC_REQUIRE(!security_policy<not_constructible>);
    STATIC_REQUIRE(!security_policy<void>);
}

TEST_CASE("security_hooks: hooks run in order, the first denial wins, absent hooks allow") {
    security_hooks<type_list<no_hooks, deny_listen, deny_listen_later>> hooks;
    ksock::socket so{};
    cred c{};
    CHECK(hooks.socket_create(c, 1, 1, 0, 0) == 0);
    CHECK(hooks.get<deny_listen>().creates == 1);
    CHECK(hooks.socket_listen(so, 5) == -eacces);
    CHECK(hooks.socket_bind(so, nullptr, 0) == 0);
}
