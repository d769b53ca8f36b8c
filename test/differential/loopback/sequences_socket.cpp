// test/differential/loopback/sequences_socket.cpp: what the socket layer
// and the address checks do alike for every kind of socket: an AF_UNIX
// name given to PF_INET sockets, and a driver's private ioctl
// (SIOCDEVPRIVATE..+15) on each family.
#include <cstring>
#include <string>

#include <linux/sockios.h>
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

//! The int whose bytes are the start of a device name (the harness passes
//! it at the start of a zeroed struct ifreq).
int name_int(const char (&name)[5]) {
    int v = 0;
    std::memcpy(&v, name, sizeof v);
    return v;
}

step ioctl_step(int h, unsigned long cmd, int arg = 0) {
    return {.o = op::ioctl, .h = h, .a = static_cast<int>(cmd), .b = arg};
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

// sock_ioctl hands SIOCDEVPRIVATE..+15 to dev_ioctl before the family's
// ops: the struct ifreq names no device (ENODEV), or lo, whose driver has
// no private requests (EOPNOTSUPP), or an alias of lo.
void devprivate_cases(std::vector<sequence>& out) {
    const int lo_name = name_int("lo\0\0");
    const int lo_alias = name_int("lo:1");
    const int other = name_int("eth0");
    auto probe = [&](seq& q, int h) {
        q.add(ioctl_step(h, SIOCDEVPRIVATE))
            .add(ioctl_step(h, SIOCDEVPRIVATE + 15))
            .add(ioctl_step(h, SIOCDEVPRIVATE, lo_name))
            .add(ioctl_step(h, SIOCDEVPRIVATE + 9, lo_alias))
            .add(ioctl_step(h, SIOCDEVPRIVATE + 15, other))
            .add(ioctl_step(h, SIOCDEVPRIVATE - 1))
            .add(ioctl_step(h, SIOCDEVPRIVATE + 16));
    };
    for (const kind& k : inet_kinds) {
        seq q(std::string("socket/") + k.name + "/ioctl-siocdevprivate");
        q.socket(0, k.family, k.type, k.protocol);
        probe(q, 0);
        out.push_back(q);
    }
    const int unix_types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
    const char* unix_names[] = {"stream", "dgram", "seqpacket"};
    for (int i = 0; i < 3; ++i) {
        seq q(std::string("socket/unix-") + unix_names[i] + "/ioctl-siocdevprivate");
        q.socketpair(0, 1, AF_UNIX, unix_types[i] | SOCK_NONBLOCK);
        probe(q, 0);
        out.push_back(q);
    }
}

} // namespace

std::vector<sequence> socket_sequences() {
    std::vector<sequence> out;
    unix_name_cases(out);
    devprivate_cases(out);
    return out;
}

} // namespace ksock_loopback
