// recvmsg takes the recv flags (MSG_PEEK, MSG_DONTWAIT); one without them would silently become
// sock_no_recvmsg.
// EXPECT: Entry::ops::recvmsg must be .*static long recvmsg\(Ctx&, socket&, kmsghdr&, std::size_t len, int flags\)
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
    static long recvmsg(Ctx&, ksock::socket&, ksock::kmsghdr&, std::size_t) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s, ksock::kmsghdr& m) {
    return ksock::ops_recvmsg<entry>(c, s, m, 0, 0);
}
