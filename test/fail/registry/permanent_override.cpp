// An entry for a (type, protocol) already taken by a PERMANENT entry.
// EXPECT: two entries for one protocol where the first is PERMANENT
#include <ksock/ksock.hpp>

using sw = ksock::type_list<ksock::inet::tcp_protosw, ksock::inet::udp_protosw,
                            ksock::protosw<ksock::sock_stream, ksock::ipproto_tcp,
                                           ksock::inet::udp_prot, ksock::inet::inet_stream_ops>>;
using bad = ksock::family<ksock::pf_inet, ksock::inet::inet_create, sw>;
constexpr int n = bad::number;
