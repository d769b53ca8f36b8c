// shutdown without how could not tell SHUT_RD from SHUT_WR; it would silently become
// sock_no_shutdown.
// EXPECT: Entry::ops::shutdown must be .*static int shutdown\(Ctx&, socket&, int how\)
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
    static int shutdown(Ctx&, ksock::socket&) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_shutdown<entry>(c, s, 0);
}
