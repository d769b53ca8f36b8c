// sk_prot->init returns an errno the create path unwinds on; an init that
// returns nothing is refused (a missing init is refused the same way).
// EXPECT: ksock::proto<P>: P must define template <class Ctx> static int init\(Ctx&, sock&\)
#include <cstddef>

#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

struct void_init_prot {
    static constexpr const char* name = "VOIDINIT";
    using obj_type = ksock_test::toy_sock;
    static constexpr std::size_t obj_size = sizeof(ksock_test::toy_sock);
    template <class Ctx>
    static void init(Ctx&, ksock::sock&) {}
    template <class Ctx>
    static void close(Ctx&, ksock::sock&, long) {}
};
using bad = ksock::protosw<ksock::sock_dgram, 1, void_init_prot, ksock_test::toy_ops>;
constexpr int t = bad::type;
