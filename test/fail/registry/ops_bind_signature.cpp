// bind without addrlen could not check a short address (EINVAL); it would silently become
// sock_no_bind.
// EXPECT: Entry::ops::bind must be .*static int bind\(Ctx&, socket&, const sockaddr\*, int addrlen\)
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
    static int bind(Ctx&, ksock::socket&, const ksock::sockaddr*) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_bind<entry>(c, s, nullptr, 0);
}
