// A proto whose object type does not begin with ksock::sock.
// EXPECT: Proto::obj_type must begin with ksock::sock at offset 0
#include <ksock/ksock.hpp>

struct bad {
    int x;
    ksock::sock sk;
};
struct bad_prot {
    static constexpr const char* name = "BAD";
    using obj_type = bad;
    static constexpr std::size_t obj_size = sizeof(bad);
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx&, ksock::sock&, long) {}
};
using e = ksock::protosw<ksock::sock_dgram, 17, bad_prot, ksock::inet::inet_dgram_ops>;
constexpr int t = e::type;
