// A protosw entry whose type is not a socket type.
// EXPECT: Type must be a socket type below SOCK_MAX
#include <ksock/ksock.hpp>

using e = ksock::protosw<ksock::sock_max, 17, ksock::inet::udp_prot, ksock::inet::inet_dgram_ops>;
constexpr int t = e::type;
