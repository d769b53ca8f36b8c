// A family number >= AF_MAX: sock_register refuses it (ENOBUFS).
// EXPECT: the family number must be below AF_MAX
#include <ksock/ksock.hpp>

using bad = ksock::family<46, ksock::inet::inet_create, ksock::inet::inetsw>;
constexpr int n = bad::number;
