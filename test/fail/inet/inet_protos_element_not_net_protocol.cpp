// A list of inet_protos entries with an element that is not a net_protocol
// (its handler type alone, without the protocol number).
// EXPECT: ksock::inet::inet_protos: every element must be a ksock::inet::net_protocol<Protocol, Handler>
#include <ksock/ksock.hpp>

using bad = ksock::type_list<ksock::inet::net_protocol<17, ksock::inet::net_protocol_archetype>,
                             ksock::inet::net_protocol_archetype>;
constexpr bool ok = ksock::inet::detail::inet_protos_valid(bad{});
