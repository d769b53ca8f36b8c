// getname returns the address length (Linux >= 5.3); the old form with an int* length would
// silently become sock_no_getname.
// EXPECT: Entry::ops::getname must be .*static int getname\(Ctx&, socket&, sockaddr\*, int peer\)
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
    static int getname(Ctx&, ksock::socket&, ksock::sockaddr*, int*, int) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_getname<entry>(c, s, nullptr, 0);
}
