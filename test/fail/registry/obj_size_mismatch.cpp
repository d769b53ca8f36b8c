// obj_size is not sizeof(obj_type).
// EXPECT: P::obj_size must equal sizeof\(P::obj_type\)
#include <ksock/ksock.hpp>

struct bad_prot {
    static constexpr const char* name = "BAD";
    using obj_type = ksock::inet::udp_sock;
    static constexpr std::size_t obj_size = sizeof(ksock::inet::inet_sock);
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, ksock::sock&, long) {}
};
using e = ksock::protosw<ksock::sock_dgram, 17, bad_prot, ksock::inet::inet_dgram_ops>;
constexpr int t = e::type;
