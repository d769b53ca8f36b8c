// listen returns an errno (EINVAL on a connected socket); a void listen would silently become
// sock_no_listen.
// EXPECT: Entry::ops::listen must be .*static int listen\(Ctx&, socket&, int backlog\)
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
    static void listen(Ctx&, ksock::socket&, int) {}
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_listen<entry>(c, s, 0);
}
