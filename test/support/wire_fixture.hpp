// test/support/wire_fixture.hpp: two stacks on a virtual link (vlink.hpp):
// stack a is 192.0.2.1/24 on its eth0 (ifindex 2), stack b 192.0.2.2/24,
// both devices up, lo as ifindex 1 on each. Small pools, so every table
// and pool can be run out. One pair lives at a time, in static storage
// (fresh() builds a new one in place), so that the tests fit a Cortex-M.
#pragma once

#include <cstddef>
#include <cstdint>
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

struct wire_pair {
    vwire w;
    wire_stack_a a;
    wire_stack_b b;

    //! Run both stacks and the wire for \p ms.
    void run(unsigned long ms) { vlink_run(w, a, b, ms); }

    //! A new pair in the static storage (the previous one is gone), set up:
    //! addresses, devices up, and ARP resolved both ways unless \p cold.
    static wire_pair& fresh(bool cold = false) {
        alignas(wire_pair) static unsigned char storage[sizeof(wire_pair)];
        static bool built = false;
        if (built)
            reinterpret_cast<wire_pair*>(storage)->~wire_pair();
        auto* p = ::new (storage) wire_pair();
        built = true;
        p->a.template device<vdev<0>>().wire = &p->w;
        p->b.template device<vdev<1>>().wire = &p->w;
        ksock::inet::iproute::addr_add(p->a, eth0, addr_a, 24);
        ksock::inet::iproute::addr_add(p->b, eth0, addr_b, 24);
        p->a.dev_open(eth0);
        p->b.dev_open(eth0);
        if (!cold)
            p->resolve();
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

} // namespace ksock_test
