// test/core/sk_release_ops.cpp: the release op of a family whose socket needs
// nothing at release but its proto's close (core/sk_release_ops.hpp).
//
// (a) sk_release_ops models proto_ops<sk_release_ops> (the header pins it),
//     and so does an ops type that derives from it and adds members;
// (b) release closes the sock through Entry::prot::close and leaves the
//     socket without one; a socket without a sock releases to 0.
#include <cstddef>

#include <doctest/doctest.h>

#include <ksock/core/sk_release_ops.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/stack.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/static_require.hpp"
#include "support/toy_family.hpp"

namespace sk_release_ops_test {

using namespace ksock;

//! Counts the closes it is asked for.
inline int closes = 0;

struct counting_prot : ksock_test::toy_prot {
    template <class Ctx>
    static void close(Ctx& ctx, sock& sk, long) {
        ++closes;
        sk_common_release<counting_prot>(ctx, sk);
    }
};

struct with_shutdown : sk_release_ops {
    template <class Entry, class Ctx>
    static int shutdown(Ctx&, ksock::socket&, int) {
        return -enotconn;
    }
};

using counting_protosw =
    protosw<sock_dgram, ksock_test::toyproto_dgram, counting_prot, with_shutdown>;
using counting_family =
    family<ksock_test::pf_toy, ksock_test::toy_create, type_list<counting_protosw>>;
struct counting_config : stack_config {
    using families = type_list<counting_family>;
};

} // namespace sk_release_ops_test

using namespace sk_release_ops_test;

TEST_CASE("sk_release_ops: a proto_ops, alone and as the base of a family's ops") {
    STATIC_REQUIRE(ksock::proto_ops<ksock::sk_release_ops>);
    STATIC_REQUIRE(ksock::proto_ops<with_shutdown>);
    STATIC_REQUIRE(ksock::detail::has_shutdown<with_shutdown>);
    STATIC_REQUIRE(!ksock::detail::has_shutdown<ksock::sk_release_ops>);
}

TEST_CASE("sk_release_ops::release: the proto's close, once, then no sock") {
    ksock::stack<counting_config> s;
    closes = 0;
    const int fd = s.socket(ksock_test::pf_toy, ksock::sock_dgram, ksock_test::toyproto_dgram);
    REQUIRE(fd >= 0);
    CHECK(s.objects_in_use<counting_prot>() == 1);
    CHECK(s.shutdown(fd, ksock::shut_rd) == -ksock::enotconn);
    CHECK(s.close(fd) == 0);
    CHECK(closes == 1);
    CHECK(s.objects_in_use<counting_prot>() == 0);
    CHECK(s.sockets_in_use() == 0);
}

TEST_CASE("sk_release_ops::release: a socket without a sock releases to 0") {
    ksock::stack<counting_config> s;
    closes = 0;
    ksock::socket so{};
    CHECK(ksock::sk_release_ops::release<counting_protosw>(s.context(), so) == 0);
    CHECK(closes == 0);
}
