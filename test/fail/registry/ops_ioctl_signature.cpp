// ioctl's argument is a pointer here (Linux passes unsigned long arg); a member written with
// Linux's integer arg would silently answer ENOIOCTLCMD to every request.
// EXPECT: Entry::ops::ioctl must be .*static int ioctl\(Ctx&, socket&, unsigned long cmd, void\* arg\)
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
    static int ioctl(Ctx&, ksock::socket&, unsigned long, unsigned long) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_ioctl<entry>(c, s, 0UL, nullptr);
}
