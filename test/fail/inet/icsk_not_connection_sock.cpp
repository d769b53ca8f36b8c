// An ICSK entry whose object is not an inet_connection_sock.
// EXPECT: an ICSK entry.s Proto::obj_type must begin with ksock::inet::inet_connection_sock
#include <ksock/ksock.hpp>

using bad = ksock::protosw<ksock::sock_dgram, 17, ksock::inet::udp_prot,
                           ksock::inet::inet_dgram_ops, ksock::inet_protosw_icsk>;
constexpr auto o = ksock::inet::inet_create::image<bad>(17);
