// setsockopt reads optval: a member taking a mutable void* does not accept the const void* the
// syscall layer passes, and would silently become EOPNOTSUPP.
// EXPECT: Entry::ops::setsockopt must be .*static int setsockopt\(Ctx&, socket&, int level, int optname, const void\*, socklen_t\)
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
    static int setsockopt(Ctx&, ksock::socket&, int, int, void*, ksock::socklen_t) {
        return 0;
    }
};
using entry = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, bad_ops>;

auto f(ksock::archetypes::context& c, ksock::socket& s) {
    return ksock::ops_setsockopt<entry>(c, s, 0, 0, nullptr, 0);
}
