// A create policy's lookup may only answer 0, EINVAL, EAFNOSUPPORT,
// ESOCKTNOSUPPORT or EPROTONOSUPPORT (what __sock_create and pf->create's
// table walk can say before any allocation); socket<F, T, P>() refuses
// anything else, here EPERM, rather than compile a call that always fails.
// EXPECT: ksock::stack::resolve<F, T, P>: unsupported triple
#include <ksock/detail/type_list.hpp>
#include <ksock/registry/registry.hpp>
#include <ksock/uapi/errno.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

struct create_says_eperm : ksock_test::toy_create {
    static constexpr ksock::resolution lookup(const ksock::protosw_desc*, int, int type,
                                              int protocol) noexcept {
        return {-ksock::eperm, -1, type, protocol};
    }
};
using fam =
    ksock::family<ksock_test::pf_toy, create_says_eperm, ksock::type_list<ksock_test::toy_protosw>>;
using reg = ksock::registry<ksock::type_list<fam>>;
constexpr int i = reg::resolve<ksock_test::pf_toy, ksock::sock_dgram, 0>::index;
