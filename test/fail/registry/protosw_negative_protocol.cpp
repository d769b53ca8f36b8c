// A protocol number is never negative (socket() refuses one with EINVAL
// before any table is walked).
// EXPECT: ksock::protosw<...>: Protocol must not be negative
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

#include "support/toy_family.hpp"

using bad = ksock::protosw<ksock::sock_dgram, -1, ksock_test::toy_prot, ksock_test::toy_ops>;
constexpr int t = bad::type;
