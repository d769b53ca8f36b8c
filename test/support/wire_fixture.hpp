// test/support/wire_fixture.hpp: two stacks on a virtual link (vlink.hpp):
// stack a is 192.0.2.1/24 on its eth0 (ifindex 2), stack b 192.0.2.2/24,
// both devices up, lo as ifindex 1 on each. Small pools, so every table
// and pool can be run out. One pair lives at a time, in static storage
// (fresh() builds a new one in place), so that the tests fit a Cortex-M.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include <ksock/default_config.hpp>
#include <ksock/drivers/loopback.hpp>
#include <ksock/inet/iproute.hpp>
#include <ksock/policy/fault.hpp>
#include <ksock/uapi/byteorder.hpp>
#include <ksock/uapi/in.hpp>
#include <ksock/uapi/sockaddr.hpp>

#include "support/vlink.hpp"

namespace ksock_test {

template <int Side>
struct wire_config : ksock::default_config {
    using devices = ksock::type_list<ksock::drivers::loopback, vdev<Side>>;
    static constexpr std::size_t max_fds = 16;
    static constexpr std::size_t max_sockets = 16;
    template <class Proto>
    static constexpr std::size_t proto_objects = 4;
    static constexpr std::size_t skbs = 48;
    static constexpr std::size_t skb_data_size = 512;
    static constexpr std::size_t neigh_entries = 4;
    static constexpr std::size_t neigh_unres_qlen = 3;
    static constexpr std::size_t fib_entries = 4;
    static constexpr std::size_t inet_addrs = 4;
    static constexpr std::size_t ipfrag_queues = 2;
    static constexpr std::size_t ipfrag_max_size = 8192;
    using fault = ksock::fail_nth;
};

inline constexpr unsigned char mac_a[6] = {0x02, 0, 0, 0, 0, 1};
inline constexpr unsigned char mac_b[6] = {0x02, 0, 0, 0, 0, 2};

using wire_stack_a = ksock::stack<wire_config<0>>;
using wire_stack_b = ksock::stack<wire_config<1>>;

inline constexpr std::uint32_t addr_a = ksock::inet::ipv4(192, 0, 2, 1);
inline constexpr std::uint32_t addr_b = ksock::inet::ipv4(192, 0, 2, 2);
inline constexpr int eth0 = 2;

//! A sockaddr_in for \p addr (network order) and host-order \p port.
inline ksock::sockaddr_in sin_of(std::uint32_t addr, std::uint16_t port) noexcept {
    ksock::sockaddr_in s{};
    s.sin_family = ksock::af_inet;
    s.sin_port = ksock::cpu_to_be16(port);
    s.sin_addr.s_addr = addr;
    return s;
}
inline const ksock::sockaddr* sa(const ksock::sockaddr_in& s) noexcept {
    return reinterpret_cast<const ksock::sockaddr*>(&s);
}

//! What went over the wire: every frame's first bytes, by side.
struct wire_log {
    static constexpr std::size_t max = 64;
    struct entry {
        int from;
        std::size_t len;
        unsigned char head[64];
        std::uint16_t ethertype() const noexcept {
            return static_cast<std::uint16_t>((head[12] << 8) | head[13]);
        }
        //! The ARP opcode of an ARP frame (0 otherwise).
        unsigned arp_op() const noexcept { return ethertype() == 0x0806 ? head[21] : 0; }
        std::uint32_t ip_at(std::size_t off) const noexcept {
            std::uint32_t v = 0;
            std::memcpy(&v, head + off, 4);
            return v;
        }
    };
    entry e[max];
    std::size_t n = 0;
    std::size_t total = 0;
    static void record(void* user, int from, const unsigned char* p, std::size_t len) {
        auto& l = *static_cast<wire_log*>(user);
        ++l.total;
        if (l.n == max)
            return;
        entry& x = l.e[l.n++];
        x.from = from;
        x.len = len;
        std::memset(x.head, 0, sizeof x.head);
        std::memcpy(x.head, p, len < sizeof x.head ? len : sizeof x.head);
    }
    void clear() noexcept { n = total = 0; }
    //! Frames of \p ethertype sent by side \p from.
    std::size_t count(int from, std::uint16_t ethertype) const noexcept {
        std::size_t c = 0;
        for (std::size_t i = 0; i < n; ++i)
            c += e[i].from == from && e[i].ethertype() == ethertype;
        return c;
    }
};

struct wire_pair {
    vwire w;
    wire_stack_a a;
    wire_stack_b b;
    wire_log log;

    //! Run both stacks and the wire for \p ms.
    void run(unsigned long ms) { vlink_run(w, a, b, ms); }

    //! A new pair in the static storage (the previous one is gone), set up:
    //! addresses, devices up, and ARP resolved both ways unless \p cold.
    static wire_pair& fresh(bool cold = false) {
        alignas(wire_pair) static unsigned char storage[sizeof(wire_pair)];
        static wire_pair* live = nullptr;
        if (live)
            live->~wire_pair();
        auto* p = ::new (storage) wire_pair();
        live = p;
        p->w.tap = &wire_log::record;
        p->w.tap_user = &p->log;
        p->a.template device<vdev<0>>().wire = &p->w;
        p->b.template device<vdev<1>>().wire = &p->w;
        ksock::inet::iproute::addr_add(p->a, eth0, addr_a, 24);
        ksock::inet::iproute::addr_add(p->b, eth0, addr_b, 24);
        p->a.dev_open(eth0);
        p->b.dev_open(eth0);
        if (!cold)
            p->resolve();
        p->log.clear();
        ksock::inet::ipv4_net(p->a).mib = {};
        ksock::inet::ipv4_net(p->b).mib = {};
        return *p;
    }

    //! Ping-free ARP warm-up: a UDP datagram each way to a closed port
    //! (the answer is an ICMP error nobody reads), so both neighbour
    //! entries are known; the counters the tests read are reset after.
    void resolve() {
        const int ua = a.socket(ksock::af_inet, ksock::sock_dgram, 0);
        const int ub = b.socket(ksock::af_inet, ksock::sock_dgram, 0);
        const auto to_b = sin_of(addr_b, 9);
        const auto to_a = sin_of(addr_a, 9);
        a.sendto(ua, "w", 1, 0, sa(to_b), sizeof to_b);
        run(5);
        b.sendto(ub, "w", 1, 0, sa(to_a), sizeof to_a);
        run(5);
        a.close(ua);
        b.close(ub);
    }
};

//! The NUD state of \p addr on eth0 of stack \p s, or -1 for no entry.
template <class S>
int neigh_state(S& s, std::uint32_t addr) {
    ksock::inet::neighbour n{};
    return ksock::inet::iproute::neigh_get(s, eth0, addr, n) ? n.nud_state : -1;
}

//! A UDP socket of \p s bound to \p addr : \p port (port 0: any), or
//! -errno (the socket closed again).
template <class S>
int udp_bound(S& s, std::uint32_t addr, std::uint16_t port) {
    const int fd = s.socket(ksock::af_inet, ksock::sock_dgram | ksock::sock_nonblock, 0);
    if (fd < 0)
        return fd;
    const auto a = sin_of(addr, port);
    if (const int err = s.bind(fd, sa(a), sizeof a)) {
        s.close(fd);
        return err;
    }
    return fd;
}

} // namespace ksock_test
