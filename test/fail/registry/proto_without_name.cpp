// struct proto has a .name (traces, /proc/net/protocols); one without is
// refused when the entry is declared.
// EXPECT: ksock::proto<P>: P::name must be a constexpr string
#include <cstddef>

#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

struct nameless_prot {
    using obj_type = ksock_test::toy_sock;
    static constexpr std::size_t obj_size = sizeof(ksock_test::toy_sock);
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, ksock::sock&, long) {}
};
using bad = ksock::protosw<ksock::sock_dgram, 1, nameless_prot, ksock_test::toy_ops>;
constexpr int t = bad::type;
