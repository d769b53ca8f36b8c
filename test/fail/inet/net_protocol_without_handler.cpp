// An inet_protos entry whose handler type has no handler.
// EXPECT: ksock::inet::net_protocol<\.\.\.>: Handler must define template <class Ctx> static void
// handler
#include <ksock/ksock.hpp>

struct no_handler {};
using bad = ksock::inet::net_protocol<253, no_handler>;
constexpr int p = bad::protocol;
