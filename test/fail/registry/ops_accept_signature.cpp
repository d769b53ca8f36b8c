// accept takes the flags of accept4 (SOCK_NONBLOCK); the old three-argument form would silently
// become sock_no_accept.
// EXPECT: Entry::ops::accept must be .*static int accept\(Ctx&, socket&, socket& newsock, int flags\)
#include <cstddef>

#include <ksock/objects/kmsghdr.hpp>
#include <ksock/objects/socket.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/proto_ops.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/sockaddr.hpp>
#include <ksock/uapi/socket.hpp>
#include <ksock/uapi/types.hpp>

#include "support/toy_family.hpp"

struct bad_ops : ksock_test::toy_ops {
    template <class Entry, class Ctx>
    static int accept(Ctx&, ksock::socket&, ksock::socket&) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_accept<entry>(c, s, s, 0);
}
