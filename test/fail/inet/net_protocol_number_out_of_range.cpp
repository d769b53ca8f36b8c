// An inet_protos entry for IP protocol 256: the protocol field of an IPv4
// header has 8 bits, inet_protos 256 slots.
// EXPECT: ksock::inet::net_protocol<\.\.\.>: Protocol must be an IP protocol number, 0 to 255
#include <ksock/ksock.hpp>

using bad = ksock::inet::net_protocol<256, ksock::inet::net_protocol_archetype>;
constexpr int p = bad::protocol;
