// inet_protosw knows three flags; another bit is a typo, not a feature.
// EXPECT: ksock::protosw<...>: Flags may only hold PERMANENT, ICSK and REUSE
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

using bad = ksock::protosw<ksock::sock_dgram, 1, ksock_test::toy_prot, ksock_test::toy_ops, 0x08>;
constexpr int t = bad::type;
