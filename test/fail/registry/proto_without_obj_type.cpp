// A proto names the type its pool holds (what sk_alloc allocates).
// EXPECT: ksock::proto<P>: P::obj_type must name the protocol's socket object type
#include <cstddef>

#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

struct typeless_prot {
    static constexpr const char* name = "TYPELESS";
    static constexpr std::size_t obj_size = sizeof(ksock_test::toy_sock);
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, ksock::sock&, long) {}
};
using bad = ksock::protosw<ksock::sock_dgram, 1, typeless_prot, ksock_test::toy_ops>;
constexpr int t = bad::type;
