// inet_create::create, the run-time path, refuses an ICSK entry whose object is
// not an inet_connection_sock as the constexpr image does: PF_INET would set
// up connection state on an object that has none.
// EXPECT: an ICSK entry.s Proto::obj_type must begin with ksock::inet::inet_connection_sock
#include <ksock/inet/inet_create.hpp>
#include <ksock/inet/inet_dgram_ops.hpp>
#include <ksock/inet/udp/udp.hpp>
#include <ksock/registry/context.hpp>
#include <ksock/registry/protosw.hpp>
#include <ksock/uapi/socket.hpp>

using bad = ksock::protosw<ksock::sock_dgram, 17, ksock::inet::udp_prot,
                           ksock::inet::inet_dgram_ops, ksock::inet_protosw_icsk>;
int f(ksock::archetypes::context& c, ksock::socket& so) {
    return ksock::inet::inet_create::create<bad>(c, so, 17, 0);
}
