// The image of an object type that does not name its first member: a
// constant expression cannot reach the sock through a layout cast.
// EXPECT: ksock::sk_image<Entry>: Entry::obj_type must name the member it begins with
#include <ksock/core/sk_create.hpp>
#include <ksock/ksock.hpp>

struct my_sock {
    ksock::sock sk;
    int x;
};
// UNIX's name, init and close, with an object of its own.
struct my_prot : ksock::unix_domain::unix_dgram_proto {
    using obj_type = my_sock;
    static constexpr std::size_t obj_size = sizeof(my_sock);
};
using e = ksock::protosw<ksock::sock_dgram, 1, my_prot, ksock::unix_domain::unix_dgram_ops>;
constexpr my_sock img = ksock::sk_image<e>(29, 1);
