// connect takes the file's flags (O_NONBLOCK decides EINPROGRESS); one without them would silently
// become sock_no_connect.
// EXPECT: Entry::ops::connect must be .*static int connect\(Ctx&, socket&, const sockaddr\*, int addrlen, int flags\)
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
    static int connect(Ctx&, ksock::socket&, const ksock::sockaddr*, int) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_connect<entry>(c, s, nullptr, 0, 0);
}
