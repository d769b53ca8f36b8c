// test/interop/tap/sides.hpp: the two hosts of the TAP interop suite behind
// one interface, so that every case runs both ways with the same code: the
// kernel (its system calls, its counters, its neighbour table) and ksock
// (a stack with the TAP driver, in virtual time). Every call answers as
// ksock's do: the result, or -errno.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <unistd.h>

#include <netinet/in.h>
#include <sys/socket.h>

#include <ksock/default_config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/drivers/tap.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/stack.hpp>

#include "host.hpp"
#include "lossy_tap.hpp"

namespace tap_interop {

struct tap_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, lossy_tap>;
    static constexpr std::size_t skbs = 96;
    static constexpr std::size_t neigh_entries = 8;
    static constexpr std::size_t fib_entries = 4;
};
using tap_stack = ksock::stack<tap_config>;
inline constexpr int eth0 = 2;

struct side {
    const char* name;
    std::uint32_t addr; //!< network order
    unsigned char mac[6];

    virtual ~side() = default;
    virtual int socket(int type, int proto) = 0; //!< non-blocking, AF_INET
    virtual int bind(int fd, std::uint32_t a, unsigned port) = 0;
    virtual int connect(int fd, std::uint32_t a, unsigned port) = 0;
    //! sendto, or send when \p a is 0.
    virtual long sendto(int fd, const void* p, std::size_t n, std::uint32_t a, unsigned port) = 0;
    virtual long recvfrom(int fd, void* p, std::size_t n, std::uint32_t* a, unsigned* port) = 0;
    virtual int so_error(int fd) = 0;
    virtual int setsockopt_int(int fd, int level, int opt, int v) = 0;
    virtual void close(int fd) = 0;
    virtual counters snmp() = 0;
    //! The NUD state of the entry for \p a (-1: none) and its address.
    virtual int neigh(std::uint32_t a, unsigned char (&ha)[6]) = 0;
};

inline sockaddr_in sin_of(std::uint32_t a, unsigned port) {
    sockaddr_in s{};
    s.sin_family = AF_INET;
    s.sin_port = htons(static_cast<std::uint16_t>(port));
    s.sin_addr.s_addr = a;
    return s;
}

struct kernel_side final : side {
    static long k(long r) { return r < 0 ? -errno : r; }
    int socket(int type, int proto) override {
        return static_cast<int>(k(::socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, proto)));
    }
    int bind(int fd, std::uint32_t a, unsigned port) override {
        const auto s = sin_of(a, port);
        return static_cast<int>(k(::bind(fd, reinterpret_cast<const sockaddr*>(&s), sizeof s)));
    }
    int connect(int fd, std::uint32_t a, unsigned port) override {
        const auto s = sin_of(a, port);
        return static_cast<int>(k(::connect(fd, reinterpret_cast<const sockaddr*>(&s), sizeof s)));
    }
    long sendto(int fd, const void* p, std::size_t n, std::uint32_t a, unsigned port) override {
        if (!a)
            return k(::send(fd, p, n, 0));
        const auto s = sin_of(a, port);
        return k(::sendto(fd, p, n, 0, reinterpret_cast<const sockaddr*>(&s), sizeof s));
    }
    long recvfrom(int fd, void* p, std::size_t n, std::uint32_t* a, unsigned* port) override {
        sockaddr_in s{};
        socklen_t sl = sizeof s;
        const long r = k(::recvfrom(fd, p, n, 0, reinterpret_cast<sockaddr*>(&s), &sl));
        if (a)
            *a = s.sin_addr.s_addr;
        if (port)
            *port = ntohs(s.sin_port);
        return r;
    }
    int so_error(int fd) override {
        int e = 0;
        socklen_t l = sizeof e;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l);
        return e;
    }
    int setsockopt_int(int fd, int level, int opt, int v) override {
        return static_cast<int>(k(::setsockopt(fd, level, opt, &v, sizeof v)));
    }
    void close(int fd) override { ::close(fd); }
    counters snmp() override { return kernel_counters(); }
    int neigh(std::uint32_t a, unsigned char (&ha)[6]) override { return neigh_state(a, ha); }
};

//! ksock's counters under the names /proc/net/snmp and netstat give them.
inline counters ksock_counters(const ksock::inet::ipv4_mib& m) {
    counters c;
    const auto& i = m.ip;
    const std::pair<const char*, unsigned long> ip[] = {
        {"Ip.InReceives", i.in_receives},
        {"Ip.InHdrErrors", i.in_hdr_errors},
        {"Ip.InAddrErrors", i.in_addr_errors},
        {"Ip.ForwDatagrams", i.forw_datagrams},
        {"Ip.InUnknownProtos", i.in_unknown_protos},
        {"Ip.InDiscards", i.in_discards},
        {"Ip.InDelivers", i.in_delivers},
        {"Ip.OutRequests", i.out_requests},
        {"Ip.OutDiscards", i.out_discards},
        {"Ip.OutNoRoutes", i.out_no_routes},
        {"Ip.ReasmTimeout", i.reasm_timeout},
        {"Ip.ReasmReqds", i.reasm_reqds},
        {"Ip.ReasmOKs", i.reasm_oks},
        {"Ip.ReasmFails", i.reasm_fails},
        {"Ip.FragOKs", i.frag_oks},
        {"Ip.FragFails", i.frag_fails},
        {"Ip.FragCreates", i.frag_creates},
        {"Ip.OutTransmits", i.out_transmits},
        {"IpExt.InTruncatedPkts", i.in_truncated_pkts},
        {"IpExt.InCsumErrors", i.in_csum_errors},
    };
    const auto& x = m.icmp;
    const std::pair<const char*, unsigned long> icmp[] = {
        {"Icmp.InMsgs", x.in_msgs},
        {"Icmp.InErrors", x.in_errors},
        {"Icmp.InCsumErrors", x.in_csum_errors},
        {"Icmp.InDestUnreachs", x.in_dest_unreachs},
        {"Icmp.InTimeExcds", x.in_time_excds},
        {"Icmp.InParmProbs", x.in_parm_probs},
        {"Icmp.InEchos", x.in_echos},
        {"Icmp.InEchoReps", x.in_echo_reps},
        {"Icmp.OutMsgs", x.out_msgs},
        {"Icmp.OutErrors", x.out_errors},
        {"Icmp.OutDestUnreachs", x.out_dest_unreachs},
        {"Icmp.OutTimeExcds", x.out_time_excds},
        {"Icmp.OutParmProbs", x.out_parm_probs},
        {"Icmp.OutEchos", x.out_echos},
        {"Icmp.OutEchoReps", x.out_echo_reps},
    };
    const auto& u = m.udp;
    const std::pair<const char*, unsigned long> udp[] = {
        {"Udp.InDatagrams", u.in_datagrams},    {"Udp.NoPorts", u.no_ports},
        {"Udp.InErrors", u.in_errors},          {"Udp.OutDatagrams", u.out_datagrams},
        {"Udp.RcvbufErrors", u.rcvbuf_errors},  {"Udp.SndbufErrors", u.sndbuf_errors},
        {"Udp.InCsumErrors", u.in_csum_errors},
    };
    for (const auto& [k, v] : ip)
        c[k] = static_cast<long>(v);
    for (const auto& [k, v] : icmp)
        c[k] = static_cast<long>(v);
    for (const auto& [k, v] : udp)
        c[k] = static_cast<long>(v);
    return c;
}

struct ksock_side final : side {
    tap_stack& s;
    explicit ksock_side(tap_stack& st) : s(st) {}
    static const ksock::sockaddr* sa(const sockaddr_in& a) {
        return reinterpret_cast<const ksock::sockaddr*>(&a);
    }
    int socket(int type, int proto) override {
        return s.socket(ksock::af_inet, type | ksock::sock_nonblock, proto);
    }
    int bind(int fd, std::uint32_t a, unsigned port) override {
        const auto x = sin_of(a, port);
        return s.bind(fd, sa(x), sizeof x);
    }
    int connect(int fd, std::uint32_t a, unsigned port) override {
        const auto x = sin_of(a, port);
        return s.connect(fd, sa(x), sizeof x);
    }
    long sendto(int fd, const void* p, std::size_t n, std::uint32_t a, unsigned port) override {
        if (!a)
            return s.sendto(fd, p, n, 0, nullptr, 0);
        const auto x = sin_of(a, port);
        return s.sendto(fd, p, n, 0, sa(x), sizeof x);
    }
    long recvfrom(int fd, void* p, std::size_t n, std::uint32_t* a, unsigned* port) override {
        sockaddr_in x{};
        ksock::socklen_t l = sizeof x;
        const long r = s.recvfrom(fd, p, n, 0, reinterpret_cast<ksock::sockaddr*>(&x), &l);
        if (a)
            *a = x.sin_addr.s_addr;
        if (port)
            *port = ntohs(x.sin_port);
        return r;
    }
    int so_error(int fd) override {
        int e = 0;
        ksock::socklen_t l = sizeof e;
        s.getsockopt(fd, ksock::sol_socket, ksock::so_error, &e, &l);
        return e;
    }
    int setsockopt_int(int fd, int level, int opt, int v) override {
        return s.setsockopt(fd, level, opt, &v, sizeof v);
    }
    void close(int fd) override { s.close(fd); }
    counters snmp() override { return ksock_counters(ksock::inet::iproute::snmp(s)); }
    int neigh(std::uint32_t a, unsigned char (&ha)[6]) override {
        ksock::inet::neighbour n{};
        if (!ksock::inet::iproute::neigh_get(s, eth0, a, n))
            return -1;
        std::memcpy(ha, n.ha, 6);
        return n.nud_state;
    }
};

} // namespace tap_interop
