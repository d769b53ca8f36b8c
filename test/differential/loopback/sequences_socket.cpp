// test/differential/loopback/sequences_socket.cpp: what the socket layer
// and the address checks do alike for every kind of socket: an AF_UNIX
// name given to PF_INET sockets.
#include <string>

#include <netinet/in.h>
#include <netinet/ip_icmp.h>

#include "harness.hpp"

namespace ksock_loopback {

namespace {

struct kind {
    const char* name;
    int family, type, protocol;
};

constexpr kind inet_kinds[] = {
    {"udp", AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0},
    {"tcp", AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0},
    {"ping", AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, IPPROTO_ICMP},
    {"raw", AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP},
};

//! An ICMP echo header: a ping socket refuses anything shorter (EINVAL)
//! before it looks at the address.
std::string echo_header() {
    return std::string("\x08\0\0\0\0\0\0\0", 8);
}

// An abstract AF_UNIX name on a PF_INET socket: every address check there
// reads the length before the family (inet_bind_sk, __inet_stream_connect
// and inet_dgram_connect, udp_sendmsg, ping_v4_sendmsg, raw_sendmsg), so
// "@n0" (5 bytes) is EINVAL and the same name padded to a sockaddr_in's 16
// bytes EAFNOSUPPORT; raw_bind never looks at the family, only at the
// address the bytes spell (here 48.0.0.0: EADDRNOTAVAIL). A TCP send
// ignores the name (EPIPE: not connected).
void unix_name_cases(std::vector<sequence>& out) {
    for (const kind& k : inet_kinds) {
        const addr short_name = un("n0");
        const addr padded = with_len(un("n0"), 16);
        const std::string data = k.protocol == IPPROTO_ICMP ? echo_header() : "x";
        out.push_back(seq(std::string("socket/") + k.name + "/unix-name")
                          .socket(0, k.family, k.type, k.protocol)
                          .bind(0, short_name)
                          .bind(0, padded)
                          .connect(0, short_name)
                          .connect(0, padded)
                          .sendto(0, data, short_name)
                          .sendto(0, data, padded)
                          .sendmsg(0, data, short_name)
                          .sendmsg(0, data, padded)
                          .socket(1, k.family, k.type, k.protocol)
                          .connect(1, with_len(un("n0"), 15))
                          .connect(1, with_len(un("n0"), 17)));
    }
}

} // namespace

std::vector<sequence> socket_sequences() {
    std::vector<sequence> out;
    unix_name_cases(out);
    return out;
}

} // namespace ksock_loopback
