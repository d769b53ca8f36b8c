// Every sock is closed through sk_prot->close (inet_release, unix_release).
// EXPECT: ksock::proto<P>: P must define template <class Ctx> static void close\(Ctx&, sock&, long timeout\)
#include <cstddef>

#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

struct closeless_prot {
    static constexpr const char* name = "CLOSELESS";
    using obj_type = ksock_test::toy_sock;
    static constexpr std::size_t obj_size = sizeof(ksock_test::toy_sock);
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
};
using bad = ksock::protosw<ksock::sock_dgram, 1, closeless_prot, ksock_test::toy_ops>;
constexpr int t = bad::type;
