// An ops type without release.
// EXPECT: O must define template <class Entry, class Ctx> static int release
#include <ksock/ksock.hpp>

struct no_release_ops {
    static constexpr const char* name = "no_release_ops";
};
using e = ksock::protosw<ksock::sock_dgram, 17, ksock::inet::udp_prot, no_release_ops>;
constexpr int t = e::type;
