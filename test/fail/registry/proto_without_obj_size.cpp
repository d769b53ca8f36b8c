// struct proto's .obj_size sizes the slab cache; it must be given.
// EXPECT: ksock::proto<P>: P::obj_size must be defined
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

struct sizeless_prot {
    static constexpr const char* name = "SIZELESS";
    using obj_type = ksock_test::toy_sock;
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, ksock::sock&, long) {}
};
using bad = ksock::protosw<ksock::sock_dgram, 1, sizeless_prot, ksock_test::toy_ops>;
constexpr int t = bad::type;
