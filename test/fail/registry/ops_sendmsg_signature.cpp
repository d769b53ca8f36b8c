// sendmsg returns a byte count (long, as Linux's ssize_t); an int sendmsg would silently become
// sock_no_sendmsg.
// EXPECT: Entry::ops::sendmsg must be .*static long sendmsg\(Ctx&, socket&, kmsghdr&, std::size_t len\)
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
    static int sendmsg(Ctx&, ksock::socket&, ksock::kmsghdr&, std::size_t) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s, ksock::kmsghdr& m) {
    return ksock::ops_sendmsg<entry>(c, s, m, 0);
}
