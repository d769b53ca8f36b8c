// The same PERMANENT entry registered twice.
// EXPECT: two entries for one protocol where the first is PERMANENT
#include <ksock/ksock.hpp>

using sw = ksock::type_list<ksock::inet::tcp_protosw, ksock::inet::tcp_protosw>;
using bad = ksock::family<ksock::pf_inet, ksock::inet::inet_create, sw>;
constexpr int n = bad::number;
