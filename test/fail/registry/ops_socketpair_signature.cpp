// A socketpair without the peer socket: the pair could never be joined. Without the check the stack
// would silently answer EOPNOTSUPP (sock_no_socketpair).
// EXPECT: Entry::ops::socketpair must be .*static int socketpair\(Ctx&, socket&, socket&\)
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
    static int socketpair(Ctx&, ksock::socket&) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_socketpair<entry>(c, s, s);
}
